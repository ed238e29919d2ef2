"""`dutytrace index migrate --to URL`: the embedded index moves to a Qdrant server (here qdrant-client's
local mode on a folder, which speaks the same API) with vectors and payloads unchanged, so searches
give the same passages at the same scores; a repeated migration duplicates nothing; a home without an
index is a clear error naming the folder."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from dutytrace.cli import app
from dutytrace.nlp.codebook import load_codebook
from dutytrace.search import Searcher
from dutytrace.store.migrate import MigrationError, migrate_embedded
from dutytrace.store.qdrant_client_index import ClientIndex

QUERIES = ["men overcome by toxic fumes in an underground drain", "瓦斯爆炸 隐瞒事故", "scaffold guardrail harness"]


def test_migrate_keeps_rankings(service, tmp_path):
    target = f"local:{tmp_path / 'server'}"
    before = {(q, m): [(h.chunk_id, round(h.score, 4)) for h in service.search(q, 8, m)]
              for q in QUERIES for m in ("dense", "lexical")}
    count = service.index.count()
    report = service.migrate_index(target, collection="moved")
    assert report["copied"] == report["source_count"] == report["target_count"] == count > 0
    again = service.migrate_index(target, collection="moved")  # idempotent: same ids overwrite
    assert again["target_count"] == count
    server = ClientIndex(target, None, "moved", service.embedder.dim)
    try:
        assert server.ids() == service.index.ids()
        # the same searcher the service builds (BM25 term weights over what the user may see, collapsed
        # near-duplicates), over the migrated collection
        ref = service.searcher()
        s = Searcher(server, service.embedder.encode_query, service._case_info_fn(), load_codebook(None),
                     duplicates=ref.duplicates, term_weights=ref.term_weights)
        for (q, m), hits in before.items():
            assert [(h.chunk_id, round(h.score, 4)) for h in s.search(q, 8, m)] == hits, (q, m)
        assert sorted(server.facet("case_id")) == sorted(service.index.facet("case_id"))
    finally:
        server.close()


def test_migrate_without_index_names_the_folder(settings_factory, tmp_path):
    settings = settings_factory()
    with pytest.raises(MigrationError, match=str(settings.index_path)):
        migrate_embedded(settings, f"local:{tmp_path / 'x'}")


def test_cli_index_migrate(settings_factory, tmp_path, monkeypatch):
    from dutytrace.store.edge_index import EdgeIndex
    from dutytrace.store.vectors import IndexPoint, sparse_document

    settings = settings_factory()
    texts = ["gas test before entry", "瓦斯检查员脱岗", "guardrail gave way"]
    idx = EdgeIndex(settings.index_path, 4)
    idx.upsert([IndexPoint(f"00000000-0000-4000-8000-00000000000{i}", [1.0, i, 0.5, 0.1], sparse_document(t),
                           {"case_id": f"c{i}", "text": t}) for i, t in enumerate(texts)])
    idx.close()
    monkeypatch.setenv("DUTYTRACE_HOME", str(settings.home))
    target = f"local:{tmp_path / 'server'}"
    res = CliRunner().invoke(app, ["index", "migrate", "--to", target, "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout.strip().splitlines()[-1])["copied"] == 3
    empty = settings_factory()
    monkeypatch.setenv("DUTYTRACE_HOME", str(empty.home))
    res = CliRunner().invoke(app, ["index", "migrate", "--to", target])
    assert res.exit_code == 1 and "no embedded index" in res.output
