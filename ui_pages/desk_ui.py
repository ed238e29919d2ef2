"""The investigator's desk in the UI, as functions the pages call (this module is imported, never run
as a page): the pin button of search cards and the Case page, the Case page's review history (list
with reviewer and time, undo, evidence reviewed one by one) and notes, and the notes beside a
passage in the Document page. Everything goes through the service (store/desk.py, desk.py)."""

from __future__ import annotations

import streamlit as st

from dutytrace.errors import DutytraceError
from ui_pages.common import can, changed, esc, open_document, service, t, tag_label

WS_KEY = "desk_ws"  # the working set chosen; a plain session value, so it outlives a page switch
CSS = "<style>.dt-note{white-space:pre-wrap;margin:.1rem 0 .3rem 0}.dt-review-rejected{color:#b3261e;font-weight:600}" \
      ".dt-review-accepted{color:#1b6e20;font-weight:600}</style>"


def current_workset() -> str:
    return st.session_state.get(WS_KEY) or "default"


def workset_label(name: str) -> str:
    return t("ws.default") if name == "default" else name


def pin_button(case_id: str, key: str) -> None:
    """Pin the case to the current working set, or unpin it when it is there already."""
    svc = service()
    ws = current_workset()
    try:
        pinned = case_id in svc.pinned_cases(ws)
    except DutytraceError:
        return
    label = t("ws.unpin" if pinned else "ws.pin", ws=workset_label(ws))
    if st.button(label, key=key, icon=":material/keep_off:" if pinned else ":material/keep:", type="tertiary"):
        svc.pin(case_id, ws, pinned=not pinned)
        st.session_state["_desk_toast"] = t("ws.unpinned" if pinned else "ws.pinned", ws=workset_label(ws))
        st.rerun()


def toast() -> None:
    if st.session_state.get("_desk_toast"):
        st.toast(st.session_state.pop("_desk_toast"))


def workset_picker(key: str) -> str:
    """Choose the working set (the user's sets, or a new name); returns its name."""
    names = list(dict.fromkeys(["default", *service().worksets(), current_workset()]))
    c1, c2 = st.columns([2, 2])
    picked = c1.selectbox(t("ws.pick"), names, index=names.index(current_workset()), format_func=workset_label,
                          key=f"{key}-pick")
    new = c2.text_input(t("ws.new"), key=f"{key}-new", max_chars=60).strip()
    chosen = new or picked
    st.session_state[WS_KEY] = chosen
    return chosen


# -- Case page -------------------------------------------------------------------------------------
def case_desk(case_id: str, prof: dict) -> None:
    """The Case page's own section: pin, reviewed tags with undo, evidence review, notes."""
    toast()
    st.markdown(CSS, unsafe_allow_html=True)
    st.divider()
    st.subheader(t("desk.title"))
    with st.container(key="desk-pin"):
        workset_picker("case-ws")
        pin_button(case_id, key="case-pin")
    # sections, not tabs: the page's tabs above are the case's own (issues, people, documents, timeline)
    st.markdown(f"#### {esc(t('desk.reviews'))}")
    review_list(case_id)
    with st.expander(t("desk.evidence")):
        evidence_review(case_id, prof)
    st.markdown(f"#### {esc(t('desk.notes'))}")
    case_notes(case_id)


def _decision_word(decision: str | None) -> str:
    return t("desk.accepted") if decision == "accepted" else t("desk.rejected") if decision == "rejected" else ""


def review_list(case_id: str) -> None:
    """The case's current decisions, newest first, each with reviewer, time and an undo button."""
    svc = service()
    decisions = svc.review_decisions(case_id)
    if not decisions:
        st.info(t("desk.no_reviews"))
        return
    for i, d in enumerate(decisions):
        with st.container(border=True, key=f"review-{i}"):
            left, right = st.columns([6, 1])
            if d["kind"] == "evidence":
                where = t("desk.evidence_on", doc=d["document"], page=d["page"])
            else:
                where = d["document"] or t("desk.whole_case")
            left.markdown(f"**{esc(tag_label(d['tag']))}** · <span class='dt-review-{esc(d['decision'])}'>"
                          f"{esc(_decision_word(d['decision']))}</span> · {esc(where)}<br>"
                          f"<span class='dt-cite'>{esc(t('desk.by', who=d['reviewer'], when=d['time']))}</span>",
                          unsafe_allow_html=True)
            if d["kind"] == "evidence" and d.get("text"):
                left.markdown(f"<div class='dt-passage'>{esc(d['text'])}</div>", unsafe_allow_html=True)
            if right.button(t("desk.restore"), key=f"undo-{i}", icon=":material/undo:", help=t("desk.restore_help"),
                            disabled=not can("review")):
                svc.undo_review(case_id, d["tag"], None if d["kind"] == "evidence" else d["doc_key"],
                                d["evidence"] if d["kind"] == "evidence" else None)
                changed()
                st.session_state["_desk_toast"] = t("desk.restored", tag=tag_label(d["tag"]),
                                                    decision=_decision_word(d["decision"]))
                st.rerun()


def evidence_review(case_id: str, prof: dict) -> None:
    """Accept or reject single sentences of evidence of one issue."""
    svc = service()
    tags = list(dict.fromkeys([tg["tag"] for tg in prof["tags"]] + [d["tag"] for d in svc.review_decisions(case_id)]))
    if not tags:
        st.info(t("case.no_tags"))
        return
    tag = st.selectbox(t("desk.pick_tag"), tags, format_func=tag_label, key=f"ev-tag-{case_id}")
    st.caption(t("desk.ev_help"))
    evidence = svc.tag_evidence(case_id, tag)
    if not evidence:
        st.info(t("desk.no_evidence"))
    for i, ev in enumerate(evidence):
        with st.container(border=True, key=f"evidence-{i}"):
            state = ""
            if ev["decision"]:
                by = t("desk.by", who=ev["reviewer"], when=ev["time"])
                state = f" · **{esc(_decision_word(ev['decision']))}** ({esc(by)})"
            who = f" — {esc(ev['speaker'])}" if ev.get("speaker") else ""
            st.markdown(f"<div class='dt-cite'><b>{esc(ev['name'])}</b>, {t('page', page=ev['page'])}{who}</div>"
                        f"<div class='dt-passage'>{esc(ev['text'])}</div>", unsafe_allow_html=True)
            if state:
                st.markdown(state)
            a, r, _ = st.columns([1, 1, 4])
            for col, decision, label, icon in ((a, "accepted", t("desk.ev_accept"), ":material/check:"),
                                               (r, "rejected", t("desk.ev_reject"), ":material/close:")):
                if col.button(label, key=f"ev-{decision}-{i}", icon=icon,
                              disabled=not can("review") or ev["decision"] == decision):
                    svc.review_evidence(case_id, tag, ev["id"], decision)
                    changed()
                    st.rerun()


def _note_html(n: dict) -> str:
    edited = ""
    if n.get("edited_time"):  # who edited it is said only when it was not the author (an admin)
        edited = " · " + esc(t("desk.note_edited", time=n["edited_time"]) if n.get("edited_by") in (None, n["author"])
                             else t("desk.note_edited_by", who=n["edited_by"], time=n["edited_time"]))
    return (f"<div class='dt-cite'><b>{esc(n['author'])}</b> · {esc(n['time'])}{edited}</div>"
            f"<div class='dt-note'>{esc(n['text'])}</div>")


def _note_changes(n: dict, where) -> None:
    """Edit and Delete beside a note the user may change (its author, or an admin): Edit opens the text
    in place with Save and Cancel; Delete asks to confirm first."""
    if not n.get("mine"):
        return
    ss, nid = st.session_state, n["id"]
    with where.container(horizontal=True, key=f"note-acts-{nid}"):
        if st.button(t("desk.note_edit"), key=f"note-edit-{nid}", icon=":material/edit:", type="tertiary"):
            ss["_note_editing"], ss["_note_deleting"] = nid, None
        if st.button(t("desk.note_delete"), key=f"note-del-{nid}", icon=":material/delete:", type="tertiary"):
            ss["_note_deleting"], ss["_note_editing"] = nid, None
    if ss.get("_note_editing") == nid:
        with st.form(f"note-edit-form-{nid}"):
            text = st.text_area(t("desk.note_edit_text"), value=n["text"], key=f"note-edit-text-{nid}", max_chars=4000)
            save, cancel = st.columns(2)
            if save.form_submit_button(t("desk.note_save"), type="primary"):
                try:
                    service().edit_note(nid, text)
                except DutytraceError as e:
                    st.error(str(e))
                    return
                ss["_note_editing"], ss["_desk_toast"] = None, t("desk.note_saved")
                st.rerun()
            if cancel.form_submit_button(t("desk.note_cancel")):
                ss["_note_editing"] = None
                st.rerun()
    if ss.get("_note_deleting") == nid:
        with st.container(key=f"note-confirm-{nid}"):
            st.warning(t("desk.note_delete_confirm"))
            yes, no = st.columns(2)
            if yes.button(t("desk.note_delete_yes"), key=f"note-del-yes-{nid}", type="primary"):
                try:
                    service().delete_note(nid)
                except DutytraceError as e:
                    st.error(str(e))
                    return
                ss["_note_deleting"], ss["_desk_toast"] = None, t("desk.note_deleted")
                st.rerun()
            if no.button(t("desk.note_cancel"), key=f"note-del-no-{nid}"):
                ss["_note_deleting"] = None
                st.rerun()


def case_notes(case_id: str) -> None:
    """Every note of the case (on the case and on its passages), with author and time; a form for a new one."""
    svc = service()
    notes = svc.notes(case_id)
    names = {d["doc_id"]: d["name"] for d in svc.catalog.documents(case_id)}
    st.caption(t("desk.notes_visible"))
    if not notes:
        st.info(t("desk.no_notes"))
    for i, n in enumerate(notes):
        with st.container(border=True, key=f"note-{i}"):
            left, right = st.columns([6, 1])
            html = _note_html(n)
            if n.get("chunk_id"):
                html = html.replace("</div>", " · " + esc(t("desk.note_on_passage", doc=names.get(n["doc_id"], "?"),
                                                              page=n["page"])) + "</div>", 1)
                if right.button(t("open_page", page=n["page"]), key=f"note-open-{i}", icon=":material/description:",
                                type="tertiary"):
                    open_document(n["doc_id"], int(n["page"] or 1), n["chunk_id"], case_id)
            left.markdown(html, unsafe_allow_html=True)
            _note_changes(n, left)
    _note_form(case_id, None, "case-note")


def _note_form(case_id: str, chunk_id: str | None, key: str) -> None:
    if not can("review"):
        return
    with st.form(key, clear_on_submit=True):
        text = st.text_area(t("desk.note_text"), key=f"{key}-text", max_chars=4000)
        if st.form_submit_button(t("desk.note_add") if chunk_id is None else t("desk.passage_note_add")):
            try:
                service().add_note(case_id, text, chunk_id)
            except DutytraceError as e:
                st.error(str(e))
                return
            st.session_state["_desk_toast"] = t("desk.note_added")
            st.rerun()


# -- Document page ----------------------------------------------------------------------------------
def passage_notes(doc: dict, page: int, chunk: dict | None) -> None:
    """The notes on this page's passages (the marked passage's first), and a form for a note on the
    marked passage."""
    toast()
    svc = service()
    try:
        by_chunk = svc.document_notes(doc["doc_id"])
    except DutytraceError:
        return
    ids = [c["chunk_id"] for c in svc.chunks(doc["doc_id"]) if c["page"] == page]
    if chunk is not None:
        ids = [chunk["chunk_id"]] + [c for c in ids if c != chunk["chunk_id"]]
    notes = [n for c in ids for n in by_chunk.get(c, [])]
    if not notes and chunk is None:
        return
    st.markdown(CSS, unsafe_allow_html=True)
    with st.container(key="passage-notes"):
        st.subheader(t("desk.passage_notes"))
        for n in notes:
            mark = " ◀" if chunk is not None and n["chunk_id"] == chunk["chunk_id"] else ""
            st.markdown(_note_html(n).replace("</div>", esc(mark) + "</div>", 1), unsafe_allow_html=True)
            _note_changes(n, st)
        if chunk is not None:
            _note_form(doc["case_id"], chunk["chunk_id"], "passage-note")
