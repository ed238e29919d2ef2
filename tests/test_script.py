"""Traditional-script Chinese: read as simplified for NLP, shown and quoted as written (dutytrace/script.py)."""

from __future__ import annotations

from dutytrace.indexing import prepare
from dutytrace.script import Simplified, is_traditional, to_simplified

# written for this test (invented county, company and events)
REPORT_TRAD = (
    "桐山縣恆達建築工程有限公司「6·12」高處墜落事故調查報告\n\n"
    "2021年6月12日上午9時許，桐山縣恆達建築工程有限公司承建的濱江花園三期工地發生一宗高處墜落事故，造成1人死亡。\n\n"
    "一、事故原因\n"
    "該公司未建立安全生產責任制，安全管理制度不健全，未對作業人員進行安全技術交底。\n\n"
    "二、有關單位存在的問題\n"
    "縣住房和城鄉建設局對該工地的監督檢查流於形式，未發現企業存在的重大安全隱患。\n"
)

TRANSCRIPT_TRAD = (
    "詢問筆錄\n時間：2021年6月14日\n被詢問人：陳國強\n"
    "問：你在工地做甚麼工作？\n答：我負責外牆的鋼管架。\n"
    "問：上班前有沒有接受過安全培訓？\n答：沒有，來了就直接上架子。\n"
    "問：安全帶是誰發的？\n答：公司沒有發，我們自己帶。\n"
    "問：出事時你在哪裡？\n答：我在樓下搬材料。\n"
)


def test_conversion_keeps_every_position():
    text = "並未經過專業的安全教育培訓，鄉鎮政府監管職責不清。滑鼠 乾燥 後來 瞭解"
    simple = to_simplified(text)
    assert simple.startswith("并未经过专业的安全教育培训，乡镇政府监管职责不清")
    assert len(simple) == len(text)
    assert to_simplified("已是简体，不变。Plain English.") == "已是简体，不变。Plain English."
    assert is_traditional(text) and not is_traditional(simple) and not is_traditional("English only")


def test_strings_read_from_the_simplified_twin_come_back_in_the_original():
    view = Simplified("第一行\n縣住房和城鄉建設局監督檢查流於形式。")
    assert view.original("县住房和城乡建设局监督检查流于形式。") == "縣住房和城鄉建設局監督檢查流於形式。"
    assert view.original("not in the text") == "not in the text"


def test_a_traditional_report_is_tagged_like_its_simplified_twin_and_quoted_as_written(tmp_path, settings_factory):
    settings = settings_factory()
    trad = tmp_path / "trad" / "report.txt"
    simp = tmp_path / "simp" / "report.txt"
    for path, text in ((trad, REPORT_TRAD), (simp, to_simplified(REPORT_TRAD))):
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
    doc_t, _, a_t = prepare(trad.read_bytes(), str(trad), "t", trad.name, settings)
    doc_s, _, a_s = prepare(simp.read_bytes(), str(simp), "s", simp.name, settings)
    assert doc_t.kind == doc_s.kind == "report"  # 調查報告 is recognised as 调查报告
    assert {t.tag: round(t.score, 3) for t in a_t.tags} == {t.tag: round(t.score, 3) for t in a_s.tags}
    assert a_t.tags, "the simplified twin carries findings; the traditional original must carry the same"
    assert a_t.facts.get("fatalities") == 1 and a_t.facts.get("accident_type") == a_s.facts.get("accident_type")
    # evidence is quoted in the original characters, at the place it stands
    for t in a_t.tags:
        for ev in t.evidence:
            assert ev.text.replace(" ", "") in REPORT_TRAD.replace("\n", "").replace(" ", ""), ev.text
    assert any("流於形式" in ev.text for t in a_t.tags for ev in t.evidence)
    assert a_t.facts.get("enterprise") is None or "恆達" in a_t.facts["enterprise"]


def test_a_traditional_transcript_has_its_speakers(tmp_path, settings_factory):
    path = tmp_path / "interview.txt"
    path.write_text(TRANSCRIPT_TRAD, encoding="utf-8")
    doc, chunks, _ = prepare(path.read_bytes(), str(path), "t", path.name, settings_factory())
    assert doc.kind == "transcript"
    speakers = {c.speaker for c in chunks if c.speaker}
    assert "陳國強" in speakers, speakers  # 答 resolved to the interviewee, named as written
    assert any("沒有，來了就直接上架子" in c.text for c in chunks)


def test_lexical_terms_and_query_understanding_are_script_blind():
    from dutytrace.nlp.codebook import load_codebook
    from dutytrace.query import understand
    from dutytrace.store.vectors import sparse_document, sparse_query

    trad, simp = "礦長隱瞞事故，遲報4小時", "矿长隐瞒事故，迟报4小时"
    assert sparse_query(trad) == sparse_query(simp)
    assert sparse_document(trad) == sparse_document(simp)
    book = load_codebook(None)
    assert understand("瞞報事故", book).tags == understand("瞒报事故", book).tags != ()
