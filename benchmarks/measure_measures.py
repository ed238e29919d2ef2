"""Recall and precision of the extracted rectification measures against corpus/gold/measures.jsonl, per
language.

    python benchmarks/measure_measures.py                      # reads the archive's reports itself
    python benchmarks/measure_measures.py --home DIR           # what `dutytrace measures CASE` lists
                                                               # from a catalog that ingested the archive
    python benchmarks/measure_measures.py --show corpus/genres/archive/g06-enface-01 ...   # print items
    python benchmarks/measure_measures.py --genres [-v]         # the genre corpus (corpus/genres/gold/
                                                               # measures.jsonl), per language and genre,
                                                               # and per source folder and language
                                                               # ("sources": archive, measures_tune,
                                                               # measures_blind)
    python benchmarks/measure_measures.py --genres --split both --old COMMIT
        # the tuning half (odd case numbers) and the held-out half (even) apart, with the measures
        # modules as they were at COMMIT and as they are now, in one run

The gold (written by reading each report): per case the items of its measures section, one per
numbered entry; in unnumbered text one per sentence that requires something (a sentence without a
requirement belongs to the item before it), one per requirement where a sentence joins requirements
of different subjects with semicolons, one per entry of a list after a colon; and the bodies each item
names as responsible (none when it names none).

Matching: texts are normalised (NFKC, lower case, letters and digits only) and an extracted item
matches a gold item of the same case when their similarity (difflib's ratio, 2·matched characters /
total characters) is at least 0.6; pairs are taken best first, each item at most once. Precision =
matched extracted items / extracted items, recall = matched gold items / gold items. Body agreement,
on matched pairs: every gold body appears in the extracted body (or contains it), and an item with no
gold body has no extracted body."""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
if os.environ.get("DUTYTRACE_CODE"):  # --old: the package copy holding the old measures modules comes first
    sys.path.insert(0, os.environ["DUTYTRACE_CODE"])

THRESHOLD = 0.6


def norm(s: str | None) -> str:
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", s or "")).lower()


def body_norm(s: str) -> str:
    return norm(re.sub(r"(?i)^\s*(?:both\s+)?(?:the\s+)?", "", s or ""))


def match(gold: list[dict], found: list[dict]) -> list[tuple[int, int, float]]:
    pairs = []
    for i, g in enumerate(gold):
        for j, f in enumerate(found):
            r = difflib.SequenceMatcher(None, norm(g["measure"]), norm(f["measure"]), autojunk=False).ratio()
            if r >= THRESHOLD:
                pairs.append((r, i, j))
    used_g, used_f, out = set(), set(), []
    for r, i, j in sorted(pairs, reverse=True):
        if i not in used_g and j not in used_f:
            used_g.add(i)
            used_f.add(j)
            out.append((i, j, r))
    return out


def bodies_agree(gold_bodies: list[str], found_body: str | None) -> bool:
    fb = body_norm(found_body or "")
    if not gold_bodies:
        return not fb
    return bool(fb) and all(body_norm(b) in fb or fb in body_norm(b) for b in gold_bodies)


def deadlines_agree(gold: str | None, found: str | None) -> bool:
    """The same deadline: both none, or the same text once normalised (an ISO date, or the phrase as written;
    one may hold the other: "于三个月内" and "三个月内")."""
    g, f = norm(gold), norm(found)
    if not g or not f:
        return not g and not f
    return g == f or g in f or f in g


def from_files(case_id: str) -> list[dict]:
    """The items `analyze` stores for the case's report (the same function, on the same page text)."""
    from dutytrace.ingest.reader import read_document
    from dutytrace.nlp.measures import extract_measures, in_original_script
    from dutytrace.script import Simplified, is_traditional  # noqa: F401

    out = []
    for path in sorted((ROOT / "corpus" / "archive" / case_id).glob("report.*")):
        doc = read_document(path.read_bytes(), str(path), case_id, path.name, 120)
        out.extend(_extract(doc, extract_measures, in_original_script))
    return out


def from_genre_files(case_id: str) -> list[dict]:
    """The items `analyze` stores for every document of a genre-corpus case but interview records (the
    genre cases hold reports, notices, releases, judgments, inquests and news, under several names)."""
    from dutytrace.ingest.reader import read_document
    from dutytrace.nlp.measures import extract_measures, in_original_script

    out = []
    # the archive's cases, else the material written for the measures extractor (not ingested with the
    # archive): measures_tune (tuning only) and measures_blind (by an author who never saw the extractor)
    folder = next((ROOT / "corpus" / "genres" / d / case_id for d in ("archive", "measures_tune", "measures_blind", "measures_blind2", "measures_blind3", "measures_blind4", "measures_blind5", "measures_blind6", "measures_blind7", "measures_blind8")
                   if (ROOT / "corpus" / "genres" / d / case_id).is_dir()), ROOT / "corpus" / "genres" / "archive" / case_id)
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in (".pdf", ".txt", ".docx"):
            continue
        doc = read_document(path.read_bytes(), str(path), case_id, path.name, 120)
        if doc.kind != "transcript":
            out.extend(_extract(doc, extract_measures, in_original_script))
    return out


def _extract(doc, extract_measures, in_original_script) -> list[dict]:
    from dataclasses import asdict, replace

    from dutytrace.models import Page
    from dutytrace.script import is_traditional, to_simplified

    if doc.language == "zh" and is_traditional(doc.text):
        pages = [Page(p.number, to_simplified(p.text)) for p in doc.pages]
        ms = in_original_script(extract_measures(pages, "zh"), doc.text)
    else:
        ms = extract_measures(doc.pages, doc.language)
    return [asdict(replace(m)) for m in ms]


def from_catalog(home: str, case_id: str) -> list[dict]:
    from dutytrace.config import Settings
    from dutytrace.service import Dutytrace

    with Dutytrace(Settings(home=Path(home))) as svc:
        return svc.measures(case_id)["items"]


def in_split(case_id: str, split: str, marked: str | None = None) -> bool:
    """A gold line's own "split" ("tune" or "held_out") when it has one; otherwise odd case numbers (the
    last number of the id: g11-zhrep2-07 is 7) are the tuning half, even ones the held-out half."""
    if split == "all":
        return True
    odd = marked == "tune" if marked else int(re.findall(r"\d+", case_id)[-1]) % 2 == 1
    return odd if split == "tune" else not odd


def evaluate(gold_file: Path, home: str | None, verbose: bool, genres: bool = False, split: str = "all") -> dict:
    per_lang: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_genre: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_source: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))  # archive / measures_tune / measures_blind
    misses: list[str] = []
    for line in gold_file.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        g = json.loads(line)
        if not in_split(g["case_id"], split, g.get("split")):
            continue
        found = (from_catalog(home, g["case_id"]) if home
                 else from_genre_files(g["case_id"]) if genres else from_files(g["case_id"]))
        pairs = match(g["items"], found)
        # MSHA-style cases: the gold items are corrective actions already taken, counted apart
        genre = g.get("genre", "") + ("-corrective" if g["items"] and all(
            i.get("kind") == "corrective_action_taken" for i in g["items"]) else "")
        source = next((d for d in ("archive", "measures_tune", "measures_blind", "measures_blind2", "measures_blind3", "measures_blind4", "measures_blind5", "measures_blind6", "measures_blind7", "measures_blind8")
                       if (ROOT / "corpus" / "genres" / d / g["case_id"]).is_dir()), "archive")
        for s in (per_lang[g["language"]], per_genre[genre], per_source[f"{source}-{g['language']}"]):
            s["cases"] += 1
            s["gold"] += len(g["items"])
            s["found"] += len(found)
            s["matched"] += len(pairs)
            s["body_agree"] += sum(bodies_agree(g["items"][i]["bodies"], found[j].get("body")) for i, j, _ in pairs)
            dated = [(i, j) for i, j, _ in pairs if "deadline" in g["items"][i]]  # gold that states its deadline
            s["deadline_gold"] += len(dated)
            s["deadline_agree"] += sum(deadlines_agree(g["items"][i]["deadline"], found[j].get("deadline"))
                                       for i, j in dated)
        if verbose:
            hit_g, hit_f = {i for i, _, _ in pairs}, {j for _, j, _ in pairs}
            misses += [f"{g['case_id']} missed: {g['items'][i]['measure'][:90]}" for i in range(len(g["items"]))
                       if i not in hit_g]
            misses += [f"{g['case_id']} extra:  {found[j]['measure'][:90]}" for j in range(len(found)) if j not in hit_f]
            misses += [f"{g['case_id']} body:   gold {g['items'][i]['bodies']} vs {found[j].get('body')!r}"
                       for i, j, _ in pairs if not bodies_agree(g["items"][i]["bodies"], found[j].get("body"))]
            misses += [f"{g['case_id']} deadline: gold {g['items'][i]['deadline']!r} vs {found[j].get('deadline')!r}"
                       for i, j, _ in pairs if "deadline" in g["items"][i]
                       and not deadlines_agree(g["items"][i]["deadline"], found[j].get("deadline"))]
    report = {}
    total = defaultdict(int)
    for lang, s in sorted(per_lang.items()):
        for k, v in s.items():
            total[k] += v
        report[lang] = _scores(s)
    report["all"] = _scores(total)
    if genres:
        report["genres"] = {k: _scores(v) for k, v in sorted(per_genre.items())}
        report["sources"] = {k: _scores(v) for k, v in sorted(per_source.items())}
    if verbose:
        report["differences"] = misses
    return report


def _scores(s: dict) -> dict:
    return {"cases": s["cases"], "gold_items": s["gold"], "extracted_items": s["found"], "matched": s["matched"],
            "precision": round(s["matched"] / s["found"], 3) if s["found"] else None,
            "recall": round(s["matched"] / s["gold"], 3) if s["gold"] else None,
            "body_agreement": round(s["body_agree"] / s["matched"], 3) if s["matched"] else None,
            **({"deadline_agreement": round(s["deadline_agree"] / s["deadline_gold"], 3)} if s["deadline_gold"] else {})}


def show(paths: list[str]) -> None:
    from dutytrace.ingest.reader import read_document
    from dutytrace.nlp.measures import extract_measures, in_original_script

    for folder in paths:
        for path in sorted(Path(folder).glob("*")):
            if path.suffix.lower() not in (".pdf", ".txt", ".docx"):
                continue
            doc = read_document(path.read_bytes(), str(path), path.parent.name, path.name, 120)
            items = _extract(doc, extract_measures, in_original_script)
            print(f"== {path} ({doc.kind}, {doc.language}): {len(items)} items")
            for it in items:
                print(f"   p{it['page']} [{it['body']}] <{it['deadline']}> {it['measure'][:150]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold", default=str(ROOT / "corpus" / "gold" / "measures.jsonl"))
    ap.add_argument("--genres", action="store_true",
                    help="the genre corpus: gold corpus/genres/gold/measures.jsonl, documents read from "
                         "corpus/genres/archive (figures per language and per genre)")
    ap.add_argument("--home", help="read the items from this data home's catalog (after `dutytrace ingest corpus/archive`)")
    ap.add_argument("--split", choices=("tune", "held_out", "all", "both"), default="all",
                    help="cases with odd numbers (tune), even numbers (held_out), all, or both halves reported apart")
    ap.add_argument("--old", metavar="COMMIT",
                    help="also measure measures.py, deadlines.py and measure_bodies.py as they were at COMMIT "
                         "(the rest of the package as in the working tree), in the same run")
    ap.add_argument("--verbose", "-v", action="store_true", help="list missed, extra and body differences")
    ap.add_argument("--show", nargs="+", metavar="FOLDER", help="print the items read from the files of these folders")
    args = ap.parse_args()
    if args.show:
        show(args.show)
        return
    gold = Path(args.gold)
    if args.genres and gold == ROOT / "corpus" / "gold" / "measures.jsonl":
        gold = ROOT / "corpus" / "genres" / "gold" / "measures.jsonl"
    splits = ("tune", "held_out") if args.split == "both" else (args.split,)
    versions = ([f"BEFORE ({args.old[:8]})"] if args.old else []) + (["AFTER (working tree)"] if args.old else [""])
    out = {}
    for version in versions:
        if version.startswith("BEFORE"):
            cmd = [sys.executable, __file__, "--gold", str(gold), "--split", args.split] + (["--genres"] if args.genres else [])
            code = old_code(args.old)
            res = subprocess.run(cmd, env={**os.environ, "DUTYTRACE_CODE": str(code)}, capture_output=True, text=True)
            if res.returncode:
                sys.exit(res.stderr)
            out[version] = json.loads(res.stdout)
            continue
        reps = {}
        for split in splits:
            rep = evaluate(gold, args.home, args.verbose, args.genres, split)
            for line in rep.pop("differences", []):
                print(line)
            reps[split] = rep
        out[version] = reps if len(splits) > 1 else reps[splits[0]]
    print(json.dumps(out if args.old else out[""], ensure_ascii=False, indent=1))


def old_code(commit: str) -> Path:
    """A copy of the working tree's package with the three measures modules as they were at `commit`."""
    tmp = Path(tempfile.mkdtemp())
    shutil.copytree(ROOT / "dutytrace", tmp / "dutytrace", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("measures.py", "deadlines.py", "measure_bodies.py"):
        rel = f"dutytrace/nlp/{name}"
        res = subprocess.run(["git", "show", f"{commit}:{rel}"], cwd=ROOT, capture_output=True, text=True)
        if res.returncode == 0:
            (tmp / rel).write_text(res.stdout, encoding="utf-8")
    return tmp


if __name__ == "__main__":
    main()
