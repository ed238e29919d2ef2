"""What the screen says must be true (issue 18), in a real browser: headless Chromium (the Debian
package) through Playwright against `streamlit run search_app.py` on a home ingested here (real spaCy,
MiniLM, Qdrant). Tag cards show issue names, never escaped ids; the People tab states sanctions and
levels in words with a link to the passage; similar-case reasons are words and run at once from the
Case page; the Export page's rows honour the search page's filters."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.test_browser import ARTIFACTS, browser_home, browser_page, running_app  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")  # a code such as serious_warning or enterprise_primary_responsibility
SHOTS = ARTIFACTS / "truth"


def _wait_for_app(page):
    from playwright.sync_api import expect

    expect(page.locator("[data-testid='stSidebar']")).to_be_visible()


def test_tag_cards_and_people_tab_say_it_in_words(browser_home):
    from playwright.sync_api import expect

    from dutytrace.config import Settings
    from dutytrace.nlp.codebook import load_codebook
    from dutytrace.service import Dutytrace

    expect.set_options(timeout=90_000)
    with Dutytrace(Settings(home=browser_home)) as svc:
        sewer, scaffold = svc.case("case-sewer"), svc.case("case-scaffold")
    cb = load_codebook()
    SHOTS.mkdir(parents=True, exist_ok=True)
    with running_app(browser_home) as url, browser_page() as page:
        page.goto(url + "/case?case=case-sewer")
        expect(page.locator(".dt-facts")).to_be_visible()
        main = page.locator("[data-testid='stMain']")
        first_tag = next(tg for tg in sewer["tags"])
        expect(main.get_by_text(cb.get("tags", first_tag["tag"]).label("en")).first).to_be_visible()
        text = main.inner_text()
        assert "&#95;" not in text and "&#" not in text  # no HTML-escaped ids
        for tg in sewer["tags"]:
            assert tg["tag"] not in text, tg["tag"]  # issues by name, never by id
        facts = page.locator(".dt-facts").inner_text()
        assert "None" not in facts and not SNAKE.search(facts), facts

        page.goto(url + "/case?case=case-scaffold")
        expect(page.locator(".dt-facts")).to_be_visible()
        page.get_by_role("tab", name="People held accountable").click()
        people = scaffold["accountability"]
        assert people, "the test archive's decision names Wu Gang and his sanction"
        table = page.locator("table.dt-people")
        expect(table).to_be_visible()
        shown = table.inner_text()
        wu = next(a for a in people if a["person"] == "Wu Gang")
        assert "Wu Gang" in shown
        assert cb.get("sanctions", wu["sanction"]).label("en") in shown  # "Serious warning", not serious_warning
        assert cb.get("responsibility_levels", wu["level"]).label("en") in shown if wu.get("level") else True
        assert not SNAKE.search(shown) and "None" not in shown, shown
        assert shown.count("Wu Gang") == 1  # one row per person and document
        link = table.get_by_role("link").first
        href = link.get_attribute("href")
        assert href.startswith("document?doc=") and "page=" in href
        page.screenshot(path=str(SHOTS / "people.png"))
        link.click()  # the link opens the page that states the sanction
        expect(page.get_by_text("Page text").or_(page.get_by_text("Transcript")).first).to_be_visible()
        assert page.locator("h1").first.inner_text() == "decision.docx"

        # the same tab in Chinese: the codebook's Chinese names
        page.goto(url + "/case?case=case-scaffold&lang=zh")
        expect(page.locator(".dt-facts")).to_be_visible()
        page.get_by_role("tab", name="责任人员").click()
        zh = page.locator("table.dt-people").inner_text()
        assert cb.get("sanctions", wu["sanction"]).label("zh") in zh and not SNAKE.search(zh), zh


def test_similar_reasons_are_words_and_run_from_the_case_page(browser_home):
    from playwright.sync_api import expect

    expect.set_options(timeout=120_000)
    with running_app(browser_home) as url, browser_page() as page:
        page.goto(url + "/case?case=case-sewer")
        expect(page.locator(".dt-facts")).to_be_visible()
        page.get_by_role("button", name="Similar past cases").click()
        # no second click: the search runs on arrival
        first = page.locator(".st-key-sim-result-1")
        expect(first).to_be_visible()
        reasons = page.locator(".dt-reasons li")
        expect(reasons.first).to_be_visible()
        said = [r.strip() for r in reasons.all_inner_texts()]
        assert said and all(r and not SNAKE.search(r) for r in said), said
        whole = page.locator("[data-testid='stMain']").inner_text()
        assert "poisoning_word" not in whole and "_word" not in whole
        page.screenshot(path=str(SHOTS / "similar.png"))


def test_an_upload_says_what_was_read(browser_home, archive):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    expect.set_options(timeout=120_000)
    with running_app(browser_home) as url, browser_page() as page:
        page.goto(url + "/similar")
        page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
            str(archive / "case-mine" / "report.pdf"))
        expect(page.get_by_text("report.pdf").first).to_be_visible()
        read = page.locator("[data-testid='dt-read']")
        for _ in range(3):  # a click while the upload's rerun is still running can be lost; asking again is harmless
            page.get_by_role("button", name="Find similar cases").click()
            try:
                read.wait_for(state="visible", timeout=40_000)
                break
            except PlaywrightTimeout:
                continue
        expect(read).to_be_visible()
        said = read.inner_text()
        assert said.startswith("Read from report.pdf: an investigation report in Chinese")
        assert "accident type: Explosion" in said and not SNAKE.search(said), said
        expect(page.locator(".st-key-sim-result-1")).to_be_visible()
        items = page.locator(".dt-reasons li")
        expect(items.first).to_be_visible()  # the result's box can render before its reasons do
        reasons = [r.strip() for r in items.all_inner_texts()]
        assert reasons and all(r and not SNAKE.search(r) for r in reasons), reasons


def test_export_honours_the_search_filters(browser_home):
    from playwright.sync_api import expect

    from dutytrace.config import Settings
    from dutytrace.service import Dutytrace

    expect.set_options(timeout=120_000)
    with Dutytrace(Settings(home=browser_home)) as svc:
        zh_cases = {p["case_id"] for p in svc.case_profiles() if "zh" in p["languages"]}
        unfiltered = {c.case_id for c in svc.search_cases("accident inspection 事故 检查", limit=10)}
    assert zh_cases and unfiltered - zh_cases, "the query must reach cases the filter leaves out"
    with running_app(browser_home) as url, browser_page() as page:
        page.goto(url + "/search?q=accident%20inspection%20%E4%BA%8B%E6%95%85%20%E6%A3%80%E6%9F%A5&f_language=zh")
        expect(page.locator(".st-key-result-1")).to_be_visible()
        page.get_by_role("link", name="Export").click()  # the app's own navigation: the same session
        expect(page.get_by_text("Apply the search page's filters")).to_be_visible()
        expect(page.get_by_text("Document language: 中文").first).to_be_visible()
        with page.expect_download() as dl:
            page.get_by_role("button", name="Download CSV").click()
        rows = list(csv.DictReader(io.StringIO(open(dl.value.path(), encoding="utf-8-sig").read())))
        assert rows, "the filtered search has rows"
        assert {r["case_id"] for r in rows} <= zh_cases  # only cases inside the filter
        assert {"date", "region", "industry", "accident_type", "grade", "fatalities"} <= set(rows[0])
        page.screenshot(path=str(SHOTS / "export.png"))


def readme_screenshots(url: str, out, page) -> list[str]:
    """Search, Case (people tab), Similar and Analytics in both interface languages, on the sample
    archive: what the README shows."""
    from urllib.parse import quote

    from playwright.sync_api import expect

    from dutytrace.ui_i18n import t

    expect.set_options(timeout=180_000)
    out.mkdir(parents=True, exist_ok=True)
    made = []
    queries = {"en": "rescuers went down without breathing apparatus", "zh": "有限空间作业未检测 盲目施救"}
    for lang in ("en", "zh"):
        page.goto(f"{url}/search?lang={lang}&q={quote(queries[lang])}")
        expect(page.locator(".st-key-result-1")).to_be_visible()
        page.wait_for_timeout(1500)
        page.screenshot(path=str(out / f"search-{lang}.png"))
        page.goto(f"{url}/case?case=zh01&lang={lang}")
        expect(page.locator(".dt-facts")).to_be_visible()
        page.get_by_role("tab", name=t("case.accountability", lang)).click()
        expect(page.locator("table.dt-people")).to_be_visible()
        page.locator("table.dt-people").scroll_into_view_if_needed()
        page.wait_for_timeout(800)
        page.screenshot(path=str(out / f"case-people-{lang}.png"))
        page.get_by_role("button", name=t("case.similar", lang)).click()
        expect(page.locator(".st-key-sim-result-1")).to_be_visible()
        page.locator(".st-key-sim-result-1").scroll_into_view_if_needed()
        page.wait_for_timeout(800)
        page.screenshot(path=str(out / f"similar-{lang}.png"))
        page.goto(f"{url}/analytics?lang={lang}")
        expect(page.locator("[data-testid='stVegaLiteChart']").first).to_be_visible()
        page.wait_for_timeout(2500)
        page.screenshot(path=str(out / f"analytics-{lang}.png"))
        made += [f"{k}-{lang}.png" for k in ("search", "case-people", "similar", "analytics")]
    return made


if __name__ == "__main__":  # python -m tests.test_browser_truth HOME OUTDIR: the README's screenshots
    import sys
    from pathlib import Path

    home, out = Path(sys.argv[1]), Path(sys.argv[2])
    with running_app(home) as url, browser_page(1440, 1000) as page:
        print(readme_screenshots(url, out, page))
