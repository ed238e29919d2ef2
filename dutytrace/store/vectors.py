"""The vector index behind one small interface, with two backends of the same schema:

- EdgeIndex: Qdrant Edge in-process (qdrant-edge-py), the embedded default, in DUTYTRACE_HOME/index,
  opened by one process and shared with the others (SharedIndex, store/index_owner.py);
- ClientIndex: qdrant-client against a Qdrant server or cluster (DUTYTRACE_QDRANT_URL) or `:memory:`.

Each point is one chunk: a dense vector ("dense", cosine) and a BM25 sparse vector ("bm25"), both
computed in Python (the BM25 vectors by qdrant_edge.Bm25 with the multilingual tokenizer), so that both
backends index identical vectors and rank alike.

BM25 statistics never cross a clearance boundary. The sparse vector holds only BM25's term-frequency
part (no IDF modifier in the index: the index would count every chunk, restricted cases included);
a query's term weights are the IDF over the chunks the user may see, from the document frequencies
the catalog keeps per case (store/catalog.py `term_weights`). A user's BM25 scores then equal those of
an index holding only the user's visible chunks with Qdrant's own IDF modifier."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from dutytrace.script import to_simplified

DENSE, SPARSE = "dense", "bm25"
KEYWORD_FIELDS = ("case_id", "doc_id", "language", "kind", "tags", "case_tags", "accident_type", "industry",
                  "region", "grade", "entities", "levels", "clearance", "dup_of")
INTEGER_FIELDS = ("year", "page")
RRF_K = 60
# What a search leg reads of each point: enough to rank and group passages (the rest of the payload is
# filter fields, which the index applies itself; what is shown of a passage comes from the catalog).
PASSAGE_FIELDS = ("case_id", "doc_id", "chunk_id", "page", "tags", "kind", "language")
# Keys an index made before the slim payloads carries besides those: the passage text and what the
# catalog holds of the chunk and its document. Dropped from such an index when it is opened (migrate_slim).
FAT_KEYS = ("text", "path", "name", "seq", "start", "end", "speaker", "section", "title")


@dataclass(frozen=True)
class IndexPoint:
    id: str
    dense: list[float]
    sparse: tuple[list[int], list[float]]
    payload: dict[str, Any]


def record_point(p) -> IndexPoint:
    """An IndexPoint from a point scrolled with its vectors (either backend's record)."""
    vec = p.vector if isinstance(p.vector, dict) else {}
    sv = vec.get(SPARSE)
    sparse = (list(sv.indices), list(sv.values)) if sv is not None else ([], [])
    return IndexPoint(str(p.id), list(vec.get(DENSE) or []), sparse, dict(p.payload or {}))


@dataclass(frozen=True)
class Scored:
    id: str
    score: float
    payload: dict[str, Any]


Filters = dict[str, Any]  # field -> value | list of values (any) | ("range", lo, hi) | ("all", [condition, ...])


def conditions(filters: Filters | None):
    """(field, condition) pairs that must all hold: a field's ("all", [...]) gives one pair per condition, so
    that one field can carry two conditions (the user's tag filter and the tag a query names)."""
    for key, value in (filters or {}).items():
        if isinstance(value, tuple) and value and value[0] == "all":
            for v in value[1]:
                yield key, v
        else:
            yield key, value


def narrow(filters: Filters | None, key: str, value: Any) -> Filters:
    """`filters` with one more condition on `key` (AND): never replaces what is there."""
    out = dict(filters or {})
    if key not in out:
        out[key] = value
        return out
    prev = out[key]
    prev_list = list(prev[1]) if isinstance(prev, tuple) and prev and prev[0] == "all" else [prev]
    out[key] = ("all", prev_list + [value])
    return out


@dataclass(frozen=True)
class IndexOptions:
    """Collection settings shared by both backends. HNSW, quantization and on-disk apply when a
    collection (or Edge shard) is created; shards and replication only to a Qdrant server/cluster."""

    hnsw_m: int = 16
    hnsw_ef_construct: int = 100
    hnsw_ef: int = 128  # search-time candidate list (recall/latency trade-off)
    quantization: str | None = None  # None | "int8" (scalar quantization, rescored with the originals)
    on_disk: bool = False  # original vectors memory-mapped from disk instead of held in RAM
    shards: int = 1
    replication_factor: int = 1
    write_consistency: int = 1
    optimize_every: int = 50_000  # Edge: build HNSW after this many upserted points (no background optimiser)
    # Edge, a bulk load (benchmarks/bench_scale.py): write segments to disk every this many upserted points
    # instead of after each upsert (0: after each, the default), and build HNSW only when `optimize()` is
    # called. A flush rewrites the growing appendable segment (measured: ~1 s per 256-point upsert at 6k
    # points, growing with the segment), so a load that flushes per upsert grows quadratically. Until the
    # flush the points live in the write-ahead log: a crash loses nothing the WAL holds, but a bulk load
    # must call optimize() (and close) at its end.
    bulk_flush_every: int = 0

    def __post_init__(self):
        if self.quantization not in (None, "int8"):
            from dutytrace.errors import ConfigError

            raise ConfigError(f"DUTYTRACE_QDRANT_QUANTIZATION='{self.quantization}' is not supported; use int8 or "
                              "leave it unset")

    @classmethod
    def from_settings(cls, settings) -> "IndexOptions":
        keys = [f for f in cls.__dataclass_fields__ if hasattr(settings, f"qdrant_{f}")]
        return cls(**{k: getattr(settings, f"qdrant_{k}") for k in keys})


class VectorIndex(Protocol):
    def upsert(self, points: list[IndexPoint]) -> None: ...
    def delete(self, ids: list[str]) -> None: ...
    def set_payload(self, case_id: str, payload: dict[str, Any]) -> None: ...
    def query(self, mode: str, dense: list[float] | None, sparse: tuple[list[int], list[float]] | None,
              limit: int, filters: Filters | None = None, weights: tuple[float, float] = (1.0, 1.0),
              fields: tuple[str, ...] | None = None,
              min_score: float | None = None) -> list[Scored]: ...
    # fields: payload keys to return (None: all); min_score: only points scoring at least this (the index
    # drops the rest itself: a dense leg with a floor reads what passes it, not `limit` points)
    # many legs at once, each (mode, dense, sparse, limit, filters, fields): the answers of `query` of each
    def query_many(self, requests: list[tuple]) -> list[list[Scored]]: ...
    def facet(self, key: str, filters: Filters | None = None, limit: int = 50) -> list[tuple[Any, int]]: ...
    def count(self) -> int: ...
    def ids(self) -> set[str]: ...
    def scroll(self, batch: int = 256, with_vectors: bool = True): ...  # yields lists of IndexPoint
    def optimize(self) -> None: ...  # finish building indexes (Edge); a server does it in the background
    def close(self) -> None: ...


_bm25 = None


def bm25():
    global _bm25
    if _bm25 is None:
        import qdrant_edge as q

        _bm25 = q.Bm25(q.Bm25Config(tokenizer=q.TokenizerType.Multilingual, avg_len=120.0, lowercase=True))
    return _bm25


def sparse_document(text: str) -> tuple[list[int], list[float]]:
    """A chunk's BM25 vector (term frequencies), read in simplified script (dutytrace/script.py): a report
    typed in traditional characters shares its terms with the simplified ones and with queries."""
    v = bm25().embed_document(to_simplified(text))
    return list(v.indices), list(v.values)


def sparse_terms(text: str) -> set[int]:
    """The term ids a chunk's BM25 vector holds (what its document frequencies count)."""
    v = bm25().embed_document(to_simplified(text))
    return {int(i) for i, x in zip(v.indices, v.values) if x > 0}


def idf(chunks: int, df: int) -> float:
    """BM25 IDF as Qdrant's IDF modifier computes it: chunks = points with a non-empty BM25 vector,
    df = those holding the term."""
    return math.log(1.0 + (chunks - df + 0.5) / (df + 0.5))


TermWeights = Callable[[list[int]], list[float]]  # query term ids -> their weights (IDF over a visible set)


def sparse_query(text: str, weights: TermWeights | None = None) -> tuple[list[int], list[float]]:
    """A query's BM25 vector: its term ids, weighted by `weights` (the IDF over what the user may see;
    without it every term weighs 1, i.e. term-frequency ranking)."""
    v = bm25().embed_query(to_simplified(text))
    indices = [int(i) for i in v.indices]
    return indices, (list(weights(indices)) if weights is not None and indices else list(v.values))


def open_index(settings, dim: int, replace_outdated: bool = False) -> VectorIndex:
    """The configured index. An index of an older schema raises IndexOutdated, unless replace_outdated
    (reindex, which rebuilds it from the catalog; the embedded index is removed by reindex itself)."""
    options = IndexOptions.from_settings(settings)
    if settings.qdrant_url:
        from dutytrace.store.qdrant_client_index import ClientIndex

        return ClientIndex(settings.qdrant_url, settings.qdrant_api_key, settings.collection, dim, options,
                           replace_outdated=replace_outdated)
    from dutytrace.store.index_owner import SharedIndex

    # one process owns the shard; the others reach it through that process (store/index_owner.py)
    return SharedIndex(Path(settings.index_path), dim, options, Path(settings.home),
                       getattr(settings, "min_free_mb", 0))
