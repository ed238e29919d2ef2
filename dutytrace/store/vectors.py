"""The vector index behind one small interface, with two backends of the same schema:

- EdgeIndex: Qdrant Edge in-process (qdrant-edge-py), the embedded default, in DUTYTRACE_HOME/index;
- ClientIndex: qdrant-client against a Qdrant server or cluster (DUTYTRACE_QDRANT_URL) or `:memory:`.

Each point is one chunk: a dense vector ("dense", cosine) and a BM25 sparse vector ("bm25", IDF
modifier), both computed in Python (the BM25 vectors by qdrant_edge.Bm25 with the multilingual
tokenizer), so that both backends index identical vectors and rank alike."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

DENSE, SPARSE = "dense", "bm25"
KEYWORD_FIELDS = ("case_id", "doc_id", "language", "kind", "tags", "case_tags", "accident_type", "industry",
                  "region", "grade", "entities", "levels", "clearance", "dup_of")
INTEGER_FIELDS = ("year", "page")
RRF_K = 60


@dataclass(frozen=True)
class IndexPoint:
    id: str
    dense: list[float]
    sparse: tuple[list[int], list[float]]
    payload: dict[str, Any]


@dataclass(frozen=True)
class Scored:
    id: str
    score: float
    payload: dict[str, Any]


Filters = dict[str, Any]  # field -> value | list of values (any) | ("range", lo, hi)


class VectorIndex(Protocol):
    def upsert(self, points: list[IndexPoint]) -> None: ...
    def delete(self, ids: list[str]) -> None: ...
    def set_payload(self, case_id: str, payload: dict[str, Any]) -> None: ...
    def query(self, mode: str, dense: list[float] | None, sparse: tuple[list[int], list[float]] | None,
              limit: int, filters: Filters | None = None, weights: tuple[float, float] = (1.0, 1.0)) -> list[Scored]: ...
    def facet(self, key: str, filters: Filters | None = None, limit: int = 50) -> list[tuple[Any, int]]: ...
    def count(self) -> int: ...
    def ids(self) -> set[str]: ...
    def close(self) -> None: ...


_bm25 = None


def bm25():
    global _bm25
    if _bm25 is None:
        import qdrant_edge as q

        _bm25 = q.Bm25(q.Bm25Config(tokenizer=q.TokenizerType.Multilingual, avg_len=120.0, lowercase=True))
    return _bm25


def sparse_document(text: str) -> tuple[list[int], list[float]]:
    v = bm25().embed_document(text)
    return list(v.indices), list(v.values)


def sparse_query(text: str) -> tuple[list[int], list[float]]:
    v = bm25().embed_query(text)
    return list(v.indices), list(v.values)


def open_index(settings, dim: int) -> VectorIndex:
    if settings.qdrant_url:
        from dutytrace.store.qdrant_client_index import ClientIndex

        return ClientIndex(settings.qdrant_url, settings.qdrant_api_key, settings.collection, dim)
    from dutytrace.store.edge_index import EdgeIndex

    return EdgeIndex(Path(settings.index_path), dim)
