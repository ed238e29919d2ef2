"""Writing the archive: ingest (files, folders, archives; a folder on the server), retag, reindex and
moving the index to a Qdrant server (indexing.py, ingest/, store/migrate.py)."""

from __future__ import annotations

from pathlib import Path

from dutytrace.errors import ConfigError
from dutytrace.security import AccessDenied
from dutytrace.indexing import Ingestor, IngestReport
from dutytrace.store.vectors import open_index
from dutytrace.service.policy import ServicePolicy


def check_nlp_settings(settings) -> None:
    """Refuse a run before any file is read when the analysis settings name no reader (DUTYTRACE_TAGGER,
    DUTYTRACE_MEASURES): otherwise every file of the batch would fail alone with the same message."""
    from dutytrace.nlp.analyze import check_tagger
    from dutytrace.nlp.measures_learned import mode

    check_tagger(settings.tagger)
    mode()  # raises ConfigError naming DUTYTRACE_MEASURES and its values


class IngestMixin(ServicePolicy):
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
        check_nlp_settings(self.settings)
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
        check_nlp_settings(self.settings)
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
