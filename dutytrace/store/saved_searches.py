"""Saved searches, per user, in the catalog: a name, the query, the mode, the sort and the filters of
the Search page (the same fields its URL carries), so that a search can be run again later in one
click. Each user sees and deletes only their own. Filters are stored as JSON in the URL's form
({"accident_type": "fire", "case_tags": ["a", "b"], "year": [2018, 2020]})."""

from __future__ import annotations

import json
import time
import uuid

from dutytrace.errors import DutytraceError, NotFound

SCHEMA = """
CREATE TABLE IF NOT EXISTS saved_searches (
  id TEXT PRIMARY KEY, owner TEXT NOT NULL, name TEXT NOT NULL, query TEXT NOT NULL, mode TEXT NOT NULL,
  sort TEXT NOT NULL, filters TEXT NOT NULL, created REAL NOT NULL);
CREATE INDEX IF NOT EXISTS saved_searches_owner ON saved_searches(owner, created);
"""

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
        self.db.executescript(SCHEMA)

    def save(self, owner: str, name: str, query: str, mode: str = "hybrid", sort: str = "relevance",
             filters: dict | None = None) -> dict:
        """Store a search under `name` for `owner`; a search of the same name is replaced. Returns it."""
        name = " ".join((name or "").split())[:MAX_NAME]
        if not name:
            raise BadSavedSearch("a saved search needs a name")
        if not (query or "").strip() and not filters:
            raise BadSavedSearch("there is nothing to save: type a query or choose a filter first")
        blob = json.dumps(filters or {}, ensure_ascii=False, sort_keys=True)
        with self.db:
            old = self.db.execute("SELECT id FROM saved_searches WHERE owner=? AND name=?", (owner, name)).fetchone()
            if old is None and self.db.execute("SELECT COUNT(*) FROM saved_searches WHERE owner=?",
                                               (owner,)).fetchone()[0] >= MAX_PER_USER:
                raise BadSavedSearch(f"{MAX_PER_USER} saved searches already: delete some first")
            sid = old["id"] if old else "s" + uuid.uuid4().hex[:12]
            self.db.execute("DELETE FROM saved_searches WHERE id=?", (sid,))
            self.db.execute("INSERT INTO saved_searches(id, owner, name, query, mode, sort, filters, created) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (sid, owner, name, query or "", mode, sort, blob, time.time()))
        return self.get(owner, sid)

    def list(self, owner: str) -> list[dict]:
        """The owner's saved searches, newest first."""
        rows = self.db.execute("SELECT * FROM saved_searches WHERE owner=? ORDER BY created DESC, name", (owner,))
        return [_row(r) for r in rows.fetchall()]

    def get(self, owner: str, search_id: str) -> dict:
        r = self.db.execute("SELECT * FROM saved_searches WHERE owner=? AND id=?", (owner, search_id)).fetchone()
        if r is None:  # another user's id reads as missing, in the same words
            raise NotFound(f"no saved search '{search_id}'")
        return _row(r)

    def delete(self, owner: str, search_id: str) -> dict:
        found = self.get(owner, search_id)
        with self.db:
            self.db.execute("DELETE FROM saved_searches WHERE owner=? AND id=?", (owner, search_id))
        return found
