"""Where a sentence stands in its document, for weighing it as evidence of a responsibility issue.

Reports: the section it is in (the cause analysis, "Indirect causes" / 间接原因 / 事故发生的原因, is strongest;
the accountability section, "Responsibility and handling" / 责任认定及处理建议, restates it per person;
the course of events weaker; rectification measures weakest), and whether it is a section title or a
table row (neither is evidence). Transcripts: whether it is said by an interviewer (a question), by
the interviewee (a statement: weaker evidence than a finding of the report) or is header text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dutytrace.models import Chunk
from dutytrace.nlp.transcript_roles import TranscriptHeader, line_role, looks_like_transcript, read_header

_NUMBERED = re.compile(r"^[ \t]*(?:第[一二三四五六七八九十]+[章部分节][ \t、]*|[一二三四五六七八九十]{1,3}[、.．][ \t]*|"
                       r"(?:\d{1,2}|[IVX]{1,5})\.?(?=[ \t]+[A-Z\u4e00-\u9fff])[ \t]*|(?:Section|Chapter|Part)[ \t]+\d+[.:]?[ \t]*)")
_SUB_NUMBERED = re.compile(r"^[ \t]*(?:\d{1,2}\.\d{1,2}|[（(][一二三四五六七八九十\d]{1,3}[)）])")
_DIRECT = re.compile(r"direct cause|immediate cause|cause of (?:death|the (?:fire|explosion|collapse|fall))|直接原因", re.I)
_SECTIONS = [
    # a heading that names only the direct cause; "Direct and indirect causes" falls to the findings
    ("direct", re.compile(r"^(?:[^a-z\u4e00-\u9fff]*)(?:the )?(?:direct|immediate) causes?\W*$|^(?:事故)?直接原因\W*$", re.I)),
    ("findings", re.compile(r"indirect cause|causes|cause analysis|underlying cause|root cause|contributing|contributory|"
                            r"problems (?:exposed|found|identified)|failings|"
                            r"间接原因|原因|存在的(?:主要)?问题|暴露(?:出)?的问题", re.I)),
    ("accountability", re.compile(r"responsibilit|findings|accountab|handling|责任认定|责任的认定|责任追究|处理建议|处理意见|"
                                  r"有关责任|责任单位|责任人员", re.I)),
    ("direct", _DIRECT),
    ("measures", re.compile(r"measures|recommendations|prevent|lessons|suggestions|防范|整改措施|措施|建议", re.I)),
    ("rescue", re.compile(r"rescue|emergency|应急|救援|处置", re.I)),
    ("facts", re.compile(r"basic (?:facts|information|situation)|general information|course|sequence|background|overview|"
                         r"summary|introduction|casualt|loss|nature|circumstances|基本情况|经过|概况|伤亡|损失|性质|概述", re.I)),
]
_TERMINAL = re.compile(r"[.。!！?？;；]$")


@dataclass(frozen=True)
class Context:
    section: str | None  # findings | accountability | direct | measures | rescue | facts | None
    role: str  # text | title | table | question | answer | header
    speaker: str | None = None


# an unnumbered heading in capitals ("CONTRIBUTING FACTORS", "RECOMMENDATIONS/DISCUSSION", "CAUSE OF DEATH"), as
# FACE, CSB and MSHA reports and many English releases set them
_CAPS_HEADING = re.compile(r"^[ \t]*(?=[^a-z]*[A-Z]{3})[A-Z][A-Z0-9 /&,()'’-]{2,60}:?[ \t]*$")


_FINDINGS_NAMES = r"contributing factors|causal factors|root causes?|underlying causes?"
# a line that opens with the findings and lists them after a colon, in a section of another kind (a FACE summary)
_LEAD_IN = re.compile(rf"^[ \t]*(?:(?:the|key|main|principal) )?(?:{_FINDINGS_NAMES}|findings)\b[^:\n]{{0,80}}:", re.I)
# a line that ends by announcing them ("... identified the following contributing factors:")
_LEAD_IN_END = re.compile(rf"(?:{_FINDINGS_NAMES}|key findings)[^:\n]{{0,40}}:[ \t]*$", re.I)
_BULLET = re.compile(r"^[ \t]*(?:[-•*▪◦–]|\(?[a-z0-9]{1,2}[).])[ \t]+")


def section_of_heading(line: str) -> str | None:
    """The section kind a top-level heading line opens, or None when the line is no such heading."""
    m = _NUMBERED.match(line)
    if (not m or _SUB_NUMBERED.match(line)) and not _CAPS_HEADING.match(line):
        return None
    head = line[m.end():][:70] if m else line.strip()[:70]
    for kind, pat in _SECTIONS:
        if pat.search(head):
            return kind
    return None


def section_of_subheading(line: str) -> str | None:
    """A numbered sub-heading that opens the causes: "（二）间接原因。", "(a) Direct cause", with or
    without text after it on the same line: "direct" or "findings", else None."""
    m = _SUB_NUMBERED.match(line)
    if not m:
        return None
    rest = line[m.end():].strip()
    zh = bool(re.match(r"[\u4e00-\u9fff]", rest))
    head = re.split(r"[。．：:；;，,\s]" if zh else r"[.:;]", rest, maxsplit=1)[0].strip()
    if not head or len(head) > (12 if zh else 30):
        return None
    if _DIRECT.search(head):
        return "direct"
    if re.search(r"indirect cause|underlying cause|root cause|contributing|间接原因|原因分析", head, re.I):
        return "findings"
    return None


def _is_title(line: str) -> bool:
    s = line.strip()
    return ((bool(_NUMBERED.match(s)) and not _SUB_NUMBERED.match(s)) or bool(_CAPS_HEADING.match(s))) \
        and len(s) <= 60 and not _TERMINAL.search(s)


def _is_table_row(line: str) -> bool:
    s = line.strip()
    if not s or _TERMINAL.search(s):
        return False
    cells = re.split(r"\s{2,}|\t|\s\|\s", s)
    if len(cells) >= 3 and all(len(c) <= 30 for c in cells):
        return True
    # pdfplumber flattens table rows into "1 Name 41 Trader Name (porter) Dead": a leading number and no verb
    return bool(re.match(r"^\d{1,3}\s+\S", s)) and len(s) <= 90 and len(re.findall(r"\b\d+\b", s)) >= 2


class DocumentContext:
    """Walks a document's chunks in order and gives, for each line, its Context."""

    def __init__(self, chunks: list[Chunk], kind: str):
        self.kind = kind
        self.transcript = kind == "transcript" or looks_like_transcript("\n".join(c.text for c in chunks[:3]))
        self.header: TranscriptHeader = read_header("\n".join(c.text for c in chunks[:2])) if self.transcript \
            else TranscriptHeader()
        self._section: str | None = None
        self._role = "text"
        self._speaker: str | None = None
        self._chunk_speaker: str | None = None
        self._listing = False  # the lines that follow a lead-in to the findings ("… contributing factors:")

    def lines(self, chunk: Chunk) -> list[tuple[int, int, Context]]:
        """(start, end, context) of each line of the chunk's text, in order."""
        out = []
        pos = 0
        self._chunk_speaker = chunk.speaker
        if self.transcript and chunk.speaker and self._speaker is None:
            self._speaker, self._role = chunk.speaker, "answer"
        for line in chunk.text.split("\n"):
            start, end = pos, pos + len(line)
            pos = end + 1
            if not line.strip():
                continue
            out.append((start, end, self._classify(line)))
        return out

    def _classify(self, line: str) -> Context:
        if self.transcript:
            role, speaker, _ = line_role(line, self.header)
            if role == "header":
                return Context(None, "header")
            if role is not None:
                if role == "answer" and speaker and speaker.lower() in ("a", "answer", "答") and self._chunk_speaker:
                    speaker = self._chunk_speaker  # ingest resolved "A:" to the interviewee
                self._role, self._speaker = role, speaker
            return Context(None, self._role, self._speaker if self._role == "answer" else None)
        kind = section_of_heading(line) or section_of_subheading(line)
        if kind is not None:
            self._section = kind
        elif _CAPS_HEADING.match(line) and not _NUMBERED.match(line):
            self._section = None  # a new section ("INVESTIGATION") of no kind known: the last one has ended
        if _is_title(line):
            return Context(self._section, "title")
        if _is_table_row(line):
            return Context(self._section, "table")
        if _LEAD_IN.match(line):  # "Contributing factors identified in this investigation include: - ..."
            self._listing = True
            return Context("findings", "text")
        if self._listing and _BULLET.match(line):  # the list a lead-in opened
            return Context("findings", "text")
        self._listing = _LEAD_IN_END.search(line) is not None  # "…identified the following contributing factors:"
        return Context(self._section, "text")

