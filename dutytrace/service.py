"""The one service the CLI and the UI sit on. It owns the heavy resources (catalog, embedding model,
index), loads each once and lazily, and exposes the product's operations."""

from __future__ import annotations

import shutil
from collections import defaultdict
from pathlib import Path
from typing import Any

from dutytrace.config import Settings
from dutytrace.errors import NotFound
from dutytrace.indexing import Ingestor, IngestReport, prepare
from dutytrace.profile import case_profile, index_payload
from dutytrace.search import Searcher, to_hit
from dutytrace.store.catalog import Catalog
from dutytrace.store.files import FileStore
from dutytrace.store.vectors import VectorIndex, open_index, sparse_query


class Dutytrace:
    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings.from_env()
        self.settings.home.mkdir(parents=True, exist_ok=True)
        self.catalog = Catalog(self.settings.database_url or self.settings.catalog_path)
        self._embedder = None
        self._index: VectorIndex | None = None

    # -- resources ---------------------------------------------------------------------------------
    @property
    def embedder(self):
        if self._embedder is None:
            from dutytrace.nlp.embed import get_embedder

            s = self.settings
            self._embedder = get_embedder(s.embed_model, s.device, s.embed_batch)
        return self._embedder

    @property
    def index(self) -> VectorIndex:
        if self._index is None:
            self._index = open_index(self.settings, self.embedder.dim)
        return self._index

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None
        self.catalog.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- ingest ------------------------------------------------------------------------------------
    def ingest(self, paths: list[Path], workers: int = 1, progress=None) -> IngestReport:
        from dutytrace.dedupe import mark_near_duplicates

        ing = Ingestor(self.settings, self.catalog, lambda: self.index, lambda: self.embedder)
        report = ing.run([Path(p) for p in paths], workers=workers, progress=progress)
        report.near_duplicates = [{"doc_id": d, "duplicate_of": o, "similarity": round(s, 3)}
                                  for d, o, s in mark_near_duplicates(self.catalog)]
        return report

    def retag(self, workers: int = 1, progress=None) -> dict:
        """Re-run NLP on the stored text (after a codebook change) without re-parsing; re-index what changed."""
        ing = Ingestor(self.settings, self.catalog, lambda: self.index, lambda: self.embedder)
        return ing.retag(workers=workers, progress=progress)

    def migrate_index(self, to_url: str, api_key: str | None = None, collection: str | None = None,
                      progress=None) -> dict:
        """Copy the embedded index to a Qdrant server/cluster (then set DUTYTRACE_QDRANT_URL to it)."""
        from dutytrace.store.migrate import migrate_embedded

        if self._index is not None:
            self._index.close()
            self._index = None
        return migrate_embedded(self.settings, to_url, api_key, collection, progress)

    def reindex(self, progress=None) -> dict:
        """Rebuild the vector index from the catalog (after a model change, or a lost index)."""
        if self._index is not None:
            self._index.close()
            self._index = None
        if not self.settings.qdrant_url:
            shutil.rmtree(self.settings.index_path, ignore_errors=True)
        else:
            idx = open_index(self.settings, self.embedder.dim)
            idx.delete(list(idx.ids()))
        docs = [d["doc_id"] for d in self.catalog.documents()]
        ing = Ingestor(self.settings, self.catalog, lambda: self.index, lambda: self.embedder)
        for i in range(0, len(docs), 16):
            ing.index_documents(docs[i:i + 16])
            if progress:
                progress(min(i + 16, len(docs)), len(docs))
        ing.refresh_cases(set(self.catalog.case_ids()))
        return {"documents": len(docs), "chunks": self.index.count()}

    # -- read --------------------------------------------------------------------------------------
    def case(self, case_id: str) -> dict[str, Any]:
        if not self.catalog.documents(case_id):
            raise NotFound(f"no case '{case_id}' in the catalog; `dutytrace search` lists case ids")
        return case_profile(self.catalog, case_id)

    def _case_info(self, case_id: str) -> dict | None:
        try:
            return self.case(case_id)
        except NotFound:
            return None

    def searcher(self, config=None) -> Searcher:
        from dutytrace.nlp.codebook import load_codebook

        from dutytrace.dedupe import duplicates

        reranker = None
        if self.settings.rerank_model:
            from dutytrace.rerank import get_reranker

            reranker = get_reranker(self.settings.rerank_model, self.settings.device)
        return Searcher(self.index, self.embedder.encode_query, self._case_info, load_codebook(self.settings.codebook),
                        config, duplicates(self.catalog), reranker)

    def search(self, query: str, limit: int = 10, mode: str = "hybrid", filters: dict | None = None):
        return self.searcher().search(query, limit, mode, filters)

    def search_cases(self, query: str, limit: int = 10, mode: str = "hybrid", filters: dict | None = None):
        return self.searcher().search_cases(query, limit, mode, filters)

    def facets(self, query: str | None = None, mode: str = "hybrid", filters: dict | None = None) -> dict:
        """Counts of cases per field value for the current query and filters: {field: [(value, count)]}."""
        return self.searcher().facets(query, mode, filters)

    def page_text(self, doc_id: str, page: int) -> str:
        for p in self.catalog.pages(doc_id):
            if p["page"] == page:
                return p["text"]
        raise NotFound(f"document {doc_id[:12]} has no page {page}")

    def document(self, doc_id: str) -> dict:
        doc = self.catalog.document(doc_id)
        if doc is None:
            raise NotFound(f"no document {doc_id[:12]} in the catalog")
        return doc

    def document_bytes(self, doc_id: str) -> bytes:
        self.document(doc_id)
        return FileStore(self.settings.home / "files").get(doc_id)

    def page_image(self, doc_id: str, page: int, scale: float = 1.5) -> bytes | None:
        """PNG of a PDF page, or None for documents that are not PDFs (show their text instead)."""
        if self.document(doc_id)["fmt"] != "pdf":
            return None
        from dutytrace.ingest.pdf import render_page_png

        return render_page_png(self.document_bytes(doc_id), page, scale)

    def passage_boxes(self, doc_id: str, page: int, text: str) -> list[tuple[float, float, float, float]]:
        """Where a passage sits on a PDF page (for the viewer's highlight): one (x0, top, x1, bottom) box
        per line, as fractions of the page size; [] when not a PDF or not found. Letters and digits are
        matched, so line wraps, hyphenation and spacing do not matter; a long passage is found by its
        first and last 24 characters."""
        if self.document(doc_id)["fmt"] != "pdf":
            return []
        import io

        import pdfplumber

        with pdfplumber.open(io.BytesIO(self.document_bytes(doc_id))) as pdf:
            if not 1 <= page <= len(pdf.pages):
                return []
            p = pdf.pages[page - 1]
            chars = [c for c in p.chars if c["text"].isalnum()]
            width, height = float(p.width), float(p.height)
        flat = "".join(c["text"].lower() for c in chars)
        want = "".join(ch.lower() for ch in text if ch.isalnum())
        start = flat.find(want)
        end = start + len(want)
        if start < 0 and len(want) > 48:
            start, last = flat.find(want[:24]), flat.find(want[-24:])
            end = last + 24 if 0 <= start < last else -1
        if start < 0 or end <= start:
            return []
        lines: dict[int, list] = defaultdict(list)
        for c in chars[start:end]:
            lines[round(c["top"] / 3)].append(c)
        return [(min(c["x0"] for c in cs) / width, min(c["top"] for c in cs) / height,
                 max(c["x1"] for c in cs) / width, max(c["bottom"] for c in cs) / height)
                for _, cs in sorted(lines.items())]

    def stats(self) -> dict:
        return {"cases": len(self.catalog.case_ids()), "documents": len(self.catalog.documents()),
                "chunks": self.catalog.chunk_count()}

    # -- analyse a file without storing it -------------------------------------------------------
    def analyze_file(self, path: Path) -> dict[str, Any]:
        path = Path(path)
        if not path.is_file():
            raise NotFound(f"{path}: no such file")
        doc, chunks, analysis = prepare(path.read_bytes(), str(path), path.stem, path.name, self.settings)
        return {"path": str(path), "pages": len(doc.pages), "chunks": len(chunks), **analysis.to_json()}

    def similar(self, path: Path | None = None, case_id: str | None = None, limit: int = 10) -> list[dict]:
        """Past cases most like a new document (or an existing case), each with its reasons (similar.py)."""
        from dutytrace.nlp.codebook import load_codebook
        from dutytrace.similar import Material, rank_similar

        if path is not None:
            path = Path(path)
            if not path.is_file():
                raise NotFound(f"{path}: no such file")
            doc, chunks, analysis = prepare(path.read_bytes(), str(path), "__new__", path.name, self.settings)
            kind = analysis.facts.get("accident_type")
            if kind is None:  # interviews carry no facts block; the text still says what happened
                from dutytrace.nlp.facts import accident_type

                kind = accident_type(doc.text, doc.language, load_codebook(self.settings.codebook))
            material = Material([c.text for c in chunks], doc.language,
                                {t.tag for t in analysis.tags if t.score >= 0.4}, kind,
                                {e.text for e in analysis.entities if e.label in ("ORG", "GOV", "POST", "LAW")})
        else:
            prof = self.case(case_id)
            material = Material([c["text"] for c in self.catalog.chunks_of_case(case_id)],
                                (prof["languages"] or ["en"])[0], {t["tag"] for t in prof["tags"] if t["score"] >= 0.4},
                                prof["facts"].get("accident_type"), {e["text"] for e in prof["entities"]}, case_id)
        case_texts = {cid: [c["text"] for c in self.catalog.chunks_of_case(cid)] for cid in self.catalog.case_ids()}
        return rank_similar(material, self.index, self.embedder, self._case_info, case_texts,
                            load_codebook(self.settings.codebook), limit)

    def review_tag(self, case_id: str, doc_id: str | None, tag: str, decision: str, reviewer: str | None = None) -> str:
        """Accept or reject a tag on one document (doc_id, an id prefix or the file name) or, with doc_id
        None or "*", on the whole case. A document decision is kept by file name, so it holds for a new
        version of the file too; re-ingesting never undoes it. Returns the key it was stored under."""
        if decision not in ("accepted", "rejected"):
            raise ValueError("decision must be 'accepted' or 'rejected'")
        docs = self.catalog.documents(case_id)
        if not docs:
            raise NotFound(f"no case '{case_id}' in the catalog")
        key = "*"
        if doc_id not in (None, "", "*"):
            match = [d for d in docs if d["doc_id"].startswith(doc_id) or d["name"] == doc_id]
            if len(match) != 1:
                raise NotFound(f"case '{case_id}' has {'no' if not match else 'more than one'} document '{doc_id}'")
            key = "name:" + match[0]["name"]
        self.catalog.review_tag(case_id, key, tag, decision, reviewer)
        self.index.set_payload(case_id, index_payload(case_profile(self.catalog, case_id)))
        return key

    def statements(self, case_id: str, min_speakers: int = 2) -> list[dict]:
        """Statements of different interviewees of a case about the same fact, lined up:
        [{"topic", "statements": [{"speaker", "role", "doc", "page", "text"}]}]."""
        from dutytrace.nlp.statements import group_statements

        if not self.catalog.documents(case_id):
            raise NotFound(f"no case '{case_id}' in the catalog")
        docs = [d for d in self.catalog.documents(case_id)]
        pages = {d["doc_id"]: self.catalog.pages(d["doc_id"]) for d in docs}
        return group_statements(docs, pages, self.embedder.encode, min_speakers=min_speakers)

