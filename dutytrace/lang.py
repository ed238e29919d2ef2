"""Language detection and sentence splitting shared by ingest and nlp (no heavy imports)."""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> str:
    """'zh' when Chinese characters dominate, else 'en'. Counts characters, not bytes: one Chinese
    character carries about as much as a short English word, hence the weighting."""
    sample = text[:20000]
    cjk = len(_CJK.findall(sample))
    latin_words = len(re.findall(r"[A-Za-z]{2,}", sample))
    if cjk == 0:
        return "en"
    return "zh" if cjk >= latin_words * 1.5 else "en"


# Sentence ends: Chinese full stops and marks end a sentence anywhere; Latin ones when followed by
# whitespace. Abbreviations such as "No. 3" or "Mr. Li" are protected.
_ABBREV = re.compile(r"\b(?:No|Mr|Mrs|Ms|Dr|Art|Arts|para|Co|Ltd|Inc|St|vs|e\.g|i\.e|approx|Fig)\.$", re.I)
_SPLIT = re.compile(r"(?<=[。！？；!?])|(?<=\.)\s+|(?<=[。！？][”’\"])|\n{2,}")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return (start, end) spans of sentences in text, covering all non-blank text."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SPLIT.finditer(text):
        end = m.start()
        if end <= start:
            continue
        piece = text[start:end]
        if piece.endswith(".") and _ABBREV.search(piece):
            continue
        spans.append((start, end))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out
