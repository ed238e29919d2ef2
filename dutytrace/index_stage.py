"""The index stage of ingestion: embed catalogued chunks in one batch, upsert them, mark their
documents indexed; delete retired points (tombstones); push stale cases' payloads. Every step is
idempotent and recorded in the catalog, so a crash anywhere is finished by the next run."""

from __future__ import annotations

import os
import signal

from dutytrace.profile import case_profile, index_payload
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


def chunk_payload(c: dict, doc: dict, case_fields: dict) -> dict:
    return {"case_id": c["case_id"], "doc_id": c["doc_id"], "chunk_id": c["chunk_id"], "seq": c["seq"],
            "path": doc["path"], "name": doc["name"], "kind": doc["kind"], "language": doc["language"],
            "page": c["page"], "start": c["start"], "end": c["end"], "speaker": c["speaker"],
            "section": c["section"], "ocr": bool(c["ocr"]), "text": c["text"], "tags": c["tags"], **case_fields}


class IndexWriter:
    """Mixed into the Ingestor: needs self.catalog, index_fn, embedder_fn, files, upsert_slice, _journal."""

    def index_documents(self, doc_ids: list[str]) -> set[str]:
        """Embed (one batch for all their chunks) and upsert the chunks of catalogued documents; mark
        them indexed. Returns their cases."""
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
        vectors = self.embedder_fn().encode([c["text"] for c, _ in rows]) if rows else []
        points: list[IndexPoint] = []
        for (c, doc), v in zip(rows, vectors):
            if doc["case_id"] not in profiles:
                profiles[doc["case_id"]] = index_payload(case_profile(self.catalog, doc["case_id"]))
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
        """Push case-level fields (tags, facts, metadata) to every point of each case."""
        for case_id in sorted(case_ids):
            if self.catalog.documents(case_id):
                self.index_fn().set_payload(case_id, index_payload(case_profile(self.catalog, case_id)))
