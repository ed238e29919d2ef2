"""The index stage of ingestion: embed catalogued chunks in one batch, upsert them, mark their
documents indexed; delete retired points (tombstones); push stale cases' payloads. Every step is
idempotent and recorded in the catalog, so a crash anywhere is finished by the next run."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable

from dutytrace.profile import index_payload, read_profiles
from dutytrace.store import embedder_record
from dutytrace.store.vectors import IndexPoint, sparse_document

UPSERT_SLICE = 256


def failpoint(name: str) -> None:
    """Crash tests: DUTYTRACE_FAILPOINT=name[:n] kills this process (SIGKILL) the n-th time it gets here."""
    spec = os.environ.get("DUTYTRACE_FAILPOINT")
    if not spec or spec.split(":")[0] != name:
        return
    hits = _HITS[name] = _HITS.get(name, 0) + 1
    if hits >= int(spec.split(":")[1] if ":" in spec else 1):
        os.kill(os.getpid(), signal.SIGKILL)


_HITS: dict[str, int] = {}


def chunk_payload(c: dict, doc: dict, case_payload: dict) -> dict:
    """A point's payload: ids, filter fields and the OCR flag only (the passage's text, file name, speaker
    and offsets stay in the catalog and are read by chunk id for what is shown: Catalog.passages)."""
    return {"case_id": c["case_id"], "doc_id": c["doc_id"], "chunk_id": c["chunk_id"], "kind": doc["kind"],
            "language": doc["language"], "page": c["page"], "ocr": bool(c["ocr"]), "tags": c["tags"], **case_payload}


def _codebook(writer):
    from dutytrace.nlp.codebook import load_codebook

    settings = getattr(writer, "settings", None)
    return load_codebook(getattr(settings, "codebook", None))


class IndexWriter:
    """Mixed into the Ingestor: needs self.catalog, index_fn, embedder_fn, files, upsert_slice, _journal."""

    def index_documents(self, doc_ids: list[str], vectors_for: Callable | None = None) -> set[str]:
        """Embed (one batch for all their chunks; `vectors_for(texts)` when given: the ingest's batcher)
        and upsert the chunks of catalogued documents; mark them indexed. Returns their cases."""
        cases: set[str] = set()
        profiles: dict[str, dict] = {}
        rows: list[tuple[dict, dict]] = []
        done: list[str] = []
        for doc_id in doc_ids:
            doc = self.catalog.document(doc_id)
            if doc is None:
                continue
            done.append(doc_id)
            cases.add(doc["case_id"])
            rows.extend((c, doc) for c in self.catalog.chunks(doc_id))
        if not done:
            return cases
        embedder = self.embedder_fn()
        vectors = (vectors_for or embedder.encode)([c["text"] for c, _ in rows]) if rows else []
        if rows and getattr(embedder, "ident", None):
            embedder_record.record(self.catalog, embedder.ident)  # which embedder built the index
        stored = read_profiles(self.catalog, sorted(cases), _codebook(self))  # built and kept where the case changed
        points: list[IndexPoint] = []
        for (c, doc), v in zip(rows, vectors):
            if doc["case_id"] not in profiles:
                profiles[doc["case_id"]] = index_payload(stored[doc["case_id"]])
            points.append(IndexPoint(c["chunk_id"], v.tolist(), sparse_document(c["text"]),
                                     chunk_payload(c, doc, profiles[doc["case_id"]])))
        for i in range(0, len(points), self.upsert_slice):
            self.index_fn().upsert(points[i:i + self.upsert_slice])
            failpoint("upsert_slice")
        failpoint("upserted")
        self.catalog.mark_indexed(done)
        if getattr(self, "run_id", None):
            self._journal.extend((doc_id, "indexed", None, doc_id) for doc_id in done)
        return cases

    def _flush_tombstones(self) -> None:
        stones = self.catalog.tombstones()
        if not stones:
            return
        ids = [c for c, _ in stones]
        live = self.catalog.live_chunk_ids(ids)
        self.index_fn().delete([c for c in ids if c not in live])
        failpoint("tombstones_deleted")
        for doc_id in {d for _, d in stones}:
            if self.catalog.document(doc_id) is None:
                self.files.delete(doc_id)
        self.catalog.clear_tombstones(ids)

    def _refresh_stale(self) -> None:
        stale = self.catalog.stale_cases()
        failpoint("before_refresh")
        self.refresh_cases(set(stale))
        self.catalog.clear_stale(stale)

    def refresh_cases(self, case_ids: set[str]) -> None:
        """Build and keep each case's profile, and push its case-level fields (tags, facts, metadata) to
        every point of the case."""
        codebook = _codebook(self)
        for case_id in sorted(case_ids):
            if self.catalog.documents(case_id):
                prof = read_profiles(self.catalog, [case_id], codebook)[case_id]
                self.index_fn().set_payload(case_id, index_payload(prof))
