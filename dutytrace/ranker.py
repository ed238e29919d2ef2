"""A learned case ranker over the evidence the legs already found (issue 17, item 5).

Fusion (fusion.py) gives every case with evidence for the query one score; the ranker re-orders the first
`depth` of those cases (the candidates) by a linear model over features of each (query, case) pair, and
leaves the set of cases, and the order below the candidates, as fusion made them: filters stay hard
constraints and "no match" stays "no match", since the ranker sees only cases that already matched.

Features of a candidate (`FEATURES`), all from what the search has already read or a few indexed rows:

- its fused score over the best one, and its place in the fused order;
- per leg (dense, lexical, cross-language lexical): its strength over the leg's best (as fusion reads it)
  and the reciprocal of its place in the leg; the dense leg's best cosine above its floor;
- coverage: the share of the query's words (IDF-weighted, and counted) that occur anywhere in the case,
  and the share of the cross-language words, read from the catalog's per-case term counts (bm25_df):
  BM25 sums how often, coverage says how much of what was asked a case speaks of (over all of the
  case's passages: with a language or kind filter, a document the filter leaves out still counts here,
  for ordering only: which cases are shown is decided inside the filters);
- concepts: the issues and accident types the query names that the case carries, and the share of the
  codebook concepts the query names that the case's profile lists.

The model is a pairwise logistic regression (a pair of cases of one query, the one judged better scores
higher), trained by benchmarks/tune_genre_fusion.py --train-ranker on the tuning queries only, with its
regularisation chosen by cross-validation grouped by query; its weights are kept as JSON beside this
module (ranker_model.json: feature names, centring, scale, weights, the training data's description).
The model's score replaces the fused score of the candidates only, shifted above every case below them."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from dutytrace.fusion import LEGS, FusionInputs, _strength

MODEL_PATH = Path(__file__).with_name("ranker_model.json")

FEATURES = (
    "fused", "fused_rank",
    "dense", "lexical", "cross",
    "dense_rank", "lexical_rank", "cross_rank",
    "dense_cos",
    "coverage", "coverage_n", "cross_coverage",
    "tags", "types", "concepts",
    "zh_lexical", "zh_coverage",
    "dense_raw", "dense_raw3", "en_dense_raw", "en_dense_raw3",
)


@dataclass
class QueryEvidence:
    """What the ranker reads beyond fusion's inputs, for one query and its candidates."""

    terms: dict[int, float] = field(default_factory=dict)  # the query's own BM25 terms -> IDF
    cross_terms: dict[int, float] = field(default_factory=dict)  # the cross-language terms -> IDF
    counts: dict[str, dict[int, int]] = field(default_factory=dict)  # case -> term -> chunks holding it
    concepts: tuple[str, ...] = ()  # codebook concepts the query names
    case_concepts: dict[str, set[str]] = field(default_factory=dict)  # case -> those of them its profile lists
    cosines: dict[str, list[float]] = field(default_factory=dict)  # case -> its best passage cosines, no floor


def read_evidence(catalog, cases: list[str], terms: dict[int, float], cross_terms: dict[int, float],
                  concepts: tuple[str, ...]) -> QueryEvidence:
    """The per-case term counts of the query's terms and the named concepts, for these cases only (rows of
    the covering index (term, case_id), so the cost follows the candidates, not the archive)."""
    ev = QueryEvidence(dict(terms), dict(cross_terms), concepts=tuple(concepts))
    all_terms = sorted(set(terms) | set(cross_terms))
    if not cases:
        return ev
    ev.counts.update(catalog.case_term_counts(all_terms, cases))
    ev.case_concepts.update(catalog.cases_naming(concepts, cases))
    return ev


def read_cosines(index, vector, filters, cases: list[str], ev: QueryEvidence, per_case: int = 3) -> None:
    """The best cosines of each candidate case's passages to the query vector, whatever the dense floor
    (fusion counts only passages above it: for a ranking among cases that already matched, how close the
    others come is evidence too). One dense query per candidate, inside the filters narrowed to that
    case, for its `per_case` best: the index reads about `per_case` points per candidate, whatever the
    number of passages the candidates hold (one query over all of them read up to 2,000 points, with
    their fields, to keep 3 per case). A case's passages are few enough that the index scores them all
    (exact search under a small filter), so these are each case's best. The queries go to the index as
    one batch (`query_many`: one call, and one planned pass of the shard)."""
    from dutytrace.store.vectors import narrow

    if not cases or vector is None:
        return
    answers = index.query_many([("dense", vector, None, per_case, narrow(filters, "case_id", c), ("case_id",))
                                for c in cases])
    for c, got in zip(cases, answers):
        ev.cosines[c] = sorted((float(s.score) for s in got), reverse=True)[:per_case]


def candidates(scores: dict[str, float], depth: int, score_key) -> list[str]:
    """The first `depth` cases of the fused order: by `score_key` of their score (search.score_key),
    ties by case id, as search orders them."""
    return sorted(scores, key=lambda c: (score_key(scores[c]), c))[:depth]


def coverage(weights: dict[int, float], have: dict[int, int]) -> tuple[float, float]:
    """(the IDF-weighted share of the query's terms that a case holds, the plain share)."""
    if not weights:
        return 0.0, 0.0
    total = sum(weights.values())
    got = [t for t in weights if have.get(t, 0) > 0]
    return (sum(weights[t] for t in got) / total if total > 0 else 0.0), len(got) / len(weights)


def features(inputs: FusionInputs, scores: dict[str, float], cases: list[str],
             ev: QueryEvidence) -> list[list[float]]:
    """One row of FEATURES per candidate case, in the order of `cases`."""
    top = max((scores[c] for c in cases), default=0.0)
    legs: dict[str, dict[str, tuple[float, int]]] = {}
    best_cos: dict[str, float] = {}
    for leg in LEGS:
        ranked = inputs.legs.get(leg) or []
        zero = inputs.dense_floor if leg == "dense" else 0.0
        strengths = [(c, _strength(s, zero, 3, 0.5)) for c, s in ranked]
        best = max((s for _, s in strengths), default=0.0)
        legs[leg] = {c: (s / best if best > 0 else 0.0, i) for i, (c, s) in enumerate(strengths)}
        if leg == "dense":
            best_cos = {c: max(s[0] - zero, 0.0) if s else 0.0 for c, s in ranked}
    zh = 1.0 if inputs.language == "zh" else 0.0
    rows = []
    for i, c in enumerate(cases):
        have = ev.counts.get(c, {})
        cov, cov_n = coverage(ev.terms, have)
        xcov, _ = coverage(ev.cross_terms, have)
        n_tags, n_types = inputs.concepts.get(c, (0, 0))
        named = len(ev.case_concepts.get(c, ())) / len(ev.concepts) if ev.concepts else 0.0
        row = [scores[c] / top if top > 0 else 0.0, 1.0 / (i + 1)]
        row += [legs[leg].get(c, (0.0, 0))[0] for leg in LEGS]
        row += [1.0 / (legs[leg][c][1] + 1) if c in legs[leg] else 0.0 for leg in LEGS]
        row += [best_cos.get(c, 0.0), cov, cov_n, xcov, float(n_tags), float(n_types), named]
        row += [zh * row[3], zh * cov]
        cos = (ev.cosines.get(c) or [0.0])[:3]
        raw, raw3 = cos[0], sum(cos) / 3
        row += [raw, raw3, (1 - zh) * raw, (1 - zh) * raw3]
        rows.append(row)
    return rows


@dataclass(frozen=True)
class CaseRanker:
    """A linear scorer over standardised FEATURES (weights as trained; see the module text)."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    depth: int = 30
    about: dict = field(default_factory=dict, hash=False, compare=False)

    def score(self, row: list[float]) -> float:
        return sum(w * (x - m) / s for w, x, m, s in zip(self.weights, row, self.mean, self.scale))

    def to_json(self) -> str:
        return json.dumps({"features": list(self.features), "mean": list(self.mean), "scale": list(self.scale),
                           "weights": list(self.weights), "depth": self.depth, "about": self.about},
                          ensure_ascii=False, indent=1)

    @classmethod
    def from_dict(cls, d: dict) -> "CaseRanker":
        if tuple(d["features"]) != FEATURES:
            raise ValueError(f"{MODEL_PATH.name}: its features {d['features']} are not this module's {list(FEATURES)}; "
                             "retrain it (benchmarks/tune_genre_fusion.py --train-ranker)")
        return cls(tuple(d["features"]), tuple(map(float, d["mean"])), tuple(map(float, d["scale"])),
                   tuple(map(float, d["weights"])), int(d.get("depth", 30)), dict(d.get("about", {})))


@lru_cache(maxsize=4)
def load_ranker(path: str = str(MODEL_PATH)) -> CaseRanker:
    return CaseRanker.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def rerank(ranker: CaseRanker, inputs: FusionInputs, scores: dict[str, float], ev: QueryEvidence,
           cases: list[str]) -> dict[str, float]:
    """New scores for the candidate `cases` (the first of the fused order): the model's, shifted so that
    the lowest candidate stays above every case below the candidates. Other cases keep their score."""
    if len(cases) < 2:
        return {}
    rows = features(inputs, scores, cases, ev)
    raw = [ranker.score(r) for r in rows]
    rest = [scores[c] for c in scores if c not in set(cases)]
    floor = max(rest, default=0.0)
    low = min(raw)
    # the candidates take floor + 1 + (model score - lowest): a positive margin over every other case
    return {c: floor + 1.0 + (r - low) for c, r in zip(cases, raw)}


def query_terms(sparse, text: str) -> dict[int, float]:
    """BM25 term id -> weight of a text's words without stop words (`sparse` is Searcher._sparse)."""
    ids, vals = sparse(text) if text else ([], [])
    return {int(i): float(v) if v and math.isfinite(v) else 1.0 for i, v in zip(ids, vals)}


# -- training (benchmarks/tune_genre_fusion.py --ranker) ----------------------------------------------
Group = tuple[list[list[float]], list[int]]  # one query: its candidates' feature rows and their grades


def _pairs(groups: list[Group], cols: list[int]):
    import numpy as np

    diffs = []
    for rows, grades in groups:
        x = np.asarray(rows, dtype=float)[:, cols]
        for i, gi in enumerate(grades):
            for j, gj in enumerate(grades):
                if gi > gj:
                    diffs.append(x[i] - x[j])
    d = np.asarray(diffs).reshape(-1, len(cols))
    return np.vstack([d, -d]), np.r_[np.ones(len(d)), np.zeros(len(d))]


def train(groups: list[Group], c: float, depth: int, cols: list[int] | None = None, about: dict | None = None) -> CaseRanker:
    """A pairwise logistic regression (no intercept, L2 with strength 1/c, lbfgs: deterministic) over the
    pairs of differently graded candidates of each query; features scaled by their spread over the
    candidates. Features not in `cols` weigh 0."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    cols = list(range(len(FEATURES))) if cols is None else cols
    groups = [(rows[:depth], grades[:depth]) for rows, grades in groups]
    allx = np.asarray([r for rows, _ in groups for r in rows], dtype=float)
    mean, scale = allx.mean(0), allx.std(0)
    scale[scale < 1e-9] = 1.0
    x, y = _pairs([([[(v - m) / s for v, m, s in zip(r, mean, scale)] for r in rows], g) for rows, g in groups], cols)
    model = LogisticRegression(C=c, fit_intercept=False, max_iter=5000).fit(x, y)
    weights = [0.0] * len(FEATURES)
    for i, w in zip(cols, model.coef_[0]):
        weights[i] = float(w)
    return CaseRanker(FEATURES, tuple(map(float, mean)), tuple(map(float, scale)), tuple(weights), depth,
                      dict(about or {}, c=c))


def order(ranker: CaseRanker, cases: list[str], rows: list[list[float]]) -> list[str]:
    """The candidates in the model's order (ties by case id), the rest after them as they were."""
    d = ranker.depth
    s = {c: ranker.score(r) for c, r in zip(cases[:d], rows[:d])}
    return sorted(cases[:d], key=lambda c: (-round(s[c], 9), c)) + cases[d:]
