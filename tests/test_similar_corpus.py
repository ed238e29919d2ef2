"""Similar cases on the sample archive: each new-case document (corpus/new_cases) finds the past cases
an investigator expects (corpus/gold/new_cases.jsonl) among its top three, across languages. The
archive is a subset — every expected case plus unrelated ones of other kinds — to keep the test short."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from dutytrace.models import CASE_TAG_MIN
from dutytrace.nlp.codebook import load_codebook
from dutytrace.reasons import explain, material_for
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


@pytest.mark.parametrize("nc", NEW_CASES, ids=[nc["name"] for nc in NEW_CASES])
def test_a_shared_issue_cites_a_document_that_decided_it(svc, nc):
    """A reason "both have the issue" cites, in their case, evidence from a document whose own score for
    the issue reaches the case decision, never a document that only found it possible (zh05's
    accountability notice was cited with its page footer 第 1 页 for the enterprise's responsibility,
    which zh05's report decided)."""
    path = CORPUS / "new_cases" / nc["file"]
    material, codebook = material_for(svc, path=path), load_codebook(svc.settings.codebook)
    cited = 0
    for case in svc.similar(path=path, limit=3):
        for reason in explain(case, "en", codebook, material, svc.case(case["case_id"])):
            if reason["kind"] != "issue":
                continue
            for ref in reason["refs"]:
                if ref["side"] != "theirs" or not ref.get("doc_id"):
                    continue
                scores = {t["tag"]: t["score"] for t in svc.document(ref["doc_id"])["analysis"]["tags"]}
                assert scores.get(reason["tag"], 0) >= CASE_TAG_MIN, (case["case_id"], reason["tag"], ref)
                assert not re.fullmatch(r"\s*第\s*\d+\s*页\s*|\s*(?:page\s*)?\d+\s*", ref["text"], re.I), ref
                cited += 1
    assert cited > 0, nc["name"]
