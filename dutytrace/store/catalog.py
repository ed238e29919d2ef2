"""The catalog: cases, documents, page text, chunks, analysis, tag reviews and the ingest journal, in
SQLite (WAL) or PostgreSQL through SQLAlchemy Core (store/db.py; the tables are store/schema.py, their
migrations store/migrations/). It is the system of record: the vector index can be rebuilt from it."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnClause, delete, func, insert, literal_column, select, update

from dutytrace.models import Analysis, Chunk, Document
from dutytrace.store import schema as t
from dutytrace.store.db import Database, Tx, insert_ignore, upsert


# a document's row as stored, whatever columns the file has (a catalog being migrated by another
# process, or edited by hand, may lack one the schema adds)
_ALL: ColumnClause[Any] = literal_column("*")


class Catalog:
    def __init__(self, path: Path | str):
        self.path = str(path)
        # DUTYTRACE_DATABASE_URL (postgresql://) or the SQLite file in the home; one pooled engine
        self.db = Database(self.path)
        from dutytrace.store.migrations import upgrade

        self.migration = upgrade(self.db)  # Alembic, to the head revision ('current' when nothing to do)
        self._backfill_terms()

    def _backfill_terms(self) -> None:
        """The BM25 document frequencies of a catalog made before them, counted once from the stored
        chunks (cheap when done: one read, so that opening never waits for another process's write)."""
        if self.db.first(select(t.catalog_meta.c.value).where(t.catalog_meta.c.key == "bm25_df")) is not None:
            return
        token = uuid.uuid4().hex  # the write comes first (it takes the lock): one process counts
        with self.transaction() as tx:
            insert_ignore(tx, t.catalog_meta, {"key": "bm25_df", "value": token})
            if tx.execute(select(t.catalog_meta.c.value).where(t.catalog_meta.c.key == "bm25_df")).scalar() == token:
                tx.execute(delete(t.bm25_df))
                tx.execute(delete(t.bm25_chunks))
                tx.execute(delete(t.bm25_totals))
                counts = _TermCounts()
                counts.add((r[0], r[1]) for r in tx.execute(select(t.chunks.c.case_id, t.chunks.c.text)).all())
                counts.write(tx, +1)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        with self.db.transaction() as tx:
            yield tx

    # -- documents -----------------------------------------------------------------------------
    def document(self, doc_id: str) -> dict | None:
        row = self.db.first(select(_ALL).select_from(t.documents).where(t.documents.c.doc_id == doc_id))
        return _doc_row(row) if row else None

    def document_with(self, case_id: str, content: str) -> dict | None:
        """The document of this case with these bytes (the same file filed twice in one case is one document)."""
        d = t.documents.c
        row = self.db.first(select(_ALL).select_from(t.documents).where(d.case_id == case_id, d.content == content)
                            .order_by(d.ingested_at).limit(1))
        return _doc_row(row) if row else None

    def document_at(self, case_id: str, path: str) -> dict | None:
        d = t.documents.c
        row = self.db.first(select(_ALL).select_from(t.documents).where(d.case_id == case_id, d.path == path))
        return _doc_row(row) if row else None

    def documents(self, case_id: str | None = None) -> list[dict]:
        d = t.documents.c
        q = select(_ALL).select_from(t.documents)
        if case_id is not None:
            q = q.where(d.case_id == case_id)
        return [_doc_row(r) for r in self.db.all(q.order_by(d.case_id, d.kind, d.name))]

    def put_document(self, doc: Document, chunks: list[Chunk], analysis: Analysis, content: str | None = None) -> None:
        """Store a document with its pages, chunks and analysis in one transaction (not yet indexed)."""
        with self.transaction() as tx:
            _insert_document(tx, doc, chunks, analysis, content)

    def delete_document(self, doc_id: str) -> list[str]:
        """Remove a document and return the ids of its chunks (to delete from the index)."""
        ids = [r[0] for r in self.db.all(select(t.chunks.c.chunk_id).where(t.chunks.c.doc_id == doc_id))]
        with self.transaction() as tx:
            _remove_document(tx, doc_id)
        return ids

    def mark_indexed(self, doc_ids: list[str]) -> None:
        if not doc_ids:
            return
        from sqlalchemy import bindparam

        with self.transaction() as tx:
            tx.execute(update(t.documents).where(t.documents.c.doc_id == bindparam("d")).values(indexed=1),
                       [{"d": d} for d in doc_ids])

    def unindexed(self) -> list[str]:
        return [r[0] for r in self.db.all(select(t.documents.c.doc_id).where(t.documents.c.indexed == 0))]

    def pages(self, doc_id: str) -> list[dict]:
        p = t.pages.c
        return [dict(r._mapping) for r in self.db.all(
            select(p.page, p.text, p.ocr).where(p.doc_id == doc_id).order_by(p.page))]

    def chunks(self, doc_id: str | None = None) -> list[dict]:
        c = t.chunks.c
        q = select(t.chunks)
        if doc_id:
            q = q.where(c.doc_id == doc_id)
        return [_chunk_row(r) for r in self.db.all(q.order_by(c.doc_id, c.seq))]

    def chunks_of_case(self, case_id: str) -> list[dict]:
        c = t.chunks.c
        return [_chunk_row(r) for r in self.db.all(select(t.chunks).where(c.case_id == case_id).order_by(c.doc_id, c.seq))]

    def chunk_count_of(self, doc_ids: list[str]) -> int:
        if not doc_ids:
            return 0
        return int(self.db.scalar(select(func.count()).select_from(t.chunks).where(t.chunks.c.doc_id.in_(list(doc_ids)))))

    def chunk_count(self) -> int:
        return int(self.db.scalar(select(func.count()).select_from(t.chunks)))

    def reader_counts(self, case_ids: Collection[str] | None = None) -> dict[str | None, int]:
        """{reader stamp (None: analysed before stamps were kept): documents} of every document, or of
        these cases' (counted by the database, one grouped query)."""
        d = t.documents.c
        q = select(d.reader, func.count()).select_from(t.documents)
        if case_ids is not None:
            if not case_ids:
                return {}
            q = q.where(d.case_id.in_(list(case_ids)))
        return {r[0]: int(r[1]) for r in self.db.all(q.group_by(d.reader))}

    # -- cases ---------------------------------------------------------------------------------
    def set_case_meta(self, case_id: str, meta: dict) -> None:
        with self.transaction() as tx:
            upsert(tx, t.cases, {"case_id": case_id, "title": meta.get("title"),
                                 "meta": json.dumps(meta, ensure_ascii=False), "updated": time.time()})
            _changed(tx, case_id)

    def case_ids(self) -> list[str]:
        c = t.cases.c
        return [r[0] for r in self.db.all(select(c.case_id).where(c.case_id.in_(select(t.documents.c.case_id)))
                                          .order_by(c.case_id))]

    def case_row(self, case_id: str) -> dict | None:
        r = self.db.first(select(t.cases.c.case_id, t.cases.c.title, t.cases.c.meta).where(t.cases.c.case_id == case_id))
        return {"case_id": r.case_id, "title": r.title, "meta": json.loads(r.meta)} if r else None

    def case_metas(self) -> dict[str, str]:
        """{case_id: metadata JSON as stored} of every case with documents."""
        c = t.cases.c
        return {r[0]: r[1] for r in self.db.all(select(c.case_id, c.meta).where(c.case_id.in_(select(t.documents.c.case_id))))}

    @property
    def users(self):
        """The rows of users and grants (store/users.py; security.py holds the rules)."""
        from dutytrace.store.users import UserRows

        return UserRows(self.db)

    def drop_empty_cases(self) -> None:
        c = t.cases.c
        with self.transaction() as tx:
            tx.execute(delete(t.cases).where(c.case_id.not_in(select(t.documents.c.case_id)), c.meta == "{}"))

    # -- reviews ---------------------------------------------------------------------------------
    def review_tag(self, case_id: str, doc_id: str, tag: str, decision: str, reviewer: str | None) -> None:
        with self.transaction() as tx:
            upsert(tx, t.tag_reviews, {"case_id": case_id, "doc_id": doc_id, "tag": tag, "decision": decision,
                                       "reviewer": reviewer, "at": time.time()})

    def reviews(self, case_id: str) -> dict[tuple[str, str], str]:
        r = t.tag_reviews.c
        return {(row.doc_id, row.tag): row.decision for row in
                self.db.all(select(r.doc_id, r.tag, r.decision).where(r.case_id == case_id))}

    # -- journal ---------------------------------------------------------------------------------
    def journal(self, run: str, path: str, status: str, error: str | None = None, doc_id: str | None = None):
        with self.transaction() as tx:
            tx.execute(insert(t.journal), {"run": run, "path": path, "status": status, "error": error, "doc_id": doc_id,
                                           "at": time.time()})

    def journal_many(self, run: str, rows: list[tuple[str, str, str | None, str | None]]) -> None:
        """Journal (path, status, error, doc_id) rows in one transaction."""
        if not rows:
            return
        now = time.time()
        with self.transaction() as tx:
            tx.execute(insert(t.journal), [{"run": run, "path": p, "status": st, "error": e, "doc_id": d, "at": now}
                                           for p, st, e, d in rows])

    def journal_counts(self, run: str | None = None) -> dict[str, int]:
        j = t.journal.c
        q = select(j.status, func.count())
        if run:
            q = q.where(j.run == run)
        return {r[0]: int(r[1]) for r in self.db.all(q.group_by(j.status))}

    # -- ingest state (resumable bulk ingest) -----------------------------------------------------
    def start_run(self, run: str, args: dict) -> None:
        with self.transaction() as tx:
            tx.execute(insert(t.runs), {"run": run, "started": time.time(), "status": "running",
                                        "args": json.dumps(args, ensure_ascii=False)})

    def finish_run(self, run: str, status: str, summary: dict) -> None:
        with self.transaction() as tx:
            tx.execute(update(t.runs).where(t.runs.c.run == run).values(
                finished=time.time(), status=status, summary=json.dumps(summary, ensure_ascii=False)))

    def runs(self, limit: int = 20) -> list[dict]:
        rows = self.db.all(select(t.runs).order_by(t.runs.c.started.desc()).limit(limit))
        return [{**dict(r._mapping), "args": json.loads(r.args), "summary": json.loads(r.summary)} for r in rows]

    def store_document(self, doc: Document, chunks: list[Chunk], analysis: Analysis,
                       replaces: str | None = None, content: str | None = None) -> None:
        """Store a new document (not yet indexed) and, in the same transaction, retire the version it
        replaces: its rows go, its chunk ids become tombstones (deleted from the index later), and both
        cases are marked stale. A crash leaves either the old version or the new one, never neither."""
        with self.transaction() as tx:
            if replaces:
                old_case = tx.execute(select(t.documents.c.case_id).where(t.documents.c.doc_id == replaces)).first()
                old_chunks = tx.execute(select(t.chunks.c.chunk_id, t.chunks.c.doc_id)
                                        .where(t.chunks.c.doc_id == replaces)).all()
                insert_ignore(tx, t.tombstones, [{"chunk_id": r[0], "doc_id": r[1]} for r in old_chunks])
                _remove_document(tx, replaces)
                if old_case:
                    insert_ignore(tx, t.stale_cases, {"case_id": old_case[0]})
            _insert_document(tx, doc, chunks, analysis, content)
            insert_ignore(tx, t.stale_cases, {"case_id": doc.case_id})

    def tombstones(self) -> list[tuple[str, str]]:
        """(chunk_id, doc_id) of retired chunks whose points may still be in the index."""
        return [(r[0], r[1]) for r in self.db.all(select(t.tombstones.c.chunk_id, t.tombstones.c.doc_id))]

    def clear_tombstones(self, chunk_ids: list[str]) -> None:
        with self.transaction() as tx:
            for part in _parts(chunk_ids, 500):
                tx.execute(delete(t.tombstones).where(t.tombstones.c.chunk_id.in_(part)))

    def live_chunk_ids(self, chunk_ids: list[str]) -> set[str]:
        out: set[str] = set()
        for part in _parts(chunk_ids, 500):
            out.update(r[0] for r in self.db.all(select(t.chunks.c.chunk_id).where(t.chunks.c.chunk_id.in_(part))))
        return out

    def mark_stale(self, case_ids: list[str]) -> None:
        with self.transaction() as tx:
            insert_ignore(tx, t.stale_cases, [{"case_id": c} for c in dict.fromkeys(case_ids)])

    def stale_cases(self) -> list[str]:
        return [r[0] for r in self.db.all(select(t.stale_cases.c.case_id).order_by(t.stale_cases.c.case_id))]

    def clear_stale(self, case_ids: list[str]) -> None:
        with self.transaction() as tx:
            for part in _parts(case_ids, 500):
                tx.execute(delete(t.stale_cases).where(t.stale_cases.c.case_id.in_(part)))

    def file_stamp(self, path: str) -> tuple[int, int, str] | None:
        f = t.file_stamps.c
        r = self.db.first(select(f.size, f.mtime_ns, f.doc_id).where(f.path == path))
        return (int(r[0]), int(r[1]), r[2]) if r else None

    def set_file_stamps(self, stamps: list[tuple[str, int, int, str]]) -> None:
        """(path, size, mtime_ns, doc_id) of files whose document is in the catalog."""
        latest = {p: (p, s, m, d) for p, s, m, d in stamps}  # one row per path, the last given
        with self.transaction() as tx:
            upsert(tx, t.file_stamps, [{"path": p, "size": s, "mtime_ns": m, "doc_id": d} for p, s, m, d in latest.values()])

    # -- BM25 statistics over a visible set -----------------------------------------------------
    def term_counts(self, terms: list[int], case_ids: set[str] | None = None) -> tuple[int, dict[int, int]]:
        """(chunks with a BM25 vector, {term: chunks holding it}) over the given cases (None: all).
        Reads the rows of the query's terms only (a covering index), whatever the size of the archive."""
        scope = self._scope(case_ids)
        return self._chunks_with_terms(scope), self._term_df(terms, scope)

    def case_term_counts(self, terms: Collection[int], case_ids: Collection[str]) -> dict[str, dict[int, int]]:
        """{case: {term: chunks holding it}} for these cases and terms only (rows of the covering index
        (term, case_id): the cost follows the candidates, not the archive)."""
        if not terms or not case_ids:
            return {}
        b = t.bm25_df.c
        out: dict[str, dict[int, int]] = {}
        for r in self.db.all(select(b.case_id, b.term, b.n).where(b.term.in_(sorted({int(x) for x in terms})),
                                                                   b.case_id.in_(sorted(case_ids)))):
            if int(r[2]) > 0:
                out.setdefault(r[0], {})[int(r[1])] = int(r[2])
        return out

    def cases_holding(self, weights: dict[int, float], at_least: float) -> set[str]:
        """The cases whose chunks hold terms of `weights` (BM25 term id -> weight) weighing at least
        `at_least` together, each term counted once, added up by the database (the weights as a small table
        joined to the covering index (term, case_id, n)): one row per such case, not one per shared term."""
        if not weights:
            return set()
        from sqlalchemy import BigInteger, Double, literal, union_all

        b = t.bm25_df.c
        keys = union_all(*[select(literal(int(term), BigInteger).label("term"), literal(float(w), Double).label("w"))
                           for term, w in sorted(weights.items())]).cte("weights")
        q = (select(b.case_id)
             .select_from(keys.join(t.bm25_df, b.term == keys.c.term))
             .where(b.n > 0).group_by(b.case_id).having(func.sum(keys.c.w) >= at_least))
        return {r[0] for r in self.db.all(q)}

    def cases_naming(self, concepts: Collection[str], case_ids: Collection[str]) -> dict[str, set[str]]:
        """{case: the given codebook concepts its stored profile lists}, for these cases only."""
        if not concepts or not case_ids:
            return {}
        c = t.case_terms.c
        out: dict[str, set[str]] = {}
        for r in self.db.all(select(c.case_id, c.term).where(c.kind == "concept", c.term.in_(sorted(concepts)),
                                                              c.case_id.in_(sorted(case_ids)))):
            out.setdefault(r[0], set()).add(r[1])
        return out

    def _scope(self, case_ids: Collection[str] | None) -> tuple[str, list[str]] | None:
        """How to count over a visible set: None for every case (the totals); ("in", ids) to add up the
        rows of the visible cases, or ("out", ids) to take the hidden cases' rows from the totals,
        whichever list is shorter (ids of cases with counted chunks only). One read of the case ids."""
        if case_ids is None:
            return None
        every = [r[0] for r in self.db.all(select(t.bm25_chunks.c.case_id))]
        hidden = [c for c in every if c not in case_ids]
        if len(hidden) < len(every) - len(hidden):
            return "out", hidden
        return "in", [c for c in every if c in case_ids]

    def _totals(self, terms: list[int]) -> dict[int, int]:
        b = t.bm25_totals.c
        return {int(r[0]): int(r[1]) for r in self.db.all(select(b.term, b.n).where(b.term.in_(terms)))}

    def _chunks_with_terms(self, scope: tuple[str, list[str]] | None) -> int:
        total = self._totals([t.TOTAL_CHUNKS]).get(t.TOTAL_CHUNKS, 0) if scope is None or scope[0] == "out" else 0
        if scope is None:
            return total
        b = t.bm25_chunks.c
        part_sum = sum(int(self.db.scalar(select(func.coalesce(func.sum(b.n), 0)).where(b.case_id.in_(part))) or 0)
                       for part in _parts(scope[1], 500))
        return total - part_sum if scope[0] == "out" else part_sum

    def _term_df(self, terms: list[int], scope: tuple[str, list[str]] | None) -> dict[int, int]:
        terms = sorted({int(x) for x in terms})
        if not terms:
            return {}
        df = self._totals(terms) if scope is None or scope[0] == "out" else {}
        if scope is None:
            return df
        b = t.bm25_df.c
        sign = -1 if scope[0] == "out" else 1
        for part in _parts(scope[1], 500):
            for r in self.db.all(select(b.term, func.sum(b.n)).where(b.term.in_(terms), b.case_id.in_(part))
                                 .group_by(b.term)):
                df[int(r[0])] = df.get(int(r[0]), 0) + sign * int(r[1])
        return {k: v for k, v in df.items() if v > 0}

    def term_weights(self, case_ids: set[str] | None = None):
        """A query's term weights: BM25 IDF over the chunks of these cases (None: every case), as an
        index holding only those chunks would compute it (store/vectors.py). Made for one search: the
        number of chunks (and how to count over the visible set) is read once. Over every case a term's
        count is one row of the totals (bm25_totals); over a visible set, the rows of the visible cases or
        the totals less the hidden ones, filtered in SQL."""
        from dutytrace.store.vectors import idf

        state: list = []

        def weights(terms: list[int]) -> list[float]:
            if not state:
                scope = self._scope(case_ids)
                state.extend((scope, self._chunks_with_terms(scope)))
            df = self._term_df(terms, state[0])
            return [idf(state[1], df.get(int(x), 0)) for x in terms]
        return weights

    # -- stored case profiles (profile.py) -------------------------------------------------------
    @staticmethod
    def _reviews_n(case_id_col):
        r = t.tag_reviews.c
        return select(func.count()).select_from(t.tag_reviews).where(r.case_id == case_id_col).scalar_subquery()

    @staticmethod
    def _reviews_at(case_id_col):
        r = t.tag_reviews.c
        return select(func.coalesce(func.max(r.at), 0)).where(r.case_id == case_id_col).scalar_subquery()

    def profile_stamp(self, case_id: str) -> tuple[int, int, float] | None:
        """(revision, number of tag reviews, latest review time) of a case: read before its profile is
        built, stored with it, and compared when it is read."""
        c = t.cases.c
        r = self.db.first(select(c.rev, self._reviews_n(c.case_id), self._reviews_at(c.case_id)).where(c.case_id == case_id))
        return (int(r[0]), int(r[1]), float(r[2])) if r else None

    def stored_profiles(self, case_ids: list[str], schema: int) -> dict[str, tuple[str, str, str]]:
        """{case_id: (profile JSON, concepts JSON, codebook fingerprint)} of the given cases whose stored
        profile still holds (same revision, same reviews, same schema)."""
        out: dict[str, tuple[str, str, str]] = {}
        p, c = t.case_profiles.c, t.cases.c
        for part in _parts(list(dict.fromkeys(case_ids)), 500):
            q = (select(p.case_id, p.profile, p.concepts, p.codebook)
                 .join_from(t.case_profiles, t.cases, c.case_id == p.case_id)
                 .where(p.case_id.in_(part), p.rev == c.rev, p.profile_schema == schema,
                        p.reviews_n == self._reviews_n(p.case_id), p.reviews_at == self._reviews_at(p.case_id)))
            for r in self.db.all(q):
                out[r[0]] = (r[1], r[2], r[3])
        return out

    def put_profile(self, case_id: str, stamp: tuple[int, int, float], schema: int, codebook: str, profile: str,
                    concepts: str, terms: list[tuple[str, str, float]]) -> None:
        """Store a case's profile as built from the state `stamp` was read at (a change since then leaves
        it invalid: it is built again when next read), with its candidate terms (kind, term, w)."""
        with self.transaction() as tx:
            upsert(tx, t.case_profiles, {"case_id": case_id, "rev": stamp[0], "reviews_n": stamp[1],
                                         "reviews_at": stamp[2], "profile_schema": schema, "codebook": codebook,
                                         "profile": profile, "concepts": concepts, "updated": time.time()})
            tx.execute(delete(t.case_terms).where(t.case_terms.c.case_id == case_id))
            if terms:
                tx.execute(insert(t.case_terms), [{"case_id": case_id, "kind": k, "term": term, "w": float(w)}
                                                  for k, term, w in terms])

    def cases_without_profile(self, schema: int) -> list[str]:
        """Cases with documents whose stored profile is missing or no longer holds."""
        ids = self.case_ids()
        have = set(self.stored_profiles(ids, schema))
        return [c for c in ids if c not in have]

    def cases_with_terms(self, kind: str, terms: list[str],
                         case_ids: Collection[str] | None = None) -> list[tuple[str, str, float]]:
        """(case_id, term, w) of the cases whose profile lists one of these terms of this kind (of the
        given cases only, when given: then a case's rows come in the order of their terms)."""
        ct = t.case_terms.c
        out: list[tuple[str, str, float]] = []
        for part in _parts(sorted(set(terms)), 200):
            q = select(ct.case_id, ct.term, ct.w).where(ct.kind == kind, ct.term.in_(part))
            if case_ids is None:
                out.extend((r[0], r[1], float(r[2])) for r in self.db.all(q))
                continue
            for cases in _parts(sorted(set(case_ids)), 500):
                out.extend((r[0], r[1], float(r[2])) for r in self.db.all(
                    q.where(ct.case_id.in_(cases)).order_by(ct.term, ct.case_id)))
        return out

    def case_term_sums(self, weights: dict[tuple[str, str], tuple[float, float]]) -> dict[str, float]:
        """{case_id: the sum of a + b * w over its candidate-term rows whose (kind, term) is a key of
        `weights` giving (a, b)}, added up by the database (the keys as a small table joined to the
        covering index (kind, term)): one row per case sharing a term, not one per shared term."""
        if not weights:
            return {}
        from sqlalchemy import Double, Text, literal, union_all

        ct = t.case_terms.c
        keys = union_all(*[select(literal(kind, Text).label("kind"), literal(term, Text).label("term"),
                                  literal(float(a), Double).label("a"), literal(float(b), Double).label("b"))
                           for (kind, term), (a, b) in weights.items()]).cte("weights")
        q = (select(ct.case_id, func.sum(keys.c.a + keys.c.b * ct.w))
             .select_from(keys.join(t.case_terms, (ct.kind == keys.c.kind) & (ct.term == keys.c.term)))
             .group_by(ct.case_id))
        return {r[0]: float(r[1]) for r in self.db.all(q)}

    def passages(self, chunk_ids: list[str]) -> dict[str, dict]:
        """{chunk_id: {text, speaker, section, seq, path, name}} of these chunks, in batches (the index
        payloads carry ids and filter fields only: search results take their text from here)."""
        out: dict[str, dict] = {}
        c, d = t.chunks.c, t.documents.c
        for part in _parts(list(dict.fromkeys(x for x in chunk_ids if x)), 500):
            for r in self.db.all(select(c.chunk_id, c.text, c.speaker, c.section, c.seq, d.path, d.name)
                                 .join_from(t.chunks, t.documents, d.doc_id == c.doc_id).where(c.chunk_id.in_(part))):
                out[r[0]] = {"text": r[1], "speaker": r[2], "section": r[3], "seq": r[4], "path": r[5], "name": r[6]}
        return out

    def update_analysis(self, doc_id: str, analysis: Analysis) -> bool:
        """Replace a document's analysis and its chunks' tags (re-tagging without re-parsing). When any
        chunk's tags changed the document is marked not indexed, so its points get the new tags.
        Returns whether chunk tags changed."""
        from sqlalchemy import bindparam

        c, d = t.chunks.c, t.documents.c
        with self.transaction() as tx:
            row = tx.execute(select(d.case_id).where(d.doc_id == doc_id)).first()
            if row is None:
                return False
            old = {r[0]: r[1] for r in tx.execute(select(c.seq, c.tags).where(c.doc_id == doc_id)).all()}
            new = {seq: json.dumps(analysis.chunk_tags.get(seq, [])) for seq in old}
            changed = [{"v": tags, "d": doc_id, "s": seq} for seq, tags in new.items() if tags != old[seq]]
            tx.execute(update(t.documents).where(d.doc_id == doc_id)
                       .values(analysis=json.dumps(analysis.to_json(), ensure_ascii=False), reader=analysis.reader))
            if changed:
                tx.execute(update(t.chunks).where(c.doc_id == bindparam("d"), c.seq == bindparam("s"))
                           .values(tags=bindparam("v")), changed)
                tx.execute(update(t.documents).where(d.doc_id == doc_id).values(indexed=0))
            insert_ignore(tx, t.stale_cases, {"case_id": row[0]})
            _changed(tx, row[0])
        return bool(changed)


def _changed(tx, case_id: str) -> None:
    """A case's documents, analyses or metadata changed (inside the transaction that changes them): its
    stored profile no longer holds."""
    tx.execute(update(t.cases).where(t.cases.c.case_id == case_id).values(rev=t.cases.c.rev + 1))


def _parts(items: list, size: int) -> Iterator[list]:
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _doc_row(r) -> dict:
    d = dict(r._mapping)
    d["meta"] = json.loads(d["meta"])
    d["analysis"] = json.loads(d["analysis"])
    return d


def _chunk_row(r) -> dict:
    d = dict(r._mapping)
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
                for term in terms:
                    counts[term] = counts.get(term, 0) + 1

    def write(self, tx, sign: int) -> None:
        """Add (sign +1) or take (-1) these counts to the per-case rows and to the archive-wide totals
        (bm25_totals), in the caller's transaction."""
        totals: dict[int, int] = {}
        for case_id, counts in self.df.items():
            upsert(tx, t.bm25_df, [{"case_id": case_id, "term": term, "n": sign * n} for term, n in counts.items()],
                   set_=lambda ex: {"n": t.bm25_df.c.n + ex.n})
            for term, n in counts.items():
                totals[term] = totals.get(term, 0) + n
        upsert(tx, t.bm25_chunks, [{"case_id": case_id, "n": sign * n} for case_id, n in self.chunks.items()],
               set_=lambda ex: {"n": t.bm25_chunks.c.n + ex.n})
        if self.chunks:
            totals[t.TOTAL_CHUNKS] = sum(self.chunks.values())
        # in ascending term order, so that two writers lock the shared rows in one order (PostgreSQL)
        upsert(tx, t.bm25_totals, [{"term": term, "n": sign * totals[term]} for term in sorted(totals)],
               set_=lambda ex: {"n": t.bm25_totals.c.n + ex.n})
        if sign < 0:
            for case_id in self.df:
                tx.execute(delete(t.bm25_df).where(t.bm25_df.c.case_id == case_id, t.bm25_df.c.n <= 0))
            for case_id in self.chunks:
                tx.execute(delete(t.bm25_chunks).where(t.bm25_chunks.c.case_id == case_id, t.bm25_chunks.c.n <= 0))
            for part in _parts(sorted(totals), 500):
                tx.execute(delete(t.bm25_totals).where(t.bm25_totals.c.term.in_(part), t.bm25_totals.c.n <= 0))


def _remove_document(tx, doc_id: str) -> None:
    """Delete a document's rows and take its chunks out of the BM25 statistics (inside a transaction)."""
    counts = _TermCounts()
    counts.add((r[0], r[1]) for r in tx.execute(select(t.chunks.c.case_id, t.chunks.c.text)
                                                 .where(t.chunks.c.doc_id == doc_id)).all())
    counts.write(tx, -1)
    row = tx.execute(select(t.documents.c.case_id).where(t.documents.c.doc_id == doc_id)).first()
    if row:
        _changed(tx, row[0])
    for table in (t.chunks, t.pages, t.documents):
        tx.execute(delete(table).where(table.c.doc_id == doc_id))


def _insert_document(tx, doc: Document, chunks: list[Chunk], analysis: Analysis, content: str | None = None) -> None:
    """Insert a document, its pages and chunks, and count its chunks' terms (inside a transaction).
    content: the bytes' SHA-256 (identity.py); the id when not given (the rule before per-case ids)."""
    now = time.time()
    insert_ignore(tx, t.cases, {"case_id": doc.case_id, "title": None, "updated": now})
    _changed(tx, doc.case_id)
    tx.execute(insert(t.documents), {
        "doc_id": doc.doc_id, "case_id": doc.case_id, "path": doc.path, "name": doc.name, "kind": doc.kind,
        "language": doc.language, "fmt": doc.fmt, "pages": len(doc.pages), "meta": json.dumps(doc.meta, ensure_ascii=False),
        "analysis": json.dumps(analysis.to_json(), ensure_ascii=False), "indexed": 0, "ingested_at": now,
        "content": content or doc.doc_id, "reader": analysis.reader})
    if doc.pages:
        tx.execute(insert(t.pages), [{"doc_id": doc.doc_id, "page": p.number, "text": p.text, "ocr": int(p.ocr)}
                                     for p in doc.pages])
    if chunks:
        tx.execute(insert(t.chunks), [
            {"chunk_id": c.chunk_id, "doc_id": c.doc_id, "case_id": c.case_id, "seq": c.seq, "page": c.page,
             "start": c.start, "end": c.end, "text": c.text, "speaker": c.speaker, "section": c.section,
             "ocr": int(c.ocr), "tags": json.dumps(analysis.chunk_tags.get(c.seq, []))} for c in chunks])
    counts = _TermCounts()
    counts.add((c.case_id, c.text) for c in chunks)
    counts.write(tx, +1)
