"""The search service: passages and cases, in three modes.

- dense: MiniLM vectors only; lexical: BM25 only (both are the baselines eval reports);
- hybrid: the legs (and a cross-language BM25 leg) fused at case level by normalised score (fusion.py),
  with weights that depend on the query's language (the packaged MiniLM is an English model: for a
  Chinese query its vector says little), and with query understanding through the codebook: a query
  that names a responsibility issue or an accident type also reaches the cases tagged with it, in either
  language, and boosts them only within a guard (a much stronger match is never buried by the boost).

What a search promises (issue 17):
- a filter is a hard constraint: every leg and every concept lookup runs inside the user's filters;
  what the query names is added to them (`narrow`), never put in their place;
- a case (or passage) appears only with evidence for the query: a BM25 hit (after stop words), a
  named issue or accident type it carries (hybrid), or a dense score at or above the floor. Legs are
  read deep enough (`match_depth`) to find every such case, so `total` counts them all and a facet
  value's count is the number of cases the same search returns with that value added as a filter;
- ties are broken by a stable key (score, then case id, document, page, passage id), never by the
  order the index happens to store points in.

Cases (`search_cases`) are ranked per leg by their passage scores (a case that matches the query in
several places is a better precedent than one lucky passage), and the legs fused at case level (see
fusion.py); the settings were chosen on the tuning split of the genre gold (corpus/genres, see
benchmarks/tune_genre_fusion.py), with the house-format gold checked beside it."""

from __future__ import annotations

import copy

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from dutytrace.fusion import LEGS, FusionInputs, fuse
from dutytrace.models import CaseHit, Hit
from dutytrace.profile import case_tags, index_payload
from dutytrace.query import STOPWORDS, QueryIntent, understand
from dutytrace.store.vectors import PASSAGE_FIELDS, Scored, VectorIndex, conditions, narrow, sparse_query

MODES = ("hybrid", "dense", "lexical")
FILTER_KEYS = {"tag": "case_tags", "chunk_tag": "tags", "case": "case_id", "case_id": "case_id",
               "language": "language", "lang": "language", "kind": "kind", "accident_type": "accident_type",
               "industry": "industry", "region": "region", "grade": "grade", "year": "year", "doc": "doc_id",
               "clearance": "clearance", "level": "levels", "entity": "entities"}
FACET_FIELDS = ("accident_type", "industry", "region", "year", "grade", "case_tags", "levels", "language", "kind")
CHUNK_FIELDS = ("language", "kind")  # facet fields a passage carries from its document (the rest are the case's)
KEEP_HITS = 5  # passages per case and leg made into hits (what a result card, fusion and reranking read)
SORTS = ("relevance", "newest", "oldest")
# A date sort orders the most relevant matching cases up to this many (CaseResult.date_sorted says how
# many), so that its cost is a page's plus one batch of stored profiles, not a read of every match.
DATE_SORT_DEPTH = 200
NO_WORDS = ("the query has no searchable words: it holds only stop words (such as 'the', 'of', '的', '了'). "
            "Add a word that says what to look for.")


@dataclass(frozen=True)
class RankConfig:
    """Hybrid ranking settings. The fusion (`fusion` ... `cross_norm`, `weights`, the boosts) was chosen
    by benchmarks/tune_genre_fusion.py on the tuning queries only, of the genre gold (117 queries
    judged over the 120 genre cases by pooling) and of the house-format gold together; the held-back
    queries are only reported. Guarded score fusion; the English dense leg back at weight 0.1 (it was
    0), the cross-language leg at 1.5 for English queries; a named issue or accident type lifts a case
    by at most 0.3 of its leg evidence. Tuning nDCG@10, RRF as before -> this: genre 0.701 -> 0.752,
    house 0.901 -> 0.898; see README "Measuring quality" for the held-back figures. `rrf_k` is read
    only by fusion="rrf".

    `dense_floor` is the cosine a passage needs for the dense leg to count as evidence (below it the
    dense leg always returns *something*, which is padding, not a match), by query language. Chosen by
    benchmarks/calibrate_floor.py on the corpus gold (40 cases, 1737 passages, 61 queries): on the
    tuning queries the floor that maximises F1 of "best passage cosine >= floor" against "judged
    relevant", above the best cosine of every nonsense probe (English probes reach 0.355, Chinese ones
    0.737: MiniLM does not read Chinese).
    en 0.40: tune P 0.369 R 0.399 F1 0.383, held-back P 0.467 R 0.292 F1 0.359;
    zh 0.75: tune P 0.196 R 0.097, held-back P 0.364 R 0.054 (dense is hardly ever evidence for Chinese).
    What it costs the dense baseline (dense-mode nDCG@10, no floor -> floor): en tune 0.616 -> 0.589,
    en held-back 0.639 -> 0.459, zh tune 0.308 -> 0.079, zh held-back 0.454 -> 0.158 (the dense
    baseline now returns only what it has evidence for). In hybrid the floor is also the dense leg's
    zero point: a passage's dense strength is its cosine above the floor.
    """

    fusion: str = "score"  # hybrid fusion at case level: "score" (guarded, normalised) or "rrf" (see fusion.py)
    rrf_k: int = 30
    # (dense, lexical, cross-language) leg weights by query language
    weights: dict = field(default_factory=lambda: {"en": (0.1, 1.0, 1.5), "zh": (0.0, 1.0, 1.0)})
    # passage search (`search`): weighted RRF of the dense and lexical legs; MiniLM is an English model
    passage_weights: dict = field(default_factory=lambda: {"en": (1.0, 1.0), "zh": (0.2, 1.0)})
    synonyms: bool = True  # add the named concepts' same-language synonyms to the lexical leg
    tag_boost: float = 0.2  # boost of a case for each issue the query names and the case has
    type_boost: float = 0.2  # ... and for the accident type
    boost_guard: float = 0.3  # "score" fusion: a case's boost is at most this share of its leg evidence
    concept_only: float = 0.001  # "score" fusion: a case with no leg evidence scores this times its boost
    fusion_passages: int = 3  # "score" fusion: a case's strength in a leg counts its best so many passages
    cross_norm: str = "lexical"  # "score" fusion: the cross-language leg divided by the best of both BM25 legs
    depth: int = 100  # passages per leg that rank cases
    passage_decay: float = 0.5  # a case's leg strength over its best passages: best + decay * 2nd + ...
    # cosine at or above which a dense passage is evidence, by query language (calibrated, see above)
    dense_floor: dict = field(default_factory=lambda: {"en": 0.40, "zh": 0.75})
    match_depth: int = 5000  # passages read per leg to find every matching case (and count them)
    # the dense leg reads this many first, and `match_depth` only when all of them pass its floor: an HNSW
    # search costs what its limit costs (its candidate list is at least that long), however few passages
    # pass the floor (measured, 2,000 cases x 100 passages: 47.8 ms per dense leg at 5,000, 4.0 at 500,
    # benchmarks/bench_scale.py; the same passages on every query)
    dense_first_read: int = 500
    passage_rrf_k: int = 60  # RRF constant of passage search (as Qdrant's fusion used)
    # a case found only by BM25 (no dense passage over the floor, no named issue or accident type) matches
    # when it holds at least this IDF-weighted share of the query's own words (or of its other-language
    # terms), or names at least `match_concepts` of the codebook concepts the query names; else it shared a
    # word or a fragment ("face", 工作 of 工作面) and is not listed nor counted. Chosen on the tuning queries
    # (benchmarks/match_evidence.py): the most cases dropped while keeping >= 0.98 of the judged-relevant
    # ones; genre tuning 71.9 -> 52.1 cases per query (relevant kept 0.99), house tuning 37.1 -> 32.7 (1.00).
    match_share: float = 0.10
    match_concepts: float = 0.5
    # hybrid cases: the first ranker.depth of the fused order re-ordered by the learned case ranker
    # (ranker.py, ranker_model.json; needs the Searcher's catalog). Genre held-back nDCG@10 en 0.726 -> 0.778
    learned_ranker: bool = True

    def with_weight(self, lang: str, i: int, v: float) -> "RankConfig":
        """A copy with leg `i` (0 dense, 1 lexical, 2 cross-language) of language `lang` weighted `v`
        (what the tuning benchmarks search over)."""
        w = dict(self.weights)
        t = list(w[lang])
        t[i] = v
        w[lang] = tuple(t)
        return replace(self, weights=w)


class SearchError(ValueError):
    pass


@dataclass
class CaseResult:
    """Cases for a query: the first `limit` in rank order, how many match in all, and a message when the
    query itself cannot match (stop words only)."""

    cases: list[CaseHit]
    total: int
    message: str | None = None
    # with a sort by date: how many of the best matches were put in date order (all of them when it
    # equals `total`; else the first DATE_SORT_DEPTH by relevance, and the rest are not listed)
    date_sorted: int | None = None
    # False when a leg of the search reached its read limit (RankConfig.match_depth passages) and more
    # passages match than it read: `total` is then the number of cases found in what was read, every one
    # of them listed, and at least that many match (the screen and `--json` say so)
    total_exact: bool = True


@dataclass
class PassageResult:
    hits: list[Hit]
    total: int
    message: str | None = None
    total_exact: bool = True  # as CaseResult.total_exact: False when a leg reached its read limit


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


def allows(filters: dict | None, key: str, value: Any) -> bool:
    """Whether a payload with `key` = `value` can pass the filters' conditions on that key."""
    for k, cond in conditions(filters):
        if k != key:
            continue
        if isinstance(cond, tuple) and cond and cond[0] == "range":
            if not (isinstance(value, (int, float)) and cond[1] <= value <= cond[2]):
                return False
        elif isinstance(cond, (list, set)):
            if value not in cond:
                return False
        elif cond != value:
            return False
    return True


SCORE_DIGITS = 5  # significant digits: scores equal to them tie. The index computes in float32, and the
# same passage scores a little differently in an index built another way (a crash and resume: 10.93436
# vs 10.93435), as do embeddings made in other batches; such noise must not reorder tied passages.


def score_key(score: float) -> float:
    return -float(f"{float(score):.{SCORE_DIGITS}g}")


def passage_key(s: Scored | Hit):
    """The stable order of passages: score (best first), then case, document, page, passage id."""
    p = s.payload if isinstance(s, Scored) else {"case_id": s.case_id, "doc_id": s.doc_id, "page": s.page,
                                                 "chunk_id": s.chunk_id}
    return (score_key(s.score), str(p.get("case_id") or ""), str(p.get("doc_id") or ""), int(p.get("page") or 0),
            str(p.get("chunk_id") or getattr(s, "id", "") or ""))


def hits_of(passages: list[Hit | Scored]) -> list[Hit]:
    """A case's kept passages as hits (those still index results made into hits, each a new Hit)."""
    return [to_hit(x) if isinstance(x, Scored) else x for x in passages]


def to_hit(s: Scored) -> Hit:
    p = s.payload
    return Hit(case_id=p.get("case_id"), doc_id=p.get("doc_id"), path=p.get("path"), name=p.get("name"),
               page=int(p.get("page") or 1), score=s.score, text=p.get("text", ""), tags=list(p.get("tags") or []),
               speaker=p.get("speaker"), kind=p.get("kind"), chunk_id=p.get("chunk_id"))


_STOP_IDS: set[int] | None = None


def stop_ids() -> set[int]:
    """BM25 term ids of the stop words (English ones the tokenizer drops itself)."""
    global _STOP_IDS
    if _STOP_IDS is None:
        _STOP_IDS = {int(i) for w in STOPWORDS for i in sparse_query(w)[0]}
    return _STOP_IDS


class Searcher:
    def __init__(self, index: VectorIndex, embed_query, case_info, codebook, config: RankConfig | None = None,
                 duplicates: dict[str, str] | None = None, reranker=None, term_weights=None, passages=None,
                 catalog=None):
        self.index = index
        self.catalog = catalog  # per-case term counts and concepts for the learned case ranker (ranker.py)
        # chunk ids -> {chunk_id: {text, path, name, speaker}} (Catalog.passages): the index payloads hold
        # ids and filter fields only, so what is shown of a passage is read from the catalog, in one batch
        self.passages = passages
        self.reranker = reranker  # optional cross-encoder (rerank.py)
        self.duplicates = duplicates or {}  # doc_id -> the document it nearly duplicates (collapsed in results)
        self.embed_query = embed_query  # text -> vector
        self.case_info = case_info  # case_id -> profile dict
        self.codebook = codebook
        self.config = config or RankConfig()
        self.term_weights = term_weights  # BM25 query term ids -> weights (IDF over what the user may see)
        self._vectors: dict[str, list[float]] = {}
        self._sparse_memo: dict[str, tuple[list[int], list[float]]] = {}
        self.capped = False  # a leg read since the last find_* reached match_depth (see CaseResult.total_exact)
        # the last find_cases' ranking (its query, mode and filters, and what _rank gave): facets of the same
        # search on this searcher count its cases from it instead of reading every leg again (the Search page
        # asks both: Dutytrace.find_cases_and_facets)
        self._ranked: tuple | None = None

    # -- pieces --------------------------------------------------------------------------------------
    def _check(self, query: str, mode: str) -> None:
        if mode not in MODES:
            raise SearchError(f"unknown mode '{mode}'; use one of {', '.join(MODES)}")
        if not query.strip():
            raise SearchError("empty query")

    def _sparse(self, text: str) -> tuple[list[int], list[float]]:
        """The query's BM25 vector without its stop words (remembered per text: a search asks for the same
        text's weights more than once, and each time the IDF is read from the catalog)."""
        if text not in self._sparse_memo:
            sp = sparse_query(text, self.term_weights) if self.term_weights is not None else sparse_query(text)
            stop = stop_ids()
            keep = [(i, v) for i, v in zip(*sp) if int(i) not in stop]
            self._sparse_memo[text] = ([i for i, _ in keep], [v for _, v in keep])
        ids, values = self._sparse_memo[text]
        return list(ids), list(values)

    def searchable(self, query: str) -> bool:
        """Whether the query holds a word BM25 can look for (not only stop words or punctuation)."""
        return bool(self._sparse(query)[0])

    def _dense(self, query: str) -> list[float]:
        if query not in self._vectors:
            self._vectors[query] = self.embed_query(query).tolist()
        return self._vectors[query]

    def _leg(self, kind: str, query_vec, filters: dict | None, language: str = "en") -> list[Scored]:
        """One leg's evidence, best first in the stable order: every BM25 hit, or every dense passage at
        or above the floor (near-duplicate documents collapsed)."""
        cfg = self.config
        if kind == "dense":
            # the floor is applied by the index itself (score_threshold), so the leg reads the passages that
            # pass it, not `match_depth` passages that are then dropped; the check here stays for an index
            # that scores a hair differently at the threshold (float32)
            floor = cfg.dense_floor.get(language, 1.01)
            first = min(cfg.dense_first_read, cfg.match_depth)
            read = self.index.query("dense", query_vec, None, first, filters, fields=PASSAGE_FIELDS, min_score=floor)
            if len(read) >= first and first < cfg.match_depth:  # every one passed the floor: read deep
                read = self.index.query("dense", query_vec, None, cfg.match_depth, filters, fields=PASSAGE_FIELDS,
                                        min_score=floor)
            got = [s for s in read if s.score >= floor]
        else:
            if not query_vec[0]:
                return []
            got = read = self.index.query("lexical", None, query_vec, cfg.match_depth, filters, fields=PASSAGE_FIELDS)
        if len(read) >= cfg.match_depth:  # the index had at least this many: more may match than were read
            self.capped = True
        if self.duplicates:  # a near-duplicate gives way to its group's document, unless the filters leave that out
            roots = {self.duplicates[d] for d in {s.payload.get("doc_id") for s in got} if d in self.duplicates}
            shown = {r for r in roots if self.index.facet("doc_id", narrow(filters, "doc_id", r), limit=1)}
            got = [s for s in got if self.duplicates.get(s.payload.get("doc_id")) not in shown]
        return sorted(got, key=passage_key)

    def _legs(self, query: str, mode: str, filters: dict | None, intent: QueryIntent) -> dict[str, list[Scored]]:
        legs = {}
        if mode in ("dense", "hybrid"):
            legs["dense"] = self._leg("dense", self._dense(query), filters, intent.language)
        if mode in ("lexical", "hybrid"):
            text = query + (" " + intent.synonyms if mode == "hybrid" and self.config.synonyms else "")
            legs["lexical"] = self._leg("lexical", self._sparse(text), filters)
        if mode == "hybrid" and intent.translation:
            # the query carried into the other language through the codebook's bilingual concepts
            other = "en" if intent.language == "zh" else "zh"
            if allows(filters, "language", other):
                legs["cross"] = self._leg("lexical", self._sparse(intent.translation), narrow(filters, "language", other))
        return legs

    # -- passages ------------------------------------------------------------------------------------
    def search(self, query: str, limit: int = 10, mode: str = "hybrid", filters: dict | None = None) -> list[Hit]:
        """Passages, best first (see find_passages)."""
        return self.find_passages(query, limit, mode, filters).hits

    def find_passages(self, query: str, limit: int = 10, mode: str = "hybrid",
                      filters: dict | None = None) -> PassageResult:
        """Passages with evidence for the query, best first: hybrid fuses the dense and lexical legs by
        weighted RRF (both inside the filters)."""
        self._check(query, mode)
        if not self.searchable(query):
            return PassageResult([], 0, NO_WORDS)
        cfg = self.config
        intent = understand(query, self.codebook)
        self.capped = False
        legs = {}
        if mode != "lexical":
            legs["dense"] = self._leg("dense", self._dense(query), filters, intent.language)
        if mode != "dense":
            legs["lexical"] = self._leg("lexical", self._sparse(query), filters)
        if mode == "hybrid":
            w_dense, w_lex = cfg.passage_weights.get(intent.language, (1.0, 1.0))
            fused: dict[str, float] = defaultdict(float)
            first: dict[str, Scored] = {}
            for leg, w in (("dense", w_dense), ("lexical", w_lex)):
                for rank, s in enumerate(legs[leg]):
                    fused[s.id] += w / (cfg.passage_rrf_k + rank + 1)
                    first.setdefault(s.id, s)
            scored = [Scored(i, fused[i], first[i].payload) for i in first]
        else:
            scored = legs[mode]
        hits = sorted((to_hit(s) for s in scored), key=passage_key)
        total = len(hits)
        hits = self.fill(hits[:limit * 3 if self.reranker else limit])
        if self.reranker:
            for h, s in zip(hits, self.reranker.scores(query, [h.text for h in hits])):
                h.score = s
            hits.sort(key=passage_key)
        return PassageResult(self._mark(hits[:limit]), total, total_exact=not self.capped)

    def fill(self, hits: list[Hit]) -> list[Hit]:
        """The hits with their text, file name, path and speaker, read from the catalog by chunk id in one
        batch (an index made before slim payloads still has them in the payload)."""
        need = [h.chunk_id for h in hits if not h.text and h.chunk_id]
        if need and self.passages is not None:
            got = self.passages(need)
            for h in hits:
                row = got.get(h.chunk_id) if not h.text else None
                if row:
                    h.text, h.path, h.name, h.speaker = row["text"], row["path"], row["name"], row["speaker"]
        return hits

    def _mark(self, hits: list[Hit]) -> list[Hit]:
        from dutytrace.highlight import cue_spans

        for h in hits:
            h.cues = cue_spans(h.text, h.tags, self.codebook)
        return hits

    # -- cases ---------------------------------------------------------------------------------------
    def search_cases(self, query: str, limit: int = 10, mode: str = "hybrid", filters: dict | None = None,
                     passages: int = 3) -> list[CaseHit]:
        return self.find_cases(query, limit, mode, filters, passages).cases

    def _concepts(self, intent: QueryIntent) -> list[tuple[str, str, float]]:
        cfg = self.config
        return [(f, v, b) for f, values, b in (("case_tags", intent.tags, cfg.tag_boost),
                                               ("accident_type", intent.accident_types, cfg.type_boost))
                for v in values]

    def _rank(self, query: str, mode: str, filters: dict | None, keep: int = KEEP_HITS):
        """Every case with evidence for the query inside the filters: (scores, passages, evidence
        documents per case), with up to `keep` passages per case and leg (0 for counting: facets).
        Raises nothing for a query without searchable words: the caller checks."""
        cfg = self.config
        intent = understand(query, self.codebook)
        self.capped = False
        legs = self._legs(query, mode, filters, intent)
        best: dict[str, list[Hit | Scored]] = defaultdict(list)
        scores: dict[str, float] = defaultdict(float)
        docs: dict[str, set[str]] = defaultdict(set)
        for leg in legs.values():
            for s in leg:
                docs[s.payload.get("case_id")].add(s.payload.get("doc_id"))
        if mode == "hybrid":
            inputs = self.fusion_inputs(intent, legs, filters, best, keep)
            scores.update(fuse(inputs, cfg))
            self._drop(self.thin(query, intent, legs, set(inputs.concepts)), scores, best, docs)
            if keep:  # a ranking, not a count (facets): the learned ranker re-orders the first cases
                scores.update(self.learned_order(query, intent, inputs, scores, filters))
        else:
            for case_id, hits, leg_scores in _leg_cases(legs[mode], cfg.depth, keep=keep):
                scores[case_id] = leg_scores[0] + 0.1 * sum(leg_scores[1:3])
                best[case_id].extend(hits)
            self._drop(self.thin(query, intent, legs, set()), scores, best, docs)
        return intent, scores, best, docs

    def thin(self, query: str, intent: QueryIntent, legs: dict[str, list[Scored]], concept_cases: set[str]) -> set[str]:
        """The cases the legs found only through BM25 that hold too little of the query to match it
        (RankConfig.match_share, match_concepts): the IDF-weighted share of the query's own words, or of its
        other-language terms, that occur anywhere in the case (added up by the catalog from its per-case
        term counts, over the cases holding one of those terms: Catalog.cases_holding), and the share of the
        query's named concepts the case names. Nothing without a catalog to read them from."""
        cfg = self.config
        if self.catalog is None or cfg.match_share <= 0:
            return set()
        from dutytrace.ranker import query_terms

        dense = {s.payload.get("case_id") for s in legs.get("dense", [])}
        found = {s.payload.get("case_id") for leg in ("lexical", "cross") for s in legs.get(leg, [])}
        candidates = found - dense - concept_cases
        if not candidates:
            return set()
        held: set[str] = set()
        for text in (query, intent.translation):
            terms = query_terms(self._sparse, text) if text else {}
            held |= self.catalog.cases_holding(terms, cfg.match_share * sum(terms.values()) - 1e-9) if terms else set()
        out = candidates - held
        if out and intent.concepts:
            naming = self.catalog.cases_naming(intent.concepts, out)
            out = {c for c in out if len(naming.get(c, ())) / len(intent.concepts) < cfg.match_concepts}
        return out

    @staticmethod
    def _drop(cases: set[str], *tables: dict) -> None:
        for c in cases:
            for table in tables:
                table.pop(c, None)

    def learned_order(self, query: str, intent: QueryIntent, inputs: FusionInputs, scores: dict[str, float],
                      filters: dict | None) -> dict[str, float]:
        """New scores for the first cases of the fused order, by the learned case ranker (ranker.py): the
        same cases, re-ordered among themselves, still above the rest. Nothing without a catalog to read
        the cases' term counts from, or with `learned_ranker` off."""
        if not (self.config.learned_ranker and self.catalog is not None) or len(scores) < 2:
            return {}
        from dutytrace import ranker as R

        model = R.load_ranker()
        top = R.candidates(scores, model.depth, score_key)
        ev = R.read_evidence(self.catalog, top, R.query_terms(self._sparse, query),
                             R.query_terms(self._sparse, intent.translation), intent.concepts)
        R.read_cosines(self.index, self._dense(query), filters, top, ev)
        return R.rerank(model, inputs, scores, ev, top)

    def fusion_inputs(self, intent: QueryIntent, legs: dict[str, list[Scored]], filters: dict | None,
                      best: dict[str, list[Hit | Scored]], keep: int = KEEP_HITS) -> FusionInputs:
        """What hybrid fusion reads (fusion.py): each leg's case ranking with its passage scores, and per
        case how many of the named issues and accident types it carries (inside the filters). Adds each
        case's passages to `best` (a case reached only through a named issue shows those that carry it)."""
        cfg = self.config
        inputs = FusionInputs(intent.language, dense_floor=cfg.dense_floor.get(intent.language, 1.01))
        for leg in LEGS:
            ranked = _leg_cases(legs.get(leg, []), cfg.depth, cfg.passage_decay, keep)
            inputs.legs[leg] = [(case_id, leg_scores) for case_id, _, leg_scores in ranked]
            for case_id, hits, _ in ranked:
                best[case_id].extend(hits)
        for field_name, value, _ in self._concepts(intent):
            flt = narrow(filters, field_name, value)
            for case_id, _ in self.index.facet("case_id", flt, limit=100_000):
                n_tags, n_types = inputs.concepts.get(case_id, (0, 0))
                inputs.concepts[case_id] = (n_tags + (field_name == "case_tags"), n_types + (field_name != "case_tags"))
                if keep and not best[case_id] and field_name == "case_tags":
                    best[case_id].extend(self._tag_evidence(flt, case_id, value))
        return inputs

    def _tag_evidence(self, flt: dict, case_id: str, tag: str) -> list[Hit]:
        """Passages of a case reached only through a tag the query names: those that carry the tag."""
        where = narrow(narrow(flt, "case_id", case_id), "tags", tag)
        ev = self.index.query("lexical", None, self._sparse(tag.replace("_", " ")), 2, where)
        return [to_hit(s) for s in sorted(ev, key=passage_key)]

    def find_cases(self, query: str, limit: int = 10, mode: str = "hybrid", filters: dict | None = None,
                   passages: int = 3, sort: str = "relevance", offset: int = 0) -> CaseResult:
        """The cases with evidence for the query inside the filters, best first (or, with sort 'newest'
        or 'oldest', the best DATE_SORT_DEPTH of them by accident date, undated last), from `offset` on,
        and how many there are. Only the page's cases have their passages and profiles read (a date
        sort also reads the profiles of the cases it orders)."""
        self._check(query, mode)
        if sort not in SORTS:
            raise SearchError(f"unknown sort '{sort}'; use one of {', '.join(SORTS)}")
        if not self.searchable(query):
            return CaseResult([], 0, NO_WORDS, 0 if sort != "relevance" else None)
        ranked = self._rank(query, mode, filters, max(KEEP_HITS, passages))
        self._ranked = ((query, mode, copy.deepcopy(filters)), ranked)
        _, scores, best, _ = ranked
        ranked = sorted(scores, key=lambda c: (score_key(scores[c]), c))
        total = len(ranked)
        offset, date_sorted = max(0, offset), None
        if sort != "relevance":  # the fused order picks which cases; the cross-encoder would only re-order them
            ranked = self._by_date(ranked[:DATE_SORT_DEPTH], newest=sort == "newest")
            date_sorted = len(ranked)
        elif self.reranker:
            ranked = self._rerank_cases(query, ranked[:max(offset + limit, 30)], best, scores)
        out = []
        shown: dict[str, list[Hit]] = {}
        for case_id in ranked[offset:offset + limit]:
            seen, ps = set(), []
            for h in sorted(hits_of(best[case_id]), key=passage_key):
                if h.chunk_id not in seen:
                    seen.add(h.chunk_id)
                    ps.append(h)
            shown[case_id] = ps[:passages]
        self.fill([h for ps in shown.values() for h in ps])
        infos = self._infos(list(shown))
        for case_id, ps in shown.items():
            info = infos.get(case_id) or {}
            out.append(CaseHit(case_id, scores[case_id], info.get("title") or case_id, self._mark(ps),
                               facts=info.get("facts", {}), tags=case_tags(info)[:8] if info else []))
        return CaseResult(out, total, date_sorted=date_sorted, total_exact=not self.capped)

    def _by_date(self, case_ids: list[str], newest: bool) -> list[str]:
        """These cases by the accident date of their profiles (newest or oldest first, ties by case id),
        the undated last in the order given."""
        infos = self._infos(case_ids)

        def date(c: str) -> str:
            return str(((infos.get(c) or {}).get("facts") or {}).get("date") or "")

        dated = sorted((c for c in case_ids if date(c)), key=lambda c: (date(c), c), reverse=newest)
        return dated + [c for c in case_ids if not date(c)]

    def _rerank_cases(self, query: str, candidates: list[str], best: dict, scores: dict) -> list[str]:
        """Score each candidate's top passages with the cross-encoder; a case takes its best passage's score."""
        texts, owners = [], []
        for c in candidates:
            best[c] = hits_of(best[c])
        self.fill([h for c in candidates for h in sorted(best[c], key=passage_key)[:3]])
        for case_id in candidates:
            for h in sorted(best[case_id], key=passage_key)[:3]:
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
        return sorted(candidates, key=lambda c: (score_key(scores[c]), c))

    # -- facets --------------------------------------------------------------------------------------
    def _docs_by_case(self, flt: dict | None) -> dict[str, set[str]]:
        """Every case with a passage inside `flt`, with the documents of those passages."""
        cases = [c for c, _ in self.index.facet("case_id", flt, limit=100_000)]
        doc_ids = {d for d, _ in self.index.facet("doc_id", flt, limit=1_000_000)}
        out: dict[str, set[str]] = {}
        rows = self._facet_rows(cases)
        for c in cases:
            row = rows.get(c)
            if row:
                out[c] = {d["doc_id"] for d in row[1] if d["doc_id"] in doc_ids}
        return out

    def _facet_rows(self, case_ids: list[str]) -> dict[str, tuple[dict, list[dict]]]:
        """{case_id: (index payload, [{doc_id, language, kind}])}: what counting reads of a case, from the
        service's reader where it keeps them (profile.ProfileReader.facet_rows), else from the profiles."""
        rows = getattr(self.case_info, "facet_rows", None)
        if rows is not None:
            return rows(case_ids)
        return {c: (index_payload(p), p.get("documents", [])) for c, p in self._infos(case_ids).items()}

    def _infos(self, case_ids: list[str]) -> dict[str, dict]:
        """case_info for many cases, in one batch where the service's case_info reads batches."""
        many = getattr(self.case_info, "many", None)
        if many is not None:
            return many(case_ids)
        return {c: p for c in case_ids if (p := self.case_info(c))}

    def matching(self, query: str | None, mode: str = "hybrid", filters: dict | None = None) -> dict[str, set[str]]:
        """The cases a search returns (all of them, not a page), each with the documents of its evidence;
        without a query, every case with a passage inside the filters."""
        if not (query and query.strip()):
            return self._docs_by_case(filters)
        self._check(query, mode)
        if not self.searchable(query):
            return {}
        if self._ranked is not None and self._ranked[0] == (query, mode, filters):
            # find_cases ranked the same search on this searcher: the same cases, and the same documents of
            # their evidence (what it kept besides, passages to show and a learned order, changes neither)
            intent, scores, _, kept = self._ranked[1]
            docs = defaultdict(set, {c: set(ds) for c, ds in kept.items()})
        else:
            intent, scores, _, docs = self._rank(query, mode, filters, keep=0)
        if mode == "hybrid":
            for field_name, value, _ in self._concepts(intent):
                for c, ds in self._docs_by_case(narrow(filters, field_name, value)).items():
                    docs[c] |= ds
        return {c: docs.get(c, set()) for c in scores}

    def facets(self, query: str | None, mode: str = "hybrid", filters: dict | None = None, depth: int = 100,
               fields: tuple[str, ...] = FACET_FIELDS) -> dict[str, list[tuple[Any, int]]]:
        """How many cases of the current result carry each value of each field (for the sidebar): the
        number of cases the same search would return with that value added to the filters. A case
        counts under a document-level value (language, kind) when a passage of its evidence has it.
        (`depth` is accepted for compatibility: every matching case counts.)"""
        counts: dict[str, dict[Any, int]] = {f: defaultdict(int) for f in fields}
        matched = self.matching(query, mode, filters)
        rows = self._facet_rows(list(matched))
        for case_id, doc_ids in matched.items():
            row = rows.get(case_id)
            if not row:
                continue
            docs = [d for d in row[1] if d["doc_id"] in doc_ids]
            values = {**row[0], "language": sorted({d["language"] for d in docs}),
                      "kind": sorted({d["kind"] for d in docs})}
            for f in fields:
                v = values.get(f)
                for x in set(v if isinstance(v, list) else [v]):
                    if x is not None:
                        counts[f][x] += 1
        return {f: sorted(c.items(), key=lambda kv: (-kv[1], str(kv[0]))) for f, c in counts.items()}


def _case_ranking(scored: list[Scored], decay: float = 0.0,
                  keep: int = KEEP_HITS) -> list[tuple[str, list[Scored], list[float]]]:
    """Cases in the order of their best passage (with `decay`, of best + decay * 2nd + decay² * 3rd ... over
    their five best), each with its first `keep` passages and every passage's score (best first); ties by
    case id. `scored` is in passage order (`Searcher._leg` sorts it): a deep leg's thousands of passages
    are grouped, and only the few a case can show are kept (made into hits, `hits_of`, only for the
    cases a page shows: a deep leg ranks over a thousand cases per search)."""
    groups: dict[str, list[Scored]] = {}
    for s in scored:
        groups.setdefault(s.payload.get("case_id"), []).append(s)

    def value(ss: list[Scored]) -> float:
        return sum(x.score * decay ** i for i, x in enumerate(ss[:5])) if decay else ss[0].score
    ranked = sorted(groups.items(), key=lambda kv: (score_key(value(kv[1])), kv[0]))
    return [(c, ss[:keep], [x.score for x in ss]) for c, ss in ranked]


def _leg_cases(leg: list[Scored], depth: int, decay: float = 0.0,
               keep: int = KEEP_HITS) -> list[tuple[str, list[Scored], list[float]]]:
    """A leg's case ranking: the cases of its first `depth` passages as `_case_ranking` orders them, then
    the cases found only deeper (by their passages there)."""
    head = _case_ranking(leg[:depth], decay, keep)
    seen = {c for c, _, _ in head}
    return head + [row for row in _case_ranking(leg[depth:], decay, keep) if row[0] not in seen]
