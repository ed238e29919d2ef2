"""Index benchmark: build time, query latency (p50/p95; dense, hybrid, filtered), recall@10 against
exact search, and memory, at 10k / 100k / 1M chunks of 384-d vectors, for

- edge:   the embedded Qdrant Edge index (dutytrace.store.edge_index.EdgeIndex, as the product uses it),
- client: qdrant-client's local mode (ClientIndex on a folder; slow to build, scans every vector),
- exact:  exact search in numpy (dense: one matrix product; BM25: the same IDF formula over a sparse
          matrix), the floor for recall and the baseline for latency.

The data are synthetic but shaped like the archive: vectors drawn around sqrt(N) cluster centres (so
that near neighbours are meaningful and HNSW has work to do), a text per point made of its cluster's
topic words and Zipf-distributed background words (BM25 sparse vectors by the product's own
multilingual Bm25), and payloads with the filter fields (language, kind, year, case, tags).

Each backend runs in its own process (so memory figures are its own); the dataset is generated once
per size into --cache and reused.

    .venv/bin/python benchmarks/bench_index.py --sizes 10000,100000          # quick
    .venv/bin/python benchmarks/bench_index.py                                # 10k, 100k, 1M (long)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DIM, K, SEED = 384, 10, 7
LANGS, KINDS, TAGS = ["en", "zh"], ["report", "transcript", "decision", "other"], [f"tag{i}" for i in range(11)]
VOCAB = 20000
FILTER = {"language": "en", "kind": ["report", "transcript"], "year": ("range", 2010, 2019)}
MODES = ("dense", "hybrid", "filtered")


# -- dataset ------------------------------------------------------------------------------------------
def generate(n: int, queries: int, folder: Path) -> None:
    from dutytrace.store.vectors import bm25

    rng = np.random.default_rng(SEED + n)
    clusters = max(16, int(np.sqrt(n)))
    centres = rng.standard_normal((clusters, DIM)).astype(np.float32)
    label = rng.integers(0, clusters, n)
    x = centres[label] + 0.9 * rng.standard_normal((n, DIM)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    topics = rng.integers(0, VOCAB, (clusters, 30))
    zipf = 1.0 / np.arange(1, VOCAB + 1) ** 1.1
    zipf /= zipf.sum()
    words = np.array([f"w{i}" for i in range(VOCAB)])
    model = bm25()
    lengths = rng.integers(20, 80, n)
    starts = np.concatenate([[0], np.cumsum(lengths)])
    half = lengths // 2
    topic_draw = rng.integers(0, 30, int(starts[-1]))
    background = rng.choice(VOCAB, int(starts[-1]), p=zipf)
    indptr, ind, val, texts, chunk_i, chunk_v = [0], [], [], [], [], []
    for i in range(n):
        a, h, b = starts[i], half[i], starts[i + 1]
        toks = np.concatenate([topics[label[i]][topic_draw[a:a + h]], background[a + h:b]])
        text = " ".join(words[toks])
        v = model.embed_document(text)
        chunk_i.extend(v.indices)
        chunk_v.extend(v.values)
        indptr.append(indptr[-1] + len(v.indices))
        texts.append(text[:200])
        if len(chunk_i) > 1_000_000:
            ind.append(np.array(chunk_i, dtype=np.uint32))
            val.append(np.array(chunk_v, dtype=np.float32))
            chunk_i, chunk_v = [], []
    ind.append(np.array(chunk_i, dtype=np.uint32))
    val.append(np.array(chunk_v, dtype=np.float32))
    qlabel = rng.integers(0, clusters, queries)
    qx = centres[qlabel] + 0.9 * rng.standard_normal((queries, DIM)).astype(np.float32)
    qx /= np.linalg.norm(qx, axis=1, keepdims=True)
    qtext = [" ".join(words[np.concatenate([topics[c][rng.integers(0, 30, 3)], rng.choice(VOCAB, 1, p=zipf)])])
             for c in qlabel]
    folder.mkdir(parents=True, exist_ok=True)
    np.save(folder / "x.npy", x)
    np.save(folder / "qx.npy", qx)
    np.save(folder / "indptr.npy", np.array(indptr, dtype=np.int64))
    np.save(folder / "ind.npy", np.concatenate(ind))
    np.save(folder / "val.npy", np.concatenate(val))
    np.save(folder / "lang.npy", (rng.random(n) < 0.3).astype(np.int8))  # 30 % Chinese
    np.save(folder / "kind.npy", rng.choice(4, n, p=[0.4, 0.35, 0.15, 0.1]).astype(np.int8))
    np.save(folder / "year.npy", rng.integers(2000, 2024, n).astype(np.int16))
    np.save(folder / "case.npy", (np.arange(n) // 25).astype(np.int32))
    np.save(folder / "tags.npy", rng.integers(0, 1 << len(TAGS), n).astype(np.int32))
    (folder / "texts.json").write_text(json.dumps(texts))
    (folder / "qtext.json").write_text(json.dumps(qtext))
    (folder / "done").write_text("ok")


class Data:
    def __init__(self, folder: Path):
        load = lambda name: np.load(folder / f"{name}.npy")  # noqa: E731
        self.x, self.qx = load("x"), load("qx")
        self.indptr, self.ind, self.val = load("indptr"), load("ind"), load("val")
        self.lang, self.kind, self.year = load("lang"), load("kind"), load("year")
        self.case, self.tags = load("case"), load("tags")
        self.texts = json.loads((folder / "texts.json").read_text())
        self.qtext = json.loads((folder / "qtext.json").read_text())
        self.n = len(self.x)

    def sparse(self, i: int) -> tuple[list[int], list[float]]:
        a, b = self.indptr[i], self.indptr[i + 1]
        return self.ind[a:b].tolist(), self.val[a:b].tolist()

    def payload(self, i: int) -> dict:
        return {"case_id": f"c{self.case[i]}", "doc_id": f"d{i // 5}", "chunk_id": point_id(i),
                "language": LANGS[self.lang[i]], "kind": KINDS[self.kind[i]], "year": int(self.year[i]),
                "page": int(i % 20) + 1, "tags": [t for k, t in enumerate(TAGS) if self.tags[i] >> k & 1],
                "text": self.texts[i]}

    def mask(self) -> np.ndarray:
        lo, hi = FILTER["year"][1:]
        return (self.lang == 0) & (self.kind <= 1) & (self.year >= lo) & (self.year <= hi)


def point_id(i: int) -> str:
    return f"00000000-0000-4000-8000-{i:012d}"


def index_of(pid: str) -> int:
    return int(pid.rsplit("-", 1)[1])


# -- measurement helpers ------------------------------------------------------------------------------
def rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file()) / 2**20


def percentiles(lat: list[float]) -> tuple[float, float]:
    return float(np.percentile(lat, 50) * 1000), float(np.percentile(lat, 95) * 1000)


def recall(found: list[list[int]], truth: np.ndarray) -> float:
    return float(np.mean([len(set(f[:K]) & set(t[:K].tolist())) / K for f, t in zip(found, truth)]))


def rrf(legs: list[np.ndarray], k: int = 60) -> list[int]:
    scores: dict[int, float] = {}
    for leg in legs:
        for rank, i in enumerate(leg.tolist()):
            scores[i] = scores.get(i, 0.0) + 1.0 / (k + rank + 1)
    return sorted(scores, key=lambda i: -scores[i])[:K]


# -- workers ------------------------------------------------------------------------------------------
class Exact:
    """Exact search in numpy: the floor for recall and the baseline for latency."""

    def __init__(self, d: Data):
        from scipy.sparse import csc_matrix

        self.d = d
        vocab, cols = np.unique(d.ind, return_inverse=True)
        rows = np.repeat(np.arange(d.n), np.diff(d.indptr))
        self.vocab = {int(t): j for j, t in enumerate(vocab)}
        self.m = csc_matrix((d.val, (rows, cols.ravel())), shape=(d.n, len(vocab)))
        df = np.diff(self.m.indptr)
        self.idf = np.log((d.n - df + 0.5) / (df + 0.5) + 1.0)  # Qdrant's IDF modifier

    def dense(self, q: np.ndarray, limit: int = K, mask: np.ndarray | None = None) -> np.ndarray:
        s = self.d.x @ q
        if mask is not None:
            s = np.where(mask, s, -np.inf)
        top = np.argpartition(-s, limit)[:limit]
        return top[np.argsort(-s[top])]

    def lexical(self, sparse: tuple[list[int], list[float]], limit: int) -> np.ndarray:
        s = np.zeros(self.d.n, dtype=np.float32)
        for t, w in zip(*sparse):
            j = self.vocab.get(t)
            if j is not None:
                a, b = self.m.indptr[j], self.m.indptr[j + 1]
                s[self.m.indices[a:b]] += self.idf[j] * w * self.m.data[a:b]
        top = np.argpartition(-s, limit)[:limit]
        top = top[s[top] > 0]
        return top[np.argsort(-s[top])]

    def hybrid(self, q, sparse) -> list[int]:
        return rrf([self.dense(q, K * 4), self.lexical(sparse, K * 4)])


def run_worker(backend: str, folder: Path, args) -> dict:
    from dutytrace.store.vectors import IndexOptions, IndexPoint, sparse_query

    d = Data(folder)
    d.x = np.ascontiguousarray(d.x)  # fully in memory before the baseline is taken
    qs = min(args.queries, args.client_queries) if backend == "client" else args.queries
    qsparse = [sparse_query(t) for t in d.qtext[:qs]]
    base = rss_mb()
    out: dict = {"backend": backend, "n": d.n, "queries": qs}
    work = Path(tempfile.mkdtemp(prefix=f"bench-{backend}-", dir=args.workdir))
    t0 = time.perf_counter()
    if backend == "exact":
        ex = Exact(d)
        out["build_s"] = time.perf_counter() - t0
        run = {"dense": lambda i: ex.dense(d.qx[i]).tolist(),
               "hybrid": lambda i: ex.hybrid(d.qx[i], qsparse[i]),
               "filtered": lambda i: ex.dense(d.qx[i], K, d.mask()).tolist()}
        truth = {m: [run[m](i) for i in range(len(d.qx))] for m in MODES}
        np.save(folder / "truth.npy", np.array([truth[m] for m in MODES], dtype=np.int64))
    else:
        opts = IndexOptions(hnsw_m=args.m, hnsw_ef_construct=args.ef_construct, hnsw_ef=args.ef,
                            quantization=args.quantization, optimize_every=10**12)
        if backend == "edge":
            from dutytrace.store.edge_index import EdgeIndex

            idx = EdgeIndex(work / "index", DIM, opts)
        else:
            from dutytrace.store.qdrant_client_index import ClientIndex

            idx = ClientIndex(f"local:{work / 'index'}", None, "bench", DIM, opts)
        for a in range(0, d.n, 5000):
            idx.upsert([IndexPoint(point_id(i), d.x[i].tolist(), d.sparse(i), d.payload(i))
                        for i in range(a, min(d.n, a + 5000))])
        out["upsert_s"] = time.perf_counter() - t0
        idx.optimize()
        out["build_s"] = time.perf_counter() - t0
        out["disk_mb"] = folder_mb(work / "index")
        ids = lambda res: [index_of(s.id) for s in res]  # noqa: E731
        run = {"dense": lambda i: ids(idx.query("dense", d.qx[i].tolist(), None, K)),
               "hybrid": lambda i: ids(idx.query("hybrid", d.qx[i].tolist(), qsparse[i], K)),
               "filtered": lambda i: ids(idx.query("dense", d.qx[i].tolist(), None, K, FILTER))}
        for i in range(min(10, qs)):  # warm-up
            run["dense"](i)
    out["mem_mb"] = rss_mb() - base
    out["peak_mb"] = rss_mb("VmHWM") - base
    truth_all = np.load(folder / "truth.npy")
    for j, mode in enumerate(MODES):
        lat, found = [], []
        for i in range(qs):
            t = time.perf_counter()
            found.append(run[mode](i))
            lat.append(time.perf_counter() - t)
        out[f"{mode}_p50"], out[f"{mode}_p95"] = percentiles(lat)
        out[f"{mode}_recall"] = recall(found, truth_all[j][:qs])
    if backend != "exact":
        idx.close()
    shutil.rmtree(work, ignore_errors=True)
    return out


# -- driver -------------------------------------------------------------------------------------------
def table(rows: list[dict]) -> str:
    cols = [("n", "{:>9,}"), ("backend", "{:<7}"), ("build_s", "{:>8.1f}"), ("dense_p50", "{:>7.2f}"),
            ("dense_p95", "{:>7.2f}"), ("hybrid_p50", "{:>7.2f}"), ("hybrid_p95", "{:>7.2f}"),
            ("filtered_p50", "{:>7.2f}"), ("filtered_p95", "{:>7.2f}"), ("dense_recall", "{:>6.3f}"),
            ("hybrid_recall", "{:>6.3f}"), ("filtered_recall", "{:>6.3f}"), ("mem_mb", "{:>7.0f}"),
            ("disk_mb", "{:>7.0f}"), ("speedup", "{:>7.1f}")]
    head = ["points", "backend", "build s", "dns p50", "dns p95", "hyb p50", "hyb p95", "flt p50", "flt p95",
            "R dns", "R hyb", "R flt", "mem MB", "disk MB", "x exact"]
    widths = [len(f.format(0 if k not in ("backend",) else "")) for k, f in cols]
    lines = ["  ".join(h.rjust(w) if k != "backend" else h.ljust(w) for h, w, (k, _) in zip(head, widths, cols))]
    for r in rows:
        lines.append("  ".join((f.format(r[k]) if r.get(k) is not None else "-".rjust(w))
                               for (k, f), w in zip(cols, widths)))
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated point counts")
    ap.add_argument("--backends", default="exact,edge,client")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--client-queries", type=int, default=50, help="queries for the (slow) local mode")
    ap.add_argument("--client-max", type=int, default=100000, help="largest size run in local mode")
    ap.add_argument("--m", type=int, default=16)
    ap.add_argument("--ef-construct", type=int, default=100)
    ap.add_argument("--ef", type=int, default=128)
    ap.add_argument("--quantization", default=None, choices=[None, "int8"])
    ap.add_argument("--cache", default=os.environ.get("BENCH_CACHE", "/tmp/dutytrace-bench"))
    ap.add_argument("--workdir", default=None, help="where indexes are built (default: a temp folder)")
    ap.add_argument("--json", default=None, help="also write the rows to this file")
    ap.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--folder", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print("RESULT " + json.dumps(run_worker(args.worker, Path(args.folder), args)), flush=True)
        return
    rows: list[dict] = []
    backends = [b for b in ("exact", "edge", "client") if b in args.backends.split(",")]
    if "exact" not in backends:
        backends.insert(0, "exact")  # recall needs the exact answers
    try:
        run_sizes(args, backends, rows)
    except KeyboardInterrupt:
        print("# interrupted: the table holds what finished", file=sys.stderr)
    print(f"\nlatencies in ms (p50/p95), recall@{K} against exact search, mem = RSS growth of the process; "
          f"HNSW m={args.m} ef_construct={args.ef_construct} ef={args.ef} quantization={args.quantization}; "
          f"filter {FILTER}; {os.cpu_count()} CPUs")
    print(table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


def run_sizes(args, backends: list[str], rows: list[dict]) -> None:
    for n in (int(s) for s in args.sizes.split(",")):
        folder = Path(args.cache) / f"n{n}-q{args.queries}"
        if not (folder / "done").exists():
            t = time.perf_counter()
            generate(n, args.queries, folder)
            print(f"# generated {n:,} points in {time.perf_counter() - t:.0f} s -> {folder}", file=sys.stderr)
        base = None
        for b in backends:
            if b == "client" and n > args.client_max:
                print(f"# client local mode skipped at {n:,} (--client-max {args.client_max:,})", file=sys.stderr)
                continue
            cmd = [sys.executable, __file__, "--worker", b, "--folder", str(folder), "--queries", str(args.queries),
                   "--client-queries", str(args.client_queries), "--m", str(args.m), "--ef-construct",
                   str(args.ef_construct), "--ef", str(args.ef)] + \
                (["--quantization", args.quantization] if args.quantization else []) + \
                (["--workdir", args.workdir] if args.workdir else [])
            # one BLAS thread for the numpy floor: on a busy 2-core machine spinning BLAS threads
            # make a memory-bound matrix-vector product slower, not faster
            env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"} if b == "exact" else None
            res = subprocess.run(cmd, capture_output=True, text=True, env=env)
            line = [x for x in res.stdout.splitlines() if x.startswith("RESULT ")]
            if res.returncode or not line:
                print(f"# {b} at {n:,} failed:\n{res.stderr[-2000:]}", file=sys.stderr)
                continue
            row = json.loads(line[0][7:])
            if b == "exact":
                base = row
            elif base:
                row["speedup"] = base["dense_p50"] / max(row["dense_p50"], 1e-9)
            rows.append(row)
            print(f"# {b} at {n:,}: {json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in row.items()})}",
                  file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
