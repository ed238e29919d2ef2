"""Users, roles, clearance and per-case grants.

Roles: admin (everything, including users and the audit log), investigator (search, view, review
tags, export, ingest), viewer (search and view). Cases carry a clearance (open < internal <
restricted, from case.yaml; open by default). A user sees a case when the case's clearance is at or
below the user's clearance, or when the case was granted to the user by name. Enforcement sits in
the service and in the index query (a filter on the visible case ids), never only in the UI.

Passwords are hashed with Argon2id (argon2-cffi). With no user defined, Dutytrace runs in local
single-user mode as `local` (admin) — the UI then refuses to bind beyond 127.0.0.1."""

from __future__ import annotations

import builtins
import json
import time
from dataclasses import dataclass, field

from dutytrace.errors import DutytraceError

ROLES = ("admin", "investigator", "viewer")
LEVELS = ("open", "internal", "restricted")
PERMISSIONS = {
    "viewer": {"search", "view"},
    "investigator": {"search", "view", "export", "review", "ingest"},
    "admin": {"search", "view", "export", "review", "ingest", "users", "audit", "reindex"},
}



class AccessDenied(DutytraceError):
    pass


class AuthRequired(DutytraceError):
    pass


@dataclass(frozen=True)
class Principal:
    name: str
    role: str
    clearance: str
    grants: frozenset[str] = field(default_factory=frozenset)

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.role, set())

    def require(self, permission: str) -> None:
        if not self.can(permission):
            raise AccessDenied(f"user '{self.name}' ({self.role}) may not {permission}")

    @property
    def sees_everything(self) -> bool:
        return self.role == "admin" or self.clearance == "restricted"

    def can_see(self, case_id: str, clearance: str | None) -> bool:
        level = clearance if clearance in LEVELS else "open"
        return self.sees_everything or LEVELS.index(level) <= LEVELS.index(self.clearance) or case_id in self.grants


LOCAL = Principal("local", "admin", "restricted")


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


class Users:
    def __init__(self, catalog):
        self.rows = catalog.users  # store/users.py: the tables' rows (this module holds the rules)

    def exist(self) -> bool:
        return self.rows.count() > 0

    def add(self, name: str, password: str, role: str = "investigator", clearance: str = "open") -> None:
        if role not in ROLES:
            raise DutytraceError(f"unknown role '{role}'; use one of {', '.join(ROLES)}")
        if clearance not in LEVELS:
            raise DutytraceError(f"unknown clearance '{clearance}'; use one of {', '.join(LEVELS)}")
        if len(password) < 8:
            raise DutytraceError("password too short: use at least 8 characters")
        if self.rows.get(name):
            raise DutytraceError(f"user '{name}' exists already")
        self.rows.add(name, role, clearance, _hasher().hash(password), time.time())

    def list(self) -> list[dict]:
        return [{**r, "disabled": bool(r["disabled"]), "grants": self._grants(r["name"])} for r in self.rows.all()]

    def disable(self, name: str) -> None:
        self._get(name)
        self._keep_an_admin(name, "disable")
        self.rows.change(name, disabled=1)

    def set(self, name: str, role: str | None = None, clearance: str | None = None) -> None:
        self._get(name)
        if role and role not in ROLES or clearance and clearance not in LEVELS:
            raise DutytraceError(f"role must be one of {ROLES}, clearance one of {LEVELS}")
        if role and role != "admin":
            self._keep_an_admin(name, f"make a {role}")
        self.rows.change(name, **{k: v for k, v in (("role", role), ("clearance", clearance)) if v})

    def grant(self, name: str, case_id: str, revoke: bool = False) -> None:
        self._get(name)
        self.rows.grant(name, case_id, revoke)

    def authenticate(self, name: str, password: str) -> Principal | None:
        row = self.rows.get(name)
        if row is None or row["disabled"]:
            _hasher().hash(password)  # same work either way: timing does not tell which names exist
            return None
        from argon2.exceptions import VerificationError

        try:
            _hasher().verify(row["password_hash"], password)
        except VerificationError:
            return None
        return self.principal(name)

    def principal(self, name: str) -> Principal:
        row = self._get(name)
        if row["disabled"]:
            raise AccessDenied(f"user '{name}' is disabled")
        return Principal(name, row["role"], row["clearance"], frozenset(self._grants(name)))

    def _keep_an_admin(self, name: str, what: str) -> None:
        """Refuse a change that would leave no active admin (whoever asks: the last admin itself or
        another): nobody could then manage users or read the audit log."""
        others = self.rows.other_active_admins(name)
        row = self._get(name)
        if row["role"] == "admin" and not row["disabled"] and others == 0:
            raise AccessDenied(f"cannot {what} '{name}': it is the last active admin; add another admin first")

    def _get(self, name: str):
        row = self.rows.get(name)
        if row is None:
            raise AuthRequired(f"no user '{name}'; an admin adds users with `dutytrace users add`")
        return row

    def _grants(self, name: str) -> builtins.list[str]:  # builtins: the class defines a list() method
        return self.rows.grants(name)


def case_clearances(catalog) -> dict[str, str]:
    """case_id -> clearance for every case with documents (open when its case.yaml says nothing)."""
    out = {}
    for case_id, meta in catalog.case_metas().items():
        level = (json.loads(meta or "{}") or {}).get("clearance", "open")
        out[case_id] = level if level in LEVELS else "restricted"  # unknown labels fail closed
    return out
