"""Property-based fuzzing (hypothesis) of the loaders, the transcript parser and the chunker: whatever
the bytes, read_document returns a Document or raises UnreadableDocument (with the file named), never
hangs (a hypothesis deadline on top of the parse time limit), and chunks always lie within their page
text at their stated offsets. Derandomized: CI runs the same examples every time."""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dutytrace.errors import UnreadableDocument
from dutytrace.ingest.chunk import chunk_document
from dutytrace.ingest.reader import read_document
from dutytrace.ingest.transcript import find_turns
from dutytrace.models import Document, Page
from tests.conftest import CASE_A_REPORT, CASE_C_REPORT, TRANSCRIPT_A, TRANSCRIPT_C, make_docx, make_pdf

FUZZ = settings(max_examples=150, derandomize=True, deadline=timedelta(seconds=20), database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@lru_cache(maxsize=1)
def seeds() -> dict[str, bytes]:
    """Real files to mutate: a two-page English PDF, a Chinese PDF, a DOCX, GBK and UTF-16 transcripts."""
    d = Path(tempfile.mkdtemp(prefix="dutytrace-fuzz-"))
    return {"en.pdf": make_pdf(d / "en.pdf", CASE_A_REPORT).read_bytes(),
            "zh.pdf": make_pdf(d / "zh.pdf", CASE_C_REPORT).read_bytes(),
            "d.docx": make_docx(d / "d.docx", CASE_A_REPORT + ["Q: who?\nA: me."]).read_bytes(),
            "t.txt": TRANSCRIPT_C.encode("gbk"), "u.txt": TRANSCRIPT_A.encode("utf-16")}


def check_document(data: bytes, name: str) -> None:
    try:
        doc = read_document(data, f"fuzz/{name}", "fuzz", name, time_limit=10)
    except UnreadableDocument as e:
        assert e.path == f"fuzz/{name}" and e.reason
        return
    assert doc.pages and all(isinstance(p.text, str) for p in doc.pages)
    check_chunks(doc, 300)


def check_chunks(doc: Document, max_chars: int) -> None:
    pages = {p.number: p.text for p in doc.pages}
    for i, c in enumerate(chunk_document(doc, max_chars)):
        assert c.seq == i and c.page in pages
        text = pages[c.page]
        assert 0 <= c.start <= c.end <= len(text)
        assert c.text == text[c.start:c.end].strip()
        assert c.text, c  # no empty passages (they would be embedded and indexed)


# -- mutations of real files ------------------------------------------------------------------------------
@st.composite
def mutated(draw) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(seeds())))
    data = bytearray(seeds()[name])
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "splice", "zero"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif op == "cut":
            del data[at:at + draw(st.integers(1, 4096))]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif op == "splice":  # a piece of another real file
            other = seeds()[draw(st.sampled_from(sorted(seeds())))]
            s = draw(st.integers(0, len(other) - 1))
            data[at:at] = other[s:s + draw(st.integers(1, 2048))]
        elif op == "zero":
            data[at:at + 512] = bytes(len(data[at:at + 512]))
    return name, bytes(data)


@FUZZ
@given(mutated())
def test_mutated_real_files_read_or_fail_cleanly(case):
    name, data = case
    check_document(data, name)


@FUZZ
@given(st.binary(max_size=4096), st.sampled_from(["x.pdf", "x.docx", "x.txt", "x"]))
def test_random_bytes_read_or_fail_cleanly(data, name):
    check_document(data, name)


@FUZZ
@given(st.sampled_from([b"%PDF-1.4\n", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe", b"\x1f\x8b", b""]),
       st.binary(max_size=2048))
def test_magic_numbers_followed_by_junk(magic, tail):
    check_document(magic + tail, "magic.bin")


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(["word/document.xml", "[Content_Types].xml", "_rels/.rels",
                                           "word/_rels/document.xml.rels", "other.txt"]),
                          st.binary(max_size=300)), min_size=1, max_size=5, unique_by=lambda part: part[0]))
def test_zip_packages_that_look_like_docx(parts):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in parts:
            zf.writestr(name, data)
    check_document(buf.getvalue(), "pkg.docx")


# -- text, transcripts and the chunker ----------------------------------------------------------------
LINES = st.one_of(
    st.text(max_size=120),
    st.sampled_from(["问：你当时在哪里？", "答：我在井下。", "Q: Did you test the air?", "A: No.", "张某某：不知道。",
                     "Interviewee: Zhao Ming", "被询问人：刘某某", "一、事故经过", "1. Basic facts", "时间：2018年",
                     "", "   ", "\t", "Section 3: Causes", "（二）原因"]),
    st.text(alphabet="问答QA：:。. \n\t张某abc", max_size=60),
)
PAGE_TEXT = st.lists(LINES, max_size=30).map("\n".join)


@FUZZ
@given(st.lists(PAGE_TEXT, min_size=1, max_size=4), st.sampled_from(["report", "transcript", "other"]),
       st.sampled_from(["en", "zh"]), st.integers(5, 900))
def test_chunks_stay_within_their_page_text(texts, kind, lang, max_chars):
    doc = Document("d" * 64, "c", "c/x.txt", "x.txt", kind, lang,
                   tuple(Page(i, t) for i, t in enumerate(texts, start=1)), "txt")
    check_chunks(doc, max_chars)


@FUZZ
@given(st.lists(PAGE_TEXT, min_size=1, max_size=4))
def test_transcript_turns_point_into_their_page(texts):
    pages = [Page(i, t) for i, t in enumerate(texts, start=1)]
    turns, interviewee = find_turns(pages)
    by_number = {p.number: p.text for p in pages}
    for t in turns:
        assert t.page in by_number and 0 <= t.start <= t.end <= len(by_number[t.page])
        assert t.text and t.text in by_number[t.page][t.start:t.end]
    assert interviewee is None or interviewee.strip() == interviewee


@FUZZ
@given(PAGE_TEXT, st.sampled_from(["utf-8", "utf-16", "gb18030", "utf-8-sig"]))
def test_text_files_in_any_encoding(text, encoding):
    check_document(text.encode(encoding), "t.txt")
