"""Saved searches, per user, in the catalog: a name, the query, the mode, the sort and the filters of
the Search page (the same fields its URL carries), so that a search can be run again later in one
click. Each user sees and deletes only their own. Filters are stored as JSON in the URL's form
({"accident_type": "fire", "case_tags": ["a", "b"], "year": [2018, 2020]})."""

from __future__ import annotations

import json
import time
import uuid

from sqlalchemy import delete, func, insert, select

from dutytrace.errors import DutytraceError, NotFound
from dutytrace.store import schema as t

S = t.saved_searches.c


MAX_NAME = 120
MAX_PER_USER = 200


class BadSavedSearch(DutytraceError):
    """A saved search without a name or query, or one too many."""


def _row(r) -> dict:
    return {"id": r["id"], "owner": r["owner"], "name": r["name"], "query": r["query"], "mode": r["mode"],
            "sort": r["sort"], "filters": json.loads(r["filters"]), "created": r["created"]}


class SavedSearches:
    def __init__(self, catalog):
        self.db = catalog.db

    def save(self, owner: str, name: str, query: str, mode: str = "hybrid", sort: str = "relevance",
             filters: dict | None = None) -> dict:
        """Store a search under `name` for `owner`; a search of the same name is replaced. Returns it."""
        name = " ".join((name or "").split())[:MAX_NAME]
        if not name:
            raise BadSavedSearch("a saved search needs a name")
        if not (query or "").strip() and not filters:
            raise BadSavedSearch("there is nothing to save: type a query or choose a filter first")
        blob = json.dumps(filters or {}, ensure_ascii=False, sort_keys=True)
        with self.db.transaction() as tx:
            old = tx.execute(select(S.id).where(S.owner == owner, S.name == name)).first()
            if old is None and tx.execute(select(func.count()).select_from(t.saved_searches)
                                          .where(S.owner == owner)).scalar() >= MAX_PER_USER:
                raise BadSavedSearch(f"{MAX_PER_USER} saved searches already: delete some first")
            sid = old.id if old else "s" + uuid.uuid4().hex[:12]
            tx.execute(delete(t.saved_searches).where(S.id == sid))
            tx.execute(insert(t.saved_searches), {"id": sid, "owner": owner, "name": name, "query": query or "",
                                                  "mode": mode, "sort": sort, "filters": blob, "created": time.time()})
        return self.get(owner, sid)

    def list(self, owner: str) -> list[dict]:
        """The owner's saved searches, newest first."""
        rows = self.db.all(select(t.saved_searches).where(S.owner == owner).order_by(S.created.desc(), S.name))
        return [_row(r._mapping) for r in rows]

    def get(self, owner: str, search_id: str) -> dict:
        r = self.db.first(select(t.saved_searches).where(S.owner == owner, S.id == search_id))
        if r is None:  # another user's id reads as missing, in the same words
            raise NotFound(f"no saved search '{search_id}'")
        return _row(r._mapping)

    def delete(self, owner: str, search_id: str) -> dict:
        found = self.get(owner, search_id)
        with self.db.transaction() as tx:
            tx.execute(delete(t.saved_searches).where(S.owner == owner, S.id == search_id))
        return found
