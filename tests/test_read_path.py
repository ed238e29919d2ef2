"""The read path at scale (issue 20): what was made cheaper gives what it gave before.

- the embedded index keeps the passage fields of the points it has read (EdgeIndex._fetch):
  a leg answered from that cache equals the shard's own payloads, also after the points change;
- a dense leg's floor is applied by the index (`min_score`), with the same passages as a filter after, and
  its first, shallow read finds what a read at match_depth finds;
- a warmed cache (EdgeIndex.warm_page, SharedIndex.keep_warm) equals the shard, follows writes and leaves
  searches no point to read from the shard;
- a bulk load (IndexOptions.bulk_flush_every) keeps every point across a close and reopen;
- the service's query encoder gives encode_query's vector and leaves torch's thread count as it was;
- `query.translation` is what `understand` says of a text's other-language reach;
- search results made with only a case's first passages as hits equal those of a search on a fresh index.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from dutytrace.store.edge_index import EdgeIndex
from dutytrace.store.vectors import PASSAGE_FIELDS, IndexOptions, IndexPoint, sparse_document, sparse_query

DIM = 16
WORDS = ["scaffold", "harness", "gas", "drain", "fumes", "permit", "inspection", "rescue", "valve", "crane"]


def _points(n: int, seed: int = 1, tag: str = "a") -> list[IndexPoint]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        v = rng.standard_normal(DIM)
        text = " ".join(WORDS[j] for j in rng.choice(len(WORDS), 4))
        out.append(IndexPoint(f"00000000-0000-4000-8000-{i:012d}", (v / np.linalg.norm(v)).tolist(),
                              sparse_document(text),
                              {"case_id": f"c{i % 7}", "doc_id": f"d{i % 13}", "chunk_id": f"00000000-0000-4000-8000-{i:012d}",
                               "page": i % 5 + 1, "tags": [tag] if i % 3 == 0 else [], "kind": "report",
                               "language": "en", "region": f"r{i % 4}"}))
    return out


def _rows(res):
    return [(s.id, round(s.score, 6), {k: (list(v) if isinstance(v, (list, tuple)) else v) for k, v in s.payload.items()})
            for s in res]


def _uncached(ix: EdgeIndex, mode, dense, sparse, limit, filters=None):
    """The same leg read with every payload from the shard (a field outside PASSAGE_FIELDS is asked, then dropped)."""
    res = ix.query(mode, dense, sparse, limit, filters, fields=PASSAGE_FIELDS + ("region",))
    for s in res:
        s.payload.pop("region", None)
    return res


def test_cached_passage_fields_equal_the_shard_and_follow_writes(tmp_path):
    ix = EdgeIndex(tmp_path / "index", DIM)
    try:
        ix.upsert(_points(200))
        q = sparse_query("gas drain permit")
        vec = _points(1, seed=9)[0].dense
        for flt in (None, {"case_id": "c3"}, {"tags": "a"}):
            assert _rows(ix.query("lexical", None, q, 500, flt, fields=PASSAGE_FIELDS)) == \
                _rows(_uncached(ix, "lexical", None, q, 500, flt))
            assert _rows(ix.query("dense", vec, None, 50, flt, fields=PASSAGE_FIELDS)) == \
                _rows(_uncached(ix, "dense", vec, None, 50, flt))
        assert ix._cache, "the passage fields were not kept"
        # the same points written again with other tags and pages: the cache follows
        changed = [IndexPoint(p.id, p.dense, p.sparse, {**p.payload, "tags": ["b"], "page": 99}) for p in _points(200)[:50]]
        ix.upsert(changed)
        got = {s.id: s.payload for s in ix.query("lexical", None, q, 500, None, fields=PASSAGE_FIELDS)}
        for p in changed:
            if p.id in got:
                assert list(got[p.id]["tags"]) == ["b"] and got[p.id]["page"] == 99
        assert _rows(ix.query("lexical", None, q, 500, None, fields=PASSAGE_FIELDS)) == \
            _rows(_uncached(ix, "lexical", None, q, 500))
        # deleted points are gone from the answers
        gone = [p.id for p in _points(200)[50:80]]
        ix.delete(gone)
        ids = {s.id for s in ix.query("lexical", None, q, 500, None, fields=PASSAGE_FIELDS)}
        assert ids and not ids & set(gone)
    finally:
        ix.close()


def test_query_many_answers_as_query_does(tmp_path):
    """The similar-case legs asked as one batch (EdgeIndex.query_many) give what `query` gives for each,
    cached fields or not, also for a cold cache and a lexical leg with no terms."""
    ix = EdgeIndex(tmp_path / "index", DIM)
    try:
        ix.upsert(_points(200))
        vec = _points(1, seed=9)[0].dense
        reqs = [("lexical", None, sparse_query("gas drain permit"), 20, None, PASSAGE_FIELDS),
                ("lexical", None, sparse_query("crane valve"), 20, {"case_id": ["c1", "c2"]}, PASSAGE_FIELDS),
                ("lexical", None, ([], []), 20, None, PASSAGE_FIELDS),
                ("dense", vec, None, 20, {"tags": "a"}, PASSAGE_FIELDS),
                ("dense", vec, None, 5, None, PASSAGE_FIELDS + ("region",))]
        got = ix.query_many(reqs)  # first: nothing cached yet
        assert [len(g) for g in got] == [20, 20, 0, 20, 5]
        ix._cache.clear()
        for (mode, dense, sparse, limit, flt, fields), answer in zip(reqs, got):
            assert _rows(answer) == _rows(ix.query(mode, dense, sparse, limit, flt, fields=fields))
        assert [_rows(g) for g in ix.query_many(reqs)] == [_rows(g) for g in got]  # warm
    finally:
        ix.close()

class _CountingShard:
    """The real shard, counting the point reads (`retrieve`) a search makes."""

    def __init__(self, shard):
        self.shard, self.retrieved = shard, 0

    def retrieve(self, *args):
        got = self.shard.retrieve(*args)
        self.retrieved += len(got)
        return got

    def __getattr__(self, name):
        return getattr(self.shard, name)


def test_a_warmed_cache_equals_the_shard_and_searches_read_no_point(tmp_path):
    """warm_page reads every point's passage fields, page by page: what it keeps equals what a search
    reads point by point, and a search after it reads no point from the shard."""
    ix = EdgeIndex(tmp_path / "index", DIM)
    try:
        ix.upsert(_points(230))
        q, vec = sparse_query("gas drain permit"), _points(1, seed=9)[0].dense
        cold = {k: v for k, v in ix._cache.items()}
        assert not cold
        offset, pages = None, 0
        while True:
            offset = ix.warm_page(offset, batch=50)
            pages += 1
            if offset is None:
                break
        assert pages == 5 and len(ix._cache) == 230
        warmed = dict(ix._cache)
        ix._cache.clear()
        for flt in (None, {"case_id": "c3"}):  # read point by point, as a search does
            ix.query("lexical", None, q, 500, flt, fields=PASSAGE_FIELDS)
            ix.query("dense", vec, None, 300, flt, fields=PASSAGE_FIELDS)
        assert ix._cache and all(warmed[k] == v for k, v in ix._cache.items())
        ix._cache.clear()
        ix._cache.update(warmed)
        counting = ix.shard = _CountingShard(ix.shard)
        got = ix.query("lexical", None, q, 500, None, fields=PASSAGE_FIELDS)
        assert got and counting.retrieved == 0
        assert _rows(got) == _rows(_uncached(ix, "lexical", None, q, 500))
        ix.shard = counting.shard
    finally:
        ix.close()


def test_the_owner_keeps_its_cache_warm_across_writes(tmp_path):
    """SharedIndex.keep_warm: the owning process reads every point's fields in the background; a search
    then reads no point from the shard; written points are answered as written; a payload push that
    empties the cache has it warmed again."""
    from dutytrace.store.index_owner import SharedIndex

    path = tmp_path / "home" / "index"
    idx = SharedIndex(path, DIM, home=path.parent)
    try:
        idx.upsert(_points(1200))
        idx.keep_warm()
        assert idx.wait_warm(60)
        owner = idx._backend
        ix = owner.index
        assert len(ix._cache) == 1200
        counting = ix.shard = _CountingShard(ix.shard)
        q = sparse_query("gas drain permit")
        got = idx.query("lexical", None, q, 2000, None, fields=PASSAGE_FIELDS)
        assert len(got) > 500 and counting.retrieved == 0
        changed = [IndexPoint(p.id, p.dense, p.sparse, {**p.payload, "tags": ["b"], "page": 99})
                   for p in _points(1200)[:40]]
        idx.upsert(changed)
        after = {s.id: s.payload for s in idx.query("lexical", None, q, 2000, None, fields=PASSAGE_FIELDS)}
        assert all(list(after[p.id]["tags"]) == ["b"] and after[p.id]["page"] == 99 for p in changed if p.id in after)
        ix.shard = counting.shard
        idx.set_payload("c1", {"language": "zh"})  # a passage field: the cache is emptied...
        assert owner.warmed.wait(60) and len(ix._cache) == 1200  # ...and read again
        zh = idx.query("lexical", None, q, 2000, {"case_id": "c1"}, fields=PASSAGE_FIELDS)
        assert zh and all(s.payload["language"] == "zh" for s in zh)
    finally:
        idx.close()


def test_the_dense_legs_first_read_finds_what_a_full_read_finds(tmp_path):
    """Searcher._leg reads `dense_first_read` dense passages first and `match_depth` only when all of them
    pass the floor: the same passages as reading `match_depth` at once, on an HNSW-indexed shard (built
    past its full-scan threshold), with few or many passages above the floor."""
    from dataclasses import replace

    from dutytrace.nlp.codebook import load_codebook
    from dutytrace.search import RankConfig, Searcher

    dim = 384  # 8,000 x 384 float32 = 12 MB of vectors: past the shard's full-scan threshold (10 MB), so HNSW
    rng = np.random.default_rng(5)
    centre = rng.standard_normal(dim)
    centre /= np.linalg.norm(centre)
    points = []
    for i in range(8_000):  # a cluster around `centre` (a tenth) in a cloud of random directions
        v = centre + 0.06 * rng.standard_normal(dim) if i % 10 == 0 else rng.standard_normal(dim)
        pid = f"00000000-0000-4000-8000-{i:012d}"
        points.append(IndexPoint(pid, (v / np.linalg.norm(v)).tolist(), sparse_document("gas"),
                                 {"case_id": f"c{i % 300}", "doc_id": f"d{i % 900}", "chunk_id": pid, "page": 1,
                                  "tags": [], "kind": "report", "language": "en"}))
    ix = EdgeIndex(tmp_path / "index", dim)
    try:
        ix.upsert(points)
        ix.optimize()
        codebook = load_codebook(None)
        for floor, first in ((0.67, 500), (0.5, 500), (0.1, 500), (0.5, 50)):
            cfg = RankConfig(dense_floor={"en": floor, "zh": floor})
            legs = []
            for config in (replace(cfg, dense_first_read=first), replace(cfg, dense_first_read=cfg.match_depth)):
                searcher = Searcher(ix, None, lambda c: {}, codebook, config)
                legs.append([(s.id, round(s.score, 5)) for s in searcher._leg("dense", centre.tolist(), None, "en")])
            assert legs[0] == legs[1], (floor, first, len(legs[0]), len(legs[1]))
            assert legs[0], floor
    finally:
        ix.close()


def test_min_score_is_the_floor_applied_after(tmp_path):
    ix = EdgeIndex(tmp_path / "index", DIM)
    try:
        ix.upsert(_points(300))
        for seed in range(5):
            vec = _points(1, seed=100 + seed)[0].dense
            floor = 0.3
            after = [s.id for s in ix.query("dense", vec, None, 300, None, fields=PASSAGE_FIELDS) if s.score >= floor]
            got = ix.query("dense", vec, None, 300, None, fields=PASSAGE_FIELDS, min_score=floor)
            assert [s.id for s in got] == after
            assert all(s.score >= floor for s in got)
            assert len(after) < 300  # the floor does drop passages here
    finally:
        ix.close()


def test_bulk_load_keeps_every_point(tmp_path):
    ix = EdgeIndex(tmp_path / "index", DIM, IndexOptions(bulk_flush_every=120))
    pts = _points(500)
    for i in range(0, 500, 50):
        ix.upsert(pts[i:i + 50])
    ix.optimize()
    ix.close()
    again = EdgeIndex(tmp_path / "index", DIM)
    try:
        assert again.count() == 500
        assert again.ids() == {p.id for p in pts}
    finally:
        again.close()


def test_query_encoder_is_encode_query_with_threads_restored():
    torch = pytest.importorskip("torch")
    from dutytrace.nlp.embed import get_embedder
    from dutytrace.query import query_encoder

    emb = get_embedder(None, "cpu", 32)
    before = torch.get_num_threads()
    enc = query_encoder(emb)
    v = enc("rescuers went in without breathing apparatus")
    assert torch.get_num_threads() == before
    assert np.allclose(v, emb.encode_query("rescuers went in without breathing apparatus"), atol=1e-5)
    assert enc("rescuers went in without breathing apparatus") is v  # remembered


@pytest.mark.parametrize("text", ["盲目施救 瞒报", "rescuers entered the tank without breathing apparatus and died",
                                  "the township did not know the site was its duty to inspect", "scaffold"])
def test_translation_is_understands(text):
    from dutytrace.nlp.codebook import load_codebook
    from dutytrace.query import translation, understand

    cb = load_codebook(None)
    intent = understand(text, cb)
    assert translation(text, cb) == (intent.language, intent.translation)


def test_case_results_on_the_sample(service):
    """Cases keep their passages (at most the asked number, best first, no passage twice) and totals agree
    with facets: a case's card is made from its first passages only."""
    for q in ("men overcome by toxic fumes in an underground drain", "瓦斯爆炸 隐瞒事故", "scaffold guardrail harness fall"):
        res = service.find_cases(q, limit=20)
        assert res.total >= len(res.cases) > 0
        for c in res.cases:
            ids = [p.chunk_id for p in c.passages]
            assert len(ids) == len(set(ids)) and 0 < len(ids) <= 3
            assert [p.score for p in c.passages] == sorted((p.score for p in c.passages), reverse=True)
        wide = service.search_cases(q, 20, passages=6)
        assert [c.case_id for c in wide] == [c.case_id for c in res.cases]
        for narrow_card, wide_card in zip(res.cases, wide):  # more passages asked: the same first three, then more
            assert [p.chunk_id for p in wide_card.passages[:3]] == [p.chunk_id for p in narrow_card.passages]
        languages = dict(service.facets(q)["language"])
        assert sum(languages.values()) >= res.total


class _Counting:
    """The service's index, counting what each query returns (passages read) and the fields it asked."""

    def __init__(self, index):
        self.index, self.reads = index, []

    def query(self, mode, dense, sparse, limit, filters=None, weights=(1.0, 1.0), fields=None, min_score=None):
        got = self.index.query(mode, dense, sparse, limit, filters, weights, fields, min_score)
        self.reads.append((mode, limit, len(got), tuple(fields or ())))
        return got

    def __getattr__(self, name):
        return getattr(self.index, name)


def test_a_capped_search_counts_what_it_read_and_says_so(service, monkeypatch):
    """A leg reads at most `match_depth` passages; when one reaches it, the total is what the read found
    (every one of those cases listed) and the result says it is a lower bound (`total_exact` False, in
    `--json` too); uncapped, the total is exact. Only the shown cases' passages are made into hits."""
    from dataclasses import replace

    from typer.testing import CliRunner

    import dutytrace.search as S
    from dutytrace.cli import app

    made = []
    real_to_hit = S.to_hit
    monkeypatch.setattr(S, "to_hit", lambda s: made.append(s.id) or real_to_hit(s))
    q, scope, mode = "safety accident inspection", service._scoped(None), "lexical"
    full = service.searcher().find_cases(q, 100, mode, scope)
    assert full.total_exact and full.total == len(full.cases) >= 2  # the sample is smaller than the read limit
    made.clear()
    one = service.searcher().find_cases(q, 1, mode, scope)
    assert one.total == full.total and len(one.cases) == 1
    assert 0 < len(made) <= S.KEEP_HITS  # hits are made for the page's case only
    depth = 1
    searcher = service.searcher(replace(S.RankConfig(), match_depth=depth, learned_ranker=False))
    searcher.index = counting = _Counting(searcher.index)
    made.clear()
    capped = searcher.find_cases(q, 1, mode, scope, passages=2)
    legs = [r for r in counting.reads if r[1] == depth]
    assert legs and all(n <= depth for _, _, n, _ in legs) and any(n == depth for _, _, n, _ in legs)
    assert not capped.total_exact and 0 < capped.total < full.total
    assert 0 < len(made) <= 2  # hits made for the page's one case
    listed = [c.case_id for k in range(0, capped.total, 2)
              for c in searcher.find_cases(q, 2, mode, scope, offset=k).cases]
    assert len(listed) == len(set(listed)) == capped.total  # the count is what can be listed
    assert set(listed) <= {c.case_id for c in full.cases}
    passages = searcher.find_passages(q, 3, mode, scope)
    assert not passages.total_exact and passages.total == depth
    r = CliRunner().invoke(app, ["search", q, "--by-case", "--mode", mode, "--json"], env={"DUTYTRACE_HOME": str(service.settings.home)})
    assert r.exit_code == 0, r.output
    res = json.loads(r.stdout)
    assert res["total_exact"] is True and res["total"] == full.total


def test_facets_from_the_search_ranking_equal_facets_read_again(service):
    """Dutytrace.find_cases_and_facets (the Search page) counts the facets from find_cases' ranking: the
    same cases, total and counts as find_cases and facets asked apart, for queries in both languages,
    every mode, with and without filters, and a stop-word query."""
    zh_only = {"language": "zh"}
    for query, mode, filters in (("gas poisoning in a sewer", "hybrid", None), ("scaffold harness", "lexical", None),
                                 ("瓦斯爆炸 隐瞒", "hybrid", None), ("accident inspection 事故 检查", "hybrid", zh_only),
                                 ("worker fell", "dense", None), ("the of", "hybrid", None)):
        found, facets = service.find_cases_and_facets(query, limit=3, mode=mode, filters=filters)
        apart = service.find_cases(query, limit=3, mode=mode, filters=filters)
        assert [(c.case_id, round(c.score, 6)) for c in found.cases] == \
            [(c.case_id, round(c.score, 6)) for c in apart.cases], query
        assert (found.total, found.total_exact, found.message) == (apart.total, apart.total_exact, apart.message)
        assert facets == service.facets(query, mode, filters), (query, mode, filters)
    found, facets = service.find_cases_and_facets("瓦斯爆炸", limit=3)
    assert found.cases and sum(n for _, n in facets["language"]) >= 1
    # a searcher that ranked one search counts another afresh (other filters, mode or query)
    searcher = service.searcher()
    searcher.find_cases("accident inspection 事故 检查", 3, "hybrid", service._scoped(None))
    for query, mode, filters in (("accident inspection 事故 检查", "hybrid", zh_only),
                                 ("accident inspection 事故 检查", "lexical", None), ("gas poisoning", "hybrid", None)):
        assert searcher.facets(query, mode, service._scoped(filters)) == service.facets(query, mode, filters)
