"""The archive-wide BM25 counts (bm25_totals, revision 0002): kept equal to the sums of the per-case rows
(bm25_df, bm25_chunks) when documents are stored, deleted and stored again in place of an older version;
filled from the per-case rows when a catalog made before the table is opened; and the counts over a
visible set (the visible cases' rows, or the totals less the hidden cases') equal those of the rows."""

from __future__ import annotations

import gzip
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from dutytrace.models import Analysis, Chunk, Document, Page
from dutytrace.store import schema as t
from dutytrace.store.catalog import Catalog
from dutytrace.store.vectors import sparse_terms
from tests.test_migrate_schema import LEGACY, PG_PASS, sqlite_file

TEXTS = {
    "c1": ["The gas inspector left his post before the blast", "Ventilation fans were switched off at night"],
    "c2": ["瓦斯检查员脱岗，通风机停止运转", "The gas monitor alarm was disabled by the shift boss"],
    "c3": ["A scaffold collapsed because the anchor bolts were missing", "gas gas gas"],
}


def _doc(case_id: str, name: str, texts: list[str]) -> tuple[Document, list[Chunk], Analysis]:
    doc_id = f"{case_id}-{name}"
    doc = Document(doc_id, case_id, f"/archive/{case_id}/{name}", name, "report", "en",
                   (Page(1, "\n".join(texts)),), "txt")
    chunks = [Chunk(f"{doc_id}-{i}", doc_id, case_id, i, 1, 0, len(x), x) for i, x in enumerate(texts)]
    return doc, chunks, Analysis("en", "report", [], [], {}, [])


def _sums(cat: Catalog) -> dict[int, int]:
    """What the totals must hold: the per-case rows summed (term -1: the chunks with a BM25 vector)."""
    b = t.bm25_df.c
    out = {int(r[0]): int(r[1]) for r in cat.db.all(select(b.term, func.sum(b.n)).group_by(b.term)) if int(r[1]) > 0}
    chunks = int(cat.db.scalar(select(func.coalesce(func.sum(t.bm25_chunks.c.n), 0))) or 0)
    if chunks:
        out[t.TOTAL_CHUNKS] = chunks
    return out


def _totals(cat: Catalog) -> dict[int, int]:
    return {int(r[0]): int(r[1]) for r in cat.db.all(select(t.bm25_totals.c.term, t.bm25_totals.c.n))}


def _counted(texts: dict[str, list[str]], cases) -> tuple[int, dict[int, int]]:
    """Chunks with terms and document frequencies counted from the texts themselves."""
    n, df = 0, {}
    for case_id, chunks in texts.items():
        if case_id not in cases:
            continue
        for x in chunks:
            terms = sparse_terms(x)
            n += bool(terms)
            for term in terms:
                df[term] = df.get(term, 0) + 1
    return n, df


def _check(cat: Catalog, texts: dict[str, list[str]]) -> None:
    assert _totals(cat) == _sums(cat) and _totals(cat)
    terms = sorted({term for xs in texts.values() for x in xs for term in sparse_terms(x)})
    for visible in (None, {"c1"}, {"c1", "c2"}, {"c2", "c3", "no-such-case"}, set()):
        cases = set(texts) if visible is None else visible
        assert cat.term_counts(terms, visible) == _counted(texts, cases), visible


@pytest.fixture
def catalog(tmp_path, request):
    if PG_PASS:
        url = request.getfixturevalue("pg_url")
        cat = Catalog(url)
        with cat.transaction() as tx:  # the module's database is shared by its tests: start empty
            for table in ("chunks", "pages", "documents", "bm25_df", "bm25_chunks", "bm25_totals", "cases"):
                tx.execute(text(f"DELETE FROM {table}"))
    else:
        cat = Catalog(tmp_path / "catalog.sqlite3")
    yield cat
    cat.close()


def test_totals_follow_store_delete_and_replace(catalog):
    texts = {c: list(xs) for c, xs in TEXTS.items()}
    for case_id, xs in texts.items():
        catalog.store_document(*_doc(case_id, "report.txt", xs))
    _check(catalog, texts)
    # a document deleted: its chunks leave the totals (terms no chunk holds any more leave the table)
    catalog.delete_document("c3-report.txt")
    del texts["c3"]
    _check(catalog, texts)
    assert not any(term in _totals(catalog) for term in sparse_terms("scaffold anchor bolts"))
    # a new version stored in place of the old one, in one transaction
    texts["c1"] = ["The gas inspector was asleep in the control room"]
    catalog.store_document(*_doc("c1", "report-v2.txt", texts["c1"]), replaces="c1-report.txt")
    _check(catalog, texts)
    # a second document of a case, then the same case emptied
    texts["c2"] = texts["c2"] + ["Ventilation was restored after the blast"]
    catalog.put_document(*_doc("c2", "interview.txt", texts["c2"][2:]))
    _check(catalog, texts)
    catalog.delete_document("c2-report.txt")
    catalog.delete_document("c2-interview.txt")
    del texts["c2"]
    _check(catalog, texts)


def test_term_weights_read_the_totals(catalog):
    from dutytrace.store.vectors import idf

    for case_id, xs in TEXTS.items():
        catalog.store_document(*_doc(case_id, "report.txt", xs))
    terms = sorted(sparse_terms("gas inspector scaffold"))
    for visible in (None, {"c1", "c3"}, {"c2"}):
        n, df = _counted(TEXTS, set(TEXTS) if visible is None else visible)
        assert catalog.term_weights(visible)(terms) == [idf(n, df.get(x, 0)) for x in terms]


@sqlite_file
def test_catalog_at_revision_0001_gets_its_totals(tmp_path):
    path = tmp_path / "catalog.sqlite3"
    cat = Catalog(path)
    for case_id, xs in TEXTS.items():
        cat.store_document(*_doc(case_id, "report.txt", xs))
    want = _totals(cat)
    cat.close()
    con = sqlite3.connect(path)  # the catalog as revision 0001 left it: no totals table
    con.execute("DROP TABLE bm25_totals")
    con.execute("UPDATE alembic_version SET version_num = '0001'")
    con.commit()
    con.close()
    cat = Catalog(path)
    try:
        assert cat.migration == "upgraded from 0001"
        assert _totals(cat) == _sums(cat) == want
        _check(cat, TEXTS)
    finally:
        cat.close()


@sqlite_file
def test_catalog_made_before_migrations_gets_its_totals(tmp_path):
    path = tmp_path / "catalog.sqlite3"
    with gzip.open(LEGACY) as src, open(path, "wb") as dst:
        shutil.copyfileobj(src, dst)
    cat = Catalog(path)
    try:
        assert cat.migration == "stamped (made before migrations)"
        totals = _totals(cat)
        assert totals == _sums(cat) and totals[t.TOTAL_CHUNKS] > 0
        # and they are the document frequencies of the stored chunks
        n, df = 0, {}
        for c in cat.chunks():
            terms = sparse_terms(c["text"])
            n += bool(terms)
            for term in terms:
                df[term] = df.get(term, 0) + 1
        assert totals == {**df, t.TOTAL_CHUNKS: n}
    finally:
        cat.close()


@sqlite_file
def test_repaired_catalog_fills_its_totals(tmp_path):
    """A catalog at the head revision whose totals table was dropped by hand: made again and filled."""
    path = tmp_path / "catalog.sqlite3"
    cat = Catalog(path)
    for case_id, xs in TEXTS.items():
        cat.store_document(*_doc(case_id, "report.txt", xs))
    cat.close()
    con = sqlite3.connect(path)
    con.execute("DROP TABLE bm25_totals")
    con.commit()
    con.close()
    cat = Catalog(Path(path))
    try:
        assert cat.migration == "repaired"
        _check(cat, TEXTS)
    finally:
        cat.close()


from tests.test_postgres import pg_url  # noqa: E402,F401 - the PostgreSQL server fixture
