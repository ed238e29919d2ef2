"""Precedent brief timings on the sample archive (the expected cases of nc2 plus two others):

- similar(nc2) on a fresh service: reads (parses, analyses) the document and ranks;
- brief(nc2, results=...) right after, as the Similar page does: reuses both the analysis and ranking;
- brief(nc2) right after, as the CLI does on a service that ranked before: reuses the analysis, ranks again;
- brief(nc2) on a fresh service: reads and ranks;
- rendering the same content to DOCX and to PDF.

Each step is the median of ROUNDS runs (the fresh-service steps alternate, so load changes hit both);
ratios are against the fresh brief in the same run.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_brief.py [ROUNDS]"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dutytrace.brief_render import to_docx, to_pdf  # noqa: E402
from dutytrace.config import Settings  # noqa: E402
from dutytrace.service import Dutytrace  # noqa: E402

CASES = ["zh05", "en06", "zh13", "en01", "zh10"]
DOC = ROOT / "corpus" / "new_cases" / "nc2.pdf"


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main(rounds: int = 3) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-brief-"))
    try:
        arch = tmp / "archive"
        for c in CASES:
            shutil.copytree(ROOT / "corpus" / "archive" / c, arch / c)
        settings = Settings(home=tmp / "home")
        with Dutytrace(settings) as svc:
            t, _ = timed(lambda: svc.ingest([arch]))
            print(f"ingest of {len(CASES)} cases: {t:.1f} s (not part of the figures)")
            svc.similar(path=DOC, limit=3)  # load the models once
        steps: dict[str, list[float]] = {k: [] for k in ("similar_fresh", "brief_reusing_results",
                                                          "brief_reranking", "brief_fresh", "docx", "pdf")}
        for _ in range(rounds):
            with Dutytrace(settings) as svc:
                t, res = timed(lambda: svc.similar(path=DOC, limit=3))
                steps["similar_fresh"].append(t)
                t, model = timed(lambda: svc.brief(path=DOC, lang="zh", limit=3, results=res))
                steps["brief_reusing_results"].append(t)
                t, _ = timed(lambda: svc.brief(path=DOC, lang="zh", limit=3))
                steps["brief_reranking"].append(t)
                steps["docx"].append(timed(lambda: to_docx(model))[0])
                steps["pdf"].append(timed(lambda: to_pdf(model))[0])
            with Dutytrace(settings) as svc:
                steps["brief_fresh"].append(timed(lambda: svc.brief(path=DOC, lang="zh", limit=3))[0])
        base = statistics.median(steps["brief_fresh"])
        for k, v in steps.items():
            m = statistics.median(v)
            print(f"{k:<24} median {m:7.2f} s  ({m / base:5.2f} x the fresh brief)  runs: "
                  + ", ".join(f"{x:.2f}" for x in v))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
