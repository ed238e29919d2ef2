"""The investigator's desk in the catalog: the history of tag reviews (so a decision can be taken
back), reviews of single pieces of evidence, cases pinned to a user's named working sets, and notes
on a case or on a passage.

Tables (created on first use; SQLite's dialect, translated for PostgreSQL by store/db.py):

- `review_log`: one row per change of a review decision — a tag on a document (`doc_key` is
  `name:<file name>` or `*` for the whole case, as in the catalog's `tag_reviews`) or one piece of
  evidence (`evidence` is its id, '' for a tag decision) — with the decision before and after (JSON
  `{"decision", "reviewer", "at"}` or null), who made the change and when, and whether it was undone.
  A change to an evidence decision that also moved the tag decision of its document keeps the tag's
  before/after too (`tag_before`, `tag_after`), so that undoing it puts both back.
- `evidence_reviews`: the current decision on a piece of evidence of a tag.
- `pins`: (user, working set, case) with the time it was pinned.
- `notes`: author, time, text, the case and, for a note on a passage, the passage (chunk id), its
  document and page.

The current tag decisions stay in the catalog's `tag_reviews` (what `profile.case_profile` reads);
this module writes and deletes rows there, and only there, for a decision and its undo."""

from __future__ import annotations

import hashlib
import json
import re
import time
import uuid
from typing import Any

from dutytrace.errors import DutytraceError, NotFound
from dutytrace.store.catalog import _changed as _case_changed  # raises cases.rev: stored profiles rebuild

SCHEMA = """
CREATE TABLE IF NOT EXISTS review_log (
  id TEXT PRIMARY KEY, case_id TEXT NOT NULL, doc_key TEXT NOT NULL, tag TEXT NOT NULL,
  evidence TEXT NOT NULL DEFAULT '', before TEXT, after TEXT, tag_before TEXT, tag_after TEXT,
  by_user TEXT NOT NULL, at REAL NOT NULL, undo_of TEXT, undone INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS review_log_case ON review_log(case_id, tag);
CREATE TABLE IF NOT EXISTS evidence_reviews (
  case_id TEXT NOT NULL, doc_key TEXT NOT NULL, tag TEXT NOT NULL, evidence TEXT NOT NULL,
  decision TEXT NOT NULL, reviewer TEXT, at REAL NOT NULL, page INTEGER, text TEXT,
  PRIMARY KEY (case_id, doc_key, tag, evidence));
CREATE TABLE IF NOT EXISTS pins (
  owner TEXT NOT NULL, workset TEXT NOT NULL, case_id TEXT NOT NULL, at REAL NOT NULL,
  PRIMARY KEY (owner, workset, case_id));
CREATE TABLE IF NOT EXISTS notes (
  id TEXT PRIMARY KEY, case_id TEXT NOT NULL, chunk_id TEXT, doc_id TEXT, page INTEGER,
  author TEXT NOT NULL, at REAL NOT NULL, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS notes_case ON notes(case_id);
"""

DECISIONS = ("accepted", "rejected")
MAX_NOTE = 4000
MAX_WORKSET = 60


class DeskError(DutytraceError):
    """A bad value for a desk operation (an empty note, a bad working-set name, nothing to undo)."""


def _norm(text: str) -> str:
    return re.sub(r"[\W_]+", "", text or "").lower()


def evidence_id(doc_name: str, tag: str, page, text: str) -> str:
    """A piece of evidence's id: from the document's file name, the tag, the page and the sentence's
    letters and digits, so it holds across re-ingestion of the same file and `retag`."""
    h = hashlib.sha256(f"{doc_name}\x1f{tag}\x1f{page}\x1f{_norm(text)}".encode()).hexdigest()[:12]
    return "e" + h


def check_workset(name: str | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        return "default"
    if len(name) > MAX_WORKSET:
        raise DeskError(f"a working-set name has at most {MAX_WORKSET} characters (this one has {len(name)})")
    return name


def check_note(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise DeskError("a note needs some text")
    if len(text) > MAX_NOTE:
        raise DeskError(f"a note has at most {MAX_NOTE} characters (this one has {len(text)})")
    return text


def _state(decision: str | None, reviewer: str | None, at: float | None) -> str | None:
    return None if decision is None else json.dumps({"decision": decision, "reviewer": reviewer, "at": at})


def _load(s: str | None) -> dict | None:
    return json.loads(s) if s else None


class DeskStore:
    def __init__(self, catalog):
        self.catalog = catalog
        self.db = catalog.db
        if not getattr(catalog, "_desk_tables", False):  # once per catalog object, not per call
            self.db.executescript(SCHEMA)
            catalog._desk_tables = True

    # -- tag decisions (the catalog's tag_reviews) with their history -------------------------------
    def tag_decision(self, case_id: str, doc_key: str, tag: str) -> dict | None:
        r = self.db.execute("SELECT decision, reviewer, at FROM tag_reviews WHERE case_id=? AND doc_id=? AND tag=?",
                            (case_id, doc_key, tag)).fetchone()
        return {"decision": r["decision"], "reviewer": r["reviewer"], "at": r["at"]} if r else None

    def _set_tag(self, db, case_id: str, doc_key: str, tag: str, state: dict | None) -> None:
        """Write (or, for None, remove) a tag decision, in the caller's transaction. The case's stored
        profile is marked out of date too: an undo can put back an older decision, which leaves the
        reviews' count and latest time (the profile's review stamp) as they were."""
        _case_changed(db, case_id)
        if state is None:
            db.execute("DELETE FROM tag_reviews WHERE case_id=? AND doc_id=? AND tag=?", (case_id, doc_key, tag))
        else:
            db.execute("INSERT OR REPLACE INTO tag_reviews(case_id, doc_id, tag, decision, reviewer, at) "
                       "VALUES (?,?,?,?,?,?)", (case_id, doc_key, tag, state["decision"], state.get("reviewer"),
                                                state.get("at") or time.time()))

    def _log(self, db, case_id, doc_key, tag, evidence, before, after, by, tag_before=None, tag_after=None,
             undo_of=None) -> str:
        log_id = uuid.uuid4().hex[:16]
        db.execute("INSERT INTO review_log(id, case_id, doc_key, tag, evidence, before, after, tag_before, tag_after, "
                   "by_user, at, undo_of, undone) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,0)",
                   (log_id, case_id, doc_key, tag, evidence or "", _dump(before), _dump(after), _dump(tag_before),
                    _dump(tag_after), by, time.time(), undo_of))
        return log_id

    def decide_tag(self, case_id: str, doc_key: str, tag: str, decision: str, reviewer: str, by: str
                   ) -> tuple[dict | None, dict]:
        """Record a tag decision on a document (or the case, "*"); returns (before, after)."""
        if decision not in DECISIONS:
            raise DeskError("decision must be 'accepted' or 'rejected'")
        before = self.tag_decision(case_id, doc_key, tag)
        after = {"decision": decision, "reviewer": reviewer, "at": time.time()}
        with self.db:
            self._set_tag(self.db, case_id, doc_key, tag, after)
            self._log(self.db, case_id, doc_key, tag, "", before, after, by)
        return before, after

    # -- evidence decisions -------------------------------------------------------------------------
    def evidence_decisions(self, case_id: str) -> dict[str, dict]:
        """evidence id -> {"decision", "reviewer", "at", "doc_key", "tag", "page", "text"}."""
        return {r["evidence"]: dict(r) for r in
                self.db.execute("SELECT * FROM evidence_reviews WHERE case_id=?", (case_id,))}

    def tag_evidence(self, case_id: str, tag: str) -> list[dict]:
        """Every piece of evidence of `tag` in the case's documents (all of them, not only the first
        eight a profile keeps), each with its id and its decision, if any."""
        decisions = self.evidence_decisions(case_id)
        out = []
        for d in self.catalog.documents(case_id):
            for t in d["analysis"].get("tags", []):
                if t["tag"] != tag:
                    continue
                for ev in t.get("evidence", []):
                    eid = evidence_id(d["name"], tag, ev.get("page"), ev.get("text", ""))
                    rec = decisions.get(eid) or {}
                    out.append({"id": eid, "tag": tag, "doc_id": d["doc_id"], "name": d["name"],
                                "doc_key": "name:" + d["name"], "page": ev.get("page"), "text": ev.get("text"),
                                "speaker": ev.get("speaker"), "decision": rec.get("decision"),
                                "reviewer": rec.get("reviewer"), "at": rec.get("at")})
        return out

    def _derived(self, case_id: str, doc_key: str, tag: str, pending: dict[str, str | None]) -> str | None:
        """The tag decision on a document that its evidence decisions imply: accepted when a piece of
        its evidence is accepted, rejected when every piece is rejected, else none."""
        decisions = {e["id"]: e["decision"] for e in self.tag_evidence(case_id, tag) if e["doc_key"] == doc_key}
        decisions.update({k: v for k, v in pending.items() if k in decisions})
        if not decisions:
            return None
        if "accepted" in decisions.values():
            return "accepted"
        if all(v == "rejected" for v in decisions.values()):
            return "rejected"
        return None

    def decide_evidence(self, case_id: str, tag: str, eid: str, decision: str, reviewer: str, by: str) -> dict:
        """Accept or reject one piece of evidence; the tag decision of its document follows (accepted
        when a piece is accepted, rejected once every piece is rejected). Returns the change:
        {"evidence", "before", "after", "doc_key", "tag_before", "tag_after"}."""
        if decision not in DECISIONS:
            raise DeskError("decision must be 'accepted' or 'rejected'")
        ev = next((e for e in self.tag_evidence(case_id, tag) if e["id"] == eid), None)
        if ev is None:
            raise NotFound(f"case '{case_id}' has no evidence '{eid}' for '{tag}'; "
                           f"`dutytrace review {case_id} {tag} --list` lists them")
        before = {"decision": ev["decision"], "reviewer": ev["reviewer"], "at": ev["at"]} if ev["decision"] else None
        after = {"decision": decision, "reviewer": reviewer, "at": time.time()}
        tag_before = self.tag_decision(case_id, ev["doc_key"], tag)
        derived = self._derived(case_id, ev["doc_key"], tag, {eid: decision})
        tag_after = tag_before
        if derived is not None and (tag_before or {}).get("decision") != derived:
            tag_after = {"decision": derived, "reviewer": reviewer, "at": after["at"]}
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO evidence_reviews(case_id, doc_key, tag, evidence, decision, "
                            "reviewer, at, page, text) VALUES (?,?,?,?,?,?,?,?,?)",
                            (case_id, ev["doc_key"], tag, eid, decision, reviewer, after["at"], ev["page"], ev["text"]))
            if tag_after is not tag_before:
                self._set_tag(self.db, case_id, ev["doc_key"], tag, tag_after)
            self._log(self.db, case_id, ev["doc_key"], tag, eid, before, after, by, tag_before, tag_after)
        return {"evidence": eid, "before": before, "after": after, "doc_key": ev["doc_key"],
                "tag_before": tag_before, "tag_after": tag_after}

    # -- the list of decisions and undo -------------------------------------------------------------
    def decisions(self, case_id: str) -> list[dict]:
        """The case's current review decisions, newest first: tag decisions (per document or the
        whole case) and evidence decisions, each with reviewer and time."""
        out = [{"kind": "tag", "tag": r["tag"], "doc_key": r["doc_id"], "evidence": None, "decision": r["decision"],
                "reviewer": r["reviewer"], "at": r["at"], "page": None, "text": None}
               for r in self.db.execute("SELECT * FROM tag_reviews WHERE case_id=?", (case_id,))]
        out += [{"kind": "evidence", "tag": r["tag"], "doc_key": r["doc_key"], "evidence": r["evidence"],
                 "decision": r["decision"], "reviewer": r["reviewer"], "at": r["at"], "page": r["page"],
                 "text": r["text"]}
                for r in self.db.execute("SELECT * FROM evidence_reviews WHERE case_id=?", (case_id,))]
        for d in out:
            d["document"] = None if d["doc_key"] == "*" else d["doc_key"].removeprefix("name:")
        # newest first; a tag decision that an evidence decision moved (same time) after that one
        return sorted(out, key=lambda d: (-(d["at"] or 0), d["kind"] != "evidence", d["tag"], d["doc_key"]))

    def history(self, case_id: str) -> list[dict]:
        rows = self.db.execute("SELECT * FROM review_log WHERE case_id=? ORDER BY at DESC", (case_id,)).fetchall()
        return [{**dict(r), **{k: _load(r[k]) for k in ("before", "after", "tag_before", "tag_after")}} for r in rows]

    def undo(self, case_id: str, tag: str, doc_key: str | None = None, eid: str | None = None, by: str = "") -> dict:
        """Take back the current decision on a tag (of a document, `doc_key`, or of the case, "*") or on
        one piece of evidence (`eid`): the decision goes back to what it was before that change (none,
        when it was the first). Undoing an evidence decision also puts back the tag decision it moved,
        unless that tag decision has changed since. Returns {"before", "after", ...} of the undo."""
        if eid:
            cur = self.db.execute("SELECT * FROM evidence_reviews WHERE case_id=? AND tag=? AND evidence=?",
                                  (case_id, tag, eid)).fetchone()
            if cur is None:
                raise NotFound(f"case '{case_id}' has no decision on evidence '{eid}' of '{tag}' to undo")
            doc_key = cur["doc_key"]
            current: dict[str, Any] | None = {"decision": cur["decision"], "reviewer": cur["reviewer"], "at": cur["at"]}
        else:
            doc_key = doc_key or "*"
            current = self.tag_decision(case_id, doc_key, tag)
            if current is None:
                where = "the case" if doc_key == "*" else doc_key.removeprefix("name:")
                raise NotFound(f"case '{case_id}' has no decision on '{tag}' for {where} to undo; "
                               f"`dutytrace review {case_id} --list` shows its decisions")
        last = self.db.execute("SELECT * FROM review_log WHERE case_id=? AND doc_key=? AND tag=? AND evidence=? "
                               "AND undone=0 AND undo_of IS NULL ORDER BY at DESC LIMIT 1",
                               (case_id, doc_key, tag, eid or "")).fetchone()
        # a decision written before the history existed (or by another path) goes back to none
        restored = _load(last["before"]) if last is not None and _same(_load(last["after"]), current) else None
        tag_before = tag_after = None
        with self.db:
            if eid:
                if restored is None:
                    self.db.execute("DELETE FROM evidence_reviews WHERE case_id=? AND tag=? AND evidence=?",
                                    (case_id, tag, eid))
                else:
                    self.db.execute("UPDATE evidence_reviews SET decision=?, reviewer=?, at=? WHERE case_id=? AND "
                                    "tag=? AND evidence=?", (restored["decision"], restored["reviewer"],
                                                             restored["at"], case_id, tag, eid))
                if last is not None and last["tag_after"] != last["tag_before"]:
                    now_tag = self.tag_decision(case_id, doc_key, tag)
                    if _same(_load(last["tag_after"]), now_tag):
                        tag_before, tag_after = now_tag, _load(last["tag_before"])
                        self._set_tag(self.db, case_id, doc_key, tag, tag_after)
            else:
                self._set_tag(self.db, case_id, doc_key, tag, restored)
            if last is not None:
                self.db.execute("UPDATE review_log SET undone=1 WHERE id=?", (last["id"],))
            self._log(self.db, case_id, doc_key, tag, eid or "", current, restored, by, tag_before, tag_after,
                      undo_of=last["id"] if last is not None else "")
        return {"tag": tag, "doc_key": doc_key, "evidence": eid, "before": current, "after": restored,
                "tag_before": tag_before, "tag_after": tag_after}

    # -- working sets -------------------------------------------------------------------------------
    def pin(self, owner: str, workset: str, case_id: str) -> bool:
        """Pin a case; False when it was pinned already."""
        with self.db:
            had = self.db.execute("SELECT 1 FROM pins WHERE owner=? AND workset=? AND case_id=?",
                                  (owner, workset, case_id)).fetchone()
            if not had:
                self.db.execute("INSERT INTO pins(owner, workset, case_id, at) VALUES (?,?,?,?)",
                                (owner, workset, case_id, time.time()))
        return not had

    def unpin(self, owner: str, workset: str, case_id: str) -> bool:
        with self.db:
            had = self.db.execute("SELECT 1 FROM pins WHERE owner=? AND workset=? AND case_id=?",
                                  (owner, workset, case_id)).fetchone()
            self.db.execute("DELETE FROM pins WHERE owner=? AND workset=? AND case_id=?", (owner, workset, case_id))
        return bool(had)

    def pins(self, owner: str, workset: str | None = None) -> list[dict]:
        """The user's pins (of one working set, or all), oldest first."""
        q, args = "SELECT * FROM pins WHERE owner=?", [owner]
        if workset is not None:
            q += " AND workset=?"
            args.append(workset)
        return [dict(r) for r in self.db.execute(q + " ORDER BY at, case_id", args)]

    # -- notes --------------------------------------------------------------------------------------
    def add_note(self, case_id: str, author: str, text: str, chunk_id: str | None = None,
                 doc_id: str | None = None, page: int | None = None) -> dict:
        note = {"id": "n" + uuid.uuid4().hex[:12], "case_id": case_id, "chunk_id": chunk_id, "doc_id": doc_id,
                "page": page, "author": author, "at": time.time(), "text": text}
        with self.db:
            self.db.execute("INSERT INTO notes(id, case_id, chunk_id, doc_id, page, author, at, text) "
                            "VALUES (?,?,?,?,?,?,?,?)", tuple(note[k] for k in
                                                              ("id", "case_id", "chunk_id", "doc_id", "page", "author",
                                                               "at", "text")))
        return note

    def notes(self, case_id: str, chunk_id: str | None = None, doc_id: str | None = None) -> list[dict]:
        """A case's notes, oldest first; with `chunk_id` those on that passage, with `doc_id` those on
        the passages of that document."""
        q, args = "SELECT * FROM notes WHERE case_id=?", [case_id]
        if chunk_id is not None:
            q += " AND chunk_id=?"
            args.append(chunk_id)
        if doc_id is not None:
            q += " AND doc_id=?"
            args.append(doc_id)
        return [dict(r) for r in self.db.execute(q + " ORDER BY at, id", args)]


def _dump(state: dict | None) -> str | None:
    return None if state is None else json.dumps(state, ensure_ascii=False)


def _same(a: dict | None, b: dict | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.get("decision") == b.get("decision") and a.get("reviewer") == b.get("reviewer") and \
        abs(float(a.get("at") or 0) - float(b.get("at") or 0)) < 1e-3
