"""The corpus gold files agree with the archive and the codebook, and the metrics score known rankings
correctly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dutytrace.evaluate import mrr, ndcg_at_k, recall_at_k, tag_scores
from dutytrace.nlp.codebook import load_codebook

ROOT = Path(__file__).resolve().parent.parent / "corpus"
GOLD = ROOT / "gold"


def _jsonl(name):
    return [json.loads(x) for x in (GOLD / name).read_text(encoding="utf-8").splitlines() if x.strip()]


def test_perfect_and_reversed_rankings():
    rel = {"a": 2, "b": 1, "c": 1}
    perfect = ["a", "b", "c", "x", "y"]
    assert ndcg_at_k(perfect, rel) == pytest.approx(1.0)
    assert recall_at_k(perfect, rel) == 1.0 and mrr(perfect, rel) == 1.0
    reversed_ = ["y", "x", "c", "b", "a"]
    # DCG of gains (0,0,1,1,3) over the ideal (3,1,1)
    import math

    ideal = 3 + 1 / math.log2(3) + 1 / math.log2(4)
    got = 1 / math.log2(4) + 1 / math.log2(5) + 3 / math.log2(6)
    assert ndcg_at_k(reversed_, rel) == pytest.approx(got / ideal)
    assert mrr(reversed_, rel) == pytest.approx(1 / 3)
    assert recall_at_k(reversed_, rel, k=3) == pytest.approx(1 / 3)
    assert ndcg_at_k(["x", "y"], rel) == 0.0


def test_tag_scores_micro_and_macro():
    gold = {"c1": {"t1", "t2"}, "c2": {"t1"}}
    pred = {"c1": {"t1"}, "c2": {"t1", "t2"}}
    s = tag_scores(pred, gold, ["t1", "t2", "t3"])
    assert s["per_tag"]["t1"]["f1"] == 1.0 and s["per_tag"]["t2"]["f1"] == 0.0
    assert s["micro"]["precision"] == pytest.approx(2 / 3) and s["micro"]["recall"] == pytest.approx(2 / 3)
    assert s["macro"]["f1"] == pytest.approx(0.5)  # t3 has no support and is left out of the macro mean


def test_gold_consistent_with_archive_and_codebook():
    cb = load_codebook()
    tags, types = set(cb.tag_ids()), {a.id for a in cb.accident_types}
    levels = {e.id for e in cb.responsibility_levels}
    cases = _jsonl("cases.jsonl")
    ids = {c["case_id"] for c in cases}
    assert len(ids) == len(cases) >= 40
    assert sum(c["language"] == "zh" for c in cases) >= 15
    for c in cases:
        folder = ROOT / "archive" / c["case_id"]
        assert folder.is_dir(), c["case_id"]
        for name in c["documents"]:
            assert (folder / name).is_file(), (c["case_id"], name)
        assert set(c["tags"]) <= tags and c["tags"], c["case_id"]
        assert c["accident_type"] in types
        assert set(c["responsibility_levels"]) <= levels
        assert c.get("split") in ("tune", "test")
    assert {c["accident_type"] for c in cases} == types  # all eleven accident types occur
    queries = _jsonl("queries.jsonl")
    assert len(queries) >= 40 and len({q["id"] for q in queries}) == len(queries)
    for q in queries:
        assert set(q["relevance"]) <= ids, q["id"]
        assert 2 in q["relevance"].values(), q["id"]
        assert q["split"] in ("tune", "test") and q["language"] in ("en", "zh")
    for split in ("tune", "test"):
        for lang in ("en", "zh"):
            assert any(q["split"] == split and q["language"] == lang for q in queries)
    for nc in _jsonl("new_cases.jsonl"):
        assert (ROOT / "new_cases" / nc["file"]).is_file() and set(nc["expected"]) <= ids
