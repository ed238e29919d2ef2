"""The catalog on a real PostgreSQL server (DUTYTRACE_DATABASE_URL): the test starts its own server
(initdb into a temporary folder, pg_ctl on a free localhost port, as the `postgres` system user when
run as root, since PostgreSQL refuses to run as root) and ingests the test archive through the whole
service. Skipped, with the reason, only when the PostgreSQL server binaries are not installed (Debian
package `postgresql`, which scripts/setup.sh installs)."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from dutytrace.service import Dutytrace
from dutytrace.store.catalog import Catalog


def _bindir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(dirs[-1]).parent if dirs else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def pg_url():
    bindir = _bindir()
    if bindir is None or not (bindir / "pg_ctl").exists():
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed: apt-get install postgresql")
    prefix: list[str] = []
    data = Path(tempfile.mkdtemp(prefix="dutytrace-pg-"))
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no `postgres` system user to run the server as")
        os.chown(data, user.pw_uid, user.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    run = lambda *cmd: subprocess.run(prefix + list(cmd), check=True, capture_output=True, text=True)  # noqa: E731
    run(str(bindir / "initdb"), "-D", str(data / "db"), "-U", "postgres", "--auth=trust", "-E", "UTF8",
        "--locale=C.UTF-8")
    run(str(bindir / "pg_ctl"), "-D", str(data / "db"), "-l", str(data / "server.log"), "-w", "-t", "60",
        "-o", f"-p {port} -k {data} -c listen_addresses=127.0.0.1", "start")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(prefix + [str(bindir / "pg_ctl"), "-D", str(data / "db"), "-m", "fast", "-w", "stop"],
                       capture_output=True)
        shutil.rmtree(data, ignore_errors=True)


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
