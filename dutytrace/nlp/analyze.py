"""One call that runs all of NLP on a document's chunks."""

from __future__ import annotations

from dutytrace.models import Analysis, Chunk, Document
from dutytrace.nlp.accountability import extract_accountability
from dutytrace.nlp.codebook import Codebook
from dutytrace.nlp.entities import extract_entities
from dutytrace.nlp.facts import extract_facts
from dutytrace.nlp.pipeline import get_nlp
from dutytrace.nlp.responsibility import tag_chunks


def analyze(doc: Document, chunks: list[Chunk], codebook: Codebook, en_model: str) -> Analysis:
    lang = doc.language
    nlp = get_nlp("en", en_model) if lang == "en" else None
    tags, chunk_tags = tag_chunks(chunks, lang, codebook)
    facts = extract_facts(doc.text, lang, codebook) if doc.kind in ("report", "other", "decision") else {}
    return Analysis(
        language=lang,
        kind=doc.kind,
        entities=extract_entities(chunks, lang, nlp),
        tags=tags,
        facts=facts,
        accountability=extract_accountability(chunks, lang, codebook) if doc.kind != "transcript" else [],
        chunk_tags=chunk_tags,
    )
