"""PDF pages: the text layer through pdfplumber's `extract_text` (the reader of record), each page's
characters made by a lean twin of pdfplumber's `Page.process_object` (`_lean_chars`): the same dict per
character, without its generic attribute walk, which was half the time of reading a PDF."""

from __future__ import annotations

import io
import re

from dutytrace.errors import UnreadableDocument
from dutytrace.ingest import budget, limits
from dutytrace.models import Page


def read_pdf(data: bytes, path: str) -> list[Page]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    budget.check_pdf(data, path)  # stream and image bombs, before anything decodes them
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except MemoryError:
        raise UnreadableDocument(path, _NO_MEMORY) from None
    except PDFPasswordIncorrect as e:
        raise UnreadableDocument(path, "encrypted PDF (password protected); decrypt it and ingest again") from e
    except (PDFSyntaxError, Exception) as e:  # pdfminer raises many kinds on broken files
        # pdfplumber wraps pdfminer's exception (PdfminerException(PDFPasswordIncorrect())): look inside
        inner = " ".join(f"{type(x).__name__} {x}" for x in (e, *e.args) if isinstance(x, BaseException))
        if "password" in inner.lower() or "encrypt" in inner.lower():
            raise UnreadableDocument(path, "encrypted PDF (password protected); decrypt it and ingest again") from e
        raise UnreadableDocument(path, f"corrupt PDF ({type(e).__name__}: {str(e)[:120] or 'cannot parse'})") from e
    pages: list[Page] = []
    try:
        with pdf:
            if not pdf.pages:
                raise UnreadableDocument(path, "PDF has no pages")
            if len(pdf.pages) > budget.MAX_PDF_PAGES:
                raise UnreadableDocument(path, f"PDF too large ({len(pdf.pages)} pages; the limit is "
                                               f"{budget.MAX_PDF_PAGES}); split it and ingest the parts")
            scanned: list[int] = []
            chars = 0
            for i, page in enumerate(pdf.pages, start=1):
                _lean_chars(page)
                text = page.extract_text(layout=False) or ""
                pages.append(Page(i, text))
                if len(text.strip()) < MIN_TEXT_LAYER_CHARS and page.images:
                    scanned.append(i)
                page.close()  # drop the page's layout objects: memory is one page's, not the document's
                chars += len(text)
                budget.check_chars(chars, path)
    except UnreadableDocument:
        raise
    except MemoryError:
        raise UnreadableDocument(path, _NO_MEMORY) from None
    except Exception as e:
        raise UnreadableDocument(path, f"corrupt PDF ({type(e).__name__}: {str(e)[:120]})") from e
    if scanned:
        with limits.paused():  # OCR has its own per-page limit
            pages = _ocr_fallback(data, path, pages, scanned)
    pages = [Page(p.number, _clean(p.text), p.ocr) for p in strip_running_lines(pages)]
    if not any(p.text.strip() for p in pages):
        raise UnreadableDocument(path, "no text: the PDF has no text layer and no page image to read by OCR")
    return pages


def _lean_chars(page) -> None:
    """Make `page` build its character objects with `_char_object` (other objects as pdfplumber does).

    pdfplumber turns every pdfminer object into a dict through a generic walk (`resolve_all` on every
    attribute, a closure, `map`/`filter`), and a page of text is thousands of LTChars: on the sample
    archive that walk took more CPU than pdfminer's own parsing. A character's attributes are plain
    values (floats, a str, a bool, a tuple of numbers), which the walk returns unchanged, so the dict
    is built directly; anything else still goes through `resolve_all`. tests/test_pdf_lean.py checks
    that the dicts equal pdfplumber's own on real PDFs, and the text with them."""
    from pdfminer.layout import LTChar

    general = page.process_object  # the bound method, for everything that is not a plain LTChar
    if page.pdf.unicode_norm is not None:
        return

    def process(obj):
        return _char_object(page, obj) if type(obj) is LTChar else general(obj)

    page.process_object = process


_PLAIN = (float, int, bool, str, type(None))


def _char_object(page, obj) -> dict:
    """pdfplumber's Page.process_object for a pdfminer LTChar (pdfplumber 0.11), key for key."""
    from pdfplumber.page import ALL_ATTRS, fix_fontname_bytes
    from pdfplumber.utils import resolve_all, resolve_and_decode

    attr = {}
    for k, v in obj.__dict__.items():
        if k in ALL_ATTRS:
            if type(v) not in _PLAIN and not (type(v) is tuple and all(type(x) in _PLAIN for x in v)):
                v = resolve_all(v)
            attr[k] = v
    attr["object_type"] = "char"
    attr["page_number"] = page.page_number
    for cs in ("ncs", "scs"):
        if hasattr(obj, cs):
            attr[cs] = resolve_and_decode(getattr(obj, cs).name)
    attr["text"] = obj.get_text()
    gs = obj.graphicstate
    attr["stroking_color"] = gs.scolor if isinstance(gs.scolor, tuple) else (gs.scolor,)
    attr["non_stroking_color"] = gs.ncolor if isinstance(gs.ncolor, tuple) else (gs.ncolor,)
    if isinstance(attr["fontname"], bytes):
        attr["fontname"] = fix_fontname_bytes(attr["fontname"])
    mb_x0, mb_top = page.mediabox[:2]
    if "y0" in attr:
        attr["top"] = (page.height - attr["y1"]) + mb_top
        attr["bottom"] = (page.height - attr["y0"]) + mb_top
        attr["doctop"] = page.initial_doctop + attr["top"]
    if "x0" in attr and mb_x0 != 0:
        attr["x0"] = attr["x0"] + mb_x0
        attr["x1"] = attr["x1"] + mb_x0
    return attr


_NO_MEMORY = ("PDF too large to parse within the memory limit (a decompression bomb?); refused")
MIN_TEXT_LAYER_CHARS = 3  # a page with less text than this but with an image is treated as a scan


def _ocr_fallback(data: bytes, path: str, pages: list[Page], scanned: list[int]) -> list[Page]:
    """Read pages without a text layer by OCR (Tesseract); their Pages are marked ocr=True. Without
    Tesseract a document with no text at all fails with that reason; other pages are kept."""
    from dutytrace.ingest.ocr import OcrOverBudget, OcrUnavailable, ocr_pages

    try:
        texts = ocr_pages(data, scanned)
    except OcrOverBudget as e:
        raise UnreadableDocument(path, str(e)) from None
    except OcrUnavailable as e:
        if all(len(p.text.strip()) < MIN_TEXT_LAYER_CHARS for p in pages):
            raise UnreadableDocument(path, f"no text layer (scanned PDF) and OCR unavailable: {e}") from None
        return pages
    except Exception as e:  # a page pdfium cannot render
        raise UnreadableDocument(path, f"corrupt PDF (page image unreadable for OCR: {type(e).__name__}: "
                                       f"{str(e)[:120]})") from None
    return [Page(p.number, texts[p.number], True) if p.number in texts else p for p in pages]


_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
# a line that starts a heading, a list item or a speaker turn ("问：", "张某某：") is never joined to the line before
_HEADING_START = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.、]|"
                            r"[^\s:：，。]{1,12}[:：])")


def _clean(text: str) -> str:
    """Undo line wrapping. A Chinese line that wrapped (it is long and the next line is not a heading)
    is joined to the next without a space, so that a word broken across lines stays one word; English
    words hyphenated at a line end are rejoined."""
    text = text.replace("\u00a0", " ")
    text = re.sub(r"(?<=[a-z])-\n(?=[a-z])", "", text)
    lines = text.split("\n")
    out: list[str] = []
    for line in lines:
        prev = out[-1] if out else ""
        if (prev and len(prev.strip()) >= 20 and _CJK.match(prev[-1:] or " ") and line[:1].strip()
                and not _HEADING_START.match(line)):
            out[-1] = prev + line
        else:
            out.append(line)
    return "\n".join(out)


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip())


def strip_running_lines(pages: list[Page]) -> list[Page]:
    """Remove page headers and footers: first or last lines whose shape (digits masked) recurs on at
    least half of the pages, e.g. the issuer's name on top and "Page 3" / "第 3 页" at the bottom. A
    speaker turn ("A: Yes.", "答：是。", "Zhao Ming: No.") is never one, however often it recurs."""
    if len(pages) < 3:
        return pages
    from collections import Counter

    from dutytrace.ingest.transcript import speaker_labels, turn_label

    speakers = speaker_labels(pages)
    edges: Counter[str] = Counter()
    for p in pages:
        lines = [ln for ln in p.text.split("\n") if ln.strip()]
        for ln in set(lines[:2] + lines[-2:]):
            if turn_label(ln) not in speakers:
                edges[_shape(ln)] += 1
    running = {shape for shape, n in edges.items() if n >= max(2, len(pages) // 2) and len(shape) < 160}
    if not running:
        return pages
    out = []
    for p in pages:
        lines = p.text.split("\n")
        nonblank = [i for i, ln in enumerate(lines) if ln.strip()]
        edge_idx = set(nonblank[:2] + nonblank[-2:])
        kept = [ln for i, ln in enumerate(lines) if not (i in edge_idx and _shape(ln) in running)]
        out.append(Page(p.number, "\n".join(kept).strip("\n"), p.ocr))
    return out


def render_page_png(data: bytes, page: int, scale: float = 1.5) -> bytes:
    """The image of one page (1-based) as PNG, for the document viewer."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        if not 1 <= page <= len(pdf):
            raise ValueError(f"page {page} is outside 1..{len(pdf)}")
        image = pdf[page - 1].render(scale=scale).to_pil()
        buf = io.BytesIO()
        image.save(buf, format="PNG")
        return buf.getvalue()
    finally:
        pdf.close()
