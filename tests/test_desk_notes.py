"""Notes edited and deleted (issue 19, saved work): only the note's author, or an admin, cleared for the
note's case, may change it; each change is in the append-only audit log with the note before and after;
an edited note says when it was edited; a deleted note leaves every view while its text stays in the
audit log. On the catalog as tests/conftest.py makes it (SQLite), through the service and the CLI."""

from __future__ import annotations

import json
import shutil

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from dutytrace.cli import app
from dutytrace.errors import NotFound
from dutytrace.security import AccessDenied
from dutytrace.service import Dutytrace
from dutytrace.store import schema as t
from dutytrace.store.desk import DeskError
from tests.test_postgres import pg_url  # noqa: F401 - the PostgreSQL server fixture

SECRET = "case-mine"  # restricted
SEWER = "case-sewer"


@pytest.fixture(scope="module")
def world(archive, settings_factory, tmp_path_factory):
    root = tmp_path_factory.mktemp("notes") / "arch"
    shutil.copytree(archive, root)
    (root / SECRET / "case.yaml").write_text("title: Hongyan mine gas explosion\nclearance: restricted\n",
                                             encoding="utf-8")
    svc = Dutytrace(settings_factory())
    assert not svc.ingest([root]).failed
    svc.users.add("boss", "boss-password", "admin", "open")
    svc.users.add("olga", "olga-password", "investigator", "open")
    svc.users.add("rita", "rita-password", "investigator", "restricted")
    svc.users.add("ivan", "ivan-password", "investigator", "restricted")
    svc.users.add("gina", "gina-password", "viewer", "open")
    yield svc
    svc.close()


def as_user(svc, name):
    return svc.for_user(svc.users.principal(name))


def audit_rows(svc, action, note_id=None):
    return [e for e in svc.audit.entries(action=action) if note_id is None or e["detail"].get("note") == note_id]


def test_author_edits_note_with_audit_before_and_after(world):
    rita, ivan = as_user(world, "rita"), as_user(world, "ivan")
    note = rita.add_note(SECRET, "The foreman said the detector was off.")
    listed = {n["id"]: n for n in rita.notes(SECRET)}
    assert listed[note["id"]]["mine"] is True and "edited_time" not in listed[note["id"]]
    assert {n["id"]: n for n in ivan.notes(SECRET)}[note["id"]]["mine"] is False  # cleared, not its author

    edited = rita.edit_note(note["id"], "  The foreman said the detector had been switched off.  ")
    assert edited["text"] == "The foreman said the detector had been switched off."
    assert edited["id"] == note["id"] and edited["author"] == "rita" and edited["at"] == note["at"]
    assert edited["edited_by"] == "rita" and len(edited["edited_time"]) == 16  # YYYY-MM-DD HH:MM
    shown = {n["id"]: n for n in ivan.notes(SECRET)}[note["id"]]
    assert shown["text"] == edited["text"] and shown["edited_time"] == edited["edited_time"]

    rows = audit_rows(world, "note_edit", note["id"])
    assert len(rows) == 1 and rows[0]["user"] == "rita" and rows[0]["target"] == SECRET
    assert rows[0]["detail"]["before"]["text"] == "The foreman said the detector was off."
    assert rows[0]["detail"]["before"]["edited_at"] is None
    assert rows[0]["detail"]["after"]["text"] == edited["text"] and rows[0]["detail"]["after"]["edited_by"] == "rita"
    with pytest.raises(DeskError):
        rita.edit_note(note["id"], "   ")
    assert len(audit_rows(world, "note_edit", note["id"])) == 1  # a refused edit writes nothing


def test_other_users_are_refused(world):
    rita, ivan, olga, gina = (as_user(world, n) for n in ("rita", "ivan", "olga", "gina"))
    note = rita.add_note(SECRET, "Ask the county bureau for the 2017 inspection record.")
    denied_before = len(world.audit.entries(action="denied"))
    with pytest.raises(AccessDenied, match="written by 'rita'"):  # cleared for the case, not the author
        ivan.edit_note(note["id"], "rewritten by someone else")
    with pytest.raises(AccessDenied):
        ivan.delete_note(note["id"])
    for u in (olga, gina):  # not cleared for the restricted case: the note is as missing as a made-up id
        with pytest.raises((NotFound, AccessDenied)):
            u.edit_note(note["id"], "fishing")
        with pytest.raises((NotFound, AccessDenied)):
            u.delete_note(note["id"])
    with pytest.raises(NotFound, match="no note 'n-none'"):
        rita.edit_note("n-none", "x")
    denied = world.audit.entries(action="denied")[: len(world.audit.entries(action="denied")) - denied_before]
    assert {d["detail"]["action"] for d in denied} >= {"note_edit", "note_delete"}
    assert any(d["user"] == "ivan" and d["detail"].get("note") == note["id"] for d in denied)
    # nothing changed
    kept = {n["id"]: n for n in rita.notes(SECRET)}[note["id"]]
    assert kept["text"] == note["text"] and "edited_time" not in kept
    assert not audit_rows(world, "note_edit", note["id"]) and not audit_rows(world, "note_delete", note["id"])


def test_admin_may_change_anyones_note(world):
    rita, boss = as_user(world, "rita"), as_user(world, "boss")
    note = rita.add_note(SECRET, "Pin the township head's statement.")
    assert {n["id"]: n for n in boss.notes(SECRET)}[note["id"]]["mine"] is True
    edited = boss.edit_note(note["id"], "Pin the township head's statement (page 3).")
    assert edited["author"] == "rita" and edited["edited_by"] == "boss"
    assert audit_rows(world, "note_edit", note["id"])[0]["user"] == "boss"


def test_deleted_note_leaves_views_and_stays_in_audit(world):
    rita, boss = as_user(world, "rita"), as_user(world, "boss")
    chunk = rita.catalog.chunks_of_case(SECRET)[0]
    on_case = rita.add_note(SECRET, "Delete me: a note on the case.")
    on_passage = rita.add_note(SECRET, "Delete me: a note on a passage.", chunk_id=chunk["chunk_id"])
    kept = rita.add_note(SECRET, "Keep me.", chunk_id=chunk["chunk_id"])
    gone = rita.delete_note(on_case["id"])
    assert gone["text"] == on_case["text"]
    rita.delete_note(on_passage["id"])
    for u in (rita, boss):
        ids = [n["id"] for n in u.notes(SECRET)]
        assert on_case["id"] not in ids and on_passage["id"] not in ids and kept["id"] in ids
        assert [n["id"] for n in u.notes(SECRET, chunk_id=chunk["chunk_id"])] == [kept["id"]]
        assert [n["id"] for n in u.document_notes(chunk["doc_id"])[chunk["chunk_id"]]] == [kept["id"]]
    rows = audit_rows(world, "note_delete", on_passage["id"])
    assert len(rows) == 1 and rows[0]["user"] == "rita" and rows[0]["detail"]["after"] is None
    assert rows[0]["detail"]["before"]["text"] == on_passage["text"]
    assert rows[0]["detail"]["passage"] == chunk["chunk_id"]
    # the row stays in the catalog, marked deleted; a deleted note cannot be changed again
    row = world.catalog.db.first(select(t.notes).where(t.notes.c.id == on_case["id"]))
    assert row.deleted_by == "rita" and row.deleted_at is not None and row.text == on_case["text"]
    for change in (lambda: rita.edit_note(on_case["id"], "back"), lambda: rita.delete_note(on_case["id"])):
        with pytest.raises(NotFound):
            change()
    # the audit log is append-only: its rows cannot be rewritten to hide the deleted text
    with pytest.raises(Exception, match="append-only"):
        with world.catalog.db.transaction() as tx:
            tx.execute(t.audit.update().values(detail="{}"))
    assert audit_rows(world, "note_delete", on_passage["id"])[0]["detail"]["before"]["text"] == on_passage["text"]


def test_cli_edit_and_delete(tmp_path, archive):
    env = {"DUTYTRACE_HOME": str(tmp_path / "home"), "HF_HUB_OFFLINE": "1"}

    def run(*args):
        return CliRunner().invoke(app, list(args), env=env)

    root = tmp_path / "arch"
    shutil.copytree(archive / SEWER, root / SEWER)
    assert run("ingest", str(root), "--json").exit_code == 0
    r = run("notes", SEWER, "--add", "Gas detector broken.", "--json")
    note = json.loads(r.stdout)["note"]
    r = run("notes", SEWER, "--edit", note["id"], "Gas detector broken since May.", "--json")
    assert r.exit_code == 0, r.output
    got = json.loads(r.stdout)
    assert got["note"]["text"] == "Gas detector broken since May." and got["deleted"] is False
    r = run("notes", SEWER)
    assert "Gas detector broken since May." in r.stdout and f"(edited {got['note']['edited_time']})" in r.stdout
    assert note["id"] in r.stdout
    assert run("notes", SEWER, "--edit", "n-none", "x").exit_code == 2
    assert run("notes", "case-mine", "--delete", note["id"]).exit_code == 2  # not a note of that case
    assert run("notes", SEWER, "--add", "x", "--delete", note["id"]).exit_code == 2  # one change at a time
    r = run("notes", SEWER, "--delete", note["id"])
    assert r.exit_code == 0 and "deleted" in r.stdout, r.output
    assert json.loads(run("notes", SEWER, "--json").stdout)["notes"] == []
    assert run("notes", SEWER, "--delete", note["id"]).exit_code == 2


def test_note_edit_and_delete_on_postgresql(pg_url):
    """Revision 0003's columns and the store's statements on PostgreSQL."""
    from dutytrace.store.catalog import Catalog
    from dutytrace.store.desk import DeskStore

    cat = Catalog(pg_url)
    try:
        desk = DeskStore(cat)
        a = desk.add_note("c1", "olga", "first text", chunk_id="k1", doc_id="d1", page=2)
        b = desk.add_note("c1", "olga", "to delete")
        before, after = desk.edit_note(a["id"], "second text", "olga")
        assert before["text"] == "first text" and before["edited_at"] is None
        assert after["text"] == "second text" and after["edited_by"] == "olga"
        assert desk.delete_note(b["id"], "olga")["text"] == "to delete"
        listed = desk.notes("c1")
        assert [(n["id"], n["text"]) for n in listed] == [(a["id"], "second text")]
        assert listed[0]["edited_at"] == after["edited_at"] and desk.note(b["id"])["deleted_by"] == "olga"
        with pytest.raises(NotFound):
            desk.edit_note(b["id"], "back", "olga")
    finally:
        cat.close()
