"""Catalog read/write speed, this checkout against an older one, in one run (issue 20 item 5: the
catalog moved from hand-written sqlite3/psycopg calls to SQLAlchemy Core; this measures what that costs).

    python benchmarks/bench_catalog.py --home /work/homes/sample --old-tree /tmp/oldtree [--repeat 20]

Each side opens its own copy of the home's catalog file (the home is never touched; the new code
migrates its copy first, timed apart), then times, median of --repeat runs: documents(), one case's
chunks, passages() of 500 chunk ids, term_counts() of 40 terms over all cases and over half of them,
stored_profiles() of every case, and a write (review_tag). Prints one JSON line per side and the
ratios new/old."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORK = r'''
import json, random, statistics, sys, time
from dutytrace.store.catalog import Catalog
path, repeat = sys.argv[1], int(sys.argv[2])
t0 = time.perf_counter(); cat = Catalog(path); opened = time.perf_counter() - t0
random.seed(7)
cases = cat.case_ids()
ids = [c["chunk_id"] for c in cat.chunks()]
sample = random.sample(ids, min(500, len(ids)))
terms = [r[0] for r in cat.db.execute("SELECT DISTINCT term FROM bm25_df LIMIT 40")]
half = set(cases[::2])
ops = {
    "documents": lambda: cat.documents(),
    "chunks_of_case": lambda: cat.chunks_of_case(cases[0]),
    "passages_500": lambda: cat.passages(sample),
    "term_counts_all": lambda: cat.term_counts(terms),
    "term_counts_half": lambda: cat.term_counts(terms, half),
    "stored_profiles": lambda: cat.stored_profiles(cases, 0),
    "review_tag": lambda: cat.review_tag(cases[0], "*", "bench", "accepted", "bench"),
}
out = {"open_s": round(opened, 4)}
for name, fn in ops.items():
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter(); fn(); times.append(time.perf_counter() - t)
    out[name + "_ms"] = round(statistics.median(times) * 1000, 3)
cat.close()
print(json.dumps(out))
'''


def side(tree: Path, catalog: Path, repeat: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree), "HF_HUB_OFFLINE": "1"}
    env.pop("DUTYTRACE_TEST_DATABASE_SERVER", None)
    res = subprocess.run([sys.executable, "-c", WORK, str(catalog), str(repeat)], env=env, capture_output=True,
                         text=True, cwd=tempfile.gettempdir())
    if res.returncode:
        raise SystemExit(f"{tree}: {res.stderr[-2000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--home", type=Path, required=True)
    ap.add_argument("--old-tree", type=Path, required=True, help="a checkout of the older commit (git worktree add)")
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    new_tree = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for name, tree in (("old", args.old_tree), ("new", new_tree)):
            copy = Path(tmp) / name
            copy.mkdir()
            for f in args.home.glob("catalog.sqlite3*"):
                shutil.copy2(f, copy / f.name)
            t0 = time.perf_counter()
            results[name] = side(tree, copy / "catalog.sqlite3", args.repeat)
            results[name]["wall_s"] = round(time.perf_counter() - t0, 2)
            print(json.dumps({"side": name, **results[name]}))
        ratios = {k: round(results["new"][k] / results["old"][k], 2) for k in results["new"]
                  if k.endswith("_ms") and results["old"].get(k)}
        print(json.dumps({"new_over_old": ratios, "median_ratio": round(statistics.median(ratios.values()), 2)}))


if __name__ == "__main__":
    main()
