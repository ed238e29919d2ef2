"""Congruence of the two backends on the sample corpus: the gold queries, in every mode, through the
embedded Qdrant Edge index and through qdrant-client (its :memory: mode speaks the server API) give the
same passages and the same case rankings at the same scores. Allowed differences: the order inside a
group of equal scores (ties may come back in either order), and the membership of a tie group that
reaches past the cut-off. Nothing here relies on HNSW being exact; at this size both backends search
exactly (Edge's optimised segments stay under the full-scan threshold), so any other difference is a
bug.

The corpus is ingested once (a subset of cases, every fourth, to keep the test short; set
DUTYTRACE_CONGRUENCE_CASES=all for the whole archive) into the embedded index, which is then
optimised and copied point by point (vectors and payloads unchanged: `dutytrace index migrate`'s path)
into the qdrant-client collection. Both searchers share the embedder, catalog and codebook, so the
index is the only thing that differs."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from dutytrace.nlp.codebook import load_codebook
from dutytrace.search import Searcher
from dutytrace.service import Dutytrace
from dutytrace.store.migrate import copy_points
from dutytrace.store.qdrant_client_index import ClientIndex
from dutytrace.store.vectors import sparse_query

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
MODES = ("dense", "lexical", "hybrid")
FILTERS = [{"language": "zh"}, {"kind": "transcript"}, {"year": ("range", 2015, 2020)}]


def _queries() -> list[dict]:
    return [json.loads(x) for x in (CORPUS / "gold" / "queries.jsonl").read_text(encoding="utf-8").splitlines()
            if x.strip()]


@pytest.fixture(scope="module")
def pair(tmp_path_factory, settings_factory):
    cases = sorted(p for p in (CORPUS / "archive").iterdir() if p.is_dir())
    if os.environ.get("DUTYTRACE_CONGRUENCE_CASES", "") != "all":
        cases = cases[::4]
    root = tmp_path_factory.mktemp("congruence-archive")
    for c in cases:
        shutil.copytree(c, root / c.name)
    svc = Dutytrace(settings_factory())
    report = svc.ingest([root])
    assert report.failed == [], report.failed
    svc.index.optimize()
    client = ClientIndex(":memory:", None, "congruence", svc.embedder.dim)
    copy_points(svc.index, client)
    codebook = load_codebook(svc.settings.codebook)
    edge = Searcher(svc.index, svc.embedder.encode_query, svc._case_info_fn(), codebook)
    other = Searcher(client, svc.embedder.encode_query, svc._case_info_fn(), codebook)
    yield edge, other, len(cases)
    client.close()
    svc.close()


def _groups(items, key, score, limit):
    """Groups of equal scores (relative tolerance 1e-5), best first, as sets of keys; the last group is
    dropped when the list is full, because its tie partners may lie beyond the cut-off and either
    backend may have picked any of them."""
    groups: list[tuple[float, set]] = []
    for it in sorted(items, key=lambda it: -score(it)):
        s = score(it)
        if groups and abs(groups[-1][0] - s) <= 1e-5 * max(1.0, abs(s)):
            groups[-1][1].add(key(it))
        else:
            groups.append((s, {key(it)}))
    sets = [g for _, g in groups]
    return sets[:-1] if len(items) >= limit and sets else sets


def _same(a, b, key, score, limit, what):
    assert len(a) == len(b), what
    for x, y in zip(a, b):
        assert score(x) == pytest.approx(score(y), rel=1e-3, abs=1e-5), what
    assert _groups(a, key, score, limit) == _groups(b, key, score, limit), what


def test_same_points(pair):
    edge, other, n_cases = pair
    assert n_cases >= 10
    assert edge.index.count() == other.index.count() > 100
    assert edge.index.ids() == other.index.ids()
    for key in ("case_id", "kind", "language", "case_tags", "accident_type"):
        assert sorted(edge.index.facet(key, limit=500)) == sorted(other.index.facet(key, limit=500)), key


def _same_passages(edge, other, query, mode, flt, what):
    a, b = edge.search(query, 10, mode, flt), other.search(query, 10, mode, flt)
    if mode != "hybrid":
        return _same(a, b, lambda h: h.chunk_id, lambda h: h.score, 10, what)
    # Hybrid passages are fused inside Qdrant by rank: a tie in one leg (the same passage text in two
    # documents scores the same) may be broken either way, which moves the tied passages' fused
    # scores, and an implementation may count a tie group as one rank or as several, which moves the
    # passages below it. So: both legs must agree exactly (up to the order inside tie groups), and
    # the fused lists may differ only in passages at or below a tie group of some leg.
    tied: set = set()
    for leg, dense, sparse in (("dense", edge.embed_query(query).tolist(), None),
                               ("lexical", None, sparse_query(query))):
        la, lb = (s.index.query(leg, dense, sparse, 40, flt) for s in (edge, other))
        _same(la, lb, lambda x: x.id, lambda x: x.score, 40, what + (leg,))
        if len(la) >= 40:  # the leg's cut-off: tie partners there may be in one backend's list and not the other's
            low = min(x.score for x in la + lb)
            tied |= {x.id for x in la + lb if abs(x.score - low) <= 1e-5 * max(1.0, abs(low))}
        after_tie = False  # below a tie group a passage's rank depends on how the tie is counted
        for group in _groups(la, lambda x: x.id, lambda x: x.score, len(la) + 1):
            if len(group) > 1 or after_tie:
                tied |= group
                after_tie = True
    sa, sb = ({h.chunk_id: h.score for h in hits} for hits in (a, b))
    # passages whose fused score ties the last one kept (different ranks in the two legs can sum to the
    # same fused score) may fall on either side of the cut-off
    cut = min([*sa.values(), *sb.values()], default=0.0)
    at_cut = {c for c, v in [*sa.items(), *sb.items()] if abs(v - cut) <= 1e-5 * max(1.0, abs(cut))}
    assert set(sa) ^ set(sb) <= tied | at_cut | {h.chunk_id for h in a[-1:] + b[-1:]}, what
    for cid in (set(sa) & set(sb)) - tied:
        assert sa[cid] == pytest.approx(sb[cid], rel=1e-3, abs=1e-5), what


@pytest.mark.parametrize("mode", MODES)
def test_same_passages_for_gold_queries(pair, mode):
    edge, other, _ = pair
    for q in _queries():
        _same_passages(edge, other, q["query"], mode, None, (mode, q["id"]))


@pytest.mark.parametrize("mode", MODES)
def test_same_case_rankings_for_gold_queries(pair, mode):
    edge, other, n_cases = pair
    compared = 0
    for q in _queries():
        a, b = edge.search_cases(q["query"], 10, mode), other.search_cases(q["query"], 10, mode)
        _same(a, b, lambda c: c.case_id, lambda c: c.score, 10, (mode, q["id"]))
        compared += bool(a)
    # the queries did find cases (not a vacuous comparison); in dense mode only passages above the
    # calibrated floor count as evidence, so on a quarter of the archive fewer queries find any
    assert compared >= len(_queries()) // 3


@pytest.mark.parametrize("flt", FILTERS, ids=lambda f: next(iter(f)))
def test_same_filtered_results(pair, flt):
    edge, other, _ = pair
    for q in _queries()[::4]:
        for mode in MODES:
            _same_passages(edge, other, q["query"], mode, flt, (mode, q["id"], str(flt)))
            ca, cb = edge.search_cases(q["query"], 5, mode, flt), other.search_cases(q["query"], 5, mode, flt)
            _same(ca, cb, lambda c: c.case_id, lambda c: c.score, 5, (mode, q["id"], flt))
