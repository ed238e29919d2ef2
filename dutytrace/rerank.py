"""Optional cross-encoder re-ranking (DUTYTRACE_RERANK_MODEL: a local sentence-transformers
CrossEncoder folder; none ships by default). The cross-encoder reads the query and a passage together
and scores their relevance; it re-orders the passages of the best candidates, and a case takes the
score of its best passage."""

from __future__ import annotations

import os
from functools import lru_cache

from dutytrace.errors import ConfigError


class Reranker:
    def __init__(self, model: str, device: str | None = None):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import CrossEncoder

        from dutytrace.nlp.embed import pick_device

        try:
            self.model = CrossEncoder(model, device=pick_device(device), local_files_only=True)
        except Exception as e:
            raise ConfigError(f"cannot load the re-ranking model '{model}' offline: {e}") from None

    def scores(self, query: str, texts: list[str]) -> list[float]:
        if not texts:
            return []
        return [float(x) for x in self.model.predict([(query, t) for t in texts], show_progress_bar=False)]


@lru_cache(maxsize=2)
def get_reranker(model: str, device: str | None) -> Reranker:
    return Reranker(model, device)
