"""Dutytrace UI (Streamlit entry point): sign-in, the navigation of the multipage app and what every
page shares (interface language, state that outlives a page switch). Search is the default page. The
pages live in ui_pages/, not pages/: Streamlit would also serve a folder named pages/ as pages of its
own, reachable by URL without passing through this entry point.

Run with `dutytrace serve` (or `make demo`). The service (catalog, models, index) is created once per
process with st.cache_resource and shared by every session (ui_pages/common.py)."""

from __future__ import annotations

import streamlit as st

from dutytrace.ui_i18n import LANGS
from ui_pages.common import (PAGES, begin_session, end_session, login_required, restore_session, service, shared, style, t,
                             unexpected, write_cookie)

st.set_page_config(page_title="Dutytrace", page_icon="🔎", layout="wide")

# Widget values are dropped when a page that shows them is left; these are kept for the return.
KEEP = ("query", "mode", "sort", "limit", "f_language", "f_kind", "f_case_tags", "f_accident_type", "f_industry",
        "f_region", "f_grade", "f_year", "an_dim", "sim_case", "ex_source", "ex_case")
for key in KEEP:
    if key in st.session_state:
        st.session_state[key] = st.session_state[key]

if "lang" not in st.session_state:
    wanted = st.query_params.get("lang", "en")
    st.session_state["lang"] = wanted if wanted in LANGS else "en"
restore_session()  # a reload keeps the signed-in user (the session cookie; ui_pages/common.py)
write_cookie()


def _chosen_language() -> None:
    choice = st.session_state.get("lang_choice")
    if choice in LANGS:  # a click on the chosen option clears the control: keep the language then
        st.session_state["lang"] = choice


st.session_state["lang_choice"] = st.session_state["lang"]
with st.sidebar:
    st.segmented_control(t("lang.label"), list(LANGS), format_func=LANGS.get, key="lang_choice",
                         selection_mode="single", on_change=_chosen_language)

def _start() -> None:
    """The app's root URL: the Search page under its own path, query kept. Streamlit serves its default
    page only at /, so a Search page made the default would answer /search?q=… with "Page not found"."""
    st.switch_page(PAGES["search"], query_params=[(k, v) for k in st.query_params for v in st.query_params.get_all(k)])


START = dict(title="Dutytrace", url_path="start", default=True, visibility="hidden")

if login_required():
    # users are defined: nothing is shown, not even counts, before a successful sign-in. The pages are
    # declared (hidden) so that the page and query asked for stay current: the sign-in lands there.
    st.navigation([st.Page(_start, **START)] + [st.Page(path, url_path=key) for key, path in PAGES.items()],
                  position="hidden")
    style()
    st.title(t("login.title"))
    st.caption(t("login.intro"))
    with st.form("login"):
        name = st.text_input(t("login.name"), key="login_name")
        password = st.text_input(t("login.password"), type="password", key="login_password")
        if st.form_submit_button(t("login.submit")):
            try:
                signed = shared().sign_in(name, password)
            except Exception as e:  # logged with an id; the user gets the id, never a traceback
                unexpected(e)
                st.stop()
            if signed is None:
                st.error(t("login.failed"))
            else:  # the page and query asked for stay in the URL: the rerun lands there
                begin_session(*signed)
                st.rerun()
    st.stop()

svc = service()
if st.session_state.get("principal") is not None:
    me = svc.principal
    with st.sidebar:
        st.caption(t("login.as", name=me.name, role=me.role, clearance=me.clearance))
        if st.button(t("logout"), key="logout"):
            end_session()
            st.rerun()
pages = [
    st.Page(_start, **START),
    st.Page(PAGES["search"], title=t("nav.search"), icon=":material/search:", url_path="search"),
    st.Page(PAGES["case"], title=t("nav.case"), icon=":material/folder_open:", url_path="case"),
    st.Page(PAGES["document"], title=t("nav.document"), icon=":material/description:", url_path="document"),
    st.Page(PAGES["similar"], title=t("nav.similar"), icon=":material/compare:", url_path="similar"),
    st.Page(PAGES["compare"], title=t("nav.compare"), icon=":material/view_column:", url_path="compare"),
    st.Page(PAGES["sanctions"], title=t("nav.sanctions"), icon=":material/gavel:", url_path="sanctions"),
    st.Page(PAGES["analytics"], title=t("nav.analytics"), icon=":material/bar_chart:", url_path="analytics"),
    st.Page(PAGES["followup"], title=t("nav.followup"), icon=":material/checklist:", url_path="followup"),
    st.Page(PAGES["export"], title=t("nav.export"), icon=":material/download:", url_path="export"),
    st.Page(PAGES["ingest"], title=t("nav.ingest"), icon=":material/upload:", url_path="ingest"),
    st.Page(PAGES["worksets"], title=t("nav.worksets"), icon=":material/push_pin:", url_path="worksets"),
]
# Everyone can reach /admin (a link to it must never end in "Page not found"); only users who may read
# the audit trail see it in the menu, and the page itself tells anyone else that they lack the right.
pages.append(st.Page(PAGES["admin"], title=t("nav.admin"), icon=":material/shield_person:", url_path="admin",
                     visibility="visible" if svc.principal.can("audit") else "hidden"))
nav = st.navigation(pages)
style()
with st.sidebar:
    stats = svc.stats()
    st.caption(t("stats", **stats))
    reader = svc.reader_state()  # one grouped count: were all documents read by today's tagger?
    if reader["retag_needed"]:
        other = sum(reader["others"].values())
        said = ([t("reader.mixed", n=other, total=reader["documents"])] if other else []) + (
            [t("reader.unknown", n=reader["unknown"], total=reader["documents"])] if reader["unknown"] else [])
        st.warning(" ".join(said + [t("reader.retag")]))
if nav.url_path == "case" and "id" in st.query_params and "case" not in st.query_params:
    st.query_params["case"] = st.query_params["id"]  # /case?id=… is the case's short link too
try:
    nav.run()
except Exception as e:  # logged with an id; the user gets the id, never a traceback
    unexpected(e)
