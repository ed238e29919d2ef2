"""Logging in and UI sessions that outlive a reload (store/sessions.py), each audited."""

from __future__ import annotations

from dutytrace.security import LOCAL, AccessDenied, AuthRequired, Principal
from dutytrace.service.policy import ServicePolicy


class SessionsMixin(ServicePolicy):
    def login(self, name: str, password: str) -> Principal | None:
        p = self.users.authenticate(name, password)
        self.audit.record(name, "login" if p else "login_failed")
        return p

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
