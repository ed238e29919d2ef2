"""Search: query box, mode and filters with facet counts in the sidebar, results grouped by case with
highlighted passages, and one click from a passage to the document at its page."""

from __future__ import annotations

import streamlit as st

from dutytrace import analytics, export
from dutytrace.errors import DutytraceError
from dutytrace.search import SearchError
from dutytrace.highlight import read_query
from dutytrace.ui_text import explain_query, highlight, industry_words, legend_html, reflow
from ui_pages.common import (all_profiles, can, case_button, codebook, doc_button, exported, entity_names, esc, lang, service, t,
                          tag_label, type_label, value_label)

ANY = "__any__"
SELECTS = ("language", "kind", "accident_type", "industry", "region", "grade")
svc = service()
ss = st.session_state

if "query" not in ss:
    ss["query"] = st.query_params.get("q", "")  # a search can be shared as a link: ?q=...
ss.setdefault("mode", "hybrid")
ss.setdefault("limit", 10)


def current_filters() -> dict:
    filters: dict = {}
    for f in SELECTS:
        v = ss.get(f"f_{f}", ANY)
        if v not in (ANY, None):
            filters[f] = v
    tags = list(ss.get("f_case_tags") or [])
    if tags:  # several issues: cases that carry all of them (as the counts beside them promise)
        filters["case_tags"] = tags[0] if len(tags) == 1 else ("all", tags)
    yr = ss.get("f_year")
    if yr and yr != ss.get("_year_bounds"):
        filters["year"] = ("range", int(yr[0]), int(yr[1]))
    return filters


query = ss["query"]
mode = ss["mode"]
filters = current_filters()
cases, error, total, no_words = [], None, 0, False
if query.strip():
    try:
        found = svc.find_cases(query, limit=int(ss["limit"]), mode=mode, filters=filters)
        cases, total, no_words = found.cases, found.total, bool(found.message)
    except (SearchError, DutytraceError) as e:
        error = str(e)
ss["last_search"] = {"query": query, "mode": mode, "filters": filters}  # the Export page exports the same

# facet counts: the service's (counts of cases for the query) when it has them, else the catalog's
profiles = {p["case_id"]: p for p in all_profiles()}
rows = analytics.case_table(list(profiles.values()))
facets = None
if hasattr(svc, "facets"):
    try:
        facets = svc.facets(query if query.strip() else None, mode, filters)
    except (SearchError, DutytraceError):
        facets = None
if facets is None:
    facets = analytics.facet_counts(rows, {c.case_id for c in cases} if query.strip() else None)


def counted(field: str) -> dict:
    return {v: n for v, n in facets.get(field, [])}


with st.sidebar:
    st.header(t("search.options"))
    st.radio(t("search.mode"), ["hybrid", "lexical", "dense"], key="mode", horizontal=True,
             format_func=lambda m: t(f"mode.{m}"), help=t("search.mode.help"))
    st.slider(t("search.limit"), 3, 30, key="limit")
    st.subheader(t("search.filters"))
    st.caption(t("search.facets_note"))
    tag_counts = counted("case_tags")
    tag_opts = list(dict.fromkeys(list(tag_counts) + list(ss.get("f_case_tags") or [])))
    st.multiselect(t("f.case_tags"), tag_opts, key="f_case_tags",
                   format_func=lambda v: f"{tag_label(v)} ({tag_counts.get(v, 0)})")
    for f in SELECTS:
        counts = counted(f)
        chosen = ss.get(f"f_{f}", ANY)
        opts = [ANY] + sorted(counts, key=lambda v: (-counts[v], str(v)))
        if chosen not in opts:
            opts.append(chosen)
        st.selectbox(t(f"f.{f}"), opts, key=f"f_{f}",
                     format_func=lambda v, f=f, counts=counts: t("any") if v == ANY
                     else f"{value_label(f, v)} ({counts.get(v, 0)})")
    years = sorted(r["year"] for r in rows if r["year"])
    if len(set(years)) > 1:
        bounds = (years[0], years[-1])
        if ss.get("_year_bounds") != bounds:
            ss["_year_bounds"] = bounds
            ss["f_year"] = bounds
        st.slider(t("f.year"), bounds[0], bounds[1], key="f_year")

st.title(t("app.title"))
st.caption(t("app.caption"))
st.text_input(t("search.query"), placeholder=t("search.placeholder"), key="query")
reading = None
if error:
    st.error(error)
elif not query.strip():
    st.info(t("search.intro"))
elif no_words:
    st.info(t("search.no_words"))
elif not cases:
    st.info(t("search.none"))
else:
    st.markdown(f"**{t('search.total', n=total)}**")
    reading = read_query(query, codebook())  # the concepts and translations the query was searched by
    if explain_query(reading, lang()):
        st.caption(explain_query(reading, lang()))
    st.markdown(legend_html(lang()), unsafe_allow_html=True)

for rank, case in enumerate(cases, start=1):
    facts = case.facts
    prof = profiles.get(case.case_id, {})
    entities = entity_names(prof)
    bits = [str(x) for x in (facts.get("date"), type_label(facts.get("accident_type")) if facts.get("accident_type")
                             else None, industry_words(facts.get("industry"), lang()), facts.get("region")) if x]
    if facts.get("fatalities") is not None:
        bits.append(t("search.dead", n=facts["fatalities"]))
    with st.container(border=True, key=f"result-{rank}"):
        head, btn = st.columns([6, 1])
        head.markdown(f"**{rank}. {esc(case.title)}**  \n`{esc(case.case_id)}` · {esc(' · '.join(bits))} · "
                      f"{t('search.score', score=case.score)}")
        with btn:
            case_button(case.case_id, key=f"case-{rank}")
            from ui_pages.desk_ui import pin_button  # the shortlist

            pin_button(case.case_id, key=f"pin-{rank}")
        if case.tags:
            head.markdown(" ".join(f"<span class='dt-tag'>{esc(tag_label(tg))}</span>" for tg in case.tags),
                          unsafe_allow_html=True)
        for i, p in enumerate(case.passages):
            who = f" — {esc(p.speaker)}" if p.speaker else ""
            marked = highlight(reflow(p.text), query, entities, getattr(p, "cues", None) or (), reading=reading)
            cite, open_ = st.columns([6, 1])
            cite.markdown(f"<div class='dt-cite'><b>{esc(p.name)}</b>, {t('page', page=p.page)}{who}</div>"
                          f"<div class='dt-passage'>{marked}</div>",
                          unsafe_allow_html=True)
            with open_:
                doc_button(t("open_page", page=p.page), key=f"doc-{rank}-{i}", doc_id=p.doc_id, page=p.page,
                           chunk_id=p.chunk_id, case_id=case.case_id)

if cases:
    ev = export.rows_from_search(cases, tag_label)
    with st.expander(t("search.export") + f" · {t('ex.rows', n=len(ev))}"):
        c1, c2 = st.columns(2)
        c1.download_button(t("ex.csv"), export.to_csv(ev), "dutytrace-search.csv", "text/csv", key="dl-csv",
                           disabled=not can("export"), on_click=exported, args=("search results CSV",),
                           kwargs={"query": query, "rows": len(ev)})
        c2.download_button(t("ex.xlsx"), export.to_xlsx(ev), "dutytrace-search.xlsx",
                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="dl-xlsx",
                           disabled=not can("export"), on_click=exported, args=("search results XLSX",),
                           kwargs={"query": query, "rows": len(ev)})
