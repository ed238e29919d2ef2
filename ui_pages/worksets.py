"""Shortlist: the cases the user pinned to a named working set, each with its facts and decided
issues, links to the case, unpin, and the set as CSV (formula-escaped). Only cases the user is
cleared for now are listed (the service filters them)."""

from __future__ import annotations

import streamlit as st

from dutytrace.desk import workset_csv
from ui_pages.common import can, case_button, esc, exported, service, t, tag_label, type_label
from ui_pages.desk_ui import current_workset, toast, workset_label, workset_picker

svc = service()
toast()
st.title(t("ws.title"))
st.caption(t("ws.caption"))
workset_picker("ws-page")
ws = current_workset()
rows = svc.workset(ws, tag_label)
st.markdown(f"**{esc(workset_label(ws))}** · {t('ws.count', n=len(rows))}")
if not rows:
    st.info(t("ws.empty"))

for i, r in enumerate(rows):
    bits = [str(x) for x in (r["date"], r["location"] or r["region"],
                             type_label(r["accident_type"]) if r["accident_type"] else None) if x]
    if r["fatalities"] is not None:
        bits.append(t("search.dead", n=r["fatalities"]))
    with st.container(border=True, key=f"ws-case-{i}"):
        head, btns = st.columns([6, 1])
        head.markdown(f"**{esc(r['title'])}**  \n`{esc(r['case_id'])}` · {esc(' · '.join(bits))}")
        if r["tag_ids"]:
            head.markdown(" ".join(f"<span class='dt-tag'>{esc(tag_label(tg))}</span>" for tg in r["tag_ids"]),
                          unsafe_allow_html=True)
        with btns:
            case_button(r["case_id"], key=f"ws-open-{i}")
            if st.button(t("ws.remove"), key=f"ws-unpin-{i}", icon=":material/keep_off:",
                         type="tertiary"):
                svc.pin(r["case_id"], ws, pinned=False)
                st.session_state["_desk_toast"] = t("ws.unpinned", ws=workset_label(ws))
                st.rerun()

if rows:
    safe_name = "".join(ch if ch.isalnum() else "-" for ch in ws)[:40] or "shortlist"
    st.download_button(t("ws.csv"), workset_csv(rows), f"dutytrace-{safe_name}.csv", "text/csv", key="ws-csv",
                       disabled=not can("export"), on_click=exported, args=("workset CSV",),
                       kwargs={"workset": ws, "rows": len(rows)})
