"""`dutytrace users ...` and `dutytrace audit`: user administration and the audit trail (admins)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from dutytrace.cli_output import esc
from dutytrace.errors import DutytraceError

users_app = typer.Typer(no_args_is_help=True, help="Users, roles, clearance and per-case grants (admin).")


def _admin(svc, change: str, target: str | None = None):
    """The acting user must be an admin — or no user exists yet and the first one is being made.
    Remembers who acted, since adding the first user ends single-user mode. A refusal is audited."""
    svc.actor = svc.require("users", "user_change", target, change=change).name
    return svc


def _refused(svc, change: str, target: str, e: Exception) -> None:
    """A user change the rules refuse (e.g. leaving no admin) is audited as `denied` too."""
    svc.audit.record(getattr(svc, "actor", "?"), "denied", target, action="user_change", change=change, reason=str(e))


def _done(svc, action: str, target: str, **detail) -> None:
    svc.audit.record(svc.actor, "user_change", target, change=action, **detail)


@users_app.command("add")
def users_add(name: str, role: str = typer.Option("investigator", "--role", help="admin | investigator | viewer"),
              clearance: str = typer.Option("open", "--clearance", help="open | internal | restricted"),
              password: str = typer.Option(..., "--password", prompt=True, hide_input=True, confirmation_prompt=True,
                                           envvar="DUTYTRACE_NEW_PASSWORD")):
    """Add a user. The first user must be an admin."""
    from dutytrace.cli import _fail, _service

    try:
        with _service() as svc:
            _admin(svc, "add", name)
            if not svc.users.exist() and role != "admin":
                raise DutytraceError("the first user must be an admin (--role admin)")
            svc.users.add(name, password, role, clearance)
            _done(svc, "add", name, role=role, clearance=clearance)
    except DutytraceError as e:
        _fail(e)
    typer.echo(f"added {role} '{name}' (clearance {clearance})")


@users_app.command("list")
def users_list(as_json: bool = typer.Option(False, "--json")):
    """List users with role, clearance, grants."""
    from dutytrace.cli import _emit, _fail, _service, out

    try:
        with _service() as svc:
            rows = _admin(svc, "list").users.list()
    except DutytraceError as e:
        _fail(e)
    if as_json:
        _emit({"users": rows})
        return
    t = Table("name", "role", "clearance", "disabled", "grants")
    for r in rows:
        t.add_row(esc(r["name"]), r["role"], r["clearance"], "yes" if r["disabled"] else "", esc(", ".join(r["grants"])))
    out.print(t)


@users_app.command("disable")
def users_disable(name: str):
    """Disable a user (kept for the audit trail; can no longer log in or act). The last active admin
    cannot be disabled (by itself or another)."""
    from dutytrace.cli import _fail, _service
    from dutytrace.security import AccessDenied

    try:
        with _service() as svc:
            try:
                _admin(svc, "disable", name).users.disable(name)
            except AccessDenied as e:
                if getattr(svc, "actor", None):
                    _refused(svc, "disable", name, e)
                raise
            _done(svc, "disable", name)
    except DutytraceError as e:
        _fail(e)
    typer.echo(f"disabled '{name}'")


@users_app.command("grant")
def users_grant(name: str, case_id: str, revoke: bool = typer.Option(False, "--revoke")):
    """Grant (or revoke) one case to a user, whatever its clearance."""
    from dutytrace.cli import _fail, _service

    try:
        with _service() as svc:
            _admin(svc, "revoke" if revoke else "grant", name).users.grant(name, case_id, revoke)
            _done(svc, "revoke" if revoke else "grant", name, case_id=case_id)
    except DutytraceError as e:
        _fail(e)
    typer.echo(f"{'revoked' if revoke else 'granted'} case '{case_id}' {'from' if revoke else 'to'} '{name}'")


@users_app.command("set")
def users_set(name: str, role: Optional[str] = typer.Option(None, "--role"),
              clearance: Optional[str] = typer.Option(None, "--clearance")):
    """Change a user's role or clearance. The last active admin cannot be made a non-admin."""
    from dutytrace.cli import _fail, _service
    from dutytrace.security import AccessDenied

    try:
        with _service() as svc:
            try:
                _admin(svc, "set", name).users.set(name, role, clearance)
            except AccessDenied as e:
                if getattr(svc, "actor", None):
                    _refused(svc, "set", name, e)
                raise
            _done(svc, "set", name, role=role, clearance=clearance)
    except DutytraceError as e:
        _fail(e)
    typer.echo(f"updated '{name}'")


def audit(user: Optional[str] = typer.Option(None, "--of", help="Only this user's actions"),
          action: Optional[str] = typer.Option(None, "--action"),
          limit: int = typer.Option(200, "--limit", "-n"),
          csv_out: Optional[Path] = typer.Option(None, "--csv", help="Export to a CSV file"),
          as_json: bool = typer.Option(False, "--json")):
    """The audit trail, newest first (admin). The CSV export is escaped against spreadsheet formulas."""
    from dutytrace.cli import _emit, _fail, _service, out

    try:
        with _service() as svc:
            svc.require("audit", "audit", str(csv_out) if csv_out else None)
            if csv_out:
                svc.require("export", "export", str(csv_out), what="audit log")
            rows = svc.audit.entries(user, action, None, limit)
            if csv_out:
                csv_out.write_text(svc.audit.to_csv(rows), encoding="utf-8-sig")
                svc.audit.record(svc.principal.name, "export", str(csv_out), what="audit log", rows=len(rows))
    except DutytraceError as e:
        _fail(e)
    if as_json:
        _emit({"entries": rows})
        return
    t = Table("id", "time", "user", "action", "target", "detail")
    for r in rows:
        t.add_row(str(r["id"]), r["time"], esc(r["user"]), esc(r["action"]), esc(r["target"] or ""),
                  esc(json.dumps(r["detail"], ensure_ascii=False)[:100]))
    out.print(t)
    if csv_out:
        print(f"wrote {len(rows)} entries to {csv_out}", file=sys.stderr)
