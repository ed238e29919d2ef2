"""Near-duplicate documents: the same report as PDF and DOCX, a draft and its final version.

Each document gets a MinHash signature of its text (character 8-grams of the lower-cased text with
all whitespace removed, so that layout and line wrapping do not matter and Chinese needs no word
segmentation). Locality-sensitive hashing (16 bands of 4 hashes) finds candidates without comparing
every pair; a candidate whose estimated Jaccard similarity is at least THRESHOLD is recorded as a
near-duplicate of the document ingested before it (a PDF, whose pages the viewer can show, stands
for its group). Search collapses near-duplicates: their passages are not shown beside the original's.

Groups never cross a case: only documents of the same case are compared. A case has one clearance,
so whoever may see a collapsed document may see the one shown for it; and a copy of another case's
document (a regulation filed twice, a report copied into a new case) is neither named to the user
who ingests it nor hidden from anyone."""

from __future__ import annotations

import re
import zlib

import numpy as np

from dutytrace.store import signatures as rows

SHINGLE = 8
PERMUTATIONS = 64
BANDS = 16
ROWS = PERMUTATIONS // BANDS
THRESHOLD = 0.8
_rng = np.random.default_rng(20261129)  # fixed: signatures must be comparable across runs
_A = _rng.integers(1, 2**63, PERMUTATIONS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)  # odd multipliers
_B = _rng.integers(0, 2**63, PERMUTATIONS, dtype=np.uint64)

# the tables (doc_signatures, doc_bands, near_duplicates) are store/schema.py's, written by store/signatures.py
SCHEMA = ""  # kept for callers that created the tables themselves: the catalog creates them now


def signature(text: str) -> np.ndarray:
    s = re.sub(r"\s+", "", text.lower())
    if len(s) < SHINGLE:
        s = s.ljust(SHINGLE, "_")
    hashes = np.fromiter((zlib.crc32(s[i:i + SHINGLE].encode("utf-8")) for i in range(len(s) - SHINGLE + 1)),
                         dtype=np.uint64)
    hashes = np.unique(hashes)
    # multiply-shift hashing: (a*x + b) mod 2^64 (numpy's uint64 arithmetic wraps), high 32 bits kept
    with np.errstate(over="ignore"):
        h = (_A[:, None] * hashes[None, :] + _B[:, None]) >> np.uint64(32)
    return h.min(axis=1)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(a == b))


def _bands(sig: np.ndarray) -> list[str]:
    return [f"{i}:{zlib.crc32(sig[i * ROWS:(i + 1) * ROWS].tobytes()):08x}" for i in range(BANDS)]


def _load(text: str) -> np.ndarray:
    return np.array([int(x) for x in text.split(",")], dtype=np.uint64)


def mark_near_duplicates(catalog) -> list[tuple[str, str, float]]:
    """Sign every document that has no signature yet (in ingestion order) and record the ones that
    nearly duplicate an earlier document. Idempotent; returns the new (doc_id, dup_of, similarity)."""
    db = catalog.db
    rows.prune(db)  # documents removed or replaced since the last run leave no trace; pairs across cases go
    todo = rows.unsigned(db)
    found: list = []
    for doc_id, case_id in todo:
        text = "\n".join(p["text"] for p in catalog.pages(doc_id))
        sig = signature(text)
        bands = _bands(sig)
        candidates = rows.candidates(db, bands, case_id)
        best = None
        for other in candidates:
            stored = rows.signature_text(db, other)
            if stored is None:
                continue
            sim = similarity(sig, _load(stored))
            if sim >= THRESHOLD and (best is None or sim > best[1]):
                best = (other, sim)
        with db.transaction() as tx:
            rows.store_signature(tx, doc_id, ",".join(str(int(v)) for v in sig), bands)
            if best:
                root = rows.duplicate_of(tx, best[0]) or best[0]
                if _is_pdf(catalog, doc_id) and not _is_pdf(catalog, root):
                    # the PDF stands for the group (the viewer can show its pages); the older copy defers to it
                    rows.redirect(tx, root, doc_id)
                    rows.set_duplicate(tx, root, doc_id, best[1])
                    found = [f for f in found if f[0] != root] + [(root, doc_id, best[1])]
                else:
                    rows.set_duplicate(tx, doc_id, root, best[1])
                    found.append((doc_id, root, best[1]))
    return found


def _is_pdf(catalog, doc_id: str) -> bool:
    doc = catalog.document(doc_id)
    return bool(doc and doc["fmt"] == "pdf")


def duplicates(catalog) -> dict[str, str]:
    """doc_id -> the document it nearly duplicates, within one case (a pair across cases, recorded
    before groups were kept within a case and not yet undone by an ingest, is ignored)."""
    return rows.pairs_within_cases(catalog.db)
