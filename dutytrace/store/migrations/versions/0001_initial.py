"""Revision 0001: the catalog's schema as it was when migrations began (the tables every earlier
version created with CREATE TABLE IF NOT EXISTS at open, with the columns they added later), and the
audit log made append-only by triggers on both databases.

A catalog made before migrations (no alembic_version table) is brought here without losing a row:
every step is conditional (a table or index is created only where it is missing, `documents.content`
and `cases.rev` are added only where absent), so the same revision serves a new catalog and an old one.
Stored case profiles are a cache (profile.py rebuilds a missing one when it is read): a table of them
in a development build's layout is made again, empty.

The tables are written out here, frozen, rather than imported from store/schema.py: a later change to
the schema is a later revision, and this one must keep creating what it created."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import BigInteger, Column, Double, Index, Integer, MetaData, PrimaryKeyConstraint, Table, Text, text

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

metadata = MetaData()

Int = BigInteger().with_variant(Integer(), "sqlite")
Real: Double[float] = Double()


def _json(default: str):
    return text(f"'{default}'")


cases = Table(
    "cases", metadata,
    Column("case_id", Text, primary_key=True), Column("title", Text),
    Column("meta", Text, nullable=False, server_default=_json("{}")), Column("updated", Real),
    Column("rev", Int, nullable=False, server_default=text("0")))

documents = Table(
    "documents", metadata,
    Column("doc_id", Text, primary_key=True), Column("case_id", Text, nullable=False),
    Column("path", Text, nullable=False), Column("name", Text, nullable=False), Column("kind", Text, nullable=False),
    Column("language", Text, nullable=False), Column("fmt", Text, nullable=False), Column("pages", Int, nullable=False),
    Column("meta", Text, nullable=False, server_default=_json("{}")),
    Column("analysis", Text, nullable=False, server_default=_json("{}")),
    Column("indexed", Int, nullable=False, server_default=text("0")), Column("ingested_at", Real, nullable=False),
    Column("content", Text),
    Index("documents_case", "case_id"), Index("documents_path", "case_id", "path", unique=True),
    Index("documents_content", "case_id", "content"))

pages = Table(
    "pages", metadata,
    Column("doc_id", Text, nullable=False), Column("page", Int, nullable=False), Column("text", Text, nullable=False),
    Column("ocr", Int, nullable=False, server_default=text("0")),
    PrimaryKeyConstraint("doc_id", "page"))

chunks = Table(
    "chunks", metadata,
    Column("chunk_id", Text, primary_key=True), Column("doc_id", Text, nullable=False),
    Column("case_id", Text, nullable=False), Column("seq", Int, nullable=False), Column("page", Int, nullable=False),
    Column("start", Int, nullable=False), Column("end", Int, nullable=False), Column("text", Text, nullable=False),
    Column("speaker", Text), Column("section", Text), Column("ocr", Int, nullable=False, server_default=text("0")),
    Column("tags", Text, nullable=False, server_default=_json("[]")),
    Index("chunks_doc", "doc_id"))

tag_reviews = Table(
    "tag_reviews", metadata,
    Column("case_id", Text, nullable=False), Column("doc_id", Text, nullable=False), Column("tag", Text, nullable=False),
    Column("decision", Text, nullable=False), Column("reviewer", Text), Column("at", Real, nullable=False),
    PrimaryKeyConstraint("case_id", "doc_id", "tag"))

journal = Table(
    "journal", metadata,
    Column("id", Int, primary_key=True, autoincrement=True), Column("run", Text, nullable=False),
    Column("path", Text, nullable=False), Column("status", Text, nullable=False), Column("error", Text),
    Column("doc_id", Text), Column("at", Real, nullable=False),
    Index("journal_run", "run", "status"), sqlite_autoincrement=True)

runs = Table(
    "runs", metadata,
    Column("run", Text, primary_key=True), Column("started", Real, nullable=False), Column("finished", Real),
    Column("status", Text, nullable=False), Column("args", Text, nullable=False, server_default=_json("{}")),
    Column("summary", Text, nullable=False, server_default=_json("{}")))

tombstones = Table(
    "tombstones", metadata,
    Column("chunk_id", Text, primary_key=True), Column("doc_id", Text, nullable=False))

stale_cases = Table("stale_cases", metadata, Column("case_id", Text, primary_key=True))

file_stamps = Table(
    "file_stamps", metadata,
    Column("path", Text, primary_key=True), Column("size", Int, nullable=False), Column("mtime_ns", Int, nullable=False),
    Column("doc_id", Text, nullable=False))

bm25_df = Table(
    "bm25_df", metadata,
    Column("case_id", Text, nullable=False), Column("term", Int, nullable=False), Column("n", Int, nullable=False),
    PrimaryKeyConstraint("case_id", "term"), Index("bm25_df_terms", "term", "case_id", "n"))

bm25_chunks = Table(
    "bm25_chunks", metadata,
    Column("case_id", Text, primary_key=True), Column("n", Int, nullable=False))

catalog_meta = Table(
    "catalog_meta", metadata,
    Column("key", Text, primary_key=True), Column("value", Text, nullable=False))

case_profiles = Table(
    "case_profiles", metadata,
    Column("case_id", Text, primary_key=True), Column("rev", Int, nullable=False), Column("reviews_n", Int, nullable=False),
    Column("reviews_at", Real, nullable=False), Column("profile_schema", Int, nullable=False),
    Column("codebook", Text, nullable=False), Column("profile", Text, nullable=False),
    Column("concepts", Text, nullable=False), Column("updated", Real, nullable=False))

case_terms = Table(
    "case_terms", metadata,
    Column("case_id", Text, nullable=False), Column("kind", Text, nullable=False), Column("term", Text, nullable=False),
    Column("w", Real, nullable=False),
    PrimaryKeyConstraint("case_id", "kind", "term"), Index("case_terms_term", "kind", "term", "case_id", "w"))

# the investigator's desk (store/desk.py)
review_log = Table(
    "review_log", metadata,
    Column("id", Text, primary_key=True), Column("case_id", Text, nullable=False), Column("doc_key", Text, nullable=False),
    Column("tag", Text, nullable=False), Column("evidence", Text, nullable=False, server_default=text("''")),
    Column("before", Text), Column("after", Text), Column("tag_before", Text), Column("tag_after", Text),
    Column("by_user", Text, nullable=False), Column("at", Real, nullable=False), Column("undo_of", Text),
    Column("undone", Int, nullable=False, server_default=text("0")),
    Index("review_log_case", "case_id", "tag"))

evidence_reviews = Table(
    "evidence_reviews", metadata,
    Column("case_id", Text, nullable=False), Column("doc_key", Text, nullable=False), Column("tag", Text, nullable=False),
    Column("evidence", Text, nullable=False), Column("decision", Text, nullable=False), Column("reviewer", Text),
    Column("at", Real, nullable=False), Column("page", Int), Column("text", Text),
    PrimaryKeyConstraint("case_id", "doc_key", "tag", "evidence"))

pins = Table(
    "pins", metadata,
    Column("owner", Text, nullable=False), Column("workset", Text, nullable=False), Column("case_id", Text, nullable=False),
    Column("at", Real, nullable=False),
    PrimaryKeyConstraint("owner", "workset", "case_id"))

notes = Table(
    "notes", metadata,
    Column("id", Text, primary_key=True), Column("case_id", Text, nullable=False), Column("chunk_id", Text),
    Column("doc_id", Text), Column("page", Int), Column("author", Text, nullable=False), Column("at", Real, nullable=False),
    Column("text", Text, nullable=False),
    Index("notes_case", "case_id"))

# measure follow-up (store/measures.py)
measure_status = Table(
    "measure_status", metadata,
    Column("item_id", Text, primary_key=True), Column("case_id", Text, nullable=False), Column("status", Text, nullable=False),
    Column("note", Text), Column("checked", Text), Column("checked_by", Text), Column("updated", Real, nullable=False),
    Index("measure_status_case", "case_id"))

saved_searches = Table(
    "saved_searches", metadata,
    Column("id", Text, primary_key=True), Column("owner", Text, nullable=False), Column("name", Text, nullable=False),
    Column("query", Text, nullable=False), Column("mode", Text, nullable=False), Column("sort", Text, nullable=False),
    Column("filters", Text, nullable=False), Column("created", Real, nullable=False),
    Index("saved_searches_owner", "owner", "created"))

ui_sessions = Table(
    "ui_sessions", metadata,
    Column("token_hash", Text, primary_key=True), Column("name", Text, nullable=False), Column("created", Real, nullable=False),
    Column("last_seen", Real, nullable=False), Column("expires", Real, nullable=False),
    Index("ui_sessions_name", "name"))

# the audit log: append-only (triggers refuse UPDATE and DELETE on both databases: migrations/)
audit = Table(
    "audit", metadata,
    Column("id", Int, primary_key=True, autoincrement=True), Column("at", Real, nullable=False),
    Column("user", Text, nullable=False), Column("action", Text, nullable=False), Column("target", Text),
    Column("detail", Text, nullable=False, server_default=_json("{}")),
    Index("audit_at", "at"), sqlite_autoincrement=True)

# near-duplicate documents (dedupe.py)
doc_signatures = Table(
    "doc_signatures", metadata,
    Column("doc_id", Text, primary_key=True), Column("sig", Text, nullable=False))

doc_bands = Table(
    "doc_bands", metadata,
    Column("band", Text, nullable=False), Column("doc_id", Text, nullable=False),
    Index("doc_bands_band", "band"))

near_duplicates = Table(
    "near_duplicates", metadata,
    Column("doc_id", Text, primary_key=True), Column("dup_of", Text, nullable=False),
    Column("similarity", Real, nullable=False))

# users and per-case grants (security.py)
users = Table(
    "users", metadata,
    Column("name", Text, primary_key=True), Column("role", Text, nullable=False), Column("clearance", Text, nullable=False),
    Column("password_hash", Text, nullable=False), Column("disabled", Int, nullable=False, server_default=text("0")),
    Column("created", Real, nullable=False))

grants = Table(
    "grants", metadata,
    Column("name", Text, nullable=False), Column("case_id", Text, nullable=False),
    PrimaryKeyConstraint("name", "case_id"))


APPEND_ONLY = "the audit log is append-only"
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END",
    f"CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END",
]
POSTGRES_TRIGGERS = [
    "CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$",
    "DROP TRIGGER IF EXISTS audit_no_change ON audit",
    "CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
    "DROP TRIGGER IF EXISTS audit_no_truncate ON audit",
    "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
]


def upgrade() -> None:
    bind = op.get_bind()
    insp = sa.inspect(bind)
    have = set(insp.get_table_names())
    # columns that versions before them lacked
    if "documents" in have and "content" not in {c["name"] for c in insp.get_columns("documents")}:
        op.add_column("documents", Column("content", Text))
    if "documents" in have:  # before per-case document ids the id was the bytes' hash
        op.execute("UPDATE documents SET content = doc_id WHERE content IS NULL")
    if "cases" in have and "rev" not in {c["name"] for c in insp.get_columns("cases")}:
        op.add_column("cases", Column("rev", Int, nullable=False, server_default=text("0")))
    if "case_profiles" in have and "profile_schema" not in {c["name"] for c in insp.get_columns("case_profiles")}:
        # a development build's table of stored profiles (its column was `schema`): a cache, rebuilt when read
        op.drop_table("case_profiles")
        op.execute("DELETE FROM case_terms")
    op.execute("DROP INDEX IF EXISTS bm25_df_term")  # replaced by the covering bm25_df_terms
    for table in metadata.sorted_tables:
        table.create(bind, checkfirst=True)
        for index in table.indexes:
            index.create(bind, checkfirst=True)
    for stmt in POSTGRES_TRIGGERS if bind.dialect.name == "postgresql" else SQLITE_TRIGGERS:
        op.execute(stmt)


def downgrade() -> None:
    raise NotImplementedError("the first revision is not taken back: a catalog is never emptied by a migration")
