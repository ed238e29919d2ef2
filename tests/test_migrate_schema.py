"""Schema migrations of the catalog (store/migrations): a catalog file made before them opens with every
row kept and is stamped at the head revision; the revisions build exactly the tables of store/schema.py
on SQLite and PostgreSQL; processes opening a new catalog at once agree; the audit log refuses UPDATE and
DELETE on both databases.

tests/data/catalog-49bcca5.sqlite3.gz is the catalog of a real home made by commit 49bcca5 (the last
before migrations): `dutytrace ingest` of corpus/archive/en01 and zh01 (10 documents), then two users, a
grant, a tag decision, a pin, a note, a saved search, a UI session, a measure status and audit rows."""

from __future__ import annotations

import gzip
import os
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import inspect

from dutytrace.store.catalog import Catalog
from dutytrace.store.migrations import HEAD, head
from dutytrace.store.schema import metadata

LEGACY = Path(__file__).parent / "data" / "catalog-49bcca5.sqlite3.gz"
PG_PASS = os.environ.get("DUTYTRACE_TEST_POSTGRES") == "1"
sqlite_file = pytest.mark.skipif(PG_PASS, reason="a SQLite catalog file's migration (the PostgreSQL pass maps file catalogs to databases)")
SAMPLE_HOME = Path(os.environ.get("DUTYTRACE_LEGACY_HOME", "/work/homes/sample"))  # a bigger real home, where present


def _rows(path: Path, columns: dict[str, list[str]] | None = None) -> dict[str, list]:
    """Every row of every table; with `columns`, of those columns only (a later revision may add a column
    to a table, such as 0003's to notes: the rows' values in the columns they had must be unchanged)."""
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        cols = {t: ", ".join(f'"{c}"' for c in columns[t]) if columns and t in columns else "*" for t in tables}
        return {t: sorted(map(repr, con.execute(f"SELECT {cols[t]} FROM {t}").fetchall())) for t in tables}
    finally:
        con.close()


def _columns(path: Path) -> dict[str, list[str]]:
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        return {t: [r[1] for r in con.execute(f"PRAGMA table_info({t})")] for t in tables}
    finally:
        con.close()


def _check_migrated(path: Path) -> None:
    con = sqlite3.connect(path)
    profile_columns = [r[1] for r in con.execute("PRAGMA table_info(case_profiles)")]
    con.close()
    before, columns = _rows(path), _columns(path)
    assert "alembic_version" not in before and before["documents"]
    cat = Catalog(path)
    try:
        assert cat.migration == "stamped (made before migrations)"
        assert cat.stored_profiles(cat.case_ids(), 1) is not None  # the profile cache reads
        after = _rows(path, columns)
        rebuilt = {"case_profiles", "case_terms"} if "profile_schema" not in profile_columns else set()
        for table, rows in before.items():
            if table in rebuilt:  # a development build's profile cache: made again, empty, rebuilt when read
                assert after[table] == [], table
                continue
            assert after[table] == rows, table  # every row of every table, every column, unchanged
        assert after["alembic_version"] == [repr((head(),))]
        assert set(metadata.tables) <= set(after)
        # and the catalog reads them through the new code
        con = sqlite3.connect(path)
        n_docs, n_chunks = con.execute("SELECT (SELECT COUNT(*) FROM documents), (SELECT COUNT(*) FROM chunks)").fetchone()
        con.close()
        assert len(cat.documents()) == n_docs and cat.chunk_count() == n_chunks
        with pytest.raises(Exception, match="append-only"):
            cat.db.execute("DELETE FROM audit")
    finally:
        cat.close()
    again = Catalog(path)
    try:
        assert again.migration == "current"
    finally:
        again.close()


@sqlite_file
def test_catalog_made_before_migrations_keeps_every_row(tmp_path):
    path = tmp_path / "catalog.sqlite3"
    with gzip.open(LEGACY) as src, open(path, "wb") as dst:
        shutil.copyfileobj(src, dst)
    _check_migrated(path)
    cat = Catalog(path)
    try:  # what the old code wrote, read back by the new: users, grants, desk, saved searches, profiles
        from dutytrace.security import Users
        from dutytrace.store.desk import DeskStore
        from dutytrace.store.saved_searches import SavedSearches

        assert Users(cat).principal("olga").grants == frozenset({"zh01"})
        assert [n["text"] for n in DeskStore(cat).notes("zh01")] == ["check the permit dates"]
        assert cat.reviews("en01") == {("*", "dereliction_of_duty"): "accepted"}
        assert [s["name"] for s in SavedSearches(cat).list("boss")] == ["gas"]
        assert cat.case_ids() == ["en01", "zh01"] and cat.profile_stamp("en01") is not None
        # revision 0004: its documents were analysed before readers were recorded: counted as unknown
        assert set(cat.reader_counts()) == {None} and cat.reader_counts()[None] == len(cat.documents())
    finally:
        cat.close()


def _made_before_migrations(catalog: Path) -> bool:
    """Whether a catalog file is there and was made before migrations (no alembic_version table): a home
    that a newer Dutytrace has opened since is already migrated, and tells nothing here."""
    if not catalog.exists():
        return False
    con = sqlite3.connect(f"file:{catalog}?mode=ro", uri=True)
    try:
        return not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").fetchone()
    finally:
        con.close()


@sqlite_file
@pytest.mark.skipif(not _made_before_migrations(SAMPLE_HOME / "catalog.sqlite3"),
                    reason=f"no real home made before migrations at {SAMPLE_HOME}")
def test_sample_home_copy_keeps_every_row(tmp_path):
    home = tmp_path / "home"
    shutil.copytree(SAMPLE_HOME, home, ignore=shutil.ignore_patterns("index", "files"))  # a copy: the home is never touched
    con = sqlite3.connect(home / "catalog.sqlite3")  # fold the WAL in, as the next open would
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    _check_migrated(home / "catalog.sqlite3")


def test_head_constant_is_alembics_head():
    assert HEAD == head()  # store/migrations.HEAD must name the newest revision file


def _no_differences(cat: Catalog) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with cat.db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
        assert diff == [], diff
        assert set(inspect(conn).get_table_names()) == set(metadata.tables) | {"alembic_version"}


def test_revisions_build_the_schema_on_sqlite(tmp_path):
    cat = Catalog(tmp_path / "catalog.sqlite3")
    try:
        assert cat.migration in ("created", "current")
        _no_differences(cat)
    finally:
        cat.close()


def test_new_catalog_opened_by_many_at_once(tmp_path):
    path = tmp_path / "catalog.sqlite3"
    results, errors = [], []

    def open_it():
        try:
            cat = Catalog(path)
            results.append(cat.migration)
            cat.close()
        except Exception as e:  # pragma: no cover - the failure is the assertion below
            errors.append(e)
    threads = [threading.Thread(target=open_it) for _ in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == [] and len(results) == 6
    assert results.count("created") == 1 and set(results) == {"created", "current"}
    if not PG_PASS:
        con = sqlite3.connect(path)
        assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [(head(),)]
        con.close()


def test_postgres_schema_and_append_only_audit(pg_url):
    cat = Catalog(pg_url)
    try:
        _no_differences(cat)
        from dutytrace.audit import Audit

        audit = Audit(cat)
        audit.record("olga", "login")
        for sql in ("DELETE FROM audit", "UPDATE audit SET user='nobody'", "TRUNCATE audit"):
            with pytest.raises(Exception, match="append-only"):
                cat.db.execute(sql)
        assert [e["user"] for e in audit.entries()] == ["olga"]
    finally:
        cat.close()
    again = Catalog(pg_url)
    try:
        assert again.migration == "current"
    finally:
        again.close()


from tests.test_postgres import pg_url  # noqa: E402,F401 - the PostgreSQL server fixture
