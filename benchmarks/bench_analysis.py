"""Analysis speed (parsing, chunking and NLP: what ingest does per file before embedding) over an archive,
per stage in CPU seconds, and a check that two checkouts give the same analysis. Issue 20 item 4 (ingest
little more than embedding alone) and issue 15 (analysis pages/s no worse than 0.8x).

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_analysis.py [--archive corpus/archive]
        [--base DIR] [--rounds 2] [--dump OUT.jsonl] [--profile OUT.prof] [--json]

--base DIR: another checkout (e.g. `git worktree add /work/homes/wt-base <commit>`) measured in the same
run, alternating with this one `--rounds` times in fresh processes, so that machine load falls on both
alike; its analyses are compared with this checkout's, document by document (document text, chunks,
tags, evidence, entities, facts, accountability, measures), and every difference is printed.

Each measuring process runs `indexing.prepare` (the function ingest runs per file) on six files to warm
up (models, caches) and then on every file of the archive, timed; torch gets one thread (what a worker has),
so CPU seconds are the analysis' own and not a busy machine's thread contention. Figures are CPU seconds
(the machine is shared: wall time is printed too but is noisy)."""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _canon(obj):
    """A JSON-able form of an analysis value (dataclasses, tuples, dicts with int keys)."""
    if dataclasses.is_dataclass(obj):
        return {f.name: _canon(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {str(k): _canon(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_canon(v) for v in obj]
    return obj


STAGES = [("dutytrace.indexing", "read_document", "parse (read the file)"),
          ("dutytrace.indexing", "chunk_document", "chunk"),
          ("dutytrace.nlp.analyze", "parse_chunks", "spaCy pipeline (cues, lemmas, NER)"),
          ("dutytrace.nlp.analyze", "extract_accountability", "accountability"),
          ("dutytrace.nlp.analyze", "tag_document", "tagging (incl. similarity)"),
          ("dutytrace.nlp.analyze", "document_facts", "facts"),
          ("dutytrace.nlp.analyze", "accident_type_of", "accident type"),
          ("dutytrace.nlp.analyze", "extract_entities", "entities"),
          ("dutytrace.nlp.analyze", "extract_measures", "measures")]


def instrument() -> dict:
    """Wrap the stage functions where they are called from, so their CPU time adds up per stage; the
    tagger's sentence similarity (MiniLM) is timed apart, inside tagging. Both checkouts have these names."""
    import importlib
    from collections import defaultdict

    times: dict[str, float] = defaultdict(float)

    def timed(name, fn):
        def wrapper(*a, **kw):
            t = time.process_time()
            try:
                return fn(*a, **kw)
            finally:
                times[name] += time.process_time() - t
        return wrapper

    for module, attr, name in STAGES:
        mod = importlib.import_module(module)
        if hasattr(mod, attr):
            setattr(mod, attr, timed(name, getattr(mod, attr)))
    import dutytrace.nlp.analyze as analyze_mod

    make = analyze_mod.tag_similarity
    analyze_mod.tag_similarity = lambda codebook: timed("  of which: similarity (MiniLM)", make(codebook))
    return times


def measure(root: Path, archive: Path, dump: Path | None, profile: Path | None) -> dict:
    """In this process: import dutytrace from `root`, prepare every file twice (warm, timed)."""
    sys.path.insert(0, str(root))
    sys.path.insert(0, str(root / "benchmarks"))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch

    torch.set_num_threads(1)
    from dutytrace.config import Settings
    from dutytrace.indexing import prepare
    import dutytrace.indexing as indexing
    from dutytrace.ingest.sources import Source, iter_sources

    assert Path(indexing.__file__).resolve().is_relative_to(root.resolve()), indexing.__file__
    TIMES = instrument()
    sources = [s for s in iter_sources([archive]) if isinstance(s, Source)]
    settings = Settings(home=Path(tempfile.mkdtemp(prefix="bench-analysis-")))
    data = [(s, s.read()) for s in sources]

    def run_all(items, keep: list | None = None):
        pages = chunks = failed = 0
        for s, b in items:
            try:
                doc, chs, an = prepare(b, s.path, s.case_id, s.name, settings)
            except Exception as e:  # noqa: BLE001 - a failure is a result to compare too
                failed += 1
                if keep is not None:
                    keep.append((s.path, f"{type(e).__name__}: {e}"))
                continue
            pages += len(doc.pages)
            chunks += len(chs)
            if keep is not None:
                keep.append((s.path, (doc, chs, an)))
        return pages, chunks, failed

    # warm: models loaded, codebook compiled, tag prototypes embedded (a few files of each language)
    run_all([d for d in data if "/en0" in d[0].path][:3] + [d for d in data if "/zh0" in d[0].path][:3])
    TIMES.clear()
    results: list = []
    prof = None
    if profile:
        import cProfile

        prof = cProfile.Profile(time.process_time)
        prof.enable()
    c0, w0 = time.process_time(), time.perf_counter()
    pages, chunks, failed = run_all(data, results)
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    if prof is not None:
        prof.disable()
        prof.dump_stats(str(profile))
    stages = {k: round(v, 2) for k, v in sorted(TIMES.items(), key=lambda kv: -kv[1])}
    if dump:
        with open(dump, "w", encoding="utf-8") as out:
            for path, r in results:
                if isinstance(r, str):
                    row = {"path": path, "error": r}
                else:
                    doc, chs, an = r
                    row = {"path": path, "document": _canon(dataclasses.replace(doc, pages=())),
                           "pages": [_canon(p) for p in doc.pages], "chunks": _canon(chs), "analysis": _canon(an)}
                out.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    return {"files": len(data), "failed": failed, "pages": pages, "chunks": chunks, "cpu_s": round(cpu, 2),
            "wall_s": round(wall, 2), "pages_per_cpu_s": round(pages / cpu, 2),
            "stages_s": stages}


def _child(root: Path, archive: Path, dump: Path | None, profile: Path | None = None) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(root), "--archive", str(archive)]
    if dump:
        cmd += ["--dump", str(dump)]
    if profile:
        cmd += ["--profile", str(profile)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1", "PYTHONHASHSEED": "0"}
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(root))
    if res.returncode != 0:
        sys.exit(f"measuring {root} failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def compare(base: Path, mine: Path) -> list[str]:
    """Every difference between two dumps, one line each (path and field)."""
    def load(p):
        return {r["path"]: r for r in map(json.loads, p.read_text(encoding="utf-8").splitlines())}

    a, b = load(base), load(mine)
    diffs = [f"{p}: only in base" for p in a.keys() - b.keys()] + [f"{p}: only in this checkout" for p in b.keys() - a.keys()]
    for p in sorted(a.keys() & b.keys()):
        for key in sorted(set(a[p]) | set(b[p])):
            x, y = a[p].get(key), b[p].get(key)
            if key == "analysis" and isinstance(x, dict) and isinstance(y, dict):
                diffs += [f"{p}: analysis.{k} differs" for k in sorted(set(x) | set(y)) if x.get(k) != y.get(k)]
            elif x != y:
                diffs.append(f"{p}: {key} differs")
    return diffs


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def main() -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--archive", type=Path, default=HERE.parent / "corpus" / "archive")
    ap.add_argument("--this", type=Path, default=HERE.parent, help="the checkout measured as 'this' (default: this one)")
    ap.add_argument("--base", type=Path, help="another checkout to measure and compare in the same run")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--dump", type=Path, help="write this checkout's analyses (JSON lines)")
    ap.add_argument("--profile", type=Path, help="cProfile (CPU time) of this checkout's timed pass")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    archive = a.archive.resolve()
    if a.child:
        print(json.dumps(measure(a.child, archive, a.dump, a.profile)))
        return {}
    mine = a.this.resolve()
    runs: dict[str, list[dict]] = {"this": [], "base": []}
    with tempfile.TemporaryDirectory(prefix="bench-analysis-") as tmp:
        tmp = Path(tmp)
        for r in range(a.rounds):
            first = r == 0
            runs["this"].append(_child(mine, archive, (a.dump or tmp / "this.jsonl") if first else None,
                                       a.profile if first else None))
            if a.base:
                runs["base"].append(_child(a.base.resolve(), archive, tmp / "base.jsonl" if first else None))
        res: dict = {"archive": str(archive), "rounds": a.rounds}
        for name, rs in runs.items():
            if rs:
                cpu = statistics.median(x["cpu_s"] for x in rs)
                res[name] = {**rs[0], "cpu_s_rounds": [x["cpu_s"] for x in rs], "cpu_s": cpu,
                             "pages_per_cpu_s": round(rs[0]["pages"] / cpu, 2)}
        if a.base:
            res["speedup_cpu"] = round(res["base"]["cpu_s"] / res["this"]["cpu_s"], 2)
            diffs = compare(tmp / "base.jsonl", a.dump or tmp / "this.jsonl")
            res["identical"] = not diffs
            res["differences"] = diffs
    if a.json:
        print(json.dumps(res, ensure_ascii=False))
    else:
        for name in ("this", "base"):
            if name in res:
                r = res[name]
                print(f"{name:>5}: {r['files']} files ({r['failed']} failed), {r['pages']} pages, {r['chunks']} chunks; "
                      f"CPU {r['cpu_s']} s (rounds {r['cpu_s_rounds']}), {r['pages_per_cpu_s']} pages per CPU-s; "
                      f"wall {r['wall_s']} s")
                for k, v in r["stages_s"].items():
                    print(f"{'':>9}{k:<40}{v:8.2f} s")
        if a.base:
            print(f"speed-up (base CPU / this CPU): {res['speedup_cpu']}x")
            print("analyses identical to base" if res["identical"] else f"{len(res['differences'])} differences:")
            for d in res["differences"]:
                print("  " + d)
    return res


if __name__ == "__main__":
    main()
