"""Loaders, type detection, encodings, transcripts and the chunker, on real files made here."""

from __future__ import annotations

import io
import zipfile

import pytest

from dutytrace.errors import UnreadableDocument, UnsupportedFormat
from dutytrace.ingest.chunk import chunk_document
from dutytrace.ingest.reader import read_document
from dutytrace.ingest.sources import Source, SourceError, iter_sources
from dutytrace.ingest.text import decode
from dutytrace.lang import detect_language, split_sentences
from tests.conftest import CASE_A_REPORT, CASE_B_REPORT, CASE_C_REPORT, TRANSCRIPT_A, TRANSCRIPT_C, make_docx, make_pdf


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gbk", "gb18030"])
def test_chinese_text_in_every_common_encoding(encoding):
    text, _ = decode(TRANSCRIPT_C.encode(encoding), "x.txt")
    assert text.lstrip("\ufeff") == TRANSCRIPT_C


def test_pdf_pages_and_language(tmp_path):
    data = make_pdf(tmp_path / "r.pdf", CASE_C_REPORT).read_bytes()
    doc = read_document(data, "r.pdf", "c", "r.pdf")
    assert doc.fmt == "pdf" and len(doc.pages) == 2 and doc.language == "zh" and doc.kind == "report"
    assert "超层越界开采" in doc.pages[1].text  # CJK lines rejoined: no word broken by a line end


def test_docx_and_kind_detection_by_content(tmp_path):
    data = make_docx(tmp_path / "d.docx", ["Decision on Disciplinary Sanctions", "Li Wei is given a warning."]).read_bytes()
    doc = read_document(data, "renamed.pdf", "c", "renamed.pdf")  # the name lies; the content decides
    assert doc.fmt == "docx" and doc.kind == "decision" and doc.language == "en"


def test_transcript_turns_and_speakers():
    doc = read_document(TRANSCRIPT_A.encode("utf-16"), "t.txt", "c", "t.txt")
    assert doc.kind == "transcript"
    chunks = chunk_document(doc, 900)
    assert {c.speaker for c in chunks} == {"Zhao Ming"}
    assert any("gas detector was broken" in c.text for c in chunks)
    zh = read_document(TRANSCRIPT_C.encode("gbk"), "笔录.txt", "c", "笔录.txt")
    assert zh.kind == "transcript" and zh.language == "zh"
    assert {c.speaker for c in chunk_document(zh, 300)} == {"刘某某"}


def test_chunks_keep_exact_offsets(tmp_path):
    data = make_pdf(tmp_path / "r.pdf", CASE_A_REPORT + CASE_B_REPORT).read_bytes()
    doc = read_document(data, "r.pdf", "c", "r.pdf")
    chunks = chunk_document(doc, 300)
    assert len(chunks) >= 6 and {c.page for c in chunks} == {1, 2, 3, 4} and len({c.chunk_id for c in chunks}) == len(chunks)
    pages = {p.number: p.text for p in doc.pages}
    for c in chunks:
        assert c.text == pages[c.page][c.start:c.end].strip()
        assert len(c.text) <= 300
    assert chunk_document(doc, 300) == chunks  # deterministic ids and boundaries


def test_sentence_splitter_both_languages():
    en = "Mr. Li opened valve No. 3 at 10:20. The gas escaped! Was it tested? No."
    assert [en[s:e] for s, e in split_sentences(en)] == [
        "Mr. Li opened valve No. 3 at 10:20.", "The gas escaped!", "Was it tested?", "No."]
    zh = "矿长隐瞒事故。瓦斯检查员脱岗；县应急管理局监督检查不到位！"
    assert len(split_sentences(zh)) == 3
    assert detect_language(zh) == "zh" and detect_language(en) == "en"


@pytest.mark.parametrize("data,reason", [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (b"\x7fELF\x02\x01\x01" + bytes(300), "unsupported"),
    (b"%PDF-1.4\nnot really a pdf", "corrupt PDF"),
])
def test_bad_files_raise_clear_errors(data, reason):
    with pytest.raises(UnreadableDocument) as e:
        read_document(data, "case/file.bin", "case", "file.bin")
    assert reason in str(e.value) and "case/file.bin" in str(e.value)


def test_encrypted_pdf_is_named(tmp_path):
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    path = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    c.drawString(50, 800, "Confidential investigation notes")
    c.save()
    with pytest.raises(UnreadableDocument) as e:
        read_document(path.read_bytes(), str(path), "c", "locked.pdf")
    assert "encrypted" in str(e.value)


def test_zip_archive_cases_and_unsafe_paths(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("case-1/report.txt", "An investigation report about a fire.")
        zf.writestr("case-1/case.yaml", "title: Fire case")
        zf.writestr("case-2/notes.txt", "Notes on a collapse.")
        zf.writestr("../evil.txt", "escape attempt")
    (tmp_path / "archive.zip").write_bytes(buf.getvalue())
    items = list(iter_sources([tmp_path / "archive.zip"]))
    sources = [i for i in items if isinstance(i, Source)]
    assert {(s.case_id, s.name) for s in sources} == {("case-1", "report.txt"), ("case-2", "notes.txt")}
    assert ("meta", "case-1", b"title: Fire case") in items
    errors = [i for i in items if isinstance(i, SourceError)]
    assert len(errors) == 1 and "unsafe path" in errors[0].error


def test_unsupported_archive_as_document():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.txt", "x")
    with pytest.raises(UnsupportedFormat):
        read_document(buf.getvalue(), "a.zip", "c", "a.zip")


def test_chinese_pdf_transcript_keeps_its_turns(tmp_path):
    """Wrapped Chinese lines are rejoined, but never across a speaker label."""
    long_answer = "答：" + "我们当时没有检测气体，也没有通风，班长说抓紧时间干完就走，" * 3
    text = "询问笔录\n被询问人：刘某某\n问：事故当天有没有检测？\n" + long_answer + "\n问：谁安排的？\n答：班长安排的。"
    data = make_pdf(tmp_path / "t.pdf", [text]).read_bytes()
    doc = read_document(data, "t.pdf", "c", "t.pdf")
    assert doc.kind == "transcript"
    assert "抓紧时间干完就走，我们当时" in doc.pages[0].text  # wrapped lines joined without a space
    chunks = chunk_document(doc, 300)
    assert {c.speaker for c in chunks} == {"刘某某"}
    assert all(c.text.startswith("问：") for c in chunks)


def test_archive_refusals_are_reported_as_bombs():
    """The ingest report's reason code for each archive refusal the limits raise: a clerk filtering the
    report for archive bombs finds them all (the entry-count refusals were 'other')."""
    from dutytrace.ingest import limits
    from dutytrace.ingest.report import reason_of

    messages = []
    for act in (lambda b: b.check_declared([1] * 3), lambda b: b.check_declared([10 ** 6]),
                lambda b: [b.charge(1) for _ in range(3)], lambda b: b.charge(10 ** 6)):
        budget = limits.ArchiveBudget()
        budget.max_entries, budget.max_bytes = 2, 1000
        with pytest.raises(limits.ArchiveRefused) as e:
            act(budget)
        messages.append(str(e.value))
    messages.append("entry too large: compression ratio too high (a zip bomb?)")
    assert [reason_of(m) for m in messages] == ["bomb"] * 5
    assert reason_of("file too large (3 GiB; the limit is 1 GiB)") == "too_large"
