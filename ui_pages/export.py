"""Export: the evidence list of a search or of a case (case, its facts, document, page, passage,
issues) as CSV and XLSX, with a preview of the rows. A search's export is the search page's search: its
query, mode and filters (said in words; they can be dropped on purpose), with as many passages per case
as asked for."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dutytrace import export
from dutytrace.errors import DutytraceError
from dutytrace.search import SearchError
from dutytrace.ui_text import fact_words, ui_message
from ui_pages.common import (can, case_options, codebook, exported, lang, service, t, tag_label, unless_empty,
                             value_label)

svc = service()
ss = st.session_state
st.title(t("nav.export"))
st.caption(t("ex.intro"))


def words(field: str, value) -> str:
    """A coded value in the reader's words (the facts columns and the filters shown)."""
    if field in ("accident_type", "grade", "industry"):
        return fact_words(field, value, lang(), codebook())
    return value_label(field, value)


def filters_in_words(filters: dict) -> str:
    parts = []
    for field, v in filters.items():
        if isinstance(v, tuple) and v and v[0] == "range":
            shown = f"{v[1]}–{v[2]}"
        elif isinstance(v, tuple) and v and v[0] == "all":
            shown = " + ".join(words(field, x) for x in v[1])
        elif isinstance(v, (list, tuple)):
            shown = ", ".join(words(field, x) for x in v)
        else:
            shown = words(field, v)
        parts.append(f"{t('f.' + field)}: {shown}")
    return "; ".join(parts)


ss.setdefault("ex_source", "search")
source = st.radio(t("ex.source"), ["search", "case"], key="ex_source", horizontal=True,
                  format_func=lambda s: t(f"ex.of_{s}"))
rows: list[dict] = []
name = "dutytrace-evidence"
if source == "search":
    last = ss.get("last_search") or {}
    query = st.text_input(t("search.query"), value=last.get("query") or ss.get("query", ""), key="ex_query",
                          placeholder=t("search.placeholder"))
    c1, c2 = st.columns(2)
    limit = c1.slider(t("search.limit"), 3, 50, 10, key="ex_limit")
    per_case = c2.slider(t("ex.per_case"), 1, 50, 10, key="ex_per_case")
    active = last.get("filters") or {}  # the search page's filters: the export is the same search
    filters = {}
    if active:
        if st.checkbox(t("ex.use_filters", filters=filters_in_words(active)), value=True, key="ex_use_filters"):
            filters = active
    st.caption(t("search.filters_used", filters=filters_in_words(filters)) if filters else t("ex.no_filters"))
    if query.strip():
        try:
            rows = export.rows_from_search(svc.search_cases(query, limit=limit, mode=last.get("mode") or ss.get("mode", "hybrid"),
                                                            filters=filters, passages=per_case), tag_label, words)
            name = "dutytrace-search"
        except (SearchError, DutytraceError) as e:
            st.error(ui_message(e, lang()) if not isinstance(e, SearchError) else str(e))
else:
    options = unless_empty(case_options())
    if ss.get("ex_case") not in options:
        ss["ex_case"] = next(iter(options))
    case_id = st.selectbox(t("pick_case"), list(options), format_func=options.get, key="ex_case")
    rows = export.rows_from_case(svc.case(case_id), tag_label, words)
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
