"""The UI with users defined: nothing (not even counts) before sign-in, each session sees what its
user is cleared for, and admins get the audit page — under AppTest on a real ingested home."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dutytrace.service import Dutytrace

APP = str(Path(__file__).resolve().parent.parent / "search_app.py")
SECRET = "case-mine"


@pytest.fixture(scope="module")
def secure_home(archive, tmp_path_factory):
    import streamlit as st

    mp = pytest.MonkeyPatch()
    root = tmp_path_factory.mktemp("ui-secure") / "arch"
    shutil.copytree(archive, root)
    (root / SECRET / "case.yaml").write_text("title: Secret mine case\nclearance: restricted\n", encoding="utf-8")
    home = tmp_path_factory.mktemp("ui-secure-home")
    mp.setenv("DUTYTRACE_HOME", str(home))
    from dutytrace.config import Settings

    with Dutytrace(Settings.from_env()) as svc:
        assert not svc.ingest([root]).failed
        svc.users.add("boss", "boss-password", "admin")
        svc.users.add("olga", "olga-password", "viewer", "open")
        svc.users.add("ivan", "ivan-password", "investigator", "open")
    st.cache_resource.clear()
    yield home
    from ui_pages.common import shared

    shared().close()
    st.cache_resource.clear()
    mp.undo()


def signed_in(name: str, password: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    assert not at.exception
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert not at.exception
    return at


def text_of(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [c.value for c in at.sidebar.caption])


def test_nothing_before_sign_in(secure_home):
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    assert not at.exception
    shown = text_of(at)
    assert "Sign in" in [t.value for t in at.title] and "indexed" not in shown and "case-" not in shown
    at = signed_in("olga", "not-her-password")
    assert at.error and "Wrong user name or password" in at.error[0].value


def test_each_user_sees_what_they_are_cleared_for(secure_home):
    olga = signed_in("olga", "olga-password")
    assert "Signed in as olga" in text_of(olga)
    assert "2 cases" in text_of(olga)  # the restricted case is not even counted
    olga.text_input(key="query").input("瓦斯爆炸 隐瞒事故").run()
    assert SECRET not in text_of(olga) and "Secret mine case" not in text_of(olga)
    boss = signed_in("boss", "boss-password")
    assert "3 cases" in text_of(boss)
    boss.text_input(key="query").input("瓦斯爆炸 隐瞒事故").run()
    assert "Secret mine case" in text_of(boss)


def test_audit_page_for_admins_only(secure_home):
    olga = signed_in("olga", "olga-password")
    olga.switch_page("ui_pages/admin.py").run()  # but a link to it lands on a refusal, not "Page not found"
    assert not olga.exception
    assert [w.value for w in olga.warning] == ["Your role does not allow this."]
    assert not olga.dataframe  # the audit trail is not shown
    boss = signed_in("boss", "boss-password")
    boss.switch_page("ui_pages/admin.py").run()
    assert not boss.exception
    audit = boss.dataframe[0].value
    assert {"login", "login_failed", "search"} <= set(audit["action"])
    assert "olga" in set(audit["user"])


def test_ingest_page_server_folders_and_case_writes(secure_home, tmp_path):
    """The red team's "folder on the server" (/etc/passwd became an open case) and planting through an
    upload: the service refuses both; the page hides the folder field unless an admin has roots."""
    import dataclasses

    from ui_pages.common import shared

    ivan = signed_in("ivan", "ivan-password")
    ivan.switch_page("ui_pages/ingest.py").run()
    assert not ivan.exception
    assert not [w for w in ivan.text_input if w.key == "ing_folder"]
    assert "DUTYTRACE_INGEST_ROOTS" not in text_of(ivan)
    # an upload filed under a restricted case's id: refused as `denied`, nothing stored there
    ivan.file_uploader(key="ing_files").set_value(("planted.txt", b"Planted: the mine manager did nothing wrong.",
                                                   "text/plain")).run()
    ivan.text_input(key="ing_case").input(SECRET).run()
    ivan.button(key="ing_run").click().run()
    assert not ivan.exception, ivan.exception
    frame = ivan.dataframe[0].value
    # one row, the uploaded name (never a staging path), refused in words that say why
    assert len(frame) == 1 and frame.iloc[0, 0] == f"{SECRET}/planted.txt"
    assert str(frame.iloc[0, 2]).startswith("denied:") and "not cleared" in frame.iloc[0, 2]
    assert "planted.txt" not in {d["name"] for d in shared().catalog.documents(SECRET)}

    boss = signed_in("boss", "boss-password")
    boss.switch_page("ui_pages/ingest.py").run()
    assert not [w for w in boss.text_input if w.key == "ing_folder"]
    assert "DUTYTRACE_INGEST_ROOTS" in text_of(boss)  # off, and says how to turn it on
    svc = shared()
    settings = svc.settings
    svc.settings = dataclasses.replace(settings, ingest_roots=(str(tmp_path),))
    try:
        boss = signed_in("boss", "boss-password")
        boss.switch_page("ui_pages/ingest.py").run()
        boss.text_input(key="ing_folder").input("/etc/passwd").run()
        boss.button(key="ing_run").click().run()
        assert not boss.exception, boss.exception
        assert boss.error and "not a folder under the ingest roots" in boss.error[0].value
        assert not any("passwd" in c for c in svc.catalog.case_ids())
    finally:
        svc.settings = settings
