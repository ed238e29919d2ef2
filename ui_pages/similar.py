"""Similar cases: upload a new case's document (or pick a past case) and see the most similar past
cases, each with its reasons in words (dutytrace/reasons.py): shared issues with their evidence, the
same accident type, the concepts both name, passage pairs that carry content; and what was read from
the uploaded document."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from dutytrace.errors import DutytraceError
from dutytrace.reasons import describe, explain, material_for
from dutytrace.ui_text import ui_message
from ui_pages.common import (all_profiles, case_button, case_options, codebook, doc_button, esc, lang, service, t,
                             unless_empty)

svc = service()
ss = st.session_state
st.title(t("nav.similar"))
st.caption(t("sim.intro"))
options = unless_empty(case_options())

upload = st.file_uploader(t("sim.upload"), type=["pdf", "docx", "txt", "md"], key="sim_upload")
if ss.get("sim_case") not in options:
    ss["sim_case"] = None
st.selectbox(t("sim.or_case"), [None] + list(options), key="sim_case",
             format_func=lambda c: t("sim.none") if c is None else options[c])
limit = st.slider(t("search.limit"), 3, 20, 5, key="sim_limit")

# the Case page's "Similar past cases" button sets sim_autorun: the search runs at once
clicked = st.button(t("sim.run"), type="primary", icon=":material/compare:", key="sim_run")
autorun = ss.pop("sim_autorun", False) and bool(ss.get("sim_case"))
if clicked or autorun:
    try:
        with st.spinner(t("sim.working")):
            if upload is not None and not autorun:
                with tempfile.TemporaryDirectory() as tmp:
                    path = Path(tmp) / Path(upload.name).name
                    path.write_bytes(upload.getvalue())
                    result = svc.similar(path=path, limit=limit)
                    material = material_for(svc, path=path)
                ss["sim_result"] = {"source": upload.name, "cases": result, "material": material, "upload": True}
            elif ss.get("sim_case"):
                result = svc.similar(case_id=ss["sim_case"], limit=limit)
                ss["sim_result"] = {"source": ss["sim_case"], "cases": result,
                                    "material": material_for(svc, case_id=ss["sim_case"]), "upload": False}
            else:
                st.warning(t("sim.nothing"))
    except DutytraceError as e:
        st.error(ui_message(e, lang()))

res = ss.get("sim_result")
if res:
    cb = codebook()
    here = lang()
    st.subheader(f"{t('nav.similar')}: {res['source']}")
    from ui_pages.brief_button import brief_buttons  # the precedent brief of this search (issue 19)

    if res["source"] in options:  # a past case was compared
        brief_buttons("sim-brief", case_id=res["source"], results=res["cases"])
    elif upload is not None and upload.name == res["source"]:
        brief_buttons("sim-brief", upload_name=upload.name, upload_bytes=upload.getvalue(), results=res["cases"])
    if res.get("upload"):
        st.markdown(f"<div class='dt-cite' data-testid='dt-read'>{esc(describe(res['material'], here, cb)['text'])}</div>",
                    unsafe_allow_html=True)
    if not res["cases"]:
        st.info(t("sim.empty"))
    profiles = {p["case_id"]: p for p in all_profiles()}
    for rank, c in enumerate(res["cases"], start=1):
        with st.container(border=True, key=f"sim-result-{rank}"):
            head, btn = st.columns([6, 1])
            head.markdown(f"**{rank}. {esc(c['title'])}**  \n`{c['case_id']}` · "
                          f"{t('search.score', score=c['score'])}")
            with btn:
                case_button(c["case_id"], key=f"sim-case-{rank}")
            reasons = explain(c, here, cb, res.get("material"), profiles.get(c["case_id"]))
            said = [r for r in reasons if r["kind"] != "passages"]
            if said:
                st.markdown("<ul class='dt-reasons'>" + "".join(f"<li>{esc(r['text'])}</li>" for r in said)
                            + "</ul>", unsafe_allow_html=True)
            for k, r in enumerate(r for r in reasons if r["kind"] == "issue"):
                theirs = next((x for x in r["refs"] if x["side"] == "theirs" and x.get("doc_id")), None)
                if theirs:
                    doc_button(t("sim.issue_evidence", name=r["name"], page=theirs.get("page") or 1),
                               key=f"sim-ev-{rank}-{k}", doc_id=theirs["doc_id"], page=int(theirs.get("page") or 1),
                               case_id=c["case_id"])
            pairs = [r for r in reasons if r["kind"] == "passages"]
            if not said and not pairs:
                st.caption(t("sim.no_reason"))
            if pairs:
                with st.expander(t("sim.pairs") + f" ({len(pairs)})"):
                    for i, r in enumerate(pairs):
                        yours, theirs = r["refs"][0], r["refs"][1]
                        st.markdown(f"<div class='dt-cite'>{esc(r['text'])}</div>", unsafe_allow_html=True)
                        left, right = st.columns(2)
                        page_note = f", {t('page', page=yours['page'])}" if yours.get("page") else ""
                        left.markdown(f"<div class='dt-cite'>{t('sim.yours')}{page_note}</div>"
                                      f"<div class='dt-passage'>{esc(yours['text'])}</div>", unsafe_allow_html=True)
                        right.markdown(f"<div class='dt-cite'>{t('sim.theirs')}: <b>{esc(theirs.get('document'))}</b>, "
                                       f"{t('page', page=theirs.get('page'))}</div>"
                                       f"<div class='dt-passage'>{esc(theirs['text'])}</div>", unsafe_allow_html=True)
                        with right:
                            doc_button(t("open_page", page=theirs.get("page")), key=f"sim-doc-{rank}-{i}",
                                       doc_id=theirs["doc_id"], page=int(theirs.get("page") or 1),
                                       chunk_id=theirs.get("chunk_id"), case_id=c["case_id"])
