"""State that outlives a page: sign-in sessions that survive a reload, links that carry the search,
saved searches, pages of results, and the production settings (.streamlit/config.toml, errors
logged with an id). The stores on a bare catalog, the Search page under AppTest, then the real app
started by `dutytrace serve` from another working directory, driven in Chromium (helpers of
tests/test_browser.py)."""

from __future__ import annotations

import re
import shutil
import sys
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from dutytrace.config import Settings
from dutytrace.errors import NotFound
from dutytrace.service import Dutytrace
from dutytrace.store.catalog import Catalog
from dutytrace.store.saved_searches import BadSavedSearch, SavedSearches
from dutytrace.store.sessions import SessionStore, _digest
from tests.test_browser import ARTIFACTS, CHROMIUM, app_process, browser_page

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "search_app.py")
USER, PASSWORD = "ana", "correct-horse-9"

# four more cases, each about gas, with their accident dates: enough for a second page of results
EXTRA = {
    "case-boiler": ("Boiler room gas explosion at Dongfeng Dyeing Works", "5 May 2016",
                    "On 5 May 2016 natural gas leaking from a corroded pipe in the boiler room of Dongfeng Dyeing "
                    "Works exploded when a worker switched on a fan. Two workers died. No gas alarm was fitted."),
    "case-tank": ("Gas poisoning in a fermentation tank at Qinghe Brewery", "20 August 2017",
                  "On 20 August 2017 two workers of Qinghe Brewery entered a fermentation tank to clean it. Carbon "
                  "dioxide gas had not been tested or vented. Both workers died in the tank."),
    "case-kitchen": ("Kitchen gas cylinder fire at the Riverside Canteen", "2 January 2020",
                     "On 2 January 2020 a liquefied gas cylinder in the kitchen of the Riverside Canteen leaked and "
                     "caught fire. One cook died. The cylinder had not been inspected and the hose was cracked."),
    "case-well": ("Hydrogen sulphide gas in a pumping well at Nanshan Waterworks", "9 October 2022",
                  "On 9 October 2022 a fitter of Nanshan Waterworks went down a pumping well without a gas test and "
                  "was overcome by hydrogen sulphide gas. He died. The works had no permit system for the well."),
}


# -- the stores, on a bare catalog (no models) --------------------------------------------------------------
def test_session_tokens_expire_are_revoked_and_never_adopted(tmp_path):
    cat = Catalog(tmp_path / "catalog.sqlite")
    store = SessionStore(cat, ttl=100, idle=30)
    token = store.create("ana", now=1000.0)
    assert store.user(token, now=1010.0) == "ana"
    assert len(token) == 43 and token != store.create("ana", now=1000.0)  # random, one per sign-in
    rows = cat.db.execute("SELECT * FROM ui_sessions").fetchall()
    assert all(token not in str(dict(r)) for r in rows) and any(r["token_hash"] == _digest(token) for r in rows)
    assert store.user(token, now=1045.0) is None  # idle for 35 s > 30 s: ended
    token = store.create("ana", now=2000.0)
    for now in (2020.0, 2040.0, 2060.0, 2080.0):  # used every 20 s, but the absolute expiry still holds
        assert store.user(token, now=now) == "ana"
    assert store.user(token, now=2101.0) is None
    token = store.create("ana", now=3000.0)
    assert store.revoke(token) and store.user(token, now=3001.0) is None
    # a token the server did not make signs nobody in, well formed or not (no fixation)
    assert store.user("A" * 43, now=3001.0) is None
    assert store.user("x' OR '1'='1", now=3001.0) is None and store.user(None) is None
    store.create("bo", now=3000.0)
    assert store.revoke_user("bo") == 1 and store.count("bo") == 0


def test_service_sessions_follow_the_user_and_are_audited(tmp_path):
    with Dutytrace(Settings(home=tmp_path)) as svc:
        svc.users.add(USER, PASSWORD, role="admin")
        svc.users.add("bo", "another-pass-1")
        assert svc.sign_in(USER, "wrong password") is None
        principal, token = svc.sign_in(USER, PASSWORD)
        assert principal.name == USER
        assert svc.resume_session(token).name == USER
        bo = svc.sign_in("bo", "another-pass-1")[1]
        svc.users.disable("bo")
        assert svc.resume_session(bo) is None  # a disabled user's session ends
        assert SessionStore(svc.catalog).count("bo") == 0
        svc.for_user(principal).sign_out(token)
        assert svc.resume_session(token) is None
        actions = [e["action"] for e in reversed(svc.audit.entries(limit=50))]
        assert actions.count("login") == 2 and "login_failed" in actions
        assert actions.index("session_resume") < actions.index("logout")
        assert PASSWORD not in str(svc.audit.entries(limit=50))


def test_saved_searches_have_a_limit_per_user(tmp_path, monkeypatch):
    import dutytrace.store.saved_searches as module

    monkeypatch.setattr(module, "MAX_PER_USER", 2)
    store = SavedSearches(Catalog(tmp_path / "catalog.sqlite"))
    store.save("ana", "one", "gas")
    store.save("ana", "two", "fire")
    with pytest.raises(BadSavedSearch, match="2 saved searches already"):
        store.save("ana", "three", "fall")
    assert store.save("ana", "two", "falls")["query"] == "falls"  # replacing one is not one more
    assert store.save("bo", "three", "fall")["owner"] == "bo"  # the limit is each user's


def test_saved_searches_are_per_user_and_audited(tmp_path):
    with Dutytrace(Settings(home=tmp_path)) as svc:
        svc.users.add(USER, PASSWORD, role="admin")
        svc.users.add("bo", "another-pass-1")
        ana, bo = (svc.for_user(svc.users.principal(n)) for n in (USER, "bo"))
        s = ana.save_search("  sewer   gas ", "gas in a sewer", "lexical", "newest",
                            {"language": "en", "case_tags": ["no_gas_test"], "year": [2018, 2020]})
        assert s["name"] == "sewer gas" and s["filters"]["year"] == [2018, 2020]
        again = ana.save_search("sewer gas", "sewer", filters={})  # the same name: replaced
        assert again["id"] == s["id"] and [x["query"] for x in ana.saved_searches()] == ["sewer"]
        assert bo.saved_searches() == []
        with pytest.raises(NotFound):
            bo.saved_search(s["id"])  # another user's search reads as missing
        with pytest.raises(NotFound):
            bo.delete_saved_search(s["id"])
        with pytest.raises(BadSavedSearch):
            ana.save_search("", "gas")
        with pytest.raises(BadSavedSearch):
            ana.save_search("nothing", "  ", filters={})
        assert ana.saved_search(s["id"])["query"] == "sewer"
        ana.delete_saved_search(s["id"])
        assert ana.saved_searches() == []
        ops = [e["detail"].get("op") for e in reversed(svc.audit.entries(action="saved_search"))]
        assert ops == ["save", "save", "run", "delete"]
        assert SavedSearches(svc.catalog).list("bo") == []


# -- a home with users and seven cases ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def state_home(archive, tmp_path_factory):
    src = tmp_path_factory.mktemp("state-archive")
    shutil.copytree(archive, src, dirs_exist_ok=True)
    for case_id, (title, _, text) in EXTRA.items():
        (src / case_id).mkdir()
        (src / case_id / "report.txt").write_text(f"Investigation report: {title}\n\n{text}\n", encoding="utf-8")
        (src / case_id / "case.yaml").write_text(f"title: {title}\n", encoding="utf-8")
    home = tmp_path_factory.mktemp("state-home")
    with Dutytrace(Settings(home=home)) as svc:
        assert not svc.ingest([src]).failed
        svc.users.add(USER, PASSWORD, role="admin")
    return home


def _copy(home: Path, to: Path) -> Path:
    shutil.copytree(home, to)
    return to


# -- the Search page under AppTest ----------------------------------------------------------------------------
@pytest.fixture()
def apptest(state_home, tmp_path, monkeypatch):
    import streamlit as st

    home = _copy(state_home, tmp_path / "home")
    monkeypatch.setenv("DUTYTRACE_HOME", str(home))
    st.cache_resource.clear()
    from streamlit.testing.v1 import AppTest
    from ui_pages.common import shared

    def make(**query) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=240)
        for k, v in query.items():
            at.query_params[k] = v
        at.session_state["principal"] = shared().users.principal(USER)
        return at

    yield make
    shared().close()
    st.cache_resource.clear()


def _qp(at, key: str) -> list[str]:
    value = at.query_params.get(key)
    return [] if value is None else list(value) if isinstance(value, list) else [value]


def _md(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_search_page_link_state_pages_and_saved_searches(apptest):
    at = apptest(q="gas", f_language="en", n="3")
    at.run()
    assert not at.exception, at.exception
    text = _md(at)
    total = int(re.search(r"\*\*(\d+) matching cases\*\*", text).group(1))
    assert total >= 5  # the four extra cases and the sewer case speak of gas
    assert len(re.findall(r"\*\*\d+\. ", text)) == 3  # a page of three
    assert "Page 1 of" in text
    assert [b.label for b in at.button if b.key and b.key.startswith("chip-")] == ["Document language: English",
                                                                                 "Clear all filters"]
    first_page = re.findall(r"`(case-[a-z]+)`", text)
    at.button(key="page-next").click().run()
    second = re.findall(r"`(case-[a-z]+)`", _md(at))
    assert "**4. " in _md(at) and not set(first_page) & set(second)
    assert _qp(at, "p") == ["2"] and _qp(at, "q") == ["gas"]
    # a new query starts on its first page, and the URL follows it
    at.text_input(key="query").input("gas test").run()
    assert _qp(at, "q") == ["gas test"] and not _qp(at, "p")
    assert _qp(at, "f_language") == ["en"]
    # sorted by accident date, newest first: the dates shown go down
    at.selectbox(key="sort").select("newest").run()
    dates = re.findall(r"`case-[a-z]+` · (\d{4}-\d\d-\d\d)", _md(at))
    assert dates == sorted(dates, reverse=True) and len(dates) >= 2
    assert _qp(at, "sort") == ["newest"]
    # saved, cleared, run again from the sidebar
    at.text_input(key="saved_name").input("gas, newest")
    at.button(key=next(b.key for b in at.button if b.label == "Save this search")).click().run()
    assert "Saved as “gas, newest”." in [s.value for s in at.success]
    at.button(key="chip-clear").click().run()
    assert not _qp(at, "f_language")
    at.text_input(key="query").input("scaffold").run()
    run_key = next(b.key for b in at.button if b.key and b.key.startswith("saved-run-"))
    at.button(key=run_key).click().run()
    assert at.text_input(key="query").value == "gas test" and at.selectbox(key="sort").value == "newest"
    assert at.selectbox(key="f_language").value == "en" and _qp(at, "q") == ["gas test"]
    at.button(key=run_key.replace("saved-run-", "saved-del-")).click().run()
    assert not [b for b in at.button if b.key and b.key.startswith("saved-run-")]


def test_a_session_ended_elsewhere_ends_the_open_page_too(apptest):
    from ui_pages.common import shared

    at = apptest()
    principal, token = shared().sign_in(USER, PASSWORD)
    at.session_state["principal"], at.session_state["_session_token"] = principal, token
    at.run()
    assert not at.exception and at.text_input(key="query")  # signed in: the Search page
    SessionStore(shared().catalog).revoke(token)  # expired, or signed out in another tab
    at.run()
    assert at.title[0].value == "Sign in" and "principal" not in at.session_state


def test_one_matching_case_is_singular_and_a_bad_link_is_read_safely(apptest):
    at = apptest(q="scaffold guardrail harness", f_year="2021-2021", p="99", n="abc", mode="nonsense")
    at.run()
    assert not at.exception, at.exception
    assert "**1 matching case**" in _md(at)
    assert at.radio(key="mode").value == "hybrid" and at.slider(key="limit").value == 10
    assert _qp(at, "f_year") == ["2021-2021"] and not _qp(at, "p")  # page 1 of 1


def test_an_unexpected_error_shows_an_id_not_a_traceback(apptest):
    import logging

    from dutytrace.store.files import FileStore

    at = apptest()
    at.run()
    from ui_pages.common import shared

    svc = shared()
    doc = next(d for d in svc.catalog.documents("case-sewer") if d["fmt"] == "pdf")
    FileStore(svc.settings.home / "files").delete(doc["doc_id"])  # the original is lost from the store
    records: list[logging.LogRecord] = []
    catch = logging.Handler()
    catch.emit = records.append
    logging.getLogger("dutytrace.ui").addHandler(catch)
    try:
        at.switch_page("ui_pages/document.py")
        at.query_params["doc"] = doc["doc_id"]
        at.query_params["page"] = "1"
        at.run()
    finally:
        logging.getLogger("dutytrace.ui").removeHandler(catch)
    assert not at.exception  # nothing raw reaches the page
    msg = next(e.value for e in at.error if "reference" in e.value)
    ref = re.search(r"reference ([0-9a-f]{8})", msg).group(1)
    assert "Traceback" not in _md(at) and "NotFound" not in msg and "not in the file store" not in msg
    logged = [r for r in records if ref in r.getMessage()]
    assert logged and logged[0].exc_info and isinstance(logged[0].exc_info[1], NotFound)


# -- the real app in Chromium ---------------------------------------------------------------------------------
@contextmanager
def served(home: Path, cwd: Path, timeout: float = 240.0):
    """`dutytrace serve` started from `cwd` (not the checkout): the settings of .streamlit/config.toml
    must still apply. Yields the URL and the server's log file."""
    with app_process(lambda port: [sys.executable, "-m", "dutytrace.cli", "serve", "--port", str(port)],
                     cwd, home, "serve.log", timeout) as served_at:
        yield served_at


def _no_page_not_found(page) -> None:
    from playwright.sync_api import expect

    page.wait_for_timeout(400)
    expect(page.get_by_text("Page not found")).to_have_count(0)


def _sign_in(page) -> None:
    page.get_by_label("User name").fill(USER)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.slow
def test_sessions_links_saved_searches_and_pages_in_chromium(state_home, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (scripts/setup.sh installs it)")
    pytest.importorskip("playwright")
    from playwright.sync_api import expect

    expect.set_options(timeout=120_000)
    shots = ARTIFACTS / "state"
    shots.mkdir(parents=True, exist_ok=True)
    home = _copy(state_home, tmp_path / "home")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with Dutytrace(Settings(home=home)) as svc:
        sewer_pdf = next(d for d in svc.catalog.documents("case-sewer") if d["fmt"] == "pdf")["doc_id"]
    with served(home, elsewhere) as (url, log_path), browser_page() as page:
        # a deep link to a case, before signing in: the sign-in, then that case
        page.goto(url + "/case?id=case-sewer")
        expect(page.get_by_role("textbox", name="Password")).to_be_visible()
        expect(page.get_by_text("Sewer poisoning at Pumping Station No. 3")).to_have_count(0)
        _sign_in(page)
        expect(page.locator("h1").filter(has_text="Sewer poisoning at Pumping Station No. 3")).to_be_visible()
        assert "/case" in page.url and "case-sewer" in page.url
        _no_page_not_found(page)
        # production look: no Deploy button, no developer menu (config.toml read from the checkout)
        expect(page.get_by_test_id("stAppDeployButton")).to_have_count(0)
        expect(page.get_by_test_id("stMainMenu")).to_have_count(0)
        cookie = next(c for c in page.context.cookies() if c["name"] == "dutytrace_session")
        assert cookie["value"] not in page.url and cookie["sameSite"] == "Strict"

        # a reload keeps the session (and the page)
        page.reload()
        expect(page.locator("h1").filter(has_text="Sewer poisoning at Pumping Station No. 3")).to_be_visible()
        expect(page.get_by_role("textbox", name="Password")).to_have_count(0)
        expect(page.get_by_text(f"Signed in as {USER}")).to_be_visible()

        # a deep link into the search runs it, filters and all
        page.goto(url + "/search?q=gas&f_language=en&n=3")
        expect(page.get_by_text(re.compile(r"^\d+ matching cases$"))).to_be_visible()
        expect(page.locator(".st-key-result-1")).to_be_visible()
        expect(page.get_by_role("button", name="Document language: English")).to_be_visible()
        expect(page.get_by_label("Query")).to_have_value("gas")
        _no_page_not_found(page)
        page.screenshot(path=str(shots / "search-link.png"))
        first_page = page.locator("[class*='st-key-result-']").all_inner_texts()
        # pagination: the next cases
        page.get_by_role("button", name="Next").click()
        expect(page.locator(".st-key-result-4")).to_be_visible()
        expect(page.locator(".st-key-result-1")).to_have_count(0)
        page.wait_for_url(re.compile(r"[?&]p=2"))
        second_page = page.locator("[class*='st-key-result-']").all_inner_texts()
        titles = lambda texts: {re.search(r"case-[a-z]+", x).group(0) for x in texts}  # noqa: E731
        assert titles(first_page) and not titles(first_page) & titles(second_page)

        # the URL follows a new query (the filter stays)
        box = page.get_by_label("Query")
        box.fill("worker fell from the scaffold")
        box.press("Enter")
        page.wait_for_url(re.compile(r"q=worker(\+|%20)fell"))
        assert "f_language=en" in page.url and "p=2" not in page.url
        expect(page.locator(".st-key-result-1")).to_contain_text("Scaffold")
        copied = page.url

        # saved: the search is named and stored; another search; the saved one runs again
        page.get_by_label("Name of this search").fill("scaffold falls")
        page.get_by_role("button", name="Save this search").click()
        expect(page.get_by_text("Saved as “scaffold falls”.")).to_be_visible()
        page.get_by_role("button", name="Clear all filters").click()
        # the rerun the click starts has finished (the filter left the URL) before the next query is typed: a
        # query typed while it runs can be overwritten by it (seen once in CI on a loaded machine)
        page.wait_for_url(lambda u: "f_language" not in u)
        expect(page.get_by_role("button", name="Document language: English")).to_have_count(0)
        box.fill("carbon dioxide in a tank")
        box.press("Enter")
        page.wait_for_url(re.compile(r"q=carbon(\+|%20)dioxide"))
        expect(page.locator(".st-key-result-1")).to_contain_text("Qinghe Brewery")
        saved = page.locator("[class*='st-key-saved-run-']")
        expect(saved).to_have_count(1)
        expect(saved).to_contain_text("scaffold falls")
        saved.get_by_role("button").click()
        expect(page.get_by_label("Query")).to_have_value("worker fell from the scaffold")
        expect(page.locator(".st-key-result-1")).to_contain_text("Scaffold")
        page.wait_for_url(re.compile(r"f_language=en"))

        # a copied link reproduces the search in a new load (a new Streamlit session)
        page.goto(url + "/analytics")
        page.goto(copied)
        expect(page.get_by_label("Query")).to_have_value("worker fell from the scaffold")
        expect(page.locator(".st-key-result-1")).to_contain_text("Scaffold")
        expect(page.get_by_role("button", name="Document language: English")).to_be_visible()

        # every link the app makes lands on a page: the navigation, a case, a document page
        for link in page.locator("[data-testid='stSidebarNav'] a").all():
            href = link.get_attribute("href")
            page.goto(href if href.startswith("http") else url + href)
            expect(page.locator("[data-testid='stSidebarNav']")).to_be_visible()
            _no_page_not_found(page)
        page.goto(url + f"/document?doc={sewer_pdf}&page=2")
        expect(page.locator("h1").filter(has_text="report.pdf")).to_be_visible()
        _no_page_not_found(page)
        page.goto(url + "/search?q=gas")
        page.locator(".st-key-result-1").get_by_role("button", name="Open case").click()
        expect(page.locator(".dt-facts")).to_be_visible()
        assert "/case?" in page.url
        page.reload()  # the URL the app wrote for the case lands on it again
        expect(page.locator(".dt-facts")).to_be_visible()
        _no_page_not_found(page)
        # the links the case page writes into its HTML (a sanction's source page, ...)
        hrefs = {h for h in (a.get_attribute("href") for a in page.locator("[data-testid='stMain'] a[href]").all())
                 if h and not h.startswith(("#", "http://", "https://", "mailto:"))}
        base = page.url
        for href in sorted(hrefs)[:6]:
            page.goto(urllib.parse.urljoin(base, href))
            expect(page.locator("[data-testid='stSidebarNav']")).to_be_visible()
            _no_page_not_found(page)

        # an unexpected error: a message with an id in the interface language; the traceback in the log
        shutil.rmtree(home / "files")
        page.goto(url + f"/document?doc={sewer_pdf}&page=1&lang=zh")
        msg = page.get_by_text(re.compile("本页面出现意外错误"))
        expect(msg).to_be_visible()
        ref = re.search(r"编号 ([0-9a-f]{8})", msg.inner_text()).group(1)
        expect(page.get_by_text("Traceback")).to_have_count(0)
        page.screenshot(path=str(shots / "error.png"))

        # sign-out ends the session: a reload asks to sign in again
        page.goto(url + "/search")
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("textbox", name="Password")).to_be_visible()
        page.reload()
        expect(page.get_by_role("textbox", name="Password")).to_be_visible()
        expect(page.get_by_text(f"Signed in as {USER}")).to_have_count(0)
    served_log = log_path.read_text(errors="replace")
    assert f"unexpected error {ref}" in served_log and "Traceback" in served_log
    with Dutytrace(Settings(home=home)) as svc:
        assert SessionStore(svc.catalog).count(USER) == 0  # revoked at sign-out, not merely forgotten
        actions = {e["action"] for e in svc.audit.entries(user=USER, limit=500)}
        assert {"login", "session_resume", "logout", "saved_search"} <= actions
