"""Bulk-ingestion benchmark: generate a synthetic archive (gen_archive.py), ingest it with the real
pipeline (worker processes, MiniLM, Qdrant Edge), then embed the same chunks alone with the same model
in the same process. Prints pages/s, chunks/s, peak memory and the pipeline's overhead as the ratio
of ingest time to embedding-only time (both measured in this run, so machine load affects both).

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_ingest.py [--docs 150] [--workers N] [--json]
        [--archive corpus/archive] [--embedder fp32|onnx-int8] [--home DIR (kept, e.g. for dutytrace eval)]
        [--base DIR --rounds 2]

The embedding-only figure uses the run's own embedder (--embedder), on the chunks the run stored. CPU
seconds (all threads, and worker processes) are given beside wall time: on a machine busy with other
work the wall-time ratio says more about the load than about the pipeline (a run with more threads
gets a larger share of a loaded machine), the CPU ratio says how much work ingest adds to embedding.
--base DIR: another checkout (`git worktree add DIR COMMIT`) measured in the same run: each round runs
this script on it (--root DIR) and on this checkout in fresh processes, alternately, and the figures of both are printed
side by side (medians over the rounds), so that the machine's load falls on both alike.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import tempfile
import time
from pathlib import Path

# --root DIR: import dutytrace from another checkout (--base runs this same script that way)
_ROOT = Path(sys.argv[sys.argv.index("--root") + 1]).resolve() if "--root" in sys.argv else \
    Path(__file__).resolve().parent.parent
sys.path.insert(0, str(_ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_archive import generate  # noqa: E402

from dutytrace.config import Settings  # noqa: E402
from dutytrace.indexing import default_workers  # noqa: E402
from dutytrace.service import Dutytrace  # noqa: E402


def peak_mib() -> tuple[float, float]:
    """ru_maxrss (KiB on Linux) of this process and of the largest child process, in MiB."""
    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


class TreeRss:
    """Samples the resident memory of this process and all its descendants together (from /proc),
    every 0.2 s in a thread: the peak of what the run holds at one moment."""

    def __init__(self):
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _tree(pid: int) -> list[int]:
        out, todo = [], [pid]
        while todo:
            p = todo.pop()
            out.append(p)
            for kids in Path(f"/proc/{p}/task").glob("*/children"):
                try:
                    todo.extend(int(x) for x in kids.read_text().split())
                except OSError:
                    pass
        return out

    @staticmethod
    def _rss_kib(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def _run(self):
        while not self._stop.wait(0.2):
            self.peak_kib = max(self.peak_kib, sum(self._rss_kib(p) for p in self._tree(os.getpid())))

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def cpu_s() -> float:
    """CPU seconds (user + system) of this process, all its threads, and its finished children."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def main() -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=150, help="documents to generate (the default runs ~10 min on 2 cores)")
    ap.add_argument("--pages", type=int, default=4)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--archive", type=Path, help="an existing archive instead of a generated one")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--embedder", default="fp32", help="fp32 | onnx-int8 (DUTYTRACE_EMBEDDER)")
    ap.add_argument("--home", type=Path, help="ingest into this (new) home and keep it")
    ap.add_argument("--base", type=Path, help="another checkout to measure in the same run (alternating)")
    ap.add_argument("--rounds", type=int, default=2, help="rounds with --base")
    ap.add_argument("--root", type=Path, help="import dutytrace from this checkout (read before the imports)")
    a = ap.parse_args()
    if a.base:
        return against_base(a)
    workers = a.workers or default_workers()
    load0 = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        tmp = Path(tmp)
        archive = a.archive or tmp / "archive"
        t = time.time()
        made = generate(archive, a.docs, a.pages) if not a.archive else {}
        gen_s = time.time() - t
        with Dutytrace(Settings(home=a.home or tmp / "home", embedder=a.embedder)) as svc:
            svc.embedder  # load the model first: not counted in either figure
            t, c = time.time(), cpu_s()
            with TreeRss() as tree:
                report = svc.ingest([archive], workers=workers)
            ingest_s, ingest_cpu = time.time() - t, cpu_s() - c
            parent_mib, child_mib = peak_mib()
            texts = [c["text"] for c in svc.catalog.chunks()]
            t, c = time.time(), cpu_s()
            svc.embedder.encode(texts)
            embed_s, embed_cpu = time.time() - t, cpu_s() - c
        r = report.to_json()
        res = {"embedder": a.embedder, "documents": r["files"], "generated": made, "generate_s": round(gen_s, 1), "workers": workers,
               "ingested": r["ingested"], "failed": len(r["failed"]), "failures_by_reason": r["failures_by_reason"],
               "pages": r["pages"], "chunks": r["chunks"], "ingest_s": round(ingest_s, 1),
               "pages_per_s": round(r["pages"] / ingest_s, 2), "files_per_s": round(r["files"] / ingest_s, 2),
               "chunks_per_s": round(r["chunks"] / ingest_s, 2),
               "embed_only_s": round(embed_s, 1), "embed_only_chunks_per_s": round(len(texts) / embed_s, 2),
               "overhead_ratio": round(ingest_s / embed_s, 2),
               "ingest_cpu_s": round(ingest_cpu, 1), "embed_only_cpu_s": round(embed_cpu, 1),
               "cpu_ratio": round(ingest_cpu / embed_cpu, 2), "load_before": round(load0, 1),
               "load_after": round(os.getloadavg()[0], 1), "dutytrace": str(Path(sys.modules["dutytrace"].__file__).resolve().parent.parent),
               "peak_rss_parent_mib": round(parent_mib), "peak_rss_largest_child_mib": round(child_mib),
               "peak_rss_bound_mib": round(parent_mib + workers * child_mib),
               "peak_rss_tree_sampled_mib": round(tree.peak_kib / 1024)}
    if a.json:
        print(json.dumps(res, ensure_ascii=False))
    else:
        for k, v in res.items():
            print(f"{k:>28}: {v}")
        print(f"peak memory of the process tree (sampled) {res['peak_rss_tree_sampled_mib']} MiB: "
              f"{'under' if res['peak_rss_tree_sampled_mib'] < 2048 else 'OVER'} 2 GiB; bound from ru_maxrss "
              f"(parent + {workers} x largest child) {res['peak_rss_bound_mib']} MiB")
    return res


def _child(root: Path, a) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--root", str(root), "--json", "--embedder", a.embedder]
    if a.archive:
        cmd += ["--archive", str(a.archive.resolve())]
    else:
        cmd += ["--docs", str(a.docs), "--pages", str(a.pages)]
    if a.workers:
        cmd += ["--workers", str(a.workers)]
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=str(root), env={**os.environ, "HF_HUB_OFFLINE": "1"})
    out = json.loads(res.stdout.strip().splitlines()[-1]) if res.returncode == 0 else None
    if out is not None and Path(out["dutytrace"]) != root:
        sys.exit(f"bench_ingest measured {out['dutytrace']}, not {root}")
    if res.returncode != 0:
        sys.exit(f"bench_ingest in {root} failed:\n{res.stderr[-3000:]}")
    return out


def against_base(a) -> dict:
    roots = {"this": Path(__file__).resolve().parent.parent, "base": a.base.resolve()}
    runs: dict[str, list[dict]] = {"this": [], "base": []}
    for r in range(a.rounds):
        for name in (("base", "this") if r % 2 == 0 else ("this", "base")):
            t = time.strftime("%H:%M:%S")
            load = os.getloadavg()[0]
            runs[name].append(_child(roots[name], a))
            x = runs[name][-1]
            print(f"round {r + 1} {name:>4} (started {t}, load {load:.1f}): ingest {x['ingest_s']} s, embedding alone "
                  f"{x['embed_only_s']} s, ratio {x['overhead_ratio']}; CPU {x['ingest_cpu_s']} / {x['embed_only_cpu_s']} s, "
                  f"ratio {x['cpu_ratio']}; {x['chunks_per_s']} chunks/s, peak "
                  f"{x['peak_rss_tree_sampled_mib']} MiB", flush=True)
    keys = ["ingest_s", "embed_only_s", "overhead_ratio", "ingest_cpu_s", "embed_only_cpu_s", "cpu_ratio",
            "chunks_per_s", "pages_per_s", "peak_rss_tree_sampled_mib",
            "peak_rss_bound_mib"]
    res = {name: {k: statistics.median(x[k] for x in rs) for k in keys} for name, rs in runs.items()}
    res["rounds"] = {name: rs for name, rs in runs.items()}
    print(f"{'median of ' + str(a.rounds):>28}  {'base':>10}  {'this':>10}")
    for k in keys:
        print(f"{k:>28}  {res['base'][k]:>10}  {res['this'][k]:>10}")
    print(f"{'ingest time this/base':>28}  {res['this']['ingest_s'] / res['base']['ingest_s']:.2f}")
    if a.json:
        print(json.dumps(res, ensure_ascii=False))
    return res


if __name__ == "__main__":
    main()
