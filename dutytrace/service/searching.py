"""Reading the archive by query: passage and case search, facets, similar cases for a new document
(or an existing case) with the precedent brief built from them, and the analysis of a file that is
not stored (search.py, similar.py, brief.py). Every search is limited to the cases the user may see
inside the index query (`_scoped`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dutytrace.errors import NotFound
from dutytrace.indexing import prepare
from dutytrace.profile import ProfileReader, case_profile, case_tags
from dutytrace.search import Searcher
from dutytrace.models import CASE_TAG_MIN
from dutytrace.service.policy import ServicePolicy


class SearchMixin(ServicePolicy):
    def _case_info_fn(self) -> ProfileReader:
        """case_id -> a visible case's stored profile (or None), for ranking and result cards (not audited:
        not a view), made for one search or similar-case ranking: the visible case ids are read once,
        and profiles are read from the catalog in batches (`many`), each once (profile.ProfileReader)."""
        return ProfileReader(self.catalog, self._codebook(), self._visible())

    def searcher(self, config=None) -> Searcher:
        from dutytrace.dedupe import duplicates
        from dutytrace.nlp.codebook import load_codebook

        reranker = None
        if self.settings.rerank_model:
            from dutytrace.rerank import get_reranker

            reranker = get_reranker(self.settings.rerank_model, self.settings.device)
        return Searcher(self.index, self._query_vector(), self._case_info_fn(),
                        load_codebook(self.settings.codebook),
                        config, duplicates(self.catalog), reranker,
                        term_weights=self.catalog.term_weights(self._visible()), passages=self.catalog.passages,
                        catalog=self.catalog)

    def _query_vector(self):
        """Query text -> vector, shared by every searcher of this service: a page that searches and then
        counts facets for the same query embeds it once (the vectors are read, never changed)."""
        if self._res.query_vector is None:
            from dutytrace.query import query_encoder

            self._res.query_vector = query_encoder(self.embedder)  # cached, one thread per query (query.py)
        return self._res.query_vector

    def _search_audit(self, query: str, mode: str, filters: dict | None, what: str) -> None:
        self.require("search", "search", query=query)
        self.audit.record(self.principal.name, "search", None, query=query, mode=mode, what=what,
                          filters={k: v for k, v in (filters or {}).items()})

    def search(self, query: str, limit: int = 10, mode: str = "hybrid", filters: dict | None = None):
        self._search_audit(query, mode, filters, "passages")
        return self.searcher().search(query, limit, mode, self._scoped(filters))

    def search_cases(self, query: str, limit: int = 10, mode: str = "hybrid", filters: dict | None = None,
                     passages: int = 3):
        """The best cases for the query inside the filters, each with up to `passages` passages."""
        self._search_audit(query, mode, filters, "cases")
        return self.searcher().search_cases(query, limit, mode, self._scoped(filters), passages=passages)

    def find_cases(self, query: str, limit: int = 10, mode: str = "hybrid", filters: dict | None = None,
                   sort: str = "relevance", offset: int = 0):
        """search_cases with how many cases match in all and, for a query of stop words only, a message
        (search.CaseResult); `sort` 'newest' / 'oldest' orders the best matches by date, `offset` pages."""
        self._search_audit(query, mode, filters, "cases")
        return self.searcher().find_cases(query, limit, mode, self._scoped(filters), sort=sort, offset=offset)

    def find_cases_and_facets(self, query: str, limit: int = 10, mode: str = "hybrid", filters: dict | None = None,
                              sort: str = "relevance", offset: int = 0):
        """find_cases and the facets of the same search (the Search page shows both), from one ranking: the
        facets count the cases find_cases ranked instead of reading every leg again. (CaseResult, facets)."""
        self.require("search", "facets")
        self._search_audit(query, mode, filters, "cases")
        searcher, scoped = self.searcher(), self._scoped(filters)
        found = searcher.find_cases(query, limit, mode, scoped, sort=sort, offset=offset)
        return found, searcher.facets(query, mode, scoped)

    def find_passages(self, query: str, limit: int = 10, mode: str = "hybrid", filters: dict | None = None):
        """search with how many passages match in all (search.PassageResult)."""
        self._search_audit(query, mode, filters, "passages")
        return self.searcher().find_passages(query, limit, mode, self._scoped(filters))

    def facets(self, query: str | None = None, mode: str = "hybrid", filters: dict | None = None) -> dict:
        """Counts of cases per field value for the current query and filters: {field: [(value, count)]}."""
        self.require("search", "facets")
        return self.searcher().facets(query, mode, self._scoped(filters))

    def analyze_file(self, path: Path, measures: bool = True) -> dict[str, Any]:
        """Analyse a file without storing it (reads nothing of the catalog); its measures only with
        `measures` (the JSON then has no "measures" key). Audited."""
        path = Path(path)
        me = self.require("view", "analyze", str(path))
        if not path.is_file():
            raise NotFound(f"{path}: no such file")
        self.audit.record(me.name, "analyze", str(path))
        doc, chunks, analysis = self._prepare(path, measures)
        out = analysis.to_json()
        if not measures:
            out.pop("measures", None)
        return {"path": str(path), "pages": len(doc.pages), "chunks": len(chunks), **out}

    def similar(self, path: Path | None = None, case_id: str | None = None, limit: int = 10) -> list[dict]:
        """Past cases most like a new document (or an existing case), each with its reasons (similar.py)."""
        from concurrent.futures import Future

        from dutytrace.similar import Material, embed_beside, rank_similar

        codebook = self._codebook()
        early: list[Future] = []
        if path is not None:
            path = Path(path)
            if not path.is_file():
                raise NotFound(f"{path}: no such file")
            embedder = self.embedder

            def embed_early(doc, chunks) -> None:
                embed_beside(embedder, [c.text for c in chunks], doc.language, early)
            # a comparison reads no measures
            doc, chunks, analysis = self._prepare(path, measures=False, on_chunks=embed_early)
            kind = analysis.facts.get("accident_type")
            if kind is None:  # interviews carry no facts block; the text still says what happened
                from dutytrace.nlp.facts import accident_type

                kind = accident_type(doc.text, doc.language, codebook)
            material = Material([c.text for c in chunks], doc.language,
                                {t.tag for t in analysis.tags if t.score >= CASE_TAG_MIN}, kind,
                                {e.text for e in analysis.entities if e.label in ("ORG", "GOV", "POST", "LAW")})
        else:
            self._check_case(case_id, "similar")
            prof = case_profile(self.catalog, case_id, codebook)
            material = Material([c["text"] for c in self.catalog.chunks_of_case(case_id)],
                                (prof["languages"] or ["en"])[0], set(case_tags(prof)),
                                prof["facts"].get("accident_type"), {e["text"] for e in prof["entities"]}, case_id)
        self.require("search", "similar", case_id or (path.name if path else None))
        visible = self._visible()
        self.audit.record(self.principal.name, "similar", case_id or (path.name if path else None))
        # candidates from the index and the stored profiles, never a read of every case (similar.py)
        return rank_similar(material, self.index, self.embedder, ProfileReader(self.catalog, codebook, visible),
                            codebook, limit, self._scoped(None), term_weights=self.catalog.term_weights(visible),
                            passages=self.catalog.passages, vectors=early[0].result if early else None)

    def _prepare(self, path: Path, measures: bool = True, on_chunks=None):
        """`prepare` of a file not to be stored (similar, analyze_file), remembered for the last few files
        by their bytes: the Similar page ranks an upload and then says what it read of it (one analysis).
        Its measures are read only when asked (`similar` needs none: about half a second of a document's
        analysis, most of it the learned reader's embedding of every sentence), and added to what is
        remembered when asked later."""
        import hashlib
        from dataclasses import replace

        from dutytrace.nlp.analyze import document_measures

        data = path.read_bytes()
        key = (hashlib.sha256(data).hexdigest(), str(path))
        cache = self._res.prepared
        if key not in cache:
            if len(cache) >= 4:
                cache.pop(next(iter(cache)))
            cache[key] = prepare(data, str(path), "__new__", path.name, self.settings, measures, on_chunks)
        doc, chunks, analysis = cache[key]
        if measures and analysis.measures is None:
            cache[key] = doc, chunks, replace(analysis, measures=document_measures(doc))
        return cache[key]

    def brief(self, path: Path | None = None, case_id: str | None = None, lang: str = "en", limit: int = 5,
              results: list[dict] | None = None) -> dict:
        """The precedent brief's content (brief.py) for a new document or an existing case, in `lang`.
        The document is read once (`_prepare`, shared with `similar`); `results` (the Similar page's)
        saves ranking again. Only cases this user may see are named: results passed in are checked again.
        Needs the export permission; audited (`export`, what=brief, with the cases it names)."""
        from dutytrace.brief import build
        from dutytrace.nlp.codebook import load_codebook
        from dutytrace.profile import decided
        from dutytrace.store.measures import MeasureStore

        if (path is None) == (case_id is None):
            raise ValueError("a brief is for a FILE or a case, not both")
        target = case_id or Path(path).name
        me = self.require("export", "brief", target)
        if path is not None:
            path = Path(path)
            if not path.is_file():
                raise NotFound(f"{path}: no such file")
            doc, _, analysis = self._read_again(path)
            facts = dict(analysis.facts)
            tags = [t for t in analysis.to_json()["tags"] if decided(t)]
            source = {"name": path.name, "language": doc.language, "kind": doc.kind, "pages": len(doc.pages)}
        else:
            self._check_case(case_id, "brief")
            prof = case_profile(self.catalog, case_id)
            facts, tags = prof["facts"], [t for t in prof["tags"] if decided(t)]
            source = {"name": case_id, "case_id": case_id, "title": prof["title"],
                      "language": (prof["languages"] or [None])[0]}
        if results is None:
            results = self.similar(path=path, case_id=case_id, limit=limit)
        visible = self._visible()
        results = [r for r in results[:limit] if r.get("case_id") != case_id and self.catalog.documents(r["case_id"])
                   and (visible is None or r["case_id"] in visible)]
        profiles = {r["case_id"]: case_profile(self.catalog, r["case_id"]) for r in results}
        store = MeasureStore(self.catalog)
        model = build(source, facts, tags, results, profiles, {cid: store.items(cid) for cid in profiles},
                      load_codebook(self.settings.codebook), lang, user=me.name)
        self.audit.record(me.name, "export", target, what="brief", lang=model["lang"], cases=model["case_ids"])
        return model

    def _read_again(self, path: Path):
        """What `similar` read of this file, found by its bytes even when it was read from another
        temporary path (the Similar page's upload), else read now (`_prepare`)."""
        import hashlib

        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        for key, value in list(getattr(self._res, "prepared", {}).items()):
            if key[0] == sha and value[0].name == path.name:
                return value
        if hasattr(self, "_prepare"):
            return self._prepare(path, measures=False)  # the brief reads its facts and tags
        return prepare(path.read_bytes(), str(path), "__new__", path.name, self.settings, measures=False)
