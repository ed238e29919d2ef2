"""Plain text and Markdown with encoding detection: BOMs, UTF-8, UTF-16 without BOM, then GB18030
(a superset of GBK and GB2312, which Chinese archives are full of), then charset-normalizer."""

from __future__ import annotations

from dutytrace.errors import UnreadableDocument
from dutytrace.models import Page


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Return (text, encoding)."""
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):  # a damaged file (a cut UTF-16 byte) keeps its text, U+FFFD marks the damage
            return data.decode(enc, errors="replace"), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if len(data) >= 4 and data[1:2] == b"\x00" and data[3:4] == b"\x00":
        try:
            return data.decode("utf-16-le"), "utf-16-le"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise UnreadableDocument(path, "cannot detect the text encoding")
    return str(best), best.encoding


def read_text(data: bytes, path: str) -> tuple[list[Page], str]:
    if not data.strip():
        raise UnreadableDocument(path, "empty file")
    text, enc = decode(data, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UnreadableDocument(path, "empty file (only whitespace)")
    # form feeds separate pages in text exported from other systems
    parts = text.split("\f")
    return [Page(i, t) for i, t in enumerate(parts, start=1) if t.strip() or i == 1], enc
