"""The Streamlit page under streamlit.testing.v1.AppTest, on a real ingested home."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dutytrace.service import Dutytrace

APP = str(Path(__file__).resolve().parent.parent / "search_app.py")


@pytest.fixture(scope="module")
def app_home(archive, tmp_path_factory, monkeypatch_module):
    home = tmp_path_factory.mktemp("app-home")
    monkeypatch_module.setenv("DUTYTRACE_HOME", str(home))
    from dutytrace.config import Settings

    with Dutytrace(Settings.from_env()) as svc:
        assert not svc.ingest([archive]).failed
    return home


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def test_search_page_groups_results_by_case(app_home):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    assert "3 cases" in " ".join(c.value for c in at.sidebar.caption)
    at.text_input(key="query").input("workers overcome by gas in a sewer").run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Sewer poisoning at Pumping Station No. 3" in text  # the case title from case.yaml
    assert "report.pdf</b>, page 2" in text  # passage with document name and page
    assert "<mark>" in text  # query terms highlighted


def test_filters_in_the_sidebar(app_home):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.sidebar.selectbox[0].select("zh").run()
    at.text_input(key="query").input("事故").run()
    text = " ".join(m.value for m in at.markdown)
    assert "case-mine" in text and "case-sewer" not in text
