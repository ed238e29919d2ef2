"""What the similar-case reasons say, against what the page showed before (issue 18): for every case of
a home compared with the others (`similar --case`, top 5) and every file of corpus/new_cases, count the
codes a reader would have seen (concept ids, tag ids) and what the reasons show instead; passage pairs
shown before (all) and kept (those that carry content); shared names before and kept; the time explain()
takes. Usage: DUTYTRACE_HOME=... python benchmarks/measure_reasons.py [--limit 5]"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from dutytrace.config import Settings
from dutytrace.nlp.codebook import load_codebook
from dutytrace.reasons import explain, material_for
from dutytrace.service import Dutytrace

CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=5)
    args = ap.parse_args()
    with Dutytrace(Settings.from_env()) as svc:
        cb = load_codebook(svc.settings.codebook)
        profiles = {p["case_id"]: p for p in svc.case_profiles()}
        runs = [("case", cid) for cid in sorted(profiles)]
        runs += [("file", p) for p in sorted((ROOT / "corpus" / "new_cases").iterdir())]
        n = codes_before = codes_after = pairs_before = pairs_after = names_before = names_after = 0
        reasons_n, seconds = 0, 0.0
        for kind, what in runs:
            res = svc.similar(case_id=what, limit=args.limit) if kind == "case" else svc.similar(path=what, limit=args.limit)
            material = material_for(svc, case_id=what) if kind == "case" else material_for(svc, path=what)
            for lang in ("en", "zh"):
                for c in res:
                    n += 1
                    # before: the page printed shared concept ids as they are
                    codes_before += sum(1 for x in c.get("shared_concepts") or [] if CODE.fullmatch(x))
                    pairs_before += len(c.get("passages") or [])
                    names_before += len(c.get("shared_entities") or [])
                    t0 = time.perf_counter()
                    rs = explain(c, lang, cb, material, profiles.get(c["case_id"]))
                    seconds += time.perf_counter() - t0
                    reasons_n += len(rs)
                    codes_after += sum(len(CODE.findall(r["text"])) for r in rs)
                    pairs_after += sum(1 for r in rs if r["kind"] == "passages")
                    names_after += sum(len(r.get("names", [])) for r in rs if r["kind"] == "names")
        print(f"{len(runs)} comparisons x top {args.limit} x 2 languages = {n} explained results")
        print(f"codes shown (snake_case concept ids before; any snake_case word in a reason after): {codes_before} -> {codes_after}")
        print(f"passage pairs shown: {pairs_before} -> {pairs_after} (kept: both passages name the same issue or concept)")
        print(f"shared names shown: {names_before} -> {names_after} (generic bodies, posts, laws, fragments left out)")
        print(f"reasons per result: {reasons_n / max(n, 1):.2f}; explain(): {1000 * seconds / max(n, 1):.2f} ms per result")


if __name__ == "__main__":
    main()
