"""Dutytrace UI: search precedents across past cases (Streamlit entry point).

Run with `dutytrace serve` (or `make demo`). The heavy resources are created once per process with
st.cache_resource and shared by every session."""

from __future__ import annotations

import html

import streamlit as st

from dutytrace.config import Settings
from dutytrace.errors import DutytraceError
from dutytrace.nlp.codebook import load_codebook
from dutytrace.search import SearchError
from dutytrace.service import Dutytrace
from dutytrace.ui_text import highlight, reflow

st.set_page_config(page_title="Dutytrace — precedent search", page_icon="🔎", layout="wide")


@st.cache_resource(show_spinner="Loading the index and models…")
def service() -> Dutytrace:
    return Dutytrace(Settings.from_env())


svc = service()
codebook = load_codebook(svc.settings.codebook)
tag_names = {t.id: t.label("en") for t in codebook.tags}

st.title("Dutytrace")
st.caption("Search past accident investigations: reports, interview transcripts and accountability decisions.")

with st.sidebar:
    st.header("Search options")
    mode = st.radio("Mode", ["hybrid", "lexical", "dense"], horizontal=True,
                    help="hybrid fuses meaning (dense vectors) and exact words (BM25)")
    limit = st.slider("Cases to show", 3, 30, 10)
    language = st.selectbox("Document language", ["any", "en", "zh"])
    kind = st.selectbox("Document kind", ["any", "report", "transcript", "decision", "other"])
    tags = st.multiselect("Responsibility issue", list(tag_names), format_func=lambda t: tag_names[t])
    stats = svc.stats()
    st.divider()
    st.caption(f"{stats['cases']} cases · {stats['documents']} documents · {stats['chunks']} passages indexed")

if "query" not in st.session_state:
    st.session_state["query"] = st.query_params.get("q", "")  # a search can be shared as a link: ?q=...
query = st.text_input("Query", placeholder="e.g. workers entered a confined space without gas testing · 监管职责不清",
                      key="query")

filters: dict = {}
if language != "any":
    filters["language"] = language
if kind != "any":
    filters["kind"] = kind
if tags:
    filters["case_tags"] = tags

if query.strip():
    try:
        cases = svc.search_cases(query, limit=limit, mode=mode, filters=filters)
    except (SearchError, DutytraceError) as e:
        st.error(str(e))
        cases = []
    if not cases:
        st.info("No matching cases. Try other words, another mode, or fewer filters.")
    for rank, case in enumerate(cases, start=1):
        facts = case.facts
        bits = [str(x) for x in (facts.get("date"), facts.get("accident_type"), facts.get("industry")) if x]
        if facts.get("fatalities") is not None:
            bits.append(f"{facts['fatalities']} dead")
        with st.container(border=True):
            st.markdown(f"**{rank}. {html.escape(case.title)}**  \n`{case.case_id}` · "
                        f"{html.escape(' · '.join(bits))} · score {case.score:.4f}")
            if case.tags:
                st.caption("Issues: " + ", ".join(tag_names.get(t, t) for t in case.tags))
            for p in case.passages:
                who = f" — {html.escape(p.speaker)}" if p.speaker else ""
                st.markdown(f"<div class='dt-passage'><b>{html.escape(p.name)}</b>, page {p.page}{who}<br>"
                            f"{highlight(reflow(p.text), query)}</div>", unsafe_allow_html=True)
else:
    st.info("Type a question or keywords, in English or Chinese. Results are grouped by case; each passage "
            "names its document and page.")

st.markdown("<style>.dt-passage{margin:.4rem 0 .6rem 0;padding:.4rem .6rem;border-left:3px solid #c33;"
            "background:rgba(200,200,200,.12)} mark{background:#ffe48a;padding:0 .1em}</style>",
            unsafe_allow_html=True)
