"""Similar-case reasons in words (dutytrace/reasons.py), on the real codebook: names not ids, both
interface languages, boilerplate pairs and generic names left out, evidence cited in both cases."""

from __future__ import annotations

import re

import pytest

from dutytrace.nlp.codebook import load_codebook
from dutytrace.reasons import boilerplate_pair, concept_name, describe, explain, generic_name

CB = load_codebook()
ID = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")  # a codebook id such as poisoning_word or inadequate_inspection

CONTENT_EN = ("The two workers entered the sewer manhole without a gas test and were overcome by hydrogen "
              "sulphide; no breathing apparatus was provided.")
CONTENT_ZH = "两名工人未进行气体检测即进入污水井作业，因硫化氢中毒死亡，现场未配备空气呼吸器。"


def result(**kw) -> dict:
    base = {
        "case_id": "zh03", "title": "某污水泵站中毒事故", "score": 0.61,
        "shared_tags": ["inadequate_inspection"], "same_accident_type": True, "accident_type": "asphyxiation_poisoning",
        "industry": "municipal", "shared_concepts": ["confined_space", "hydrogen_sulphide", "poisoning_word", "killed"],
        "shared_entities": ["the trade union", "在该公司", "副局", "沙河县安全生产监督管理局"],
        "components": {}, "passages": [
            {"query_text": "Investigation Report into the Sewer Poisoning", "text": "某污水泵站“6·3”较大中毒事故调查报告",
             "name": "report.pdf", "page": 1, "doc_id": "d1", "tags": []},
            {"query_text": "Q: What is your job at the company?", "text": "问：你在公司担任什么职务？",
             "name": "interview.txt", "page": 1, "doc_id": "d2", "tags": []},
            {"query_text": CONTENT_EN, "text": CONTENT_ZH, "name": "report.pdf", "page": 3, "doc_id": "d1",
             "chunk_id": "c9", "tags": ["inadequate_inspection"]},
        ]}
    base.update(kw)
    return base


PROFILE = {"case_id": "zh03", "tags": [{"tag": "inadequate_inspection", "score": 0.9, "evidence": [
    {"doc_id": "d1", "name": "report.pdf", "page": 5, "text": "区城管局对该泵站未开展过安全检查。"}]}]}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_reasons_are_words_in_the_readers_language(lang):
    reasons = explain(result(), lang, CB, None, PROFILE)
    kinds = [r["kind"] for r in reasons]
    assert kinds[:3] == ["issue", "accident_type", "concepts"]
    for r in reasons:
        assert r["text"] and not ID.search(r["text"]), r["text"]  # never an internal id
    issue = reasons[0]
    assert CB.get("tags", "inadequate_inspection").label(lang) in issue["text"]
    assert issue["refs"][0] == {"side": "theirs", "doc_id": "d1", "document": "report.pdf", "page": 5,
                                "text": "区城管局对该泵站未开展过安全检查。"}
    assert ("p. 5" if lang == "en" else "第 5 页") in issue["text"]
    assert CB.get("accident_types", "asphyxiation_poisoning").label(lang) in reasons[1]["text"]
    concepts = reasons[2]
    if lang == "zh":
        assert {"有限空间", "硫化氢", "中毒"} <= set(concepts["names"])
    else:
        assert {"confined space", "hydrogen sulphide", "poisoning"} <= set(concepts["names"])
    assert "killed" not in concepts["concepts"]  # every fatal case has it: no reason


def test_generic_names_and_boilerplate_pairs_are_left_out():
    reasons = explain(result(), "en", CB)
    names = next(r for r in reasons if r["kind"] == "names")
    assert names["names"] == ["沙河县安全生产监督管理局"]
    pairs = [r for r in reasons if r["kind"] == "passages"]
    assert len(pairs) == 1  # the title pages and the interview question are not reasons
    pair = pairs[0]
    assert pair["refs"][1]["page"] == 3 and pair["refs"][1]["chunk_id"] == "c9"
    assert "hydrogen sulphide" in pair["text"] and "confined space" in pair["text"]


def test_a_pair_that_shares_nothing_is_no_reason():
    other = {"query_text": "The weather on the morning of the accident was dry and the wind was light from the west.",
             "text": "事发当日天气晴，气温较高，风力较小，现场周边道路通行正常，无其他异常情况。",
             "name": "report.pdf", "page": 2, "doc_id": "d1", "tags": []}
    reasons = explain(result(passages=[other], shared_tags=[], same_accident_type=False, shared_concepts=[],
                             shared_entities=[]), "en", CB)
    assert reasons == []


def test_boilerplate_rules():
    assert boilerplate_pair("Q: Where were you at the time?", "Q: Where were you at the time of it?")
    assert boilerplate_pair("询问人：王某  记录人：李某\n被询问人：张某", CONTENT_ZH)
    assert boilerplate_pair("Report", CONTENT_ZH)  # a fragment
    assert not boilerplate_pair(CONTENT_EN, CONTENT_ZH)
    for g in ("the trade union", "在该公司", "副局", "工会", "the Company"):
        assert generic_name(g), g
    for g in ("People's Government", "Supervision Commission", "the Federation of Trade Unions", "Work Safety Law",
              "党组成员", "市监察局", "实际控制人", "《中华人民共和国安全生产法》第一百零九条", "deputy director"):
        assert generic_name(g), g  # bodies without a place or name of their own, posts, laws
    for n in ("沙河县安全生产监督管理局", "Harbour Gas Company", "Jinping District Emergency Management Bureau",
              "云口县石堰沟煤业有限责任公司"):
        assert not generic_name(n), n


def test_concept_names_are_never_ids():
    for c in CB.concepts:
        for lang in ("en", "zh"):
            name = concept_name(c, lang)
            assert name and not ID.search(name), (c.id, lang, name)  # a one-word id may be its word
    assert concept_name(CB.get("concepts", "poisoning_word"), "zh") == "中毒"
    assert concept_name(CB.get("concepts", "fire_word"), "en") == "fire"


def test_the_read_line_says_what_was_read():
    material = {"name": "nc1.pdf", "kind": "report", "language": "en", "pages": 4,
                "accident_type": "asphyxiation_poisoning",
                "tags": [{"tag": "inadequate_inspection", "evidence": [{"text": "x", "page": 2}]}]}
    en = describe(material, "en", CB)
    assert en["kind"] == "read"
    assert en["text"] == ("Read from nc1.pdf: an investigation report in English, 4 pages; accident type: "
                          "Asphyxiation or poisoning; issues found: “Inadequate inspection and enforcement”")
    zh = describe(material, "zh", CB)["text"]
    assert "调查报告" in zh and "英文" in zh and "中毒和窒息" in zh and "监督检查不到位" in zh
    none = describe({"name": "x.txt", "kind": "transcript", "language": "zh", "tags": []}, "en", CB)["text"]
    assert "an interview transcript in Chinese" in none and "issues found: none" in none
    assert "accident type: not determined" in none
    # the material's own evidence page is cited beside theirs
    reasons = explain(result(), "en", CB, material, PROFILE)
    assert "in your document: p. 2" in reasons[0]["text"]
    assert reasons[0]["refs"][1] == {"side": "yours", "page": 2, "text": "x"}


# -- highlighting and the query explanation (dutytrace/highlight.py, ui_text.highlight) ----------------

def test_a_chinese_term_is_not_marked_inside_a_company_name():
    from dutytrace.ui_text import highlight

    out = highlight("某某环保科技有限公司的两名工人进入有限空间作业", "有限空间作业")
    assert "<mark>有限空间</mark>" in out
    assert "<mark>有限</mark>公司" not in out and "有限公司" in out  # 有限 of the query is not 有限 of 有限公司
    # a query that names the company form itself still marks it
    assert "<mark>有限</mark>" in highlight("某某有限公司", "有限公司")


def test_cue_underlines_end_on_word_boundaries():
    from dutytrace.highlight import cue_spans

    text = "The company did not carry out its primary responsibility for safety; bureaucratic habits ruled."
    spans = cue_spans(text, ["enterprise_primary_responsibility", "formalism_bureaucratism"], CB)
    assert spans
    for s in spans:
        piece = text[s["start"]:s["end"]]
        assert not (s["start"] > 0 and text[s["start"] - 1].isalpha()), piece
        assert not (s["end"] < len(text) and text[s["end"]].isalpha()), piece
    assert any(text[s["start"]:s["end"]] == "bureaucratic" for s in spans)


def test_entity_spans_drop_what_the_recogniser_glued_on():
    from dutytrace.ui_text import clean_entity, highlight

    assert clean_entity("月发给区城管局") == "区城管局"
    assert clean_entity("2019年3月5日县应急管理局") == "县应急管理局"
    for keep in ("和平区应急管理局", "日照市应急管理局", "Harbour Gas Company"):
        assert clean_entity(keep) == keep
    out = highlight("3月发给区城管局的函件", "函件", ["月发给区城管局"])
    assert '<mark class="dt-ent">区城管局</mark>' in out and "月发给" not in out.split('<mark class="dt-ent">')[1]


def test_an_english_query_marks_its_translated_terms_in_chinese_passages_and_back():
    from dutytrace.highlight import read_query
    from dutytrace.ui_text import explain_query, highlight

    zh = "两名工人未进行气体检测即进入污水井作业。"
    out = highlight(zh, "workers entered a manhole without a gas test")
    assert '<mark class="dt-trans">污水井</mark>' in out and '<mark class="dt-trans">气体检测</mark>' in out
    en = "The men entered the sewer manhole without any gas test."
    back = highlight(en, "有限空间 气体检测")
    assert '<mark class="dt-trans">manhole</mark>' in back and '<mark class="dt-trans">gas test</mark>' in back
    reading = read_query("workers entered a manhole without a gas test", CB)
    assert [c["id"] for c in reading.concepts] == ["confined_space", "gas_detection"]
    line = explain_query(reading, "en")
    assert line.startswith("Your query was read as: confined space, gas testing.") and "in Chinese as: 有限空间" in line
    assert explain_query(reading, "zh").startswith("检索词被理解为：有限空间、气体检测。")
    assert explain_query(read_query("the weather was fine", CB), "en") == ""  # no concept: nothing to explain


def test_the_legend_names_every_mark_in_both_languages():
    from dutytrace.ui_text import legend_html

    en, zh = legend_html("en"), legend_html("zh")
    for cls in ('<mark>', 'class="dt-trans"', 'class="dt-cue"', 'class="dt-ent"'):
        assert cls in en and cls in zh
    assert "a word of your query" in en and "检索词" in zh


# -- words on the screen: counts of one, raw values, the people table, errors -----------------------------

def test_counts_of_one_are_singular_in_english():
    from dutytrace.ui_i18n import t

    assert t("an.behind", "en", n=1) == "1 case" and t("an.behind", "en", n=2) == "2 cases"
    assert t("stats", "en", cases=1, documents=1, chunks=11) == "1 case · 1 document · 11 passages indexed"
    assert t("ex.rows", "en", n=1) == "1 row" and t("ex.rows", "en", n=21) == "21 rows"
    assert t("stats", "zh", cases=1, documents=1, chunks=1).startswith("共 1 个案件")


def test_raw_values_in_words():
    from dutytrace.ui_text import fact_words, loss_currency, money_words

    assert money_words(3968000.0, "CNY", "en") == "3,968,000 yuan"
    assert money_words(23165000.0, "CNY", "zh") == "2316.5万元"
    assert money_words(1250.5, "GBP", "en") == "1,250.50 pounds"
    assert loss_currency(["The direct economic loss was estimated at £2.1 million."], "en") == "GBP"
    assert loss_currency(["直接经济损失2316.5万元"], "zh") == "CNY"
    assert loss_currency(["no amount here"], "en") is None
    assert fact_words("grade", "general", "en", CB) == "General (fewer than 3 deaths)"
    assert fact_words("grade", "larger", "zh", CB) == "较大事故"
    assert fact_words("industry", "gas_supply", "en", CB) == "Gas supply"
    assert fact_words("industry", "cold_chain_logistics", "en", CB) == "cold chain logistics"
    assert fact_words("accident_type", "asphyxiation_poisoning", "zh", CB) == "中毒和窒息"


def test_people_rows_in_words_once_per_document():
    from dutytrace.ui_text import people_rows

    acc = [{"person": "陈某某", "role": "副局长", "organisation": None, "level": "comprehensive_supervision",
            "sanction": "demerit", "doc": "report.pdf", "page": 5, "evidence": "给予陈某某记过处分"},
           {"person": "陈某某", "role": "党组成员、副局长", "organisation": "沙河县安全生产监督管理局",
            "level": "comprehensive_supervision", "sanction": "transfer_to_judicial_organs", "doc": "report.pdf",
            "page": 6, "evidence": "移送司法机关"},
           {"person": "陈某某", "role": "副局长", "organisation": "None", "level": None, "sanction": "admonishment_talk",
            "doc": "decision.pdf", "page": 1, "evidence": "诫勉谈话"}]
    docs = [{"name": "report.pdf", "doc_id": "r1"}, {"name": "decision.pdf", "doc_id": "d1"}]
    rows = people_rows(acc, docs, "en", CB)
    assert len(rows) == 2  # once per document
    report = rows[0]
    assert report["sanction"] == "Transferred to the judicial organs" and report["page"] == 6  # the most severe
    assert report["organisation"] == "沙河县安全生产监督管理局" and report["role"] == "党组成员、副局长"
    assert report["level"] == "Comprehensive supervision (emergency management)" and report["doc_id"] == "r1"
    decision = rows[1]
    assert decision["organisation"] == "" and decision["sanction"] == "Admonishment talk"  # never "None", never a code
    assert people_rows(acc, docs, "zh", CB)[1]["sanction"] == "诫勉谈话"


def test_errors_in_the_interface_words():
    from dutytrace.errors import ConfigError, NotFound, UnreadableDocument
    from dutytrace.ui_text import ui_message

    msg = ui_message(UnreadableDocument("/srv/staging/upload-x1/case/bad.pdf", "corrupt PDF (no xref)"), "en")
    assert msg == "bad.pdf could not be read: the file is damaged"  # the name, not the server path
    assert ui_message(NotFound("no case 'x' in the catalog"), "zh") == "未找到：可能已被删除，或您无权查看。"
    conf = ui_message(ConfigError("user codebook /etc/x.yaml does not exist; fix DUTYTRACE_CODEBOOK"), "en")
    assert "DUTYTRACE" not in conf and "/etc" not in conf
    other = ui_message(RuntimeError("boom at /srv/app.py line 3"), "en")
    assert other.startswith("Something went wrong (reference ") and "/srv" not in other


def test_a_pair_names_the_case_compared_not_your_document():
    """`similar --case en07`: the passage beside the precedent's is en07's, not an upload's ("your passage")."""
    upload = [r for r in explain(result(), "en", CB, {"name": "nc1.pdf"}, PROFILE) if r["kind"] == "passages"]
    case = [r for r in explain(result(), "en", CB, {"name": "en07", "case_id": "en07"}, PROFILE) if r["kind"] == "passages"]
    assert upload and upload[0]["text"].startswith("Your passage")
    assert case and case[0]["text"].startswith("A passage of en07") and "Your" not in case[0]["text"]
    zh = [r for r in explain(result(), "zh", CB, {"name": "en07", "case_id": "en07"}, PROFILE) if r["kind"] == "passages"]
    assert zh[0]["text"].startswith("en07 的段落")
