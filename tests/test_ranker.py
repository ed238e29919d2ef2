"""The learned case ranker (dutytrace/ranker.py, issue 17 item 5): it re-orders the first cases of the
fused order and nothing else (no case added or dropped, the candidates stay above the rest, so filters
and "no match" are untouched), its coverage features count what the catalog says a case holds, its
training is deterministic and learns an order from judged pairs, and the packaged model is the one the
features describe. On a real ingested archive: the same cases and totals with and without it."""

from __future__ import annotations

import json
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from dutytrace import ranker as R
from dutytrace.fusion import FusionInputs, fuse
from dutytrace.search import RankConfig, score_key

CASES = [f"c{i}" for i in range(12)]


def ranked(scores: dict[str, list[float]]) -> list[tuple[str, list[float]]]:
    return sorted(((c, sorted(s, reverse=True)) for c, s in scores.items()), key=lambda kv: (-kv[1][0], kv[0]))


def test_coverage_counts_the_query_words_a_case_holds():
    """Coverage is the IDF-weighted share of the query's words found anywhere in the case (from the
    catalog's per-case term counts), not how often: a case holding one rare word of two covers its
    weight's share; the cross-language words are counted apart."""
    inputs = FusionInputs("en", legs={"lexical": ranked({"a": [9.0], "b": [3.0]})})
    scores = fuse(inputs, RankConfig(learned_ranker=False))
    ev = R.QueryEvidence(terms={1: 3.0, 2: 1.0}, cross_terms={7: 1.0, 8: 1.0},
                         counts={"a": {2: 40}, "b": {1: 1, 2: 1, 7: 2}})
    rows = dict(zip(["a", "b"], R.features(inputs, scores, ["a", "b"], ev)))
    f = {name: i for i, name in enumerate(R.FEATURES)}
    assert all(len(r) == len(R.FEATURES) for r in rows.values())
    assert rows["a"][f["coverage"]] == 0.25 and rows["a"][f["coverage_n"]] == 0.5
    assert rows["b"][f["coverage"]] == 1.0 and rows["b"][f["cross_coverage"]] == 0.5
    assert rows["a"][f["lexical"]] == 1.0 and rows["b"][f["lexical"]] == 3.0 / 9.0
    assert rows["a"][f["fused_rank"]] == 1.0 and rows["b"][f["fused_rank"]] == 0.5


legs = st.dictionaries(st.sampled_from(CASES), st.lists(st.floats(0.5, 30.0), min_size=1, max_size=3), max_size=10)


@settings(max_examples=200, deadline=None)
@given(lexical=legs, cross=legs, depth=st.integers(2, 8),
       weights=st.lists(st.floats(-3.0, 3.0), min_size=len(R.FEATURES), max_size=len(R.FEATURES)),
       covered=st.dictionaries(st.sampled_from(CASES), st.dictionaries(st.integers(1, 3), st.integers(1, 5))))
def test_the_ranker_reorders_the_candidates_only(lexical, cross, depth, weights, covered):
    """For any legs and any linear model: the re-scored cases are exactly the first `depth` of the fused
    order, every one of them stays above every other case, and the other cases keep their scores."""
    inputs = FusionInputs("en", legs={"lexical": ranked(lexical), "cross": ranked(cross)})
    scores = fuse(inputs, RankConfig(learned_ranker=False))
    model = R.CaseRanker(R.FEATURES, (0.0,) * len(R.FEATURES), (1.0,) * len(R.FEATURES), tuple(weights), depth)
    top = R.candidates(scores, depth, score_key)
    new = R.rerank(model, inputs, scores, R.QueryEvidence(terms={1: 1.0, 2: 2.0, 3: 1.0}, counts=covered), top)
    after = {**scores, **new}
    assert set(after) == set(scores)
    if len(top) >= 2:
        assert set(new) == set(top)
        rest = [after[c] for c in scores if c not in new]
        assert not rest or min(new.values()) > max(rest)


def groups_where_feature_decides(i: int, n_queries: int = 12):
    """Queries whose candidates' grades follow feature `i` (other features noise-like but fixed)."""
    out = []
    for q in range(n_queries):
        rows, grades = [], []
        for k in range(6):
            row = [((q * 7 + k * 13 + j * 5) % 11) / 10.0 for j in range(len(R.FEATURES))]
            row[i] = k / 5.0
            rows.append(row)
            grades.append(k // 2)
        out.append((rows, grades))
    return out


def test_training_is_deterministic_and_learns_the_judged_order():
    i = R.FEATURES.index("coverage")
    groups = groups_where_feature_decides(i)
    a = R.train(groups, 1.0, 30)
    b = R.train(groups, 1.0, 30)
    assert a == b and a.weights[i] == max(a.weights)
    cases = [f"k{k}" for k in range(6)]
    rows, _ = groups[0]
    assert R.order(a, cases[::-1], rows[::-1]) == cases[::-1]  # highest coverage (k5) first
    restored = R.CaseRanker.from_dict(json.loads(a.to_json()))
    assert restored.weights == a.weights and restored.depth == 30


def test_the_packaged_model_matches_the_features_and_was_trained_on_tuning_queries():
    model = R.load_ranker()
    assert model.features == R.FEATURES and len(model.weights) == len(R.FEATURES)
    assert model.depth >= 10 and all(s > 0 for s in model.scale)
    assert "tune" in model.about["trained_on"] and "test" not in model.about["trained_on"]
    assert any(w != 0 for w in model.weights)


def test_same_cases_with_and_without_the_ranker_on_a_real_index(service):
    """On the ingested archive, in hybrid mode: the ranker changes the order of the first cases only —
    the cases found, their number and the filters' effect are those of fusion alone."""
    on = service.searcher(RankConfig())
    off = service.searcher(RankConfig(learned_ranker=False))
    assert on.catalog is not None
    for query, filters in (("confined space entered without a gas test", None),
                           ("瓦斯爆炸 隐瞒事故", None),
                           ("dereliction of duty", {"language": "en"}),
                           ("xqzzv blorft quimbly", None)):
        a = on.find_cases(query, limit=50, filters=filters)
        b = off.find_cases(query, limit=50, filters=filters)
        assert a.total == b.total and {c.case_id for c in a.cases} == {c.case_id for c in b.cases}, query
        assert [c.case_id for c in on.find_cases(query, limit=50, filters=filters).cases] == \
            [c.case_id for c in a.cases]  # the same order again
    assert replace(RankConfig(), learned_ranker=False) != RankConfig()
