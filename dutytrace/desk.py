"""The investigator's desk: what the service's review-history, working-set and note operations compute
from what they are given (profiles, pins, decisions). Storage is store/desk.py; access checks and the
audit are the service's. No I/O here."""

from __future__ import annotations

import csv
import datetime as _dt
import io
from typing import Any, Callable

from dutytrace.export import safe_cell
from dutytrace.profile import case_tags

WORKSET_COLUMNS = ("case_id", "title", "date", "location", "region", "industry", "accident_type", "grade",
                   "fatalities", "injuries", "direct_loss", "tags", "pinned_at")


def when(at: float | None) -> str:
    """A stored time as the reader's clock shows it, to the minute (UTC when the zone is unknown)."""
    if not at:
        return ""
    return _dt.datetime.fromtimestamp(float(at)).astimezone().strftime("%Y-%m-%d %H:%M")


def workset_rows(pins: list[dict], profiles: dict[str, dict], tag_label: Callable[[str], str] = str) -> list[dict]:
    """One row per pinned case the user may see (`profiles` holds only those), in the order pinned:
    its facts and its decided tags (profile.case_tags) in words. A pin of a case missing from
    `profiles` (the user is no longer cleared for it, or it was removed) gives no row."""
    rows = []
    for p in pins:
        prof = profiles.get(p["case_id"])
        if prof is None:
            continue
        f = prof["facts"]
        rows.append({
            "case_id": prof["case_id"], "title": prof["title"], "date": f.get("date"), "location": f.get("location"),
            "region": f.get("region") or prof["meta"].get("region"),
            "industry": f.get("industry") or prof["meta"].get("industry"), "accident_type": f.get("accident_type"),
            "grade": f.get("grade"), "fatalities": f.get("fatalities"), "injuries": f.get("injuries"),
            "direct_loss": f.get("direct_loss"), "tag_ids": case_tags(prof),
            "tags": "; ".join(tag_label(t) for t in case_tags(prof)), "pinned_at": when(p["at"]),
            "workset": p["workset"],
        })
    return rows


def workset_csv(rows: list[dict[str, Any]], header: dict[str, str] | None = None) -> bytes:
    """The working set as CSV (UTF-8 with a byte-order mark, for Excel); every cell that a spreadsheet
    would run as a formula gets a leading apostrophe (export.safe_cell). `header` may put the column
    names into words."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([(header or {}).get(c, c) for c in WORKSET_COLUMNS])
    for r in rows:
        w.writerow([safe_cell("" if r.get(c) is None else r.get(c)) for c in WORKSET_COLUMNS])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def with_times(items: list[dict]) -> list[dict]:
    """Decisions or notes with their time in words (`time`) beside the stored number (`at`); an edited
    note also with the time of its last edit (`edited_time`)."""
    return [{**it, "time": when(it.get("at")), **({"edited_time": when(it["edited_at"])} if it.get("edited_at") else {})}
            for it in items]


def may_change_note(note: dict, user: str, role: str) -> bool:
    """Whether a user may edit or delete a note: its author, or an admin (security.py's one role above
    the others). Clearance for the note's case is checked apart, by the service."""
    return note.get("author") == user or role == "admin"


def note_state(note: dict) -> dict:
    """What the audit log keeps of a note, before or after a change."""
    return {k: note.get(k) for k in ("text", "author", "at", "chunk_id", "edited_at", "edited_by")}


def notes_by_chunk(notes: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for n in notes:
        if n.get("chunk_id"):
            out.setdefault(n["chunk_id"], []).append(n)
    return out
