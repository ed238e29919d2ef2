"""Document viewer: a PDF page as an image with the passage marked, next to its text; a transcript as
its turns, scrolled to the turn of the passage. Opened from a search passage, a piece of evidence or
a case's document list (query parameters doc, page, chunk, case)."""

from __future__ import annotations

import streamlit as st

from dutytrace.errors import NotFound
from dutytrace.highlight import read_query
from dutytrace.ui_text import clean_entity, draw_boxes, highlight_spans, legend_html, mark_spans, ui_message
from ui_pages.common import case_button, codebook, entity_names, esc, lang, service, t

svc = service()
qp = st.query_params
doc_id = qp.get("doc")
try:
    doc = svc.document(doc_id) if doc_id else None
except NotFound as e:
    st.error(ui_message(e, lang()))
    doc = None
if doc is None:
    st.info(t("doc.none"))
    st.stop()

n_pages = int(doc["pages"]) or 1
try:
    page = min(max(1, int(qp.get("page", 1))), n_pages)
except ValueError:
    page = 1
chunk = next((c for c in svc.chunks(doc_id) if c["chunk_id"] == qp.get("chunk")), None) \
    if qp.get("chunk") else None

st.title(doc["name"])
head, back = st.columns([5, 1])
head.caption(f"{esc(doc['case_id'])} · {t('kind.' + doc['kind'])} · {doc['language']} · {n_pages} p.")
with back:
    case_button(doc["case_id"], key="back-case", label=t("doc.back_case", case=doc["case_id"]))

if n_pages > 1:
    chosen = st.number_input(t("doc.page"), 1, n_pages, value=page, key=f"page-{doc_id}-{page}")
    if chosen != page:
        st.query_params["page"] = str(chosen)
        st.query_params.pop("chunk", None)
        st.rerun()
if chunk and chunk["page"] != page:
    chunk = None
entities = [clean_entity(e) for e in entity_names({"entities": [e for e in doc["analysis"].get("entities", [])
                                                                 if e.get("label") in ("ORG", "GOV", "POST")]})]
query = qp.get("q") or ""  # a search's query, when the page was opened from its results: its words are marked
reading = read_query(query, codebook()) if query else None


def page_html(text: str) -> str:
    """The page text, escaped; the search's words, their concepts' other terms and the entities marked
    as in the search results; the passage marked as the target."""
    spans = highlight_spans(text, query, entities, (), reading=reading) if reading else \
        highlight_spans(text, "", entities)
    target = (chunk["start"], chunk["end"]) if chunk and 0 <= chunk["start"] < chunk["end"] <= len(text) else None
    return mark_spans(text, spans, target=target)


text = svc.page_text(doc_id, page)
st.markdown(legend_html(lang(), ("", "dt-trans", "dt-ent", "dt-target") if reading else ("dt-ent", "dt-target")),
            unsafe_allow_html=True)
image = svc.page_image(doc_id, page) if doc["fmt"] == "pdf" and doc["kind"] != "transcript" else None
if image is not None:
    boxes = []
    if chunk and hasattr(svc, "passage_boxes"):
        boxes = svc.passage_boxes(doc_id, page, chunk["text"])
    left, right = st.columns([1, 1])
    with left:
        st.subheader(t("doc.image"))
        if boxes:
            image = draw_boxes(image, boxes)
        st.image(image, width="stretch")
    with right:
        st.subheader(t("doc.text"))
        if chunk:
            st.caption(t("doc.marked"))
        st.markdown(f"<div class='dt-page'>{page_html(text)}</div>", unsafe_allow_html=True)
else:
    # transcripts and text documents: the whole text, the passage's turn marked and scrolled to
    st.subheader(t("doc.transcript") if doc["kind"] == "transcript" else t("doc.text"))
    if chunk:
        st.caption(t("doc.marked") + (f" — {esc(chunk['speaker'])}" if chunk.get("speaker") else ""))
    st.markdown(f"<div class='dt-page'>{page_html(text)}</div>", unsafe_allow_html=True)
if chunk:
    # scroll the marked passage into view (the script reaches the app from its same-origin frame)
    st.iframe("<script>const el = window.parent.document.getElementById('dt-target');"
              "if (el) { el.scrollIntoView({block: 'center'}); }</script>", height=1)

# notes on this page's passages, and a note on the marked one (ui_pages/desk_ui.py)
from ui_pages.desk_ui import passage_notes  # noqa: E402

passage_notes(doc, page, chunk)
