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
        self.catalog = Catalog(self.settings.catalog_path)
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
        ing = Ingestor(self.settings, self.catalog, lambda: self.index, lambda: self.embedder)
        return ing.run([Path(p) for p in paths], workers=workers, progress=progress)

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

        return Searcher(self.index, self.embedder.encode_query, self._case_info, load_codebook(self.settings.codebook),
                        config)

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
        """Past cases most like a new document (or an existing case), each with its reasons: shared tags,
        shared entities, same accident type or industry, and the pairs of passages that match."""
        if path is not None:
            path = Path(path)
            if not path.is_file():
                raise NotFound(f"{path}: no such file")
            doc, chunks, analysis = prepare(path.read_bytes(), str(path), "__new__", path.name, self.settings)
            texts = [c.text for c in chunks]
            my_tags = {t.tag for t in analysis.tags if t.score >= 0.4}
            my_entities = {e.text for e in analysis.entities if e.label in ("ORG", "GOV", "POST", "LAW")}
            my_type = analysis.facts.get("accident_type")
            exclude = None
        else:
            prof = self.case(case_id)
            texts = [c["text"] for c in self.catalog.chunks() if c["case_id"] == case_id]
            my_tags = {t["tag"] for t in prof["tags"] if t["score"] >= 0.4}
            my_entities = {e["text"] for e in prof["entities"]}
            my_type = prof["facts"].get("accident_type")
            exclude = case_id
        texts = texts[:60]
        vectors = self.embedder.encode(texts)
        k = 60.0
        votes: dict[str, float] = defaultdict(float)
        pairs: dict[str, list] = defaultdict(list)
        for text, vec in zip(texts, vectors):
            seen: set[str] = set()
            res = self.index.query("hybrid", vec.tolist(), sparse_query(text), 30)
            for rank, s in enumerate(res):
                cid = s.payload.get("case_id")
                if cid == exclude or cid in seen:
                    continue
                seen.add(cid)
                votes[cid] += 1.0 / (k + rank)
                pairs[cid].append((1.0 / (k + rank), text, to_hit(s)))
        out = []
        norm = max(votes.values()) if votes else 1.0
        for cid, v in votes.items():
            prof = self.case(cid)
            their_tags = {t["tag"] for t in prof["tags"] if t["score"] >= 0.4}
            shared_tags = sorted(my_tags & their_tags)
            union = my_tags | their_tags
            tag_sim = len(shared_tags) / len(union) if union else 0.0
            same_type = bool(my_type and my_type == prof["facts"].get("accident_type"))
            score = 0.6 * (v / norm) + 0.3 * tag_sim + 0.1 * same_type
            best = sorted(pairs[cid], key=lambda x: -x[0])[:3]
            out.append({
                "case_id": cid, "title": prof["title"], "score": round(score, 4),
                "shared_tags": shared_tags,
                "shared_entities": sorted(my_entities & {e["text"] for e in prof["entities"]})[:20],
                "same_accident_type": same_type, "accident_type": prof["facts"].get("accident_type"),
                "passages": [{"query_text": q, **h.to_json()} for _, q, h in best],
            })
        out.sort(key=lambda x: -x["score"])
        return out[:limit]

    def review_tag(self, case_id: str, doc_id: str, tag: str, decision: str, reviewer: str | None = None) -> None:
        if decision not in ("accepted", "rejected"):
            raise ValueError("decision must be 'accepted' or 'rejected'")
        self.catalog.review_tag(case_id, doc_id, tag, decision, reviewer)
        self.index.set_payload(case_id, index_payload(case_profile(self.catalog, case_id)))

