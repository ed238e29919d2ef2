"""Detect a file's type from its bytes, not its name."""

from __future__ import annotations

import io
import zipfile

PDF, DOCX, TEXT, ZIP, TAR, GZIP = "pdf", "docx", "txt", "zip", "tar", "gzip"


def sniff(data: bytes, name: str = "") -> str | None:
    """Return the detected type, or None when the bytes are no type Dutytrace reads."""
    head = data[:1024]
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in head[:1024]:
        return PDF
    if head[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names:
            return DOCX
        return ZIP
    if head[:2] == b"\x1f\x8b":
        return GZIP
    if len(data) > 262 and data[257:262] == b"ustar":
        return TAR
    if looks_like_text(data):
        return TEXT
    return None


def looks_like_text(data: bytes) -> bool:
    if not data:
        return True  # empty: the text reader reports it as empty
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:3] == b"\xef\xbb\xbf":
        return True
    sample = data[:8192]
    if b"\x00" in sample:
        return _utf16_without_bom(sample)
    bad = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return bad / len(sample) < 0.02


def _utf16_without_bom(sample: bytes) -> bool:
    """UTF-16 text without a byte-order mark (English in it has a NUL in every other byte)."""
    from dutytrace.ingest.text import MIN_SCORE, text_score

    sample = sample[: len(sample) // 2 * 2]
    # the sample may cut a surrogate pair: replace, do not fail
    return any(text_score(sample.decode(enc, errors="replace")) >= MIN_SCORE for enc in ("utf-16-le", "utf-16-be"))
