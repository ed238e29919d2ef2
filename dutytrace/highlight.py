"""Where in a passage its responsibility cues are, so the UI and exports can mark them; and how a query
was read (the codebook concepts it names and their terms in the other language), so that a passage in
the other language can mark the words it was found by."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from dutytrace.nlp.codebook import Codebook, load_codebook

_LETTER = re.compile(r"[A-Za-z0-9]")


def _word_edges(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen an English match to whole words: a cue written for a stem ("primary responsibilit",
    "bureaucrat") underlines "responsibility", "bureaucratic" to their ends, never half a word."""
    if start < end and _LETTER.match(text[end - 1]):
        while end < len(text) and _LETTER.match(text[end]):
            end += 1
    if start < end and _LETTER.match(text[start]):
        while start > 0 and _LETTER.match(text[start - 1]):
            start -= 1
    return start, end


def cue_spans(text: str, tags: list[str], codebook: Codebook) -> list[dict]:
    """Non-overlapping spans [{start, end, tag}] of the cue patterns of the given tags, in order; English
    spans end (and start) on word boundaries; trailing spaces and punctuation are not underlined."""
    spans = []
    for tag in tags:
        entry = codebook.get("tags", tag)
        if entry is None:
            continue
        for pats in entry.cues.values():
            for p in pats:
                for m in p.finditer(text):
                    start, end = m.start(), m.end()
                    while end > start and not text[end - 1].strip():
                        end -= 1
                    start, end = _word_edges(text, start, end)
                    if end > start:
                        spans.append((start, end, tag))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0]), s[2]))  # ties by tag id: the same marks every time
    out, last = [], -1
    for start, end, tag in spans:
        if start >= last:
            out.append({"start": start, "end": end, "tag": tag})
            last = end
    return out


@dataclass
class QueryReading:
    """What a query was read as: the concepts it names (id, name in each language), the terms it stands
    for in the other language (`translated`) and its own language's other terms (`synonyms`)."""

    language: str
    concepts: list[dict] = field(default_factory=list)  # [{"id", "name": {"en", "zh"}, "terms": {"en": [...], "zh": [...]}}]
    translated: list[str] = field(default_factory=list)
    synonyms: list[str] = field(default_factory=list)

    def marks(self) -> list[str]:
        """The words to mark as the query's in a passage, beside the query's own words."""
        return list(dict.fromkeys(self.translated + self.synonyms))


def env_codebook() -> Codebook:
    """The codebook the service uses (DUTYTRACE_CODEBOOK merged over the built-in one)."""
    path = os.environ.get("DUTYTRACE_CODEBOOK")
    return load_codebook(Path(path) if path else None)


def read_query(query: str, codebook: Codebook | None = None) -> QueryReading:
    """The concepts a query names and their terms in both languages (query.understand reads the same
    concepts to carry a query across languages). Ambiguous "~" terms are left out of the marks: they
    name a concept only in company."""
    from dutytrace.query import understand
    from dutytrace.reasons import concept_name
    from dutytrace.nlp.codebook import term_pattern

    cb = codebook or env_codebook()
    intent = understand(query, cb)
    other = "en" if intent.language == "zh" else "zh"
    reading = QueryReading(intent.language)
    low = query.lower()
    for cid in intent.concepts:
        e = cb.get("concepts", cid)
        if e is None:
            continue
        plain = {}
        for lg in ("en", "zh"):
            strong = {p.pattern for p in e.cues.get(lg, ())}
            plain[lg] = [t for t in e.terms.get(lg, ()) if term_pattern(t, lg).pattern in strong]
        reading.concepts.append({"id": cid, "name": {"en": concept_name(e, "en"), "zh": concept_name(e, "zh")},
                                 "terms": plain})
        reading.translated += [t for t in plain[other] if t not in reading.translated]
        reading.synonyms += [t for t in plain[intent.language] if t.lower() not in low and t not in reading.synonyms]
    return reading
