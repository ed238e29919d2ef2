"""The investigator's desk in a real browser (headless Debian Chromium through Playwright, the app in
its own process; helpers from tests/test_browser.py): a rejected tag is listed with its reviewer and
time and restored with one click; a note appears with its author and time, on the case and beside
its passage in the document viewer; a case pinned from a search card appears in the shortlist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.test_browser import ARTIFACTS, CHROMIUM, browser_page, running_app

pytestmark = pytest.mark.slow
CASE = "case-mine"


@pytest.fixture(scope="module")
def desk_home(archive, tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (scripts/setup.sh installs it)")
    pytest.importorskip("playwright")
    from dutytrace.config import Settings
    from dutytrace.nlp.codebook import load_codebook
    from dutytrace.profile import case_tags
    from dutytrace.service import Dutytrace

    home = tmp_path_factory.mktemp("desk-browser-home")
    settings = Settings(home=home)
    with Dutytrace(settings) as svc:  # closed before the app opens the index
        assert not svc.ingest([archive]).failed
        tag = case_tags(svc.case(CASE))[0]
        svc.review_tag(CASE, None, tag, "rejected")
        assert tag not in case_tags(svc.case(CASE))
        chunk = svc.catalog.chunks_of_case(CASE)[1]
    label = load_codebook(settings.codebook).get("tags", tag).label("en")
    return home, tag, label, chunk


def test_restore_note_and_shortlist_in_chromium(desk_home):
    from playwright.sync_api import expect

    from dutytrace.config import Settings
    from dutytrace.profile import case_tags
    from dutytrace.service import Dutytrace

    home, tag, label, chunk = desk_home
    shots = ARTIFACTS
    shots.mkdir(parents=True, exist_ok=True)
    expect.set_options(timeout=90_000)
    stamp = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d")
    with running_app(home) as url, browser_page() as page:
        # -- the rejected tag is listed with reviewer and time, and restored ---------------------------
        page.goto(f"{url}/case?case={CASE}")
        expect(page.locator(".dt-facts")).to_be_visible()
        row = page.locator(".st-key-review-0")
        expect(row).to_contain_text(label)
        expect(row).to_contain_text("Rejected")
        expect(row).to_contain_text("whole case")
        expect(row).to_contain_text("by local")
        assert stamp.search(row.inner_text())
        expect(page.locator(".dt-tag", has_text=label)).to_have_count(0)  # a rejected tag is shown nowhere
        page.screenshot(path=str(shots / "desk-reviewed.png"), full_page=False)
        row.get_by_role("button", name="Undo").click()
        expect(page.get_by_text("No review decisions on this case yet.")).to_be_visible()
        expect(page.locator(".dt-tag", has_text=label).first).to_be_visible()  # the tag is back on the page

        # -- a note with author and time -------------------------------------------------------------
        expect(page.get_by_text("No notes on this case yet.")).to_be_visible()
        text = "Compare the ventilation finding with the 2016 Jiaozuo case."
        page.get_by_label("New note").fill(text)
        page.get_by_role("button", name="Add note").click()
        note = page.locator(".st-key-note-0")
        expect(note).to_contain_text(text)
        expect(note).to_contain_text("local")
        assert stamp.search(note.inner_text())
        page.screenshot(path=str(shots / "desk-note.png"), full_page=False)

        # a note on a passage, shown beside it in the document viewer
        page.goto(f"{url}/document?doc={chunk['doc_id']}&page={chunk['page']}&chunk={chunk['chunk_id']}&case={CASE}")
        expect(page.locator("#dt-target")).to_be_visible()
        form = page.locator(".st-key-passage-notes")
        form.get_by_label("New note").fill("The foreman's account differs here.")
        form.get_by_role("button", name="Add a note on the marked passage").click()
        expect(page.locator(".st-key-passage-notes")).to_contain_text("The foreman's account differs here.")
        expect(page.locator(".st-key-passage-notes")).to_contain_text("local")

        # -- pin from a search card; the shortlist lists the case with its facts -------------------------
        page.goto(url)
        box = page.get_by_label("Query")
        box.fill("瓦斯爆炸 矿长隐瞒事故")
        box.press("Enter")
        card = page.locator("[class*='st-key-result-']", has_text=CASE).first
        expect(card).to_be_visible()
        card.get_by_role("button", name="Pin to My shortlist").click()
        expect(page.locator("[class*='st-key-result-']", has_text=CASE).first
               .get_by_role("button", name="Unpin from My shortlist")).to_be_visible()
        page.goto(f"{url}/worksets")
        item = page.locator(".st-key-ws-case-0")
        expect(item).to_contain_text(CASE)
        expect(item).to_contain_text("2018-11-06")
        expect(page.get_by_text("My shortlist · 1 case")).to_be_visible()
        page.screenshot(path=str(shots / "desk-shortlist.png"), full_page=False)

    with Dutytrace(Settings(home=home)) as svc:  # what the browser did is what the service holds
        assert tag in case_tags(svc.case(CASE))
        assert [n["text"] for n in svc.notes(CASE)] == [text, "The foreman's account differs here."]
        assert svc.notes(CASE)[1]["chunk_id"] == chunk["chunk_id"]
        assert [r["case_id"] for r in svc.workset()] == [CASE]
        assert {e["action"] for e in svc.audit.entries()} >= {"review_undo", "note", "pin"}
