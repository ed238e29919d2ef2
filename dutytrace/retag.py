"""Re-run the NLP stage on what the catalog already holds (page text and chunks), e.g. after a
codebook change: no file is read or parsed again. A document whose chunk tags changed is marked not
indexed (its points carry chunk tags) and re-indexed; every case's payload is pushed again."""

from __future__ import annotations

from collections.abc import Callable

from dutytrace.config import Settings
from dutytrace.ingest.worker import new_pool
from dutytrace.models import Analysis, Chunk, Document, Page
from dutytrace.nlp.analyze import analyze
from dutytrace.nlp.codebook import load_codebook

BATCH = 32


def rebuild(doc: dict, pages: list[dict], chunks: list[dict]) -> tuple[Document, list[Chunk]]:
    """The Document and Chunks of a catalogued document, as ingestion made them."""
    d = Document(doc_id=doc["doc_id"], case_id=doc["case_id"], path=doc["path"], name=doc["name"],
                 kind=doc["kind"], language=doc["language"], fmt=doc["fmt"], meta=doc["meta"],
                 pages=tuple(Page(p["page"], p["text"], bool(p["ocr"])) for p in pages))
    cs = [Chunk(chunk_id=c["chunk_id"], doc_id=c["doc_id"], case_id=c["case_id"], seq=c["seq"], page=c["page"],
                start=c["start"], end=c["end"], text=c["text"], speaker=c["speaker"], section=c["section"],
                ocr=bool(c["ocr"])) for c in chunks]
    return d, cs


def _analyze(args) -> tuple[str, Analysis | str]:
    doc, pages, chunks, settings = args
    try:
        d, cs = rebuild(doc, pages, chunks)
        return doc["doc_id"], analyze(d, cs, load_codebook(settings.codebook), settings.spacy_en, settings.tagger)
    except Exception as e:  # one bad document must not stop the stage
        return doc["doc_id"], f"{type(e).__name__}: {str(e)[:160]}"


def retag_catalog(ingestor, workers: int = 1, progress: Callable[[int, int], None] | None = None) -> dict:
    catalog = ingestor.catalog
    settings: Settings = ingestor.settings
    docs = catalog.documents()
    changed = 0
    errors: list[dict] = []
    pool = new_pool(workers) if workers > 1 else None
    try:
        for i in range(0, len(docs), BATCH):
            batch = [(d, catalog.pages(d["doc_id"]), catalog.chunks(d["doc_id"]), settings) for d in docs[i:i + BATCH]]
            results = pool.map(_analyze, batch) if pool else map(_analyze, batch)
            for (d, *_), (doc_id, res) in zip(batch, results):
                if isinstance(res, str):
                    errors.append({"path": d["path"], "error": res})
                elif catalog.update_analysis(doc_id, res):
                    changed += 1
            if progress:
                progress(min(i + BATCH, len(docs)), len(docs))
    finally:
        if pool:
            pool.shutdown()
    # re-index what changed and push every case's payload, crash-safe like ingest
    left = catalog.unindexed()
    for i in range(0, len(left), BATCH):
        ingestor.index_documents(left[i:i + BATCH])
    ingestor._refresh_stale()
    return {"documents": len(docs), "reindexed": changed, "failed": errors,
            "cases": len(catalog.case_ids())}
