"""The catalog's database: one SQLAlchemy engine with a connection pool, SQLite by default (the file in
the data home) or PostgreSQL when DUTYTRACE_DATABASE_URL is a postgresql:// URL (so that several hosts
can ingest into one archive). The store modules write SQLAlchemy Core statements over the tables of
store/schema.py: one code path for both databases, the dialect chosen by the engine.

Pools and threads. The UI serves many sessions from one process, each on its own thread, over one
catalog. A connection is checked out of the pool by one thread for one read or one transaction and
returned after it, so no two threads ever interleave statements on one connection. SQLite: each pooled
connection opens the file with WAL (readers do not block the writer) and foreign keys on, and waits up
to `timeout` seconds for another writer; ":memory:" keeps one connection (one database) for every
thread, used under a lock. PostgreSQL: a QueuePool (5 connections, 10 more at peaks), checked with a
ping before use (a restarted server does not break the next call).

Full or read-only disks become DiskFull / HomeNotWritable (store/disk.py), never a traceback.

`Database.execute` / `executemany` / `executescript` and `with db:` keep the old connection API for
ad-hoc SQL in tests and one-off scripts: `?` placeholders (bound as parameters), and on PostgreSQL the
two column names it reserves (`user`, `end`) quoted. The catalog itself never goes through it."""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, exc, text
from sqlalchemy.pool import QueuePool, StaticPool


def is_postgres_url(target) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://", "postgresql+psycopg://"))


def engine_url(target: str) -> str:
    """The SQLAlchemy URL of a catalog target: psycopg 3 for PostgreSQL, pysqlite for a file."""
    if is_postgres_url(target):
        rest = target.split("://", 1)[1]
        return "postgresql+psycopg://" + rest
    return "sqlite:///" + target


# The test suite's PostgreSQL pass (tests/conftest.py, `make test-postgres`): a catalog named by a file
# path is put in a database of its own on this server (created on first use, named from the path), so
# every test, and every process a test starts, reaches the same catalog for the same home as on SQLite.
TEST_SERVER_ENV = "DUTYTRACE_TEST_DATABASE_SERVER"
_created: set[str] = set()


def database_for(server_url: str, key: str) -> str:
    """The URL of the database for `key` on the PostgreSQL server at `server_url`, created if absent."""
    import hashlib

    name = "dt_" + hashlib.sha256(key.encode()).hexdigest()[:24]
    base = server_url.rstrip("/")
    url = f"{base}/{name}"
    if url in _created:
        return url
    admin = create_engine(engine_url(f"{base}/postgres"), isolation_level="AUTOCOMMIT", poolclass=StaticPool)
    try:
        with admin.connect() as conn:
            if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is None:
                try:
                    conn.execute(text(f'CREATE DATABASE "{name}"'))
                except exc.DBAPIError:  # another process created it first
                    if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is None:
                        raise
    finally:
        admin.dispose()
    _created.add(url)
    return url


def resolve(target: str) -> str:
    """The catalog target itself, or, under the test suite's PostgreSQL pass, its database there."""
    import os

    server = os.environ.get(TEST_SERVER_ENV)
    if server and not is_postgres_url(target) and target != ":memory:":
        return database_for(server, str(Path(target).resolve()))
    return target


def make_engine(target: str, timeout: float = 30.0) -> Engine:
    """The engine and pool of a catalog: a postgresql:// URL, a SQLite file path or ':memory:'."""
    if is_postgres_url(target):
        import os

        # the test pass opens hundreds of catalogs on one server: each keeps one idle connection, not five
        keep = 1 if os.environ.get(TEST_SERVER_ENV) else 5
        return create_engine(engine_url(target), poolclass=QueuePool, pool_size=keep, max_overflow=15 - keep,
                             pool_pre_ping=True, pool_timeout=60)
    if target == ":memory:":
        engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        engine = create_engine(engine_url(target), poolclass=QueuePool, pool_size=8, max_overflow=-1,
                               connect_args={"check_same_thread": False, "timeout": timeout})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # every new SQLite connection, as the catalog always opened them
        cur = dbapi_conn.cursor()
        if target != ":memory:":
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()
    return engine


class Row(dict):
    """A row addressable by column name and by position (as sqlite3.Row is)."""

    def __getitem__(self, key):
        if isinstance(key, int):
            return list(self.values())[key]
        return super().__getitem__(key)

    def keys(self):  # type: ignore[override]  # noqa: D102 - like sqlite3.Row.keys()
        return list(super().keys())


class Rows(list):
    """The rows of a statement, read whole, with the cursor's fetch API and rowcount."""

    rowcount = -1

    def fetchone(self):
        return self[0] if self else None

    def fetchall(self):
        return list(self)


def rows(result) -> Rows:
    """A SQLAlchemy result as Rows of Row (read whole; an INSERT/UPDATE/DELETE keeps its rowcount)."""
    out = Rows(Row(r._mapping) for r in result.all()) if result.returns_rows else Rows()
    out.rowcount = result.rowcount if not result.returns_rows else len(out)
    return out


_QMARK = re.compile(r"'(?:[^']|'')*'|\?")
_RESERVED = re.compile(r"(?<![\"'\w])\b(user|end)\b(?![\"'])")


class Database:
    """A catalog's engine with the error handling the store needs (see the module's docstring)."""

    def __init__(self, target: str, timeout: float = 30.0):
        self.target = resolve(str(target))
        self.postgres = is_postgres_url(self.target)
        self.memory = self.target == ":memory:"
        self.home = None if self.postgres or self.memory else Path(self.target).parent
        self._memory_lock = threading.RLock()  # ':memory:': one connection, one user at a time
        self._local = threading.local()  # the legacy `with db:` transaction of a thread
        if self.home is not None:
            try:
                self.home.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise self._clear(e) from None
        self.engine = make_engine(self.target, timeout)
        self.dialect = self.engine.dialect.name
        if self.home is not None:
            with self.connect():  # open (and check) the file now, in the creating thread
                pass

    # -- errors --------------------------------------------------------------------------------------
    def _clear(self, e: BaseException) -> BaseException:
        """DiskFull / HomeNotWritable for a full or read-only disk; otherwise the error itself."""
        from dutytrace.store.disk import not_writable, storage_error

        orig = getattr(e, "orig", None) or e
        if self.home is None:
            return e
        clear = storage_error(orig, self.home)
        if clear is None and isinstance(orig, sqlite3.OperationalError) and "unable to open database" in str(orig):
            clear = not_writable(self.home, f"cannot open {self.target}")
        return clear or e

    @contextmanager
    def _errors(self):
        try:
            yield
        except (exc.OperationalError, sqlite3.OperationalError, OSError) as e:
            clear = self._clear(e)
            if clear is e:
                raise
            raise clear from None

    # -- connections ---------------------------------------------------------------------------------
    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A pooled connection for reads (what it began is rolled back when it is returned)."""
        tx = getattr(self._local, "tx", None)
        if tx is not None:  # inside a legacy `with db:` of this thread: the same transaction
            yield tx
            return
        with self._errors(), self._held():
            with self.engine.connect() as conn:
                yield conn

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A pooled connection in a transaction: committed when the block ends, rolled back on an error."""
        tx = getattr(self._local, "tx", None)
        if tx is not None:
            yield tx
            return
        with self._errors(), self._held():
            with self.engine.begin() as conn:
                yield conn

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """begin(), for statements of both kinds (Tx)."""
        with self.begin() as conn:
            yield Tx(self, conn)

    @contextmanager
    def _held(self):
        if self.memory:
            with self._memory_lock:
                yield
        else:
            yield

    def all(self, stmt, params: Any = None) -> Sequence[Any]:
        with self.connect() as conn:
            return (conn.execute(stmt, params) if params is not None else conn.execute(stmt)).all()  # fetchall: one call

    def first(self, stmt, params: Any = None):
        with self.connect() as conn:
            return (conn.execute(stmt, params) if params is not None else conn.execute(stmt)).first()

    def scalar(self, stmt, params: Any = None):
        with self.connect() as conn:
            return (conn.execute(stmt, params) if params is not None else conn.execute(stmt)).scalar()

    def close(self) -> None:
        self.engine.dispose()

    # -- ad-hoc SQL (tests, one-off scripts): the old connection API ---------------------------------
    def legacy(self, sql: str, params: Sequence[Any] | None = None):
        """`?`-placeholder SQL as a text() clause with its parameters bound by name."""
        values = list(params or ())
        names: dict[str, Any] = {}

        def bind(m: re.Match) -> str:
            if m.group(0) != "?":
                return m.group(0)
            name = f"p{len(names)}"
            names[name] = values[len(names)]
            return f":{name}"
        sql = _QMARK.sub(bind, sql)
        if self.postgres:
            sql = _RESERVED.sub(r'"\1"', sql)
        return text(sql), names

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        stmt, bound = self.legacy(sql, params)
        with self.begin() as conn:
            return rows(conn.execute(stmt, bound))

    def executemany(self, sql: str, seq) -> Rows:
        with self.begin() as conn:
            for params in seq:
                stmt, bound = self.legacy(sql, params)
                conn.execute(stmt, bound)
        return Rows()

    def executescript(self, script: str) -> None:
        with self.begin() as conn:
            for stmt in (s.strip() for s in script.split(";")):
                if stmt:
                    conn.execute(self.legacy(stmt)[0])

    def __enter__(self):
        stack = self._local.__dict__.setdefault("stack", [])
        cm = self.begin()
        self._local.tx = cm.__enter__()
        stack.append(cm)
        return self

    def __exit__(self, *exc_info):
        stack = self._local.stack
        cm = stack.pop()
        if not stack:
            self._local.tx = None
        return cm.__exit__(*exc_info)


class Tx:
    """A transaction of the catalog (Database.transaction): SQLAlchemy statements, and ad-hoc `?` SQL
    strings as Database.execute takes them."""

    def __init__(self, db: Database, conn: Connection):
        self.db, self.conn = db, conn

    def execute(self, stmt, params: Any = None):
        if isinstance(stmt, str):
            clause, bound = self.db.legacy(stmt, params)
            return rows(self.conn.execute(clause, bound))
        return self.conn.execute(stmt, params) if params is not None else self.conn.execute(stmt)

    def executemany(self, stmt, seq) -> None:
        for params in seq:
            self.execute(stmt, params)


def _insert(conn_or_tx, table):
    dialect = (conn_or_tx.conn if isinstance(conn_or_tx, Tx) else conn_or_tx).dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    from sqlalchemy.dialects.sqlite import insert as lite_insert

    return lite_insert(table)


def insert_ignore(tx, table, values) -> None:
    """INSERT rows (a dict or a list of dicts), skipping those whose key is taken (ON CONFLICT DO NOTHING)."""
    if isinstance(values, list) and not values:
        return
    tx.execute(_insert(tx, table).on_conflict_do_nothing(), values)


def upsert(tx, table, values, set_: Callable[[Any], dict] | None = None) -> None:
    """INSERT rows, updating those whose primary key is taken: the columns given (or `set_`, a function
    of the statement's `excluded` row giving {column: expression})."""
    if isinstance(values, list) and not values:
        return
    first = values[0] if isinstance(values, list) else values
    stmt = _insert(tx, table)
    key = [c.name for c in table.primary_key.columns]
    update = set_(stmt.excluded) if set_ is not None else {c: stmt.excluded[c] for c in first if c not in key}
    stmt = stmt.on_conflict_do_update(index_elements=key, set_=update) if update else stmt.on_conflict_do_nothing()
    tx.execute(stmt, values)
