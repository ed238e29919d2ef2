"""The search service: passages and cases, in three modes.

- dense: MiniLM vectors only; lexical: BM25 only (both are the baselines eval reports);
- hybrid: both legs fused by weighted reciprocal rank, with weights that depend on the query's
  language (the packaged MiniLM is an English model: for a Chinese query its vector says little), and
  with query understanding through the codebook: a query that names a responsibility issue or an
  accident type also reaches the cases tagged with it, in either language.

Passages (`search`) are fused inside Qdrant (prefetch + weighted RRF). Cases (`search_cases`) are
ranked per leg by the sum of their five best passage scores (a case that matches the query in several
places is a better precedent than one lucky passage) and the legs fused at case level by rank; the
settings were chosen on the tuning half of the corpus gold (see benchmarks/tune_search.py)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from dutytrace.models import CaseHit, Hit
from dutytrace.query import QueryIntent, understand
from dutytrace.store.vectors import Scored, VectorIndex, sparse_query

MODES = ("hybrid", "dense", "lexical")
FILTER_KEYS = {"tag": "case_tags", "chunk_tag": "tags", "case": "case_id", "case_id": "case_id",
               "language": "language", "lang": "language", "kind": "kind", "accident_type": "accident_type",
               "industry": "industry", "region": "region", "grade": "grade", "year": "year", "doc": "doc_id",
               "clearance": "clearance", "level": "levels", "entity": "entities"}
FACET_FIELDS = ("accident_type", "industry", "region", "year", "grade", "case_tags", "levels", "language", "kind")


@dataclass(frozen=True)
class RankConfig:
    """Hybrid ranking settings. The defaults were chosen by benchmarks/tune_search.py on the tuning
    queries of the corpus gold (the held-back queries are only reported)."""

    rrf_k: int = 30
    # (dense, lexical, cross-language) leg weights by query language
    weights: dict = field(default_factory=lambda: {"en": (0.0, 1.0, 1.0), "zh": (0.0, 1.0, 1.0)})
    # passage search (`search`) fuses dense and lexical inside Qdrant; MiniLM is an English model
    passage_weights: dict = field(default_factory=lambda: {"en": (1.0, 1.0), "zh": (0.2, 1.0)})
    synonyms: bool = True  # add the named concepts' same-language synonyms to the lexical leg
    tag_boost: float = 0.003  # added to a case's fused score for each issue the query names and the case has
    type_boost: float = 0.01  # ... and for the accident type
    depth: int = 100  # passages fetched per leg
    passage_decay: float = 1.0  # a case's leg score, over its five best passages: best + decay * 2nd + ...


class SearchError(ValueError):
    pass


def parse_filters(items: list[str] | None) -> dict[str, Any]:
    """`KEY=VALUE` strings to index filters; repeated keys OR together; year takes `2018..2020`."""
    out: dict[str, Any] = {}
    for item in items or []:
        if "=" not in item:
            raise SearchError(f"filter '{item}' is not KEY=VALUE")
        key, value = (x.strip() for x in item.split("=", 1))
        fld = FILTER_KEYS.get(key)
        if fld is None:
            raise SearchError(f"unknown filter key '{key}'; use one of {', '.join(sorted(FILTER_KEYS))}")
        if fld == "year":
            try:
                if ".." in value:
                    lo, hi = value.split("..", 1)
                    out[fld] = ("range", int(lo or 0), int(hi or 9999))
                else:
                    out[fld] = int(value)
            except ValueError:
                raise SearchError(f"year filter '{value}' is not a year or a range like 2018..2021") from None
            continue
        if fld in out:
            prev = out[fld]
            out[fld] = (prev if isinstance(prev, list) else [prev]) + [value]
        else:
            out[fld] = value
    return out


def to_hit(s: Scored) -> Hit:
    p = s.payload
    return Hit(case_id=p.get("case_id"), doc_id=p.get("doc_id"), path=p.get("path"), name=p.get("name"),
               page=int(p.get("page") or 1), score=s.score, text=p.get("text", ""), tags=list(p.get("tags") or []),
               speaker=p.get("speaker"), kind=p.get("kind"), chunk_id=p.get("chunk_id"))


class Searcher:
    def __init__(self, index: VectorIndex, embed_query, case_info, codebook, config: RankConfig | None = None,
                 duplicates: dict[str, str] | None = None, reranker=None, term_weights=None):
        self.index = index
        self.reranker = reranker  # optional cross-encoder (rerank.py)
        self.duplicates = duplicates or {}  # doc_id -> the document it nearly duplicates (collapsed in results)
        self.term_weights = term_weights  # BM25 query term ids -> IDF over the user's visible cases (vectors.py)
        self.embed_query = embed_query  # text -> vector
        self.case_info = case_info  # case_id -> profile dict
        self.codebook = codebook
        self.config = config or RankConfig()

    def _check(self, query: str, mode: str) -> None:
        if mode not in MODES:
            raise SearchError(f"unknown mode '{mode}'; use one of {', '.join(MODES)}")
        if not query.strip():
            raise SearchError("empty query")

    def _legs(self, query: str, mode: str, limit: int, filters: dict | None, intent: QueryIntent) -> dict:
        legs = self._raw_legs(query, mode, limit, filters, intent)
        if self.duplicates:
            legs = {k: [s for s in v if s.payload.get("doc_id") not in self.duplicates] for k, v in legs.items()}
        return legs

    def _raw_legs(self, query: str, mode: str, limit: int, filters: dict | None, intent: QueryIntent) -> dict:
        legs = {}
        if mode in ("dense", "hybrid"):
            legs["dense"] = self.index.query("dense", self.embed_query(query).tolist(), None, limit, filters)
        if mode in ("lexical", "hybrid"):
            text = query + (" " + intent.synonyms if mode == "hybrid" and self.config.synonyms else "")
            legs["lexical"] = self.index.query("lexical", None, sparse_query(text, self.term_weights), limit, filters)
        if mode == "hybrid" and intent.translation:
            # the query carried into the other language through the codebook's bilingual concepts
            other = "en" if intent.language == "zh" else "zh"
            if (filters or {}).get("language", other) == other:
                legs["cross"] = self.index.query("lexical", None, sparse_query(intent.translation, self.term_weights), limit,
                                                 {**(filters or {}), "language": other})
        return legs

    def search(self, query: str, limit: int = 10, mode: str = "hybrid", filters: dict | None = None) -> list[Hit]:
        """Passages, best first. Hybrid fuses the legs inside Qdrant (weighted RRF)."""
        self._check(query, mode)
        intent = understand(query, self.codebook)
        dense = self.embed_query(query).tolist() if mode != "lexical" else None
        sparse = sparse_query(query, self.term_weights) if mode != "dense" else None
        weights = self.config.passage_weights.get(intent.language, (1.0, 1.0))
        extra = len(self.duplicates) and limit  # fetch more so that collapsing still fills the page
        depth = limit * 3 if self.reranker else limit
        scored = self.index.query(mode, dense, sparse, depth + extra, filters, weights=weights)
        hits = [h for h in map(to_hit, scored) if h.doc_id not in self.duplicates][:depth]
        if self.reranker:
            for h, s in zip(hits, self.reranker.scores(query, [h.text for h in hits])):
                h.score = s
            hits.sort(key=lambda h: -h.score)
        return self._mark(hits[:limit])

    def _mark(self, hits: list[Hit]) -> list[Hit]:
        from dutytrace.highlight import cue_spans

        for h in hits:
            h.cues = cue_spans(h.text, h.tags, self.codebook)
        return hits

    def search_cases(self, query: str, limit: int = 10, mode: str = "hybrid", filters: dict | None = None,
                     passages: int = 3) -> list[CaseHit]:
        self._check(query, mode)
        cfg = self.config
        intent = understand(query, self.codebook)
        legs = self._legs(query, mode, cfg.depth, filters, intent)
        best: dict[str, list[Hit]] = defaultdict(list)
        scores: dict[str, float] = defaultdict(float)
        if mode == "hybrid":
            w_dense, w_lex, w_cross = cfg.weights.get(intent.language, (1.0, 1.0, 0.5))
            for leg, weight in (("dense", w_dense), ("lexical", w_lex), ("cross", w_cross)):
                for rank, (case_id, hits) in enumerate(_case_ranking(legs.get(leg, []), cfg.passage_decay)):
                    scores[case_id] += weight / (cfg.rrf_k + rank + 1)
                    best[case_id].extend(hits)
            self._understanding_boost(intent, filters, scores, best)
        else:
            for case_id, hits in _case_ranking(legs[mode]):
                scores[case_id] = hits[0].score + 0.1 * sum(h.score for h in hits[1:3])
                best[case_id].extend(hits)
        ranked = sorted(scores, key=lambda c: -scores[c])[:limit]
        if self.reranker:
            ranked = self._rerank_cases(query, sorted(scores, key=lambda c: -scores[c])[:max(limit, 30)], best, scores)
            ranked = ranked[:limit]
        out = []
        for case_id in ranked:
            info = self.case_info(case_id) or {}
            seen, ps = set(), []
            for h in sorted(best[case_id], key=lambda h: -h.score):
                if h.chunk_id not in seen:
                    seen.add(h.chunk_id)
                    ps.append(h)
            out.append(CaseHit(case_id, scores[case_id], info.get("title") or case_id, self._mark(ps[:passages]),
                               facts=info.get("facts", {}), tags=[t["tag"] for t in info.get("tags", [])][:8]))
        return out

    def _rerank_cases(self, query: str, candidates: list[str], best: dict, scores: dict) -> list[str]:
        """Score each candidate's top passages with the cross-encoder; a case takes its best passage's score."""
        texts, owners = [], []
        for case_id in candidates:
            for h in sorted(best[case_id], key=lambda h: -h.score)[:3]:
                texts.append(h.text)
                owners.append((case_id, h))
        case_score: dict[str, float] = {}
        rescored: dict[str, list[Hit]] = defaultdict(list)
        for (case_id, h), s in zip(owners, self.reranker.scores(query, texts)):
            h.score = s
            rescored[case_id].append(h)
            case_score[case_id] = max(case_score.get(case_id, float("-inf")), s)
        best.update(rescored)  # a case shows the passages the cross-encoder read, in its order
        for case_id in candidates:
            scores[case_id] = case_score.get(case_id, float("-inf"))
        return sorted(candidates, key=lambda c: -scores[c])

    def facets(self, query: str | None, mode: str = "hybrid", filters: dict | None = None, depth: int = 100,
               fields: tuple[str, ...] = FACET_FIELDS) -> dict[str, list[tuple[Any, int]]]:
        """How many cases of the current result carry each value of each field (for the sidebar).
        Without a query the result is every case that passes the filters."""
        from dutytrace.profile import index_payload

        if query and query.strip():
            case_ids = [c.case_id for c in self.search_cases(query, depth, mode, filters, passages=0)]
        else:
            case_ids = [c for c, _ in self.index.facet("case_id", filters, limit=100_000)]
        counts: dict[str, dict[Any, int]] = {f: defaultdict(int) for f in fields}
        for case_id in case_ids:
            prof = self.case_info(case_id)
            if not prof:
                continue
            values = {**index_payload(prof), "language": prof.get("languages", []),
                      "kind": sorted({d["kind"] for d in prof.get("documents", [])})}
            for f in fields:
                v = values.get(f)
                for x in (v if isinstance(v, list) else [v]):
                    if x is not None:
                        counts[f][x] += 1
        return {f: sorted(c.items(), key=lambda kv: (-kv[1], str(kv[0]))) for f, c in counts.items()}

    def _understanding_boost(self, intent: QueryIntent, filters, scores, best) -> None:
        """Cases that carry the issues or the accident type the query names gain a fixed amount per
        match; cases reached only this way get the passages that carry the tag as their evidence."""
        cfg = self.config
        for field_name, values, boost in (("case_tags", intent.tags, cfg.tag_boost),
                                          ("accident_type", intent.accident_types, cfg.type_boost)):
            for value in values:
                flt = {**(filters or {}), field_name: value}
                for case_id, _ in self.index.facet("case_id", flt, limit=10_000):
                    scores[case_id] += boost
                    if not best[case_id] and field_name == "case_tags":
                        ev = self.index.query("lexical", None, sparse_query(value.replace("_", " "), self.term_weights), 2,
                                              {**flt, "case_id": case_id, "tags": value})
                        best[case_id].extend(to_hit(s) for s in ev)


def _case_ranking(scored: list[Scored], decay: float = 0.0) -> list[tuple[str, list[Hit]]]:
    """Cases in the order of their best passage (with `decay`, of best + decay * 2nd + decay² * 3rd ... over
    their five best), each with its passages (best first)."""
    groups: dict[str, list[Hit]] = {}
    for s in scored:
        groups.setdefault(s.payload.get("case_id"), []).append(to_hit(s))
    if not decay:
        return list(groups.items())

    def value(hits: list[Hit]) -> float:
        return sum(h.score * decay ** i for i, h in enumerate(hits[:5]))
    return sorted(groups.items(), key=lambda kv: -value(kv[1]))
