"""Similar cases: upload a new case's document (or pick a past case) and see the most similar past
cases, each with the reasons: shared issues, shared names, same accident type, matching passages."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from dutytrace.errors import DutytraceError
from ui_pages.common import case_button, case_options, doc_button, esc, service, t, tag_label, type_label, unless_empty

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

if st.button(t("sim.run"), type="primary", icon=":material/compare:", key="sim_run"):
    try:
        with st.spinner(t("sim.working")):
            if upload is not None:
                with tempfile.TemporaryDirectory() as tmp:
                    path = Path(tmp) / Path(upload.name).name
                    path.write_bytes(upload.getvalue())
                    result = svc.similar(path=path, limit=limit)
                ss["sim_result"] = {"source": upload.name, "cases": result}
            elif ss.get("sim_case"):
                ss["sim_result"] = {"source": ss["sim_case"], "cases": svc.similar(case_id=ss["sim_case"], limit=limit)}
            else:
                st.warning(t("ing.nothing"))
    except DutytraceError as e:
        st.error(str(e))

res = ss.get("sim_result")
if res:
    st.subheader(f"{t('nav.similar')}: {res['source']}")
    from ui_pages.brief_button import brief_buttons  # the precedent brief of this search (issue 19)

    if res["source"] in options:  # a past case was compared
        brief_buttons("sim-brief", case_id=res["source"], results=res["cases"])
    elif upload is not None and upload.name == res["source"]:
        brief_buttons("sim-brief", upload_name=upload.name, upload_bytes=upload.getvalue(), results=res["cases"])
    if not res["cases"]:
        st.info(t("sim.empty"))
    for rank, c in enumerate(res["cases"], start=1):
        with st.container(border=True):
            head, btn = st.columns([6, 1])
            head.markdown(f"**{rank}. {esc(c['title'])}**  \n`{esc(c['case_id'])}` · "
                          f"{t('search.score', score=c['score'])}")
            with btn:
                case_button(c["case_id"], key=f"sim-case-{rank}")
            reasons = []
            if c.get("shared_tags"):
                reasons.append(f"**{t('sim.shared_tags')}:** " + " ".join(
                    f"<span class='dt-tag'>{esc(tag_label(x))}</span>" for x in c["shared_tags"]))
            if c.get("same_accident_type"):
                reasons.append(t("sim.same_type", type=esc(type_label(c.get("accident_type")))))
            if c.get("shared_concepts"):
                reasons.append(f"**{t('sim.shared_concepts')}:** " + esc(", ".join(map(str, c["shared_concepts"][:12]))))
            if c.get("shared_entities"):
                reasons.append(f"**{t('sim.shared_entities')}:** " + esc(", ".join(c["shared_entities"][:10])))
            if reasons:
                st.markdown("  \n".join(reasons), unsafe_allow_html=True)
            with st.expander(t("sim.pairs")):
                for i, p in enumerate(c.get("passages", [])):
                    left, right = st.columns(2)
                    left.markdown(f"<div class='dt-cite'>{t('sim.yours')}</div>"
                                  f"<div class='dt-passage'>{esc(p.get('query_text'))}</div>", unsafe_allow_html=True)
                    right.markdown(f"<div class='dt-cite'>{t('sim.theirs')}: <b>{esc(p.get('name'))}</b>, "
                                   f"{t('page', page=p.get('page'))}</div>"
                                   f"<div class='dt-passage'>{esc(p.get('text'))}</div>", unsafe_allow_html=True)
                    with right:
                        doc_button(t("open_page", page=p.get("page")), key=f"sim-doc-{rank}-{i}",
                                   doc_id=p["doc_id"], page=int(p.get("page") or 1), case_id=c["case_id"])
