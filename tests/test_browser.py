"""The UI in a real browser: start `streamlit run search_app.py` on a free localhost port against a
home ingested here, drive headless Chromium (the Debian package) with Playwright: search, open a
case, open a document page; assert on what is shown and save screenshots in test-artifacts/.

`python -m tests.test_browser HOME OUTDIR` takes the README screenshots against an existing home."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts" / "browser"

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def app_process(argv, cwd: Path, home: Path, log_name: str, timeout: float = 180.0):
    """A UI server started by `argv(port)` in `cwd` on a free localhost port, against `home`; yields its
    URL and log file once its health check answers, and stops it afterwards."""
    port = free_port()
    env = {**os.environ, "DUTYTRACE_HOME": str(home), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    log_path = home / log_name
    log = open(log_path, "wb")
    proc = subprocess.Popen(argv(port), cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the app did not start: {log_path.read_text(errors='replace')[-2000:]}")
            time.sleep(0.5)
        yield url, log_path
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextmanager
def running_app(home: Path, timeout: float = 180.0):
    """The app in its own process (it owns the home's embedded index while it runs)."""
    def argv(port: int) -> list[str]:
        return [sys.executable, "-m", "streamlit", "run", str(ROOT / "search_app.py"), "--server.port", str(port),
                "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
                "--server.fileWatcherType", "none"]

    with app_process(argv, ROOT, home, "streamlit.log", timeout) as (url, _):
        yield url


@contextmanager
def browser_page(width: int = 1440, height: int = 1000):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.set_default_timeout(120_000)
            yield page
        finally:
            browser.close()


def search_open_case_open_page(page, url: str, query: str, shots: Path, case_title: str | None = None) -> dict:
    """The walk the test and the screenshots share. Returns what was seen at each step."""
    from playwright.sync_api import expect

    expect.set_options(timeout=90_000)
    shots.mkdir(parents=True, exist_ok=True)
    seen = {}
    page.goto(url)
    box = page.get_by_label("Query")
    box.fill(query)
    box.press("Enter")
    first = page.locator(".st-key-result-1")
    expect(first).to_be_visible()
    if case_title:
        expect(page.get_by_text(case_title).first).to_be_visible()
    expect(page.locator(".dt-passage mark").first).to_be_visible()  # query terms highlighted
    seen["first_result"] = first.inner_text()
    page.wait_for_timeout(500)
    page.screenshot(path=str(shots / "search.png"), full_page=False)

    first.get_by_role("button", name="Open case").click()
    expect(page.locator(".dt-facts")).to_be_visible()
    seen["case_title"] = page.locator("h1").first.inner_text()
    seen["facts"] = page.locator(".dt-facts").inner_text()
    page.wait_for_timeout(500)
    page.screenshot(path=str(shots / "case.png"), full_page=False)

    # the first piece of evidence of the first issue: one click to its page
    page.get_by_role("button", name="Open p.").first.click()
    expect(page.get_by_text("Page text").or_(page.get_by_text("Transcript")).first).to_be_visible()
    expect(page.locator("#dt-target")).to_be_visible()
    seen["doc_title"] = page.locator("h1").first.inner_text()
    seen["marked"] = page.locator("#dt-target").inner_text()
    if seen["doc_title"].lower().endswith(".pdf"):  # a PDF page shows its image: wait for it to render
        expect(page.locator("[data-testid='stImage'] img").first).to_be_visible()
    seen["images"] = page.locator("[data-testid='stImage'] img").count()
    page.wait_for_timeout(800)
    page.screenshot(path=str(shots / "document.png"), full_page=False)
    return seen


@pytest.fixture(scope="module")
def browser_home(archive, tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (scripts/setup.sh installs it)")
    pytest.importorskip("playwright")
    from dutytrace.config import Settings
    from dutytrace.service import Dutytrace

    home = tmp_path_factory.mktemp("browser-home")
    with Dutytrace(Settings(home=home)) as svc:  # closed before the app opens the index
        assert not svc.ingest([archive]).failed
    return home


def test_search_case_and_document_in_chromium(browser_home):
    shots = ARTIFACTS
    with running_app(browser_home) as url, browser_page() as page:
        seen = search_open_case_open_page(page, url, "workers overcome by gas in a sewer", shots,
                                          case_title="Sewer poisoning at Pumping Station No. 3")
        assert "Sewer poisoning at Pumping Station No. 3" in seen["first_result"]
        assert "report.pdf" in seen["first_result"] and "page 2" in seen["first_result"]
        assert seen["case_title"] == "Sewer poisoning at Pumping Station No. 3"
        assert "DATE" in seen["facts"].upper() and "CASUALTIES" in seen["facts"].upper()
        assert seen["doc_title"] in ("report.pdf", "interview-zhao.txt")
        assert len(seen["marked"].strip()) > 20  # the passage is marked and visible
        assert seen["images"] == (1 if seen["doc_title"] == "report.pdf" else 0)

        # the interface switches to Chinese
        page.goto(url + "/?lang=zh")
        from playwright.sync_api import expect

        expect(page.get_by_label("检索词")).to_be_visible()
        expect(page.get_by_text("检索").first).to_be_visible()
        page.screenshot(path=str(shots / "search-zh.png"))
    for name in ("search.png", "case.png", "document.png", "search-zh.png"):
        assert (shots / name).stat().st_size > 10_000


if __name__ == "__main__":  # python -m tests.test_browser HOME OUTDIR [QUERY]
    home, out = Path(sys.argv[1]), Path(sys.argv[2])
    query = sys.argv[3] if len(sys.argv) > 3 else "rescuers went down without breathing apparatus"
    tmp = ARTIFACTS.parent / "readme"
    with running_app(home) as url, browser_page(1440, 1050) as page:
        print(search_open_case_open_page(page, url, query, tmp))
    out.mkdir(parents=True, exist_ok=True)
    for name in ("search.png", "document.png"):
        shutil.copy(tmp / name, out / name)
