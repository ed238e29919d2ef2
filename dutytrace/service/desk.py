"""The investigator's desk: tag and evidence review with undo, working sets (pins), notes,
rectification measures and their follow-up, and saved searches (desk.py, store/desk.py,
store/measures.py, store/saved_searches.py)."""

from __future__ import annotations

from dutytrace.errors import NotFound
from dutytrace.security import AccessDenied
from dutytrace.profile import ProfileReader, case_profile, index_payload
from dutytrace.service.policy import ServicePolicy


class DeskMixin(ServicePolicy):
    def review_tag(self, case_id: str, doc_id: str | None, tag: str, decision: str, reviewer: str | None = None) -> str:
        """Accept or reject a tag on one document (doc_id, an id prefix or the file name) or, with doc_id
        None or "*", on the whole case. A document decision is kept by file name, so it holds for a new
        version of the file too; re-ingesting never undoes it. Returns the key it was stored under.
        The reviewer is the caller; only an admin may enter a decision in another reviewer's name
        (e.g. from a paper record), and then both names are recorded."""
        if decision not in ("accepted", "rejected"):
            raise ValueError("decision must be 'accepted' or 'rejected'")
        me = self.require("review", "review_tag", case_id, tag=tag)
        self._check_case(case_id, "review_tag")
        if reviewer and reviewer != me.name:
            if me.role != "admin":
                self._denied("review_tag", case_id, "reviewer override", reviewer=reviewer, tag=tag)
                raise AccessDenied(f"user '{me.name}' ({me.role}) may not record a decision as '{reviewer}': "
                                   "the reviewer recorded is the one who decides (admins may enter another's)")
            reviewer = f"{reviewer} (entered by {me.name})"
        else:
            reviewer = me.name
        key = self._doc_key(case_id, doc_id)
        before, after = self._desk().decide_tag(case_id, key, tag, decision, reviewer, me.name)
        self.audit.record(me.name, "review_tag", case_id, doc=key, tag=tag, decision=decision, reviewer=reviewer,
                          before=before, after=after)
        self._case_changed(case_id)
        return key

    def _doc_key(self, case_id: str, doc_id: str | None) -> str:
        """The key a review decision is kept under: "*" for the whole case, else `name:<file name>` of
        the one document that `doc_id` (an id, an id prefix or the file name) names."""
        docs = self.catalog.documents(case_id)
        if not docs:
            raise NotFound(f"no case '{case_id}' in the catalog")
        if doc_id in (None, "", "*"):
            return "*"
        if doc_id.startswith("name:"):
            doc_id = doc_id[5:]
        match = [d for d in docs if d["doc_id"].startswith(doc_id) or d["name"] == doc_id]
        if len(match) != 1:
            raise NotFound(f"case '{case_id}' has {'no' if not match else 'more than one'} document '{doc_id}'")
        return "name:" + match[0]["name"]

    def _case_changed(self, case_id: str) -> None:
        """A review decision changed the case's tags: its index payload (filters, facets) follows."""
        self.index.set_payload(case_id, index_payload(case_profile(self.catalog, case_id, self._codebook())))

    def _desk(self):
        from dutytrace.store.desk import DeskStore

        return DeskStore(self.catalog)

    def review_decisions(self, case_id: str) -> list[dict]:
        """The case's current review decisions (tags per document or case, single pieces of evidence),
        newest first, each with reviewer and time. Needs the same clearance as the case."""
        from dutytrace.desk import with_times

        self.require("view", "view_case", case_id, what="review decisions")
        self._check_case(case_id, "review_decisions")
        return with_times(self._desk().decisions(case_id))

    def tag_evidence(self, case_id: str, tag: str) -> list[dict]:
        """Every piece of evidence of a tag in the case, each with its id and decision (if any)."""
        from dutytrace.desk import with_times

        self.require("view", "view_case", case_id, what="tag evidence")
        self._check_case(case_id, "tag_evidence")
        return with_times(self._desk().tag_evidence(case_id, tag))

    def review_evidence(self, case_id: str, tag: str, evidence_id: str, decision: str) -> dict:
        """Accept or reject one piece of evidence of a tag, in the caller's name; the tag decision of
        its document follows (store/desk.py). Audited (`review_evidence`) with before/after."""
        from dutytrace.store.desk import DECISIONS, DeskError

        if decision not in DECISIONS:
            raise DeskError("decision must be 'accepted' or 'rejected'")
        me = self.require("review", "review_evidence", case_id, tag=tag, evidence=evidence_id)
        self._check_case(case_id, "review_evidence")
        ch = self._desk().decide_evidence(case_id, tag, evidence_id, decision, me.name, me.name)
        self.audit.record(me.name, "review_evidence", case_id, tag=tag, evidence=evidence_id, doc=ch["doc_key"],
                          before=ch["before"], after=ch["after"], tag_before=ch["tag_before"],
                          tag_after=ch["tag_after"])
        self._case_changed(case_id)
        return ch

    def undo_review(self, case_id: str, tag: str, doc_id: str | None = None, evidence_id: str | None = None) -> dict:
        """Take back the current decision on a tag (of one document, or of the case) or on one piece of
        evidence: it goes back to what it was before (none, for a first decision). Needs the review
        permission; audited (`review_undo`) with before/after."""
        me = self.require("review", "review_undo", case_id, tag=tag)
        self._check_case(case_id, "review_undo")
        key = None if evidence_id else self._doc_key(case_id, doc_id)
        ch = self._desk().undo(case_id, tag, key, evidence_id, by=me.name)
        self.audit.record(me.name, "review_undo", case_id, tag=tag, doc=ch["doc_key"], evidence=evidence_id,
                          before=ch["before"], after=ch["after"], tag_before=ch["tag_before"],
                          tag_after=ch["tag_after"])
        self._case_changed(case_id)
        return ch

    def pin(self, case_id: str, workset: str | None = None, pinned: bool = True) -> bool:
        """Pin a case to (or, pinned=False, unpin it from) one of the caller's named working sets
        ("default" when unnamed). Returns whether anything changed. Audited (`pin` / `unpin`)."""
        from dutytrace.store.desk import check_workset

        ws = check_workset(workset)
        me = self.require("view", "pin" if pinned else "unpin", case_id, workset=ws)
        self._check_case(case_id, "pin" if pinned else "unpin")
        desk = self._desk()
        did = desk.pin(me.name, ws, case_id) if pinned else desk.unpin(me.name, ws, case_id)
        self.audit.record(me.name, "pin" if pinned else "unpin", case_id, workset=ws,
                          before=not pinned if did else pinned, after=pinned)
        return did

    def pinned_in(self, case_id: str) -> list[str]:
        """The caller's working sets that hold this case (nothing for a case the caller may not see)."""
        self._check_case(case_id, "pinned_in")
        return sorted({p["workset"] for p in self._desk().pins(self.principal.name) if p["case_id"] == case_id})

    def pinned_cases(self, workset: str | None = None) -> set[str]:
        """The ids of the cases in one of the caller's working sets that the caller may see now (for
        the pin buttons of a page of results: one query, not one per card)."""
        from dutytrace.store.desk import check_workset

        visible = self._visible()
        return {p["case_id"] for p in self._desk().pins(self.principal.name, check_workset(workset))
                if visible is None or p["case_id"] in visible}

    def worksets(self) -> dict[str, int]:
        """The caller's working sets with how many of their cases the caller may see now."""
        visible = self._visible()
        out: dict[str, int] = {}
        for p in self._desk().pins(self.require("view", "worksets").name):
            out.setdefault(p["workset"], 0)
            if visible is None or p["case_id"] in visible:
                out[p["workset"]] += 1
        return out

    def workset(self, workset: str | None = None, tag_label=str) -> list[dict]:
        """The cases of one of the caller's working sets with their facts and decided tags, in the
        order pinned: only cases the caller is cleared for now (a pin of a case whose clearance the
        caller lost stays stored, unseen). Audited as a view."""
        from dutytrace.desk import workset_rows
        from dutytrace.store.desk import check_workset

        ws = check_workset(workset)
        me = self.require("view", "view_case", None, what="workset", workset=ws)
        visible = self._visible()
        pins = [p for p in self._desk().pins(me.name, ws) if visible is None or p["case_id"] in visible]
        profiles = ProfileReader(self.catalog, self._codebook(), visible).many([p["case_id"] for p in pins])
        self.audit.record(me.name, "view_case", None, what="workset", workset=ws, cases=sorted(profiles))
        return workset_rows(pins, profiles, tag_label)

    def workset_csv(self, workset: str | None = None, tag_label=str, header: dict | None = None) -> bytes:
        """The working set as CSV (formula-escaped). Needs the export permission; audited."""
        from dutytrace.desk import workset_csv

        self.require("export", "export", what="workset CSV")
        rows = self.workset(workset, tag_label)
        self.record_export("workset CSV", workset=workset or "default", rows=len(rows))
        return workset_csv(rows, header)

    def notes(self, case_id: str, chunk_id: str | None = None) -> list[dict]:
        """A case's notes (or a passage's), oldest first, with author and time. Only for users
        cleared for the case (others get the same NotFound as for a case that does not exist)."""
        from dutytrace.desk import with_times

        from dutytrace.desk import may_change_note

        me = self.require("view", "view_case", case_id, what="notes")
        self._check_case(case_id, "notes")
        mine = me.can("review")  # `mine`: the caller may edit or delete it (its author, or an admin)
        return [{**n, "mine": mine and may_change_note(n, me.name, me.role)}
                for n in with_times(self._desk().notes(case_id, chunk_id=chunk_id))]

    def document_notes(self, doc_id: str) -> dict[str, list[dict]]:
        """The notes on the passages of one document, by chunk id (for the document viewer), each with
        `mine` as in notes()."""
        from dutytrace.desk import may_change_note, notes_by_chunk, with_times

        doc = self._check_document(doc_id)
        me = self.principal
        return notes_by_chunk([{**n, "mine": me.can("review") and may_change_note(n, me.name, me.role)}
                               for n in with_times(self._desk().notes(doc["case_id"], doc_id=doc_id))])

    def add_note(self, case_id: str, text: str, chunk_id: str | None = None) -> dict:
        """A note on a case or, with `chunk_id`, on one of its passages, in the caller's name. Needs the
        review permission and clearance for the case; audited (`note`, before none, after the note)."""
        from dutytrace.desk import with_times
        from dutytrace.store.desk import check_note

        text = check_note(text)
        me = self.require("review", "note", case_id, passage=chunk_id)
        self._check_case(case_id, "note")
        doc_id = page = None
        if chunk_id:
            chunk = next((c for c in self.catalog.chunks_of_case(case_id) if c["chunk_id"] == chunk_id), None)
            if chunk is None:
                raise NotFound(f"case '{case_id}' has no passage '{chunk_id}'")
            doc_id, page = chunk["doc_id"], chunk["page"]
        note = self._desk().add_note(case_id, me.name, text, chunk_id, doc_id, page)
        self.audit.record(me.name, "note", case_id, note=note["id"], passage=chunk_id, before=None,
                          after={"text": text, "author": me.name})
        return with_times([note])[0]

    def _own_note(self, note_id: str, action: str):
        """(caller, note) for a change to a note: the review permission, clearance for its case (a note
        of a case the caller may not see is as missing as one that does not exist), and being its
        author or an admin (desk.may_change_note); each refusal audited as `denied`."""
        from dutytrace.desk import may_change_note

        me = self.require("review", action, None, note=note_id)
        note = self._desk().note(note_id)
        if note is None or note["deleted_at"] is not None:
            raise NotFound(f"no note '{note_id}'; `dutytrace notes CASE` lists a case's notes")
        try:
            self._check_case(note["case_id"], action)
        except NotFound:
            raise NotFound(f"no note '{note_id}'; `dutytrace notes CASE` lists a case's notes") from None
        if not may_change_note(note, me.name, me.role):
            reason = f"user '{me.name}' may not change a note written by '{note['author']}'"
            self._denied(action, note["case_id"], reason, note=note_id)
            raise AccessDenied(reason)
        return me, note

    def edit_note(self, note_id: str, text: str) -> dict:
        """New text for a note, by its author (or an admin) cleared for its case. Audited (`note_edit`,
        with the note before and after); the note shows when it was edited."""
        from dutytrace.desk import note_state, with_times
        from dutytrace.store.desk import check_note

        text = check_note(text)
        me, _ = self._own_note(note_id, "note_edit")
        before, after = self._desk().edit_note(note_id, text, me.name)
        self.audit.record(me.name, "note_edit", before["case_id"], note=note_id, passage=before["chunk_id"],
                          before=note_state(before), after=note_state(after))
        return with_times([after])[0]

    def delete_note(self, note_id: str) -> dict:
        """Delete a note, by its author (or an admin) cleared for its case: it leaves every view; its
        text stays in the audit log (`note_delete`, before the note, after none)."""
        from dutytrace.desk import note_state, with_times

        me, _ = self._own_note(note_id, "note_delete")
        before = self._desk().delete_note(note_id, me.name)
        self.audit.record(me.name, "note_delete", before["case_id"], note=note_id, passage=before["chunk_id"],
                          before=note_state(before), after=None)
        return with_times([before])[0]

    def measures(self, case_id: str) -> dict:
        """A case's rectification measures with their follow-up: {"case_id", "items": [{"id", "measure",
        "body", "deadline", "status", "page", ...}]}. Audited as a view of the case."""
        from dutytrace.store.measures import MeasureStore

        self.require("view", "view_case", case_id, what="measures")
        self._check_case(case_id, "measures")
        self.audit.record(self.principal.name, "view_case", case_id, what="measures")
        return {"case_id": case_id, "items": MeasureStore(self.catalog).items(case_id)}

    def set_measure_status(self, case_id: str, item_id: str, status: str, note: str | None = None,
                           checked: str | None = None) -> dict:
        """Record the status of one measure (open | in_progress | done | overdue), with a note and the
        date checked (today when not given), in the caller's name; needs the `review` permission.
        Audited (`measure_status`) with the values before and after. Returns the item."""
        from dutytrace.store.measures import MeasureStore, check_status

        check_status(status)
        me = self.require("review", "measure_status", case_id, item=item_id)
        self._check_case(case_id, "measure_status")
        before, after = MeasureStore(self.catalog).set_status(case_id, item_id, status, note, me.name, checked)
        keys = ("recorded_status", "note", "checked", "by")
        self.audit.record(me.name, "measure_status", case_id, item=item_id, document=after["document"],
                          before={k: before[k] for k in keys}, after={k: after[k] for k in keys})
        return after

    def measure_followup(self, statuses: list[str] | None = None) -> list[dict]:
        """The measures of every case this user may see, with case title, region and age (the
        follow-up view), optionally only those whose status is among `statuses`. Audited once (as
        analytics), not per case."""
        from dutytrace.store.measures import MeasureStore, check_status

        wanted = {check_status(s) for s in statuses} if statuses else None
        self.require("view", "analytics", what="measure follow-up")
        self.audit.record(self.principal.name, "analytics", None, what="measure follow-up")
        rows = MeasureStore(self.catalog).followup(self.case_ids())
        return [r for r in rows if wanted is None or r["status"] in wanted]

    def save_search(self, name: str, query: str, mode: str = "hybrid", sort: str = "relevance",
                    filters: dict | None = None) -> dict:
        """Save the Search page's query, mode, sort and filters under a name, for this user. Audited."""
        from dutytrace.store.saved_searches import SavedSearches

        me = self.require("search", "saved_search", name)
        saved = SavedSearches(self.catalog).save(me.name, name, query, mode, sort, filters)
        self.audit.record(me.name, "saved_search", saved["id"], op="save", name=saved["name"], query=query,
                          mode=mode, sort=sort, filters=filters or {})
        return saved

    def saved_searches(self) -> list[dict]:
        """This user's saved searches, newest first."""
        from dutytrace.store.saved_searches import SavedSearches

        me = self.require("search", "saved_search")
        return SavedSearches(self.catalog).list(me.name)

    def saved_search(self, search_id: str) -> dict:
        """One of this user's saved searches, to run again (audited as op=run; the search itself is
        audited when it runs)."""
        from dutytrace.store.saved_searches import SavedSearches

        me = self.require("search", "saved_search", search_id)
        saved = SavedSearches(self.catalog).get(me.name, search_id)
        self.audit.record(me.name, "saved_search", search_id, op="run", name=saved["name"])
        return saved

    def delete_saved_search(self, search_id: str) -> None:
        from dutytrace.store.saved_searches import SavedSearches

        me = self.require("search", "saved_search", search_id)
        gone = SavedSearches(self.catalog).delete(me.name, search_id)
        self.audit.record(me.name, "saved_search", search_id, op="delete", name=gone["name"])
