"""The near-duplicate tables (dedupe.py computes the signatures): each document's MinHash signature,
its LSH bands, and the pairs found (doc_id -> the document it nearly duplicates)."""

from __future__ import annotations

from sqlalchemy import and_, delete, insert, select, update

from dutytrace.store import schema as t
from dutytrace.store.db import upsert

S, B, N, D = t.doc_signatures.c, t.doc_bands.c, t.near_duplicates.c, t.documents.c


def prune(db) -> None:
    """Forget documents removed or replaced since the last run, and pairs across cases (recorded
    before groups were kept within a case)."""
    live = select(D.doc_id)
    with db.transaction() as tx:
        for table in (t.doc_signatures, t.doc_bands, t.near_duplicates):
            tx.execute(delete(table).where(table.c.doc_id.not_in(live)))
        tx.execute(delete(t.near_duplicates).where(N.dup_of.not_in(live)))
        a, b = t.documents.alias("a"), t.documents.alias("b")
        case_of = lambda alias, col: select(alias.c.case_id).where(alias.c.doc_id == col).scalar_subquery()  # noqa: E731
        tx.execute(delete(t.near_duplicates).where(case_of(a, N.doc_id) != case_of(b, N.dup_of)))


def unsigned(db) -> list[tuple[str, str]]:
    """(doc_id, case_id) of documents without a signature, in ingestion order."""
    return [(r[0], r[1]) for r in db.all(select(D.doc_id, D.case_id).where(D.doc_id.not_in(select(S.doc_id)))
                                         .order_by(D.ingested_at))]


def candidates(db, bands: list[str], case_id: str) -> set[str]:
    """Documents of the case that share a band."""
    return {r[0] for r in db.all(select(B.doc_id).join_from(t.doc_bands, t.documents, D.doc_id == B.doc_id)
                                 .where(B.band.in_(bands), D.case_id == case_id))}


def signature_text(db, doc_id: str) -> str | None:
    row = db.first(select(S.sig).where(S.doc_id == doc_id))
    return row[0] if row else None


def duplicate_of(tx, doc_id: str) -> str | None:
    row = tx.execute(select(N.dup_of).where(N.doc_id == doc_id)).first()
    return row[0] if row else None


def store_signature(tx, doc_id: str, sig: str, bands: list[str]) -> None:
    upsert(tx, t.doc_signatures, {"doc_id": doc_id, "sig": sig})
    if bands:
        tx.execute(insert(t.doc_bands), [{"band": b, "doc_id": doc_id} for b in bands])


def set_duplicate(tx, doc_id: str, dup_of: str, similarity: float) -> None:
    upsert(tx, t.near_duplicates, {"doc_id": doc_id, "dup_of": dup_of, "similarity": similarity})


def redirect(tx, old_root: str, new_root: str) -> None:
    """Every document recorded as a duplicate of `old_root` now points to `new_root`."""
    tx.execute(update(t.near_duplicates).where(N.dup_of == old_root).values(dup_of=new_root))


def pairs_within_cases(db) -> dict[str, str]:
    a, b = t.documents.alias("a"), t.documents.alias("b")
    q = (select(N.doc_id, N.dup_of).join(a, a.c.doc_id == N.doc_id).join(b, b.c.doc_id == N.dup_of)
         .where(and_(a.c.case_id == b.c.case_id)))
    return {r[0]: r[1] for r in db.all(q)}
