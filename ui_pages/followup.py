"""Follow-up of rectification measures: the measures of every case the user may see, with their body,
deadline, status and age; counts by body, region or case; and, for reviewers, the status of one
measure set with a note and the date checked (audited by the service)."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import streamlit as st

from dutytrace.errors import DutytraceError
from ui_pages.common import can, service, t

STATUSES = ("open", "in_progress", "overdue", "done")

svc = service()
st.title(t("nav.followup"))
st.caption(t("fu.intro"))
rows = svc.measure_followup()
if not rows:
    st.info(t("fu.none"))
    st.stop()

c1, c2, c3 = st.columns([2, 1, 2])
wanted = c1.multiselect(t("fu.status"), list(STATUSES), default=["open", "in_progress", "overdue"],
                        format_func=lambda s: t(f"fu.st.{s}"), key="fu_status")
group = c2.selectbox(t("fu.group"), ["body", "region", "case_id"], format_func=lambda g: t(f"fu.by.{g}"),
                     key="fu_group")
words = c3.text_input(t("fu.find"), key="fu_find").strip().lower()
shown = [r for r in rows if r["status"] in wanted
         and (not words or words in f"{r['measure']} {r['body'] or ''} {r['title']}".lower())]
st.write(t("fu.count", n=len(shown), total=len(rows)))


def _label(r: dict, g: str) -> str:
    if g == "case_id":
        return f"{r['case_id']} · {r['title']}"
    value = re.sub(r"(?i)^(?:both\s+)?the\s+", "", r.get(g) or "").strip()  # "The company" and "the company"
    return value[:1].upper() + value[1:] if value else t("fu.unnamed")


counts: dict[str, dict[str, int]] = {}
for r in shown:
    c = counts.setdefault(_label(r, group), {s: 0 for s in STATUSES})
    c[r["status"]] += 1
summary = pd.DataFrame([{t(f"fu.by.{group}"): k, **{t(f"fu.st.{s}"): v[s] for s in STATUSES if s in wanted}}
                        for k, v in sorted(counts.items(), key=lambda kv: -sum(kv[1].values()))])
st.subheader(t("fu.summary"))
st.dataframe(summary, hide_index=True, width="stretch")

st.subheader(t("fu.items"))
table = pd.DataFrame([{
    t("fu.col.case"): r["case_id"], t("fu.col.region"): r["region"], t("fu.col.body"): r["body"],
    t("fu.col.measure"): r["measure"], t("fu.col.deadline"): r["deadline"], t("fu.col.status"): t(f"fu.st.{r['status']}"),
    t("fu.col.age"): r["age_days"], t("fu.col.note"): r["note"], t("fu.col.checked"): r["checked"],
    t("fu.col.by"): r["by"], t("fu.col.page"): f"{r['document']} p.{r['page']}", "id": r["id"]} for r in shown])
st.dataframe(table, hide_index=True, width="stretch")

if can("review"):
    st.subheader(t("fu.set"))
    by_id = {r["id"]: r for r in rows}
    with st.form("fu_form"):
        item_id = st.selectbox(t("fu.item"), [r["id"] for r in shown] or list(by_id),
                               format_func=lambda i: f"{by_id[i]['case_id']} · {by_id[i]['measure'][:90]}",
                               key="fu_item")
        status = st.radio(t("fu.col.status"), list(STATUSES), format_func=lambda s: t(f"fu.st.{s}"),
                          horizontal=True, key="fu_new_status")
        note = st.text_input(t("fu.col.note"), key="fu_note")
        checked = st.date_input(t("fu.col.checked"), value=dt.date.today(), key="fu_checked")
        if st.form_submit_button(t("fu.save")):
            try:
                item = svc.set_measure_status(by_id[item_id]["case_id"], item_id, status, note or None,
                                              checked.isoformat())
                st.success(t("fu.saved", id=item["id"], status=t(f"fu.st.{item['status']}")))
            except DutytraceError as e:
                st.error(str(e))
