"""Analytics: cases by year, province, county, industry, accident type or responsibility issue, then the
issues within each value, one stable colour per issue in both languages; a click on a bar (or the
pickers below the chart) drills down to the cases behind it; the annual report's issue × county × year
view with its CSV."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dutytrace import analytics
from ui_pages.common import (all_profiles, can, case_button, codebook, esc, exported, t, tag_label, unless_empty,
                             value_label)

ss = st.session_state
st.title(t("nav.analytics"))
st.caption(t("an.intro"))
profiles = unless_empty(all_profiles())
rows = analytics.case_table(profiles)
titles = {r["case_id"]: r["title"] for r in rows}

# one colour per issue: fixed by the issue's place in the codebook, the same in both languages
tag_ids = codebook().tag_ids()
tag_ids += sorted({tg for r in rows for tg in r["tags"]} - set(tag_ids))
colours = analytics.issue_colours(tag_ids)
colour_scale = alt.Scale(domain=[tag_label(x) for x in tag_ids], range=[colours[x] for x in tag_ids])

if ss.get("an_dim") not in analytics.DIMENSIONS:
    ss["an_dim"] = "year"
dim = st.radio(t("an.dimension"), list(analytics.DIMENSIONS), key="an_dim", horizontal=True,
               format_func=lambda d: t(f"an.dim.{d}"))
field = "tag" if dim == "tag" else dim
totals = analytics.totals(rows, dim)
n_cases = len(rows)
counted = analytics.case_count(rows, dim)
label_of = {c["value"]: value_label(field, c["value"]) for c in totals}

# what the bars count, said once and checkable: the cells add up to the cases (or, for issues, to
# case-issue pairs, since a case carries several issues)
if dim == "tag":
    st.markdown(f"<div class='dt-an-total' data-total='{counted}' data-cases='{n_cases}' data-dim='{dim}'>"
                f"{esc(t('an.counts_tags', pairs=counted, n=n_cases))}</div>", unsafe_allow_html=True)
else:
    st.markdown(f"<div class='dt-an-total' data-total='{counted}' data-cases='{n_cases}' data-dim='{dim}'>"
                f"{esc(t('an.counts_cases', n=counted))}</div>", unsafe_allow_html=True)

chosen_key = None
base = pd.DataFrame([{"value": label_of[c["value"]], "cases": c["cases"], "key": f"{c['value']}|",
                      "issue": tag_label(c["value"]) if dim == "tag" else ""} for c in totals])
if not base.empty:
    pick = alt.selection_point(fields=["key"], name="cell")
    y_title = t("an.cases_with_issue") if dim == "tag" else t("an.cases")
    bars = alt.Chart(base).mark_bar().encode(
        x=alt.X("value:N", title=t(f"an.dim.{dim}"), sort=None),
        y=alt.Y("cases:Q", title=y_title, axis=alt.Axis(tickMinStep=1)),
        tooltip=[alt.Tooltip("value:N", title=t(f"an.dim.{dim}")), alt.Tooltip("cases:Q", title=y_title)],
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)),
        **({"color": alt.Color("issue:N", title=t("an.issue"), scale=colour_scale, legend=None)} if dim == "tag"
           else {"color": alt.value("#7a8ca3")}),
    ).add_params(pick).properties(height=300)
    event = st.altair_chart(bars, width="stretch", on_select="rerun", key=f"an-chart-{dim}")
    try:
        points = (event or {}).get("selection", {}).get("cell", [])
        chosen_key = points[0]["key"] if points else None
    except (AttributeError, KeyError, IndexError, TypeError):
        chosen_key = None

if dim != "tag":
    cells = analytics.breakdown(rows, dim)
    st.caption(t("an.by_issue"))
    frame = pd.DataFrame([{"value": label_of.get(c["value"], value_label(field, c["value"])), "issue": tag_label(c["tag"]),
                           "cases": c["cases"], "key": f"{c['value']}|{c['tag']}"} for c in cells])
    if not frame.empty:
        pick2 = alt.selection_point(fields=["key"], name="cell")
        chart = alt.Chart(frame).mark_bar().encode(
            x=alt.X("value:N", title=t(f"an.dim.{dim}"), sort=None),
            xOffset=alt.XOffset("issue:N", sort=[tag_label(x) for x in tag_ids if x in {c["tag"] for c in cells}]),
            y=alt.Y("cases:Q", title=t("an.cases_with_issue"), axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("issue:N", title=t("an.issue"), scale=colour_scale,
                            legend=alt.Legend(orient="bottom", columns=3)),
            tooltip=[alt.Tooltip("value:N", title=t(f"an.dim.{dim}")), alt.Tooltip("issue:N", title=t("an.issue")),
                     alt.Tooltip("cases:Q", title=t("an.cases_with_issue"))],
            opacity=alt.condition(pick2, alt.value(1.0), alt.value(0.45)),
        ).add_params(pick2).properties(height=380)
        event2 = st.altair_chart(chart, width="stretch", on_select="rerun", key=f"an-issues-{dim}")
        try:
            points = (event2 or {}).get("selection", {}).get("cell", [])
            chosen_key = points[0]["key"] if points else chosen_key
        except (AttributeError, KeyError, IndexError, TypeError):
            pass

# -- drill down ------------------------------------------------------------------------------------------
st.subheader(t("an.drill"))
values = list(dict.fromkeys(c["value"] for c in totals))
tags = sorted({tg for r in rows for tg in r["tags"]}, key=tag_label)
default_v, default_tag = values[0] if values else None, None
if chosen_key:
    v, _, tg = chosen_key.partition("|")
    default_v = next((x for x in values if str(x) == v), default_v)
    default_tag = tg if dim != "tag" and tg in tags else None
c1, c2 = st.columns(2)
value = c1.selectbox(t(f"an.dim.{dim}"), values, index=values.index(default_v) if default_v in values else 0,
                     format_func=lambda v: value_label(field, v), key=f"an-v-{dim}-{chosen_key}")
tag = None
if dim != "tag":
    tag = c2.selectbox(t("an.issue"), [None] + tags, index=([None] + tags).index(default_tag),
                       format_func=lambda x: t("an.all_issues") if x is None else tag_label(x),
                       key=f"an-t-{dim}-{chosen_key}")
ids = analytics.cases_in(rows, dim, value, tag)
st.caption(t("an.behind", n=len(ids)))
for i, cid in enumerate(ids):
    a, b = st.columns([6, 1])
    a.markdown(f"`{esc(cid)}` {esc(titles.get(cid, ''))}")
    with b:
        case_button(cid, key=f"an-case-{i}")

# -- issue x county x year (the annual report) ----------------------------------------------------------
st.subheader(t("an.cube"))
st.caption(t("an.cube_intro"))
cube = analytics.issue_county_year(rows)
if not cube:
    st.info(t("an.cube_empty"))
else:
    years = sorted({c["year"] for c in cube if c["year"] is not None}) + ([None] if any(c["year"] is None for c in cube) else [])
    table: dict[tuple, dict] = {}
    for c in cube:
        key = (tag_label(c["tag"]), c["county"] or t("an.unknown"))
        row = table.setdefault(key, {t("an.issue"): key[0], t("an.dim.county"): key[1]})
        row[str(c["year"]) if c["year"] is not None else t("an.unknown")] = c["cases"]
    cols = [t("an.issue"), t("an.dim.county")] + [str(y) if y is not None else t("an.unknown") for y in years]
    st.dataframe(pd.DataFrame(list(table.values()), columns=cols).fillna(0), hide_index=True, width="stretch",
                 key="an-cube")
    data = analytics.cube_csv(cube, tag_label, t("an.unknown"))
    st.download_button(t("an.cube_csv"), data, "issues-by-county-and-year.csv", "text/csv", key="an-cube-csv",
                       disabled=not can("export"), on_click=exported, args=("issue x county x year CSV",),
                       kwargs={"rows": len(cube)})
