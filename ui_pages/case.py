"""Case: facts card, documents, people held accountable, responsibility issues with their evidence
and accept/reject buttons, a timeline; the case's evidence list for download."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from dutytrace import analytics, export
from dutytrace.errors import NotFound
from dutytrace.profile import decided
from dutytrace.ui_text import fact_words, industry_words, loss_currency, money_words, people_rows, ui_message
from ui_pages.common import (PAGES, can, case_options, changed, tag_chip, exported, chunk_for, codebook, doc_button, esc, lang,
                          service, t, tag_label, type_label, unless_empty)

svc = service()
options = unless_empty(case_options())

case_id = st.query_params.get("case")
if case_id not in options:
    st.info(t("no_case"))
    case_id = None
picked = st.selectbox(t("pick_case"), list(options), index=list(options).index(case_id) if case_id else None,
                      format_func=options.get, key=f"pick-{case_id}")
if picked and picked != case_id:
    st.query_params["case"] = picked
    st.rerun()
if not case_id:
    st.stop()

try:
    prof = svc.case(case_id)
except NotFound as e:
    st.error(ui_message(e, lang()))
    st.stop()
facts = prof["facts"]
st.title(prof["title"])
st.caption(f"{esc(case_id)} · {', '.join(prof['languages'])}")

# -- facts card --------------------------------------------------------------------------------------
cas = None
if facts.get("injuries") is not None:
    dead = facts.get("fatalities")
    cas = t("casualties", dead=dead if dead is not None else "?", injured=facts["injuries"])
elif facts.get("fatalities") is not None:
    cas = t("search.dead", n=facts["fatalities"])
loss = facts.get("direct_loss")


def _type_shown(facts: dict) -> str | None:
    """The accident type in words; the classifier's guess where the cue rules found no type, made with
    low confidence (under 0.6), says so with its confidence, as a tag below the decision does."""
    kind = facts.get("accident_type")
    if not kind:
        return None
    conf = facts.get("accident_type_confidence")
    if facts.get("accident_type_source") == "classifier" and isinstance(conf, (int, float)) and conf < 0.6:
        return f"{type_label(kind)} ({t('tag.possible')}, {conf:.2f})"
    return type_label(kind)


def _loss_shown(amount) -> str | None:
    """The direct loss in words with its currency (the one the documents write beside it), no ".0"."""
    if not isinstance(amount, (int, float)):
        return amount
    texts = (p["text"] for d in prof["documents"] for p in svc.pages(d["doc_id"]))
    return money_words(amount, loss_currency(texts, (prof["languages"] or [None])[0]), lang())


cells = [("fact.date", facts.get("date")), ("fact.location", facts.get("location")),
         ("fact.region", facts.get("region")), ("fact.enterprise", facts.get("enterprise")),
         ("fact.industry", industry_words(facts.get("industry"), lang())),
         ("fact.accident_type", _type_shown(facts)),
         ("fact.grade", t(f"grade.{facts['grade']}") if facts.get("grade") else None), ("fact.casualties", cas),
         ("fact.direct_loss", _loss_shown(loss))]
st.subheader(t("case.facts"))
st.markdown("<div class='dt-facts'>" + "".join(
    f"<div class='dt-fact'><b>{esc(t(k))}</b>{esc(v) if v not in (None, '') else '—'}</div>" for k, v in cells)
    + "</div>", unsafe_allow_html=True)
if prof["tags"]:  # decided issues as chips; those below the decision only as "possible", drawn apart
    st.markdown(" ".join(tag_chip(tg) for tg in prof["tags"]), unsafe_allow_html=True)

tab_tags, tab_acc, tab_docs, tab_time = st.tabs([t("case.tags"), t("case.accountability"), t("case.documents"),
                                                 t("case.timeline")])

# -- responsibility issues with evidence and review -----------------------------------------------
with tab_tags:
    if not prof["tags"]:
        st.info(t("case.no_tags"))
    for i, tag in enumerate(prof["tags"]):
        status = " ✔ " + t("tag.accepted") if tag.get("accepted") else ""
        if not decided(tag):
            status = f" · <span class='dt-tag dt-possible' title='{esc(t('tag.possible_help'))}'>{t('tag.possible')}</span>"
        with st.container(border=True):
            st.markdown(f"**{esc(tag_label(tag['tag']))}** · "
                        f"{t('tag.confidence', score=tag['score'])}{status}", unsafe_allow_html=True)
            for j, ev in enumerate(tag["evidence"]):
                cite, btn = st.columns([6, 1])
                who = f" — {esc(ev['speaker'])}" if ev.get("speaker") else ""
                cite.markdown(f"<div class='dt-cite'><b>{esc(ev.get('name'))}</b>, {t('page', page=ev.get('page', 1))}"
                              f"{who}</div><div class='dt-passage'>{esc(ev.get('text'))}</div>",
                              unsafe_allow_html=True)
                with btn:
                    page_no = int(ev.get("page", 1))
                    doc_button(t("open_page", page=page_no), key=f"ev-{i}-{j}", doc_id=ev["doc_id"], page=page_no,
                               chunk_id=chunk_for(ev["doc_id"], page_no, ev.get("text", "")), case_id=case_id)
            docs = list(dict.fromkeys(ev["doc_id"] for ev in tag["evidence"])) or \
                [d["doc_id"] for d in prof["documents"] if d["kind"] == "report"][:1] or [prof["documents"][0]["doc_id"]]
            a, r, _ = st.columns([1, 1, 5])
            for col, decision, label in ((a, "accepted", t("tag.accept")), (r, "rejected", t("tag.reject"))):
                if col.button(label, key=f"{decision}-{tag['tag']}", icon=":material/check:" if decision == "accepted"
                              else ":material/close:", disabled=not can("review")):
                    for d in docs:
                        svc.review_tag(case_id, d, tag["tag"], decision)  # the reviewer is the logged-in user
                    changed()
                    st.session_state["_review_note"] = t("tag.done", tag=tag_label(tag["tag"]), decision=label)
                    st.rerun()
    if st.session_state.get("_review_note"):
        st.toast(st.session_state.pop("_review_note"))

# -- people held accountable ---------------------------------------------------------------------------
with tab_acc:
    people = people_rows(prof["accountability"], prof["documents"], lang(), codebook())
    if people:
        def _source(r: dict) -> str:
            """The document and page that state the sanction, as a link that opens that page."""
            if not r["doc_id"]:
                return esc(r["doc"])
            page = int(r["page"] or 1)
            params = {"doc": r["doc_id"], "page": page, "case": case_id, "lang": lang()}
            chunk = chunk_for(r["doc_id"], page, r["evidence"]) if r["evidence"] else None
            if chunk:
                params["chunk"] = chunk
            return (f"<a href='document?{esc(urlencode(params))}' target='_self' title='{esc(r['evidence'])}'>"
                    f"{esc(r['doc'])}{'，' if lang() == 'zh' else ', '}{t('page', page=page)}</a>")

        st.markdown("<style>.dt-people{border-collapse:collapse;width:100%;font-size:.9rem}.dt-people th,.dt-people td{"
                    "border-bottom:1px solid rgba(128,128,128,.3);padding:.3rem .5rem;text-align:left;vertical-align:top;"
                    "white-space:normal;overflow-wrap:anywhere}.dt-people th{font-weight:600}</style>", unsafe_allow_html=True)
        head = [t("acc.person"), t("acc.role"), t("acc.organisation"), t("acc.level"), t("acc.sanction"), t("acc.doc")]
        st.markdown("<table class='dt-people'><thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in head)
                    + "</tr></thead><tbody>" + "".join(
                        "<tr>" + "".join(f"<td>{esc(v) if v else '—'}</td>" for v in
                                         (r["person"], r["role"], r["organisation"], r["level"], r["sanction"]))
                        + f"<td>{_source(r)}</td></tr>" for r in people) + "</tbody></table>",
                    unsafe_allow_html=True)
        st.caption(t("acc.open"))
    else:
        st.info(t("case.no_accountability"))

# -- documents -----------------------------------------------------------------------------------------
with tab_docs:
    for k, d in enumerate(prof["documents"]):
        c1, c2 = st.columns([5, 1])
        c1.markdown(f"**{esc(d['name'])}** · {t('kind.' + d['kind'])} · {esc(d['language'])} · {d['pages']} p.")
        with c2:
            doc_button(t("open_page", page=1), key=f"doc-{k}", doc_id=d["doc_id"], page=1, case_id=case_id)

# -- timeline ------------------------------------------------------------------------------------------
with tab_time:
    pages = {d["doc_id"]: svc.pages(d["doc_id"]) for d in prof["documents"]}
    events = analytics.timeline(prof, pages)
    if not events:
        st.info(t("case.no_timeline"))
    for k, ev in enumerate(events):
        c1, c2 = st.columns([6, 1])
        mark = " ⚠" if ev["accident"] else ""
        said = t("tl.interview") if ev.get("interview") else ev["text"]  # an interview, not its header's text
        c1.markdown(f"<span class='dt-when'>{esc(ev['date'])}{mark}</span> · <b>{esc(ev['name'])}</b>, "
                    f"{t('page', page=ev['page'])}<br>{esc(said)}", unsafe_allow_html=True)
        with c2:
            doc_button(t("open_page", page=ev["page"]), key=f"tl-{k}", doc_id=ev["doc_id"], page=ev["page"],
                       chunk_id=chunk_for(ev["doc_id"], ev["page"], ev["text"]) if ev["text"] else None,
                       case_id=case_id)

st.divider()
c1, c2, c3 = st.columns([2, 1, 1])
if c1.button(t("case.similar"), icon=":material/compare:", key="to-similar"):
    st.session_state["sim_case"] = case_id
    st.session_state["sim_autorun"] = True  # the Similar page runs the search at once
    st.switch_page(PAGES["similar"])
rows = export.rows_from_case(prof, tag_label, lambda f, v: fact_words(f, v, lang(), codebook()))
c2.download_button(t("ex.csv"), export.to_csv(rows), f"{case_id}-evidence.csv", "text/csv", key="case-csv",
                   help=t("case.export"), disabled=not can("export"), on_click=exported,
                   args=("case evidence CSV",), kwargs={"case_id": case_id, "rows": len(rows)})
c3.download_button(t("ex.xlsx"), export.to_xlsx(rows), f"{case_id}-evidence.xlsx",
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="case-xlsx",
                   help=t("case.export"), disabled=not can("export"), on_click=exported,
                   args=("case evidence XLSX",), kwargs={"case_id": case_id, "rows": len(rows)})
from ui_pages.brief_button import brief_buttons  # noqa: E402  the precedent brief of this case (issue 19)

brief_buttons("case-brief", case_id=case_id)

# -- review history with undo, evidence review, shortlist pin and notes (ui_pages/desk_ui.py) -----------
from ui_pages.desk_ui import case_desk  # noqa: E402

case_desk(case_id, prof)
