"""What every page of the UI shares: the one service (created once per process), the interface
language, codebook labels, links between pages and the style sheet. Imported by the pages (which
Streamlit runs as scripts); never imports pdfplumber, spaCy, torch or Qdrant."""

from __future__ import annotations

from typing import Any

import streamlit as st

from dutytrace.config import Settings
from dutytrace.errors import DutytraceError
from dutytrace.nlp.codebook import load_codebook
from dutytrace.service import Dutytrace
from dutytrace.ui_i18n import LANGS
from dutytrace.ui_i18n import t as _t
from dutytrace.ui_text import safe

PAGES = {"search": "ui_pages/search.py", "case": "ui_pages/case.py", "document": "ui_pages/document.py",
         "similar": "ui_pages/similar.py", "ingest": "ui_pages/ingest.py", "analytics": "ui_pages/analytics.py",
         "export": "ui_pages/export.py", "admin": "ui_pages/admin.py", "followup": "ui_pages/followup.py",
         "compare": "ui_pages/compare.py", "sanctions": "ui_pages/sanctions.py"}


@st.cache_resource(show_spinner="Loading the index and models… / 正在加载索引和模型…")
def shared() -> Dutytrace:
    """The one service of the process (catalog, models, index). A long-running process: it keeps the
    index's passage fields in memory whenever it holds the index (DUTYTRACE_WARM_INDEX)."""
    svc = Dutytrace(Settings.from_env())
    svc.keep_index_warm()
    return svc


def service() -> Dutytrace:
    """The service as this session's user: every page reads through it, so what a user may see is
    decided by the service (and the index query), never by the page."""
    svc = shared()
    principal = st.session_state.get("principal")
    if principal is None:
        return svc
    try:  # role, clearance and grants as they are now; a disabled user is signed out
        principal = svc.users.principal(principal.name)
    except DutytraceError:
        del st.session_state["principal"]
        return svc
    return svc.for_user(principal)


def login_required() -> bool:
    return shared().users.exist() and st.session_state.get("principal") is None


# -- sign-in that outlives a reload (store/sessions.py; README "Sessions, links and saved searches") --
COOKIE = "dutytrace_session"


def restore_session() -> None:
    """Nobody signed in on this connection yet: the user of the browser's session cookie, when the
    server made that token and it is still live. A signed-out connection never resumes the cookie it
    was opened with (the token is revoked anyway)."""
    ss = st.session_state
    if ss.get("principal") is not None and ss.get("_session_token"):
        if not shared().session_live(ss["_session_token"]):  # expired, idle or signed out elsewhere
            for key in ("principal", "_session_token"):
                ss.pop(key, None)
            ss["_signed_out"], ss["_cookie_set"] = True, ""
        return
    if ss.get("principal") is not None or ss.get("_signed_out") or not shared().users.exist():
        return
    try:
        token = st.context.cookies.get(COOKIE)
    except Exception:  # no browser connection (AppTest)
        token = None
    try:
        principal = shared().resume_session(token) if token else None
    except Exception as e:  # the catalog cannot be read: an id for the administrator, no traceback
        unexpected(e)
        st.stop()
    if principal is not None:
        ss["principal"], ss["_session_token"] = principal, token


def begin_session(principal, token: str) -> None:
    ss = st.session_state
    ss["principal"], ss["_session_token"], ss["_cookie_set"] = principal, token, token
    ss.pop("_signed_out", None)


def end_session() -> None:
    ss = st.session_state
    shared().for_user(ss["principal"]).sign_out(ss.get("_session_token"))
    for key in ("principal", "_session_token"):
        ss.pop(key, None)
    ss["_signed_out"], ss["_cookie_set"] = True, ""


def write_cookie() -> None:
    """Hand the browser the cookie of a sign-in (or clear it at sign-out) once, on the run after it."""
    import json

    value = st.session_state.pop("_cookie_set", None)
    if value is None:
        return
    from dutytrace.store.sessions import TTL

    age = TTL if value else 0
    st.html(f"<script>document.cookie = {json.dumps(COOKIE)} + '=' + {json.dumps(value)} + '; path=/; max-age={age}; "
            f"samesite=strict' + (location.protocol === 'https:' ? '; secure' : '');</script>",
            unsafe_allow_javascript=True)


def unexpected(error: BaseException) -> None:
    """An error no page expected: the traceback goes to the server's log under a short id, the user
    sees the id (to quote to an administrator) in the interface language, never the traceback."""
    import logging
    import uuid

    ref = uuid.uuid4().hex[:8]
    log = logging.getLogger("dutytrace.ui")
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)
        log.propagate = False
    log.error("unexpected error %s (user %s): %s", ref, getattr(st.session_state.get("principal"), "name", "-"),
              type(error).__name__, exc_info=error)
    st.error(t("error.unexpected", id=ref), icon=":material/error:")


def can(permission: str) -> bool:
    svc = service()
    return not login_required() and svc.principal.can(permission)


def exported(what: str, **detail) -> None:
    """on_click of every download button: the export is checked and written to the audit log."""
    service().record_export(what, **detail)


_last_lang = {"value": "en"}


def lang() -> str:
    """The session's interface language. Outside a script run (AppTest re-applies a widget's format
    function from the test thread) the language of the last run is used."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx() is None:
        return _last_lang["value"]
    value = st.session_state.get("lang", "en")
    _last_lang["value"] = value if value in LANGS else "en"
    return _last_lang["value"]


def t(key: str, **values) -> str:
    return _t(key, lang(), **values)


def codebook():
    return load_codebook(service().settings.codebook)


def tag_label(tag: str) -> str:
    e = codebook().get("tags", tag)
    return e.label(lang()) if e else tag


def tag_chip(tag: dict) -> str:
    """A case's tag as a chip: a decided issue (profile.decided) plainly; one below the decision with a
    dashed outline, the word "possible" and its score."""
    from dutytrace.profile import decided

    if decided(tag):
        return f"<span class='dt-tag'>{esc(tag_label(tag['tag']))}</span>"
    return (f"<span class='dt-tag dt-possible' title='{esc(t('tag.possible_help'))}'>{esc(t('tag.possible'))}: "
            f"{esc(tag_label(tag['tag']))} {float(tag.get('score', 0)):.2f}</span>")


def type_label(value: str | None) -> str:
    if not value:
        return t("an.unknown")
    e = codebook().get("accident_types", value)
    return e.label(lang()) if e else str(value)


def level_label(value: str | None) -> str:
    if not value:
        return ""
    e = codebook().get("responsibility_levels", value)
    return e.label(lang()) if e else str(value)


def value_label(field: str, value: Any) -> str:
    """A filter or dimension value as the investigator reads it."""
    if value is None or value == "":
        return t("an.unknown")
    if field in ("case_tags", "tag"):
        return tag_label(value)
    if field == "accident_type":
        return type_label(value)
    if field == "kind":
        return t(f"kind.{value}")
    if field == "language":
        return LANGS.get(value, value)
    if field in ("grade", "industry"):  # "General (fewer than 3 deaths)", "Gas supply", not general, gas_supply
        from dutytrace.ui_text import fact_words

        return fact_words(field, value, lang(), codebook())
    return str(value)


def entity_names(profile: dict) -> list[str]:
    """Names worth marking in passages: organisations, government bodies, posts and laws long enough
    not to be generic words."""
    return [e["text"] for e in profile.get("entities", [])
            if len(e["text"]) >= (3 if any("\u4e00" <= ch <= "\u9fff" for ch in e["text"]) else 8)]


@st.cache_resource
def _writes() -> dict:
    return {"n": 0}


def changed() -> None:
    """Call after the UI changed the catalog (a review, an ingest): cached profiles are stale. The UI's
    process owns the index, so its own writes are the only ones."""
    _writes()["n"] += 1


def all_profiles() -> list[dict]:
    """Every case's profile (for analytics, facets and pickers), cached until the catalog changes."""
    svc = service()
    stats = svc.stats()
    who = svc.principal.name
    return _profiles((str(svc.settings.home), who, stats["cases"], stats["documents"], stats["chunks"], _writes()["n"]))


@st.cache_data(max_entries=2, show_spinner=False)
def _profiles(version: tuple) -> list[dict]:
    return service().case_profiles()  # only the cases this user may see


def unless_empty(data):
    """`data`, or the empty-archive notice and the end of the page run when there is none."""
    if not data:
        st.info(t("empty_catalog"))
        st.stop()
    return data


def case_options() -> dict[str, str]:
    """case id -> "id · title" for pickers."""
    return {p["case_id"]: f"{p['case_id']} · {p['title']}" for p in all_profiles()}


def chunk_for(doc_id: str, page: int, text: str) -> str | None:
    """The passage of a document page that holds `text` (a piece of evidence, a dated sentence), so that
    the viewer can mark it; None when no passage holds it."""
    probe = " ".join(str(text).split())[:60]
    if not probe:
        return None
    for c in service().chunks(doc_id):
        if c["page"] == page and probe in " ".join(c["text"].split()):
            return c["chunk_id"]
    return None


PAGES["worksets"] = "ui_pages/worksets.py"  # the shortlist of pinned cases (ui_pages/desk_ui.py)


def open_document(doc_id: str, page: int, chunk_id: str | None = None, case_id: str | None = None,
                  query: str | None = None) -> None:
    params = {"doc": doc_id, "page": str(page)}
    if chunk_id:
        params["chunk"] = chunk_id
    if case_id:
        params["case"] = case_id
    if query:  # the viewer marks the search's words and their translations on the page too
        params["q"] = query
    st.switch_page(PAGES["document"], query_params=params)


def open_case(case_id: str) -> None:
    st.switch_page(PAGES["case"], query_params={"case": case_id})


def doc_button(label: str, key: str, doc_id: str, page: int, chunk_id: str | None = None,
               case_id: str | None = None, query: str | None = None) -> None:
    if st.button(label, key=key, icon=":material/description:", type="tertiary"):
        open_document(doc_id, page, chunk_id, case_id, query)


def case_button(case_id: str, key: str, label: str | None = None) -> None:
    if st.button(label or t("open_case"), key=key, icon=":material/folder_open:", type="tertiary"):
        open_case(case_id)


def esc(value: Any) -> str:
    return safe("" if value is None else str(value))


CSS = """<style>
.dt-passage{margin:.2rem 0 .1rem 0;padding:.45rem .7rem;border-left:3px solid #b3261e;
  background:rgba(160,160,160,.10);border-radius:0 4px 4px 0;line-height:1.55}
.dt-cite{font-size:.85rem;color:#555;margin-bottom:.15rem}
mark{background:#ffe48a;padding:0 .1em;border-radius:2px}
mark.dt-ent{background:#d7ecff}
mark.dt-cue{background:none;border-bottom:2px solid #b3261e;padding:0}
mark.dt-trans{background:#dcefd2;border-bottom:1px dashed #3f7a2e}
.dt-legend{font-size:.8rem;color:#555;margin:.1rem 0 .5rem 0}.dt-legend mark{font-size:.78rem}
mark.dt-target{background:#ffd9c9;box-shadow:0 0 0 1px #f0a283;-webkit-box-decoration-break:clone;box-decoration-break:clone}
.dt-facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:.5rem .9rem;margin:.3rem 0 1rem 0}
.dt-fact{border:1px solid rgba(128,128,128,.3);border-radius:6px;padding:.4rem .6rem}
.dt-fact b{display:block;font-size:.75rem;color:#666;font-weight:600;text-transform:uppercase;letter-spacing:.03em}
.dt-tag{display:inline-block;background:#f2e6d9;color:#5a3412;border-radius:10px;padding:0 .55rem;margin:0 .25rem .25rem 0;
  font-size:.82rem}
.dt-possible{background:none;color:#777;border:1px dashed #b59a7d}
.dt-page{white-space:pre-wrap;font-family:inherit;line-height:1.6;border:1px solid rgba(128,128,128,.3);border-radius:6px;
  padding:.8rem 1rem;max-height:760px;overflow-y:auto}
.dt-turn{margin:.15rem 0}
.dt-when{font-variant-numeric:tabular-nums;font-weight:600;white-space:nowrap}
</style>"""


def style() -> None:
    st.markdown(CSS, unsafe_allow_html=True)
