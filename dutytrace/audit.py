"""The audit trail: an append-only log in the catalog of who did what, when — logins, searches (query
and filters), case and document views, exports, ingestions (a start row before any work, an end row
after), case metadata changes with their before/after values, analyses, evaluations, re-tagging,
index moves, tag reviews, user changes, and every refused attempt (`denied`, with the action asked
for). Rows are never updated or deleted (SQLite triggers refuse it)."""

from __future__ import annotations

import csv
import io
import json
import time

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, user TEXT NOT NULL, action TEXT NOT NULL,
  target TEXT, detail TEXT NOT NULL DEFAULT '{}');
CREATE INDEX IF NOT EXISTS audit_at ON audit(at);
"""
TRIGGERS = """
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""
ACTIONS: tuple[str, ...] = ("login", "login_failed", "search", "view_case", "view_document", "export", "ingest_start", "ingest",
           "case_meta", "review_tag", "user_change", "similar", "analytics", "analyze", "eval", "retag_start", "retag",
           "reindex", "index_migrate", "measure_status", "session_resume", "logout", "saved_search", "denied")


class Audit:
    def __init__(self, catalog):
        self.db = catalog.db
        self.db.executescript(SCHEMA)
        try:
            self.db.executescript(TRIGGERS)  # SQLite; on PostgreSQL the database role should lack UPDATE/DELETE
        except Exception:
            pass

    def record(self, user: str, action: str, target: str | None = None, /, **detail) -> None:
        """Append a row. `detail` may use any key, `action` included (a `denied` row names the action
        that was refused)."""
        with self.db:
            self.db.execute("INSERT INTO audit(at, user, action, target, detail) VALUES (?, ?, ?, ?, ?)",
                            (time.time(), user, action, target, json.dumps(detail, ensure_ascii=False, default=str)))

    def entries(self, user: str | None = None, action: str | None = None, since: float | None = None,
                limit: int = 1000) -> list[dict]:
        q, args = "SELECT * FROM audit WHERE 1=1", []
        for cond, val in (("user=?", user), ("action=?", action), ("at>=?", since)):
            if val is not None:
                q += f" AND {cond}"
                args.append(val)
        rows = self.db.execute(q + " ORDER BY id DESC LIMIT ?", (*args, limit)).fetchall()
        return [{**dict(r), "detail": json.loads(r["detail"]),
                 "time": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(r["at"]))} for r in rows]

    def to_csv(self, entries: list[dict]) -> str:
        """The entries as CSV; targets, user names and details come from users and documents, so a cell a
        spreadsheet would run as a formula gets a leading apostrophe (export.safe_cell)."""
        from dutytrace.export import safe_cell

        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["id", "time", "user", "action", "target", "detail"])
        for e in entries:
            w.writerow([safe_cell(v) for v in (e["id"], e["time"], e["user"], e["action"], e["target"] or "",
                                               json.dumps(e["detail"], ensure_ascii=False))])
        return buf.getvalue()


# the investigator's desk (store/desk.py): evidence reviews, undone reviews, working-set pins, notes
ACTIONS += ("review_evidence", "review_undo", "pin", "unpin", "note")
