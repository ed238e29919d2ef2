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
        return False
    bad = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return bad / len(sample) < 0.02
