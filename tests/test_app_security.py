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
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        olga.switch_page("ui_pages/admin.py")  # not in a viewer's navigation at all
    boss = signed_in("boss", "boss-password")
    boss.switch_page("ui_pages/admin.py").run()
    assert not boss.exception
    audit = boss.dataframe[0].value
    assert {"login", "login_failed", "search"} <= set(audit["action"])
    assert "olga" in set(audit["user"])
