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
        issues = page.locator("[class*='st-key-cmp-issue-']")
        n_rows = issues.count()
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
