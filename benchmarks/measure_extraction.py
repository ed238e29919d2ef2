"""Measure report-fact and accountability extraction against the corpus gold, per split, and where
analysis time goes.

Every document of every case runs through `dutytrace.indexing.prepare()` (parse, chunk, analyse);
the stages it calls are wrapped with timers. Facts are aggregated per case the way
`dutytrace/profile.py` does (report first, then decisions, other documents, transcripts; the first
non-empty value wins). Accountability is the union over the case's documents.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/measure_extraction.py \
        [--archive corpus/archive] [--src corpus/src] [--split tuning|test|all] [--show] [--dump DIR]
        [--old COMMIT] [--facts-only]

`--old COMMIT` reads every document's facts with that commit's nlp/facts.py as well (document_facts on the
same text, aggregated the same way) and prints both, per split, in the same run (before/after); the
accident type there is the facts reader's own (the cue rules), without the classifier. `--facts-only`
skips the analysis (no accountability, no timings): documents are only read.

If `corpus/archive` lacks cases, render a private copy first (never into the repo), e.g. copy
corpus/src to /tmp/corp/src without splits.yaml, run `corpus/render.py --corpus /tmp/corp`, then pass
`--archive /tmp/corp/archive`. `--show` prints each mismatch of the cases measured (use it on tuning
cases only); `--dump DIR` writes each document's text there.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
import unicodedata
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import yaml  # noqa: E402

import dutytrace.indexing as indexing  # noqa: E402
from dutytrace.config import Settings  # noqa: E402
from dutytrace.models import kind_rank  # noqa: E402
from measure_facts_genres import load_old  # noqa: E402  (nlp/facts.py as at a commit)
from stage_timing import TIMES, instrument  # noqa: E402
from dutytrace.nlp.pipeline import get_nlp  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FACTS = ("date", "location", "enterprise", "fatalities", "injuries", "direct_loss", "grade")


def norm(s) -> str:
    s = unicodedata.normalize("NFKC", str(s or "")).lower()
    s = re.sub(r"^(?:mr|mrs|ms|dr)\.?\s+", "", s)
    return re.sub(r"[\s\W_]+", "", s)


def same_name(pred: str, gold: str) -> bool:
    p, g = norm(pred), norm(gold)
    if not p or not g:
        return False
    if p == g:
        return True
    # an enterprise held accountable is often written in full once and by its short name later
    core = re.compile(r"(?:有限责任公司|股份有限公司|有限公司|公司|集团)$")
    if core.search(p) and core.search(g):
        cp, cg = core.sub("", p), core.sub("", g)
        if min(len(cp), len(cg)) >= 2 and (cp in cg or cg in cp):
            return True
    return min(len(p), len(g)) >= 4 and (p in g or g in p) and not re.fullmatch(r"[a-z]+", p + g)


def fact_ok(key: str, pred, gold) -> bool:
    if gold is None:
        return pred is None
    if pred is None:
        return False
    if key == "direct_loss":
        return abs(float(pred) - float(gold)) <= max(1.0, 0.005 * float(gold))
    if key in ("location", "enterprise"):
        return norm(pred) == norm(gold)
    return str(pred) == str(gold)


def reader_facts(module, docs, codebook) -> dict:
    """A case's facts from one facts module alone (document_facts per document, the first value wins in
    report, decision, other, transcript order); Chinese read in simplified script, as analyze does."""
    from dutytrace.script import to_simplified

    out: dict = {}
    for doc in sorted(docs, key=lambda d: kind_rank(d.kind)):
        text = to_simplified(doc.text) if doc.language == "zh" else doc.text
        for k, v in module.document_facts(text, doc.language, codebook, doc.kind).items():
            if out.get(k) is None and v is not None:
                out[k] = v
    return out


def run_case(folder: Path, settings: Settings, dump: Path | None, facts_only: bool = False):
    docs = []
    pages = 0
    for f in sorted(folder.iterdir()):
        if f.name in ("case.yaml", "case.json") or not f.is_file():
            continue
        if facts_only:
            from dutytrace.ingest.reader import read_document

            doc = read_document(f.read_bytes(), str(f), folder.name, f.name, settings.parse_timeout_s)
            pages += len(doc.pages)
            docs.append((doc, None))
            continue
        doc, chunks, analysis = indexing.prepare(f.read_bytes(), str(f), folder.name, f.name, settings)
        pages += len(doc.pages)
        docs.append((doc, analysis))
        if dump:
            (dump / folder.name).mkdir(parents=True, exist_ok=True)
            (dump / folder.name / f"{f.name}.{doc.kind}.txt").write_text(doc.text, encoding="utf-8")
    facts: dict = {}
    for _doc, a in sorted(docs, key=lambda x: kind_rank(x[0].kind)):
        for k, v in ((a.facts if a else None) or {}).items():
            if facts.get(k) is None and v is not None:
                facts[k] = v
    people = []
    for _doc, a in docs:
        for x in (a.accountability if a else ()):
            if not any(same_name(x.person, y.person) for y in people):
                people.append(x)
    return facts, people, pages, [d for d, _ in docs]


def show_diff(args, split: str) -> bool:
    return bool(args.show) and split == "tuning"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--archive", default=str(ROOT / "corpus" / "archive"))
    ap.add_argument("--src", default=str(ROOT / "corpus" / "src"))
    ap.add_argument("--splits", default=None, help="default: SRC/splits.yaml")
    ap.add_argument("--split", choices=("tuning", "test", "all"), default="all")
    ap.add_argument("--cases", nargs="*", help="only these case ids")
    ap.add_argument("--show", action="store_true", help="print mismatches (tuning cases only!)")
    ap.add_argument("--dump", type=Path, default=None)
    ap.add_argument("--old", default=None, help="an earlier commit whose nlp/facts.py runs beside the current one")
    ap.add_argument("--facts-only", action="store_true", help="read the documents only (no analysis)")
    args = ap.parse_args()
    if args.facts_only and not args.old:
        ap.error("--facts-only measures nothing without --old")
    from dutytrace.nlp import facts as current_facts
    from dutytrace.nlp.codebook import load_codebook

    readers = {f"old {args.old}": load_old(args.old), "now": current_facts} if args.old else {}
    codebook = load_codebook(None)
    side: dict = {name: {"tuning": defaultdict(list), "test": defaultdict(list)} for name in readers}

    src = Path(args.src)
    splits = Path(args.splits or src / "splits.yaml")  # a corpus without one (corpus/dev) is all tuning
    test = set((yaml.safe_load(splits.read_text()) or {}).get("test", [])) if splits.is_file() else set()
    settings = Settings()
    if not args.facts_only:
        instrument()
    if not args.facts_only:
        get_nlp("en", settings.spacy_en)  # load once, outside the timings
    archive = Path(args.archive)
    rows: dict[str, dict] = {"tuning": defaultdict(list), "test": defaultdict(list)}
    total_pages, t_all = 0, 0.0
    for gold_file in sorted(src.glob("*.yaml")):
        if gold_file.name == "splits.yaml":
            continue
        case_id = gold_file.stem
        split = "test" if case_id in test else "tuning"
        if args.split != "all" and split != args.split or (args.cases and case_id not in args.cases):
            continue
        folder = archive / case_id
        if not folder.is_dir():
            print(f"{case_id}: not in {archive}; skipped (render the corpus)", file=sys.stderr)
            continue
        gold = yaml.safe_load(gold_file.read_text(encoding="utf-8"))["gold"]
        t = time.perf_counter()
        facts, people, pages, read = run_case(folder, settings, args.dump, args.facts_only)
        for name, module in readers.items():
            got = reader_facts(module, read, codebook)
            side[name][split]["cases"].append(case_id)
            side[name][split]["accident_type"].append(got.get("accident_type") == gold["accident_type"])
            for k in FACTS:
                side[name][split][k].append(fact_ok(k, got.get(k), gold["facts"].get(k)))
                if show_diff(args, split) and name == "now" and not fact_ok(k, got.get(k), gold["facts"].get(k)):
                    print(f"{case_id} {k} (facts.py now): got {got.get(k)!r} want {gold['facts'].get(k)!r}")
        if args.facts_only:
            continue
        t_all += time.perf_counter() - t
        total_pages += pages
        r = rows[split]
        r["cases"].append(case_id)
        ok = facts.get("accident_type") == gold["accident_type"]
        r["accident_type"].append(ok)
        show = args.show and split == "tuning"
        if show and not ok:
            print(f"{case_id} accident_type: got {facts.get('accident_type')!r} want {gold['accident_type']!r}")
        for k in FACTS:
            ok = fact_ok(k, facts.get(k), gold["facts"].get(k))
            r[k].append(ok)
            if show and not ok:
                print(f"{case_id} {k}: got {facts.get(k)!r} want {gold['facts'].get(k)!r}")
        gp = gold.get("accountability") or []
        hit = [g for g in gp if any(same_name(p.person, g["person"]) for p in people)]
        good = [p for p in people if any(same_name(p.person, g["person"]) for g in gp)]
        r["acc_gold"].append(len(gp))
        r["acc_hit"].append(len(hit))
        r["acc_pred"].append(len(people))
        r["acc_good"].append(len(good))
        for p in good:
            g = next(g for g in gp if same_name(p.person, g["person"]))
            r["sanction"].append(p.sanction == g["sanction"])
            r["level"].append(getattr(p, "level", None) == g["level"])
            r["role"].append(bool(p.role) and (norm(p.role) in norm(g["role"]) or norm(g["role"]) in norm(p.role)))
            r["organisation"].append(bool(p.organisation) and same_name(p.organisation, g["organisation"]))
            if show and p.sanction != g["sanction"]:
                print(f"{case_id} sanction {g['person']}: got {p.sanction} want {g['sanction']}")
        if show:
            for g in gp:
                if g not in hit:
                    print(f"{case_id} missed: {g['person']} ({g['role']}, {g['sanction']})")
            for p in people:
                if p not in good:
                    print(f"{case_id} spurious: {p.person} ({p.role}, {p.sanction})")

    if readers:
        for split in ("tuning", "test"):
            if not side["now"][split]["cases"]:
                continue
            n = len(side["now"][split]["cases"])
            print(f"\n== {split}: {n} cases, facts reader alone (type: its cue rules) ==")
            print(f"  {'':<16}" + "".join(f"{name:>18}" for name in readers))
            for k in ("accident_type",) + FACTS:
                print(f"  {k:<16}" + "".join(f"{sum(side[name][split][k]) / n:>18.3f}" for name in readers))
        if args.facts_only:
            return 0
    for split in ("tuning", "test"):
        r = rows[split]
        if not r["cases"]:
            continue
        print(f"\n== {split}: {len(r['cases'])} cases ==")
        for k in ("accident_type",) + FACTS:
            print(f"  {k:<16} {sum(r[k]) / len(r[k]):.3f}")
        rec = sum(r["acc_hit"]) / max(1, sum(r["acc_gold"]))
        prec = sum(r["acc_good"]) / max(1, sum(r["acc_pred"]))
        print(f"  persons recall   {rec:.3f}  ({sum(r['acc_hit'])}/{sum(r['acc_gold'])})")
        print(f"  persons precision {prec:.3f} ({sum(r['acc_good'])}/{sum(r['acc_pred'])})")
        for k in ("sanction", "level", "role", "organisation"):
            if r[k]:
                print(f"  {k:<16} {sum(r[k]) / len(r[k]):.3f}  (of matched persons)")
    print(f"\nthroughput: {total_pages} pages in {t_all:.2f} s = {total_pages / max(t_all, 1e-9):.1f} pages/s")
    for k, v in sorted(TIMES.items(), key=lambda kv: -kv[1]):
        print(f"  {k:<36} {v:7.2f} s  {100 * v / max(t_all, 1e-9):5.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
