"""How long `similar` takes to read a new document while its passages are embedded beside it, per embedder
and thread setting, measured alternately in one process so that machine load falls on all alike.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_similar_read.py FILE [FILE ...] [--rounds 3]
        [--models DIR (where the int8 ONNX model is made or found; default: a temporary folder)]

For each setting, each file is read as `Dutytrace.similar` reads it: `indexing.prepare` (parse, spaCy, the
tagger, facts; no measures) with the passages handed at chunking time to a thread that embeds them
(`similar.embed_beside`, as `Dutytrace.similar` does). Printed per setting: the analysis' wall time (p50) and the time until
both the analysis and the vectors are there (p50, max). Settings: the int8 ONNX embedder with ONNX
Runtime's threads spinning while they wait (its default) and not spinning (the product's setting), and
the fp32 model with torch on 2 threads and on 1. The scoring of the archive is not included: see
bench_scale.py for whole `similar` calls at 200 to 5,000 cases."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--models", type=Path, default=None)
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import onnxruntime as ort
    import torch

    from dutytrace.config import Settings
    from dutytrace.indexing import prepare
    from dutytrace.nlp.embed import get_embedder
    from dutytrace.similar import embed_beside

    settings = Settings.from_env()
    models = args.models or Path(tempfile.mkdtemp(prefix="bench-similar-read-"))
    int8 = get_embedder(None, None, 32, "onnx-int8", models)
    fp32 = get_embedder(None, None, 32)

    def session(spin: bool):
        o = ort.SessionOptions()
        o.log_severity_level = 3
        o.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
        return ort.InferenceSession(str(int8.path), o, providers=["CPUExecutionProvider"])
    sessions = {"int8, threads spinning": session(True), "int8, threads not spinning": session(False)}
    threads = torch.get_num_threads()

    def run(mode: str) -> list[tuple[float, float]]:
        if mode in sessions:
            int8.session, emb = sessions[mode], int8
        else:
            torch.set_num_threads(int(mode[-1]))
            emb = fp32
        futures: list = []

        def early(doc, chunks) -> None:  # as Dutytrace.similar does
            embed_beside(emb, [c.text for c in chunks], doc.language, futures)
        out = []
        for f in args.files:
            futures.clear()
            t0 = time.perf_counter()
            prepare(f.read_bytes(), str(f), "__new__", f.name, settings, False, early)
            t1 = time.perf_counter()
            if futures:
                futures[0].result()
            out.append((t1 - t0, time.perf_counter() - t0))
        torch.set_num_threads(threads)
        return out
    modes = [*sessions, "fp32, torch threads 2", "fp32, torch threads 1"]
    for m in modes:  # warm: models, caches
        run(m)
    res: dict[str, list] = {m: [] for m in modes}
    for _ in range(args.rounds):
        for m in modes:
            res[m] += run(m)
    for m in modes:
        rows = res[m]
        print(f"{m:28s} analysis p50 {statistics.median(x[0] for x in rows):.3f} s; analysis and vectors "
              f"p50 {statistics.median(x[1] for x in rows):.3f} s, max {max(x[1] for x in rows):.3f} s "
              f"({len(rows)} reads)")


if __name__ == "__main__":
    main()
