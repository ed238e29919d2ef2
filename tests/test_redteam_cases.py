"""Red team, issue 16 item 5: documents per case, and statistics that never cross a clearance boundary.

- the same regulation filed in two cases is a document of both, found in both;
- a copy (or a near-copy) of a restricted report ingested by an investigator without clearance is
  stored in the investigator's case: not "unchanged", not collapsed into the restricted one, and no
  output names the restricted document; near-duplicates never hide a document from a user entitled
  to it (groups stay within a case);
- a viewer's BM25 scores are the same whether or not a restricted case using the query's words
  exists, and equal those of Qdrant's own IDF over an index holding only the viewer's chunks;
- a home made before per-case ids (old ids, no BM25 statistics, an index with the IDF modifier) is
  migrated on open, refuses search with a clear message until `reindex`, and re-ingesting it
  duplicates nothing."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from dutytrace.errors import IndexOutdated
from dutytrace.service import Dutytrace

REGULATION = ("Regulation on the Safety of Confined Space Work\n"
              "Article 3. Before anyone enters a confined space the employer shall test the atmosphere for oxygen, "
              "flammable gas and hydrogen sulphide, and shall keep forced ventilation running during the work.\n"
              "Article 7. Rescuers shall not enter a confined space without breathing apparatus and a lifeline.\n")
SEWER = ("Investigation Report on the Culvert Poisoning at Xinhe Road\n"
         "On 14 July 2019 two workers of a pipeline contractor entered a culvert to clear a blockage. No gas test "
         "was carried out and no ventilation was provided. Both men were overcome by hydrogen sulphide and died. "
         "The contractor had no written procedure for confined space work.\n")
SCAFFOLD = ("Investigation Report on the Scaffold Fall at Riverside Tower\n"
            "A scaffolder fell eighteen metres when a guardrail gave way. He wore no safety harness. The labour "
            "team was an unlicensed subcontractor and the housing bureau's inspection was a formality.\n")
SECRET = ("Investigation Report on the Lanxi Tank Farm Asphyxiation\n"
          "During cleaning of storage tank T-204 three contractors were overcome by hydrogen sulphide. The permit "
          "to work had been signed by deputy manager Qiao Wenbin without any gas test and the ventilation fan was "
          "switched off to save power. The county safety bureau had been paid to overlook the tank farm.\n")
SECRET_NEAR = SECRET.replace("three contractors", "three contract workers").replace("save power", "save money")
QUERY = "hydrogen sulphide ventilation gas test"


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


def _json(report) -> str:
    return json.dumps(report.to_json(), ensure_ascii=False, default=str)


@pytest.fixture(scope="module")
def world(settings_factory, tmp_path_factory):
    """Two open cases sharing a regulation, a restricted case; users boss (admin), olga (investigator,
    open), gina (viewer, open)."""
    root = _write(tmp_path_factory.mktemp("redteam") / "archive", {
        "case-culvert/report.txt": SEWER, "case-culvert/regulation.txt": REGULATION,
        "case-tower/report.txt": SCAFFOLD, "case-tower/regulation.txt": REGULATION,
        "case-lanxi/report.txt": SECRET, "case-lanxi/case.yaml": "title: Lanxi tank farm\nclearance: restricted\n"})
    svc = Dutytrace(settings_factory())
    report = svc.ingest([root])
    assert report.failed == [] and report.ingested == 5 and report.unchanged == 0, report.to_json()
    svc.users.add("boss", "boss-password", "admin", "open")
    svc.users.add("olga", "olga-password", "investigator", "open")
    svc.users.add("gina", "gina-password", "viewer", "open")
    yield svc, tmp_path_factory
    svc.close()


def as_user(svc: Dutytrace, name: str) -> Dutytrace:
    return svc.for_user(svc.users.principal(name))


def test_regulation_filed_in_two_cases_belongs_to_both(world):
    svc, _ = world
    regs = {c: [d for d in svc.catalog.documents(c) if d["name"] == "regulation.txt"]
            for c in ("case-culvert", "case-tower")}
    assert all(len(v) == 1 for v in regs.values()), regs
    assert regs["case-culvert"][0]["doc_id"] != regs["case-tower"][0]["doc_id"]
    assert regs["case-culvert"][0]["content"] == regs["case-tower"][0]["content"]
    olga = as_user(svc, "olga")
    hits = olga.search("rescuers breathing apparatus lifeline", limit=10, mode="lexical")
    assert {h.case_id for h in hits if "lifeline" in h.text} == {"case-culvert", "case-tower"}
    cases = {c.case_id for c in olga.search_cases("confined space breathing apparatus lifeline", limit=10)}
    assert {"case-culvert", "case-tower"} <= cases


def test_copy_of_restricted_report_is_stored_in_the_investigators_case(world):
    svc, tmp = world
    secret_ids = {d["doc_id"] for d in svc.catalog.documents("case-lanxi")}
    olga = as_user(svc, "olga")
    root = _write(tmp.mktemp("olga") / "in", {"olga-copy/report.txt": SECRET})
    report = olga.ingest([root])
    assert (report.ingested, report.unchanged, report.failed) == (1, 0, []), report.to_json()
    out = _json(report)
    assert "case-lanxi" not in out and not any(i[:12] in out for i in secret_ids)
    assert report.near_duplicates == []
    mine = svc.catalog.documents("olga-copy")
    assert len(mine) == 1 and mine[0]["doc_id"] not in secret_ids
    # the investigator finds it; nothing of the restricted case reaches her
    hits = olga.search("Lanxi tank farm Qiao Wenbin permit", limit=20)
    assert "olga-copy" in {h.case_id for h in hits} and "case-lanxi" not in {h.case_id for h in hits}
    # a second run over the same folder: unchanged within her case, still nothing named
    again = olga.ingest([root])
    assert (again.ingested, again.unchanged) == (0, 1) and "case-lanxi" not in _json(again)


def test_the_restricted_file_itself_ingested_into_another_case_is_no_oracle(world):
    """The very file the admin ingested (same path, size and time: its stamp matches) given by an
    investigator as a file of her own: stored in her case, not skipped as unchanged."""
    svc, _ = world
    olga = as_user(svc, "olga")
    path = Path(svc.catalog.documents("case-lanxi")[0]["path"])
    assert svc.catalog.file_stamp(str(path)) is not None
    report = olga.ingest([path])
    assert (report.ingested, report.unchanged, report.failed) == (1, 0, []), report.to_json()
    assert "case-lanxi" not in _json(report) and report.near_duplicates == []
    assert [d["case_id"] for d in svc.catalog.documents() if d["path"] == str(path)].count("case-lanxi") == 1


def test_near_copy_is_neither_named_nor_hidden(world):
    svc, tmp = world
    olga, boss = as_user(svc, "olga"), as_user(svc, "boss")
    root = _write(tmp.mktemp("olga2") / "in", {"olga-near/report.txt": SECRET_NEAR})
    report = olga.ingest([root])
    assert (report.ingested, report.unchanged) == (1, 0), report.to_json()
    assert report.near_duplicates == [] and "case-lanxi" not in _json(report)
    near_id = svc.catalog.documents("olga-near")[0]["doc_id"]
    q = "Lanxi tank farm permit Qiao Wenbin ventilation fan"
    assert near_id in {h.doc_id for h in olga.search(q, limit=20)}
    # the admin sees every copy: the restricted original, the copy and the near-copy, none collapsed
    seen = {h.case_id for h in boss.search(q, limit=30)}
    assert {"case-lanxi", "olga-copy", "olga-near"} <= seen
    assert {c.case_id for c in boss.search_cases(q, limit=10)} >= {"case-lanxi", "olga-copy", "olga-near"}


def test_near_duplicates_collapse_within_a_case_only(world):
    """The same report twice in one case (a draft and its final) still collapses; the one shown is
    in the same case, so whoever sees the case sees it."""
    from dutytrace.dedupe import duplicates

    svc, tmp = world
    olga = as_user(svc, "olga")
    draft = SCAFFOLD.replace("eighteen metres", "about eighteen metres")
    root = _write(tmp.mktemp("olga3") / "in", {"olga-tower/final.txt": SCAFFOLD, "olga-tower/draft.md": draft})
    report = olga.ingest([root])
    assert report.ingested == 2
    dups = duplicates(svc.catalog)
    docs = {d["doc_id"]: d["case_id"] for d in svc.catalog.documents()}
    assert dups, "the draft and the final of one case are near-duplicates"
    assert all(docs[a] == docs[b] for a, b in dups.items()), "a group crossed a case"
    in_case = [d for d, c in docs.items() if c == "olga-tower"]
    assert len([d for d in in_case if d in dups]) == 1
    # the other copy of this report (case-tower's) is not collapsed into olga's group, nor hers into it
    assert not any(docs[d] == "case-tower" for d in dups)
    cases = {h.case_id for h in olga.search("scaffolder guardrail harness unlicensed subcontractor", limit=20)}
    assert {"case-tower", "olga-tower"} <= cases
    gina = as_user(svc, "gina")
    assert "olga-tower" in {h.case_id for h in gina.search("guardrail harness", limit=20)}
    # the collapsed copy is still found where its group's shown document is filtered out
    (dup_id,) = [d for d in in_case if d in dups]
    hits = gina.search("guardrail harness", limit=20, filters={"doc_id": dup_id})
    assert hits and {h.doc_id for h in hits} == {dup_id}
    shown = olga.search("scaffolder guardrail harness", limit=20, filters={"case_id": "olga-tower"})
    assert {h.doc_id for h in shown} == {dups[dup_id]}  # beside its group's document it gives way


def _scores(svc: Dutytrace, query: str) -> dict[str, float]:
    return {h.chunk_id: h.score for h in svc.search(query, limit=50, mode="lexical")}


def test_viewer_bm25_scores_do_not_depend_on_restricted_cases(settings_factory, tmp_path_factory):
    import qdrant_edge as q

    from dutytrace.store.vectors import SPARSE, bm25

    base = tmp_path_factory.mktemp("bm25")
    open_root = _write(base / "open", {"case-culvert/report.txt": SEWER, "case-culvert/regulation.txt": REGULATION,
                                       "case-tower/report.txt": SCAFFOLD})
    svc = Dutytrace(settings_factory())
    try:
        assert svc.ingest([open_root]).ingested == 3
        svc.users.add("boss", "boss-password", "admin", "open")
        svc.users.add("gina", "gina-password", "viewer", "open")
        gina, boss = as_user(svc, "gina"), as_user(svc, "boss")
        before, boss_before = _scores(gina, QUERY), _scores(boss, QUERY)
        assert len(before) >= 2 and len(set(before.values())) > 1
        secret_root = _write(base / "secret", {
            "case-lanxi/report.txt": SECRET, "case-lanxi/notes.txt": SECRET_NEAR + "\nhydrogen sulphide again.",
            "case-lanxi/case.yaml": "clearance: restricted\n"})
        assert boss.ingest([secret_root]).ingested == 2
        after = _scores(gina, QUERY)
        assert after == before  # identical, to the last bit
        # the restricted case does change the statistics of a user who may see it
        boss_after = _scores(boss, QUERY)
        assert {k: boss_after[k] for k in boss_before} != boss_before

        # and the viewer's scores are Qdrant's own BM25 over an index of only what she may see
        visible = set(gina.case_ids())
        points = [p for batch in svc.index.scroll() for p in batch if p.payload["case_id"] in visible]
        ref_dir = base / "reference"
        shard = q.EdgeShard.create(str(ref_dir), q.EdgeConfig(
            vectors={"dense": q.EdgeVectorParams(size=len(points[0].dense), distance=q.Distance.Cosine)},
            sparse_vectors={SPARSE: q.EdgeSparseVectorParams(modifier=q.Modifier.Idf)}))
        shard.update(q.UpdateOperation.upsert_points([
            q.Point(id=p.id, vector={"dense": p.dense, SPARSE: q.SparseVector(indices=p.sparse[0], values=p.sparse[1])},
                    payload={}) for p in points]))
        qv = bm25().embed_query(QUERY)
        ref = {str(p.id): float(p.score) for p in shard.query(q.QueryRequest(
            limit=50, query=q.Query.Nearest(q.SparseVector(indices=list(qv.indices), values=list(qv.values)),
                                            using=SPARSE)))}
        shard.close()
        assert sorted(ref, key=lambda k: -ref[k]) == sorted(after, key=lambda k: -after[k])
        assert all(abs(ref[k] - after[k]) <= 1e-4 * max(1.0, ref[k]) for k in ref)
    finally:
        svc.close()


def test_home_made_before_per_case_ids(settings_factory, tmp_path_factory, monkeypatch):
    """A home ingested with the old rules (id = the bytes' hash, no BM25 statistics in the catalog, an
    index with Qdrant's IDF modifier) is migrated on open; search asks for `reindex`; nothing is lost
    or duplicated by ingesting the archive again, and a regulation now joins its second case."""
    import dutytrace.ingest.reader as reader
    import dutytrace.store.edge_index as edge_index

    base = tmp_path_factory.mktemp("oldhome")
    root = _write(base / "archive", {"case-culvert/report.txt": SEWER, "case-culvert/regulation.txt": REGULATION,
                                     "case-tower/report.txt": SCAFFOLD})
    settings = settings_factory()
    with monkeypatch.context() as m:  # the rules before this change
        m.setattr(reader, "document_id", lambda case_id, data: hashlib.sha256(data).hexdigest())
        m.setattr(edge_index, "sparse_params", lambda q: q.EdgeSparseVectorParams(modifier=q.Modifier.Idf))
        old = Dutytrace(settings)
        assert old.ingest([root]).ingested == 3
        db = old.catalog.db
        with db:
            db.execute("DROP INDEX IF EXISTS documents_content")
            db.execute("ALTER TABLE documents DROP COLUMN content")
            for table in ("bm25_df", "bm25_chunks", "catalog_meta"):
                db.execute(f"DROP TABLE {table}")
        old_ids = {(d["case_id"], d["path"]): d["doc_id"] for d in old.catalog.documents()}
        # and a near-duplicate pair across cases, as grouping across the archive recorded them
        from dutytrace.dedupe import SCHEMA as DEDUPE_SCHEMA

        db.executescript(DEDUPE_SCHEMA)
        culvert, tower = (old_ids[("case-culvert", str(root / "case-culvert" / "report.txt"))],
                          old_ids[("case-tower", str(root / "case-tower" / "report.txt"))])
        with db:
            db.execute("INSERT INTO near_duplicates(doc_id, dup_of, similarity) VALUES (?, ?, 0.9)", (tower, culvert))
        old.close()
    assert all(i == hashlib.sha256((Path(p).read_bytes())).hexdigest() for (_, p), i in old_ids.items())

    svc = Dutytrace(settings)
    try:
        docs = svc.catalog.documents()
        assert {(d["case_id"], d["path"]): d["doc_id"] for d in docs} == old_ids  # ids kept
        assert all(d["content"] == d["doc_id"] for d in docs)
        # the statistics were counted from the stored chunks, as ingesting them counts them
        fresh = Dutytrace(settings_factory())
        try:
            fresh.ingest([root])
            terms = sorted({t for c in fresh.catalog.chunks() for t in _terms(c["text"])})
            assert svc.catalog.term_counts(terms) == fresh.catalog.term_counts(terms)
        finally:
            fresh.close()
        from dutytrace.dedupe import duplicates

        assert duplicates(svc.catalog) == {}  # the pair across cases hides nothing any more
        with pytest.raises(IndexOutdated, match="dutytrace reindex"):
            svc.search("hydrogen sulphide", mode="lexical")
        svc.reindex()
        assert svc.search("hydrogen sulphide", mode="lexical")
        # the archive again, every file touched (so that its bytes are compared), plus the regulation in tower
        (root / "case-tower" / "regulation.txt").write_text(REGULATION, encoding="utf-8")
        for p in root.rglob("*.txt"):
            os.utime(p, ns=(p.stat().st_atime_ns, p.stat().st_mtime_ns + 10**9))
        report = svc.ingest([root])
        assert (report.ingested, report.unchanged, report.replaced) == (1, 3, 0), report.to_json()
        now = svc.catalog.documents()
        assert len(now) == 4 and len({(d["case_id"], d["path"]) for d in now}) == 4
        assert {k: v for k, v in {(d["case_id"], d["path"]): d["doc_id"] for d in now}.items() if k in old_ids} == old_ids
        assert {h.case_id for h in svc.search("rescuers breathing apparatus lifeline", mode="lexical")
                if "lifeline" in h.text} == {"case-culvert", "case-tower"}
        assert svc.index.count() == svc.catalog.chunk_count()
        assert svc.catalog.db.execute("SELECT COUNT(*) FROM near_duplicates").fetchone()[0] == 0
    finally:
        svc.close()


def test_server_collection_with_idf_modifier_is_refused_then_replaced_by_reindex(tmp_path):
    from qdrant_client import QdrantClient, models

    from dutytrace.store.qdrant_client_index import ClientIndex
    from dutytrace.store.vectors import DENSE, SPARSE

    folder = tmp_path / "qdrant-local"
    client = QdrantClient(path=str(folder))
    client.create_collection("dutytrace", vectors_config={DENSE: models.VectorParams(size=4, distance=models.Distance.COSINE)},
                             sparse_vectors_config={SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)})
    client.close()
    with pytest.raises(IndexOutdated, match="dutytrace reindex"):
        ClientIndex(f"local:{folder}", None, "dutytrace", 4)
    idx = ClientIndex(f"local:{folder}", None, "dutytrace", 4, replace_outdated=True)
    try:
        assert not idx._bm25_outdated()
    finally:
        idx.close()
    ClientIndex(f"local:{folder}", None, "dutytrace", 4).close()  # now opens as it is


def _terms(text: str) -> set[int]:
    from dutytrace.store.vectors import sparse_terms

    return sparse_terms(text)


def test_document_id_is_per_case():
    from dutytrace.identity import content_hash, document_id

    data = REGULATION.encode()
    assert document_id("a", data) != document_id("b", data)
    assert document_id("a", data) == document_id("a", data)
    assert document_id("a", data) != content_hash(data)
    assert document_id("案\udcff", data)  # a case id with an undecodable byte (surrogate-escaped) hashes
