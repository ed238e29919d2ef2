"""Similar cases on the sample archive: each new-case document (corpus/new_cases) finds the past cases
an investigator expects (corpus/gold/new_cases.jsonl) among its top three, across languages. The
archive is a subset — every expected case plus unrelated ones of other kinds — to keep the test short."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dutytrace.service import Dutytrace

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
DISTRACTORS = ["en01", "en07", "en16", "zh10", "zh11", "en22"]
NEW_CASES = [json.loads(x) for x in (CORPUS / "gold" / "new_cases.jsonl").read_text(encoding="utf-8").splitlines()
             if x.strip()]


@pytest.fixture(scope="module")
def svc(tmp_path_factory, settings_factory):
    root = tmp_path_factory.mktemp("similar-archive")
    for case in sorted({c for nc in NEW_CASES for c in nc["expected"]} | set(DISTRACTORS)):
        shutil.copytree(CORPUS / "archive" / case, root / case)
    s = Dutytrace(settings_factory())
    assert not s.ingest([root]).failed
    yield s
    s.close()


@pytest.mark.parametrize("nc", NEW_CASES, ids=[nc["name"] for nc in NEW_CASES])
def test_new_case_finds_its_precedents(svc, nc):
    top = [c["case_id"] for c in svc.similar(path=CORPUS / "new_cases" / nc["file"], limit=3)]
    expected = set(nc["expected"])
    assert nc["expected"][0] in top, (nc["name"], top)  # the closest precedent is always there
    assert len(expected & set(top)) >= min(2, len(expected)), (nc["name"], top)
