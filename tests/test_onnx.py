"""The int8 ONNX embedder (DUTYTRACE_EMBEDDER=onnx-int8): made from the packaged MiniLM under the data
home, close to the fp32 sentence-transformers vectors on real passages, chosen by the setting, and an
index built by one embedder refuses queries embedded by the other."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("onnxruntime")  # scripts/setup.sh installs it: this runs wherever setup.sh was run

from dutytrace.config import Settings  # noqa: E402
from dutytrace.errors import ConfigError  # noqa: E402
from dutytrace.nlp.embed import Embedder, OnnxEmbedder, get_embedder  # noqa: E402

ARCHIVE = Path(__file__).resolve().parent.parent / "corpus" / "archive"


def real_passages() -> list[str]:
    """Passages of the sample archive's English and Chinese transcripts, cut as ingest cuts them."""
    out = []
    for p in sorted(ARCHIVE.glob("en*/*.txt"))[:12]:
        t = p.read_text(encoding="utf-8", errors="ignore")
        out += [t[i:i + 900] for i in range(0, min(len(t), 3600), 900) if t[i:i + 900].strip()]
    for p in sorted(ARCHIVE.glob("zh*/*.txt"))[:4]:
        t = p.read_text(encoding="utf-8", errors="ignore")
        out += [t[i:i + 300] for i in range(0, min(len(t), 1200), 300) if t[i:i + 300].strip()]
    return out


@pytest.fixture(scope="module")
def onnx_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("onnx-home")


@pytest.fixture(scope="module")
def int8(onnx_home) -> OnnxEmbedder:
    return get_embedder(None, None, 32, "onnx-int8", Settings(home=onnx_home).models_path)


def test_int8_vectors_close_to_fp32_on_real_passages(int8, onnx_home):
    texts = real_passages()
    assert len(texts) >= 40
    fp32 = get_embedder(None, None, 32).encode(texts)
    q = int8.encode(texts)
    assert q.shape == fp32.shape == (len(texts), 384)
    assert np.allclose(np.linalg.norm(q, axis=1), 1.0, atol=1e-4)  # normalised like sentence-transformers
    cos = (fp32 * q).sum(axis=1)
    assert cos.mean() >= 0.99, cos.mean()
    assert cos.min() >= 0.97, (cos.min(), texts[int(cos.argmin())][:80])
    # made from the packaged model, kept under the data home
    assert int8.path.is_file() and onnx_home / "models" in int8.path.parents
    # the nearest passage of each passage is the same one in both (rankings follow the vectors)
    assert ((fp32 @ fp32.T).argsort(axis=1)[:, -2] == (q @ q.T).argsort(axis=1)[:, -2]).mean() >= 0.9


def test_setting_is_honoured(monkeypatch, onnx_home):
    monkeypatch.setenv("DUTYTRACE_EMBEDDER", "onnx-int8")
    monkeypatch.setenv("DUTYTRACE_HOME", str(onnx_home))
    s = Settings.from_env()
    assert s.embedder == "onnx-int8" and s.models_path == onnx_home / "models"
    from dutytrace.service import Dutytrace

    with Dutytrace(s) as svc:
        assert isinstance(svc.embedder, OnnxEmbedder)
    monkeypatch.delenv("DUTYTRACE_EMBEDDER")
    assert Settings.from_env().embedder == "fp32"
    with pytest.raises(ConfigError, match="onnx-int8"):
        get_embedder(None, None, 32, "int4")


def test_index_of_one_embedder_refuses_the_other(tmp_path, onnx_home, int8):
    from dutytrace.service import Dutytrace

    case = tmp_path / "archive" / "case-onnx"
    case.mkdir(parents=True)
    (case / "interview-wang.txt").write_text(
        "Q: Who approved the hot work on the tank?\nA: The workshop director signed the hot work permit "
        "without a gas test, and the safety officer was not on site.\n", encoding="utf-8")
    home = tmp_path / "home"
    (home / "models").mkdir(parents=True)
    for f in onnx_home.joinpath("models").iterdir():  # the int8 model made above: not made again
        (home / "models" / f.name).symlink_to(f)
    with Dutytrace(Settings(home=home, embedder="onnx-int8")) as svc:
        assert isinstance(svc.embedder, OnnxEmbedder)
        assert svc.ingest([case.parent]).failed == []
        hits = svc.search("hot work permit signed without gas test", mode="dense")
        assert hits and hits[0].case_id == "case-onnx"
    with Dutytrace(Settings(home=home)) as svc:  # fp32, the default
        with pytest.raises(ConfigError) as e:
            svc.search("hot work permit", mode="dense")
        msg = str(e.value)
        assert "onnx-int8" in msg and "DUTYTRACE_EMBEDDER=onnx-int8" in msg and "dutytrace reindex" in msg
        svc.reindex()  # rebuilt with the embedder now set: it answers again
        assert isinstance(svc.embedder, Embedder)
        assert svc.search("hot work permit signed without gas test", mode="dense")[0].case_id == "case-onnx"
    with Dutytrace(Settings(home=home, embedder="onnx-int8")) as svc:
        with pytest.raises(ConfigError, match="fp32"):
            svc.search("hot work permit", mode="dense")
