"""The catalog's database connection: SQLite by default, PostgreSQL when DUTYTRACE_DATABASE_URL is a
postgresql:// URL (so that several hosts can ingest into one archive).

The catalog is written in SQLite's dialect against sqlite3's connection API (`execute`, `executemany`,
`executescript`, `with conn:` as a transaction, rows that index by position and by name). For
PostgreSQL, `PgConnection` offers that same API over psycopg 3 and translates the few dialect
differences the catalog uses:

- placeholders `?` -> `%s` (and a literal `%` -> `%%`);
- `INSERT OR IGNORE INTO t ...` -> `INSERT INTO t ... ON CONFLICT DO NOTHING`;
- `INSERT OR REPLACE INTO t [(cols)] VALUES ...` -> `... ON CONFLICT (primary key) DO UPDATE SET` the
  other columns (the key and the columns are read from the table);
- in DDL: `INTEGER PRIMARY KEY AUTOINCREMENT` -> `BIGSERIAL PRIMARY KEY`, `INTEGER` -> `BIGINT`,
  `REAL` -> `DOUBLE PRECISION`;
- the column names `end` and `user` (reserved in PostgreSQL) are quoted.

(The catalog sends its `PRAGMA`s only to SQLite.)

Threads. The UI serves many sessions from one process, each on its own thread, over one catalog. One
sqlite3 connection shared by threads interleaves their statements and transactions (a statement of
one thread inside another's transaction, a cursor read while another thread executes), so
`SqliteConnection` gives each thread its own connection to the same file (WAL: readers do not block
the writer, and a writer waits up to its timeout for another). An in-memory database (one per
connection) keeps one connection, and each call runs and reads its rows under a lock.
`PgConnection` serialises the threads on its one connection (psycopg reads a result whole).

Full or read-only disks become DiskFull / HomeNotWritable (store/disk.py), never a traceback.

Convention that makes this safe: SQL keywords are written in upper case, identifiers in lower case."""

from __future__ import annotations

import re
import sqlite3
import threading
import weakref
from pathlib import Path

_RESERVED = re.compile(r"\b(end|user)\b")  # column names the catalog and its neighbours use that PostgreSQL reserves
_INSERT = re.compile(r"^\s*INSERT\s+OR\s+(IGNORE|REPLACE)\s+INTO\s+(\w+)\s*(\(([^)]*)\))?", re.S)


def is_postgres_url(target) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


class Row(dict):
    """A row addressable like sqlite3.Row: by column name and by position."""

    def __getitem__(self, key):
        if isinstance(key, int):
            return list(self.values())[key]
        return super().__getitem__(key)

    def keys(self):  # noqa: D102 - like sqlite3.Row.keys()
        return list(super().keys())


def _row_factory(cursor):
    names = [c.name for c in cursor.description or []]
    return lambda values: Row(zip(names, values))


def translate_ddl(sql: str) -> str:
    sql = re.sub(r"INTEGER\s+PRIMARY\s+KEY\s+AUTOINCREMENT", "BIGSERIAL PRIMARY KEY", sql)
    sql = re.sub(r"\bINTEGER\b", "BIGINT", sql)
    sql = re.sub(r"\bREAL\b", "DOUBLE PRECISION", sql)
    return _RESERVED.sub(r'"\1"', sql)


class PgConnection:
    """psycopg 3 behind the part of sqlite3.Connection's API that the catalog uses."""

    def __init__(self, url: str):
        try:
            import psycopg
        except ImportError as e:  # pragma: no cover - psycopg is a dependency
            raise RuntimeError("DUTYTRACE_DATABASE_URL is a PostgreSQL URL but psycopg is not installed") from e
        self.conn = psycopg.connect(url, autocommit=True, row_factory=_row_factory)
        self._lock = threading.RLock()
        self._tx: list = []
        self._tables: dict[str, tuple[list[str], list[str]]] = {}

    # -- sqlite3.Connection's API ------------------------------------------------------------------
    def execute(self, sql: str, params=()):
        with self._lock:
            return self.conn.execute(self._translate(sql), tuple(params) or None)

    def executemany(self, sql: str, seq):
        with self._lock:
            cur = self.conn.cursor()
            cur.executemany(self._translate(sql), [tuple(p) for p in seq])
            return cur

    def executescript(self, script: str) -> None:
        with self._lock:
            for stmt in (s.strip() for s in script.split(";")):
                if stmt:
                    self.conn.execute(translate_ddl(stmt))

    def __enter__(self):
        self._lock.acquire()
        tx = self.conn.transaction()
        tx.__enter__()
        self._tx.append(tx)
        return self

    def __exit__(self, *exc):
        try:
            return self._tx.pop().__exit__(*exc)
        finally:
            self._lock.release()

    def close(self) -> None:
        self.conn.close()

    # -- dialect -------------------------------------------------------------------------------------
    def _translate(self, sql: str) -> str:
        m = _INSERT.match(sql)
        if m:
            verb, table, cols = m.group(1), m.group(2), m.group(4)
            head = f"INSERT INTO {table}" + (f"({cols})" if cols else "")
            sql = head + " " + sql[m.end():].lstrip()
            if verb == "IGNORE":
                sql += " ON CONFLICT DO NOTHING"
            else:
                key, columns = self._table(table)
                written = [c.strip() for c in cols.split(",")] if cols else columns
                rest = [c for c in written if c not in key]
                action = ("DO UPDATE SET " + ", ".join(f"{c}=EXCLUDED.{c}" for c in rest)) if rest else "DO NOTHING"
                sql += f" ON CONFLICT ({', '.join(key)}) {action}"
        sql = _RESERVED.sub(r'"\1"', sql.replace("%", "%%").replace("?", "%s"))
        return sql

    def _table(self, table: str) -> tuple[list[str], list[str]]:
        if table not in self._tables:
            cols = [r[0] for r in self.conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name=%s AND table_schema=current_schema()"
                " ORDER BY ordinal_position", (table,))]
            key = [r[0] for r in self.conn.execute(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid=i.indrelid AND a.attnum=ANY(i.indkey)"
                " WHERE i.indrelid=%s::regclass AND i.indisprimary", (table,))]
            self._tables[table] = (key, cols)
        return self._tables[table]


class _Rows(list):
    """The rows of a statement, read whole (what an in-memory catalog's execute returns)."""

    def fetchone(self):
        return self[0] if self else None

    def fetchall(self):
        return list(self)


class SqliteConnection:
    """A SQLite catalog file behind sqlite3.Connection's API, one connection per thread (see above)."""

    PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON")

    def __init__(self, path: str, timeout: float = 30.0):
        self.path = str(path)
        self.timeout = timeout
        self.memory = self.path == ":memory:"
        self._local = threading.local()
        self._all: list[tuple[weakref.ref, sqlite3.Connection]] = []  # (thread, its connection)
        self._lock = threading.RLock()  # an in-memory database: one connection for every thread
        self._closed = False
        self.home = Path(self.path).parent if not self.memory else None
        if not self.memory:
            try:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise self._clear(e) from None
        self._shared = self._open() if self.memory else None
        if not self.memory:
            self._conn()  # open (and check) now, in the creating thread

    def _open(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, check_same_thread=False, timeout=self.timeout)
            conn.row_factory = sqlite3.Row
            for pragma in self.PRAGMAS:
                conn.execute(pragma)
        except sqlite3.Error as e:
            raise self._clear(e) from None
        return conn

    def _conn(self) -> sqlite3.Connection:
        if self._closed:
            raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
        if self._shared is not None:
            return self._shared
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._open()
            with self._lock:  # close the connections of threads that have finished (Streamlit runs a thread per rerun)
                done = [c for t, c in self._all if (th := t()) is None or not th.is_alive()]
                self._all = [(t, c) for t, c in self._all if (th := t()) is not None and th.is_alive()]
                self._all.append((weakref.ref(threading.current_thread()), conn))
            for c in done:
                c.close()
        return conn

    def _clear(self, e: Exception) -> Exception:
        """DiskFull / HomeNotWritable for a full or read-only disk; otherwise the error itself."""
        from dutytrace.store.disk import storage_error

        if self.home is None:
            return e
        clear = storage_error(e, self.home)
        if clear is None and isinstance(e, sqlite3.OperationalError) and "unable to open database" in str(e):
            from dutytrace.store.disk import not_writable

            clear = not_writable(self.home, f"cannot open {self.path}")
        return clear or e

    def _run(self, fn, *args):
        try:
            if self._shared is not None:
                with self._lock:
                    cur = fn(self._shared, *args)
                    return _Rows(cur.fetchall())
            return fn(self._conn(), *args)
        except (sqlite3.OperationalError, OSError) as e:
            clear = self._clear(e)
            if clear is e:
                raise
            raise clear from None

    # -- sqlite3.Connection's API ------------------------------------------------------------------
    def execute(self, sql: str, params=()):
        return self._run(lambda c, q, p: c.execute(q, p), sql, params)

    def executemany(self, sql: str, seq):
        return self._run(lambda c, q, p: c.executemany(q, p), sql, seq)

    def executescript(self, script: str) -> None:
        self._run(lambda c, q: c.executescript(q), script)

    def __enter__(self):
        if self._shared is not None:
            self._lock.acquire()
        self._conn().__enter__()
        return self

    def __exit__(self, *exc):
        try:
            return self._conn().__exit__(*exc)
        except (sqlite3.OperationalError, OSError) as e:
            clear = self._clear(e)
            if clear is e:
                raise
            raise clear from None
        finally:
            if self._shared is not None:
                self._lock.release()

    def close(self) -> None:
        """Close every thread's connection."""
        with self._lock:
            self._closed = True
            conns = [c for _, c in self._all] + ([self._shared] if self._shared is not None else [])
            self._all = []
        for conn in conns:
            try:
                conn.close()
            except sqlite3.Error:
                pass
