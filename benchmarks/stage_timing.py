"""Time spent in each stage of `dutytrace.indexing.prepare()`, shared by the measuring scripts: the
stage functions are wrapped in place and their time accumulates in TIMES."""

from __future__ import annotations

import time
from collections import defaultdict

import dutytrace.indexing as indexing
import dutytrace.nlp.analyze as analyze_mod

TIMES: dict[str, float] = defaultdict(float)


def timed(name: str, fn):
    def wrapper(*a, **kw):
        t = time.perf_counter()
        try:
            return fn(*a, **kw)
        finally:
            TIMES[name] += time.perf_counter() - t
    return wrapper


def instrument() -> None:
    indexing.read_document = timed("parse", indexing.read_document)
    indexing.chunk_document = timed("chunk", indexing.chunk_document)
    analyze_mod.parse_chunks = timed("spacy pipeline (NER, lemmas, cues)", analyze_mod.parse_chunks)
    analyze_mod.tag_chunks = timed("tagging (weights, similarity)", analyze_mod.tag_chunks)
    analyze_mod.extract_entities = timed("entities", analyze_mod.extract_entities)
    analyze_mod.document_facts = timed("facts", analyze_mod.document_facts)
    analyze_mod.extract_accountability = timed("accountability", analyze_mod.extract_accountability)
