"""The one access-and-audit policy every operation of the service goes through, and the resources
every user's view shares. `ServicePolicy` owns the catalog, the users and the audit log (and, lazily,
the embedding model and the index); it says who is asking (`principal`), refuses what that user may
not do and writes the refusal to the audit log (`require`, `_denied`), limits every read to the cases
the user is cleared for (`_visible`, `_scoped`, `_check_case`, `_check_document`, `case_ids`) and
records exports (`record_export`). The concern modules beside it (ingesting, searching, cases, desk,
sessions) each add their operations to it as a subclass and import nothing of one another."""

from __future__ import annotations

import copy
from typing import Self

from dutytrace.config import Settings
from dutytrace.audit import Audit
from dutytrace.errors import NotFound
from dutytrace.security import LOCAL, AccessDenied, AuthRequired, Principal, Users, case_clearances
from dutytrace.profile import materialise_missing
from dutytrace.store.catalog import Catalog
from dutytrace.store.vectors import VectorIndex, open_index


class _Resources:
    """What every user's view of the service shares."""

    def __init__(self):
        self.embedder = None
        self.index: VectorIndex | None = None
        self.query_vector = None  # the embedder's encode_query, remembering recent queries
        self.prepared: dict = {}  # the last few files analysed without storing them (Dutytrace._prepare)


class ServicePolicy:
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

    def for_user(self, user: Principal) -> Self:
        """The same service (catalog, model, index) acting as another user."""
        view = copy.copy(self)
        view._user = user
        return view

    # -- who is asking ------------------------------------------------------------------------------
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

    # -- resources ----------------------------------------------------------------------------------
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

    def keep_index_warm(self) -> bool:
        """For a long-running process (the UI): whenever it holds the embedded index, its passages' filter
        fields are read into memory in the background (store/index_owner.py, SharedIndex.keep_warm), so
        that no search reads them from the shard. Off with DUTYTRACE_WARM_INDEX=0; nothing for a Qdrant
        server. Returns whether it was asked."""
        keep = getattr(self.index, "keep_warm", None)
        if not self.settings.warm_index or keep is None:
            return False
        keep()
        return True

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

    # -- the cases and documents this user may see; exports -----------------------------------------
    def case_ids(self) -> list[str]:
        """The ids of the cases this user may see."""
        visible = self._visible()
        return [c for c in self.catalog.case_ids() if visible is None or c in visible]

    def _check_document(self, doc_id: str) -> dict:
        doc = self.catalog.document(doc_id)
        if doc is None:
            raise NotFound(f"no document {doc_id[:12]} in the catalog")
        self.require("view", "view_document", doc_id)
        self._check_case(doc["case_id"], "view_document")
        return doc

    def record_export(self, what: str, **detail) -> None:
        """Exports (the UI's CSV/XLSX of evidence, the CLI's `search --csv` and `audit --csv`) are
        checked and audited here."""
        self.require("export", "export", what=what)
        self.audit.record(self.principal.name, "export", None, what=what, **detail)
