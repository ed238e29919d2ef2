"""Sanctions across cases: for each responsibility level and post group (county emergency management
body: deputy head; township government: head; enterprise: chairman or legal representative, ...),
which sanctions the precedents imposed, on how many people, in which cases, and the issues of those
cases — with a link to each case (dutytrace/sanctions.py, posts.py)."""

from __future__ import annotations

import streamlit as st

from dutytrace.sanctions import LEVEL_ORDER, labelled
from ui_pages.common import case_button, codebook, esc, lang, level_label, service, t

svc = service()
st.title(t("nav.sanctions"))
st.caption(t("sn.intro"))
groups = labelled(svc.sanctions(), codebook(), lang())
if not groups:
    st.info(t("sn.none"))
    st.stop()

levels = [lv for lv in LEVEL_ORDER if any(g["level"] == lv for g in groups)]
level = st.selectbox(t("sn.level"), [None] + levels, key="sn_level",
                     format_func=lambda lv: t("sn.all_levels") if lv is None else (level_label(lv) or t("an.unknown")))
shown = [g for g in groups if level is None or g["level"] == level]
names = {g["group"]: g["group_name"] for g in shown}
group = st.selectbox(t("sn.group"), [None] + list(dict.fromkeys(g["group"] for g in shown)), key=f"sn_group_{level}",
                     format_func=lambda g: t("sn.all_groups") if g is None else names[g])
shown = [g for g in shown if group is None or g["group"] == group]
st.caption(t("sn.count", groups=len(shown), people=sum(g["people"] for g in shown),
             cases=len({c for g in shown for c in g["cases"]})))

last = object()
for gi, g in enumerate(shown):
    if g["level"] != last:
        last = g["level"]
        st.subheader(g["level_name"] or t("an.unknown"))
    with st.container(border=True, key=f"sn-group-{gi}"):
        st.markdown(f"**{esc(g['group_name'])}** · {t('sn.people', n=g['people'])} · {t('sn.cases', n=len(g['cases']))}")
        for si, s in enumerate(g["sanctions"]):
            issues = "、".join if lang() == "zh" else ", ".join
            st.markdown(f"<span class='dt-tag'>{esc(s['sanction_name'])}</span> {t('sn.people', n=s['people'])} · "
                        + esc(t("sn.issues", issues=issues(f"{i['tag_name']} ({i['cases']})" for i in s["issues"][:5])
                                if s["issues"] else t("sn.no_issue"))), unsafe_allow_html=True)
            with st.expander(t("sn.who", n=s["people"])):
                for pi, p in enumerate(s["persons"]):
                    a, b = st.columns([6, 1])
                    post = ", ".join(esc(x) for x in (p.get("post"), p.get("organisation")) if x and str(x).lower() != "none")
                    src = f" · {esc(p.get('doc'))}, {t('page', page=p['page'])}" if p.get("page") else ""
                    a.markdown(f"`{esc(p['case_id'])}` **{esc(p.get('person'))}**{' — ' + post if post else ''}"
                               f"<span class='dt-cite'>{src}</span>", unsafe_allow_html=True)
                    with b:
                        case_button(p["case_id"], key=f"sn-case-{gi}-{si}-{pi}")
