"""The search service: hybrid (dense + BM25, fused in Qdrant), dense-only or lexical-only retrieval,
filters, grouping by case, and similar cases for a new document with the reasons why."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from dutytrace.models import CaseHit, Hit
from dutytrace.store.vectors import Scored, VectorIndex, sparse_query

MODES = ("hybrid", "dense", "lexical")
FILTER_KEYS = {"tag": "case_tags", "chunk_tag": "tags", "case": "case_id", "case_id": "case_id",
               "language": "language", "lang": "language", "kind": "kind", "accident_type": "accident_type",
               "industry": "industry", "region": "region", "grade": "grade", "year": "year", "doc": "doc_id",
               "clearance": "clearance"}


class SearchError(ValueError):
    pass


def parse_filters(items: list[str] | None) -> dict[str, Any]:
    """`KEY=VALUE` strings to index filters; repeated keys OR together; year takes `2018..2020`."""
    out: dict[str, Any] = {}
    for item in items or []:
        if "=" not in item:
            raise SearchError(f"filter '{item}' is not KEY=VALUE")
        key, value = (x.strip() for x in item.split("=", 1))
        field = FILTER_KEYS.get(key)
        if field is None:
            raise SearchError(f"unknown filter key '{key}'; use one of {', '.join(sorted(FILTER_KEYS))}")
        if field == "year":
            if ".." in value:
                lo, hi = value.split("..", 1)
                out[field] = ("range", int(lo or 0), int(hi or 9999))
            else:
                out[field] = int(value)
            continue
        if field in out:
            prev = out[field]
            out[field] = (prev if isinstance(prev, list) else [prev]) + [value]
        else:
            out[field] = value
    return out


def to_hit(s: Scored) -> Hit:
    p = s.payload
    return Hit(case_id=p.get("case_id"), doc_id=p.get("doc_id"), path=p.get("path"), name=p.get("name"),
               page=int(p.get("page") or 1), score=s.score, text=p.get("text", ""), tags=list(p.get("tags") or []),
               speaker=p.get("speaker"), kind=p.get("kind"), chunk_id=p.get("chunk_id"))


class Searcher:
    def __init__(self, index: VectorIndex, embed_query, case_info):
        self.index = index
        self.embed_query = embed_query  # text -> vector
        self.case_info = case_info  # case_id -> profile dict

    def retrieve(self, query: str, mode: str, limit: int, filters: dict | None) -> list[Scored]:
        if mode not in MODES:
            raise SearchError(f"unknown mode '{mode}'; use one of {', '.join(MODES)}")
        if not query.strip():
            raise SearchError("empty query")
        dense = self.embed_query(query).tolist() if mode in ("dense", "hybrid") else None
        sparse = sparse_query(query) if mode in ("lexical", "hybrid") else None
        return self.index.query(mode, dense, sparse, limit, filters)

    def search(self, query: str, limit: int = 10, mode: str = "hybrid", filters: dict | None = None) -> list[Hit]:
        return [to_hit(s) for s in self.retrieve(query, mode, limit, filters)]

    def search_cases(self, query: str, limit: int = 10, mode: str = "hybrid", filters: dict | None = None,
                     passages: int = 3) -> list[CaseHit]:
        scored = self.retrieve(query, mode, max(50, limit * 10), filters)
        return group_by_case([to_hit(s) for s in scored], limit, passages, self.case_info)


def group_by_case(hits: list[Hit], limit: int, passages: int, case_info) -> list[CaseHit]:
    """Case score: the best passage's score plus a little for further strong passages, so that a case
    with several matching passages ranks above one with a single lucky one of the same best score."""
    groups: dict[str, list[Hit]] = defaultdict(list)
    for h in hits:
        groups[h.case_id].append(h)
    out = []
    for case_id, hs in groups.items():
        hs.sort(key=lambda h: -h.score)
        score = hs[0].score + 0.1 * sum(h.score for h in hs[1:3])
        info = case_info(case_id) or {}
        out.append(CaseHit(case_id, score, info.get("title") or case_id, hs[:passages],
                           facts=info.get("facts", {}), tags=[t["tag"] for t in info.get("tags", [])][:8]))
    out.sort(key=lambda c: -c.score)
    return out[:limit]
