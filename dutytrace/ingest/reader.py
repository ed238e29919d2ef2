"""Turn one file's bytes into a Document: detect the type by content, read its pages, tell its
language and what kind of document it is."""

from __future__ import annotations

import re
from pathlib import Path

from dutytrace.errors import UnreadableDocument, UnsupportedFormat
from dutytrace.ingest import budget, detect, limits
from dutytrace.ingest.office import read_docx
from dutytrace.ingest.pdf import read_pdf
from dutytrace.ingest.text import read_text
from dutytrace.ingest.transcript import find_turns, is_question
from dutytrace.lang import detect_language
from dutytrace.script import to_simplified
from dutytrace.models import Document, Page
from dutytrace.identity import document_id

_DECISION = re.compile(r"处分决定|处理决定|问责决定|处罚决定|处分的决定|处理的决定|问责的决定|纪律检查委员会|监察委员会|党纪|"
                       r"政务处分|disciplinary|decision on|decision of the|penalty decision|accountability decision|"
                       r"notice of sanction|commission for discipline inspection|supervision commission|"
                       r"accountability of officials", re.I)
# a decision said in other words: 给予某某…处分 (关于给予…处分的通知), 处罚决定书, a notice on the handling of an
# accident or on accountability; read after the report's title, so a report that mentions them stays a report
_DECISION_WORDS = re.compile(r"给予.{0,40}处分|处罚决定|处分通知|处理意见的通知|问责情况|追责问责|"
                             r"on the (?:investigation and )?handling of|on (?:the )?accountability|sanction(?:s|ed)? (?:on|against)|"
                             r"disciplinary (?:decision|sanction|action)", re.I)
_REPORT = re.compile(r"调查报告|事故报告|情况报告|investigation report|report on the|accident report|preliminary report|"
                     r"FACE report|report of investigation|investigation summary|fatality (?:investigation )?report|"
                     r"final report|investigation findings", re.I)
# a file its owner named a report ("report.pdf", "face-report.txt", "调查报告.docx")
_REPORT_NAME = re.compile(r"(?:^|[-_ .])report(?:$|[-_ .])|报告", re.I)
_TRANSCRIPT = re.compile(r"询问笔录|谈话笔录|笔录|record of interview|interview record|transcript|interview notes", re.I)


def read_document(data: bytes, path: str, case_id: str, name: str, time_limit: float | None = None) -> Document:
    """time_limit: the seconds parsing may take (None: limits.PARSE_SECONDS; 0: no limit); a file over
    it raises ParseTimeout (an UnreadableDocument). OCR is not counted: it has its own per-page limit."""
    seconds = limits.PARSE_SECONDS if time_limit is None else time_limit
    if seconds > 0 and not limits.can_interrupt():  # a UI thread: parse where the limit can stop it
        return limits.run_isolated(read_document, (data, path, case_id, name, seconds), path)
    with limits.time_limit(seconds, path):
        try:
            return _read(data, path, case_id, name)
        except MemoryError:
            raise UnreadableDocument(path, "too large to parse within the memory limit (a decompression "
                                           "bomb?); refused") from None


def _read(data: bytes, path: str, case_id: str, name: str) -> Document:
    if not data:
        raise UnreadableDocument(path, "empty file (0 bytes)")
    kind = detect.sniff(data, name)
    meta: dict = {}
    if kind == detect.PDF:
        pages = read_pdf(data, path)
    elif kind == detect.DOCX:
        pages = read_docx(data, path)
    elif kind == detect.TEXT:
        pages, meta["encoding"] = read_text(data, path)
    elif kind in (detect.ZIP, detect.TAR, detect.GZIP):
        raise UnsupportedFormat(path, f"{kind} archive where a document was expected")
    elif data[:4] == b"PK\x03\x04":
        raise UnreadableDocument(path, "corrupt zip container (a truncated or damaged DOCX or zip archive)")
    else:
        raise UnsupportedFormat(path, f"unsupported file type (not PDF, DOCX or text; starts with {data[:8]!r})")
    text = "\n".join(p.text for p in pages)
    budget.check_chars(len(text), path)
    if len(text.strip()) < 2:
        raise UnreadableDocument(path, "no text in document")
    return Document(doc_id=document_id(case_id, data), case_id=case_id, path=path, name=name,
                    kind=classify(pages, name), language=detect_language(text), pages=tuple(pages),
                    fmt=kind, meta=meta)


def classify(pages: list[Page], name: str) -> str:
    # 調查報告 is a report too; a title wrapped over two lines ("Commission for Discipline\nInspection") is one
    head = re.sub(r"[ \t]*\n[ \t]*", " ", to_simplified(name + "\n" + pages[0].text[:400]))
    head = re.sub(r"(?<=[\u4e00-\u9fff])[ \t\u3000]+(?=[\u4e00-\u9fff])", "", head)  # 处 分 决 定 spaced out
    turns, _ = find_turns(pages)
    if _TRANSCRIPT.search(head) or (len(turns) >= 6 and any(is_question(t.speaker) for t in turns)):
        return "transcript"
    if _DECISION.search(head):
        return "decision"
    if _REPORT.search(head) or _REPORT_NAME.search(Path(name).stem):
        return "report"
    if _DECISION_WORDS.search(head):
        return "decision"
    return "report" if len(pages) >= 3 else "other"
