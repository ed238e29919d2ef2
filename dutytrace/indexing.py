"""Ingestion: sources -> Documents -> Chunks -> analysis -> catalog -> embeddings -> index, streamed.

Sources are walked lazily; parsing, OCR and NLP run in worker processes with a bounded number of
files in flight; embedding and every write happen in this process, in large batches.

Crash safety (kill -9 at any moment, then the same command again). The catalog is the record:
- a document is stored with its pages, chunks and analysis in one transaction, marked not indexed;
  a changed file's old version is retired in that same transaction (its chunk ids become tombstones),
  so a crash leaves the old version or the new one, never neither, and never both in the catalog;
- points are upserted with ids derived from content, so a repeated upsert overwrites;
- only after the upsert is the document marked indexed; a crash mid-upsert leaves it unindexed;
- tombstoned ids are deleted from the index (skipping ids a live chunk has again), then cleared;
- every case touched is marked stale in the catalog; its case-level payload is pushed last.
Each run begins by finishing that state (tombstones, unindexed documents, stale cases)."""

from __future__ import annotations

import os
import time
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from dutytrace.config import Settings
from dutytrace.index_stage import UPSERT_SLICE, IndexWriter
from dutytrace.index_stage import failpoint as _failpoint
from dutytrace.errors import UnreadableDocument
from dutytrace.identity import content_hash
from dutytrace.ingest.case_meta import MAX_BYTES as META_MAX_BYTES
from dutytrace.ingest.case_meta import CaseGate, OpenGate
from dutytrace.ingest.chunk import chunk_document
from dutytrace.ingest.budget import NLP_LIMIT_IS, nlp_seconds
from dutytrace.ingest.limits import time_limit
from dutytrace.ingest.names import display_path
from dutytrace.ingest.reader import read_document
from dutytrace.ingest.report import IngestReport
from dutytrace.ingest.sources import (CASE_META_FILES, Source, SourceError, SourceSkipped, count_files,
                                      iter_sources)
from dutytrace.ingest.embed_batcher import EmbedBatcher, InFlight
from dutytrace.ingest.worker import new_pool
from dutytrace.models import Analysis, Chunk, Document
from dutytrace.nlp.analyze import analyze
from dutytrace.nlp.codebook import load_codebook
from dutytrace.store.files import FileStore

__all__ = ["Ingestor", "IngestReport", "prepare", "default_workers"]

EMBED_BATCH_CHUNKS = 512  # chunks embedded and upserted together
JOURNAL_FLUSH_ROWS = 200


def default_workers() -> int:
    """Parsing/NLP processes by default: one per core but one, which embeds (this process). On two
    cores that is 1: parsing in this process, as a second worker (~570 MB: spaCy, torch and the
    tagger's MiniLM) would take the run past 2 GB for no gain on a machine already busy embedding."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, cores - 1)


def max_chars(settings: Settings, lang: str) -> int:
    return settings.chunk_chars_zh if lang == "zh" else settings.chunk_chars_en


def prepare(data: bytes, path: str, case_id: str, name: str, settings: Settings,
            measures: bool = True, on_chunks=None) -> tuple[Document, list[Chunk], Analysis]:
    """Parse, chunk and analyse one file (its measures only with `measures`: analyze); `on_chunks(doc,
    chunks)` is called between chunking and the analysis (similar starts embedding the passages there,
    on a thread of its own, while the analysis runs). Pure: writes nothing. Raises UnreadableDocument.
    Parsing has
    the parse time limit (OCR pages their own), chunking and NLP one that grows with the text
    (budget.nlp_seconds); the size budgets are ingest/budget.py's."""
    doc = read_document(data, path, case_id, name, settings.parse_timeout_s)
    with time_limit(nlp_seconds(settings.parse_timeout_s, len(doc.text)), path, "chunk and analyse", NLP_LIMIT_IS):
        chunks = chunk_document(doc, max_chars(settings, doc.language))
        if not chunks:
            raise UnreadableDocument(path, "no text to index after parsing")
        if on_chunks is not None:
            on_chunks(doc, chunks)
        analysis = analyze(doc, chunks, load_codebook(settings.codebook), settings.spacy_en, settings.tagger, measures)
    return doc, chunks, analysis


@dataclass(frozen=True)
class Failed:
    """Why a file could not be prepared (a plain value: it crosses the process boundary by pickling)."""

    path: str
    reason: str


def _prepare_safe(args):
    data, path, case_id, name, settings = args
    try:
        return prepare(data, path, case_id, name, settings)
    except UnreadableDocument as e:
        return Failed(path, e.reason)
    except Exception as e:  # a parser bug must not abort the batch
        return Failed(path, f"could not be processed ({type(e).__name__}: {str(e)[:160]})")


class _Job:
    """A file in flight: its bytes (kept to store the original once parsed) and its parse result."""

    def __init__(self, src: Source, data: bytes, future=None, result=None, pool=None):
        self.src, self.data, self.future, self.result, self.pool = src, data, future, result, pool


class Ingestor(IndexWriter):
    def __init__(self, settings: Settings, catalog, index_fn: Callable, embedder_fn: Callable):
        self.settings = settings
        self.catalog = catalog
        self.index_fn = index_fn
        self.embedder_fn = embedder_fn
        self.files = FileStore(settings.home / "files")
        self._journal: list[tuple] = []
        self._pool: ProcessPoolExecutor | None = None
        self._batcher: EmbedBatcher | None = None  # embeds a batch while the next files are parsed
        self._inflight: InFlight | None = None
        # chunks per embedding batch (DUTYTRACE_EMBED_BATCH_CHUNKS: a tuning knob; small in crash tests);
        # every batch is upserted in at least two slices
        self.batch_chunks = max(1, int(os.environ.get("DUTYTRACE_EMBED_BATCH_CHUNKS") or EMBED_BATCH_CHUNKS))
        self.upsert_slice = min(UPSERT_SLICE, max(1, self.batch_chunks // 2))

    # -- the run ----------------------------------------------------------------------------------
    def run(self, paths: list[Path], workers: int = 1, progress: Callable[[str, dict], None] | None = None,
            report_dir: Path | None = None, gate: CaseGate | None = None) -> IngestReport:
        """Ingest paths. workers=1 parses in this process; more start that many worker processes.
        `gate` (ingest/case_meta.py) says which cases this run may write — the service passes the
        user's; without one every case may be written. Files of a refused case are reported with the
        gate's reason (`denied`, `case_meta`) and never read; the rest of the batch goes on."""
        report = IngestReport(run_id=uuid.uuid4().hex[:12])
        self.gate = gate or OpenGate(self.catalog)
        self.report, self.progress = report, progress or (lambda event, info: None)
        self.run_id = report.run_id
        self.catalog.start_run(self.run_id, {"paths": [display_path(p) for p in paths], "workers": workers})
        self.progress("start", {"files": count_files(paths), "run_id": self.run_id})
        self.touched: set[str] = set()
        self.pending: list[str] = []
        self.pending_chunks = 0
        max_bytes = self.settings.max_file_mb * 2**20
        window = max(4, workers * 8)
        inflight: deque[_Job] = deque()
        status = "interrupted"
        try:
            self.recover()
            if workers > 1:
                self._pool = new_pool(workers)
            self._case_metas_first(paths)
            for item in iter_sources(paths, max_bytes):
                if isinstance(item, SourceSkipped):  # hidden or reached twice: a report line, not a failure
                    self.report.skip(item.path, item.reason)
                    self.progress("file", {"path": item.path, "status": "skipped", "reason": item.reason,
                                           **self._counts()})
                elif isinstance(item, SourceError):
                    self._failed(item.path, item.error)
                elif isinstance(item, tuple):
                    self._case_meta(item[1], item[2])
                elif (refused := self.gate.check(item.case_id)) is not None:
                    self._failed(item.path, refused[1], reason=refused[0])
                else:
                    job = self._submit(item)
                    if job is not None:
                        inflight.append(job)
                    while len(inflight) >= window or (inflight and inflight[0].future is None):
                        self._collect(inflight.popleft())
            while inflight:
                self._collect(inflight.popleft())
            self._index_pending(wait=True)
            self._flush_tombstones()
            self._refresh_stale()
            status = "done"
        finally:
            for job in inflight:
                if job.future is not None:
                    job.future.cancel()
            if self._pool is not None:
                self._pool.shutdown(cancel_futures=True)
                self._pool = None
            if self._batcher is not None:  # a batch not written is left unindexed: the next run embeds it
                self._batcher.close()
                self._batcher, self._inflight = None, None
            self._flush_journal()
            report.cases = len(self.touched)
            report.seconds = time.time() - report.started
            self._write_report(report, report_dir or self.settings.home / "reports", failing=status != "done")
            self.catalog.finish_run(self.run_id, status, {k: v for k, v in report.to_json().items() if k != "failed"})
        self.progress("done", report.to_json())
        return report

    def _write_report(self, report: IngestReport, folder: Path, failing: bool) -> None:
        """Write the run's report file. On a full or read-only disk: while the run is already failing, its
        own error goes on out and the report stays unwritten (it would hide that error); after a run that
        finished, the clear message naming the home (store/disk.py), never a traceback."""
        try:
            report.write(folder)
        except OSError as e:
            from dutytrace.store.disk import not_writable, storage_error

            report.report_file = None
            if not failing:
                raise storage_error(e, self.settings.home) or not_writable(self.settings.home, str(e)) from None

    def recover(self) -> None:
        """Finish what an interrupted run left: retired points, unindexed documents, stale cases."""
        self._flush_tombstones()
        left = self.catalog.unindexed()
        self.report.resumed_documents = len(left)
        for doc_id in left:
            self.pending.append(doc_id)
            self.pending_chunks += self.catalog.chunk_count_of([doc_id])
            if self.pending_chunks >= self.batch_chunks:
                self._index_pending()
        self._index_pending(wait=True)
        self._refresh_stale()

    # -- one file ---------------------------------------------------------------------------------
    def _submit(self, src: Source) -> _Job | None:
        if src.stamp is not None:
            known = self.catalog.file_stamp(src.path)
            seen = self.catalog.document(known[2]) if known and known[:2] == src.stamp else None
            if seen is not None and seen["case_id"] == src.case_id:  # "unchanged" only within its case
                self._unchanged(src.path, known[2])
                return None
        try:
            data = src.read()
        except OSError as e:
            self._failed(src.path, f"cannot read file ({e.strerror or e})")
            return None
        same = self.catalog.document_with(src.case_id, content_hash(data))  # this case only: no oracle
        if same is not None:
            self._unchanged(src.path, same["doc_id"], src.stamp)
            return None
        args = (data, src.path, src.case_id, src.name, self.settings)
        if self._pool is None:
            return _Job(src, data, result=_prepare_safe(args))
        return _Job(src, data, future=self._pool.submit(_prepare_safe, args), pool=self._pool)

    def _collect(self, job: _Job) -> None:
        res = job.result if job.future is None else self._result(job)
        src = job.src
        if isinstance(res, Failed):
            self._failed(src.path, res.reason)
            return
        doc, chunks, analysis = res
        content = content_hash(job.data)
        same = self.catalog.document_with(doc.case_id, content)
        if same is not None:  # the same bytes twice in this case in this run
            self._unchanged(src.path, same["doc_id"], src.stamp)
            return
        old = self.catalog.document_at(doc.case_id, doc.path)
        self.files.put(doc.doc_id, job.data)
        self.catalog.store_document(doc, chunks, analysis, replaces=old["doc_id"] if old else None, content=content)
        _failpoint("stored")
        if old is not None:
            self.report.replaced += 1
            _failpoint("swapped")
        if src.stamp is not None:
            self.catalog.set_file_stamps([(src.path, *src.stamp, doc.doc_id)])
        r = self.report
        r.files += 1
        r.ingested += 1
        r.chunks += len(chunks)
        r.pages += len(doc.pages)
        r.ocr_pages += sum(1 for p in doc.pages if p.ocr)
        self.touched.add(doc.case_id)
        self._journal.append((src.path, "stored", None, doc.doc_id))
        self.progress("file", {"path": src.path, "status": "ingested", "chunks": len(chunks),
                               "pages": len(doc.pages), **self._counts()})
        self.pending.append(doc.doc_id)
        self.pending_chunks += len(chunks)
        if self.pending_chunks >= self.batch_chunks:
            self._index_pending()

    def _result(self, job: _Job):
        try:
            return job.future.result()
        except BrokenProcessPool:
            # a worker died (a parser crashed hard); rebuild the pool, retry this file alone so that
            # only the file that kills its process is reported
            if job.pool is self._pool:  # the first job to see this pool broken rebuilds it
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = new_pool(self._pool._max_workers)
            with new_pool(1) as alone:
                try:
                    return alone.submit(_prepare_safe, (job.data, job.src.path, job.src.case_id, job.src.name,
                                                        self.settings)).result()
                except BrokenProcessPool:
                    return Failed(job.src.path, "corrupt: the parser process crashed on this file")

    def _failed(self, path: str, error: str, reason: str | None = None) -> None:
        item = self.report.fail(path, error)
        if reason:
            item["reason"] = reason
        self._journal.append((path, "failed", error, None))
        self.progress("file", {"path": path, "status": "failed", "error": error, "reason": item["reason"],
                               **self._counts()})
        self._maybe_flush_journal()

    def _unchanged(self, path: str, doc_id: str, stamp: tuple[int, int] | None = None) -> None:
        self.report.files += 1
        self.report.unchanged += 1
        if stamp is not None:
            self.catalog.set_file_stamps([(path, *stamp, doc_id)])
        self._journal.append((path, "unchanged", None, doc_id))
        self.progress("file", {"path": path, "status": "unchanged", **self._counts()})
        self._maybe_flush_journal()

    def _case_meta(self, case_id: str, data: bytes, file: str | None = None) -> None:
        """A case's metadata file: validated and written under the run's gate (ingest/case_meta.py);
        a refusal is a failure line of the report, named by case and file, and the batch goes on."""
        refused = self.gate.apply_meta(case_id, data, file)
        if refused is not None:
            self._failed(refused[0], refused[2], reason=refused[1])
        else:
            self.touched.add(case_id)

    def _case_metas_first(self, paths: list[Path]) -> None:
        """Apply the metadata file of each case folder (<folder>/<case>/case.yaml|yml|json) before
        any document of the run is stored, so that a case's clearance holds from its first document
        and a broken file stops its case's documents too. The walk yields these files again later;
        the gate applies each once. (Archives are read in their own order.) Names that are not valid
        UTF-8 and links are left to the walk, which names and checks them."""
        for root in map(Path, paths):
            try:
                folders = sorted(os.listdir(root)) if root.is_dir() else []
            except OSError:
                continue
            for case_id in folders:
                folder = root / case_id
                try:
                    case_id.encode("utf-8")
                    if case_id.startswith(".") or folder.is_symlink() or not folder.is_dir():
                        continue
                    names = sorted(os.listdir(folder))
                except (UnicodeEncodeError, OSError):
                    continue
                for fn in names:
                    meta = folder / fn
                    if fn.lower() not in CASE_META_FILES or meta.is_symlink() or not meta.is_file():
                        continue
                    try:
                        with open(meta, "rb") as f:
                            data = f.read(META_MAX_BYTES + 1)
                    except OSError:
                        continue  # the walk reports it
                    self._case_meta(case_id, data, "case.json" if fn.lower().endswith(".json") else fn.lower())

    def _counts(self) -> dict:
        r = self.report
        return {"done": r.files, "indexed_chunks": r.indexed_chunks, "failed": len(r.failed)}

    def _maybe_flush_journal(self) -> None:
        if len(self._journal) >= JOURNAL_FLUSH_ROWS:
            self._flush_journal()

    def _flush_journal(self) -> None:
        if self._journal:
            self.catalog.journal_many(self.run_id, self._journal)
            self._journal = []

    # -- index --------------------------------------------------------------------------------------
    def _index_pending(self, wait: bool = False) -> None:
        """Start embedding the pending documents' chunks (ingest/embed_batcher.py) and write the batch
        started before it; with `wait`, write this one too."""
        if self.pending:
            if self._batcher is None:
                self._batcher = EmbedBatcher(self.embedder_fn())
            texts = [c["text"] for d in self.pending for c in self.catalog.chunks(d)]  # index_documents' order
            started = self._batcher.submit(self.pending, len(texts), texts)
            self.pending, self.pending_chunks = [], 0
            self._write_inflight()
            self._inflight = started
        if wait:
            self._write_inflight()

    def _write_inflight(self) -> None:
        batch, self._inflight = self._inflight, None
        if batch is None:
            return
        assert self._batcher is not None  # a batch in flight was submitted to it
        self.touched |= self.index_documents(batch.doc_ids, batch.vectors_for(self._batcher.embedder))
        self.report.indexed_chunks += batch.chunks
        self._flush_tombstones()
        self._flush_journal()
        self.progress("indexed", {"chunks": batch.chunks, **self._counts()})

    # -- re-run one stage ----------------------------------------------------------------------
    def retag(self, workers: int = 1, progress: Callable[[int, int], None] | None = None) -> dict:
        """Re-run NLP (tags, entities, facts, accountability) on the stored page text and chunks, e.g.
        after a codebook change, without re-parsing; re-index the documents whose chunk tags changed
        and push every case's payload. Resumable like ingest: what is left is finished next time."""
        from dutytrace.retag import retag_catalog

        return retag_catalog(self, workers, progress)
