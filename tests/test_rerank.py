"""The optional cross-encoder stage. No cross-encoder ships, so the test builds one from the packaged
MiniLM's transformer (a real CrossEncoder whose scoring head is freshly initialised): the point is the
code path — results must come back in the cross-encoder's order — not the model's quality."""

from __future__ import annotations

import pytest

from dutytrace.nlp.embed import default_model_path
from dutytrace.service import Dutytrace


@pytest.fixture(scope="module")
def cross_encoder_dir(tmp_path_factory):
    import torch
    from sentence_transformers import CrossEncoder

    torch.manual_seed(7)
    path = tmp_path_factory.mktemp("ce")
    ce = CrossEncoder(default_model_path(), num_labels=1, local_files_only=True)
    ce.save(str(path))
    return path


def test_results_follow_the_cross_encoder(archive, settings_factory, cross_encoder_dir):
    from dutytrace.rerank import Reranker

    with Dutytrace(settings_factory(rerank_model=str(cross_encoder_dir))) as svc:
        assert not svc.ingest([archive]).failed
        query = "workers overcome by gas in a sewer"
        hits = svc.search(query, limit=5)
        expected = Reranker(str(cross_encoder_dir)).scores(query, [h.text for h in hits])
        assert [h.score for h in hits] == pytest.approx(expected, rel=1e-4)
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
        cases = svc.search_cases(query, limit=3)
        assert [c.score for c in cases] == sorted((c.score for c in cases), reverse=True)
        assert all(c.score == max(p.score for p in c.passages) for c in cases)
