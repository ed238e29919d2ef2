"""The precedent brief's buttons, shared by the Similar and Case pages: a language choice, one click
that prepares the brief through the service (access checked, audited) and the DOCX and PDF downloads
of the same content. Not a page of its own."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import streamlit as st

from dutytrace.errors import DutytraceError
from ui_pages.common import can, lang, service, t


def brief_buttons(key: str, case_id: str | None = None, upload_name: str | None = None, upload_bytes: bytes | None = None,
                  results: list[dict] | None = None) -> None:
    """For an existing case (`case_id`) or an uploaded document (its name and bytes). `results`, the
    Similar page's ranking, is reused instead of ranking again (the service checks each case again)."""
    ss = st.session_state
    ident = case_id or hashlib.sha256(upload_bytes or b"").hexdigest()[:16]
    slot = f"_brief_{key}"
    c1, c2, c3, c4 = st.columns([1, 2, 2, 2])
    langs = {"en": "English", "zh": "中文"}
    chosen = c1.selectbox(t("brief.lang"), list(langs), index=list(langs).index(lang()), format_func=langs.get,
                          key=f"{key}-lang", label_visibility="collapsed")
    if c2.button(t("brief.make"), key=f"{key}-make", icon=":material/article:", help=t("brief.help"),
                 disabled=not can("export")):
        from dutytrace.brief_render import NoCJKFont, to_docx, to_pdf

        svc = service()
        try:
            with st.spinner(t("sim.working")):
                if case_id:
                    model = svc.brief(case_id=case_id, lang=chosen, results=results)
                else:
                    with tempfile.TemporaryDirectory() as tmp:
                        path = Path(tmp) / Path(upload_name or "document").name
                        path.write_bytes(upload_bytes or b"")
                        model = svc.brief(path=path, lang=chosen, results=results)
                ss[slot] = {"ident": ident, "lang": chosen, "docx": to_docx(model), "pdf": to_pdf(model)}
        except (DutytraceError, NoCJKFont, ValueError) as e:
            st.error(t("brief.failed", why=str(e)))
    made = ss.get(slot)
    if made and made["ident"] == ident:
        stem = f"brief-{case_id or Path(upload_name or 'document').stem}-{made['lang']}"
        c3.download_button(t("brief.docx"), made["docx"], f"{stem}.docx", key=f"{key}-docx",
                           mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        c4.download_button(t("brief.pdf"), made["pdf"], f"{stem}.pdf", "application/pdf", key=f"{key}-pdf")
