"""A trained linear model on disk: its arrays (weights stored as float16) and a JSON header that says
which features it was made for, so that a model made for other features is refused, never misread."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np


def save(path: Path, meta: dict, coef: np.ndarray, **arrays: np.ndarray) -> None:
    np.savez_compressed(path, coef=coef.astype(np.float16), **arrays,  # type: ignore[arg-type]  # numpy's stub reads **arrays as allow_pickle
                        meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8))


def load(path: Path, feature_version: int, n_hash: int) -> tuple[dict, dict] | None:
    """(arrays with coef as float32, header), or None when the file is absent or made for other features."""
    if not Path(path).is_file():
        return None
    z = np.load(path)
    meta = json.loads(bytes(z["meta"]).decode())
    if meta.get("feature_version") != feature_version or meta.get("n_hash") != n_hash:
        return None
    arrays = {k: z[k] for k in z.files if k != "meta"}
    arrays["coef"] = arrays["coef"].astype(np.float32)
    return arrays, meta
