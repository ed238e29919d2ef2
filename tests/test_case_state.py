"""Case state kept, not recomputed (issue 20): case profiles stored in the catalog and rebuilt when the
case changes (a tag review, a retag, a case.yaml change, a document removed), built for a home made
before they were stored; and slim index payloads (ids and filter fields, no passage text) with the
passages still shown, an index made with the text in its payloads slimmed when opened."""

from __future__ import annotations

import json
import shutil

import pytest

from dutytrace.models import Analysis, TagResult
from dutytrace.profile import SCHEMA, CaseProfile, build_profile, case_tags
from dutytrace.service import Dutytrace
from dutytrace.store.vectors import FAT_KEYS, INTEGER_FIELDS, KEYWORD_FIELDS

SLIM_KEYS = set(KEYWORD_FIELDS) | set(INTEGER_FIELDS) | {"chunk_id", "ocr"}


@pytest.fixture()
def svc(archive, settings_factory, tmp_path):
    root = tmp_path / "arch"
    shutil.copytree(archive, root)
    s = Dutytrace(settings_factory())
    assert not s.ingest([root]).failed
    yield s
    s.close()


def stored(s: Dutytrace, case_id: str) -> dict | None:
    """The stored profile of a case, if it still holds (read straight from the catalog)."""
    row = s.catalog.stored_profiles([case_id], SCHEMA).get(case_id)
    return json.loads(row[0]) if row else None


def payloads(s: Dutytrace) -> list[dict]:
    return [p.payload for batch in s.index.scroll(with_vectors=False) for p in batch]


def test_ingest_stores_every_profile_with_its_concepts(svc):
    for cid in svc.case_ids():
        prof = stored(svc, cid)
        assert prof is not None, cid
        fresh = build_profile(svc.catalog, cid, svc._codebook())
        assert prof == fresh.to_json()
        row = svc.catalog.stored_profiles([cid], SCHEMA)[cid]
        assert json.loads(row[1]) == fresh.concepts
    assert svc.case("case-sewer") == stored(svc, "case-sewer")
    assert isinstance(CaseProfile.from_json(stored(svc, "case-sewer")), CaseProfile)
    # the concepts are counted: the sewer case names toxic gas and confined spaces
    assert json.loads(svc.catalog.stored_profiles(["case-sewer"], SCHEMA)["case-sewer"][1])


def test_review_changes_the_stored_profile(svc):
    before = stored(svc, "case-mine")
    tag = case_tags(before)[0]
    svc.review_tag("case-mine", None, tag, "rejected")
    after_review = svc.case("case-mine")  # read once after the review: built again and kept
    assert tag not in case_tags(after_review)
    assert stored(svc, "case-mine") == after_review
    # the index payload (filters) follows the review
    assert all(tag not in p["case_tags"] for p in payloads(svc) if p["case_id"] == "case-mine")
    svc.review_tag("case-mine", None, tag, "accepted")
    assert tag in case_tags(svc.case("case-mine"))
    # the other cases' stored profiles were left as they were
    assert stored(svc, "case-sewer") is not None


def test_retag_and_case_meta_change_the_stored_profile(svc):
    cid = "case-scaffold"
    doc = next(d for d in svc.catalog.documents(cid) if d["kind"] == "report")
    a = doc["analysis"]
    new = Analysis(a.get("language", "en"), a.get("kind", "report"), [],
                   [TagResult("concealment_or_false_reporting", 0.99, ())], a.get("facts") or {}, [], {})
    svc.catalog.update_analysis(doc["doc_id"], new)  # what retag writes for a document
    assert stored(svc, cid) is None  # no longer holds
    assert "concealment_or_false_reporting" in case_tags(svc.case(cid))
    assert stored(svc, cid) is not None
    meta = svc.catalog.case_row(cid)["meta"]
    svc.catalog.set_case_meta(cid, {**meta, "title": "A new title for the scaffold case"})
    assert stored(svc, cid) is None
    assert svc.case(cid)["title"] == "A new title for the scaffold case"
    assert stored(svc, cid)["title"] == "A new title for the scaffold case"


def test_document_removal_changes_the_stored_profile(svc):
    cid = "case-sewer"
    docs = svc.catalog.documents(cid)
    assert len(docs) == 2
    svc.catalog.delete_document(next(d["doc_id"] for d in docs if d["kind"] != "report"))
    assert stored(svc, cid) is None
    assert len(svc.case(cid)["documents"]) == 1


def test_a_home_without_stored_profiles_gets_them_on_open(svc):
    settings = svc.settings
    expected = {cid: svc.case(cid) for cid in svc.case_ids()}
    with svc.catalog.transaction() as db:  # a home made before profiles were kept
        db.execute("DELETE FROM case_profiles")
        db.execute("DELETE FROM case_terms")
    assert all(stored(svc, cid) is None for cid in expected)
    svc.close()
    again = Dutytrace(settings)
    try:
        for cid, prof in expected.items():
            assert stored(again, cid) == prof
        assert again.catalog.cases_with_terms("type", [expected["case-mine"]["facts"]["accident_type"]])
        assert again.case_profiles() == [expected[c] for c in again.case_ids()]
    finally:
        again.close()


def test_payloads_are_slim_and_passages_still_shown(svc):
    ps = payloads(svc)
    assert ps and all(set(p) <= SLIM_KEYS for p in ps), sorted(set().union(*map(set, ps)) - SLIM_KEYS)
    assert not any(k in p for p in ps for k in FAT_KEYS)
    texts = {c["chunk_id"]: c["text"] for c in svc.catalog.chunks()}
    hits = svc.search("hydrogen sulfide sewer pumping station", limit=5)
    assert hits and all(h.text and h.text == texts[h.chunk_id] and h.name for h in hits)
    cases = svc.search_cases("hydrogen sulfide sewer pumping station", limit=3)
    assert cases and all(p.text == texts[p.chunk_id] for c in cases for p in c.passages)
    assert cases[0].title == "Sewer poisoning at Pumping Station No. 3"


def test_an_index_with_text_in_its_payloads_is_slimmed_when_opened(svc):
    settings = svc.settings
    chunks = svc.catalog.chunks()
    by_case: dict[str, str] = {}
    for c in chunks:
        by_case.setdefault(c["case_id"], c["text"])
    for cid, text in by_case.items():  # payloads as an older Dutytrace wrote them
        svc.index.set_payload(cid, {"text": text, "name": "old.pdf", "title": "old title", "seq": 0})
    assert all("text" in p for p in payloads(svc))
    svc.close()
    again = Dutytrace(settings)
    try:
        ps = payloads(again)
        assert ps and not any(k in p for p in ps for k in FAT_KEYS)
        texts = {c["chunk_id"]: c["text"] for c in chunks}
        hits = again.search("hydrogen sulfide sewer pumping station", limit=5)
        assert hits and all(h.text == texts[h.chunk_id] for h in hits)
    finally:
        again.close()


def test_a_type_set_in_case_metadata_carries_no_classifier_confidence(svc):
    """case.yaml's accident_type decides the case's type: the classifier's confidence, given for the type
    it guessed, must not be shown beside it (the Case page would have said "Fire (possible, 0.41)" of a
    type the classifier never proposed)."""
    cid = "case-scaffold"
    doc = next(d for d in svc.catalog.documents(cid) if d["kind"] == "report")
    a = doc["analysis"]
    guessed = {**(a.get("facts") or {}), "accident_type": "explosion", "accident_type_confidence": 0.41,
               "accident_type_source": "classifier"}
    svc.catalog.update_analysis(doc["doc_id"], Analysis(a.get("language", "en"), a.get("kind", "report"), [],
                                                        [], guessed, [], {}))
    assert svc.case(cid)["facts"]["accident_type_confidence"] == 0.41  # no metadata type: the guess, as made
    meta = svc.catalog.case_row(cid)["meta"]
    svc.catalog.set_case_meta(cid, {**meta, "accident_type": "fire"})
    facts = svc.case(cid)["facts"]
    assert facts["accident_type"] == "fire"
    assert "accident_type_confidence" not in facts and facts["accident_type_source"] == "metadata"
