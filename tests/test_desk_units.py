"""Unit tests of the investigator's desk: post groups (posts.py), sanctions across cases (sanctions.py),
the side-by-side comparison (compare.py) and the analytics counts (analytics.py: the totals are case
counts, regions grouped, one colour per issue, the issue x county x year view and its CSV) — on small
hand-made profiles, and the analytics totals on a real ingested archive (the `service` fixture)."""

from __future__ import annotations

import csv
import io

import pytest

from dutytrace import analytics
from dutytrace.compare import compare
from dutytrace.nlp.codebook import load_codebook
from dutytrace.posts import PostGroup, post_group
from dutytrace.sanctions import labelled, table


@pytest.mark.parametrize("role,org,level,group", [
    ("deputy director in charge of hazardous chemicals", "Zhaoyang County Work Safety Supervision Bureau",
     "comprehensive_supervision", "county:emergency:deputy_head"),
    ("党组成员、副局长", "沙河县安全生产监督管理局", "comprehensive_supervision", "county:emergency:deputy_head"),
    ("局长", "桥西区应急管理局", "comprehensive_supervision", "county:emergency:head"),
    ("chief of the hazardous chemicals section", "Zhaoyang County Work Safety Supervision Bureau",
     "comprehensive_supervision", "county:emergency:section_chief"),
    ("deputy township head in charge of work safety", "Dazhai Township People's Government", "local_management",
     "township:government:deputy_gov_head"),
    ("镇长", "石堰镇人民政府", "local_management", "township:government:gov_head"),
    ("副县长", "沙河县人民政府", "leadership", "county:government:deputy_gov_head"),
    ("chairman and legal representative", "Haichuan Ruitong Chemical Storage Co., Ltd.", "enterprise",
     "-:enterprise:principal"),
    ("法定代表人、总经理", "嘉禾市青溪区鲜通冷链物流有限公司", "enterprise", "-:enterprise:principal"),
    ("general manager", "Tonghe Qingyuan Municipal Engineering Co., Ltd.", "enterprise", "-:enterprise:manager"),
    ("安全员", "云泽建工集团第三工程有限公司", "enterprise", "-:enterprise:safety"),
    ("事故责任单位", "临川市恒远精细化工有限公司", "enterprise", "-:enterprise:body"),
    ("inspector", "Heping County Emergency Management Bureau", "comprehensive_supervision", "county:emergency:staff"),
    ("市场监管所所长", "青溪区市场监督管理局城东市场监管所", "industry_supervision", "county:market:section_chief"),
    ("deputy director", "Xinhu New Area Construction Safety Supervision Station", "industry_supervision",
     "county:housing:deputy_head"),
])
def test_post_groups_follow_the_written_rules(role, org, level, group):
    person = {"person": "X", "role": role, "organisation": org, "level": level}
    assert post_group(person).id == group


def test_post_group_labels_are_words_in_both_languages():
    g = PostGroup("county", "emergency", "deputy_head")
    assert g.label("en") == "County / district emergency management / work safety body: deputy head"
    assert g.label("zh") == "县（区）级应急管理（安全监管）部门分管负责人（副职）"
    assert PostGroup("-", "enterprise", "body").label("zh") == "企业本身"
    assert PostGroup("township", "government", "gov_head").label("en") == "Township / sub-district people's government: head of government"


def _profile(cid, year, tags, people, region=None, facts=None):
    return {"case_id": cid, "title": f"Case {cid}", "year": year, "meta": {"region": region} if region else {},
            "facts": dict(facts or {}), "languages": ["en"], "documents": [],
            "tags": [{"tag": t, "score": 0.9, "evidence": [{"text": f"{t} evidence in {cid}", "page": 2, "name": "r.pdf",
                                                           "doc_id": "d" + cid}]} for t in tags],
            "accountability": people}


PEOPLE_A = [
    {"person": "Li", "role": "deputy director", "organisation": "Anding District Emergency Management Bureau",
     "level": "comprehensive_supervision", "sanction": "major_demerit", "page": 1, "doc": "n.txt",
     "evidence": "Li, deputy director, failed to carry out inspections and was given a major demerit."},
    {"person": "Wang", "role": "general manager", "organisation": "Hengbing Co., Ltd.", "level": "enterprise",
     "sanction": "transfer_to_judicial_organs", "page": 5, "doc": "r.pdf", "evidence": "Wang was arrested."},
    {"person": "Nobody", "role": "clerk", "organisation": "Hengbing Co., Ltd.", "level": "enterprise", "sanction": None},
]
PEOPLE_B = [
    {"person": "Zhao", "role": "副局长", "organisation": "青溪区应急管理局", "level": "comprehensive_supervision",
     "sanction": "major_demerit", "page": 3, "doc": "notice.pdf", "evidence": "给予副局长赵某政务记大过处分。"},
    {"person": "Qian", "role": "副局长", "organisation": "滨河区应急管理局", "level": "comprehensive_supervision",
     "sanction": "warning", "page": 4, "doc": "notice.pdf", "evidence": "给予钱某警告处分。"},
]
PROFILES = [
    _profile("a", 2019, ["inadequate_inspection", "enterprise_primary_responsibility"], PEOPLE_A,
             "Anding District, Ruicheng City"),
    _profile("b", 2019, ["inadequate_inspection"], PEOPLE_B, "东江省嘉禾市青溪区"),
    _profile("c", 2021, [], [], "东江省嘉禾市青溪区"),
    _profile("d", None, ["inadequate_inspection"], [], None),
]


def test_sanctions_table_counts_people_cases_and_issues():
    groups = table(PROFILES)
    by = {(g["level"], g["group"]): g for g in groups}
    deputies = by[("comprehensive_supervision", "county:emergency:deputy_head")]
    assert deputies["people"] == 3 and deputies["cases"] == ["a", "b"]
    assert [(s["sanction"], s["people"], s["cases"]) for s in deputies["sanctions"]] == [
        ("major_demerit", 2, ["a", "b"]), ("warning", 1, ["b"])]  # most severe first
    major = deputies["sanctions"][0]
    assert {(i["tag"], i["cases"]) for i in major["issues"]} == {("inadequate_inspection", 2),
                                                                 ("enterprise_primary_responsibility", 1)}
    assert {p["person"] for p in major["persons"]} == {"Li", "Zhao"}
    # nobody without a sanction; levels in their order (supervision before enterprise)
    assert all(p["person"] != "Nobody" for g in groups for s in g["sanctions"] for p in s["persons"])
    assert [g["level"] for g in groups] == ["comprehensive_supervision", "enterprise"]
    assert sum(g["people"] for g in groups) == 4
    assert table(PROFILES, level="enterprise")[0]["group"] == "-:enterprise:manager"
    words = labelled(groups, load_codebook(None), "zh")
    assert words[0]["level_name"] == "综合监管责任" and words[0]["sanctions"][0]["sanction_name"] == "记大过"
    assert words[0]["sanctions"][0]["issues"][0]["tag_name"] == "监督检查不到位"


def test_compare_aligns_by_issue():
    measures = {"a": [{"id": "m1", "measure": "Strengthen supervision and inspection of cold stores.", "status": "open",
                       "document": "r.pdf", "page": 7},
                      {"id": "m2", "measure": "Plant trees.", "status": "done", "document": "r.pdf", "page": 7}],
                "b": []}
    cb = load_codebook(None)
    res = compare(PROFILES[:2], measures, cb)
    assert res["case_ids"] == ["a", "b"]
    assert [i["tag"] for i in res["issues"]] == ["inadequate_inspection", "enterprise_primary_responsibility"]
    shared, only_a = res["issues"]
    assert shared["carried_by"] == 2 and [c["carried"] for c in only_a["cells"]] == [True, False]
    assert shared["cells"][0]["evidence"][0]["page"] == 2
    assert not only_a["cells"][1]["evidence"] and not only_a["cells"][1]["people"]
    # a measure goes under the issue its text states (the issue's cues), the rest below
    claimed = [m["id"] for i in res["issues"] for m in i["cells"][0]["measures"]]
    assert "m2" not in claimed and [m["id"] for m in res["other_measures"][0]] == [x for x in ("m1", "m2")
                                                                                     if x not in claimed]
    levels = {lv["level"]: lv["cells"] for lv in res["levels"]}
    assert [p["person"] for p in levels["comprehensive_supervision"][1]] == ["Zhao", "Qian"]
    assert [p["person"] for p in levels["enterprise"][0]] == ["Wang"] and levels["enterprise"][1] == []
    with pytest.raises(ValueError):
        compare(PROFILES[:1], {}, cb)


def test_analytics_totals_are_case_counts_and_regions_are_grouped():
    rows = analytics.case_table(PROFILES)
    for dim in ("year", "province", "county", "industry", "accident_type"):
        assert analytics.case_count(rows, dim) == len(PROFILES), dim  # every case once
    assert analytics.case_count(rows, "tag") == 4  # case-issue pairs: a has 2, b and d 1
    assert [(c["value"], c["cases"]) for c in analytics.totals(rows, "year")] == [(2019, 2), (2021, 1), (None, 1)]
    county = {c["value"]: c["case_ids"] for c in analytics.totals(rows, "county")}
    assert county == {"嘉禾市青溪区": ["b", "c"], "Anding District, Ruicheng City": ["a"], None: ["d"]}
    assert {c["value"]: c["cases"] for c in analytics.totals(rows, "province")} == {"东江省": 2, None: 2}
    assert analytics.region_parts("Xishan Province, Beiyuan City, Qingmu County") == {
        "province": "Xishan Province", "city": "Beiyuan City", "county": "Qingmu County, Beiyuan City"}
    assert analytics.region_parts("Longwan County, Qingshi Township")["county"] == "Longwan County"
    assert analytics.region_parts("岳川省云溪县") == {"province": "岳川省", "city": None, "county": "云溪县"}
    assert analytics.region_parts("临川市市场监督管理局")["city"] == "临川市"


def test_issue_colours_are_fixed_by_the_codebook_not_the_data():
    ids = load_codebook(None).tag_ids()
    colours = analytics.issue_colours(ids)
    assert len(set(colours.values())) == len(ids)  # no two issues share a colour
    assert analytics.issue_colours(ids)["inadequate_inspection"] == colours["inadequate_inspection"]
    assert analytics.issue_colours(ids + ["user_tag"])["inadequate_inspection"] == colours["inadequate_inspection"]


def test_issue_county_year_view_and_its_csv():
    rows = analytics.case_table(PROFILES)
    cube = analytics.issue_county_year(rows)
    cells = {(c["tag"], c["county"], c["year"]): c["case_ids"] for c in cube}
    assert cells == {("inadequate_inspection", "Anding District, Ruicheng City", 2019): ["a"],
                     ("inadequate_inspection", "嘉禾市青溪区", 2019): ["b"],
                     ("inadequate_inspection", None, None): ["d"],
                     ("enterprise_primary_responsibility", "Anding District, Ruicheng City", 2019): ["a"]}
    assert cube[0]["tag"] == "inadequate_inspection"  # the most frequent issue first
    hostile = analytics.case_table([_profile("e", 2020, ["inadequate_inspection"], [], "=HYPERLINK(\"x\") County")])
    data = analytics.cube_csv(analytics.issue_county_year(rows + hostile), lambda t: t.replace("_", " "), "(unknown)")
    table_rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert sum(int(r["cases"]) for r in table_rows) == 5
    assert any(r["county"].startswith("'=") for r in table_rows)  # a formula is escaped
    assert {r["issue"] for r in table_rows} == {"inadequate inspection", "enterprise primary responsibility"}


def test_analytics_totals_equal_the_case_count_of_an_ingested_archive(service):
    rows = analytics.case_table(service.case_profiles())
    n = service.stats()["cases"]
    assert n == 3
    for dim in ("year", "province", "county", "industry", "accident_type"):
        assert analytics.case_count(rows, dim) == n, dim


def test_sanctions_and_compare_through_the_service(service):
    groups = service.sanctions()
    decided = [p for prof in service.case_profiles() for p in prof["accountability"] if p.get("sanction")]
    assert sum(g["people"] for g in groups) == len(decided) >= 1
    res = service.compare(["case-sewer", "case-mine"])
    assert res["case_ids"] == ["case-sewer", "case-mine"] and res["issues"]
    with pytest.raises(ValueError):
        service.compare(["case-sewer"])


def test_cli_compare_and_sanctions(service):
    import json

    from typer.testing import CliRunner

    from dutytrace.cli import app

    env = {"DUTYTRACE_HOME": str(service.settings.home), "HF_HUB_OFFLINE": "1"}
    r = CliRunner().invoke(app, ["compare", "case-sewer", "case-mine", "--json"], env=env)
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["case_ids"] == ["case-sewer", "case-mine"]
    r = CliRunner().invoke(app, ["compare", "case-sewer"], env=env)
    assert r.exit_code == 2
    r = CliRunner().invoke(app, ["compare", "case-sewer", "no-such-case"], env=env)
    assert r.exit_code == 2 and "no-such-case" in r.output
    r = CliRunner().invoke(app, ["compare", "case-sewer", "case-mine"], env=env)
    assert r.exit_code == 0 and "Date of the accident" in r.output and "accident_type" not in r.output
    r = CliRunner().invoke(app, ["sanctions", "--json", "--lang", "zh"], env=env)
    assert r.exit_code == 0, r.output
    groups = json.loads(r.output)["groups"]
    assert sum(g["people"] for g in groups) == sum(g["people"] for g in service.sanctions())
    assert all(g["group_name"] and s["sanction_name"] for g in groups for s in g["sanctions"])


def test_a_person_named_in_report_and_decision_counts_once_with_the_most_severe_sanction():
    person = {"person": "Ren Jiachen", "role": "deputy director", "organisation": "Beiwan Park Management Committee",
              "level": "local_management"}
    prof = {"case_id": "c1", "title": "t", "year": 2016, "tags": [], "accountability": [
        {**person, "sanction": "warning", "doc": "report.pdf", "page": 5},
        {**person, "person": "Ren  Jiachen", "sanction": "serious_warning", "doc": "decision.pdf", "page": 1},
        {"person": "Liu Min", "role": "deputy director", "organisation": "Beiwan Park Management Committee",
         "level": "local_management", "sanction": "warning", "doc": "report.pdf", "page": 5},
    ]}
    groups = table([prof])
    assert sum(g["people"] for g in groups) == 2
    persons = [p for g in groups for s in g["sanctions"] for p in s["persons"]]
    ren = [p for p in persons if "Ren" in p["person"]]
    assert len(ren) == 1 and ren[0]["doc"] == "decision.pdf"  # the most severe sanction's document is cited
    assert {s["sanction"] for g in groups for s in g["sanctions"]} == {"serious_warning", "warning"}
