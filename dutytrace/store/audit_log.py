"""The audit log's rows (audit.py decides what is recorded): appended, read newest first; never updated
or deleted (the database refuses it: triggers made by migration 0001 on SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import insert, select

from dutytrace.store import schema as t

A = t.audit.c


def append(db, at: float, user: str, action: str, target: str | None, detail: str) -> None:
    with db.transaction() as tx:
        tx.execute(insert(t.audit), {"at": at, "user": user, "action": action, "target": target, "detail": detail})


def rows(db, user: str | None = None, action: str | None = None, since: float | None = None,
         limit: int = 1000) -> list[dict]:
    """Rows (dicts with id, at, user, action, target, detail as stored), newest first."""
    q = select(t.audit)
    if user is not None:
        q = q.where(A.user == user)
    if action is not None:
        q = q.where(A.action == action)
    if since is not None:
        q = q.where(A.at >= since)
    return [dict(r._mapping) for r in db.all(q.order_by(A.id.desc()).limit(limit))]
