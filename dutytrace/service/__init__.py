"""The one service the CLI and the UI sit on. It owns the heavy resources (catalog, embedding model,
index), loads each once and lazily, and exposes the product's operations — as one user at a time:
every read is limited to the cases that user is cleared for (in the index query itself), and every
action is written to the audit log. `for_user` gives a view of the same resources as another user
(the UI holds one service per process and one view per logged-in session)."""

from __future__ import annotations

import copy
from collections import defaultdict
from pathlib import Path
from typing import Any

from dutytrace.config import Settings
from dutytrace.audit import Audit
from dutytrace.errors import ConfigError, NotFound
from dutytrace.security import LOCAL, AccessDenied, AuthRequired, Principal, Users, case_clearances
from dutytrace.indexing import Ingestor, IngestReport, prepare
from dutytrace.profile import ProfileReader, case_profile, case_tags, index_payload, materialise_missing
from dutytrace.search import Searcher
from dutytrace.store.catalog import Catalog
from dutytrace.store.files import FileStore
from dutytrace.store.vectors import VectorIndex, open_index
from dutytrace.models import CASE_TAG_MIN


class _Resources:
    """What every user's view of the service shares."""

    def __init__(self):
        self.embedder = None
        self.index: VectorIndex | None = None
        self.query_vector = None  # the embedder's encode_query, remembering recent queries
        self.prepared: dict = {}  # the last few files analysed without storing them (Dutytrace._prepare)



class Dutytrace:
    def __init__(self, settings: Settings | None = None, user: Principal | str | None = None):
        self.settings = settings or Settings.from_env()
        try:
            self.settings.home.mkdir(parents=True, exist_ok=True)
        except OSError as e:  # a read-only or full disk: a clear message, not a traceback (store/disk.py)
            from dutytrace.store.disk import not_writable, storage_error

            raise storage_error(e, self.settings.home) or not_writable(self.settings.home, str(e)) from None
        self.catalog = Catalog(self.settings.database_url or self.settings.catalog_path)
        self._res = _Resources()
        self._build_profiles()
        self.users = Users(self.catalog)
        self.audit = Audit(self.catalog)
        try:
            self._user = self.users.principal(user) if isinstance(user, str) else user
        except (AccessDenied, AuthRequired) as e:  # a disabled or unknown user: recorded, then refused
            self.audit.record(str(user), "denied", None, action="act_as", reason=str(e))
            raise

    def _codebook(self):
        from dutytrace.nlp.codebook import load_codebook

        return load_codebook(self.settings.codebook)

    def _build_profiles(self) -> None:
        """Case profiles are kept in the catalog (profile.py): a home made before that, or one whose
        profiles are out of date (another codebook, a newer schema), gets them built here, once. A bad
        user codebook is reported where it is used; the profiles are then built when first read."""
        from dutytrace.errors import ConfigError as _ConfigError

        try:
            codebook = self._codebook()
        except _ConfigError:
            return
        materialise_missing(self.catalog, codebook)

    def for_user(self, user: Principal) -> "Dutytrace":
        """The same service (catalog, model, index) acting as another user."""
        view = copy.copy(self)
        view._user = user
        return view

    # -- who is asking -----------------------------------------------------------------------------
    @property
    def principal(self) -> Principal:
        if self._user is not None:
            return self._user
        if self.users.exist():
            raise AuthRequired("users are defined: log in, or act as one with --user NAME / DUTYTRACE_USER")
        return LOCAL

    def require(self, permission: str, action: str, target: str | None = None, **detail) -> Principal:
        """The acting user, who must hold `permission` for `action`; a refusal is written to the audit
        log (action `denied`, with the action asked for) before it is raised."""
        try:
            me = self.principal
            me.require(permission)
        except (AccessDenied, AuthRequired) as e:
            self._denied(action, target, str(e), **detail)
            raise
        return me

    def _denied(self, action: str, target: str | None, reason: str, **detail) -> None:
        who = self._user.name if self._user is not None else "(no user)" if self.users.exist() else LOCAL.name
        self.audit.record(who, "denied", target, action=action, reason=reason, **detail)

    def login(self, name: str, password: str) -> Principal | None:
        p = self.users.authenticate(name, password)
        self.audit.record(name, "login" if p else "login_failed")
        return p

    def _visible(self) -> set[str] | None:
        """The case ids this user may see, or None for all."""
        me = self.principal
        if me.sees_everything:
            return None
        return {c for c, level in case_clearances(self.catalog).items() if me.can_see(c, level)}

    def _scoped(self, filters: dict | None) -> dict | None:
        """The user's filters narrowed to the cases the user may see (applied inside the index query)."""
        visible = self._visible()
        if visible is None:
            return filters
        out = dict(filters or {})
        asked = out.get("case_id")
        if asked is not None:
            visible &= set(asked if isinstance(asked, list) else [asked])
        out["case_id"] = sorted(visible) or ["\x00no-visible-case"]
        return out

    def _check_case(self, case_id: str, action: str = "view_case") -> None:
        """NotFound, in the same words, for a case that does not exist and for one the user may not see
        (the latter is recorded in the audit log as `denied`)."""
        visible = self._visible()
        exists = bool(self.catalog.documents(case_id))
        if not exists or (visible is not None and case_id not in visible):
            if exists:
                self._denied(action, case_id, "not cleared for this case")
            raise NotFound(f"no case '{case_id}' in the catalog; `dutytrace search` lists case ids")

    def scope_filter(self, filters: dict | None = None) -> dict | None:
        """The filters narrowed to the cases this user may see (for callers that search through
        `searcher()` directly, such as the evaluation)."""
        return self._scoped(filters)

    # -- resources ---------------------------------------------------------------------------------
    @property
    def embedder(self):
        if self._res.embedder is None:
            from dutytrace.nlp.embed import embedder_ident, get_embedder
            from dutytrace.store import embedder_record

            s = self.settings
            # an index answers only queries embedded by the embedder that built it (DUTYTRACE_EMBEDDER)
            embedder_record.check(self.catalog, embedder_ident(s.embedder, s.embed_model),
                                  embedder_ident("fp32", s.embed_model))
            self._res.embedder = get_embedder(s.embed_model, s.device, s.embed_batch, s.embedder, s.models_path)
        return self._res.embedder

    @property
    def index(self) -> VectorIndex:
        if self._res.index is None:
            self._res.index = open_index(self.settings, self.embedder.dim)
        return self._res.index

    @property
    def _index(self) -> VectorIndex | None:
        return self._res.index

    @_index.setter
    def _index(self, value) -> None:
        self._res.index = value

    def close(self) -> None:
        if self._res.index is not None:
            self._res.index.close()
            self._res.index = None
        self.catalog.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- ingest ------------------------------------------------------------------------------------
    def ingest(self, paths: list[Path], workers: int = 1, progress=None) -> IngestReport:
        """Ingest files, folders and archives as this user: a case that exists already is written
        (documents added, metadata changed) only when the user can see it, and a clearance is lowered
        only by an admin (ingest/case_meta.py); everything else of the batch goes on. The audit log gets
        `ingest_start` before any work (so a killed run shows), a row per metadata change with its
        before/after values (`case_meta`), a `denied` row per refused case, and `ingest` at the end."""
        from dutytrace.dedupe import mark_near_duplicates
        from dutytrace.ingest.case_meta import DENIED, CaseGate

        from dutytrace.ingest.names import display_path

        target = ",".join(map(display_path, paths))[:500]  # valid Unicode, whatever the names' bytes
        me = self.require("ingest", "ingest", target)
        self.audit.record(me.name, "ingest_start", target, workers=workers)

        def changed(case_id: str, before: dict, after: dict) -> None:
            self.audit.record(me.name, "case_meta", case_id, before=before, after=after)

        def refused(case_id: str, reason: str, message: str) -> None:
            if reason == DENIED:
                self.audit.record(me.name, "denied", case_id, action="ingest", reason=message)

        gate = CaseGate(self.catalog, me, on_change=changed, on_refused=refused)
        ing = Ingestor(self.settings, self.catalog, lambda: self.index, lambda: self.embedder)
        try:
            report = ing.run([Path(p) for p in paths], workers=workers, progress=progress, gate=gate)
        except BaseException as e:
            try:  # the end of a failed run is recorded too, unless the catalog itself is what failed
                self.audit.record(me.name, "ingest", target, status="failed", error=f"{type(e).__name__}: {str(e)[:200]}")
            except Exception:
                pass
            raise
        report.near_duplicates = [{"doc_id": d, "duplicate_of": o, "similarity": round(s, 3)}
                                  for d, o, s in mark_near_duplicates(self.catalog)]
        self.audit.record(me.name, "ingest", target, status="done", run_id=report.run_id, ingested=report.ingested,
                          unchanged=report.unchanged, failed=len(report.failed),
                          denied=sorted(c for c, r in gate.refused.items() if r == DENIED),
                          metadata_changed=sorted({c["case_id"] for c in gate.changes}))
        return report

    def ingest_server_folder(self, folder: str | Path, workers: int = 1, progress=None) -> IngestReport:
        """Ingest a folder on the server (the UI's "folder on the server"): admins only, and only a
        folder under one of the roots of DUTYTRACE_INGEST_ROOTS, checked on its resolved path (links
        and `..` followed first). Without roots the option is off."""
        me = self.require("ingest", "ingest", str(folder)[:500], origin="server folder")
        if me.role != "admin":
            self._denied("ingest", str(folder)[:500], "server folders are for admins", origin="server folder")
            raise AccessDenied(f"user '{me.name}' ({me.role}) may not ingest a folder on the server: "
                               "upload the files instead, or ask an admin")
        roots = [Path(r).expanduser().resolve() for r in self.settings.ingest_roots]
        if not roots:
            self._denied("ingest", str(folder)[:500], "no ingest roots configured", origin="server folder")
            raise ConfigError("ingesting a folder on the server is off: set DUTYTRACE_INGEST_ROOTS to the folders it "
                              "may read (colon-separated, e.g. /srv/archive:/data/incoming) and restart the UI")
        try:
            path = Path(folder).expanduser().resolve(strict=True)
        except (OSError, RuntimeError):
            path = None
        if path is None or not any(path == r or path.is_relative_to(r) for r in roots):
            # the same words for a path that does not exist and one outside the roots
            self._denied("ingest", str(folder)[:500], "outside the ingest roots", origin="server folder")
            raise AccessDenied(f"'{folder}' is not a folder under the ingest roots "
                               f"({', '.join(map(str, roots))})")
        return self.ingest([path], workers=workers, progress=progress)

    def retag(self, workers: int = 1, progress=None) -> dict:
        """Re-run NLP on the stored text (after a codebook change) without re-parsing; re-index what changed."""
        me = self.require("reindex", "retag")
        self.audit.record(me.name, "retag_start", None, workers=workers)
        ing = Ingestor(self.settings, self.catalog, lambda: self.index, lambda: self.embedder)
        res = ing.retag(workers=workers, progress=progress)
        self.audit.record(me.name, "retag", None, documents=res.get("documents"), reindexed=res.get("reindexed"),
                          failed=len(res.get("failed") or []))
        return res

    def migrate_index(self, to_url: str, api_key: str | None = None, collection: str | None = None,
                      progress=None) -> dict:
        """Copy the embedded index to a Qdrant server/cluster (then set DUTYTRACE_QDRANT_URL to it)."""
        from dutytrace.store.migrate import migrate_embedded

        me = self.require("reindex", "index_migrate", to_url)
        self.audit.record(me.name, "index_migrate", to_url, collection=collection or self.settings.collection)

        if self._index is not None:
            self._index.close()
            self._index = None
        return migrate_embedded(self.settings, to_url, api_key, collection, progress)

    def reindex(self, progress=None) -> dict:
        """Rebuild the vector index from the catalog (after a model change, or a lost index)."""
        me = self.require("reindex", "reindex")
        self.audit.record(me.name, "reindex")
        from dutytrace.nlp.embed import embedder_ident
        from dutytrace.store import embedder_record

        embedder_record.replace(self.catalog, embedder_ident(self.settings.embedder, self.settings.embed_model))
        if self._index is not None:
            self._index.close()
            self._index = None
        if not self.settings.qdrant_url:  # emptied by whichever process holds it (store/index_owner.py)
            from dutytrace.store.index_owner import open_fresh

            self._index = open_fresh(self.settings, self.embedder.dim)
        else:
            idx = open_index(self.settings, self.embedder.dim, replace_outdated=True)  # an older schema: recreated
            idx.delete(list(idx.ids()))
        docs = [d["doc_id"] for d in self.catalog.documents()]
        ing = Ingestor(self.settings, self.catalog, lambda: self.index, lambda: self.embedder)
        for i in range(0, len(docs), 16):
            ing.index_documents(docs[i:i + 16])
            if progress:
                progress(min(i + 16, len(docs)), len(docs))
        ing.refresh_cases(set(self.catalog.case_ids()))  # builds and keeps every case's profile too
        return {"documents": len(docs), "chunks": self.index.count()}

    # -- read --------------------------------------------------------------------------------------
    def case(self, case_id: str) -> dict[str, Any]:
        """A case's profile (facts, documents, tags with evidence, accountability). Audited."""
        self.require("view", "view_case", case_id)
        self._check_case(case_id)
        self.audit.record(self.principal.name, "view_case", case_id)
        return case_profile(self.catalog, case_id, self._codebook())

    def case_ids(self) -> list[str]:
        """The ids of the cases this user may see."""
        visible = self._visible()
        return [c for c in self.catalog.case_ids() if visible is None or c in visible]

    def case_profiles(self) -> list[dict[str, Any]]:
        """Profiles of every case this user may see (for analytics; audited once, not per case)."""
        self.require("view", "analytics")
        self.audit.record(self.principal.name, "analytics", None)
        ids = self.case_ids()
        found = ProfileReader(self.catalog, self._codebook()).many(ids)  # stored profiles, read in batches
        return [found[c] for c in ids if c in found]

    def pages(self, doc_id: str) -> list[dict]:
        self._check_document(doc_id)
        return self.catalog.pages(doc_id)

    def chunks(self, doc_id: str) -> list[dict]:
        self._check_document(doc_id)
        return self.catalog.chunks(doc_id)

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

    def find_passages(self, query: str, limit: int = 10, mode: str = "hybrid", filters: dict | None = None):
        """search with how many passages match in all (search.PassageResult)."""
        self._search_audit(query, mode, filters, "passages")
        return self.searcher().find_passages(query, limit, mode, self._scoped(filters))

    def facets(self, query: str | None = None, mode: str = "hybrid", filters: dict | None = None) -> dict:
        """Counts of cases per field value for the current query and filters: {field: [(value, count)]}."""
        self.require("search", "facets")
        return self.searcher().facets(query, mode, self._scoped(filters))

    def page_text(self, doc_id: str, page: int) -> str:
        self._check_document(doc_id)
        for p in self.catalog.pages(doc_id):
            if p["page"] == page:
                return p["text"]
        raise NotFound(f"document {doc_id[:12]} has no page {page}")

    def _check_document(self, doc_id: str) -> dict:
        doc = self.catalog.document(doc_id)
        if doc is None:
            raise NotFound(f"no document {doc_id[:12]} in the catalog")
        self.require("view", "view_document", doc_id)
        self._check_case(doc["case_id"], "view_document")
        return doc

    def document(self, doc_id: str) -> dict:
        """A document's record. Audited as a view."""
        doc = self._check_document(doc_id)
        self.audit.record(self.principal.name, "view_document", doc_id, case_id=doc["case_id"], name=doc["name"])
        return doc

    def document_bytes(self, doc_id: str) -> bytes:
        """The original file (for download). Audited."""
        doc = self._check_document(doc_id)
        self.audit.record(self.principal.name, "export", doc_id, what="original file", name=doc["name"])
        return FileStore(self.settings.home / "files").get(doc_id)

    def page_image(self, doc_id: str, page: int, scale: float = 1.5) -> bytes | None:
        """PNG of a PDF page, or None for documents that are not PDFs (show their text instead)."""
        if self._check_document(doc_id)["fmt"] != "pdf":
            return None
        from dutytrace.ingest.pdf import render_page_png

        return render_page_png(FileStore(self.settings.home / "files").get(doc_id), page, scale)

    def passage_boxes(self, doc_id: str, page: int, text: str) -> list[tuple[float, float, float, float]]:
        """Where a passage sits on a PDF page (for the viewer's highlight): one (x0, top, x1, bottom) box
        per line, as fractions of the page size; [] when not a PDF or not found. Letters and digits are
        matched, so line wraps, hyphenation and spacing do not matter; a long passage is found by its
        first and last 24 characters."""
        if self._check_document(doc_id)["fmt"] != "pdf":
            return []
        import io

        import pdfplumber

        with pdfplumber.open(io.BytesIO(FileStore(self.settings.home / "files").get(doc_id))) as pdf:
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
        """Counts of what this user may see (an uncleared user learns nothing from them)."""
        visible = self._visible()
        if visible is None:
            return {"cases": len(self.catalog.case_ids()), "documents": len(self.catalog.documents()),
                    "chunks": self.catalog.chunk_count()}
        docs = [d for d in self.catalog.documents() if d["case_id"] in visible]
        return {"cases": len({d["case_id"] for d in docs}), "documents": len(docs),
                "chunks": self.catalog.chunk_count_of([d["doc_id"] for d in docs])}

    def record_export(self, what: str, **detail) -> None:
        """Exports (the UI's CSV/XLSX of evidence, the CLI's `search --csv` and `audit --csv`) are
        checked and audited here."""
        self.require("export", "export", what=what)
        self.audit.record(self.principal.name, "export", None, what=what, **detail)

    # -- analyse a file without storing it -------------------------------------------------------
    def analyze_file(self, path: Path) -> dict[str, Any]:
        """Analyse a file without storing it (reads nothing of the catalog). Audited."""
        path = Path(path)
        me = self.require("view", "analyze", str(path))
        if not path.is_file():
            raise NotFound(f"{path}: no such file")
        self.audit.record(me.name, "analyze", str(path))
        doc, chunks, analysis = self._prepare(path)
        return {"path": str(path), "pages": len(doc.pages), "chunks": len(chunks), **analysis.to_json()}

    def similar(self, path: Path | None = None, case_id: str | None = None, limit: int = 10) -> list[dict]:
        """Past cases most like a new document (or an existing case), each with its reasons (similar.py)."""
        from dutytrace.similar import Material, rank_similar

        codebook = self._codebook()
        if path is not None:
            path = Path(path)
            if not path.is_file():
                raise NotFound(f"{path}: no such file")
            doc, chunks, analysis = self._prepare(path)
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
                            passages=self.catalog.passages)

    def _prepare(self, path: Path):
        """`prepare` of a file not to be stored (similar, analyze_file), remembered for the last few files
        by their bytes: the Similar page ranks an upload and then says what it read of it (one analysis)."""
        import hashlib

        data = path.read_bytes()
        key = (hashlib.sha256(data).hexdigest(), str(path))
        cache = self._res.prepared
        if key not in cache:
            if len(cache) >= 4:
                cache.pop(next(iter(cache)))
            cache[key] = prepare(data, str(path), "__new__", path.name, self.settings)
        return cache[key]

    def review_tag(self, case_id: str, doc_id: str | None, tag: str, decision: str, reviewer: str | None = None) -> str:
        """Accept or reject a tag on one document (doc_id, an id prefix or the file name) or, with doc_id
        None or "*", on the whole case. A document decision is kept by file name, so it holds for a new
        version of the file too; re-ingesting never undoes it. Returns the key it was stored under.
        The reviewer is the caller; only an admin may enter a decision in another reviewer's name
        (e.g. from a paper record), and then both names are recorded."""
        if decision not in ("accepted", "rejected"):
            raise ValueError("decision must be 'accepted' or 'rejected'")
        me = self.require("review", "review_tag", case_id, tag=tag)
        self._check_case(case_id, "review_tag")
        if reviewer and reviewer != me.name:
            if me.role != "admin":
                self._denied("review_tag", case_id, "reviewer override", reviewer=reviewer, tag=tag)
                raise AccessDenied(f"user '{me.name}' ({me.role}) may not record a decision as '{reviewer}': "
                                   "the reviewer recorded is the one who decides (admins may enter another's)")
            reviewer = f"{reviewer} (entered by {me.name})"
        else:
            reviewer = me.name
        key = self._doc_key(case_id, doc_id)
        before, after = self._desk().decide_tag(case_id, key, tag, decision, reviewer, me.name)
        self.audit.record(me.name, "review_tag", case_id, doc=key, tag=tag, decision=decision, reviewer=reviewer,
                          before=before, after=after)
        self._case_changed(case_id)
        return key

    def _doc_key(self, case_id: str, doc_id: str | None) -> str:
        """The key a review decision is kept under: "*" for the whole case, else `name:<file name>` of
        the one document that `doc_id` (an id, an id prefix or the file name) names."""
        docs = self.catalog.documents(case_id)
        if not docs:
            raise NotFound(f"no case '{case_id}' in the catalog")
        if doc_id in (None, "", "*"):
            return "*"
        if doc_id.startswith("name:"):
            doc_id = doc_id[5:]
        match = [d for d in docs if d["doc_id"].startswith(doc_id) or d["name"] == doc_id]
        if len(match) != 1:
            raise NotFound(f"case '{case_id}' has {'no' if not match else 'more than one'} document '{doc_id}'")
        return "name:" + match[0]["name"]

    def _case_changed(self, case_id: str) -> None:
        """A review decision changed the case's tags: its index payload (filters, facets) follows."""
        self.index.set_payload(case_id, index_payload(case_profile(self.catalog, case_id, self._codebook())))

    # -- the investigator's desk: review history and undo, working sets, notes (store/desk.py, desk.py)
    def _desk(self):
        from dutytrace.store.desk import DeskStore

        return DeskStore(self.catalog)

    def review_decisions(self, case_id: str) -> list[dict]:
        """The case's current review decisions (tags per document or case, single pieces of evidence),
        newest first, each with reviewer and time. Needs the same clearance as the case."""
        from dutytrace.desk import with_times

        self.require("view", "view_case", case_id, what="review decisions")
        self._check_case(case_id, "review_decisions")
        return with_times(self._desk().decisions(case_id))

    def tag_evidence(self, case_id: str, tag: str) -> list[dict]:
        """Every piece of evidence of a tag in the case, each with its id and decision (if any)."""
        from dutytrace.desk import with_times

        self.require("view", "view_case", case_id, what="tag evidence")
        self._check_case(case_id, "tag_evidence")
        return with_times(self._desk().tag_evidence(case_id, tag))

    def review_evidence(self, case_id: str, tag: str, evidence_id: str, decision: str) -> dict:
        """Accept or reject one piece of evidence of a tag, in the caller's name; the tag decision of
        its document follows (store/desk.py). Audited (`review_evidence`) with before/after."""
        from dutytrace.store.desk import DECISIONS, DeskError

        if decision not in DECISIONS:
            raise DeskError("decision must be 'accepted' or 'rejected'")
        me = self.require("review", "review_evidence", case_id, tag=tag, evidence=evidence_id)
        self._check_case(case_id, "review_evidence")
        ch = self._desk().decide_evidence(case_id, tag, evidence_id, decision, me.name, me.name)
        self.audit.record(me.name, "review_evidence", case_id, tag=tag, evidence=evidence_id, doc=ch["doc_key"],
                          before=ch["before"], after=ch["after"], tag_before=ch["tag_before"],
                          tag_after=ch["tag_after"])
        self._case_changed(case_id)
        return ch

    def undo_review(self, case_id: str, tag: str, doc_id: str | None = None, evidence_id: str | None = None) -> dict:
        """Take back the current decision on a tag (of one document, or of the case) or on one piece of
        evidence: it goes back to what it was before (none, for a first decision). Needs the review
        permission; audited (`review_undo`) with before/after."""
        me = self.require("review", "review_undo", case_id, tag=tag)
        self._check_case(case_id, "review_undo")
        key = None if evidence_id else self._doc_key(case_id, doc_id)
        ch = self._desk().undo(case_id, tag, key, evidence_id, by=me.name)
        self.audit.record(me.name, "review_undo", case_id, tag=tag, doc=ch["doc_key"], evidence=evidence_id,
                          before=ch["before"], after=ch["after"], tag_before=ch["tag_before"],
                          tag_after=ch["tag_after"])
        self._case_changed(case_id)
        return ch

    def pin(self, case_id: str, workset: str | None = None, pinned: bool = True) -> bool:
        """Pin a case to (or, pinned=False, unpin it from) one of the caller's named working sets
        ("default" when unnamed). Returns whether anything changed. Audited (`pin` / `unpin`)."""
        from dutytrace.store.desk import check_workset

        ws = check_workset(workset)
        me = self.require("view", "pin" if pinned else "unpin", case_id, workset=ws)
        self._check_case(case_id, "pin" if pinned else "unpin")
        desk = self._desk()
        did = desk.pin(me.name, ws, case_id) if pinned else desk.unpin(me.name, ws, case_id)
        self.audit.record(me.name, "pin" if pinned else "unpin", case_id, workset=ws,
                          before=not pinned if did else pinned, after=pinned)
        return did

    def pinned_in(self, case_id: str) -> list[str]:
        """The caller's working sets that hold this case (nothing for a case the caller may not see)."""
        self._check_case(case_id, "pinned_in")
        return sorted({p["workset"] for p in self._desk().pins(self.principal.name) if p["case_id"] == case_id})

    def pinned_cases(self, workset: str | None = None) -> set[str]:
        """The ids of the cases in one of the caller's working sets that the caller may see now (for
        the pin buttons of a page of results: one query, not one per card)."""
        from dutytrace.store.desk import check_workset

        visible = self._visible()
        return {p["case_id"] for p in self._desk().pins(self.principal.name, check_workset(workset))
                if visible is None or p["case_id"] in visible}

    def worksets(self) -> dict[str, int]:
        """The caller's working sets with how many of their cases the caller may see now."""
        visible = self._visible()
        out: dict[str, int] = {}
        for p in self._desk().pins(self.require("view", "worksets").name):
            out.setdefault(p["workset"], 0)
            if visible is None or p["case_id"] in visible:
                out[p["workset"]] += 1
        return out

    def workset(self, workset: str | None = None, tag_label=str) -> list[dict]:
        """The cases of one of the caller's working sets with their facts and decided tags, in the
        order pinned: only cases the caller is cleared for now (a pin of a case whose clearance the
        caller lost stays stored, unseen). Audited as a view."""
        from dutytrace.desk import workset_rows
        from dutytrace.store.desk import check_workset

        ws = check_workset(workset)
        me = self.require("view", "view_case", None, what="workset", workset=ws)
        visible = self._visible()
        pins = [p for p in self._desk().pins(me.name, ws) if visible is None or p["case_id"] in visible]
        profiles = ProfileReader(self.catalog, self._codebook(), visible).many([p["case_id"] for p in pins])
        self.audit.record(me.name, "view_case", None, what="workset", workset=ws, cases=sorted(profiles))
        return workset_rows(pins, profiles, tag_label)

    def workset_csv(self, workset: str | None = None, tag_label=str, header: dict | None = None) -> bytes:
        """The working set as CSV (formula-escaped). Needs the export permission; audited."""
        from dutytrace.desk import workset_csv

        self.require("export", "export", what="workset CSV")
        rows = self.workset(workset, tag_label)
        self.record_export("workset CSV", workset=workset or "default", rows=len(rows))
        return workset_csv(rows, header)

    def notes(self, case_id: str, chunk_id: str | None = None) -> list[dict]:
        """A case's notes (or a passage's), oldest first, with author and time. Only for users
        cleared for the case (others get the same NotFound as for a case that does not exist)."""
        from dutytrace.desk import with_times

        from dutytrace.desk import may_change_note

        me = self.require("view", "view_case", case_id, what="notes")
        self._check_case(case_id, "notes")
        mine = me.can("review")  # `mine`: the caller may edit or delete it (its author, or an admin)
        return [{**n, "mine": mine and may_change_note(n, me.name, me.role)}
                for n in with_times(self._desk().notes(case_id, chunk_id=chunk_id))]

    def document_notes(self, doc_id: str) -> dict[str, list[dict]]:
        """The notes on the passages of one document, by chunk id (for the document viewer), each with
        `mine` as in notes()."""
        from dutytrace.desk import may_change_note, notes_by_chunk, with_times

        doc = self._check_document(doc_id)
        me = self.principal
        return notes_by_chunk([{**n, "mine": me.can("review") and may_change_note(n, me.name, me.role)}
                               for n in with_times(self._desk().notes(doc["case_id"], doc_id=doc_id))])

    def add_note(self, case_id: str, text: str, chunk_id: str | None = None) -> dict:
        """A note on a case or, with `chunk_id`, on one of its passages, in the caller's name. Needs the
        review permission and clearance for the case; audited (`note`, before none, after the note)."""
        from dutytrace.desk import with_times
        from dutytrace.store.desk import check_note

        text = check_note(text)
        me = self.require("review", "note", case_id, passage=chunk_id)
        self._check_case(case_id, "note")
        doc_id = page = None
        if chunk_id:
            chunk = next((c for c in self.catalog.chunks_of_case(case_id) if c["chunk_id"] == chunk_id), None)
            if chunk is None:
                raise NotFound(f"case '{case_id}' has no passage '{chunk_id}'")
            doc_id, page = chunk["doc_id"], chunk["page"]
        note = self._desk().add_note(case_id, me.name, text, chunk_id, doc_id, page)
        self.audit.record(me.name, "note", case_id, note=note["id"], passage=chunk_id, before=None,
                          after={"text": text, "author": me.name})
        return with_times([note])[0]

    def _own_note(self, note_id: str, action: str):
        """(caller, note) for a change to a note: the review permission, clearance for its case (a note
        of a case the caller may not see is as missing as one that does not exist), and being its
        author or an admin (desk.may_change_note); each refusal audited as `denied`."""
        from dutytrace.desk import may_change_note

        me = self.require("review", action, None, note=note_id)
        note = self._desk().note(note_id)
        if note is None or note["deleted_at"] is not None:
            raise NotFound(f"no note '{note_id}'; `dutytrace notes CASE` lists a case's notes")
        try:
            self._check_case(note["case_id"], action)
        except NotFound:
            raise NotFound(f"no note '{note_id}'; `dutytrace notes CASE` lists a case's notes") from None
        if not may_change_note(note, me.name, me.role):
            reason = f"user '{me.name}' may not change a note written by '{note['author']}'"
            self._denied(action, note["case_id"], reason, note=note_id)
            raise AccessDenied(reason)
        return me, note

    def edit_note(self, note_id: str, text: str) -> dict:
        """New text for a note, by its author (or an admin) cleared for its case. Audited (`note_edit`,
        with the note before and after); the note shows when it was edited."""
        from dutytrace.desk import note_state, with_times
        from dutytrace.store.desk import check_note

        text = check_note(text)
        me, _ = self._own_note(note_id, "note_edit")
        before, after = self._desk().edit_note(note_id, text, me.name)
        self.audit.record(me.name, "note_edit", before["case_id"], note=note_id, passage=before["chunk_id"],
                          before=note_state(before), after=note_state(after))
        return with_times([after])[0]

    def delete_note(self, note_id: str) -> dict:
        """Delete a note, by its author (or an admin) cleared for its case: it leaves every view; its
        text stays in the audit log (`note_delete`, before the note, after none)."""
        from dutytrace.desk import note_state, with_times

        me, _ = self._own_note(note_id, "note_delete")
        before = self._desk().delete_note(note_id, me.name)
        self.audit.record(me.name, "note_delete", before["case_id"], note=note_id, passage=before["chunk_id"],
                          before=note_state(before), after=None)
        return with_times([before])[0]

    def statements(self, case_id: str, min_speakers: int = 2) -> list[dict]:
        """Statements of different interviewees of a case about the same fact, lined up:
        [{"topic", "statements": [{"speaker", "role", "doc", "page", "text"}]}]."""
        from dutytrace.nlp.statements import group_statements

        self._check_case(case_id, "statements")
        docs = [d for d in self.catalog.documents(case_id)]
        pages = {d["doc_id"]: self.catalog.pages(d["doc_id"]) for d in docs}
        return group_statements(docs, pages, self.embedder.encode, min_speakers=min_speakers)


    # -- rectification measures and their follow-up (store/measures.py) ---------------------------
    def measures(self, case_id: str) -> dict:
        """A case's rectification measures with their follow-up: {"case_id", "items": [{"id", "measure",
        "body", "deadline", "status", "page", ...}]}. Audited as a view of the case."""
        from dutytrace.store.measures import MeasureStore

        self.require("view", "view_case", case_id, what="measures")
        self._check_case(case_id, "measures")
        self.audit.record(self.principal.name, "view_case", case_id, what="measures")
        return {"case_id": case_id, "items": MeasureStore(self.catalog).items(case_id)}

    def set_measure_status(self, case_id: str, item_id: str, status: str, note: str | None = None,
                           checked: str | None = None) -> dict:
        """Record the status of one measure (open | in_progress | done | overdue), with a note and the
        date checked (today when not given), in the caller's name; needs the `review` permission.
        Audited (`measure_status`) with the values before and after. Returns the item."""
        from dutytrace.store.measures import MeasureStore, check_status

        check_status(status)
        me = self.require("review", "measure_status", case_id, item=item_id)
        self._check_case(case_id, "measure_status")
        before, after = MeasureStore(self.catalog).set_status(case_id, item_id, status, note, me.name, checked)
        keys = ("recorded_status", "note", "checked", "by")
        self.audit.record(me.name, "measure_status", case_id, item=item_id, document=after["document"],
                          before={k: before[k] for k in keys}, after={k: after[k] for k in keys})
        return after

    def measure_followup(self, statuses: list[str] | None = None) -> list[dict]:
        """The measures of every case this user may see, with case title, region and age (the
        follow-up view), optionally only those whose status is among `statuses`. Audited once (as
        analytics), not per case."""
        from dutytrace.store.measures import MeasureStore, check_status

        wanted = {check_status(s) for s in statuses} if statuses else None
        self.require("view", "analytics", what="measure follow-up")
        self.audit.record(self.principal.name, "analytics", None, what="measure follow-up")
        rows = MeasureStore(self.catalog).followup(self.case_ids())
        return [r for r in rows if wanted is None or r["status"] in wanted]

    # -- UI sessions that outlive a reload, saved searches (store/sessions.py, store/saved_searches.py) --
    def sign_in(self, name: str, password: str) -> tuple[Principal, str] | None:
        """`login`, and for a success a new session token (made here, never taken from the browser)."""
        from dutytrace.store.sessions import SessionStore

        p = self.login(name, password)
        return None if p is None else (p, SessionStore(self.catalog).create(p.name))

    def resume_session(self, token: str | None) -> Principal | None:
        """The user of a live session token, as they are now (role, clearance, grants), or None; the
        session of a disabled or removed user is ended. A resumed session is audited."""
        from dutytrace.store.sessions import SessionStore, _digest

        store = SessionStore(self.catalog)
        name = store.user(token)
        if name is None:
            return None
        try:
            p = self.users.principal(name)
        except (AccessDenied, AuthRequired):
            store.revoke(token)
            return None
        self.audit.record(p.name, "session_resume", None, session=_digest(token)[:12])
        return p

    def session_live(self, token: str | None) -> bool:
        """Whether a session is still live (its last use is recorded, at most once a minute): checked on
        every page run, so expiry and a sign-out elsewhere end an open page's session too."""
        from dutytrace.store.sessions import SessionStore

        return SessionStore(self.catalog).user(token) is not None

    def sign_out(self, token: str | None) -> None:
        """End the session (the token no longer signs anybody in, wherever it was copied). Audited."""
        from dutytrace.store.sessions import SessionStore, _digest

        SessionStore(self.catalog).revoke(token)
        who = self._user.name if self._user is not None else LOCAL.name
        self.audit.record(who, "logout", None, session=_digest(token)[:12] if token else None)

    def save_search(self, name: str, query: str, mode: str = "hybrid", sort: str = "relevance",
                    filters: dict | None = None) -> dict:
        """Save the Search page's query, mode, sort and filters under a name, for this user. Audited."""
        from dutytrace.store.saved_searches import SavedSearches

        me = self.require("search", "saved_search", name)
        saved = SavedSearches(self.catalog).save(me.name, name, query, mode, sort, filters)
        self.audit.record(me.name, "saved_search", saved["id"], op="save", name=saved["name"], query=query,
                          mode=mode, sort=sort, filters=filters or {})
        return saved

    def saved_searches(self) -> list[dict]:
        """This user's saved searches, newest first."""
        from dutytrace.store.saved_searches import SavedSearches

        me = self.require("search", "saved_search")
        return SavedSearches(self.catalog).list(me.name)

    def saved_search(self, search_id: str) -> dict:
        """One of this user's saved searches, to run again (audited as op=run; the search itself is
        audited when it runs)."""
        from dutytrace.store.saved_searches import SavedSearches

        me = self.require("search", "saved_search", search_id)
        saved = SavedSearches(self.catalog).get(me.name, search_id)
        self.audit.record(me.name, "saved_search", search_id, op="run", name=saved["name"])
        return saved

    def delete_saved_search(self, search_id: str) -> None:
        from dutytrace.store.saved_searches import SavedSearches

        me = self.require("search", "saved_search", search_id)
        gone = SavedSearches(self.catalog).delete(me.name, search_id)
        self.audit.record(me.name, "saved_search", search_id, op="delete", name=gone["name"])

    # -- the investigator's desk: precedent brief, comparison, sanctions (brief.py, compare.py, sanctions.py)
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
            return self._prepare(path)
        return prepare(path.read_bytes(), str(path), "__new__", path.name, self.settings)

    def compare(self, case_ids: list[str]) -> dict:
        """Two or three cases side by side, aligned by issue (compare.py). Each case is checked for this
        user; audited as a view of each."""
        from dutytrace.compare import compare
        from dutytrace.nlp.codebook import load_codebook
        from dutytrace.store.measures import MeasureStore

        ids = list(dict.fromkeys(case_ids))
        if not 2 <= len(ids) <= 3:
            raise ValueError("compare two or three different cases")
        me = self.require("view", "compare", ",".join(ids))
        for cid in ids:
            self._check_case(cid, "compare")
        store = MeasureStore(self.catalog)
        out = compare([case_profile(self.catalog, c) for c in ids], {c: store.items(c) for c in ids},
                      load_codebook(self.settings.codebook))
        for cid in ids:
            self.audit.record(me.name, "view_case", cid, what="compare", cases=ids)
        return out

    def sanctions(self, level: str | None = None, group: str | None = None) -> list[dict]:
        """Sanctions across the cases this user may see, by responsibility level and post group
        (sanctions.py). Audited once (as analytics)."""
        from dutytrace.sanctions import table

        self.require("view", "analytics", what="sanctions")
        self.audit.record(self.principal.name, "analytics", None, what="sanctions", level=level, group=group)
        return table([case_profile(self.catalog, c) for c in self.case_ids()], level, group)
