"""Sign-in sessions of the UI that outlive a page reload, in the catalog.

A session is a random token (32 bytes from `secrets`, URL-safe text) made by the server at a
successful sign-in and nowhere else: a token the browser offers that the server did not make is
never adopted (no session fixation). The catalog keeps only the token's SHA-256, the user's name,
when it was made, when it was last used and when it ends; never the password. A session ends at
sign-out (revoked: the row is deleted), after `ttl` seconds from sign-in (absolute expiry) or after
`idle` seconds without use, whichever comes first; ended rows are swept on the next sign-in.
Whether the user still exists and is enabled is checked by the caller (Users.principal) on every use."""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import TypeGuard

from sqlalchemy import delete, func, insert, or_, select, update

from dutytrace.store import schema as t

U = t.ui_sessions.c


TTL = 12 * 3600  # a working day, then sign in again
IDLE = 2 * 3600  # unused for two hours: ended
_TOUCH_EVERY = 60  # last_seen is written at most once a minute per session (sooner for a short idle limit)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def well_formed(token: object) -> TypeGuard[str]:
    """A token as `create` makes them (43 URL-safe characters); anything else is not looked up."""
    return isinstance(token, str) and len(token) == 43 and all(c.isalnum() or c in "-_" for c in token)


class SessionStore:
    def __init__(self, catalog, ttl: float = TTL, idle: float = IDLE):
        self.db = catalog.db
        self.ttl, self.idle = ttl, idle

    def create(self, name: str, now: float | None = None) -> str:
        """A new session for `name`; returns the token (shown to nobody but that browser)."""
        now = time.time() if now is None else now
        token = secrets.token_urlsafe(32)
        with self.db.transaction() as tx:
            tx.execute(delete(t.ui_sessions).where(or_(U.expires < now, U.last_seen < now - self.idle)))
            tx.execute(insert(t.ui_sessions), {"token_hash": _digest(token), "name": name, "created": now,
                                               "last_seen": now, "expires": now + self.ttl})
        return token

    def user(self, token: str | None, now: float | None = None) -> str | None:
        """The user name of a live session, or None (unknown, malformed, revoked, expired or idle)."""
        if not well_formed(token):
            return None
        now = time.time() if now is None else now
        row = self.db.first(select(U.name, U.last_seen, U.expires).where(U.token_hash == _digest(token)))
        if row is None:
            return None
        if row.expires < now or row.last_seen < now - self.idle:
            self.revoke(token)
            return None
        if now - row.last_seen >= min(_TOUCH_EVERY, self.idle / 4):
            with self.db.transaction() as tx:
                tx.execute(update(t.ui_sessions).where(U.token_hash == _digest(token)).values(last_seen=now))
        return row.name

    def revoke(self, token: str | None) -> bool:
        """End one session; True when there was one."""
        if not well_formed(token):
            return False
        with self.db.transaction() as tx:
            cur = tx.execute(delete(t.ui_sessions).where(U.token_hash == _digest(token)))
        return bool(cur.rowcount)

    def revoke_user(self, name: str) -> int:
        """End every session of a user (a disabled user, a changed password)."""
        with self.db.transaction() as tx:
            cur = tx.execute(delete(t.ui_sessions).where(U.name == name))
        return int(cur.rowcount or 0)

    def count(self, name: str | None = None) -> int:
        q = select(func.count()).select_from(t.ui_sessions)
        return int(self.db.scalar(q if name is None else q.where(U.name == name)))
