"""The investigator's desk in a real browser (Debian Chromium, headless, through Playwright): the
comparison page lines two cases up by issue from a link that names them, and the analytics page's
totals equal the number of cases (in both interface languages, for a dimension with one value per
case). Reuses the app and browser helpers of tests/test_browser.py; screenshots go to
test-artifacts/browser/."""

from __future__ import annotations

import re

import pytest

from tests.test_browser import ARTIFACTS, CHROMIUM, browser_page, running_app  # noqa: F401

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def desk_home(archive, tmp_path_factory):
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (scripts/setup.sh installs it)")
    pytest.importorskip("playwright")
    from dutytrace.config import Settings
    from dutytrace.service import Dutytrace

    home = tmp_path_factory.mktemp("desk-home")
    with Dutytrace(Settings(home=home)) as svc:  # closed before the app opens the index
        assert not svc.ingest([archive]).failed
        expected = {"cases": svc.stats()["cases"],
                    "shared": [i["tag"] for i in svc.compare(["case-sewer", "case-mine"])["issues"]
                               if i["carried_by"] == 2]}
    return home, expected


def test_comparison_and_analytics_totals_in_chromium(desk_home):
    from playwright.sync_api import expect

    home, expected = desk_home
    expect.set_options(timeout=90_000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with running_app(home) as url, browser_page() as page:
        # -- comparison, opened from a link that names the cases
        page.goto(url + "/compare?cases=case-sewer,case-mine")
        expect(page.get_by_role("heading", name="Compare cases")).to_be_visible()
        first = page.locator(".st-key-cmp-issue-0")
        expect(first).to_be_visible()
        expect(page.get_by_text("Sewer poisoning at Pumping Station No. 3").first).to_be_visible()
        # the rows are read once the page has rendered past them (a row's box can show before its text)
        expect(page.get_by_role("heading", name="People held accountable, by responsibility level")).to_be_visible()
        issues = page.locator("[class*='st-key-cmp-issue-']")
        expect(issues.filter(has_text=re.compile(r"in 2 of 2 cases"))).to_have_count(len(expected["shared"]))
        n_rows = issues.count()
        for i in range(n_rows):
            expect(issues.nth(i)).to_contain_text(re.compile(r"of 2 cases"))
        texts = [issues.nth(i).inner_text() for i in range(n_rows)]
        assert n_rows >= 1
        shared_rows = [x for x in texts if "in 2 of 2 cases" in x]
        assert len(shared_rows) == len(expected["shared"]), texts
        for text in texts:  # each row names its issue in words and says in how many cases it was found
            assert re.search(r"in [12] of 2 cases", text), text
            assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), text  # no codes
        if any("in 1 of 2 cases" in x for x in texts):
            expect(page.get_by_text("Not found in this case.").first).to_be_visible()
        expect(page.get_by_role("heading", name="People held accountable, by responsibility level")).to_be_visible()
        page.wait_for_timeout(600)
        page.screenshot(path=str(ARTIFACTS / "compare.png"), full_page=False)

        # -- analytics: the bars add up to the cases, in both languages
        for lang in ("en", "zh"):
            page.goto(url + f"/analytics?lang={lang}")
            total = page.locator(".dt-an-total")
            expect(total).to_be_visible()
            assert total.get_attribute("data-dim") == "year"
            assert int(total.get_attribute("data-total")) == expected["cases"]
            assert int(total.get_attribute("data-cases")) == expected["cases"]
            stats = page.get_by_text(re.compile(r"3 (cases|个案件)")).first  # the sidebar's count of cases
            expect(stats).to_be_visible()
            assert str(expected["cases"]) in total.inner_text()
            expect(page.locator("[data-testid='stVegaLiteChart']").first).to_be_visible()
            page.get_by_text("County / district" if lang == "en" else "县（区）", exact=True).first.click()
            expect(page.locator(".dt-an-total[data-dim='county']")).to_be_visible()
            assert int(page.locator(".dt-an-total").get_attribute("data-total")) == expected["cases"]
            page.wait_for_timeout(600)
            page.screenshot(path=str(ARTIFACTS / f"analytics-{lang}.png"), full_page=False)
    for name in ("compare.png", "analytics-en.png", "analytics-zh.png"):
        assert (ARTIFACTS / name).stat().st_size > 10_000


def test_note_edited_and_deleted_in_chromium(desk_home):
    """The author's own notes carry Edit and Delete on the Case page: an edit is saved in place and the
    note then says when it was edited; a delete asks first, and the note leaves the page while its text
    stays in the audit log. The controls in both interface languages."""
    from playwright.sync_api import expect

    from dutytrace.config import Settings
    from dutytrace.service import Dutytrace

    home, _ = desk_home
    with Dutytrace(Settings(home=home)) as svc:  # single-user mode: the notes are local's, as the app's user
        keep = svc.add_note("case-sewer", "Check the gas detector's calibration record.")
        gone = svc.add_note("case-sewer", "A note written by mistake.")
        chunk = svc.catalog.chunks_of_case("case-sewer")[0]
        on_passage = svc.add_note("case-sewer", "The foreman's account differs here.", chunk_id=chunk["chunk_id"])
    new_text = "Check the gas detector's calibration record (May 2019) and who signed it."
    edited = re.compile(r"edited \d{4}-\d\d-\d\d \d\d:\d\d")
    expect.set_options(timeout=90_000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with running_app(home) as url, browser_page() as page:
        # -- in the document viewer, beside the passage: deleted there, after a confirm
        page.goto(f"{url}/document?doc={chunk['doc_id']}&page={chunk['page']}&chunk={chunk['chunk_id']}&case=case-sewer")
        beside = page.locator(".st-key-passage-notes")
        expect(beside).to_contain_text(on_passage["text"])
        beside.get_by_role("button", name="Delete").click()
        page.locator(f".st-key-note-confirm-{on_passage['id']}").get_by_role("button", name="Yes, delete the note").click()
        expect(page.get_by_text(on_passage["text"])).to_have_count(0)
        # -- on the Case page
        page.goto(url + "/case?case=case-sewer")
        first, second = page.locator(".st-key-note-0"), page.locator(".st-key-note-1")
        expect(first).to_contain_text(keep["text"])
        expect(second).to_contain_text(gone["text"])
        expect(page.locator(".st-key-note-2")).to_have_count(0)  # the passage's note is gone here too
        assert not edited.search(first.inner_text())
        # -- edit in place
        first.get_by_role("button", name="Edit").click()
        box = page.get_by_label("Note text")
        expect(box).to_have_value(keep["text"])
        box.fill(new_text)
        page.get_by_role("button", name="Save note").click()
        expect(first).to_contain_text(new_text)
        expect(first).to_contain_text(edited)
        expect(page.get_by_label("Note text")).to_have_count(0)  # the editor closed
        # -- delete: asked first; Cancel keeps it, Yes deletes it
        second.get_by_role("button", name="Delete").click()
        confirm = page.locator(f".st-key-note-confirm-{gone['id']}")
        expect(confirm).to_contain_text("Delete this note?")
        confirm.get_by_role("button", name="Cancel").click()
        expect(confirm).to_have_count(0)
        expect(second).to_contain_text(gone["text"])
        second.get_by_role("button", name="Delete").click()
        page.locator(f".st-key-note-confirm-{gone['id']}").get_by_role("button", name="Yes, delete the note").click()
        expect(page.get_by_text(gone["text"])).to_have_count(0)
        expect(page.locator(".st-key-note-1")).to_have_count(0)
        page.wait_for_timeout(600)
        page.screenshot(path=str(ARTIFACTS / "desk-note-edited.png"), full_page=False)
        # -- the same controls and the edit mark in Chinese
        page.goto(url + "/case?case=case-sewer&lang=zh")
        note = page.locator(".st-key-note-0")
        expect(note).to_contain_text(new_text)
        expect(note).to_contain_text("已修改")
        expect(note.get_by_role("button", name="修改")).to_be_visible()
        expect(note.get_by_role("button", name="删除")).to_be_visible()
    with Dutytrace(Settings(home=home)) as svc:  # what the browser did is what the service and the audit hold
        assert [(n["id"], n["text"]) for n in svc.notes("case-sewer")] == [(keep["id"], new_text)]
        edits = [e for e in svc.audit.entries(action="note_edit") if e["detail"]["note"] == keep["id"]]
        assert len(edits) == 1 and edits[0]["detail"]["before"]["text"] == keep["text"]
        assert edits[0]["detail"]["after"]["text"] == new_text
        deletes = [e for e in svc.audit.entries(action="note_delete") if e["detail"]["note"] == gone["id"]]
        assert len(deletes) == 1 and deletes[0]["detail"]["before"]["text"] == gone["text"]
        assert [e["detail"]["before"]["text"] for e in svc.audit.entries(action="note_delete")
                if e["detail"]["note"] == on_passage["id"]] == [on_passage["text"]]
    assert (ARTIFACTS / "desk-note-edited.png").stat().st_size > 10_000
