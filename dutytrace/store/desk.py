"""The investigator's desk in the catalog: the history of tag reviews (so a decision can be taken
back), reviews of single pieces of evidence, cases pinned to a user's named working sets, and notes
on a case or on a passage.

Tables (store/schema.py; SQLAlchemy Core statements, the same on SQLite and PostgreSQL):

- `review_log`: one row per change of a review decision — a tag on a document (`doc_key` is
  `name:<file name>` or `*` for the whole case, as in the catalog's `tag_reviews`) or one piece of
  evidence (`evidence` is its id, '' for a tag decision) — with the decision before and after (JSON
  `{"decision", "reviewer", "at"}` or null), who made the change and when, and whether it was undone.
  A change to an evidence decision that also moved the tag decision of its document keeps the tag's
  before/after too (`tag_before`, `tag_after`), so that undoing it puts both back.
- `evidence_reviews`: the current decision on a piece of evidence of a tag.
- `pins`: (user, working set, case) with the time it was pinned.
- `notes`: author, time, text, the case and, for a note on a passage, the passage (chunk id), its
  document and page; when and by whom it was last edited, and whether (when, by whom) it was deleted
  (a deleted note stays as a row, out of every view).

The current tag decisions stay in the catalog's `tag_reviews` (what `profile.case_profile` reads);
this module writes and deletes rows there, and only there, for a decision and its undo."""

from __future__ import annotations

import hashlib
import json
import re
import time
import uuid
from typing import Any

from sqlalchemy import delete, insert, select, update

from dutytrace.errors import DutytraceError, NotFound
from dutytrace.store import schema as t
from dutytrace.store.db import upsert
from dutytrace.store.catalog import _changed as _case_changed  # raises cases.rev: stored profiles rebuild


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

    # -- tag decisions (the catalog's tag_reviews) with their history -------------------------------
    def tag_decision(self, case_id: str, doc_key: str, tag: str) -> dict | None:
        r = t.tag_reviews.c
        row = self.db.first(select(r.decision, r.reviewer, r.at).where(r.case_id == case_id, r.doc_id == doc_key,
                                                                        r.tag == tag))
        return {"decision": row.decision, "reviewer": row.reviewer, "at": row.at} if row else None

    def _set_tag(self, tx, case_id: str, doc_key: str, tag: str, state: dict | None) -> None:
        """Write (or, for None, remove) a tag decision, in the caller's transaction. The case's stored
        profile is marked out of date too: an undo can put back an older decision, which leaves the
        reviews' count and latest time (the profile's review stamp) as they were."""
        _case_changed(tx, case_id)
        r = t.tag_reviews.c
        if state is None:
            tx.execute(delete(t.tag_reviews).where(r.case_id == case_id, r.doc_id == doc_key, r.tag == tag))
        else:
            upsert(tx, t.tag_reviews, {"case_id": case_id, "doc_id": doc_key, "tag": tag, "decision": state["decision"],
                                       "reviewer": state.get("reviewer"), "at": state.get("at") or time.time()})

    def _log(self, tx, case_id, doc_key, tag, evidence, before, after, by, tag_before=None, tag_after=None,
             undo_of=None) -> str:
        log_id = uuid.uuid4().hex[:16]
        tx.execute(insert(t.review_log), {
            "id": log_id, "case_id": case_id, "doc_key": doc_key, "tag": tag, "evidence": evidence or "",
            "before": _dump(before), "after": _dump(after), "tag_before": _dump(tag_before),
            "tag_after": _dump(tag_after), "by_user": by, "at": time.time(), "undo_of": undo_of, "undone": 0})
        return log_id

    def decide_tag(self, case_id: str, doc_key: str, tag: str, decision: str, reviewer: str, by: str
                   ) -> tuple[dict | None, dict]:
        """Record a tag decision on a document (or the case, "*"); returns (before, after)."""
        if decision not in DECISIONS:
            raise DeskError("decision must be 'accepted' or 'rejected'")
        before = self.tag_decision(case_id, doc_key, tag)
        after = {"decision": decision, "reviewer": reviewer, "at": time.time()}
        with self.db.transaction() as tx:
            self._set_tag(tx, case_id, doc_key, tag, after)
            self._log(tx, case_id, doc_key, tag, "", before, after, by)
        return before, after

    # -- evidence decisions -------------------------------------------------------------------------
    def evidence_decisions(self, case_id: str) -> dict[str, dict]:
        """evidence id -> {"decision", "reviewer", "at", "doc_key", "tag", "page", "text"}."""
        e = t.evidence_reviews.c
        return {r.evidence: dict(r._mapping) for r in self.db.all(select(t.evidence_reviews).where(e.case_id == case_id))}

    def tag_evidence(self, case_id: str, tag: str) -> list[dict]:
        """Every piece of evidence of `tag` in the case's documents (all of them, not only the first
        eight a profile keeps), each with its id and its decision, if any."""
        decisions = self.evidence_decisions(case_id)
        out = []
        for d in self.catalog.documents(case_id):
            for tg in d["analysis"].get("tags", []):
                if tg["tag"] != tag:
                    continue
                for ev in tg.get("evidence", []):
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
        with self.db.transaction() as tx:
            upsert(tx, t.evidence_reviews, {"case_id": case_id, "doc_key": ev["doc_key"], "tag": tag, "evidence": eid,
                                            "decision": decision, "reviewer": reviewer, "at": after["at"],
                                            "page": ev["page"], "text": ev["text"]})
            if tag_after is not tag_before:
                self._set_tag(tx, case_id, ev["doc_key"], tag, tag_after)
            self._log(tx, case_id, ev["doc_key"], tag, eid, before, after, by, tag_before, tag_after)
        return {"evidence": eid, "before": before, "after": after, "doc_key": ev["doc_key"],
                "tag_before": tag_before, "tag_after": tag_after}

    # -- the list of decisions and undo -------------------------------------------------------------
    def decisions(self, case_id: str) -> list[dict]:
        """The case's current review decisions, newest first: tag decisions (per document or the
        whole case) and evidence decisions, each with reviewer and time."""
        out = [{"kind": "tag", "tag": r["tag"], "doc_key": r["doc_id"], "evidence": None, "decision": r["decision"],
                "reviewer": r["reviewer"], "at": r["at"], "page": None, "text": None}
               for r in _dicts(self.db.all(select(t.tag_reviews).where(t.tag_reviews.c.case_id == case_id)))]
        out += [{"kind": "evidence", "tag": r["tag"], "doc_key": r["doc_key"], "evidence": r["evidence"],
                 "decision": r["decision"], "reviewer": r["reviewer"], "at": r["at"], "page": r["page"],
                 "text": r["text"]}
                for r in _dicts(self.db.all(select(t.evidence_reviews).where(t.evidence_reviews.c.case_id == case_id)))]
        for d in out:
            d["document"] = None if d["doc_key"] == "*" else d["doc_key"].removeprefix("name:")
        # newest first; a tag decision that an evidence decision moved (same time) after that one
        return sorted(out, key=lambda d: (-(d["at"] or 0), d["kind"] != "evidence", d["tag"], d["doc_key"]))

    def history(self, case_id: str) -> list[dict]:
        rows = _dicts(self.db.all(select(t.review_log).where(t.review_log.c.case_id == case_id)
                                  .order_by(t.review_log.c.at.desc())))
        return [{**dict(r), **{k: _load(r[k]) for k in ("before", "after", "tag_before", "tag_after")}} for r in rows]

    def undo(self, case_id: str, tag: str, doc_key: str | None = None, eid: str | None = None, by: str = "") -> dict:
        """Take back the current decision on a tag (of a document, `doc_key`, or of the case, "*") or on
        one piece of evidence (`eid`): the decision goes back to what it was before that change (none,
        when it was the first). Undoing an evidence decision also puts back the tag decision it moved,
        unless that tag decision has changed since. Returns {"before", "after", ...} of the undo."""
        if eid:
            e = t.evidence_reviews.c
            cur = _dict(self.db.first(select(t.evidence_reviews).where(e.case_id == case_id, e.tag == tag,
                                                                         e.evidence == eid)))
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
        lg = t.review_log.c
        last = _dict(self.db.first(select(t.review_log).where(
            lg.case_id == case_id, lg.doc_key == doc_key, lg.tag == tag, lg.evidence == (eid or ""), lg.undone == 0,
            lg.undo_of.is_(None)).order_by(lg.at.desc()).limit(1)))
        # a decision written before the history existed (or by another path) goes back to none
        restored = _load(last["before"]) if last is not None and _same(_load(last["after"]), current) else None
        tag_before = tag_after = None
        with self.db.transaction() as tx:
            if eid:
                e = t.evidence_reviews.c
                which = (e.case_id == case_id, e.tag == tag, e.evidence == eid)
                if restored is None:
                    tx.execute(delete(t.evidence_reviews).where(*which))
                else:
                    tx.execute(update(t.evidence_reviews).where(*which).values(
                        decision=restored["decision"], reviewer=restored["reviewer"], at=restored["at"]))
                if last is not None and last["tag_after"] != last["tag_before"]:
                    now_tag = self.tag_decision(case_id, doc_key, tag)
                    if _same(_load(last["tag_after"]), now_tag):
                        tag_before, tag_after = now_tag, _load(last["tag_before"])
                        self._set_tag(tx, case_id, doc_key, tag, tag_after)
            else:
                self._set_tag(tx, case_id, doc_key, tag, restored)
            if last is not None:
                tx.execute(update(t.review_log).where(t.review_log.c.id == last["id"]).values(undone=1))
            self._log(tx, case_id, doc_key, tag, eid or "", current, restored, by, tag_before, tag_after,
                      undo_of=last["id"] if last is not None else "")
        return {"tag": tag, "doc_key": doc_key, "evidence": eid, "before": current, "after": restored,
                "tag_before": tag_before, "tag_after": tag_after}

    # -- working sets -------------------------------------------------------------------------------
    def pin(self, owner: str, workset: str, case_id: str) -> bool:
        """Pin a case; False when it was pinned already."""
        p = t.pins.c
        with self.db.transaction() as tx:
            had = tx.execute(select(p.case_id).where(p.owner == owner, p.workset == workset, p.case_id == case_id)).first()
            if not had:
                tx.execute(insert(t.pins), {"owner": owner, "workset": workset, "case_id": case_id, "at": time.time()})
        return not had

    def unpin(self, owner: str, workset: str, case_id: str) -> bool:
        p = t.pins.c
        which = (p.owner == owner, p.workset == workset, p.case_id == case_id)
        with self.db.transaction() as tx:
            had = tx.execute(select(p.case_id).where(*which)).first()
            tx.execute(delete(t.pins).where(*which))
        return bool(had)

    def pins(self, owner: str, workset: str | None = None) -> list[dict]:
        """The user's pins (of one working set, or all), oldest first."""
        p = t.pins.c
        q = select(t.pins).where(p.owner == owner)
        if workset is not None:
            q = q.where(p.workset == workset)
        return _dicts(self.db.all(q.order_by(p.at, p.case_id)))

    # -- notes --------------------------------------------------------------------------------------
    def add_note(self, case_id: str, author: str, text: str, chunk_id: str | None = None,
                 doc_id: str | None = None, page: int | None = None) -> dict:
        note = {"id": "n" + uuid.uuid4().hex[:12], "case_id": case_id, "chunk_id": chunk_id, "doc_id": doc_id,
                "page": page, "author": author, "at": time.time(), "text": text}
        with self.db.transaction() as tx:
            tx.execute(insert(t.notes), dict(note))
        return note

    def note(self, note_id: str) -> dict | None:
        """One note by id, deleted or not (None when there is no such note)."""
        return _dict(self.db.first(select(t.notes).where(t.notes.c.id == note_id)))

    def edit_note(self, note_id: str, text: str, by: str) -> tuple[dict, dict]:
        """Put new text in a note that is not deleted; it keeps its id, author and creation time, and
        records when and by whom it was edited. Returns (before, after)."""
        before = self.note(note_id)
        if before is None or before["deleted_at"] is not None:
            raise NotFound(f"no note '{note_id}'")
        now = time.time()
        with self.db.transaction() as tx:
            tx.execute(update(t.notes).where(t.notes.c.id == note_id, t.notes.c.deleted_at.is_(None))
                       .values(text=text, edited_at=now, edited_by=by))
        return before, {**before, "text": text, "edited_at": now, "edited_by": by}

    def delete_note(self, note_id: str, by: str) -> dict:
        """Take a note out of every view; the row stays (marked deleted, when and by whom). Returns the
        note as it was."""
        before = self.note(note_id)
        if before is None or before["deleted_at"] is not None:
            raise NotFound(f"no note '{note_id}'")
        with self.db.transaction() as tx:
            tx.execute(update(t.notes).where(t.notes.c.id == note_id, t.notes.c.deleted_at.is_(None))
                       .values(deleted_at=time.time(), deleted_by=by))
        return before

    def notes(self, case_id: str, chunk_id: str | None = None, doc_id: str | None = None) -> list[dict]:
        """A case's notes that are not deleted, oldest first; with `chunk_id` those on that passage, with
        `doc_id` those on the passages of that document."""
        n = t.notes.c
        q = select(t.notes).where(n.case_id == case_id, n.deleted_at.is_(None))
        if chunk_id is not None:
            q = q.where(n.chunk_id == chunk_id)
        if doc_id is not None:
            q = q.where(n.doc_id == doc_id)
        return _dicts(self.db.all(q.order_by(n.at, n.id)))


def _dicts(rows) -> list[dict]:
    return [dict(r._mapping) for r in rows]


def _dict(row) -> dict | None:
    return None if row is None else dict(row._mapping)


def _dump(state: dict | None) -> str | None:
    return None if state is None else json.dumps(state, ensure_ascii=False)


def _same(a: dict | None, b: dict | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.get("decision") == b.get("decision") and a.get("reviewer") == b.get("reviewer") and \
        abs(float(a.get("at") or 0) - float(b.get("at") or 0)) < 1e-3
