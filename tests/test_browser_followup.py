"""The measures follow-up page in a real browser (headless Debian Chromium through Playwright, the app
in its own process; helpers from tests/test_browser.py): the open measures of a case are listed with
their body and source page; a reviewer records one item's status with a note; after a reload the page
shows the new status, and the service holds the item and the audit row of the change."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import make_pdf
from tests.test_browser import ARTIFACTS, CHROMIUM, browser_page, running_app
from tests.test_measures import EN_REPORT, ZH_TRAD_REPORT

pytestmark = pytest.mark.slow
CASE = "case-ammonia"


@pytest.fixture(scope="module")
def followup_home(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (scripts/setup.sh installs it)")
    pytest.importorskip("playwright")
    from dutytrace.config import Settings
    from dutytrace.service import Dutytrace

    root = tmp_path_factory.mktemp("followup-browser")
    arch = root / "arch"
    (arch / CASE).mkdir(parents=True)
    make_pdf(arch / CASE / "report.pdf", EN_REPORT)
    (arch / "case-sewer").mkdir()
    (arch / "case-sewer" / "report.txt").write_text(ZH_TRAD_REPORT, encoding="utf-8")
    home = root / "home"
    with Dutytrace(Settings(home=home)) as svc:  # closed before the app opens the index
        assert not svc.ingest([arch]).failed
        items = svc.measures(CASE)["items"]
    assert len(items) == 3 and all(i["status"] == "open" for i in items[1:])
    return home, items


def items_table(page, right: bool = False):
    """The measures table. Streamlit draws it on a canvas and mirrors the cells in view in an accessible
    table (what a screen reader reads, and this test); `right` scrolls it to its last columns."""
    grid = page.locator("[data-testid='stDataFrame']").last
    grid.scroll_into_view_if_needed()
    grid.locator(".dvn-scroller").evaluate(f"e => {{ e.scrollLeft = {'e.scrollWidth' if right else 0}; }}")
    return grid.locator("table[role='grid'] tbody")


def test_followup_lists_sets_and_persists_a_status_in_chromium(followup_home):
    from playwright.sync_api import expect

    from dutytrace.config import Settings
    from dutytrace.service import Dutytrace

    home, items = followup_home
    target = items[1]  # "The County Emergency Management Bureau shall inspect ... by 31 December 2099" (open)
    note = "Inspection plan seen; 14 of 40 sites visited."
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    expect.set_options(timeout=90_000)
    with running_app(home) as url, browser_page() as page:
        page.goto(f"{url}/followup")
        expect(page.get_by_text("Measures follow-up").first).to_be_visible()
        total = sum(1 for _ in items) + 2  # the two measures of the traditional-script case
        expect(page.get_by_text(f"of {total} measures")).to_be_visible()
        page.get_by_label("Words in the measure, body or case").fill("Emergency Management")
        page.get_by_label("Words in the measure, body or case").press("Enter")
        expect(page.get_by_text(f"1 of {total} measures")).to_be_visible()
        expect(items_table(page).locator("tr")).to_have_count(1)  # the filter holds: one item
        expect(items_table(page)).to_contain_text("The County Emergency Management Bureau")  # the body
        expect(items_table(page, right=True)).to_contain_text("report.pdf p.2")  # the source and its page
        expect(items_table(page, right=True)).not_to_contain_text("in progress")
        page.screenshot(path=str(ARTIFACTS / "followup-open.png"), full_page=True)

        form = page.locator("[data-testid='stForm']")
        # the one item shown is the one selected in the form
        expect(form.get_by_role("combobox", name="Measure")).to_have_value(re.compile(re.escape(target["measure"][:60])))
        form.get_by_text("in progress", exact=True).click()
        form.get_by_label("Note").fill(note)
        form.get_by_role("button", name="Save").click()
        expect(page.get_by_text(f"{target['id']}: in progress")).to_be_visible()

        page.reload()
        page.get_by_label("Words in the measure, body or case").fill("Emergency Management")
        page.get_by_label("Words in the measure, body or case").press("Enter")
        expect(page.get_by_text(f"1 of {total} measures")).to_be_visible()
        expect(items_table(page).locator("tr")).to_have_count(1)
        row = items_table(page, right=True)
        expect(row).to_contain_text("in progress")  # persisted: a new session of the page shows it
        expect(row).to_contain_text(note)
        expect(row).to_contain_text("local")
        page.screenshot(path=str(ARTIFACTS / "followup-set.png"), full_page=True)

    with Dutytrace(Settings(home=home)) as svc:  # what the browser did is what the service holds
        item = next(i for i in svc.measures(CASE)["items"] if i["id"] == target["id"])
        assert item["status"] == "in_progress" and item["note"] == note and item["by"] == "local"
        rows = [e for e in svc.audit.entries(action="measure_status") if e["detail"]["item"] == target["id"]]
        assert len(rows) == 1 and rows[0]["target"] == CASE
        assert rows[0]["detail"]["before"]["recorded_status"] == "open"
        assert rows[0]["detail"]["after"]["recorded_status"] == "in_progress"
        assert rows[0]["detail"]["after"]["note"] == note
