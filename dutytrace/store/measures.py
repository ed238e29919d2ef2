"""Rectification measures of a case and their follow-up, in the catalog.

The items themselves are part of each document's stored analysis (`analysis["measures"]`, written by
ingest and by `retag`); this module gives each item a stable id and keeps, in `measure_status`, what
investigators record about it: its status, a note, the date it was checked and who set it.

An item's id is derived from the case id, the document's file name and the item's text (letters and
digits only), with a suffix for a repeated text: re-ingesting the same file, a new version of the
report that leaves an item's wording alone, and `retag` all give the item the same id, so its
status stays. Statuses: open | in_progress | done | overdue. An item whose deadline has passed and
that is not done is reported as overdue, whatever was recorded (`recorded_status` keeps that)."""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
import time

from sqlalchemy import select

from dutytrace.errors import DutytraceError, NotFound
from dutytrace.models import kind_rank
from dutytrace.store import schema as t
from dutytrace.store.db import upsert

STATUSES = ("open", "in_progress", "done", "overdue")




class BadStatus(DutytraceError):
    """A status that is not one of STATUSES."""


def _norm(text: str) -> str:
    return re.sub(r"[\W_]+", "", text or "").lower()


def measure_id(case_id: str, document: str, measure: str, occurrence: int = 0) -> str:
    """The stable id of an item: case id + document file name + the item's text (+ its occurrence)."""
    h = hashlib.sha256(f"{case_id}\x1f{document}\x1f{_norm(measure)}".encode()).hexdigest()[:12]
    return f"m{h}" + (f"-{occurrence + 1}" if occurrence else "")


def check_status(status: str) -> str:
    s = (status or "").strip().lower().replace("-", "_").replace(" ", "_")
    if s not in STATUSES:
        raise BadStatus(f"'{status}' is not a status; use one of {', '.join(STATUSES)}")
    return s


def _check_date(checked: str | None) -> str:
    if checked is None:
        return _dt.date.today().isoformat()
    try:
        return _dt.date.fromisoformat(checked).isoformat()
    except ValueError:
        raise BadStatus(f"'{checked}' is not a date; write it as YYYY-MM-DD") from None


class MeasureStore:
    def __init__(self, catalog):
        self.catalog = catalog
        self.db = catalog.db

    def _recorded(self, case_id: str) -> dict[str, dict]:
        return {r.item_id: dict(r._mapping) for r in
                self.db.all(select(t.measure_status).where(t.measure_status.c.case_id == case_id))}

    def items(self, case_id: str, today: _dt.date | None = None) -> list[dict]:
        """Every measure of the case's documents, in document order, with its follow-up."""
        today = today or _dt.date.today()
        recorded = self._recorded(case_id)
        docs = sorted(self.catalog.documents(case_id), key=lambda d: (kind_rank(d["kind"]), d["name"]))
        out: list[dict] = []
        for d in docs:
            seen: dict[str, int] = {}
            for m in d["analysis"].get("measures") or []:
                key = _norm(m.get("measure", ""))
                n = seen.get(key, 0)
                seen[key] = n + 1
                item_id = measure_id(case_id, d["name"], m.get("measure", ""), n)
                rec = recorded.get(item_id) or {}
                status = rec.get("status") or "open"
                due = m.get("due") or None
                overdue = bool(due and status != "done" and due < today.isoformat())
                out.append({
                    "id": item_id, "measure": m.get("measure"), "body": m.get("body"),
                    "bodies": list(m.get("bodies") or []), "deadline": m.get("deadline"), "due": due,
                    "status": "overdue" if overdue else status, "recorded_status": status, "overdue": overdue,
                    "note": rec.get("note"), "checked": rec.get("checked"), "by": rec.get("checked_by"),
                    "page": m.get("page"), "passage": m.get("passage"), "document": d["name"],
                    "doc_id": d["doc_id"], "kind": d["kind"],
                })
        return out

    def item(self, case_id: str, item_id: str) -> dict:
        for it in self.items(case_id):
            if it["id"] == item_id:
                return it
        raise NotFound(f"case '{case_id}' has no measure '{item_id}'; `dutytrace measures {case_id}` lists their ids")

    def set_status(self, case_id: str, item_id: str, status: str, note: str | None, by: str,
                   checked: str | None = None) -> tuple[dict, dict]:
        """Record an item's status (and note, date checked, who). Returns the item before and after.
        A note left out keeps the one recorded."""
        status = check_status(status)
        checked = _check_date(checked)
        before = self.item(case_id, item_id)
        if note is None:
            note = before["note"]
        with self.db.transaction() as tx:
            upsert(tx, t.measure_status, {"item_id": item_id, "case_id": case_id, "status": status, "note": note,
                                          "checked": checked, "checked_by": by, "updated": time.time()})
        return before, self.item(case_id, item_id)

    def followup(self, case_ids: list[str], today: _dt.date | None = None) -> list[dict]:
        """Every measure of these cases with its case (title, region, the date of the accident) and
        its age in days since that date (None when the date is not known); overdue items also carry
        how many days they are past their deadline."""
        today = today or _dt.date.today()
        rows: list[dict] = []
        for case_id in case_ids:
            case = self.catalog.case_row(case_id) or {"title": None, "meta": {}}
            docs = self.catalog.documents(case_id)
            facts: dict = {}
            for d in sorted(docs, key=lambda d: kind_rank(d["kind"])):
                for k, v in (d["analysis"].get("facts") or {}).items():
                    if v is not None:  # the report speaks first; a later document fills what it leaves open
                        facts.setdefault(k, v)
            date = _date(case["meta"].get("date") or facts.get("date"))
            for it in self.items(case_id, today):
                due = _date(it["due"])
                rows.append({**it, "case_id": case_id, "title": case["title"] or facts.get("title") or case_id,
                             "region": case["meta"].get("region") or facts.get("location"),
                             "case_date": date.isoformat() if date else None,
                             "age_days": (today - date).days if date else None,
                             "days_overdue": (today - due).days if it["overdue"] and due else None})
        return rows


def _date(value) -> _dt.date | None:
    try:
        return _dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
