"""Search: query box, mode, sort and filters with facet counts in the sidebar, saved searches, results
grouped by case with highlighted passages and one click from a passage to the document at its page;
the count of matching cases, the active filters as chips, pages of results.

The URL always carries the search (q, mode, sort, p, n and the f_* filters): a copied link, a
bookmark or a reload runs the same search. A link the session has not seen yet (a pasted URL, a
link from another page) sets the page's state; after that the state writes the URL."""

from __future__ import annotations

import streamlit as st

from dutytrace import analytics, export
from dutytrace.errors import DutytraceError
from dutytrace.search import SearchError
from dutytrace.store import saved_searches
from dutytrace.highlight import read_query
from dutytrace.ui_text import explain_query, highlight, industry_words, legend_html, reflow
from ui_pages.common import (all_profiles, can, case_button, codebook, doc_button, exported, entity_names, esc, lang, service, t,
                             tag_label, type_label, value_label)

ANY = "__any__"
SELECTS = ("language", "kind", "accident_type", "industry", "region", "grade")
MODES = ("hybrid", "lexical", "dense")
SORTS = ("relevance", "newest", "oldest")
PER_PAGE = (3, 30)
URL_KEYS = ("q", "mode", "sort", "p", "n", "f_case_tags", "f_year") + tuple(f"f_{f}" for f in SELECTS)
svc = service()
ss = st.session_state

ss.setdefault("query", "")
ss.setdefault("mode", "hybrid")
ss.setdefault("sort", "relevance")
ss.setdefault("limit", 10)
ss.setdefault("search_page", 1)


# -- the search as URL parameters and back ------------------------------------------------------------
def url_filters() -> dict:
    """The active filters in the form the URL and saved searches carry: {field: value}, case_tags a
    list, year [from, to] (only when narrower than the archive's years)."""
    out: dict = {}
    tags = [str(x) for x in (ss.get("f_case_tags") or [])]
    if tags:
        out["case_tags"] = tags
    for f in SELECTS:
        v = ss.get(f"f_{f}", ANY)
        if v not in (ANY, None):
            out[f] = v
    yr = ss.get("f_year")
    if yr and tuple(yr) != tuple(ss.get("_year_bounds") or ()):
        out["year"] = [int(yr[0]), int(yr[1])]
    return out


def service_filters(uf: dict) -> dict:
    """The URL form of the filters -> the service's (several issues: cases that carry all of them, as the
    counts beside them promise)."""
    filters = {f: uf[f] for f in SELECTS if f in uf}
    tags = uf.get("case_tags") or []
    if tags:
        filters["case_tags"] = tags[0] if len(tags) == 1 else ("all", list(tags))
    if uf.get("year"):
        filters["year"] = ("range", int(uf["year"][0]), int(uf["year"][1]))
    return filters


def to_url() -> dict[str, str | list[str]]:
    params: dict = {}
    if ss["query"].strip():
        params["q"] = ss["query"]
    if ss["mode"] != "hybrid":
        params["mode"] = ss["mode"]
    if ss["sort"] != "relevance":
        params["sort"] = ss["sort"]
    if int(ss["search_page"]) > 1:
        params["p"] = str(ss["search_page"])
    if int(ss["limit"]) != 10:
        params["n"] = str(ss["limit"])
    for f, v in url_filters().items():
        params[f"f_{f}"] = [str(x) for x in v] if f == "case_tags" else f"{v[0]}-{v[1]}" if f == "year" else str(v)
    return params


def _int(value, default: int, low: int, high: int) -> int:
    try:
        return min(max(int(value), low), high)
    except (TypeError, ValueError):
        return default


def apply_search(query: str, mode: str, sort: str, uf: dict, page: int = 1, per_page: int | None = None) -> None:
    """Set the page's state to a search (from a link or a saved search); widgets read it next."""
    ss["query"] = query or ""
    ss["mode"] = mode if mode in MODES else "hybrid"
    ss["sort"] = sort if sort in SORTS else "relevance"
    ss["search_page"] = max(1, page)
    if per_page is not None:
        ss["limit"] = per_page
    ss["f_case_tags"] = [str(x) for x in uf.get("case_tags") or []]
    for f in SELECTS:
        ss[f"f_{f}"] = uf[f] if uf.get(f) not in (None, "") else ANY
    year = uf.get("year")
    ss["f_year"] = (int(year[0]), int(year[1])) if year else ss.get("_year_bounds")
    if ss["f_year"] is None:
        ss.pop("f_year")
    ss["_sig"] = None  # the page number given is kept


def from_url() -> bool:
    """Apply the URL's search when it is one this session has not written itself. True when applied."""
    qp = st.query_params
    seen = {k: qp.get_all(k) for k in URL_KEYS if k in qp}
    if not seen or seen == ss.get("_url_seen"):
        return False
    uf: dict = {}
    if qp.get_all("f_case_tags"):
        uf["case_tags"] = qp.get_all("f_case_tags")
    for f in SELECTS:
        if qp.get(f"f_{f}"):
            uf[f] = qp.get(f"f_{f}")
    try:
        a, b = (int(x) for x in qp.get("f_year", "").split("-"))
        uf["year"] = [min(a, b), max(a, b)]
    except ValueError:
        pass
    apply_search(qp.get("q", ""), qp.get("mode", "hybrid"), qp.get("sort", "relevance"), uf,
                 _int(qp.get("p"), 1, 1, 10_000), _int(qp.get("n"), 10, *PER_PAGE) if "n" in qp else None)
    return True


def write_url() -> None:
    params = to_url()
    if "lang" in st.query_params or lang() != "en":
        params["lang"] = lang()
    current = {k: st.query_params.get_all(k) for k in st.query_params}
    wanted = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    if current != wanted:
        st.query_params.from_dict(params)
    ss["_url_seen"] = {k: wanted[k] for k in URL_KEYS if k in wanted}


# -- callbacks (run before the widgets are drawn again) --------------------------------------------------
def drop_filter(field: str, value=None) -> None:
    if field == "case_tags":
        ss["f_case_tags"] = [x for x in ss.get("f_case_tags") or [] if x != value]
    elif field == "year":
        ss["f_year"] = ss.get("_year_bounds")
    else:
        ss[f"f_{field}"] = ANY


def clear_filters() -> None:
    for f in list(url_filters()):
        drop_filter(f)
    ss["f_case_tags"] = []


def go_to(page: int) -> None:
    ss["search_page"] = page
    ss["_keep_page"] = True


def run_saved(search_id: str) -> None:
    try:
        saved = svc.saved_search(search_id)
    except DutytraceError:
        ss["_saved_msg"] = ("error", t("saved.gone"))
        return
    apply_search(saved["query"], saved["mode"], saved["sort"], saved["filters"])


def save_current() -> None:
    name = (ss.get("saved_name") or "").strip()
    if not name:
        ss["_saved_msg"] = ("warning", t("saved.need_name"))
        return
    if not ss["query"].strip() and not url_filters():
        ss["_saved_msg"] = ("warning", t("saved.empty"))
        return
    try:
        saved = svc.save_search(name, ss["query"], ss["mode"], ss["sort"], url_filters())
    except DutytraceError as e:  # one too many, or not allowed: said in words, the page goes on
        ss["_saved_msg"] = ("error", t("saved.too_many", n=saved_searches.MAX_PER_USER)
                              if isinstance(e, saved_searches.BadSavedSearch) else t("denied"))
        return
    ss["saved_name"] = ""
    ss["_saved_msg"] = ("success", t("saved.saved", name=saved["name"]))


def delete_saved(search_id: str, name: str) -> None:
    try:
        svc.delete_saved_search(search_id)
        ss["_saved_msg"] = ("success", t("saved.deleted", name=name))
    except DutytraceError:
        ss["_saved_msg"] = ("error", t("saved.gone"))


# -- the search ------------------------------------------------------------------------------------------
linked = from_url()
profiles = {p["case_id"]: p for p in all_profiles()}
rows = analytics.case_table(list(profiles.values()))
years = sorted(r["year"] for r in rows if r["year"])
if len(set(years)) > 1:
    bounds = (years[0], years[-1])
    ss["_year_bounds"] = bounds
    yr = ss.get("f_year")
    if not yr:
        ss["f_year"] = bounds
    else:  # a link's or a saved search's years, inside the archive's
        lo, hi = max(bounds[0], min(int(yr[0]), bounds[1])), min(bounds[1], max(int(yr[1]), bounds[0]))
        ss["f_year"] = (min(lo, hi), max(lo, hi))
else:
    ss.pop("_year_bounds", None)
    ss.pop("f_year", None)

query, mode, sort = ss["query"], ss["mode"], ss["sort"]
per_page = _int(ss["limit"], 10, *PER_PAGE)
uf = url_filters()
filters = service_filters(uf)
sig = (query, mode, sort, per_page, repr(sorted(uf.items())))
if ss.get("_sig") is not None and ss["_sig"] != sig and not ss.pop("_keep_page", False):
    ss["search_page"] = 1  # a new search starts on its first page
ss["_sig"] = sig
ss.pop("_keep_page", None)

cases, error, total, no_words, listed = [], None, 0, False, 0
facets = None
total_exact = True  # False: the count is a lower bound (search.CaseResult.total_exact)
page_no = max(1, int(ss["search_page"]))
if query.strip():
    try:
        # one page of cases; a date sort orders the most relevant matches (search.DATE_SORT_DEPTH) by
        # accident date, undated last, and says so below when there are more matches than that
        # the page's cases and the sidebar's counts from one ranking of the query
        found, facets = svc.find_cases_and_facets(query, limit=per_page, mode=mode, filters=filters, sort=sort,
                                                  offset=(page_no - 1) * per_page)
        total, no_words, total_exact = found.total, bool(found.message), found.total_exact
        listed = total if found.date_sorted is None else found.date_sorted
        pages = max(1, -(-listed // per_page))
        if page_no > pages:
            page_no = ss["search_page"] = pages
            found = svc.find_cases(query, limit=per_page, mode=mode, filters=filters, sort=sort,
                                   offset=(page_no - 1) * per_page)
        cases = found.cases
    except (SearchError, DutytraceError) as e:
        error = str(e)
write_url()
ss["last_search"] = {"query": query, "mode": mode, "filters": filters}  # the Export page exports the same

# facet counts: the service's (counts of cases for the query) when it has them, else the catalog's
if facets is None and hasattr(svc, "facets"):
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
    st.radio(t("search.mode"), list(MODES), key="mode", horizontal=True,
             format_func=lambda m: t(f"mode.{m}"), help=t("search.mode.help"))
    st.selectbox(t("search.sort"), list(SORTS), key="sort", format_func=lambda s: t(f"sort.{s}"))
    st.slider(t("search.per_page"), PER_PAGE[0], PER_PAGE[1], key="limit")
    st.subheader(t("search.filters"))
    # a search that read only its best passages counts, in the sidebar too, the cases it found (all listed)
    st.caption(t("search.facets_note") if total_exact else t("search.facets_note_at_least", n=total))
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
    if "_year_bounds" in ss:
        st.slider(t("f.year"), ss["_year_bounds"][0], ss["_year_bounds"][1], key="f_year")

    st.subheader(t("saved.title"))
    msg = ss.pop("_saved_msg", None)
    if msg:
        getattr(st, msg[0])(msg[1])
    with st.form("save_search", clear_on_submit=False, border=False):
        st.text_input(t("saved.name"), key="saved_name", max_chars=120)
        st.form_submit_button(t("saved.save"), icon=":material/bookmark_add:", on_click=save_current)
    try:
        mine = svc.saved_searches()
    except DutytraceError:
        mine = []
    if not mine:
        st.caption(t("saved.none"))
    for s in mine:
        run_col, del_col = st.columns([5, 1], vertical_alignment="center")
        run_col.button(s["name"], key=f"saved-run-{s['id']}", icon=":material/manage_search:", type="tertiary",
                       help=t("saved.run", name=s["name"]), on_click=run_saved, args=(s["id"],))
        del_col.button("", key=f"saved-del-{s['id']}", icon=":material/delete:", type="tertiary",
                       help=t("saved.delete", name=s["name"]), on_click=delete_saved, args=(s["id"], s["name"]))

st.title(t("app.title"))
st.caption(t("app.caption"))
st.text_input(t("search.query"), placeholder=t("search.placeholder"), key="query")

chips = [(f, v) for f, vals in uf.items() if f not in ("case_tags", "year") for v in [vals]]
chips = [("case_tags", v) for v in uf.get("case_tags", [])] + chips + ([("year", uf["year"])] if "year" in uf else [])
if chips:
    with st.container(horizontal=True, key="chips", gap="small", vertical_alignment="center"):
        st.caption(t("search.chips"))
        for i, (f, v) in enumerate(chips):
            shown = f"{v[0]}–{v[1]}" if f == "year" else value_label(f, v)
            st.button(f"{t('f.' + f)}: {shown}", key=f"chip-{i}", icon=":material/close:", icon_position="right",
                      on_click=drop_filter, args=(f, v))
        st.button(t("search.clear_all"), key="chip-clear", icon=":material/filter_alt_off:", type="tertiary",
                  on_click=clear_filters)

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
    if not found.total_exact:  # a part of the search reached its read limit: the count is a lower bound
        from dutytrace.search import RankConfig

        st.markdown(f"**{t('search.total_at_least', n=total, depth=RankConfig().match_depth)}**")
    else:
        st.markdown(f"**{t('search.total_one') if total == 1 else t('search.total', n=total)}**")
    if found.date_sorted is not None and found.date_sorted < total:  # the date order covers the best matches only
        shown_total = total if found.total_exact else t("search.at_least_n", n=total)
        st.caption(t("search.date_sorted_top", n=found.date_sorted, total=shown_total))
    reading = read_query(query, codebook())  # the concepts and translations the query was searched by
    if explain_query(reading, lang()):
        st.caption(explain_query(reading, lang()))
    st.markdown(legend_html(lang()), unsafe_allow_html=True)

first = (page_no - 1) * per_page + 1
for rank, case in enumerate(cases, start=first):
    facts = case.facts
    prof = profiles.get(case.case_id, {})
    entities = entity_names(prof)
    bits = [str(x) for x in (facts.get("date") or (t("search.undated") if sort != "relevance" else None),
                             type_label(facts.get("accident_type")) if facts.get("accident_type") else None,
                             industry_words(facts.get("industry"), lang()), facts.get("region")) if x]
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
                           chunk_id=p.chunk_id, case_id=case.case_id, query=query)

if cases and listed > per_page:
    pages = -(-listed // per_page)
    with st.container(horizontal=True, key="pager", vertical_alignment="center"):
        st.button(t("search.prev"), key="page-prev", icon=":material/chevron_left:", disabled=page_no <= 1,
                  on_click=go_to, args=(page_no - 1,))
        st.markdown(t("search.page_of", page=page_no, pages=pages, first=first, last=first + len(cases) - 1))
        st.button(t("search.next"), key="page-next", icon=":material/chevron_right:", icon_position="right",
                  disabled=page_no >= pages, on_click=go_to, args=(page_no + 1,))

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
