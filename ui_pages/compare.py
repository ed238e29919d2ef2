"""Compare: two or three cases side by side, aligned by responsibility issue — facts, each issue's
evidence, the people held accountable and the measures, one column per case (dutytrace/compare.py)."""

from __future__ import annotations

import streamlit as st

from dutytrace.brief import fact_lines
from dutytrace.errors import DutytraceError
from ui_pages.common import (case_button, case_options, codebook, doc_button, esc, lang, level_label, service, t,
                             tag_label, unless_empty)

svc = service()
ss = st.session_state
st.title(t("nav.compare"))
st.caption(t("cmp.intro"))
options = unless_empty(case_options())

# the URL carries the cases (?cases=a,b,c), so a comparison can be linked to
wanted = [c for c in (st.query_params.get("cases") or "").split(",") if c in options][:3]
if "cmp_cases" not in ss or (wanted and wanted != ss.get("cmp_cases")):
    ss["cmp_cases"] = wanted
chosen = st.multiselect(t("cmp.pick"), list(options), key="cmp_cases", max_selections=3, format_func=options.get)
if ",".join(chosen) != (st.query_params.get("cases") or ""):
    st.query_params["cases"] = ",".join(chosen)
if len(chosen) < 2:
    st.info(t("cmp.need"))
    st.stop()

try:
    res = svc.compare(chosen)
except DutytraceError as e:
    st.error(str(e))
    st.stop()
except ValueError as e:
    st.error(str(e))
    st.stop()

def sanction_label(code: str | None) -> str:
    e = codebook().get("sanctions", code) if code else None
    return e.label(lang()) if e else ""


def person_line(p: dict) -> str:
    who = esc(p.get("person"))
    post = ", ".join(esc(x) for x in (p.get("role"), p.get("organisation")) if x and str(x).lower() != "none")
    src = f" <span class='dt-cite'>({esc(p.get('doc'))}, {t('page', page=p['page'])})</span>" if p.get("page") else ""
    return f"<b>{who}</b>{' — ' + post if post else ''}: {esc(sanction_label(p.get('sanction')))}{src}"


def measure_line(m: dict) -> str:
    body = f" — {esc(m['body'])}" if m.get("body") else ""
    return (f"<div class='dt-cmp-measure'>{esc(m.get('measure'))}{body} "
            f"<span class='dt-cite'>({esc(t('fu.st.' + m['status']))}; {esc(m.get('document'))}, "
            f"{t('page', page=m.get('page') or 1)})</span></div>")


n = len(res["cases"])
heads = st.columns(n)
for col, c in zip(heads, res["cases"]):
    with col:
        st.markdown(f"**{esc(c['title'])}**  \n`{esc(c['case_id'])}`")
        case_button(c["case_id"], key=f"cmp-open-{c['case_id']}")

# -- facts ---------------------------------------------------------------------------------------------
st.subheader(t("cmp.facts"))
per_case = [{f["label"]: f["value"] for f in fact_lines({x["key"]: x["values"][k] for x in res["facts"]}, codebook(), lang())}
            for k in range(len(res["cases"]))]
labels = list(dict.fromkeys(label for facts in per_case for label in facts))
fact_rows = [{t("cmp.fact"): label, **{c["case_id"]: facts.get(label, "—") for c, facts in zip(res["cases"], per_case)}}
             for label in labels]
st.dataframe(fact_rows, hide_index=True, width="stretch", key="cmp-facts")

# -- issues, aligned -----------------------------------------------------------------------------------
st.subheader(t("cmp.issues"))
if not res["issues"]:
    st.info(t("cmp.no_issues"))
for i, issue in enumerate(res["issues"]):
    with st.container(border=True, key=f"cmp-issue-{i}"):
        st.markdown(f"**{esc(tag_label(issue['tag']))}** · {t('cmp.carried_by', k=issue['carried_by'], n=n)}")
        cols = st.columns(n)
        for k, (col, case, cell) in enumerate(zip(cols, res["cases"], issue["cells"])):
            with col:
                if not cell["carried"]:
                    st.markdown(f"<div class='dt-cite'>{esc(t('cmp.not_carried'))}</div>", unsafe_allow_html=True)
                    continue
                for j, ev in enumerate(cell["evidence"]):
                    st.markdown(f"<div class='dt-cite'><b>{esc(ev.get('name'))}</b>, {t('page', page=ev.get('page') or 1)}"
                                f"</div><div class='dt-passage'>{esc(ev.get('text'))}</div>", unsafe_allow_html=True)
                    if ev.get("doc_id"):
                        doc_button(t("open_page", page=int(ev.get("page") or 1)), key=f"cmp-ev-{i}-{k}-{j}",
                                   doc_id=ev["doc_id"], page=int(ev.get("page") or 1), case_id=case["case_id"])
                if cell["people"]:
                    st.markdown(f"*{esc(t('cmp.people'))}*  \n" + "  \n".join(person_line(p) for p in cell["people"]),
                                unsafe_allow_html=True)
                if cell["measures"]:
                    st.markdown(f"*{esc(t('cmp.measures'))}*" + "".join(measure_line(m) for m in cell["measures"]),
                                unsafe_allow_html=True)

# -- accountability by level -----------------------------------------------------------------------------
st.subheader(t("cmp.accountability"))
if not res["levels"]:
    st.info(t("cmp.no_people"))
for lvl in res["levels"]:
    st.markdown(f"**{esc(level_label(lvl['level']) or t('an.unknown'))}**")
    cols = st.columns(n)
    for col, people in zip(cols, lvl["cells"]):
        col.markdown("  \n".join(person_line(p) for p in people) or "—", unsafe_allow_html=True)

# -- measures no issue claims ----------------------------------------------------------------------------
if any(res["other_measures"]):
    st.subheader(t("cmp.other_measures"))
    cols = st.columns(n)
    for col, items in zip(cols, res["other_measures"]):
        col.markdown("".join(measure_line(m) for m in items) or "—", unsafe_allow_html=True)
