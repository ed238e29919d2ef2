"""Interview transcripts: recognise speaker turns (`Q:`/`A:`, `问：`/`答：`, `Name:`) and the interviewee.

A line-initial label followed by a colon is a speaker when the same label opens two or more lines;
header fields such as `Time:` or `地点：` occur once and stay header text."""

from __future__ import annotations

import re
from collections import Counter

from dutytrace.models import Page, Turn
from dutytrace.script import to_simplified

_LABEL = re.compile(r"^[ \t]*([^\s:：][^:：\n]{0,24}?)[ \t]*[:：][ \t]*(?=\S)", re.M)
_INTERVIEWEE = re.compile(
    r"^[ \t]*(?:interviewee|person (?:interviewed|questioned)|questioned person|witness|name|被询问人|被询问人姓名|被讯问人|被谈话人|谈话对象|姓名)[ \t]*[:：][ \t]*([^\n,，;；(（]{1,40})",
    re.I | re.M)
_QUESTION_LABELS = {"q", "问", "question", "investigator", "interviewer", "询问人"}
_ANSWER_LABELS = {"a", "答", "answer"}
_NOT_SPEAKERS = {"time", "date", "place", "location", "时间", "地点", "note", "注", "page", "第", "http", "https"}


def find_turns(pages: list[Page]) -> tuple[list[Turn], str | None]:
    """Return the speaker turns of a transcript and the interviewee's name (when the header gives one),
    or ([], None) when the text is not a transcript."""
    # labels are read in simplified script (問/答 are 问/答; dutytrace/script.py keeps offsets), so a
    # transcript typed in traditional characters has the same speakers as one in simplified
    simple = [to_simplified(p.text) for p in pages]
    counts: Counter[str] = Counter()
    for text in simple:
        for m in _LABEL.finditer(text):
            label = m.group(1).strip()
            if _plausible(label):
                counts[label] += 1
    speakers = {lab for lab, n in counts.items() if n >= 2}
    if sum(counts[s] for s in speakers) < 4:
        return [], None
    interviewee = None
    for p in pages[:1]:
        named = _INTERVIEWEE.search(to_simplified(p.text))
        if named:
            interviewee = p.text[named.start(1):named.end(1)].strip()
    turns: list[Turn] = []
    current: str | None = None
    for p, text in zip(pages, simple):
        marks = [(m.start(), m.end(), m.group(1).strip()) for m in _LABEL.finditer(text)
                 if m.group(1).strip() in speakers]
        if marks and marks[0][0] > 0 and current:
            # text before the first label continues the previous page's turn
            _add(turns, current, p, 0, 0, marks[0][0])
        for i, (s, body, label) in enumerate(marks):
            end = marks[i + 1][0] if i + 1 < len(marks) else len(p.text)
            _add(turns, label, p, s, body, end)
            current = label
        if not marks and current:
            _add(turns, current, p, 0, 0, len(p.text))
    return turns, interviewee


def speaker_labels(pages: list[Page]) -> set[str]:
    """The labels that open speaker turns in these pages: Q/A labels in any language (问/答), and any
    other plausible label that opens two or more lines ("Zhao Ming:")."""
    counts: Counter[str] = Counter()
    for p in pages:
        for m in _LABEL.finditer(p.text):
            label = m.group(1).strip()
            if _plausible(label):
                counts[label] += 1
    return {lab for lab, n in counts.items() if n >= 2 or lab.lower() in _QUESTION_LABELS | _ANSWER_LABELS}


def turn_label(line: str) -> str | None:
    """The label a line opens with ("A" for "A: Yes."), or None."""
    m = _LABEL.match(line)
    return m.group(1).strip() if m else None


def _add(turns: list[Turn], label: str, page: Page, start: int, body: int, end: int) -> None:
    text = page.text[body:end].strip()
    if text:
        turns.append(Turn(label, text, page.number, start, end))


def _plausible(label: str) -> bool:
    low = label.lower()
    if low in _NOT_SPEAKERS or any(ch.isdigit() for ch in label):
        return False
    if low in _QUESTION_LABELS or low in _ANSWER_LABELS:
        return True
    words = label.split()
    return 1 <= len(words) <= 4 and len(label) <= 24 and not label.endswith((".", "。"))


def speaker_name(label: str, interviewee: str | None) -> str:
    """Resolve the answer label of a Q/A transcript to the interviewee's name."""
    if interviewee and label.lower() in _ANSWER_LABELS:
        return interviewee
    return label


def is_question(label: str) -> bool:
    return label.lower() in _QUESTION_LABELS or label.lower().startswith(("investigator", "调查组", "询问"))
