"""Split Documents into sentence-aware Chunks that keep their provenance (page, character offsets,
section heading, speaker). Chunks never cross a page, so every passage cites one page."""

from __future__ import annotations

import hashlib
import re
import uuid

from dutytrace.ingest.transcript import find_turns, is_question, speaker_name
from dutytrace.lang import split_sentences
from dutytrace.models import Chunk, Document, Page

_HEADING = re.compile(
    r"^[ \t]*(?:(?:\d{1,2}(?:\.\d{1,2})*\.?|[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十\d]{1,3}[)）]|"
    r"(?:Section|Chapter|Part)\s+\d+[.:]?)[ \t]*[^\n]{2,60})$", re.M)


def chunk_id(doc_id: str, seq: int) -> str:
    return str(uuid.UUID(bytes=hashlib.sha256(f"{doc_id}:{seq}".encode()).digest()[:16]))


def chunk_document(doc: Document, max_chars: int) -> list[Chunk]:
    turns, interviewee = find_turns(list(doc.pages))
    if turns and doc.kind == "transcript":
        return _chunk_transcript(doc, turns, interviewee, max_chars)
    return _chunk_prose(doc, max_chars)


def _chunk_prose(doc: Document, max_chars: int) -> list[Chunk]:
    out: list[Chunk] = []
    section: str | None = None
    for page in doc.pages:
        headings = [(m.start(), m.group(0).strip()) for m in _HEADING.finditer(page.text)]
        spans = split_sentences(page.text)
        group: list[tuple[int, int]] = []
        for s, e in spans + [(-1, -1)]:
            size = (group[-1][1] - group[0][0]) if group else 0
            if group and (s < 0 or size + (e - s) > max_chars):
                start, end = group[0][0], group[-1][1]
                sec = _section_at(headings, start) or section
                out.append(_make(doc, len(out), page, start, end, section=sec))
                section = _section_at(headings, end) or sec
                group = []
            if s >= 0:
                if e - s > max_chars:  # one overlong "sentence" (tables, lists): hard-split it
                    for k in range(s, e, max_chars):
                        out.append(_make(doc, len(out), page, k, min(e, k + max_chars),
                                         section=_section_at(headings, k) or section))
                    continue
                group.append((s, e))
    return out


def _section_at(headings: list[tuple[int, str]], pos: int) -> str | None:
    best = None
    for start, text in headings:
        if start <= pos:
            best = text
    return best


def _chunk_transcript(doc: Document, turns, interviewee, max_chars: int) -> list[Chunk]:
    pages = {p.number: p for p in doc.pages}
    out: list[Chunk] = []
    group: list = []

    def flush():
        if not group:
            return
        speakers = [t.speaker for t in group if not is_question(t.speaker)] or [group[-1].speaker]
        out.append(_make(doc, len(out), pages[group[0].page], group[0].start, group[-1].end,
                         speaker=speaker_name(speakers[0], interviewee)))
        group.clear()

    for t in turns:
        size = (group[-1].end - group[0].start) if group else 0
        starts_exchange = is_question(t.speaker) and group and not is_question(group[-1].speaker)
        if group and (t.page != group[0].page or size + (t.end - t.start) > max_chars or starts_exchange):
            flush()
        if t.end - t.start > max_chars:  # a long answer: split at sentences
            flush()
            page = pages[t.page]
            for s, e in _pack(split_sentences(page.text[t.start:t.end]), max_chars):
                out.append(_make(doc, len(out), page, t.start + s, t.start + e,
                                 speaker=speaker_name(t.speaker, interviewee)))
            continue
        group.append(t)
    flush()
    return out


def _pack(spans: list[tuple[int, int]], max_chars: int) -> list[tuple[int, int]]:
    packed: list[tuple[int, int]] = []
    for s, e in spans:
        if packed and e - packed[-1][0] <= max_chars:
            packed[-1] = (packed[-1][0], e)
        else:
            packed.append((s, e))
    return packed


def _make(doc: Document, seq: int, page: Page, start: int, end: int, speaker=None, section=None) -> Chunk:
    return Chunk(chunk_id=chunk_id(doc.doc_id, seq), doc_id=doc.doc_id, case_id=doc.case_id, seq=seq,
                 page=page.number, start=start, end=end, text=page.text[start:end].strip(),
                 speaker=speaker, section=section, ocr=page.ocr)
