"""The catalog's schema, once, for SQLite and PostgreSQL: SQLAlchemy Core tables.

The catalog proper (cases, documents, pages, chunks, tag reviews, the ingest journal), the state of a
resumable bulk ingest (runs, tombstones, stale cases, file stamps), the BM25 document frequencies per
case, stored case profiles and their candidate terms, the investigator's desk (review history,
evidence decisions, pins, notes), measure follow-up, saved searches, UI sessions, the audit log,
near-duplicate signatures, users and grants.

Integers are BIGINT on PostgreSQL (file sizes, nanosecond times) and INTEGER on SQLite (where an
INTEGER PRIMARY KEY is the rowid); floating values are double precision on both. A change to this
schema goes with a new Alembic revision in store/migrations/versions/ (store/migrate_schema.py runs
them when a catalog is opened)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Double, Index, Integer, MetaData, PrimaryKeyConstraint, Table, Text, text

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
    Column("reader", Text),  # revision 0004: what analysed it (nlp.analyze.reader_stamp); NULL: made before
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

# the archive-wide sums of bm25_df per term, and (row TOTAL_CHUNKS) of bm25_chunks: a search over every
# case reads one row per query term, whatever the number of cases; kept in the transaction that changes
# bm25_df (store/catalog.py), made and filled from bm25_df by revision 0002
TOTAL_CHUNKS = -1  # BM25 term ids are unsigned: this row counts the chunks with a BM25 vector
bm25_totals = Table(
    "bm25_totals", metadata,
    Column("term", Int, primary_key=True, autoincrement=False), Column("n", Int, nullable=False))

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
    # revision 0003: an edit keeps the note's id and creation time and marks when and by whom; a deleted
    # note stays as a row, out of every view (its text is in the audit log's `note_delete` entry)
    Column("edited_at", Real), Column("edited_by", Text), Column("deleted_at", Real), Column("deleted_by", Text),
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
