"""The catalog on a real PostgreSQL server (DUTYTRACE_DATABASE_URL): the test starts its own server
(initdb into a temporary folder, pg_ctl on a free localhost port, as the `postgres` system user when
run as root, since PostgreSQL refuses to run as root) and ingests the test archive through the whole
service (the server is tests/pg_server.py's). Skipped, with the reason, only when the PostgreSQL server binaries are not installed (Debian
package `postgresql`, which scripts/setup.sh installs)."""

from __future__ import annotations

import os
import uuid

import pytest

from dutytrace.service import Dutytrace
from dutytrace.store.catalog import Catalog
from tests.pg_server import PgServer, Unavailable


@pytest.fixture(scope="module")
def pg_url():
    shared = os.environ.get("DUTYTRACE_TEST_DATABASE_SERVER")
    if shared:  # the suite's PostgreSQL pass (conftest.py): its server, a database of this module's own
        from dutytrace.store.db import database_for

        yield database_for(shared, f"module-{uuid.uuid4().hex}")
        return
    try:
        server = PgServer()
    except Unavailable as e:
        pytest.skip(str(e))
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def pg_service(pg_url, archive, settings_factory):
    svc = Dutytrace(settings_factory(database_url=pg_url))
    report = svc.ingest([archive])
    assert report.failed == [], report.failed
    yield svc, report
    svc.close()


def test_ingest_into_postgres_matches_sqlite(pg_service, service):
    svc, report = pg_service
    assert report.ingested == len(service.catalog.documents()) > 0
    pg, lite = svc.catalog, service.catalog
    assert [d["doc_id"] for d in pg.documents()] == [d["doc_id"] for d in lite.documents()]
    assert pg.case_ids() == lite.case_ids()
    assert pg.chunk_count() == lite.chunk_count()
    doc = lite.documents()[0]
    assert pg.pages(doc["doc_id"]) == lite.pages(doc["doc_id"])
    assert pg.chunks(doc["doc_id"]) == lite.chunks(doc["doc_id"])
    assert pg.document(doc["doc_id"])["analysis"] == doc["analysis"]
    assert svc.case("case-mine")["title"] == service.case("case-mine")["title"]


def test_search_over_postgres_catalog(pg_service, service):
    svc, _ = pg_service
    a = svc.search_cases("瓦斯爆炸 隐瞒事故", limit=3)
    b = service.search_cases("瓦斯爆炸 隐瞒事故", limit=3)
    assert a and [c.case_id for c in a] == [c.case_id for c in b]
    assert a[0].case_id == "case-mine"


def test_reingest_changes_nothing(pg_service, archive):
    svc, _ = pg_service
    before = svc.catalog.chunk_count(), len(svc.catalog.documents())
    again = svc.ingest([archive])
    assert again.failed == [] and again.ingested == 0 and again.unchanged == before[1]
    assert (svc.catalog.chunk_count(), len(svc.catalog.documents())) == before


def test_second_host_sees_the_archive(pg_service, pg_url):
    svc, _ = pg_service
    other = Catalog(pg_url)  # another process/host on the same database
    try:
        assert other.case_ids() == svc.catalog.case_ids()
        assert other.chunk_count() == svc.catalog.chunk_count()
        doc = svc.catalog.documents()[0]
        other.review_tag(doc["case_id"], doc["doc_id"], "dereliction_of_duty", "rejected", "ann")
        other.review_tag(doc["case_id"], doc["doc_id"], "dereliction_of_duty", "confirmed", "bob")  # replaces
        assert svc.catalog.reviews(doc["case_id"]) == {(doc["doc_id"], "dereliction_of_duty"): "confirmed"}
    finally:
        other.close()


def test_failed_transaction_leaves_nothing(pg_url):
    cat = Catalog(pg_url)
    try:
        with pytest.raises(RuntimeError):
            with cat.transaction() as db:
                db.execute("INSERT INTO cases(case_id, title, updated) VALUES (?,?,?)", ("tx-case", "t", 1.0))
                raise RuntimeError("abort")
        assert cat.case_row("tx-case") is None
        cat.set_case_meta("tx-case", {"title": "kept", "region": "50% 区"})  # a % in a bound value survives (the SQL text itself has none)
        assert cat.case_row("tx-case") == {"case_id": "tx-case", "title": "kept",
                                           "meta": {"title": "kept", "region": "50% 区"}}
    finally:
        cat.close()
