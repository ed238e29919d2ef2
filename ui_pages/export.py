"""Export: the evidence list of a search or of a case (case, document, page, passage, issues) as CSV
and XLSX, with a preview of the rows."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dutytrace import export
from dutytrace.errors import DutytraceError
from dutytrace.search import SearchError
from ui_pages.common import can, case_options, exported, service, t, tag_label, unless_empty

svc = service()
ss = st.session_state
st.title(t("nav.export"))
st.caption(t("ex.intro"))
ss.setdefault("ex_source", "search")
source = st.radio(t("ex.source"), ["search", "case"], key="ex_source", horizontal=True,
                  format_func=lambda s: t(f"ex.of_{s}"))
rows: list[dict] = []
name = "dutytrace-evidence"
if source == "search":
    query = st.text_input(t("search.query"), value=ss.get("query", ""), key="ex_query",
                          placeholder=t("search.placeholder"))
    limit = st.slider(t("search.limit"), 3, 50, 10, key="ex_limit")
    last = ss.get("last_search") or {}
    filters = last.get("filters") or {} if last.get("query") == query else {}  # the search page's, for its query
    if filters:
        st.caption(t("search.filters_used", filters=", ".join(f"{k} = {v[1] if isinstance(v, tuple) and v[0] == 'all' else v}"
                                                               for k, v in filters.items())))
    if query.strip():
        try:
            rows = export.rows_from_search(svc.search_cases(query, limit=limit, mode=ss.get("mode", "hybrid"),
                                                            filters=filters), tag_label)
            name = "dutytrace-search"
        except (SearchError, DutytraceError) as e:
            st.error(str(e))
else:
    options = unless_empty(case_options())
    if ss.get("ex_case") not in options:
        ss["ex_case"] = next(iter(options))
    case_id = st.selectbox(t("pick_case"), list(options), format_func=options.get, key="ex_case")
    rows = export.rows_from_case(svc.case(case_id), tag_label)
    name = f"{case_id}-evidence"

if rows:
    st.caption(t("ex.rows", n=len(rows)))
    c1, c2 = st.columns(2)
    c1.download_button(t("ex.csv"), export.to_csv(rows), f"{name}.csv", "text/csv", key="ex-csv",
                       icon=":material/download:", disabled=not can("export"), on_click=exported,
                       args=(f"{name}.csv",), kwargs={"rows": len(rows)})
    c2.download_button(t("ex.xlsx"), export.to_xlsx(rows), f"{name}.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="ex-xlsx",
                       icon=":material/download:", disabled=not can("export"), on_click=exported,
                       args=(f"{name}.xlsx",), kwargs={"rows": len(rows)})
    st.dataframe(pd.DataFrame(rows, columns=list(export.COLUMNS)), hide_index=True, width="stretch")
