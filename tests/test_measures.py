"""Rectification measures: extraction in several layouts and both languages (nlp/measures.py), the
follow-up in the catalog (store/measures.py) through the service and the CLI: statuses persisted and
audited, ids that survive re-ingestion and re-tagging, overdue items, permissions and clearance."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from dutytrace.cli import app
from dutytrace.models import Page
from dutytrace.nlp.deadlines import deadline_of
from dutytrace.nlp.measures import extract_measures, in_original_script
from dutytrace.script import to_simplified
from tests.conftest import make_pdf


def items(text: str, lang: str) -> list:
    return extract_measures([Page(1, text)], lang)


def traditional(text: str) -> list:
    """As ingest and the benchmark read a traditional-script text: from its simplified twin, given back."""
    return in_original_script(extract_measures([Page(1, to_simplified(text))], "zh"), text)


# -- extraction -------------------------------------------------------------------------------------
def test_numbered_list_en_with_bodies_and_deadlines():
    text = ("Report on the Silo Fire\n30 May 2020\n"
            "7. Responsibility findings and handling recommendations\n"
            "(1) Li Ming, deputy director of the county bureau, is recommended for a warning.\n"
            "8. Rectification measures\n"
            "(1) The County Emergency Management Bureau shall inspect every grain silo in the county by 31\n"
            "December 2020 and close those without dust control. (2) Employers should train every\n"
            "worker before bin entry. (3) Dust accumulation must be removed daily, as required under\n"
            "Article 109(2) of the law. (4) The town government is to set up a register within 30 days.\n"
            "9. Annex\nList of members of the investigation team.\n")
    ms = items(text, "en")
    assert [m.measure[:22] for m in ms] == ["The County Emergency M", "Employers should train",
                                           "Dust accumulation must", "The town government is"]
    assert "(1)" not in ms[0].measure and "Li Ming" not in " ".join(m.measure for m in ms)
    assert ms[0].body == "The County Emergency Management Bureau" and ms[0].deadline == "2020-12-31"
    assert ms[1].body == "Employers" and ms[2].body is None
    assert ms[3].deadline == "within 30 days" and ms[3].due == "2020-06-29"  # from the report's date
    assert "Article 109(2)" in ms[2].measure  # a reference inside an item is not a new item


def test_ordinals_sentences_colon_list_and_several_bodies_en():
    text = ("Final report\n6. Measures\n"
            "First, the park must replace checklist inspections. Second, changes in process require a review.\n"
            "7. Recommendations\n"
            "The company must, within 60 days: survey every press for defeated guards; introduce a management of "
            "change procedure; and set up a register of open findings. The Transport Bureau and the Emergency "
            "Management Bureau shall share inspection records monthly; the county government shall fund two "
            "more inspectors. Edge protection may be removed only under a written permit.\n")
    ms = items(text, "en")
    texts = [m.measure for m in ms]
    assert texts[0].startswith("the park must replace") and texts[1].startswith("changes in process")
    assert texts[2:5] == ["survey every press for defeated guards", "introduce a management of change procedure",
                          "set up a register of open findings."]
    assert {m.body for m in ms[2:5]} == {"The company"} and {m.deadline for m in ms[2:5]} == {"within 60 days"}
    shared = next(m for m in ms if "share inspection records" in m.measure)
    assert shared.body == "The Transport Bureau and the Emergency Management Bureau"
    fund = next(m for m in ms if "fund two" in m.measure)
    assert fund.body == "the county government"
    assert ms[-1].measure.startswith("Edge protection") and ms[-1].body is None


def test_face_and_csb_recommendations():
    face = ("SUMMARY\nto help prevent similar occurrences, employers should:\n- assess hazards\n"
            "RECOMMENDATIONS/DISCUSSION\n"
            "Recommendation #1: Employers should conduct a documented job hazard assessment before tree work.\n"
            "Discussion: A short assessment written down before anyone climbs makes sure lines are noticed.\n"
            "Recommendation #2: Employers should train all tree workers in aerial rescue.\n"
            "Discussion: Co-workers who try to reach a victim can become victims themselves.\n")
    ms = items(face, "en")
    assert [m.measure for m in ms] == [
        "Employers should conduct a documented job hazard assessment before tree work.",
        "Employers should train all tree workers in aerial rescue."]
    assert {m.body for m in ms} == {"Employers"}
    bullets = ("Ohio FACE investigators recommend:\n- Employers should install backup alarms on every truck\n"
               "- Farm owners should keep rescue equipment at each pit\nINTRODUCTION\nThe investigator was told ...\n")
    ms = items(bullets, "en")
    assert [(m.body, m.measure) for m in ms] == [
        ("Employers", "Employers should install backup alarms on every truck"),
        ("Farm owners", "Farm owners should keep rescue equipment at each pit")]
    csb = ("RECOMMENDATIONS\n\nTo Southern Pine Pellet Company: Develop a combustible dust program.\n\n"
           "To the Occupational Safety and Health Administration: Promulgate a combustible dust standard.\n")
    ms = items(csb, "en")
    assert [(m.body, m.measure) for m in ms] == [
        ("Southern Pine Pellet Company", "Develop a combustible dust program."),
        ("the Occupational Safety and Health Administration", "Promulgate a combustible dust standard.")]


def test_chinese_layouts_and_bodies():
    text = ("某县“3·15”事故调查报告\n2021年4月20日\n"
            "六、事故责任认定及处理建议\n（一）张某，建议给予政务记过处分。\n"
            "七、事故防范和整改措施建议\n"
            "（一）县应急管理局要在2021年12月31日前对全县危化企业开展专项检查；乡镇政府要建立隐患台账。\n"
            "（二）切实加强从业人员培训。恒远公司要立即对全体员工开展培训，不合格的一律不得上岗。\n"
            "（三）各乡镇一个月内完成排查，年底前完成整改。\n"
            "八、附件\n调查组成员名单\n")
    ms = items(text, "zh")
    assert len(ms) == 3 and not any("张某" in m.measure for m in ms)
    assert ms[0].measure.startswith("县应急管理局要在") and ms[0].bodies == ("县应急管理局", "乡镇政府")
    assert ms[0].deadline == "2021-12-31" and ms[0].page == 1
    assert ms[1].body == "恒远公司"
    assert ms[2].body == "各乡镇" and ms[2].deadline == "一个月内" and ms[2].due == "2021-05-20"
    # unnumbered: one item per sentence with 要/应/必须…, a sentence without one joins the item before it
    ms = items("五、整改要求\n企业要落实安全生产主体责任。这是本次事故的主要教训。区住建局应当加强监督检查。\n", "zh")
    assert [m.measure for m in ms] == ["企业要落实安全生产主体责任。这是本次事故的主要教训。", "区住建局应当加强监督检查。"]
    assert [m.body for m in ms] == ["企业", "区住建局"]
    ms = items("五、防范措施\n一是企业要健全制度；二是县交通局要加强巡查。\n", "zh")
    assert [m.body for m in ms] == ["企业", "县交通局"]


def test_deadlines():
    import datetime as dt

    assert deadline_of("by 30 June 2022 the Utility must", "en") == ("2022-06-30", "2022-06-30")
    assert deadline_of("within three months", "en", dt.date(2020, 1, 31)) == ("within three months", "2020-04-30")
    assert deadline_of("before resuming production", "en")[0] == "before resuming production"
    assert deadline_of("within 48 hours", "en") == (None, None)  # a standing rule, not a deadline
    assert deadline_of("2019年6月底前完成", "zh") == ("2019-06-30", "2019-06-30")
    assert deadline_of("年底前完成", "zh", dt.date(2019, 3, 1)) == ("年底前", "2019-12-31")
    assert deadline_of("复产前完成", "zh") == ("复产前", None)


def test_traditional_script_given_back_in_its_characters():
    original = "七、事故防範和整改措施\n（一）縣應急管理局要加強對企業的監督檢查。\n（二）企業要落實安全責任。\n"
    ms = traditional(original)
    assert [m.measure for m in ms] == ["縣應急管理局要加強對企業的監督檢查。", "企業要落實安全責任。"]
    assert ms[0].body == "縣應急管理局"


# -- follow-up in the catalog ------------------------------------------------------------------------
EN_REPORT = [
    "Investigation Report on the Ammonia Leak at Dongling Foods\nCounty Investigation Team\n2 March 2021",
    "5. Causes\nThe detectors were not linked to the fans.\n"
    "6. Rectification measures\n"
    "(1) Dongling Foods shall link its ammonia detectors to alarms and fans by 30 June 2021.\n"
    "(2) The County Emergency Management Bureau shall inspect every ammonia refrigeration user by 31 December 2099.\n"
    "(3) Evacuation drills must be held twice a year with all staff.",
]
ZH_TRAD_REPORT = ("青山縣“5·8”有限空間中毒事故調查報告\n2020年6月1日\n"
                  "一、事故經過\n三名工人未經檢測進入污水井，中毒死亡。\n"
                  "二、事故防範和整改措施\n（一）縣住建局要在2099年12月31日前對全縣排水設施開展排查。\n"
                  "（二）養護公司要為每台作業車配備氣體檢測儀和呼吸器。\n")


def run(env, *args):
    return CliRunner().invoke(app, list(args), env=env)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("measures")
    arch = root / "arch"
    (arch / "case-ammonia").mkdir(parents=True)
    make_pdf(arch / "case-ammonia" / "report.pdf", EN_REPORT)
    (arch / "case-sewer").mkdir()
    (arch / "case-sewer" / "report.txt").write_text(ZH_TRAD_REPORT, encoding="utf-8")
    (arch / "case-sewer" / "case.yaml").write_text("title: 污水井中毒\nclearance: restricted\n", encoding="utf-8")
    env = {"DUTYTRACE_HOME": str(root / "home"), "HF_HUB_OFFLINE": "1", "DUTYTRACE_USER": ""}
    r = run(env, "ingest", str(arch), "--json")
    assert r.exit_code == 0, r.output
    return {"env": env, "arch": arch, "root": root}


def measures(env, case_id, user=None):
    r = run({**env, "DUTYTRACE_USER": user or ""}, "measures", case_id, "--json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


# -- layouts from other writers (issue 19): handling sections, imperatives, corrective actions ---------
def test_zh_handling_section_keeps_requirements_drops_sanctions():
    text = ("三、处理建议\n"
            "1.鸿达公司由区应急管理局依法处罚，其法定代表人依法追究责任。\n"
            "2.街道安监员王某履职不到位，建议给予诫勉谈话。\n"
            "3.区政府应明确出租厂房消防安全的牵头单位，并于年底前完成排查。\n"
            "4.建议区住建局出台厂房改建安全审查办法。\n"
            "调查组\n")
    ms = items(text, "zh")
    assert [m.measure for m in ms] == ["区政府应明确出租厂房消防安全的牵头单位，并于年底前完成排查。",
                                       "建议区住建局出台厂房改建安全审查办法。"]
    assert ms[0].body == "区政府"


def test_zh_handling_heading_inline_with_its_text_splits_at_bing():
    text = ("五、处理意见。建议对涉事施工队依法予以查处；对镇规划办相关人员进行约谈，并对全乡在建厂房开展一次安全检查。"
            "赔偿事宜已由双方协商解决。\n特此报告。\n")
    ms = items(text, "zh")
    assert [m.measure for m in ms] == ["对全乡在建厂房开展一次安全检查"]
    assert ms[0].body is None


def test_en_handling_recommendations_keep_only_requirements():
    text = ("V. Handling Recommendations\n"
            "1. The site foreman is recommended for criminal prosecution.\n"
            "2. The contractor is recommended to be fined and to have its licence suspended.\n"
            "3. The city housing bureau received the complaint and acted in time.\n"
            "4. All scaffolding contractors in the city shall inspect every tie-in before loading.\n")
    ms = items(text, "en")
    assert [m.measure[:30] for m in ms] == ["All scaffolding contractors in"]
    assert ms[0].body == "All scaffolding contractors in the city"


def test_en_imperatives_without_subject_under_a_measures_heading():
    text = ("VI. Preventive Measures\n"
            "Review the lifting plans of every quay crane before the typhoon season.\n"
            "Strictly implement the two-person rule for work on live feeders.\n"
            "The crane was built in 1998.\n")
    ms = items(text, "en")
    assert [m.measure[:20] for m in ms] == ["Review the lifting p", "Strictly implement t"]
    assert "built in 1998" in ms[1].measure and ms[0].body is None  # a statement belongs to the item before


def test_en_shall_bodies_plural_units_and_districts():
    ms = items("IV. Preventive Measures\nAll districts shall survey their cold stores before June.\n"
               "Demolition units must fence off the work area.\n", "en")
    assert [m.body for m in ms] == ["All districts", "Demolition units"]


def test_en_corrective_actions_of_a_root_cause_table():
    text = ("ROOT CAUSE ANALYSIS\n\n"
            "Root Cause: The operator had no procedure for isolating the crusher.\n"
            "Corrective Action: The operator drafted an isolation procedure and trained all\nfitters in it.\n\n"
            "Root Cause: Guards were missing. Corrective Action: Guards were made and fitted on every belt.\n")
    ms = items(text, "en")
    assert [m.measure for m in ms] == ["The operator drafted an isolation procedure and trained all fitters in it.",
                                       "Guards were made and fitted on every belt."]
    assert [m.body for m in ms] == ["The operator", None]  # the actor of an action taken, where one is named


def test_responsibility_handling_heading_still_not_a_measures_section():
    text = ("七、事故责任认定及处理建议\n1.区政府应当督促各街道开展排查。\n八、附件\n")
    assert items(text, "zh") == []


def test_cli_json_shape_overdue_and_traditional(world):
    res = measures(world["env"], "case-ammonia")
    assert res["case_id"] == "case-ammonia" and len(res["items"]) == 3
    for it in res["items"]:
        assert {"id", "measure", "body", "deadline", "status", "page"} <= set(it)
    first, second, third = res["items"]
    assert first["body"] == "Dongling Foods" and first["deadline"] == "2021-06-30" and first["page"] == 2
    assert first["status"] == "overdue" and first["overdue"]  # its deadline has passed and it is not done
    assert second["status"] == "open" and third["body"] is None
    zh = measures(world["env"], "case-sewer")["items"]
    assert [i["body"] for i in zh] == ["縣住建局", "養護公司"] and zh[0]["deadline"] == "2099-12-31"


def test_status_persisted_audited_and_kept_through_reingest_and_retag(world):
    env = world["env"]
    ids = [i["id"] for i in measures(env, "case-ammonia")["items"]]
    r = run(env, "measures", "case-ammonia", "--set", ids[0], "done", "--note", "detectors linked; seen on site",
            "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["item"]["status"] == "done"
    r = run(env, "measures", "case-ammonia", "--set", ids[1], "in_progress", "--checked", "2021-05-04")
    assert r.exit_code == 0, r.output

    from dutytrace.audit import Audit
    from dutytrace.config import Settings
    from dutytrace.store.catalog import Catalog

    cat = Catalog(Settings(home=world["root"] / "home").catalog_path)
    rows = [e for e in Audit(cat).entries(action="measure_status") if e["detail"]["item"] == ids[0]]
    assert rows and rows[0]["target"] == "case-ammonia"
    assert rows[0]["detail"]["before"]["recorded_status"] == "open"
    assert rows[0]["detail"]["after"] == {"recorded_status": "done", "note": "detectors linked; seen on site",
                                          "checked": rows[0]["detail"]["after"]["checked"], "by": "local"}
    cat.close()

    # a new version of the report (an extra paragraph, same measures), then re-tagging: same ids, same statuses
    pages = [EN_REPORT[0], "4. Course of events\nThe leak began at night.\n" + EN_REPORT[1]]
    make_pdf(world["arch"] / "case-ammonia" / "report.pdf", pages)
    r = run(env, "ingest", str(world["arch"]), "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["ingested"] == 1, r.output
    r = run(env, "retag", "--json")
    assert r.exit_code == 0, r.output
    after = measures(env, "case-ammonia")["items"]
    assert [i["id"] for i in after] == ids
    assert [i["status"] for i in after[:2]] == ["done", "in_progress"]
    assert after[0]["note"] == "detectors linked; seen on site" and after[1]["checked"] == "2021-05-04"


def test_usage_errors_exit_2(world):
    env = world["env"]
    some_id = measures(env, "case-ammonia")["items"][0]["id"]
    r = run(env, "measures", "case-ammonia", "--set", some_id, "finished")
    assert r.exit_code == 2 and "not a status" in r.output
    r = run(env, "measures", "case-ammonia", "--set", "m000000000000", "done")
    assert r.exit_code == 2 and "no measure" in r.output
    r = run(env, "measures", "no-such-case", "--json")
    assert r.exit_code == 2


def test_followup_page_lists_counts_and_records_a_check(world, monkeypatch):
    from pathlib import Path

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dutytrace.audit import ACTIONS

    assert "measure_status" in ACTIONS
    target = measures(world["env"], "case-ammonia")["items"][2]
    monkeypatch.setenv("DUTYTRACE_HOME", world["env"]["DUTYTRACE_HOME"])
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "search_app.py"), default_timeout=180)
        at.switch_page("ui_pages/followup.py").run()
        assert not at.exception, at.exception
        frames = [d.value for d in at.dataframe]
        assert any("drills" in " ".join(map(str, f.to_numpy().ravel())) for f in frames)  # an item
        assert any("縣住建局" in " ".join(map(str, f.to_numpy().ravel())) for f in frames)  # a body
        at.selectbox(key="fu_item").set_value(target["id"])
        at.radio(key="fu_new_status").set_value("done")
        at.text_input(key="fu_note").input("drill record seen")
        next(b for b in at.button if b.label == "Save").click().run()
        assert not at.exception, at.exception
        assert at.success and target["id"] in at.success[0].value
    finally:
        from ui_pages.common import shared

        shared().close()
        st.cache_resource.clear()
    item = measures(world["env"], "case-ammonia")["items"][2]
    assert item["status"] == "done" and item["note"] == "drill record seen"


def test_viewer_cannot_set_and_uncleared_user_cannot_list(world):
    from dutytrace.config import Settings
    from dutytrace.errors import NotFound
    from dutytrace.security import AccessDenied
    from dutytrace.service import Dutytrace

    settings = Settings(home=world["root"] / "home")
    with Dutytrace(settings) as svc:
        svc.users.add("boss", "boss-password", "admin", "restricted")
        svc.users.add("vera", "vera-password", "viewer", "restricted")
        svc.users.add("ian", "ian-password", "investigator", "open")
    item = None
    with Dutytrace(settings, user="vera") as svc:
        item = svc.measures("case-ammonia")["items"][1]
        with pytest.raises(AccessDenied):
            svc.set_measure_status("case-ammonia", item["id"], "done")
    with Dutytrace(settings, user="ian") as svc:
        with pytest.raises(NotFound):
            svc.measures("case-sewer")
        with pytest.raises(NotFound):
            svc.set_measure_status("case-sewer", "m000000000000", "done")
        assert svc.measures("case-ammonia")["items"][1]["status"] == item["status"]
    with Dutytrace(settings, user="boss") as svc:
        denied = svc.audit.entries(action="denied")
        assert any(e["user"] == "vera" and e["detail"].get("action") == "measure_status" for e in denied)
        assert any(e["user"] == "ian" and e["target"] == "case-sewer" for e in denied)
        assert svc.measures("case-ammonia")["items"][1]["recorded_status"] == item["recorded_status"]
    r = run({**world["env"], "DUTYTRACE_USER": "ian"}, "measures", "case-sewer", "--json")
    assert r.exit_code == 2 and "no case" in r.output


def test_zh_body_with_one_de_before_a_kind_of_organisation():
    ms = items("六、防范措施\n水利工程的施工单位应落实汛期值班制度。\n", "zh")
    assert [m.body for m in ms] == ["水利工程的施工单位"]
