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

SHINGLE = 8
PERMUTATIONS = 64
BANDS = 16
ROWS = PERMUTATIONS // BANDS
THRESHOLD = 0.8
_rng = np.random.default_rng(20261129)  # fixed: signatures must be comparable across runs
_A = _rng.integers(1, 2**63, PERMUTATIONS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)  # odd multipliers
_B = _rng.integers(0, 2**63, PERMUTATIONS, dtype=np.uint64)

SCHEMA = """
CREATE TABLE IF NOT EXISTS doc_signatures (doc_id TEXT PRIMARY KEY, sig TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS doc_bands (band TEXT NOT NULL, doc_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS doc_bands_band ON doc_bands(band);
CREATE TABLE IF NOT EXISTS near_duplicates (doc_id TEXT PRIMARY KEY, dup_of TEXT NOT NULL, similarity REAL NOT NULL);
"""


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
    db.executescript(SCHEMA)
    with db:  # documents removed or replaced since the last run leave no trace
        for table in ("doc_signatures", "doc_bands", "near_duplicates"):
            db.execute(f"DELETE FROM {table} WHERE doc_id NOT IN (SELECT doc_id FROM documents)")
        db.execute("DELETE FROM near_duplicates WHERE dup_of NOT IN (SELECT doc_id FROM documents)")
        # pairs across cases (recorded before groups were kept within a case) are undone
        db.execute("DELETE FROM near_duplicates WHERE (SELECT case_id FROM documents WHERE doc_id=near_duplicates.doc_id)"
                   " <> (SELECT case_id FROM documents WHERE doc_id=near_duplicates.dup_of)")
    todo = [(r[0], r[1]) for r in db.execute(
        "SELECT doc_id, case_id FROM documents WHERE doc_id NOT IN (SELECT doc_id FROM doc_signatures) "
        "ORDER BY ingested_at")]
    found: list = []
    for doc_id, case_id in todo:
        text = "\n".join(p["text"] for p in catalog.pages(doc_id))
        sig = signature(text)
        bands = _bands(sig)
        marks = ",".join("?" * len(bands))
        candidates = {r[0] for r in db.execute(
            f"SELECT b.doc_id FROM doc_bands b JOIN documents d ON d.doc_id = b.doc_id "
            f"WHERE b.band IN ({marks}) AND d.case_id = ?", [*bands, case_id])}
        best = None
        for other in candidates:
            row = db.execute("SELECT sig FROM doc_signatures WHERE doc_id=?", (other,)).fetchone()
            if row is None:
                continue
            sim = similarity(sig, _load(row[0]))
            if sim >= THRESHOLD and (best is None or sim > best[1]):
                best = (other, sim)
        with db:
            db.execute("INSERT OR REPLACE INTO doc_signatures(doc_id, sig) VALUES (?, ?)",
                       (doc_id, ",".join(str(int(v)) for v in sig)))
            db.executemany("INSERT INTO doc_bands(band, doc_id) VALUES (?, ?)", [(b, doc_id) for b in bands])
            if best:
                original = db.execute("SELECT dup_of FROM near_duplicates WHERE doc_id=?", (best[0],)).fetchone()
                root = original[0] if original else best[0]
                if _is_pdf(catalog, doc_id) and not _is_pdf(catalog, root):
                    # the PDF stands for the group (the viewer can show its pages); the older copy defers to it
                    db.execute("UPDATE near_duplicates SET dup_of=? WHERE dup_of=?", (doc_id, root))
                    db.execute("INSERT OR REPLACE INTO near_duplicates(doc_id, dup_of, similarity) VALUES (?, ?, ?)",
                               (root, doc_id, best[1]))
                    found = [f for f in found if f[0] != root] + [(root, doc_id, best[1])]
                else:
                    db.execute("INSERT OR REPLACE INTO near_duplicates(doc_id, dup_of, similarity) VALUES (?, ?, ?)",
                               (doc_id, root, best[1]))
                    found.append((doc_id, root, best[1]))
    return found


def _is_pdf(catalog, doc_id: str) -> bool:
    doc = catalog.document(doc_id)
    return bool(doc and doc["fmt"] == "pdf")


def duplicates(catalog) -> dict[str, str]:
    """doc_id -> the document it nearly duplicates, within one case (a pair across cases, recorded
    before groups were kept within a case and not yet undone by an ingest, is ignored)."""
    catalog.db.executescript(SCHEMA)
    return {r[0]: r[1] for r in catalog.db.execute(
        "SELECT n.doc_id, n.dup_of FROM near_duplicates n JOIN documents a ON a.doc_id = n.doc_id "
        "JOIN documents b ON b.doc_id = n.dup_of WHERE a.case_id = b.case_id")}
