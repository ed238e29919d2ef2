"""What one file may cost, beyond the time limit (limits.py): checks made before the expensive step,
each refusing the file with a reason the ingest report codes (`bomb`, `too_large`).

- text files: bytes before decoding; every document: characters after parsing (NLP and embedding
  cost grows with them; a 20 MB one-line text file is refused, not parsed for minutes);
- PDFs, before pdfminer or pdfium reads them: pages, the decoded size of each compressed stream
  (inflated with a bounded buffer, never whole), the bytes of text strings in a stream (pdfplumber
  keeps an object of about 2 KB per glyph of a page: measured 474 MB for a page of 200,000), and the
  declared pixels of each image;
- OCR: a page is rendered at a scale that keeps it under MAX_RENDER_PIXELS, however large its
  MediaBox (a PDF page may be 200 x 200 inches); a document's OCR stops after MAX_OCR_SECONDS (the
  parse time limit is paused during OCR, which has these limits instead);
- time: parsing has the parse limit (limits.time_limit); chunking and NLP a limit that grows with the
  text (nlp_seconds), so a document within the size budgets is never cut short for being long;
- the parse helper process (limits.run_isolated) runs under an address-space limit (MAX_PARSE_MEMORY).
Module constants, read at call time, so that tests may lower them."""

from __future__ import annotations

import re
import zlib

from dutytrace.errors import UnreadableDocument

MAX_TEXT_BYTES = 12 * 2**20  # a text file's bytes
MAX_DOC_CHARS = 3_000_000  # a document's text, all pages (about 1,000 dense pages)
MAX_PDF_PAGES = 5_000
MAX_STREAM_BYTES = 32 * 2**20  # one decoded PDF stream (content, object stream, font); images excepted
MAX_DECODED_BYTES = 256 * 2**20  # all of a PDF's decoded non-image streams
MAX_STREAM_GLYPHS = 300_000  # bytes of text strings in one stream (pdfplumber: ~2 KB of memory per glyph)
MAX_IMAGE_PIXELS = 200_000_000  # an image's declared width x height
MAX_RENDER_PIXELS = 40_000_000  # a page rendered for OCR (A4 at 300 dpi is 8.7 million)
MAX_OCR_SECONDS = 3600.0  # all OCR of one document (each page also has ocr.PAGE_TIMEOUT_S)
MAX_PARSE_MEMORY = 2 * 2**30  # address space of the parse helper process
NLP_CHARS_PER_SECOND = 2_000  # the time limit of chunking and NLP grows by a second per this many characters
NLP_MIN_SECONDS = 120.0  # ... from at least this: the first document of a process also loads the models
NLP_LIMIT_IS = "DUTYTRACE_PARSE_TIMEOUT (at least 120 s) plus 1 s per 2,000 characters"

_STREAM = re.compile(rb"(?<=[>\s])stream(?:\r\n|\n|\r)")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")
_FILTER = re.compile(rb"/Filter\s*(?:/(\w+)|\[\s*/(\w+))")
_IMAGE = re.compile(rb"/Subtype\s*/Image")
_WIDTH = re.compile(rb"/(?:Width|W)\s+(\d+)")
_HEIGHT = re.compile(rb"/(?:Height|H)\s+(\d+)")
_PAREN = re.compile(rb"(?<!\\)[()]")  # a literal string's delimiters (nested pairs count once)
_HEX = re.compile(rb"<[0-9A-Fa-f\s]+>")


def _mib(n: int) -> str:
    return f"{n / 2**20:.0f} MiB"


def check_text_bytes(size: int, path: str) -> None:
    if size > MAX_TEXT_BYTES:
        raise UnreadableDocument(path, f"text file too large ({size / 2**20:.1f} MiB; the limit is "
                                       f"{_mib(MAX_TEXT_BYTES)} of text per document); split it and ingest the parts")


def check_chars(n: int, path: str) -> None:
    if n > MAX_DOC_CHARS:
        raise UnreadableDocument(path, f"document text too large ({n:,} characters; the limit is "
                                       f"{MAX_DOC_CHARS:,} per document); split it and ingest the parts")


def check_pdf(data: bytes, path: str) -> None:
    """Refuse a PDF whose streams would expand beyond the budget, before any parser decodes them."""
    total = 0
    for m in _STREAM.finditer(data):
        head = data[max(0, m.start() - 4096):m.start()]
        obj = head.rfind(b"obj")
        head = head[obj + 3:] if obj >= 0 else head[-1024:]
        if _IMAGE.search(head):
            w, h = _WIDTH.search(head), _HEIGHT.search(head)
            if w and h and int(w.group(1)) * int(h.group(1)) > MAX_IMAGE_PIXELS:
                raise UnreadableDocument(path, f"PDF image of {int(w.group(1))} x {int(h.group(1))} pixels (the limit "
                                               f"is {MAX_IMAGE_PIXELS // 10**6} million); refused as a decompression bomb")
            continue
        f = _FILTER.search(head)
        if not f or (f.group(1) or f.group(2)) not in (b"FlateDecode", b"Fl"):
            continue
        length = _LENGTH.search(head)
        start = m.end()
        end = start + int(length.group(1)) if length else data.find(b"endstream", start)
        if end < start or end > len(data):
            end = data.find(b"endstream", start)
            if end < 0:
                end = len(data)
        size, glyphs = _inflate_count(data[start:end])
        if size > MAX_STREAM_BYTES:
            raise UnreadableDocument(path, f"PDF stream expands to more than {_mib(MAX_STREAM_BYTES)} (from "
                                           f"{(end - start) / 1024:.0f} KiB); refused as a decompression bomb")
        if glyphs > MAX_STREAM_GLYPHS:
            raise UnreadableDocument(path, f"PDF page with more than {MAX_STREAM_GLYPHS:,} characters of text in "
                                           "one stream; refused as a decompression bomb")
        total += size
        if total > MAX_DECODED_BYTES:
            raise UnreadableDocument(path, f"PDF streams expand to more than {_mib(MAX_DECODED_BYTES)}; refused "
                                           "as a decompression bomb")


def _inflate_count(raw: bytes, step: int = 2**20) -> tuple[int, int]:
    """(decoded size, bytes of text strings) of a deflated stream, inflated a MiB at a time and
    stopped past the limits; a broken stream counts what decoded before the break. Literal strings
    are followed across the MiB pieces (the work is one step per parenthesis, and the count stops at
    the limit); a hex string cut by a piece boundary is missed: the count is an estimate for a limit."""
    d = zlib.decompressobj()
    size = glyphs = depth = 0
    buf = raw
    try:
        while True:
            out = d.decompress(buf, step)
            if not out:
                break
            size += len(out)
            opened = 0  # where the string open at the piece's start began in it
            for m in _PAREN.finditer(out):
                if out[m.start()] == 0x28:  # (
                    if depth == 0:
                        opened = m.start() + 1
                    depth += 1
                elif depth:
                    depth -= 1
                    if depth == 0:
                        glyphs += m.start() - opened
                        if glyphs > MAX_STREAM_GLYPHS:
                            break
            if depth:
                glyphs += len(out) - opened
            if depth == 0:
                glyphs += sum((m.end() - m.start() - 2) // 2 for m in _HEX.finditer(out))
            if size > MAX_STREAM_BYTES or glyphs > MAX_STREAM_GLYPHS:
                break
            buf = d.unconsumed_tail
    except zlib.error:
        pass
    return size, glyphs


def nlp_seconds(parse_seconds: float | None, chars: int) -> float:
    """The time limit of chunking and analysing a document of `chars` characters: the parse limit (at
    least NLP_MIN_SECONDS: the first document of a process loads spaCy and the tagger's models within
    it) plus a second per NLP_CHARS_PER_SECOND characters (measured: about 10,000 characters a second
    on two busy cores), so a long document that is real work finishes and a stuck one stops. A parse
    limit of 0 (none): no limit."""
    if not parse_seconds or parse_seconds <= 0:
        return 0
    return max(parse_seconds, NLP_MIN_SECONDS) + chars / NLP_CHARS_PER_SECOND


def render_scale(width_pt: float, height_pt: float, dpi: int) -> float:
    """The scale to render a page at for OCR: `dpi`, or less where the page would exceed the pixel cap."""
    scale = dpi / 72
    pixels = max(width_pt, 1.0) * max(height_pt, 1.0) * scale * scale
    if pixels > MAX_RENDER_PIXELS:
        scale *= (MAX_RENDER_PIXELS / pixels) ** 0.5
    return scale
