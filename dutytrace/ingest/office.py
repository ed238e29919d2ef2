"""DOCX documents: paragraphs and table cells in reading order, as one page."""

from __future__ import annotations

import io
import zipfile

from dutytrace.errors import UnreadableDocument
from dutytrace.ingest import limits
from dutytrace.models import Page


def read_docx(data: bytes, path: str) -> list[Page]:
    import docx

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            bomb = limits.package_problem(zf.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as e:
        raise UnreadableDocument(path, f"malformed DOCX (not a valid zip package: {str(e)[:120]})") from e
    if bomb:
        raise UnreadableDocument(path, f"malformed DOCX: {bomb}")
    try:
        d = docx.Document(io.BytesIO(data))
    except Exception as e:
        raise UnreadableDocument(path, f"malformed DOCX ({type(e).__name__}: {str(e)[:120]})") from e
    lines = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            lines.append(" | ".join(c.text.strip() for c in row.cells))
    text = "\n".join(lines).strip()
    if not text:
        raise UnreadableDocument(path, "empty DOCX (no text)")
    return [Page(1, text)]
