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

Convention that makes this safe: SQL keywords are written in upper case, identifiers in lower case."""

from __future__ import annotations

import re
import threading

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
