"""Schema migrations of the catalog (Alembic), run by the catalog itself when it is opened: no
alembic.ini, no command to remember. The revisions are in versions/; revision 0001 is the schema as
it was when migrations began and also brings a catalog made before them (no `alembic_version` table)
up to it, keeping every row.

Opening is cheap when there is nothing to do: one read of the version and of the table names, and no
write, so that opening a catalog never waits for another process's write. When there is something to
do, one process does it: on SQLite inside a `BEGIN IMMEDIATE` transaction (the file's write lock, so
DDL and the version row are one transaction), on PostgreSQL under a transaction-scoped advisory lock;
whoever waited finds the work done.

For a developer: `alembic -c dutytrace/store/migrations/alembic.ini revision -m "..."` writes a new
revision file (DUTYTRACE_DATABASE_URL or the home's catalog for --autogenerate)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, inspect, text

HERE = Path(__file__).parent
_LOCK_KEY = 0x64757479  # PostgreSQL advisory lock of catalog migrations ('duty')


def _script():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(HERE))
    return config, ScriptDirectory.from_config(config)


# The newest revision in versions/ (a test checks it against Alembic's own reading): opening a current
# catalog compares it with the stored one without loading Alembic.
HEAD = "0004"


def head() -> str:
    return _script()[1].get_current_head() or ""


def current(conn: Connection) -> str | None:
    if "alembic_version" not in inspect(conn).get_table_names():
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _complete(conn: Connection) -> bool:
    from dutytrace.store.schema import metadata

    insp = inspect(conn)
    if not set(metadata.tables) <= set(insp.get_table_names()):
        return False
    return all(column in {c["name"] for c in insp.get_columns(table)}
               for table, column in (("documents", "content"), ("cases", "rev")))


def _run(conn: Connection) -> None:
    from alembic.runtime.environment import EnvironmentContext

    config, script = _script()

    def upgrade(rev, context):
        return script._upgrade_revs("head", rev)

    with EnvironmentContext(config, script, fn=upgrade, destination_rev="head") as env:
        env.configure(connection=conn, transactional_ddl=True)
        env.run_migrations()


def _repair(conn: Connection) -> None:
    """A catalog at the head revision that lacks a table or one of the columns the schema adds (a home
    someone edited by hand, or made by a development version): created again, empty or as it was."""
    from dutytrace.store.schema import cases, documents, metadata

    insp = inspect(conn)
    have = set(insp.get_table_names())
    for table, column in ((documents, "content"), (cases, "rev")):  # columns first: indexes may use them
        if table.name in have and column not in {c["name"] for c in insp.get_columns(table.name)}:
            col = table.c[column]
            ddl = col.type.compile(conn.dialect)
            default = " NOT NULL DEFAULT 0" if column == "rev" else ""
            conn.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {column} {ddl}{default}"))
    for table in metadata.sorted_tables:
        table.create(conn, checkfirst=True)
        for index in table.indexes:
            index.create(conn, checkfirst=True)
    conn.execute(text("UPDATE documents SET content = doc_id WHERE content IS NULL"))
    if "bm25_totals" not in have:  # the sums of the per-case rows, as revision 0002 fills them
        conn.execute(text("INSERT INTO bm25_totals (term, n) SELECT term, SUM(n) FROM bm25_df GROUP BY term HAVING SUM(n) > 0"))
        conn.execute(text("INSERT INTO bm25_totals (term, n) SELECT -1, SUM(n) FROM bm25_chunks HAVING SUM(n) > 0"))


def upgrade(db) -> str:
    """Bring the catalog of `db` (store/db.py Database) to the head revision; returns what was done:
    'current', 'created', 'upgraded from <rev>', 'stamped (made before migrations)' or 'repaired'."""
    want = HEAD
    with db.connect() as conn:
        at = current(conn)
        complete = _complete(conn)
    if at == want and complete:
        return "current"
    with db.engine.connect() as conn:
        if db.dialect == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock: one process migrates
        else:
            conn.begin()
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
        try:
            at = current(conn)
            legacy = at is None and "documents" in set(inspect(conn).get_table_names())
            if at != want:
                _run(conn)
                done = "created" if at is None and not legacy else (
                    "stamped (made before migrations)" if legacy else f"upgraded from {at}")
            else:
                done = "current"  # another process did it while this one waited
            if not _complete(conn):
                _repair(conn)
                done = "repaired" if done == "current" else done
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
    return done
