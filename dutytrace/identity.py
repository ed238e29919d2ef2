"""Document identity. A document belongs to the case it is filed in: the same bytes filed in two cases
are two documents (each case has its own copy, its own chunks, tags and clearance), and whether a file
is "unchanged" is decided within its case only, so that ingesting a copy of a file says nothing about
cases the user cannot see.

- content: SHA-256 of the bytes (what the file is);
- doc_id: SHA-256 of the case id and the bytes (what the file is, where it is filed).

Catalogs made before this rule keep their ids (then SHA-256 of the bytes alone): their content column
is filled from the id on open (store/catalog.py), and ids are only ever compared within a case."""

from __future__ import annotations

import hashlib


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def document_id(case_id: str, data: bytes) -> str:
    h = hashlib.sha256(b"dutytrace-document\x00")
    h.update(case_id.encode("utf-8", "surrogatepass"))  # case ids from undecodable folder names keep surrogates
    h.update(b"\x00")
    h.update(data)
    return h.hexdigest()
