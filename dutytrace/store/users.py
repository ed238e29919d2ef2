"""The rows of users and per-case grants (security.py holds the rules: roles, clearance, passwords)."""

from __future__ import annotations

from sqlalchemy import delete, func, insert, select, update

from dutytrace.store import schema as t
from dutytrace.store.db import insert_ignore

U, G = t.users.c, t.grants.c


class UserRows:
    def __init__(self, db):
        self.db = db

    def count(self) -> int:
        return int(self.db.scalar(select(func.count()).select_from(t.users)))

    def get(self, name: str) -> dict | None:
        row = self.db.first(select(t.users).where(U.name == name))
        return dict(row._mapping) if row else None

    def add(self, name: str, role: str, clearance: str, password_hash: str, created: float) -> None:
        with self.db.transaction() as tx:
            tx.execute(insert(t.users), {"name": name, "role": role, "clearance": clearance,
                                         "password_hash": password_hash, "disabled": 0, "created": created})

    def all(self) -> list[dict]:
        return [dict(r._mapping) for r in self.db.all(
            select(U.name, U.role, U.clearance, U.disabled, U.created).order_by(U.name))]

    def change(self, name: str, **values) -> None:
        """Set columns of a user (role, clearance, disabled) in one transaction."""
        if values:
            with self.db.transaction() as tx:
                tx.execute(update(t.users).where(U.name == name).values(**values))

    def grant(self, name: str, case_id: str, revoke: bool = False) -> None:
        with self.db.transaction() as tx:
            if revoke:
                tx.execute(delete(t.grants).where(G.name == name, G.case_id == case_id))
            else:
                insert_ignore(tx, t.grants, {"name": name, "case_id": case_id})

    def grants(self, name: str) -> list[str]:
        return [r[0] for r in self.db.all(select(G.case_id).where(G.name == name).order_by(G.case_id))]

    def other_active_admins(self, name: str) -> int:
        return int(self.db.scalar(select(func.count()).select_from(t.users).where(
            U.role == "admin", U.disabled == 0, U.name != name)))
