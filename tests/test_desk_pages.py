"""The desk's pages with Streamlit's AppTest (the same app home as tests/test_app.py): Compare cases
from its link, Sanctions, Analytics (totals equal the case count for every one-value dimension, in
both languages; the issue x county x year table) and the brief button of the Case page."""

from __future__ import annotations

import re

import pytest

from tests.test_app import app, app_home, md, monkeypatch_module  # noqa: F401

pytestmark = pytest.mark.slow


def test_compare_page_from_its_link(app_home):
    at = app(cases="case-sewer,case-mine")
    at.switch_page("ui_pages/compare.py").run()
    assert not at.exception, at.exception
    text = md(at)
    assert "`case-sewer`" in text and "`case-mine`" in text
    assert re.search(r"in [12] of 2 cases", text)
    assert not re.search(r"\*\*[a-z]+_[a-z_]+\*\*", text)  # issues by name, never by id
    at = app()
    at.switch_page("ui_pages/compare.py").run()
    assert not at.exception and "Pick two or three cases." in "\n".join(i.value for i in at.info)


def test_sanctions_page_lists_levels_posts_and_sanctions_in_words(app_home):
    at = app()
    at.switch_page("ui_pages/sanctions.py").run()
    assert not at.exception, at.exception
    text = md(at)
    assert "dt-tag" in text and re.search(r"\b\d+ (?:people|person)\b", text)
    assert not re.search(r"(?<![\w-])[a-z]+_[a-z_]+(?![\w-])", re.sub(r"<[^>]+>|`[^`]*`", "", text))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_analytics_totals_equal_the_cases(app_home, lang):
    for dim in ("year", "province", "county", "industry", "accident_type", "tag"):
        at = app(lang=lang)
        at.switch_page("ui_pages/analytics.py").run()
        at.radio(key="an_dim").set_value(dim).run()
        assert not at.exception, (dim, at.exception)
        total = next(m.value for m in at.markdown if "dt-an-total" in m.value)
        counted, cases = map(int, re.search(r"data-total='(\d+)' data-cases='(\d+)'", total).groups())
        assert cases == 3
        assert counted == cases if dim != "tag" else counted >= cases, (dim, total)
    assert len(at.dataframe) >= 1  # the issue x county x year table


def test_case_page_prepares_a_brief(app_home):
    at = app(case="case-sewer")
    at.switch_page("ui_pages/case.py").run()
    assert not at.exception, at.exception
    at.button(key="case-brief-make").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    made = at.session_state["_brief_case-brief"]
    assert made["docx"][:2] == b"PK" and made["pdf"][:5] == b"%PDF-"


def test_similar_page_prepares_a_brief_of_an_upload(app_home, archive):
    at = app()
    at.switch_page("ui_pages/similar.py").run()
    at.file_uploader(key="sim_upload").set_value(("new.txt", (archive / "case-sewer" / "interview-zhao.txt").read_bytes(),
                                                   "text/plain")).run()
    at.button(key="sim_run").click().run()
    assert not at.exception, at.exception
    at.button(key="sim-brief-make").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    made = at.session_state["_brief_sim-brief"]
    assert made["docx"][:2] == b"PK" and made["pdf"][:5] == b"%PDF-"
    import io

    import docx

    text = "\n".join(p.text for p in docx.Document(io.BytesIO(made["docx"])).paragraphs)
    assert "new.txt" in text and "Sewer poisoning at Pumping Station No. 3" in text
