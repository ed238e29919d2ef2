"""The PDF reader's lean character objects (ingest/pdf.py `_lean_chars`) are pdfplumber's own, key for key,
and so is the text: on real PDFs of both languages and on one whose MediaBox does not start at the origin."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pytest

from dutytrace.ingest.pdf import _lean_chars, read_pdf

ROOT = Path(__file__).resolve().parent.parent
REAL = [ROOT / "corpus" / "archive" / "en16" / "report.pdf", ROOT / "corpus" / "archive" / "zh07" / "report.pdf",
        ROOT / "corpus" / "archive" / "en16" / "interview-ding-yong.pdf", ROOT / "corpus" / "new_cases" / "nc2.pdf"]


def _shifted_pdf() -> bytes:
    """A two-page PDF (English, and Chinese in a CID font) whose MediaBox starts at (9, 7), not the origin."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("Helvetica", 11)
    c.drawString(72, 760, "The scaffold collapsed at 10:40; two workers fell from height.")
    c.rect(70, 700, 200, 40)  # a rectangle: not a character, still pdfplumber's own object
    c.showPage()
    c.setFont("STSong-Light", 12)
    c.drawString(72, 760, "某建筑公司未落实安全生产主体责任，事故造成2人死亡。")
    c.showPage()
    c.save()
    data = buf.getvalue()
    box = b"0 0 595.2756 841.8898"
    assert box in data
    return data.replace(box, b"9 7 595.2756 841.8898")


def _cases():
    return [pytest.param(p.read_bytes(), id=p.parent.name + "/" + p.name) for p in REAL if p.exists()] + \
        [pytest.param(_shifted_pdf(), id="shifted-mediabox")]


@pytest.mark.parametrize("data", _cases())
def test_lean_characters_are_pdfplumbers(data):
    with pdfplumber.open(io.BytesIO(data)) as plain, pdfplumber.open(io.BytesIO(data)) as lean:
        assert len(plain.pages) == len(lean.pages) >= 1
        for a, b in zip(plain.pages, lean.pages):
            _lean_chars(b)
            assert b.process_object is not a.process_object  # the lean path is in use
            assert a.chars, "a page without characters proves nothing"
            assert b.objects.keys() == a.objects.keys()
            for kind in a.objects:
                assert b.objects[kind] == a.objects[kind], kind
            for x, y in zip(a.chars, b.chars):
                assert list(x) == list(y)  # the same keys in the same order
                assert {k: type(v) for k, v in x.items()} == {k: type(v) for k, v in y.items()}
            assert b.extract_text(layout=False) == a.extract_text(layout=False)


def test_shifted_mediabox_moves_characters():
    """The branch for a MediaBox off the origin is taken: pdfminer measures from the box's corner (x 63)
    and the character is moved back to the page's own coordinates (x 72), as pdfplumber does."""
    with pdfplumber.open(io.BytesIO(_shifted_pdf())) as pdf:
        page = pdf.pages[0]
        assert page.mediabox[0] == 9
        _lean_chars(page)
        assert min(c["x0"] for c in page.chars) == pytest.approx(72)


@pytest.mark.parametrize("data", _cases())
def test_read_pdf_text_unchanged(data, monkeypatch):
    """The pages read_pdf gives are the same with pdfplumber's own character objects."""
    lean = read_pdf(data, "x.pdf")
    import dutytrace.ingest.pdf as pdf_mod

    monkeypatch.setattr(pdf_mod, "_lean_chars", lambda page: None)
    assert read_pdf(data, "x.pdf") == lean
    assert any(p.text.strip() for p in lean)
