"""Analytics: responsibility issues by year, region, industry and accident type as charts; a click on
a bar (or the pickers below the chart) drills down to the cases behind it."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dutytrace import analytics
from ui_pages.common import all_profiles, case_button, esc, t, tag_label, unless_empty, value_label

ss = st.session_state
st.title(t("nav.analytics"))
st.caption(t("an.intro"))
profiles = unless_empty(all_profiles())
rows = analytics.case_table(profiles)
titles = {r["case_id"]: r["title"] for r in rows}

ss.setdefault("an_dim", "year")
dim = st.radio(t("an.dimension"), list(analytics.DIMENSIONS), key="an_dim", horizontal=True,
               format_func=lambda d: t(f"an.dim.{d}"))
field = "tag" if dim == "tag" else dim
cells = analytics.breakdown(rows, dim)
label_of = {c["value"]: value_label(field, c["value"]) for c in cells}
frame = pd.DataFrame([{"value": label_of[c["value"]], "issue": tag_label(c["tag"]), "cases": c["cases"],
                       "key": f"{c['value']}|{c['tag']}"} for c in cells])
chosen_key = None
if not frame.empty:
    pick = alt.selection_point(fields=["key"], name="cell")
    chart = alt.Chart(frame).mark_bar().encode(
        x=alt.X("value:N", title=t(f"an.dim.{dim}"), sort=None),
        y=alt.Y("cases:Q", title=t("an.cases")),
        color=alt.Color("issue:N", title=t("an.issue"), legend=alt.Legend(orient="bottom", columns=3)),
        tooltip=[alt.Tooltip("value:N", title=t(f"an.dim.{dim}")), alt.Tooltip("issue:N", title=t("an.issue")),
                 alt.Tooltip("cases:Q", title=t("an.cases"))],
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)),
    ).add_params(pick).properties(height=420)
    event = st.altair_chart(chart, width="stretch", on_select="rerun", key=f"an-chart-{dim}")
    try:
        points = (event or {}).get("selection", {}).get("cell", [])
        chosen_key = points[0]["key"] if points else None
    except (AttributeError, KeyError, IndexError, TypeError):
        chosen_key = None

# -- drill down ------------------------------------------------------------------------------------------
st.subheader(t("an.drill"))
values = list(dict.fromkeys(c["value"] for c in analytics.totals(rows, dim)))
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
