"""Every page of the Streamlit UI under streamlit.testing.v1.AppTest, on a real ingested home (real
spaCy, MiniLM and Qdrant Edge), plus the pure helpers behind the pages (analytics, export, i18n)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dutytrace import analytics, export
from dutytrace.service import Dutytrace
from dutytrace.ui_i18n import keys, t
from dutytrace.ui_text import draw_boxes, highlight

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "search_app.py")


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


@pytest.fixture(scope="module")
def app_home(archive, tmp_path_factory, monkeypatch_module):
    import streamlit as st

    home = tmp_path_factory.mktemp("app-home")
    monkeypatch_module.setenv("DUTYTRACE_HOME", str(home))
    from dutytrace.config import Settings

    with Dutytrace(Settings.from_env()) as svc:
        assert not svc.ingest([archive]).failed
    st.cache_resource.clear()  # the app's service is made for this home
    yield home
    from ui_pages.common import shared

    shared().close()
    st.cache_resource.clear()


def app(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    for k, v in query.items():
        at.query_params[k] = v
    return at


def md(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def searched(query: str) -> AppTest:
    at = app()
    at.run()
    at.text_input(key="query").input(query).run()
    assert not at.exception, at.exception
    return at


# -- Search --------------------------------------------------------------------------------------------
def test_search_page_groups_results_by_case(app_home):
    at = app()
    at.run()
    assert not at.exception
    assert "3 cases" in " ".join(c.value for c in at.sidebar.caption)
    at.text_input(key="query").input("workers overcome by gas in a sewer").run()
    assert not at.exception
    text = md(at)
    assert "Sewer poisoning at Pumping Station No. 3" in text  # the case title from case.yaml
    assert "<b>report.pdf</b>, page 2" in text  # passage with document name and page
    assert "<mark>" in text  # query terms highlighted
    assert any(b.label == "Open p. 2" for b in at.button)  # one click to the document at that page


def test_sidebar_filters_with_facet_counts(app_home):
    at = app()
    at.run()
    lang_box = at.selectbox(key="f_language")
    assert "English (2)" in lang_box.options and "中文 (1)" in lang_box.options  # cases per language
    lang_box.select("zh").run()
    at.text_input(key="query").input("事故").run()
    text = md(at)
    assert "case-mine" in text and "case-sewer" not in text
    # an issue filter keeps only the cases tagged with it
    at = app()
    at.run()
    tags = at.multiselect(key="f_case_tags")
    assert "Concealment or false reporting (1)" in tags.options
    tags.select("concealment_or_false_reporting").run()
    at.text_input(key="query").input("事故").run()
    assert "case-mine" in md(at) and "case-scaffold" not in md(at)
    # a word no case holds: "No matching cases", not every case at score 0
    at.text_input(key="query").input("accident").run()
    assert "case-mine" not in md(at) and any("No matching cases" in i.value for i in at.info)


def test_passage_opens_pdf_page_with_the_passage_marked(app_home):
    at = searched("workers overcome by gas in a sewer")
    key = next(b.key for b in at.button if b.label == "Open p. 2")
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "report.pdf"
    text = md(at)
    assert 'id="dt-target"' in text  # the passage marked in the page text
    target = re.search(r'<mark id="dt-target"[^>]*>(.*)</mark>', text, re.S)
    letters = re.sub(r"[^a-z]", "", re.sub(r"<[^>]+>", "", target.group(1)).lower())
    assert "nogastestwascarriedout" in letters and "hydrogensulphide" in letters
    assert len(at.image) == 1  # the rendered page image


def test_transcript_opens_at_the_turn(app_home):
    at = searched("the gas detector was broken")
    # open the transcript passage: find the button that sits beside the transcript's citation
    keys_ = [b.key for b in at.button if b.key and b.key.startswith("doc-")]
    cites = re.findall(r"<b>([^<]+)</b>, page \d+", md(at))
    key = keys_[cites.index("interview-zhao.txt")]
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "interview-zhao.txt"
    assert not at.image  # text, not an image
    # the target passage, with the search's words marked inside it (opened from the search, the page has the query)
    assert 'class="dt-target">' in md(at)
    target = md(at).split('class="dt-target">', 1)[1]
    assert "gas detector was broken" in re.sub(r"<[^>]+>", "", target)[:400]
    assert "<mark>gas</mark>" in target[:600] or "<mark>detector</mark>" in target[:600]


def test_document_text_is_escaped(app_home, tmp_path):
    assert "<mark>off</mark>" not in highlight("dismissed from public office", "tipped off")
    assert "<mark>tipped off</mark>" not in highlight("he tipped off the owner", "tipped off")  # words, not phrases
    assert highlight("he tipped off the owner", "tipped off").count("<mark>") == 2
    assert "<mark>inspections</mark>" in highlight("no inspections were made", "inspection")
    assert "<mark>隐患</mark>" in highlight("重大隐患未整改", "隐患")
    assert "<script>" not in highlight("<script>alert(1)</script> gas", "gas")
    assert "&#60;script&#62;" in highlight("<script>alert(1)</script> gas", "gas")
    # Markdown around the HTML must not turn document text into an image (a request to a host) or a formula
    out = highlight("note\n\n![x](http://evil.example/p.png) $x$ gas", "gas")
    assert "![" not in out and "](" not in out and "$x$" not in out and "<br><br>" in out


# -- Case ----------------------------------------------------------------------------------------------
def test_case_page_facts_accountability_documents_timeline(app_home):
    at = app(case="case-sewer")
    at.switch_page("ui_pages/case.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Sewer poisoning at Pumping Station No. 3"
    text = md(at)
    from ui_pages.common import service

    facts = service().case("case-sewer")["facts"]
    assert f"<b>Date</b>{facts['date']}" in text  # the facts card shows the profile's facts
    assert f"<b>Casualties</b>{facts['fatalities']} dead" in text
    assert "report.pdf" in text and "interview-zhao.txt" in text  # documents
    assert f"{facts['date']} ⚠" in text  # the accident date is flagged on the timeline
    # the accident, the interview and the report, in order
    when = re.findall(r"dt-when'>(\d{4}-\d\d-\d\d)", text)
    assert when == sorted(when) and {"2019-07-14", "2019-07-16", "2019-09-12"} <= set(when)
    assert [tab.label for tab in at.tabs][-1] == "Timeline"
    at = app(case="case-scaffold")
    at.switch_page("ui_pages/case.py").run()
    people = service().case("case-scaffold")["accountability"]
    if people:  # whom the extractor found, sanctions and levels in words (never codes), a link to the passage
        from dutytrace.nlp.codebook import load_codebook
        from dutytrace.ui_text import safe

        cb, text = load_codebook(), md(at)
        for a in people:
            assert safe(a["person"]) in text
            if a.get("sanction"):
                assert f"<td>{safe(cb.get('sanctions', a['sanction']).label('en'))}</td>" in text
                assert f"<td>{a['sanction']}</td>" not in text
        assert "dt-people" in text and "href='document?doc=" in text and "<td>None</td>" not in text
    else:
        assert "No accountability found in the documents." in [i.value for i in at.info]


def test_case_page_review_accept_and_reject(app_home):
    from ui_pages.common import service

    at = app(case="case-sewer")
    at.switch_page("ui_pages/case.py").run()
    tags = [tg["tag"] for tg in service().case("case-sewer")["tags"]]
    assert len(tags) >= 2
    at.button(key=f"accepted-{tags[0]}").click().run()
    assert not at.exception, at.exception
    prof = service().case("case-sewer")
    assert next(tg for tg in prof["tags"] if tg["tag"] == tags[0])["accepted"]
    at.button(key=f"rejected-{tags[1]}").click().run()
    prof = service().case("case-sewer")
    assert tags[1] not in [tg["tag"] for tg in prof["tags"]]
    assert f"rejected-{tags[1]}" not in [b.key for b in at.button]  # gone from the page too


def test_case_page_without_a_case_offers_a_picker(app_home):
    at = app()
    at.switch_page("ui_pages/case.py").run()
    assert not at.exception
    box = at.selectbox[0]
    assert set(box.options) >= {"case-sewer · Sewer poisoning at Pumping Station No. 3"}


# -- Similar, Analytics, Export -------------------------------------------------------------------------
def test_similar_cases_from_a_case_and_from_an_upload(app_home, archive):
    at = app()
    at.switch_page("ui_pages/similar.py").run()
    at.selectbox(key="sim_case").select("case-sewer").run()
    at.button(key="sim_run").click().run()
    assert not at.exception, at.exception
    text = md(at)
    assert "case-sewer`" not in text  # the case itself is not its own precedent
    assert "case-mine" in text or "case-scaffold" in text
    at = app()
    at.switch_page("ui_pages/similar.py").run()
    at.file_uploader(key="sim_upload").set_value(("new.txt", (archive / "case-sewer" / "interview-zhao.txt").read_bytes(),
                                                   "text/plain")).run()
    at.button(key="sim_run").click().run()
    assert not at.exception, at.exception
    assert re.search(r"\*\*1\. Sewer poisoning at Pumping Station No\. 3\*\*", md(at))  # its own case first


def test_analytics_drills_down_to_cases(app_home):
    at = app()
    at.switch_page("ui_pages/analytics.py").run()
    assert not at.exception, at.exception
    assert at.get("vega_lite_chart")
    at.radio(key="an_dim").set_value("year").run()
    year_box = next(s for s in at.selectbox if s.label == "Year")
    year_box.select(2018).run()
    text = md(at)
    assert "`case-mine`" in text and "`case-sewer`" not in text


def test_export_page_and_files(app_home):
    at = app()
    at.switch_page("ui_pages/export.py").run()
    at.radio(key="ex_source").set_value("case").run()
    at.selectbox(key="ex_case").select("case-mine").run()
    assert not at.exception, at.exception
    assert {b.label for b in at.get("download_button")} >= {"Download CSV", "Download XLSX"}
    assert len(at.dataframe[0].value) >= 1
    from ui_pages.common import service

    rows = export.rows_from_case(service().case("case-mine"))
    got = list(csv.DictReader(io.StringIO(export.to_csv(rows).decode("utf-8-sig"))))
    assert got[0]["case_id"] == "case-mine" and got[0]["page"]
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(export.to_xlsx(rows))).active
    assert [c.value for c in ws[1]] == list(export.COLUMNS)
    assert ws.max_row == len(rows) + 1
    hits = service().search_cases("瓦斯爆炸", limit=3)
    assert export.rows_from_search(hits)[0]["rank"] == 1


def test_export_neutralises_formulas():
    rows = [{"case_id": "c", "passage": "=HYPERLINK(\"http://x\")", "issues": "+1", "page": 2}]
    text = export.to_csv(rows).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+1" in text
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(export.to_xlsx(rows))).active
    assert ws.cell(2, export.COLUMNS.index("passage") + 1).value.startswith("'=")
    assert ws.cell(2, export.COLUMNS.index("passage") + 1).data_type == "s"


# -- language ---------------------------------------------------------------------------------------
def test_interface_switches_to_chinese(app_home):
    at = app()
    at.run()
    at.button_group[0].set_value("zh").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Dutytrace 责任追溯"
    assert at.text_input(key="query").label == "检索词"
    at.switch_page("ui_pages/case.py")
    at.query_params["case"] = "case-mine"
    at.run()
    assert "<b>日期</b>2018-11-06" in md(at)
    assert "瞒报谎报" in md(at) or "迟报" in md(at) or "隐瞒" in md(at)


def test_every_interface_string_has_both_languages():
    used = set()
    pages = sorted((ROOT / "ui_pages").glob("*.py"))
    assert len(pages) >= 10  # the pages live in ui_pages/ (a wrong folder would check nothing)
    for f in [ROOT / "search_app.py", *pages]:
        used |= set(re.findall(r"\bt\(\s*[f]?\"([a-z_.]+)\"", f.read_text(encoding="utf-8")))
    assert len(used) >= 50
    missing = sorted(k for k in used if k not in keys() and not k.endswith("."))
    assert not missing, missing
    for k in keys():
        assert t(k, "en") and t(k, "zh") != k, k


# -- pure helpers ----------------------------------------------------------------------------------------
def test_analytics_counts_keep_their_cases():
    profiles = [
        {"case_id": "a", "year": 2019, "facts": {"region": "X", "accident_type": "fire"}, "meta": {},
         "tags": [{"tag": "t1", "score": 0.9}, {"tag": "t2", "score": 0.2}]},
        {"case_id": "b", "year": 2019, "facts": {"region": "Y"}, "meta": {"industry": "mining"},
         "tags": [{"tag": "t1", "score": 0.7}, {"tag": "t2", "score": 0.1, "accepted": True}]},
        {"case_id": "c", "year": 2021, "facts": {}, "meta": {}, "tags": []},
    ]
    rows = analytics.case_table(profiles)
    cells = {(c["value"], c["tag"]): c["case_ids"] for c in analytics.breakdown(rows, "year")}
    assert cells == {(2019, "t1"): ["a", "b"], (2019, "t2"): ["b"]}
    assert [(c["value"], c["cases"]) for c in analytics.totals(rows, "year")] == [(2019, 2), (2021, 1)]
    assert analytics.cases_in(rows, "region", "X", "t1") == ["a"]
    assert analytics.cases_in(rows, "tag", "t1") == ["a", "b"]
    assert analytics.cases_in(rows, "industry", None) == ["a", "c"]
    assert dict(analytics.facet_counts(rows, {"a", "b"})["case_tags"]) == {"t1": 2, "t2": 1}
    with pytest.raises(ValueError):
        analytics.totals(rows, "colour")


def test_timeline_reads_english_and_chinese_dates():
    found = [d.isoformat() for d, _, _ in analytics.find_dates("On 14 July 2019 and March 3, 2021; 2018年11月6日，"
                                                              "and 2020-02-30 is no date")]
    assert found == ["2019-07-14", "2021-03-03", "2018-11-06"]


def test_timeline_events_are_never_cut_mid_number_and_headers_are_the_interview():
    prof = {"facts": {"date": "2019-05-01"}, "documents": [{"doc_id": "d", "name": "x.pdf", "kind": "report"}]}
    text = ("询问时间：2019年5月3日9时至10时\n问：你叫什么？\n2019年5月1日发生事故，直接经济损失2316.5万元。随后开展调查。\n"
            "On 2 May 2019 the crane fell 3.5 m onto the deck. Next sentence.")
    events = analytics.timeline(prof, {"d": [{"page": 1, "text": text}]})
    by_date = {e["date"]: e for e in events}
    assert by_date["2019-05-01"]["text"] == "2019年5月1日发生事故，直接经济损失2316.5万元。"
    assert by_date["2019-05-02"]["text"] == "On 2 May 2019 the crane fell 3.5 m onto the deck."
    assert by_date["2019-05-03"]["interview"] and by_date["2019-05-03"]["text"] == ""  # not the header's text


def test_passage_boxes_and_drawing(app_home):
    from ui_pages.common import service

    svc = service()
    doc = next(d for d in svc.catalog.documents("case-sewer") if d["name"] == "report.pdf")
    chunk = next(c for c in svc.catalog.chunks(doc["doc_id"]) if "gas test" in c["text"])
    boxes = svc.passage_boxes(doc["doc_id"], chunk["page"], chunk["text"])
    assert boxes and all(0 <= x0 < x1 <= 1 and 0 <= top < bottom <= 1 for x0, top, x1, bottom in boxes)
    assert svc.passage_boxes(doc["doc_id"], chunk["page"], "words that are on no page at all") == []
    png = svc.page_image(doc["doc_id"], chunk["page"])
    assert draw_boxes(png, boxes) != png and draw_boxes(png, boxes)[:8] == b"\x89PNG\r\n\x1a\n"


# -- Ingest (last: it adds a case) ----------------------------------------------------------------------
def test_ingest_page_folder_and_upload_with_error_report(app_home, tmp_path):
    folder = tmp_path / "incoming"
    (folder / "case-new").mkdir(parents=True)
    (folder / "case-new" / "notes.txt").write_text("Record of a site visit to the Dongfeng quarry after the blast.\n"
                                                  "The blasting foreman had no permit.", encoding="utf-8")
    (folder / "case-new" / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not really a pdf")
    import dataclasses

    from ui_pages.common import shared

    svc = shared()  # a server folder is read only under DUTYTRACE_INGEST_ROOTS (off by default)
    svc.settings = dataclasses.replace(svc.settings, ingest_roots=(str(tmp_path),))
    at = app()
    at.switch_page("ui_pages/ingest.py").run()
    at.text_input(key="ing_folder").input(str(folder)).run()
    at.button(key="ing_run").click().run()
    assert not at.exception, at.exception
    assert "Ingested 1, unchanged 0, failed 1" in at.warning[0].value
    frame = at.dataframe[0].value
    assert "broken.pdf" in frame.iloc[0, 0] and frame.iloc[0, 1] == "the file is damaged"  # the reason in words
    assert "PDF" in frame.iloc[0, 2]  # the details
    # an upload of loose files becomes one named case
    at.text_input(key="ing_folder").input("").run()
    at.file_uploader(key="ing_files").set_value(("memo.txt", b"Memo on the quarry blast: the permit had expired.",
                                                "text/plain")).run()
    at.text_input(key="ing_case").input("case-quarry-memo").run()
    at.button(key="ing_run").click().run()
    assert not at.exception, at.exception
    assert "Ingested 1, unchanged 0, failed 0" in at.success[0].value
    from ui_pages.common import service

    assert {"case-new", "case-quarry-memo"} <= set(service().catalog.case_ids())
    assert not list(Path(app_home).glob("upload-*"))  # the staging folder is removed
    # a failed upload is reported by the name it was uploaded under, never the server's staging path
    at.file_uploader(key="ing_files").set_value(("bad.pdf", b"%PDF-1.4\nnot a pdf at all", "application/pdf")).run()
    at.button(key="ing_run").click().run()
    assert not at.exception, at.exception
    frame = at.dataframe[0].value
    assert frame.iloc[0, 0] == "case-quarry-memo/bad.pdf", frame.iloc[0, 0]
    assert "upload-" not in " ".join(str(v) for v in frame.iloc[0]) and str(app_home) not in " ".join(map(str, frame.iloc[0]))


def test_sidebar_says_when_the_archive_was_read_by_another_tagger(app_home, monkeypatch):
    """The home was ingested with the default tagger. With the cue rules set instead, every page says in its
    sidebar that the documents' issues were decided by other rules until `dutytrace retag`, and how many;
    with the default again, nothing is said."""
    import streamlit as st

    from ui_pages.common import shared

    at = app().run()
    assert not at.exception and not any("dutytrace retag" in w.value for w in at.sidebar.warning)
    shared().close()
    st.cache_resource.clear()
    monkeypatch.setenv("DUTYTRACE_TAGGER", "cues")
    try:
        at = app().run()
        assert not at.exception
        said = [w.value for w in at.sidebar.warning if "dutytrace retag" in w.value]
        n = len(shared().catalog.documents())  # (the ingest page's test may have added some)
        assert said and said[0].startswith(f"{n} of {n} documents were analysed by another tagger"), said
        assert "before Dutytrace recorded" not in said[0]
    finally:
        shared().close()
        st.cache_resource.clear()
    monkeypatch.delenv("DUTYTRACE_TAGGER")
    # a document stored before readers were recorded (no stamp): said as unknown, not as another tagger
    from sqlalchemy import update

    from dutytrace.store import schema

    cat = shared().catalog
    one = cat.documents()[0]["doc_id"]
    with cat.transaction() as tx:
        tx.execute(update(schema.documents).where(schema.documents.c.doc_id == one).values(reader=None))
    at = app().run()
    said = [w.value for w in at.sidebar.warning if "dutytrace retag" in w.value]
    assert said and said[0].startswith(f"1 of {n} documents were analysed before Dutytrace recorded"), said
    assert "another tagger" not in said[0]
