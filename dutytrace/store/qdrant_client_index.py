"""The scale-out index: qdrant-client against a Qdrant server or cluster, or its `:memory:` mode
(which speaks the same API and serves the tests of this code path)."""

from __future__ import annotations

from typing import Any

from dutytrace.errors import IndexOutdated
from dutytrace.store.vectors import (DENSE, FAT_KEYS, INTEGER_FIELDS, KEYWORD_FIELDS, RRF_K, SPARSE, Filters,
                                     IndexOptions, IndexPoint, Scored, conditions, record_point)


class ClientIndex:
    def __init__(self, url: str, api_key: str | None, collection: str, dim: int, options: IndexOptions | None = None,
                 replace_outdated: bool = False):
        from qdrant_client import QdrantClient, models

        self.m = models
        self.collection = collection
        self.options = o = options or IndexOptions()
        if url == ":memory:":
            self.client = QdrantClient(location=":memory:")
        elif url.startswith("local:"):  # local:FOLDER: qdrant-client's local mode (tests, benchmarks)
            self.client = QdrantClient(path=url[len("local:"):])
        else:
            self.client = QdrantClient(url=url, api_key=api_key, timeout=60)
        qp = models.QuantizationSearchParams(rescore=True, oversampling=2.0) if o.quantization else None
        self._params = models.SearchParams(hnsw_ef=o.hnsw_ef, quantization=qp)
        if self.client.collection_exists(collection) and self._bm25_outdated():
            if not replace_outdated:
                raise IndexOutdated(
                    f"the collection '{collection}' was built by an older Dutytrace whose BM25 statistics counted "
                    "every case, restricted ones included. Run `dutytrace reindex` (an admin) to rebuild it from the "
                    "catalog; nothing stored is lost.")
            self.client.delete_collection(collection)  # reindex: rebuilt from the catalog right after
        if not self.client.collection_exists(collection):
            quant = models.ScalarQuantization(scalar=models.ScalarQuantizationConfig(
                type=models.ScalarType.INT8, quantile=0.99, always_ram=True)) if o.quantization == "int8" else None
            self.client.create_collection(
                collection,
                vectors_config={DENSE: models.VectorParams(size=dim, distance=models.Distance.COSINE,
                                                           on_disk=o.on_disk or None)},
                # term-frequency values only: the query carries the IDF over what the user may see (vectors.py)
                sparse_vectors_config={SPARSE: models.SparseVectorParams(modifier=models.Modifier.NONE)},
                shard_number=o.shards, replication_factor=o.replication_factor,
                write_consistency_factor=o.write_consistency,
                hnsw_config=models.HnswConfigDiff(m=o.hnsw_m, ef_construct=o.hnsw_ef_construct),
                quantization_config=quant,
            )
            for f in KEYWORD_FIELDS:
                self.client.create_payload_index(collection, f, models.PayloadSchemaType.KEYWORD)
            for f in INTEGER_FIELDS:
                self.client.create_payload_index(collection, f, models.PayloadSchemaType.INTEGER)
        else:
            self.migrate_slim()

    def migrate_slim(self) -> bool:
        """Drop the passage text (and file name, speaker, offsets) from the payloads of a collection made
        before slim payloads (the catalog holds them). Returns whether anything was dropped."""
        points, _ = self.client.scroll(self.collection, limit=1, with_payload=True)
        if not points or not any(k in (points[0].payload or {}) for k in FAT_KEYS):
            return False
        self.client.delete_payload(self.collection, keys=list(FAT_KEYS),
                                   points=self.m.FilterSelector(filter=self.m.Filter(must=[])))
        return True

    def _bm25_outdated(self) -> bool:
        """A collection whose BM25 vector has Qdrant's IDF modifier (collection-wide statistics)."""
        sparse = self.client.get_collection(self.collection).config.params.sparse_vectors or {}
        params = sparse.get(SPARSE)
        return params is not None and params.modifier == self.m.Modifier.IDF

    def _filter(self, filters: Filters | None):
        if not filters:
            return None
        m = self.m
        must = []
        for key, value in conditions(filters):
            if isinstance(value, tuple) and value and value[0] == "range":
                must.append(m.FieldCondition(key=key, range=m.Range(gte=value[1], lte=value[2])))
            elif isinstance(value, (list, set)):
                must.append(m.FieldCondition(key=key, match=m.MatchAny(any=list(value))))
            else:
                must.append(m.FieldCondition(key=key, match=m.MatchValue(value=value)))
        return m.Filter(must=must)

    def upsert(self, points: list[IndexPoint]) -> None:
        m = self.m
        for i in range(0, len(points), 256):
            self.client.upsert(self.collection, [
                m.PointStruct(id=p.id, payload=p.payload, vector={
                    DENSE: list(map(float, p.dense)),
                    SPARSE: m.SparseVector(indices=p.sparse[0], values=p.sparse[1])})
                for p in points[i:i + 256]])

    def delete(self, ids: list[str]) -> None:
        if ids:
            self.client.delete(self.collection, points_selector=self.m.PointIdsList(points=list(ids)))

    def set_payload(self, case_id: str, payload: dict[str, Any]) -> None:
        self.client.set_payload(self.collection, payload=payload,
                                points=self.m.FilterSelector(filter=self._filter({"case_id": case_id})))

    def query_many(self, requests: list[tuple]) -> list[list[Scored]]:
        """`query` of each (mode, dense, sparse, limit, filters, fields), in order (the VectorIndex seam)."""
        return [self.query(mode, dense, sparse, limit, filters, fields=fields)
                for mode, dense, sparse, limit, filters, fields in requests]

    def query(self, mode, dense, sparse, limit, filters=None, weights=(1.0, 1.0), fields=None,
              min_score=None) -> list[Scored]:
        m = self.m
        flt = self._filter(filters)
        with_payload = list(fields) if fields else True
        sv = m.SparseVector(indices=sparse[0], values=sparse[1]) if sparse else None
        if mode == "dense":
            res = self.client.query_points(self.collection, query=list(map(float, dense)), using=DENSE,
                                           query_filter=flt, limit=limit, with_payload=with_payload,
                                           search_params=self._params, score_threshold=min_score)
        elif mode == "lexical":
            if not sparse or not sparse[0]:
                return []
            res = self.client.query_points(self.collection, query=sv, using=SPARSE, query_filter=flt, limit=limit,
                                           with_payload=with_payload, score_threshold=min_score)
        else:
            prefetch = [m.Prefetch(query=list(map(float, dense)), using=DENSE, limit=limit * 4, filter=flt,
                                   params=self._params)]
            if sparse and sparse[0]:
                prefetch.append(m.Prefetch(query=sv, using=SPARSE, limit=limit * 4, filter=flt))
            res = self.client.query_points(
                self.collection, prefetch=prefetch,
                query=m.RrfQuery(rrf=m.Rrf(k=RRF_K, weights=list(weights[:len(prefetch)]))),
                query_filter=flt, limit=limit, with_payload=with_payload)
        return [Scored(str(p.id), float(p.score), dict(p.payload or {})) for p in res.points]

    def facet(self, key, filters=None, limit=50):
        try:
            resp = self.client.facet(self.collection, key, facet_filter=self._filter(filters), limit=limit, exact=True)
            return [(h.value, h.count) for h in resp.hits]
        except Exception:
            # local mode has no facet API: count over a scroll of the matching points
            from collections import Counter

            counts: Counter = Counter()
            offset = None
            while True:
                points, offset = self.client.scroll(self.collection, scroll_filter=self._filter(filters), limit=1000,
                                                    offset=offset, with_payload=[key])
                for p in points:
                    v = (p.payload or {}).get(key)
                    for x in (v if isinstance(v, list) else [v]):
                        if x is not None:
                            counts[x] += 1
                if offset is None:
                    break
            return counts.most_common(limit)

    def count(self) -> int:
        return self.client.count(self.collection, exact=True).count

    def ids(self) -> set[str]:
        out: set[str] = set()
        offset = None
        while True:
            points, offset = self.client.scroll(self.collection, limit=1000, offset=offset, with_payload=False)
            out.update(str(p.id) for p in points)
            if offset is None:
                return out

    def scroll(self, batch: int = 256, with_vectors: bool = True):
        offset = None
        while True:
            points, offset = self.client.scroll(self.collection, limit=batch, offset=offset, with_payload=True,
                                                with_vectors=with_vectors)
            if points:
                yield [record_point(p) for p in points]
            if offset is None or not points:
                return

    def optimize(self) -> None:
        """A server builds its indexes in the background; nothing to do."""

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:
            pass
