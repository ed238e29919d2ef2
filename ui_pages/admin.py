"""Audit & users (admins): the audit trail — who did what, when — with filters and a CSV export, and
the users with their roles, clearance and per-case grants. User changes are made with the
`dutytrace users` command."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dutytrace.audit import ACTIONS
from ui_pages.common import can, service, t

svc = service()
st.title(t("nav.admin"))
if not can("audit"):
    st.warning(t("denied"))
    st.stop()

st.subheader(t("adm.audit"))
c1, c2 = st.columns(2)
who = c1.selectbox(t("adm.filter_user"), ["", *[u["name"] for u in svc.users.list()], "local"], key="adm_user")
action = c2.selectbox(t("adm.filter_action"), ["", *ACTIONS], key="adm_action")
rows = svc.audit.entries(who or None, action or None, None, 2000)
table = pd.DataFrame([{"id": r["id"], "time": r["time"], "user": r["user"], "action": r["action"],
                       "target": r["target"] or "", "detail": str(r["detail"])} for r in rows])
st.dataframe(table, hide_index=True, width="stretch")
st.download_button(t("adm.csv"), svc.audit.to_csv(rows).encode("utf-8-sig"), "dutytrace-audit.csv", "text/csv",
                   key="adm-csv", on_click=svc.record_export, args=("audit trail CSV",), kwargs={"rows": len(rows)})

st.subheader(t("adm.users"))
st.dataframe(pd.DataFrame(svc.users.list()), hide_index=True, width="stretch")
