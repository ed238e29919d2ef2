"""The embedded index: a Qdrant Edge shard in a folder. Only one process may open it: open it through
`open_index` (store/index_owner.py), which makes sure of that and shares it with the other processes."""

from __future__ import annotations

import gc
import uuid
from pathlib import Path
from typing import Any

from dutytrace.errors import IndexLocked, IndexOutdated
from dutytrace.store.vectors import (DENSE, FAT_KEYS, INTEGER_FIELDS, KEYWORD_FIELDS, PASSAGE_FIELDS, RRF_K, SPARSE,
                                     Filters, IndexOptions, IndexPoint, Scored, conditions, record_point)

_MISSING = None  # a field the point does not have (Qdrant drops null values from payloads)
CACHE_MAX = 2_000_000  # points whose passage fields the owner keeps (~0.3 KB each); past it, it starts again


def sparse_params(q):
    """The BM25 sparse vector: term-frequency values only, no IDF modifier (query weights carry the IDF
    over what the user may see; see store/vectors.py)."""
    return q.EdgeSparseVectorParams(modifier=getattr(q.Modifier, "None"))  # Modifier.None (a Python keyword)


def check_bm25_config(path: Path) -> None:
    """Refuse a shard whose BM25 vector has Qdrant's IDF modifier (made before BM25 statistics were
    computed per user): its scores would count restricted documents and weigh every term twice."""
    import json

    try:
        config = json.loads((Path(path) / "edge_config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # no readable config: the shard's own load reports what is wrong
    modifier = str(((config.get("sparse_vectors") or {}).get(SPARSE) or {}).get("modifier") or "none").lower()
    if modifier == "idf":
        raise IndexOutdated(
            f"the embedded index at {path} was built by an older Dutytrace whose BM25 statistics counted every "
            "case, restricted ones included. Run `dutytrace reindex` (an admin) to rebuild it from the catalog; "
            "nothing stored is lost.")


def _scored(p) -> Scored:
    """A point's id is its chunk id (index_stage.py): taken from the payload where it is there, which
    saves making a UUID object of every point a deep search leg returns."""
    payload = dict(p.payload or {})
    cid = payload.get("chunk_id")
    return Scored(cid if isinstance(cid, str) and cid else str(p.id), float(p.score), payload)


_FROZEN = False  # gc.freeze() done once in this process (see _freeze_once)


def _freeze_once() -> None:
    """After the cache's first large fill: what the process holds now (the cache, the models) is
    long-lived, and is moved out of the collector's full passes, which otherwise walk it again at every
    few thousand new objects (measured: a 200k-point search spent 0.5 s of its 1.1 s in such passes).
    Once per process, after a full collection: a frozen object is never collected again, so freezing on
    every large fill of a long-running UI server would keep whatever reference cycles were pending at
    each of them (a slow leak). Entries filled later need no freezing: a tuple of strings and numbers
    leaves the collector's tracking at the first pass it survives."""
    global _FROZEN
    if not _FROZEN:
        _FROZEN = True
        gc.collect()
        gc.freeze()


class EdgeIndex:
    def __init__(self, path: Path, dim: int, options: IndexOptions | None = None):
        import qdrant_edge as q

        self.q = q
        self.path = Path(path)
        self.options = o = options or IndexOptions()
        self._pending = 0  # points upserted since the last optimisation
        self._unflushed = 0  # points upserted since the last flush (a bulk load only)
        self._cache: dict = {}  # point id (as the shard gives it) -> (id text, its PASSAGE_FIELDS); see _fetch
        self._strings: dict[str, str] = {}  # one copy of each case id, document id, kind, language
        self._tag_sets: dict[tuple, tuple] = {}  # one copy of each passage's set of tags
        self.generation = 0  # bumped whenever the cache is emptied (a warm-up that sees it change starts again)
        quant = q.ScalarQuantizationConfig(type=q.ScalarType.Int8, quantile=0.99) if o.quantization == "int8" else None
        config = q.EdgeConfig(
            vectors={DENSE: q.EdgeVectorParams(size=dim, distance=q.Distance.Cosine,
                                               memory=q.Memory.Cold if o.on_disk else None)},
            sparse_vectors={SPARSE: sparse_params(q)},
            hnsw_config=q.HnswIndexConfig(m=o.hnsw_m, ef_construct=o.hnsw_ef_construct, full_scan_threshold=10000),
            quantization_config=quant,
        )
        qp = q.QuantizationSearchParams(rescore=True, oversampling=2.0) if o.quantization else None
        self._params = q.SearchParams(hnsw_ef=o.hnsw_ef, quantization=qp)
        fresh = not self.path.exists() or not any(self.path.iterdir())
        if not fresh:
            check_bm25_config(self.path)
        try:
            if fresh:
                self.path.mkdir(parents=True, exist_ok=True)
                self.shard = q.EdgeShard.create(str(self.path), config)
            else:
                self.shard = q.EdgeShard.load(str(self.path))
        except Exception as e:
            if "lock" in str(e).lower() or "wal" in str(e).lower() or "resource temporarily" in str(e).lower():
                raise IndexLocked(
                    f"the embedded index at {self.path} is in use by a process that did not take its owner lock "
                    "(an older Dutytrace, or another tool): stop it and try again.") from None
            raise
        # payload indexes for every filter field (also those added since the shard was created)
        have = set(self.shard.info().payload_schema or {})
        for fields, schema in ((KEYWORD_FIELDS, q.PayloadSchemaType.Keyword), (INTEGER_FIELDS, q.PayloadSchemaType.Integer)):
            for f in fields:
                if f not in have:
                    self.shard.update(q.UpdateOperation.create_field_index(f, schema))
        if not fresh:
            self.migrate_slim()

    def migrate_slim(self) -> bool:
        """An index made before slim payloads carries each passage's text (and file name, speaker,
        offsets) in its payload: those keys are dropped from every point, once, when it is opened (the
        catalog holds them all; nothing is lost). Returns whether anything was dropped."""
        q = self.q
        points, _ = self.shard.scroll(q.ScrollRequest(limit=1, with_payload=True))
        if not points or not any(k in (points[0].payload or {}) for k in FAT_KEYS):
            return False
        self.shard.update(q.UpdateOperation.delete_payload_by_filter(q.Filter(must=[]), list(FAT_KEYS)))
        self.shard.flush()
        self.shard.optimize()
        return True

    def _filter(self, filters: Filters | None):
        if not filters:
            return None
        q = self.q
        must = []
        for key, value in conditions(filters):
            if isinstance(value, tuple) and value and value[0] == "range":
                must.append(q.FieldCondition(key=key, range=q.RangeFloat(gte=value[1], lte=value[2])))
            elif isinstance(value, (list, set)):
                must.append(q.FieldCondition(key=key, match=q.MatchAny(list(value))))
            else:
                must.append(q.FieldCondition(key=key, match=q.MatchValue(value)))
        return q.Filter(must=must)

    def upsert(self, points: list[IndexPoint]) -> None:
        q = self.q
        for i in range(0, len(points), 256):
            batch = [q.Point(id=p.id, vector={DENSE: list(map(float, p.dense)),
                                              SPARSE: q.SparseVector(indices=p.sparse[0], values=p.sparse[1])},
                             payload=p.payload) for p in points[i:i + 256]]
            self.shard.update(q.UpdateOperation.upsert_points(batch))
        self._forget(p.id for p in points)
        self._pending += len(points)
        bulk = self.options.bulk_flush_every
        if bulk:  # a bulk load (IndexOptions.bulk_flush_every): flush now and then, HNSW when asked
            self._unflushed += len(points)
            if self._unflushed >= bulk:
                self.shard.flush()
                self._unflushed = 0
            return
        self.shard.flush()
        if self._pending >= self.options.optimize_every:
            self.optimize()

    def optimize(self) -> None:
        """Build the HNSW and payload indexes of what was appended (Edge runs no background optimiser);
        until then new points are searched by a full scan of their segment."""
        self.shard.flush()
        self._unflushed = 0
        self.shard.optimize()
        self._pending = 0

    def delete(self, ids: list[str]) -> None:
        if ids:
            self._forget(ids)
            self.shard.update(self.q.UpdateOperation.delete_points(list(ids)))
            self.shard.flush()

    def set_payload(self, case_id: str, payload: dict[str, Any]) -> None:
        if set(payload) & set(PASSAGE_FIELDS):  # (case payloads hold case-level fields only)
            self._clear_cache()
        self.shard.update(self.q.UpdateOperation.set_payload_by_filter(self._filter({"case_id": case_id}), payload))
        self.shard.flush()

    # -- the passage fields of every point read so far, kept by the owner ---------------------------
    # Reading a point's payload costs ~40-90 us here (measured on 20k points, 7 fields: 3,000 BM25 hits
    # took 12 ms as ids and scores, 270-390 ms with their fields), and a deep search leg reads thousands.
    # The fields of PASSAGE_FIELDS never change while the point is not written again (a chunk's case,
    # document, page, tags, kind and language), and every write of this shard goes through this object
    # (one process owns it: store/index_owner.py), so they are kept here, exactly: an upsert replaces a
    # point's entry, a delete drops it, a case's payload push that touched one of them empties the cache.
    # The cache is keyed by the id as the shard returns it, a UUID as its integer (making its text per
    # point, or comparing UUID objects in Python, costs more than the lookup), and holds (the id as
    # text, the fields).
    def _clear_cache(self) -> None:
        self._cache.clear()
        self.generation += 1

    def _fetch(self, keys: list) -> None:
        if len(self._cache) + len(keys) > CACHE_MAX:
            self._clear_cache()
        sel = self.q.PayloadSelector.Include(list(PASSAGE_FIELDS))
        for k in range(0, len(keys), 1000):
            for r in self.shard.retrieve(keys[k:k + 1000], sel, False):
                self._remember(r.id, r.payload or {})
        if len(keys) >= 1000:
            _freeze_once()

    def warm_page(self, offset=None, batch: int = 1000):
        """Read one page of points' passage fields into the cache, in the shard's order from `offset`:
        a long-running owner (the UI) warms its whole cache this way, page by page, so that no search
        pays for reading its passages' fields (store/index_owner.py, _Owner.warm). Points already kept
        are left as they are (what an upsert or delete did since is already in the cache). Returns the
        next page's offset, None at the end or when the cache has no room for the whole shard."""
        if len(self._cache) + batch > CACHE_MAX:
            return None
        q = self.q
        points, offset = self.shard.scroll(q.ScrollRequest(
            offset=offset, limit=batch, with_payload=q.PayloadSelector.Include(list(PASSAGE_FIELDS)),
            with_vector=False))
        cache, key = self._cache, self._key
        for r in points:
            if key(r.id) not in cache:
                self._remember(r.id, r.payload or {})
        if offset is None or not points:
            _freeze_once()
            return None
        return offset

    @staticmethod
    def _key(pid):
        return pid.int if isinstance(pid, uuid.UUID) else pid

    def _remember(self, key, payload: dict) -> None:
        """Keep a point's fields as one flat tuple (the id as text, then PASSAGE_FIELDS in order, _MISSING
        where the point has none): a tuple of strings and numbers is dropped from the garbage collector's
        tracking, so hundreds of thousands of them do not make every full collection walk them (kept as
        dicts they did: 110 us per hit made at 200k points). Strings and tag sets that repeat are kept once."""
        intern = self._strings.setdefault
        sid = str(key)
        out: list[object] = [sid]
        for k in PASSAGE_FIELDS:
            v = payload.get(k, _MISSING)
            if k == "chunk_id" and v == sid:
                v = sid
            elif k == "tags" and isinstance(v, list):
                v = tuple(v)
                v = self._tag_sets.setdefault(v, v)
            elif isinstance(v, str) and k != "chunk_id":
                v = intern(v, v)
            out.append(v)
        self._cache[self._key(key)] = tuple(out)

    def _forget(self, ids) -> None:
        for i in ids:
            self._cache.pop(i, None)
            try:
                self._cache.pop(uuid.UUID(str(i)).int, None)
            except ValueError:
                pass

    def query(self, mode, dense, sparse, limit, filters=None, weights=(1.0, 1.0), fields=None,
              min_score=None) -> list[Scored]:
        q = self.q
        flt = self._filter(filters)
        if fields and mode in ("dense", "lexical") and set(fields) <= set(PASSAGE_FIELDS):
            return self._query_cached(mode, dense, sparse, limit, flt, fields, min_score)
        with_payload = q.PayloadSelector.Include(list(fields)) if fields else True
        sv = q.SparseVector(indices=sparse[0], values=sparse[1]) if sparse else None
        if mode == "dense":
            req = q.QueryRequest(limit=limit, query=q.Query.Nearest(list(map(float, dense)), using=DENSE),
                                 filter=flt, with_payload=with_payload, params=self._params,
                                 score_threshold=min_score)
        elif mode == "lexical":
            if not sparse or not sparse[0]:
                return []
            req = q.QueryRequest(limit=limit, query=q.Query.Nearest(sv, using=SPARSE), filter=flt,
                                 with_payload=with_payload, score_threshold=min_score)
        else:
            prefetch = [q.Prefetch(limit=limit * 4, query=q.Query.Nearest(list(map(float, dense)), using=DENSE),
                                   filter=flt, params=self._params)]
            if sparse and sparse[0]:
                prefetch.append(q.Prefetch(limit=limit * 4, query=q.Query.Nearest(sv, using=SPARSE), filter=flt))
            w = list(weights[:len(prefetch)])
            req = q.QueryRequest(limit=limit, prefetches=prefetch, query=q.Fusion.Rrf(k=RRF_K, weights=w),
                                 filter=flt, with_payload=with_payload)
        return [_scored(p) for p in self.shard.query(req)]

    def _cached_request(self, mode, dense, sparse, limit, flt, min_score):
        """The shard request of one leg answered from the cache (ids and scores only); None when a
        lexical leg has no terms (it matches nothing)."""
        q = self.q
        if mode == "dense":
            nearest, params = q.Query.Nearest(list(map(float, dense)), using=DENSE), self._params
        else:
            if not sparse or not sparse[0]:
                return None
            nearest, params = q.Query.Nearest(q.SparseVector(indices=sparse[0], values=sparse[1]), using=SPARSE), None
        return q.QueryRequest(limit=limit, query=nearest, filter=flt, with_payload=False, params=params,
                              score_threshold=min_score)

    def _query_cached(self, mode, dense, sparse, limit, flt, fields, min_score) -> list[Scored]:
        """`query` of one leg whose asked fields are passage fields: ids and scores from the shard, the
        fields from the cache (read from the shard once per point)."""
        req = self._cached_request(mode, dense, sparse, limit, flt, min_score)
        if req is None:
            return []
        return self._with_fields([self.shard.query(req)], fields)[0]

    def query_many(self, requests: list[tuple]) -> list[list[Scored]]:
        """`query` of many legs at once, each (mode, dense, sparse, limit, filters, fields): those whose
        fields are passage fields go to the shard as one batch (one planned pass, `query_batch`) and
        have the points the cache lacks read in one fetch; the others one by one. The same answers as
        `query` of each."""
        out: list[list[Scored] | None] = [None] * len(requests)
        batch, where = [], []
        for i, (mode, dense, sparse, limit, filters, fields) in enumerate(requests):
            if fields and mode in ("dense", "lexical") and set(fields) <= set(PASSAGE_FIELDS):
                req = self._cached_request(mode, dense, sparse, limit, self._filter(filters), None)
                if req is None:
                    out[i] = []
                else:
                    batch.append(req)
                    where.append(i)
            else:
                out[i] = self.query(mode, dense, sparse, limit, filters, fields=fields)
        if batch:
            got = self.shard.query_batch(self.q.QueryBatchRequest(queries=batch))
            for i, scored in zip(where, self._with_fields(got, None, [requests[i][5] for i in where])):
                out[i] = scored
        return out  # type: ignore[return-value]

    def _with_fields(self, results: list, fields, per_result: list | None = None) -> list[list[Scored]]:
        """Shard results (ids and scores) with the asked passage fields of each point from the cache, the
        points it lacks read first, all in one fetch."""
        cache, key = self._cache, self._key
        missing = {}
        keyed = []
        for got in results:
            keys = [key(p.id) for p in got]
            keyed.append(keys)
            for p, k in zip(got, keys):
                if k not in cache:
                    missing[k] = p.id
        if missing:
            self._fetch(list(missing.values()))
        return [self._rows(got, keys, per_result[n] if per_result is not None else fields)
                for n, (got, keys) in enumerate(zip(results, keyed))]

    def _rows(self, got, keys, fields) -> list[Scored]:
        cache = self._cache
        at = [(f, PASSAGE_FIELDS.index(f) + 1) for f in fields]
        out = []
        for p, k in zip(got, keys):
            row = cache.get(k)
            if row is None:
                out.append(Scored(str(p.id), float(p.score), {}))
                continue
            out.append(Scored(row[0], float(p.score), {f: row[i] for f, i in at if row[i] is not _MISSING}))
        return out

    def facet(self, key, filters=None, limit=50):
        resp = self.shard.facet(self.q.FacetRequest(key=key, limit=limit, filter=self._filter(filters), exact=True))
        return [(h.value, h.count) for h in resp.hits]

    def count(self) -> int:
        return self.shard.count(self.q.CountRequest(exact=True))

    def ids(self) -> set[str]:
        out: set[str] = set()
        offset = None
        while True:
            res = self.shard.scroll(self.q.ScrollRequest(offset=offset, limit=1000, with_payload=False))
            points, offset = res if isinstance(res, tuple) else (res, None)
            out.update(str(p.id) for p in points)
            if offset is None or not points:
                return out

    def scroll_page(self, offset=None, batch: int = 256, with_vectors: bool = True):
        """One page of points with their vectors and payload, and the offset of the next (None at the end)."""
        points, offset = self.shard.scroll(self.q.ScrollRequest(offset=offset, limit=batch, with_payload=True,
                                                                with_vector=with_vectors))
        return [record_point(p) for p in points], offset

    def scroll(self, batch: int = 256, with_vectors: bool = True):
        """Every point with its vectors and payload, in batches (for migration to a server)."""
        offset = None
        while True:
            points, offset = self.scroll_page(offset, batch, with_vectors)
            if points:
                yield points
            if offset is None or not points:
                return

    def close(self) -> None:
        try:
            self.shard.flush()
            self.shard.close()
        except Exception:
            pass
