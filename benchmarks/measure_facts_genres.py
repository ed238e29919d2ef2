"""Measure the facts reader (dutytrace/nlp/facts.py) on the genre corpus, per genre.

Every document of a case is read (`dutytrace.ingest.reader.read_document`: kind, language), a Chinese
text in traditional script is converted to simplified (as `nlp/analyze.py` does), and `extract_facts`
runs on its text (`--as-analyze`: what `analyze` reads from a document of its kind). A case's value of a fact is that of the first document that gives one, documents
in the order report, decision, other, transcript (as `dutytrace/profile.py` aggregates; note that
`analyze` reads a transcript with its own reader, transcript_facts: use `--as-analyze` to measure that).

Per genre it prints: deaths exact, injuries exact, date exact (a gold null counts as right only when
nothing is read), enterprise found and place found (normalised containment either way, over the cases
whose gold has one; the Chinese compared in simplified script), and the cue rule's accident type.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/measure_facts_genres.py [--genres zhrep enpress ...]
        [--old COMMIT] [--show] [--as-analyze]

`--old COMMIT` runs that commit's facts.py beside the current one in the same run (before/after).
`--show` prints each mismatch — of the development genres only; the held-out genres
(zhnews zhrep2 transcript encsb ennews entrans) are measured, never shown.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from dutytrace.ingest.reader import read_document  # noqa: E402
from dutytrace.models import kind_rank  # noqa: E402
from dutytrace.nlp import facts as current_facts  # noqa: E402
from dutytrace.nlp.codebook import load_codebook  # noqa: E402
from dutytrace.script import is_traditional, to_simplified  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEV = ("zhrep", "zhnotice", "zhtrad", "enpress", "enface", "ocr")
HELD_OUT = ("zhnews", "zhrep2", "transcript", "encsb", "ennews", "entrans")
KEYS = ("fatalities", "injuries", "date", "enterprise", "location", "accident_type")
LABEL = {"fatalities": "deaths", "injuries": "injuries", "date": "date", "enterprise": "enterprise",
         "location": "place", "accident_type": "type"}


def norm(s) -> str:
    s = to_simplified(unicodedata.normalize("NFKC", str(s or ""))).lower()
    return re.sub(r"[\s\W_]+", "", s)


def contains(pred, gold) -> bool:
    p, g = norm(pred), norm(gold)
    if not p or not g:
        return False
    short = min(len(p), len(g))
    return (p in g or g in p) and short >= (2 if re.search(r"[\u4e00-\u9fff]", p + g) else 4)


def load_old(commit: str):
    src = subprocess.run(["git", "show", f"{commit}:dutytrace/nlp/facts.py"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "facts_old.py"
    path.write_text(src, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("facts_old", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def read_case(folder: Path) -> list[tuple[str, str, str]]:
    """(kind, language, simplified text) of each document, in the order facts are taken from them."""
    docs = []
    for f in sorted(folder.iterdir()):
        if not f.is_file() or f.name in ("case.yaml", "case.json"):
            continue
        doc = read_document(f.read_bytes(), str(f), folder.name, f.name, 0)
        text = to_simplified(doc.text) if doc.language == "zh" and is_traditional(doc.text) else doc.text
        docs.append((doc.kind, doc.language, text))
    return sorted(docs, key=lambda d: kind_rank(d[0]))


def document_facts(module, text: str, lang: str, cb, kind: str, as_analyze: bool) -> dict:
    """Every document read by extract_facts; or (`as_analyze`) what `analyze` gives a document of its kind:
    `document_facts` where that facts.py has it, else the earlier rule (reports, decisions and other
    documents only; no facts from a transcript)."""
    if not as_analyze:
        return module.extract_facts(text, lang, cb)
    if hasattr(module, "document_facts"):
        return module.document_facts(text, lang, cb, kind)
    return module.extract_facts(text, lang, cb) if kind in ("report", "other", "decision") else {}


def case_facts(module, docs, cb, as_analyze: bool = False) -> dict:
    out: dict = {}
    for kind, lang, text in docs:
        for k, v in document_facts(module, text, lang, cb, kind, as_analyze).items():
            if out.get(k) is None and v is not None:
                out[k] = v
    return out


def score(key: str, pred, gold) -> bool | None:
    """True/False, or None where the case does not count (no gold place or enterprise)."""
    if key in ("enterprise", "location"):
        return None if not gold else contains(pred, gold)
    if gold is None:
        return pred is None
    return pred is not None and str(pred) == str(gold)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(ROOT / "corpus" / "genres"))
    ap.add_argument("--genres", nargs="*", default=list(DEV + HELD_OUT))
    ap.add_argument("--old", default=None, help="an earlier commit whose facts.py runs beside the current one")
    ap.add_argument("--show", action="store_true", help="print mismatches (development genres only)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON too")
    ap.add_argument("--as-analyze", action="store_true",
                    help="each document's facts as `analyze` gives them (by its kind: a transcript by the interview "
                         "reader), not extract_facts on every document")
    args = ap.parse_args()

    corpus = Path(args.corpus)
    cb = load_codebook()
    gold = {}
    for gf in sorted((corpus / "gold").glob("cases-*.jsonl")):
        for line in gf.read_text(encoding="utf-8").splitlines():
            if line.strip():
                c = json.loads(line)
                gold[c["case_id"]] = c
    versions = [("now", current_facts)]
    if args.old:
        versions.insert(0, (f"old {args.old[:8]}", load_old(args.old)))
    table: dict = {}
    for genre in args.genres:
        cases = sorted(cid for cid, c in gold.items() if c["genre"] == genre)
        if not cases:
            print(f"{genre}: no cases", file=sys.stderr)
            continue
        for cid in cases:
            folder = corpus / "archive" / cid
            if not folder.is_dir():
                continue
            docs = read_case(folder)
            g = dict(gold[cid]["facts"], accident_type=gold[cid]["accident_type"])
            for name, module in versions:
                pred = case_facts(module, docs, cb, args.as_analyze)
                row = table.setdefault((genre, name), {k: [0, 0] for k in KEYS})
                for k in KEYS:
                    ok = score(k, pred.get(k), g.get(k))
                    if ok is None:
                        continue
                    row[k][0] += ok
                    row[k][1] += 1
                    if args.show and not ok and genre in DEV and name == "now":
                        print(f"  {cid} {k}: got {pred.get(k)!r} want {g.get(k)!r}")
    head = f"{'genre':<11}{'facts.py':<15}" + "".join(f"{LABEL[k]:>12}" for k in KEYS)
    for group, members in (("development", DEV), ("held out", HELD_OUT)):
        rows = [(gname, v) for (gname, v) in table if gname in members]
        if not rows:
            continue
        print(f"\n== {group} genres ==\n{head}")
        totals: dict = {}
        for genre in [x for x in members if any(gname == x for gname, _ in rows)]:
            for name, _ in versions:
                row = table[(genre, name)]
                tot = totals.setdefault(name, {k: [0, 0] for k in KEYS})
                for k in KEYS:
                    tot[k][0] += row[k][0]
                    tot[k][1] += row[k][1]
                print(f"{genre:<11}{name:<15}" + "".join(f"{f'{row[k][0]}/{row[k][1]}':>12}" for k in KEYS))
        for name, tot in totals.items():
            print(f"{'ALL':<11}{name:<15}" + "".join(
                f"{(f'{tot[k][0]}/{tot[k][1]}' + (f' {tot[k][0] / tot[k][1]:.2f}' if tot[k][1] else '')):>12}"
                for k in KEYS))
    if args.json:
        print(json.dumps({f"{g}|{n}": v for (g, n), v in table.items()}))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
