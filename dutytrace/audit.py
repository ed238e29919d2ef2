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

from dutytrace.store import audit_log

ACTIONS: tuple[str, ...] = ("login", "login_failed", "search", "view_case", "view_document", "export", "ingest_start", "ingest",
           "case_meta", "review_tag", "user_change", "similar", "analytics", "analyze", "eval", "retag_start", "retag",
           "reindex", "index_migrate", "measure_status", "session_resume", "logout", "saved_search", "denied")


class Audit:
    def __init__(self, catalog):
        self.db = catalog.db

    def record(self, user: str, action: str, target: str | None = None, /, **detail) -> None:
        """Append a row. `detail` may use any key, `action` included (a `denied` row names the action
        that was refused)."""
        audit_log.append(self.db, time.time(), user, action, target, json.dumps(detail, ensure_ascii=False, default=str))

    def entries(self, user: str | None = None, action: str | None = None, since: float | None = None,
                limit: int = 1000) -> list[dict]:
        rows = audit_log.rows(self.db, user, action, since, limit)
        return [{**r, "detail": json.loads(r["detail"]),
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
