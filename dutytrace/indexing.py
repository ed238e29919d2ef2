"""Ingestion: sources -> Documents -> Chunks -> analysis -> catalog -> embeddings -> index.

Order of writes makes a batch safe to interrupt and re-run: a document is parsed and analysed fully
before anything is written; the catalog stores it (one transaction) marked not-yet-indexed; its
points are upserted (ids derived from content, so a repeat overwrites rather than duplicates); only
then is it marked indexed. A re-run skips indexed documents and finishes the rest from the catalog."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from dutytrace.config import Settings
from dutytrace.errors import UnreadableDocument
from dutytrace.ingest.chunk import chunk_document
from dutytrace.ingest.reader import read_document
from dutytrace.ingest.sources import Source, SourceError, iter_sources
from dutytrace.models import Analysis, Chunk, Document
from dutytrace.nlp.analyze import analyze
from dutytrace.nlp.codebook import load_codebook
from dutytrace.profile import case_profile, index_payload
from dutytrace.store.files import FileStore
from dutytrace.store.vectors import IndexPoint, sparse_document

EMBED_BATCH_CHUNKS = 256


@dataclass
class IngestReport:
    ingested: int = 0
    unchanged: int = 0
    replaced: int = 0
    failed: list[dict] = field(default_factory=list)
    cases: int = 0
    chunks: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {"ingested": self.ingested, "unchanged": self.unchanged, "replaced": self.replaced,
                "failed": self.failed, "cases": self.cases, "chunks": self.chunks, "seconds": round(self.seconds, 2)}


def max_chars(settings: Settings, lang: str) -> int:
    return settings.chunk_chars_zh if lang == "zh" else settings.chunk_chars_en


def prepare(data: bytes, path: str, case_id: str, name: str, settings: Settings) -> tuple[Document, list[Chunk], Analysis]:
    """Parse, chunk and analyse one file. Pure: writes nothing. Raises UnreadableDocument."""
    doc = read_document(data, path, case_id, name)
    chunks = chunk_document(doc, max_chars(settings, doc.language))
    if not chunks:
        raise UnreadableDocument(path, "no text to index after parsing")
    analysis = analyze(doc, chunks, load_codebook(settings.codebook), settings.spacy_en)
    return doc, chunks, analysis


def _prepare_safe(args):
    data, path, case_id, name, settings = args
    try:
        return prepare(data, path, case_id, name, settings)
    except UnreadableDocument as e:
        return e
    except Exception as e:  # a parser bug must not abort the batch
        return UnreadableDocument(path, f"could not be processed ({type(e).__name__}: {str(e)[:160]})")


def chunk_payload(c: dict, doc: dict, case_fields: dict) -> dict:
    return {"case_id": c["case_id"], "doc_id": c["doc_id"], "chunk_id": c["chunk_id"], "seq": c["seq"],
            "path": doc["path"], "name": doc["name"], "kind": doc["kind"], "language": doc["language"],
            "page": c["page"], "start": c["start"], "end": c["end"], "speaker": c["speaker"],
            "section": c["section"], "ocr": bool(c["ocr"]), "text": c["text"], "tags": c["tags"], **case_fields}


class Ingestor:
    def __init__(self, settings: Settings, catalog, index_fn: Callable, embedder_fn: Callable):
        self.settings = settings
        self.catalog = catalog
        self.index_fn = index_fn
        self.embedder_fn = embedder_fn
        self.files = FileStore(settings.home / "files")

    def run(self, paths: list[Path], workers: int = 1, progress: Callable[[str, dict], None] | None = None) -> IngestReport:
        t0 = time.time()
        report = IngestReport()
        run_id = uuid.uuid4().hex[:12]
        touched: set[str] = set()
        todo: list[tuple] = []
        progress = progress or (lambda event, info: None)
        for item in iter_sources(paths):
            if isinstance(item, SourceError):
                report.failed.append({"path": item.path, "error": item.error})
                self.catalog.journal(run_id, item.path, "failed", item.error)
            elif isinstance(item, tuple):
                _, case_id, data = item
                try:
                    meta = yaml.safe_load(data.decode("utf-8")) if data.strip()[:1] != b"{" else json.loads(data)
                    if not isinstance(meta, dict):
                        raise ValueError("not a mapping")
                    self.catalog.set_case_meta(case_id, meta)
                    touched.add(case_id)
                except Exception as e:
                    report.failed.append({"path": f"{case_id}/case metadata", "error": f"invalid case metadata ({e})"})
            else:
                todo.append(item)
        progress("start", {"files": len(todo)})
        pending_docs: list[str] = [d for d in self.catalog.unindexed()]  # left over from an interrupted run
        window = max(1, workers) * 4
        # spawn, not fork: the parent may already hold torch's thread pools, which do not survive a fork
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) \
            if workers > 1 else None
        try:
            for i in range(0, len(todo), window):
                batch = todo[i:i + window]
                fresh = []
                for src in batch:
                    doc_id = hashlib.sha256(src.data).hexdigest()
                    known = self.catalog.document(doc_id)
                    if known is not None:
                        report.unchanged += 1
                        self.catalog.journal(run_id, src.path, "unchanged", doc_id=doc_id)
                        progress("file", {"path": src.path, "status": "unchanged"})
                        continue
                    fresh.append(src)
                args = [(s.data, s.path, s.case_id, s.name, self.settings) for s in fresh]
                results = pool.map(_prepare_safe, args) if pool else map(_prepare_safe, args)
                for src, res in zip(fresh, results):
                    if isinstance(res, UnreadableDocument):
                        report.failed.append({"path": src.path, "error": res.reason})
                        self.catalog.journal(run_id, src.path, "failed", res.reason)
                        progress("file", {"path": src.path, "status": "failed", "error": res.reason})
                        continue
                    doc, chunks, analysis = res
                    old = self.catalog.document_at(doc.case_id, doc.path)
                    if old is not None:  # a changed file replaces its old version
                        self.index_fn().delete(self.catalog.delete_document(old["doc_id"]))
                        self.files.delete(old["doc_id"])
                        report.replaced += 1
                    self.files.put(doc.doc_id, src.data)
                    self.catalog.put_document(doc, chunks, analysis)
                    self.catalog.journal(run_id, src.path, "stored", doc_id=doc.doc_id)
                    pending_docs.append(doc.doc_id)
                    touched.add(doc.case_id)
                    report.ingested += 1
                    report.chunks += len(chunks)
                    progress("file", {"path": src.path, "status": "ingested", "chunks": len(chunks)})
                if self.catalog.chunk_count_of(pending_docs) >= EMBED_BATCH_CHUNKS:
                    touched |= self.index_documents(pending_docs)
                    pending_docs = []
            touched |= self.index_documents(pending_docs)
        finally:
            if pool:
                pool.shutdown()
        self.refresh_cases(touched)
        report.cases = len(touched)
        report.seconds = time.time() - t0
        progress("done", report.to_json())
        return report

    def index_documents(self, doc_ids: list[str]) -> set[str]:
        """Embed and upsert the chunks of catalogued documents; mark them indexed."""
        if not doc_ids:
            return set()
        cases: set[str] = set()
        profiles: dict[str, dict] = {}
        points: list[IndexPoint] = []
        for doc_id in doc_ids:
            doc = self.catalog.document(doc_id)
            if doc is None:
                continue
            cases.add(doc["case_id"])
            if doc["case_id"] not in profiles:
                profiles[doc["case_id"]] = index_payload(case_profile(self.catalog, doc["case_id"]))
            chunks = self.catalog.chunks(doc_id)
            if not chunks:
                continue
            vectors = self.embedder_fn().encode([c["text"] for c in chunks])
            for c, v in zip(chunks, vectors):
                points.append(IndexPoint(c["chunk_id"], v.tolist(), sparse_document(c["text"]),
                                         chunk_payload(c, doc, profiles[doc["case_id"]])))
        self.index_fn().upsert(points)
        self.catalog.mark_indexed(doc_ids)
        return cases

    def refresh_cases(self, case_ids: set[str]) -> None:
        """Push case-level fields (tags, facts, metadata) to every point of each case."""
        for case_id in sorted(case_ids):
            if self.catalog.documents(case_id):
                self.index_fn().set_payload(case_id, index_payload(case_profile(self.catalog, case_id)))
