"""The qdrant-client code path (here its :memory: mode, which speaks the server's API) gives the same
results as the embedded Qdrant Edge index on the same data."""

from __future__ import annotations

import pytest

from dutytrace.service import Dutytrace

QUERIES = ["men overcome by toxic fumes in an underground drain", "scaffold guardrail harness fall",
           "瓦斯爆炸 隐瞒事故", "inspection was a mere formality", "gas detector broken"]


@pytest.fixture(scope="module")
def client_service(archive, settings_factory):
    svc = Dutytrace(settings_factory(qdrant_url=":memory:"))
    assert svc.ingest([archive]).failed == []
    yield svc
    svc.close()


@pytest.mark.parametrize("mode", ["dense", "lexical", "hybrid"])
def test_same_top_hits(service, client_service, mode):
    assert client_service.index.count() == service.index.count()
    for q in QUERIES:
        edge = service.search(q, limit=8, mode=mode)
        client = client_service.search(q, limit=8, mode=mode)
        for a, b in zip(edge, client):
            assert a.score == pytest.approx(b.score, rel=1e-3, abs=1e-4), (mode, q)
        # same passages at the same scores; passages with equal (fused) scores may come in either order
        assert _by_score(edge)[:3] == _by_score(client)[:3], (mode, q)


def _by_score(hits):
    groups: dict[float, set] = {}
    for h in hits[:-1]:  # the last one may have tie partners beyond the limit
        groups.setdefault(round(h.score, 4), set()).add(h.chunk_id)
    return sorted(groups.items(), key=lambda kv: -kv[0])


def test_same_filters_and_facets(service, client_service):
    f = {"language": "zh"}
    assert [h.chunk_id for h in service.search("事故", 10, "lexical", f)] == \
           [h.chunk_id for h in client_service.search("事故", 10, "lexical", f)]
    assert sorted(service.index.facet("kind")) == sorted(client_service.index.facet("kind"))
