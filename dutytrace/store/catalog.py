"""The catalog: cases, documents, page text, chunks, analysis, tag reviews and the ingest journal, in
SQLite (WAL). It is the system of record: the vector index can be rebuilt from it."""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path

from dutytrace.models import Analysis, Chunk, Document
from dutytrace.store.db import PgConnection, SqliteConnection, is_postgres_url

SCHEMA = """
CREATE TABLE IF NOT EXISTS cases (
  case_id TEXT PRIMARY KEY, title TEXT, meta TEXT NOT NULL DEFAULT '{}', updated REAL);
CREATE TABLE IF NOT EXISTS documents (
  doc_id TEXT PRIMARY KEY, case_id TEXT NOT NULL, path TEXT NOT NULL, name TEXT NOT NULL,
  kind TEXT NOT NULL, language TEXT NOT NULL, fmt TEXT NOT NULL, pages INTEGER NOT NULL,
  meta TEXT NOT NULL DEFAULT '{}', analysis TEXT NOT NULL DEFAULT '{}',
  indexed INTEGER NOT NULL DEFAULT 0, ingested_at REAL NOT NULL, content TEXT);
CREATE INDEX IF NOT EXISTS documents_case ON documents(case_id);
CREATE UNIQUE INDEX IF NOT EXISTS documents_path ON documents(case_id, path);
CREATE TABLE IF NOT EXISTS pages (
  doc_id TEXT NOT NULL, page INTEGER NOT NULL, text TEXT NOT NULL, ocr INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (doc_id, page));
CREATE TABLE IF NOT EXISTS chunks (
  chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, case_id TEXT NOT NULL, seq INTEGER NOT NULL,
  page INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, text TEXT NOT NULL,
  speaker TEXT, section TEXT, ocr INTEGER NOT NULL DEFAULT 0, tags TEXT NOT NULL DEFAULT '[]');
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE TABLE IF NOT EXISTS tag_reviews (
  case_id TEXT NOT NULL, doc_id TEXT NOT NULL, tag TEXT NOT NULL, decision TEXT NOT NULL,
  reviewer TEXT, at REAL NOT NULL, PRIMARY KEY (case_id, doc_id, tag));
CREATE TABLE IF NOT EXISTS journal (
  id INTEGER PRIMARY KEY AUTOINCREMENT, run TEXT NOT NULL, path TEXT NOT NULL, status TEXT NOT NULL,
  error TEXT, doc_id TEXT, at REAL NOT NULL);
"""

# Ingest state that makes a bulk ingest resumable after a crash at any moment (see indexing.py):
# runs (what was started, what finished), tombstones (index points of replaced documents still to be
# deleted from the index), stale_cases (cases whose case-level payload must be pushed to the index),
# file_stamps (size and mtime of files seen, to skip unchanged files without reading them).
INGEST_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
  run TEXT PRIMARY KEY, started REAL NOT NULL, finished REAL, status TEXT NOT NULL, args TEXT NOT NULL DEFAULT '{}',
  summary TEXT NOT NULL DEFAULT '{}');
CREATE TABLE IF NOT EXISTS tombstones (chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS stale_cases (case_id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS file_stamps (
  path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, doc_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS journal_run ON journal(run, status);
"""

# BM25 document frequencies per case, kept with the chunks (same transaction), so that a query's IDF
# is computed over the cases a user may see (store/vectors.py): bm25_df counts the chunks of a case that
# hold a term, bm25_chunks the chunks of a case whose BM25 vector is not empty. catalog_meta records
# one-off migrations (the backfill of these tables in a catalog made before them).
TERMS_SCHEMA = """
CREATE TABLE IF NOT EXISTS bm25_df (
  case_id TEXT NOT NULL, term INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (case_id, term));
DROP INDEX IF EXISTS bm25_df_term;
CREATE INDEX IF NOT EXISTS bm25_df_terms ON bm25_df(term, case_id, n);
CREATE TABLE IF NOT EXISTS bm25_chunks (case_id TEXT PRIMARY KEY, n INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS catalog_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

# Case profiles kept, not recomputed (profile.py): one row per case, valid while the case's revision
# (cases.rev, raised by every write to its documents, analyses or metadata), its tag reviews (count and
# latest time: reviews are also written outside this module) and the profile schema are those it was
# built from. case_terms lists what similar-case candidates are looked up by: the case's decided tags
# ('tag'), its accident type ('type') and its codebook concepts ('concept', w = count / norm).
PROFILE_SCHEMA = """
CREATE TABLE IF NOT EXISTS case_profiles (
  case_id TEXT PRIMARY KEY, rev INTEGER NOT NULL, reviews_n INTEGER NOT NULL, reviews_at REAL NOT NULL,
  profile_schema INTEGER NOT NULL, codebook TEXT NOT NULL, profile TEXT NOT NULL, concepts TEXT NOT NULL,
  updated REAL NOT NULL);
CREATE TABLE IF NOT EXISTS case_terms (
  case_id TEXT NOT NULL, kind TEXT NOT NULL, term TEXT NOT NULL, w REAL NOT NULL,
  PRIMARY KEY (case_id, kind, term));
CREATE INDEX IF NOT EXISTS case_terms_term ON case_terms(kind, term, case_id, w);
"""


class Catalog:
    def __init__(self, path: Path | str):
        self.path = str(path)
        self.db: PgConnection | SqliteConnection
        if is_postgres_url(self.path):  # DUTYTRACE_DATABASE_URL: same API, PostgreSQL dialect (store/db.py)
            self.db = PgConnection(self.path)
        else:  # one connection per thread (store/db.py): the UI's sessions share this catalog
            self.db = SqliteConnection(self.path)
        self.db.executescript(SCHEMA)
        self.db.executescript(INGEST_SCHEMA)
        self.db.executescript(TERMS_SCHEMA)
        self.db.executescript(PROFILE_SCHEMA)
        self._migrate()

    def _add_column(self, table: str, column: str, ddl: str) -> None:
        """Add a column a catalog made by an earlier version lacks (a read when it is there already)."""
        probe = f"SELECT {column} FROM {table} LIMIT 1"
        try:
            self.db.execute(probe).fetchall()
        except Exception:
            try:
                with self.transaction() as tx:
                    tx.execute(f"ALTER TABLE {table} ADD COLUMN {column} {ddl}")
            except Exception:  # another process added it first
                self.db.execute(probe).fetchall()

    def _migrate(self) -> None:
        """Bring a catalog made by an earlier version up to date (cheap when there is nothing to do: reads
        only, so that opening a catalog never waits for another process's write).
        - documents.content (the bytes' SHA-256): before per-case document ids the id was that hash;
        - the BM25 document frequencies, counted once from the stored chunks."""
        db = self.db
        self._add_column("documents", "content", "TEXT")
        if db.execute("SELECT 1 FROM documents WHERE content IS NULL LIMIT 1").fetchone():
            with self.transaction() as tx:
                tx.execute("UPDATE documents SET content = doc_id WHERE content IS NULL")
        db.execute("CREATE INDEX IF NOT EXISTS documents_content ON documents(case_id, content)")
        self._add_column("cases", "rev", "INTEGER NOT NULL DEFAULT 0")  # the revision a stored profile is checked against
        if db.execute("SELECT 1 FROM catalog_meta WHERE key='bm25_df'").fetchone() is None:
            token = uuid.uuid4().hex  # the write comes first (it takes the lock): one process counts
            with self.transaction() as tx:
                tx.execute("INSERT OR IGNORE INTO catalog_meta(key, value) VALUES ('bm25_df', ?)", (token,))
                if tx.execute("SELECT value FROM catalog_meta WHERE key='bm25_df'").fetchone()[0] == token:
                    tx.execute("DELETE FROM bm25_df")
                    tx.execute("DELETE FROM bm25_chunks")
                    counts = _TermCounts()
                    counts.add((r[0], r[1]) for r in tx.execute("SELECT case_id, text FROM chunks"))
                    counts.write(tx, +1)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[PgConnection | SqliteConnection]:
        with self.db:
            yield self.db

    # -- documents -----------------------------------------------------------------------------
    def document(self, doc_id: str) -> dict | None:
        row = self.db.execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return _doc_row(row) if row else None

    def document_with(self, case_id: str, content: str) -> dict | None:
        """The document of this case with these bytes (the same file filed twice in one case is one document)."""
        row = self.db.execute("SELECT * FROM documents WHERE case_id=? AND content=? ORDER BY ingested_at LIMIT 1",
                              (case_id, content)).fetchone()
        return _doc_row(row) if row else None

    def document_at(self, case_id: str, path: str) -> dict | None:
        row = self.db.execute("SELECT * FROM documents WHERE case_id=? AND path=?", (case_id, path)).fetchone()
        return _doc_row(row) if row else None

    def documents(self, case_id: str | None = None) -> list[dict]:
        args: tuple[str, ...] = ()
        q = "SELECT * FROM documents"
        if case_id is not None:
            q, args = q + " WHERE case_id=?", (case_id,)
        return [_doc_row(r) for r in self.db.execute(q + " ORDER BY case_id, kind, name", args)]

    def put_document(self, doc: Document, chunks: list[Chunk], analysis: Analysis, content: str | None = None) -> None:
        """Store a document with its pages, chunks and analysis in one transaction (not yet indexed)."""
        with self.transaction() as db:
            _insert_document(db, doc, chunks, analysis, content)

    def delete_document(self, doc_id: str) -> list[str]:
        """Remove a document and return the ids of its chunks (to delete from the index)."""
        ids = [r[0] for r in self.db.execute("SELECT chunk_id FROM chunks WHERE doc_id=?", (doc_id,))]
        with self.transaction() as db:
            _remove_document(db, doc_id)
        return ids

    def mark_indexed(self, doc_ids: list[str]) -> None:
        with self.transaction() as db:
            db.executemany("UPDATE documents SET indexed=1 WHERE doc_id=?", [(d,) for d in doc_ids])

    def unindexed(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT doc_id FROM documents WHERE indexed=0")]

    def pages(self, doc_id: str) -> list[dict]:
        return [dict(r) for r in self.db.execute("SELECT page, text, ocr FROM pages WHERE doc_id=? ORDER BY page",
                                                 (doc_id,))]

    def chunks(self, doc_id: str | None = None) -> list[dict]:
        args: tuple[str, ...] = ()
        q = "SELECT * FROM chunks"
        if doc_id:
            q, args = q + " WHERE doc_id=?", (doc_id,)
        return [_chunk_row(r) for r in self.db.execute(q + " ORDER BY doc_id, seq", args)]

    def chunks_of_case(self, case_id: str) -> list[dict]:
        return [_chunk_row(r) for r in self.db.execute(
            "SELECT * FROM chunks WHERE case_id=? ORDER BY doc_id, seq", (case_id,))]

    def chunk_count_of(self, doc_ids: list[str]) -> int:
        if not doc_ids:
            return 0
        marks = ",".join("?" * len(doc_ids))
        return self.db.execute(f"SELECT COUNT(*) FROM chunks WHERE doc_id IN ({marks})", doc_ids).fetchone()[0]

    def chunk_count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]

    # -- cases ---------------------------------------------------------------------------------
    def set_case_meta(self, case_id: str, meta: dict) -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO cases(case_id, title, meta, updated) VALUES (?,?,?,?) "
                       "ON CONFLICT(case_id) DO UPDATE SET title=excluded.title, meta=excluded.meta, "
                       "updated=excluded.updated",
                       (case_id, meta.get("title"), json.dumps(meta, ensure_ascii=False), time.time()))
            _changed(db, case_id)

    def case_ids(self) -> list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT case_id FROM cases WHERE case_id IN (SELECT case_id FROM documents) ORDER BY case_id")]

    def case_row(self, case_id: str) -> dict | None:
        r = self.db.execute("SELECT * FROM cases WHERE case_id=?", (case_id,)).fetchone()
        return {"case_id": r["case_id"], "title": r["title"], "meta": json.loads(r["meta"])} if r else None

    def drop_empty_cases(self) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM cases WHERE case_id NOT IN (SELECT case_id FROM documents) "
                       "AND meta = '{}'")

    # -- reviews ---------------------------------------------------------------------------------
    def review_tag(self, case_id: str, doc_id: str, tag: str, decision: str, reviewer: str | None) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO tag_reviews VALUES (?,?,?,?,?,?)",
                       (case_id, doc_id, tag, decision, reviewer, time.time()))

    def reviews(self, case_id: str) -> dict[tuple[str, str], str]:
        return {(r["doc_id"], r["tag"]): r["decision"] for r in
                self.db.execute("SELECT * FROM tag_reviews WHERE case_id=?", (case_id,))}

    # -- journal ---------------------------------------------------------------------------------
    def journal(self, run: str, path: str, status: str, error: str | None = None, doc_id: str | None = None):
        with self.transaction() as db:
            db.execute("INSERT INTO journal(run, path, status, error, doc_id, at) VALUES (?,?,?,?,?,?)",
                       (run, path, status, error, doc_id, time.time()))

    def journal_many(self, run: str, rows: list[tuple[str, str, str | None, str | None]]) -> None:
        """Journal (path, status, error, doc_id) rows in one transaction."""
        now = time.time()
        with self.transaction() as db:
            db.executemany("INSERT INTO journal(run, path, status, error, doc_id, at) VALUES (?,?,?,?,?,?)",
                           [(run, p, st, e, d, now) for p, st, e, d in rows])

    def journal_counts(self, run: str | None = None) -> dict[str, int]:
        args: tuple[str, ...] = ()
        q = "SELECT status, COUNT(*) FROM journal"
        if run:
            q, args = q + " WHERE run=?", (run,)
        return {r[0]: r[1] for r in self.db.execute(q + " GROUP BY status", args)}

    # -- ingest state (resumable bulk ingest) -----------------------------------------------------
    def start_run(self, run: str, args: dict) -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO runs(run, started, status, args) VALUES (?,?,?,?)",
                       (run, time.time(), "running", json.dumps(args, ensure_ascii=False)))

    def finish_run(self, run: str, status: str, summary: dict) -> None:
        with self.transaction() as db:
            db.execute("UPDATE runs SET finished=?, status=?, summary=? WHERE run=?",
                       (time.time(), status, json.dumps(summary, ensure_ascii=False), run))

    def runs(self, limit: int = 20) -> list[dict]:
        rows = self.db.execute("SELECT * FROM runs ORDER BY started DESC LIMIT ?", (limit,))
        return [{**dict(r), "args": json.loads(r["args"]), "summary": json.loads(r["summary"])} for r in rows]

    def store_document(self, doc: Document, chunks: list[Chunk], analysis: Analysis,
                       replaces: str | None = None, content: str | None = None) -> None:
        """Store a new document (not yet indexed) and, in the same transaction, retire the version it
        replaces: its rows go, its chunk ids become tombstones (deleted from the index later), and both
        cases are marked stale. A crash leaves either the old version or the new one, never neither."""
        with self.transaction() as db:
            if replaces:
                old_case = db.execute("SELECT case_id FROM documents WHERE doc_id=?", (replaces,)).fetchone()
                db.execute("INSERT OR IGNORE INTO tombstones(chunk_id, doc_id) "
                           "SELECT chunk_id, doc_id FROM chunks WHERE doc_id=?", (replaces,))
                _remove_document(db, replaces)
                if old_case:
                    db.execute("INSERT OR IGNORE INTO stale_cases VALUES (?)", (old_case[0],))
            _insert_document(db, doc, chunks, analysis, content)
            db.execute("INSERT OR IGNORE INTO stale_cases VALUES (?)", (doc.case_id,))

    def tombstones(self) -> list[tuple[str, str]]:
        """(chunk_id, doc_id) of retired chunks whose points may still be in the index."""
        return [(r[0], r[1]) for r in self.db.execute("SELECT chunk_id, doc_id FROM tombstones")]

    def clear_tombstones(self, chunk_ids: list[str]) -> None:
        with self.transaction() as db:
            db.executemany("DELETE FROM tombstones WHERE chunk_id=?", [(c,) for c in chunk_ids])

    def live_chunk_ids(self, chunk_ids: list[str]) -> set[str]:
        out: set[str] = set()
        for i in range(0, len(chunk_ids), 500):
            part = chunk_ids[i:i + 500]
            marks = ",".join("?" * len(part))
            out.update(r[0] for r in self.db.execute(f"SELECT chunk_id FROM chunks WHERE chunk_id IN ({marks})", part))
        return out

    def mark_stale(self, case_ids: list[str]) -> None:
        with self.transaction() as db:
            db.executemany("INSERT OR IGNORE INTO stale_cases VALUES (?)", [(c,) for c in case_ids])

    def stale_cases(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT case_id FROM stale_cases ORDER BY case_id")]

    def clear_stale(self, case_ids: list[str]) -> None:
        with self.transaction() as db:
            db.executemany("DELETE FROM stale_cases WHERE case_id=?", [(c,) for c in case_ids])

    def file_stamp(self, path: str) -> tuple[int, int, str] | None:
        r = self.db.execute("SELECT size, mtime_ns, doc_id FROM file_stamps WHERE path=?", (path,)).fetchone()
        return (r[0], r[1], r[2]) if r else None

    def set_file_stamps(self, stamps: list[tuple[str, int, int, str]]) -> None:
        """(path, size, mtime_ns, doc_id) of files whose document is in the catalog."""
        with self.transaction() as db:
            db.executemany("INSERT OR REPLACE INTO file_stamps(path, size, mtime_ns, doc_id) VALUES (?,?,?,?)", stamps)

    # -- BM25 statistics over a visible set -----------------------------------------------------
    def term_counts(self, terms: list[int], case_ids: set[str] | None = None) -> tuple[int, dict[int, int]]:
        """(chunks with a BM25 vector, {term: chunks holding it}) over the given cases (None: all).
        Reads the rows of the query's terms only (a covering index), whatever the size of the archive."""
        return self._chunks_with_terms(case_ids), self._term_df(terms, case_ids)

    def _chunks_with_terms(self, case_ids: Collection[str] | None) -> int:
        if case_ids is None:
            return int(self.db.execute("SELECT COALESCE(SUM(n), 0) FROM bm25_chunks").fetchone()[0] or 0)
        return sum(int(r[1]) for r in self.db.execute("SELECT case_id, n FROM bm25_chunks") if r[0] in case_ids)

    def _term_df(self, terms: list[int], case_ids: Collection[str] | None) -> dict[int, int]:
        terms = sorted({int(t) for t in terms})
        if not terms:
            return {}
        marks = ",".join("?" * len(terms))
        df: dict[int, int] = {}
        if case_ids is None:
            # rows by position: a PostgreSQL row iterates over its column names
            for r in self.db.execute(f"SELECT term, SUM(n) FROM bm25_df WHERE term IN ({marks}) GROUP BY term", terms):
                df[int(r[0])] = int(r[1])
            return df
        for r in self.db.execute(f"SELECT term, case_id, n FROM bm25_df WHERE term IN ({marks})", terms):
            if r[1] in case_ids:
                df[int(r[0])] = df.get(int(r[0]), 0) + int(r[2])
        return df

    def term_weights(self, case_ids: set[str] | None = None):
        """A query's term weights: BM25 IDF over the chunks of these cases (None: every case), as an
        index holding only those chunks would compute it (store/vectors.py). Made for one search: the
        number of chunks is read once."""
        from dutytrace.store.vectors import idf

        cases = None if case_ids is None else frozenset(case_ids)
        total: list[int] = []

        def weights(terms: list[int]) -> list[float]:
            if not total:
                total.append(self._chunks_with_terms(cases))
            df = self._term_df(terms, cases)
            return [idf(total[0], df.get(int(t), 0)) for t in terms]
        return weights

    # -- stored case profiles (profile.py) -------------------------------------------------------
    _REVIEWS_N = "(SELECT COUNT(*) FROM tag_reviews r WHERE r.case_id = {t}.case_id)"
    _REVIEWS_AT = "(SELECT COALESCE(MAX(r.at), 0) FROM tag_reviews r WHERE r.case_id = {t}.case_id)"

    def profile_stamp(self, case_id: str) -> tuple[int, int, float] | None:
        """(revision, number of tag reviews, latest review time) of a case: read before its profile is
        built, stored with it, and compared when it is read."""
        r = self.db.execute(f"SELECT c.rev, {self._REVIEWS_N.format(t='c')}, {self._REVIEWS_AT.format(t='c')} "
                            "FROM cases c WHERE c.case_id=?", (case_id,)).fetchone()
        return (int(r[0]), int(r[1]), float(r[2])) if r else None

    def stored_profiles(self, case_ids: list[str], schema: int) -> dict[str, tuple[str, str, str]]:
        """{case_id: (profile JSON, concepts JSON, codebook fingerprint)} of the given cases whose stored
        profile still holds (same revision, same reviews, same schema)."""
        out: dict[str, tuple[str, str, str]] = {}
        ids = list(dict.fromkeys(case_ids))
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            q = ("SELECT p.case_id, p.profile, p.concepts, p.codebook FROM case_profiles p "
                 "JOIN cases c ON c.case_id = p.case_id "
                 f"WHERE p.case_id IN ({_marks(part)}) AND p.rev = c.rev AND p.profile_schema = ? "
                 f"AND p.reviews_n = {self._REVIEWS_N.format(t='p')} AND p.reviews_at = {self._REVIEWS_AT.format(t='p')}")
            for r in self.db.execute(q, (*part, schema)):
                out[r[0]] = (r[1], r[2], r[3])
        return out

    def put_profile(self, case_id: str, stamp: tuple[int, int, float], schema: int, codebook: str, profile: str,
                    concepts: str, terms: list[tuple[str, str, float]]) -> None:
        """Store a case's profile as built from the state `stamp` was read at (a change since then leaves
        it invalid: it is built again when next read), with its candidate terms (kind, term, w)."""
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO case_profiles(case_id, rev, reviews_n, reviews_at, profile_schema, codebook,"
                       " profile, concepts, updated) VALUES (?,?,?,?,?,?,?,?,?)",
                       (case_id, stamp[0], stamp[1], stamp[2], schema, codebook, profile, concepts, time.time()))
            db.execute("DELETE FROM case_terms WHERE case_id=?", (case_id,))
            db.executemany("INSERT INTO case_terms(case_id, kind, term, w) VALUES (?,?,?,?)",
                           [(case_id, k, t, float(w)) for k, t, w in terms])

    def cases_without_profile(self, schema: int) -> list[str]:
        """Cases with documents whose stored profile is missing or no longer holds."""
        ids = self.case_ids()
        have = set(self.stored_profiles(ids, schema))
        return [c for c in ids if c not in have]

    def cases_with_terms(self, kind: str, terms: list[str]) -> list[tuple[str, str, float]]:
        """(case_id, term, w) of the cases whose profile lists one of these terms of this kind."""
        terms = sorted(set(terms))
        out: list[tuple[str, str, float]] = []
        for i in range(0, len(terms), 200):
            part = terms[i:i + 200]
            out.extend((r[0], r[1], float(r[2])) for r in self.db.execute(
                f"SELECT case_id, term, w FROM case_terms WHERE kind=? AND term IN ({_marks(part)})", (kind, *part)))
        return out

    def passages(self, chunk_ids: list[str]) -> dict[str, dict]:
        """{chunk_id: {text, speaker, section, seq, path, name}} of these chunks, in batches (the index
        payloads carry ids and filter fields only: search results take their text from here)."""
        out: dict[str, dict] = {}
        ids = list(dict.fromkeys(c for c in chunk_ids if c))
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            for r in self.db.execute(
                    "SELECT c.chunk_id, c.text, c.speaker, c.section, c.seq, d.path, d.name FROM chunks c "
                    f"JOIN documents d ON d.doc_id = c.doc_id WHERE c.chunk_id IN ({_marks(part)})", part):
                out[r[0]] = {"text": r[1], "speaker": r[2], "section": r[3], "seq": r[4], "path": r[5], "name": r[6]}
        return out

    def update_analysis(self, doc_id: str, analysis: Analysis) -> bool:
        """Replace a document's analysis and its chunks' tags (re-tagging without re-parsing). When any
        chunk's tags changed the document is marked not indexed, so its points get the new tags.
        Returns whether chunk tags changed."""
        with self.transaction() as db:
            row = db.execute("SELECT case_id FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
            if row is None:
                return False
            old = {r[0]: r[1] for r in db.execute("SELECT seq, tags FROM chunks WHERE doc_id=?", (doc_id,))}
            new = {seq: json.dumps(analysis.chunk_tags.get(seq, [])) for seq in old}
            changed = [(tags, doc_id, seq) for seq, tags in new.items() if tags != old[seq]]
            db.execute("UPDATE documents SET analysis=? WHERE doc_id=?",
                       (json.dumps(analysis.to_json(), ensure_ascii=False), doc_id))
            db.executemany("UPDATE chunks SET tags=? WHERE doc_id=? AND seq=?", changed)
            if changed:
                db.execute("UPDATE documents SET indexed=0 WHERE doc_id=?", (doc_id,))
            db.execute("INSERT OR IGNORE INTO stale_cases VALUES (?)", (row[0],))
            _changed(db, row[0])
        return bool(changed)


def _changed(db, case_id: str) -> None:
    """A case's documents, analyses or metadata changed (inside the transaction that changes them): its
    stored profile no longer holds."""
    db.execute("UPDATE cases SET rev = rev + 1 WHERE case_id=?", (case_id,))


def _marks(items) -> str:
    return ",".join("?" * len(items))


def _doc_row(r: sqlite3.Row) -> dict:
    d = dict(r)
    d["meta"] = json.loads(d["meta"])
    d["analysis"] = json.loads(d["analysis"])
    return d


def _chunk_row(r: sqlite3.Row) -> dict:
    d = dict(r)
    d["tags"] = json.loads(d["tags"])
    return d


class _TermCounts:
    """BM25 document frequencies of some chunks, per case, to add to (or take from) the catalog's."""

    def __init__(self):
        self.df: dict[str, dict[int, int]] = {}
        self.chunks: dict[str, int] = {}

    def add(self, rows) -> None:
        from dutytrace.store.vectors import sparse_terms

        for case_id, text in rows:
            terms = sparse_terms(text)
            if terms:
                self.chunks[case_id] = self.chunks.get(case_id, 0) + 1
                counts = self.df.setdefault(case_id, {})
                for t in terms:
                    counts[t] = counts.get(t, 0) + 1

    def write(self, db, sign: int) -> None:
        for case_id, counts in self.df.items():
            db.executemany("INSERT INTO bm25_df(case_id, term, n) VALUES (?,?,?) ON CONFLICT (case_id, term) "
                           "DO UPDATE SET n = bm25_df.n + excluded.n",
                           [(case_id, t, sign * n) for t, n in counts.items()])
        db.executemany("INSERT INTO bm25_chunks(case_id, n) VALUES (?,?) ON CONFLICT (case_id) "
                       "DO UPDATE SET n = bm25_chunks.n + excluded.n",
                       [(case_id, sign * n) for case_id, n in self.chunks.items()])
        if sign < 0:
            for case_id in self.df:
                db.execute("DELETE FROM bm25_df WHERE case_id=? AND n <= 0", (case_id,))
            db.executemany("DELETE FROM bm25_chunks WHERE case_id=? AND n <= 0", [(c,) for c in self.chunks])


def _remove_document(db, doc_id: str) -> None:
    """Delete a document's rows and take its chunks out of the BM25 statistics (inside a transaction)."""
    counts = _TermCounts()
    counts.add((r[0], r[1]) for r in db.execute("SELECT case_id, text FROM chunks WHERE doc_id=?", (doc_id,)).fetchall())
    counts.write(db, -1)
    row = db.execute("SELECT case_id FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
    if row:
        _changed(db, row[0])
    for table in ("chunks", "pages", "documents"):
        db.execute(f"DELETE FROM {table} WHERE doc_id=?", (doc_id,))


def _insert_document(db: PgConnection | SqliteConnection, doc: Document, chunks: list[Chunk], analysis: Analysis,
                     content: str | None = None) -> None:
    """Insert a document, its pages and chunks, and count its chunks' terms (inside a transaction).
    content: the bytes' SHA-256 (identity.py); the id when not given (the rule before per-case ids)."""
    now = time.time()
    db.execute("INSERT OR IGNORE INTO cases(case_id, title, updated) VALUES (?,?,?)", (doc.case_id, None, now))
    _changed(db, doc.case_id)
    db.execute(
        "INSERT INTO documents(doc_id, case_id, path, name, kind, language, fmt, pages, meta, analysis,"
        " indexed, ingested_at, content) VALUES (?,?,?,?,?,?,?,?,?,?,0,?,?)",
        (doc.doc_id, doc.case_id, doc.path, doc.name, doc.kind, doc.language, doc.fmt, len(doc.pages),
         json.dumps(doc.meta, ensure_ascii=False), json.dumps(analysis.to_json(), ensure_ascii=False), now,
         content or doc.doc_id))
    db.executemany("INSERT INTO pages(doc_id, page, text, ocr) VALUES (?,?,?,?)",
                   [(doc.doc_id, p.number, p.text, int(p.ocr)) for p in doc.pages])
    db.executemany(
        "INSERT INTO chunks(chunk_id, doc_id, case_id, seq, page, start, end, text, speaker, section, ocr, tags)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [(c.chunk_id, c.doc_id, c.case_id, c.seq, c.page, c.start, c.end, c.text, c.speaker, c.section,
          int(c.ocr), json.dumps(analysis.chunk_tags.get(c.seq, []))) for c in chunks])
    counts = _TermCounts()
    counts.add((c.case_id, c.text) for c in chunks)
    counts.write(db, +1)
