"""Upload-to-answer time of "similar cases" on the sample archive (issue 18 item 2, issue 20 item 2).

Ingests the sample archive (corpus/archive, 40 cases) into a new home, opens it as the UI does (a new
service), and then for each new-case document of corpus/new_cases times what the Similar page does
with an upload: `Dutytrace.similar(path)` (parse, analyse, embed the passages, rank) — the answer —
and then `analyze_file(path)` (what the page says it read of the upload). Each document is copied to
a new file name first, so that nothing of an earlier call is reused. The first call of the process
(which loads the models) is reported apart.

    .venv/bin/python benchmarks/bench_similar_sample.py [--home DIR] [--code DIR] [--reps 2] [--json OUT]

--home reuses a home already ingested (made by this script with --keep); --code runs the Dutytrace
of another checkout (e.g. a `git worktree` of an older commit) for a before/after comparison.
Prints one JSON object: {"similar_first_s", "similar_p50_s", "similar_max_s", "ui_p50_s", "prepare_p50_s",
"cases", ...}.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", default=None, help="an ingested home to reuse (default: ingest into a new one)")
    ap.add_argument("--code", default=None, help="the checkout whose dutytrace package to run (default: this one)")
    ap.add_argument("--archive", default=str(ROOT / "corpus" / "archive"))
    ap.add_argument("--reps", type=int, default=2, help="rounds over the new-case documents")
    ap.add_argument("--keep", action="store_true", help="keep the new home (its path is printed)")
    ap.add_argument("--json", default=None, help="append the result to this file")
    args = ap.parse_args()
    sys.path.insert(0, str(Path(args.code).resolve() if args.code else ROOT))
    from dutytrace.config import Settings
    from dutytrace.indexing import prepare
    from dutytrace.service import Dutytrace

    out: dict = {"code": str(Path(args.code).resolve() if args.code else ROOT)}
    home = Path(args.home) if args.home else Path(tempfile.mkdtemp(prefix="bench-similar-"))
    try:
        if not args.home:
            t = time.perf_counter()
            with Dutytrace(Settings(home=home)) as svc:
                report = svc.ingest([Path(args.archive)])
            out["ingest_s"] = round(time.perf_counter() - t, 1)
            out["ingest_failed"] = len(report.failed)
        t = time.perf_counter()
        svc = Dutytrace(Settings(home=home))
        out["open_s"] = round(time.perf_counter() - t, 2)
        out["cases"] = len(svc.case_ids())
        docs = sorted((ROOT / "corpus" / "new_cases").glob("nc*.*"))
        work = Path(tempfile.mkdtemp(prefix="bench-similar-up-"))
        answer, ui, prep, first = [], [], [], None
        for rep in range(args.reps):
            for d in docs:
                up = work / f"r{rep}-{d.name}"  # a new upload: nothing of an earlier call is reused
                shutil.copy(d, up)
                t = time.perf_counter()
                res = svc.similar(path=up, limit=5)
                a = time.perf_counter() - t
                svc.analyze_file(up)
                u = time.perf_counter() - t
                t = time.perf_counter()
                prepare(up.read_bytes(), str(up), "__bench__", up.name, svc.settings)
                p = time.perf_counter() - t
                if first is None:
                    first = a
                    out["similar_first_top"] = [c["case_id"] for c in res[:3]]
                    continue
                answer.append(a)
                ui.append(u)
                prep.append(p)
                print(f"# {up.name}: similar {a:.2f} s, with analyze_file {u:.2f} s, prepare alone {p:.2f} s; "
                      f"top {[c['case_id'] for c in res[:3]]}", file=sys.stderr, flush=True)
        svc.close()
        shutil.rmtree(work, ignore_errors=True)
        out.update({"similar_first_s": round(first, 2), "similar_p50_s": round(statistics.median(answer), 2),
                    "similar_max_s": round(max(answer), 2), "ui_p50_s": round(statistics.median(ui), 2),
                    "ui_max_s": round(max(ui), 2), "prepare_p50_s": round(statistics.median(prep), 2),
                    "calls": len(answer)})
    finally:
        if args.keep or args.home:
            print(f"# home: {home}", file=sys.stderr)
        else:
            shutil.rmtree(home, ignore_errors=True)
    print(json.dumps(out), flush=True)
    if args.json:
        with open(args.json, "a", encoding="utf-8") as f:
            f.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
