"""Hybrid fusion at case level: how the legs' case rankings and the concepts a query names become one
score per case (issue 17, item 5).

Inputs (`FusionInputs`): for each leg (dense, lexical, cross-language lexical) the cases it found, best
first, each with its passage scores (best first), and for each case how many of the issues and accident
types the query names it carries (their boost B is tag_boost per issue plus type_boost per type).

Two methods (`RankConfig.fusion`):

- `"rrf"`: weighted reciprocal rank, sum of w / (k + rank) over the legs, the concept boost added.
  Ranks throw away how strong a match is: a case the lexical leg found far ahead of the rest scores
  1/31 against 1/40 for the tenth, so an additive boost of 0.01 buries it.
- `"score"`: each leg's case strength normalised by the leg's best case (lexical: BM25 above zero;
  dense: cosine above the floor), the best `passages` passages of a case counted with `passage_decay`,
  summed with the per-language leg weights into the case's evidence E (the cross-language leg, BM25
  like the lexical one, is divided by the best of both, `cross_norm`). The concepts are a *guarded*
  boost: a case gains min(B, guard * E), so a boost can reorder only cases whose evidence is within a
  factor (1 + guard) of each other and can never lift a weak match over one at least (1 + guard) times
  stronger; a case reached only through a named concept (no leg evidence) gets `concept_only * B`,
  below every case with leg evidence of at least that much.

The weights are by query language: the packaged MiniLM reads English, so its leg carries weight for
English queries and little for Chinese ones. Pure functions of their inputs, so benchmarks can fuse
cached legs under many settings (benchmarks/tune_genre_fusion.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

LEGS = ("dense", "lexical", "cross")


@dataclass
class FusionInputs:
    language: str
    # leg -> [(case_id, [passage scores, best first]), ...] in the leg's case order
    legs: dict[str, list[tuple[str, list[float]]]] = field(default_factory=dict)
    # case_id -> (named issues it carries, named accident types it has): what the query names, inside the filters
    concepts: dict[str, tuple[int, int]] = field(default_factory=dict)
    dense_floor: float = 0.0  # the cosine at which dense evidence starts (its zero point)


def _strength(scores: list[float], zero: float, passages: int, decay: float) -> float:
    return sum(max(s - zero, 0.0) * decay ** i for i, s in enumerate(scores[:passages]))


def evidence(inputs: FusionInputs, weights: tuple[float, float, float], passages: int = 5,
             decay: float = 1.0, cross_norm: str = "lexical") -> dict[str, float]:
    """Per case, the weighted sum over the legs of its strength in the leg divided by the leg's best.
    With `cross_norm` "lexical" the cross-language leg (BM25 too) is divided by the best of both BM25
    legs, so a weak cross-language match is not scaled up to equal the best own-language one."""
    out: dict[str, float] = {}
    tops: dict[str, float] = {}
    for leg, w in zip(LEGS, weights):
        ranked = inputs.legs.get(leg) or []
        zero = inputs.dense_floor if leg == "dense" else 0.0
        strengths = [(c, _strength(s, zero, passages, decay)) for c, s in ranked]
        top = tops[leg] = max((s for _, s in strengths), default=0.0)
        if leg == "cross" and cross_norm == "lexical":
            top = max(top, tops.get("lexical", 0.0))
        for c, s in strengths:
            out[c] = out.get(c, 0.0) + (w * s / top if top > 0 and w > 0 else 0.0)
    return out


def boosts(inputs: FusionInputs, tag_boost: float, type_boost: float) -> dict[str, float]:
    """Per case, the boost of the named concepts it carries: tag_boost per issue, type_boost per type."""
    return {c: n_tags * tag_boost + n_types * type_boost for c, (n_tags, n_types) in inputs.concepts.items()}


def fuse_score(inputs: FusionInputs, weights: tuple[float, float, float], boost: dict[str, float], guard: float,
               concept_only: float, passages: int = 5, decay: float = 1.0,
               cross_norm: str = "lexical") -> dict[str, float]:
    """Normalised-score fusion with the guarded concept boost (see the module text)."""
    ev = evidence(inputs, weights, passages, decay, cross_norm)
    out = {}
    for c in set(ev) | set(boost):
        e, b = ev.get(c, 0.0), boost.get(c, 0.0)
        out[c] = e + min(b, guard * e) if e > 0 else concept_only * b
    return out


def fuse_rrf(inputs: FusionInputs, weights: tuple[float, float, float], boost: dict[str, float],
             k: int) -> dict[str, float]:
    """Weighted reciprocal-rank fusion with the concept boost added (the fusion before issue 17 item 5)."""
    out: dict[str, float] = {}
    for leg, w in zip(LEGS, weights):
        for rank, (c, _) in enumerate(inputs.legs.get(leg) or []):
            out[c] = out.get(c, 0.0) + w / (k + rank + 1)
    for c, b in boost.items():
        out[c] = out.get(c, 0.0) + b
    return out


def fuse(inputs: FusionInputs, cfg) -> dict[str, float]:
    """Every case with evidence for the query (in a leg or through a named concept) -> its fused score,
    by the method and settings of `cfg` (a search.RankConfig)."""
    weights = cfg.weights.get(inputs.language, (1.0, 1.0, 0.5))
    boost = boosts(inputs, cfg.tag_boost, cfg.type_boost)
    if cfg.fusion == "rrf":
        return fuse_rrf(inputs, weights, boost, cfg.rrf_k)
    return fuse_score(inputs, weights, boost, cfg.boost_guard, cfg.concept_only, cfg.fusion_passages,
                      cfg.passage_decay, cfg.cross_norm)
