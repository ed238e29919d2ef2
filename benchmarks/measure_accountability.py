"""Measure accountability extraction (person, post, organisation, level, sanction) against the gold.

Cases: every case with gold people in corpus/gold/cases.jsonl and corpus/dev/gold/cases.jsonl (the
development sets), reported apart as the held-back figure, corpus/blind/gold/cases.jsonl, and with --genres the
genre cases of corpus/genres/gold/people.jsonl (other writers' layouts: notices, informal township reports,
traditional script, press releases, OCR, translations; format in corpus/genres/README.md), reported per genre and
language and per half: "tune" (odd case numbers, the only genre cases looked at while changing the extractor, and the
tuning cases written for this extractor in corpus/genres/accountability_tune, genres acc17-en / acc17-zh)
and "held_out" (even case numbers). A genre case judged to name nobody counts too: whoever is found there is an
error of precision. Each
case's documents (CORPUS/archive/<case_id>/) are read and chunked as ingest does
(`dutytrace.ingest.reader.read_document` + `dutytrace.ingest.chunk.chunk_document`, cached pickled in
--cache so that reruns only re-extract); every document that is not a transcript then goes through
`extract_accountability` (a Chinese document in traditional script is read in simplified characters,
as `dutytrace/nlp/analyze.py` does).

Per case the entries of its documents are merged by person (report first, then decisions, then other
documents): post, organisation and level from the document that gives the longest post (the most
specific; a decision often names the post without its remit), the most severe sanction of any.

Matching persons: names are normalised (NFKC, lower case, a leading Mr/Mrs/Ms/Dr dropped, spaces and
punctuation dropped); a prediction matches a gold person with the same normalised name, or, for an
enterprise, when both end in a company word (有限公司, 公司, Co. Ltd, ...) and one's stem contains the
other's (恒远公司 = 临川市恒远精细化工有限公司), or when the gold names an enterprise by a short name
(石堰沟煤业) whose organisation is the enterprise the prediction names in full. Each gold person is
matched at most once.
Recall = matched gold / gold; precision = matched predictions / predictions.
Among matched persons: post exact and organisation exact (whitespace collapsed, case folded,
full/half-width unified, a final full stop ignored: "Ltd." = "Ltd"), level exact, sanction exact. Where the gold's
convention is one a reader would not tell apart, the measure accepts both readings, and only these:
- an organisation with or without the place it belongs to written before it (江澄市临港区应急管理局 =
  临港区应急管理局; "Yunhe District Housing and Urban-Rural Development Bureau" = "District Housing and Urban-Rural
  Development Bureau"): the prefix must be a place (…省/市/县/区, "X County/District/City"), nothing else;
- post and organisation split differently from one phrase ("deputy director of the X Bureau" with no organisation
  = post "deputy director", organisation "X Bureau"): when post and organisation read together are equal, once
  "of/the/at/in/for" and commas are dropped, both count. A post that differs in content (a missing remit "in charge
  of safety", a different unit) still counts as wrong.
The post is taken as the document writes it beside the name: "head of the station" (a back-reference to the
station named before) stays "head of the station", with that station as the organisation, as the gold writes it;
a body written in lower case ("supervisor of the district quality and safety supervision station") is the
organisation. The extractor follows these conventions (issue 18 item 1); the measure did not change for them.
Post exact is reported over natural persons. For an enterprise held accountable the gold's "post" is the kind of
party it was (contractor, 事故发生单位, labour company), which no rule of the document fixes; it is reported apart
as "enterprise kind" and is not part of the post figure (before this split, post counted both).
The post carries the remit the documents state (corpus/README.md, "Gold conventions for people"); post exact
counts a missing or different remit as wrong. Beside it, "title" compares the posts with the remit taken off both
(副县长（分管安全生产） = 副县长), to show how much of the post's misses is the remit; it is not the goal's measure.
The gold's sanction vocabulary is the coarse one
(warning ... fine, other); a finer code of the codebook (admonishment_talk, circulated_criticism, ...)
is compared through the coarse code it counts as (COARSE in dutytrace/nlp/accountability.py).

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/measure_accountability.py [--cache /tmp/acccache]
        [--old COMMIT] [--blind] [--genres] [--blind2] [--split tune|held_out] [--show dev|gold|genres-tune|genres-held_out] [--cases ID...]

`--old COMMIT` measures dutytrace/nlp/accountability.py as it was at COMMIT too, with the entity patterns it imports
(dutytrace/nlp/entities.py) and the codebook of that commit, in the same run (BEFORE beside AFTER). `--blind` adds the held-back cases (measure them once, at the end).
`--show` prints each mismatch of one set (for the genre set, of one half: look only at genres-tune while
developing).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import pickle
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from dutytrace.config import Settings  # noqa: E402
from dutytrace.indexing import max_chars  # noqa: E402
from dutytrace.ingest.chunk import chunk_document  # noqa: E402
from dutytrace.ingest.reader import read_document  # noqa: E402
from dutytrace.nlp.codebook import load_codebook  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPORA = {"gold": ROOT / "corpus", "dev": ROOT / "corpus" / "dev", "blind": ROOT / "corpus" / "blind",
           "genres": ROOT / "corpus" / "genres", "blind2": ROOT / "corpus" / "genres"}
# the genre corpus's people, and the second held-back set (corpus/genres/accountability_blind2, by an author who
# never saw the extractor; measure once, never tune on it); the others keep their people in gold/cases.jsonl
GOLD_FILE = {"genres": "people.jsonl", "blind2": "people_blind2.jsonl"}  # the others keep their people in gold/cases.jsonl
KIND_ORDER = {"report": 0, "decision": 1, "other": 2}
SEVERITY = ("transfer_to_judicial_organs", "expulsion_from_party", "dismissal", "removal", "major_demerit",
            "demerit", "serious_warning", "warning", "fine", "other")
_COMPANY_END = re.compile(r"(?:有限责任公司|股份有限公司|有限公司|公司|集团|coltd|co|ltd|limited|company|inc|plc|gmbh)$")


def norm_name(s) -> str:
    s = unicodedata.normalize("NFKC", str(s or "")).lower()
    s = re.sub(r"^(?:mr|mrs|ms|dr)\.?\s+", "", s)
    return re.sub(r"[\s\W_]+", "", s)


def norm_text(s) -> str:
    return " ".join(unicodedata.normalize("NFKC", str(s or "")).lower().split()).rstrip(".")


_ZH_PLACE = re.compile(r"(?:[\u4e00-\u9fff]{1,4}?(?:省|自治区|市|县|区|旗))+")
_EN_PLACE_WORD = re.compile(r"(?:[A-Z][a-z]+ )+(?:Province|City|County|District) ?")
_CONNECT = re.compile(r"\b(?:of|the|at|in|for)\b|[,，、]")


def same_org(pred, gold) -> bool:
    """Equal, or the same body with or without the place it belongs to written before it
    (江澄市临港区应急管理局 = 临港区应急管理局, "Yunhe District Housing ... Bureau" = "District Housing ... Bureau")."""
    p, g = norm_text(pred), norm_text(gold)
    if p == g:
        return True
    if not p or not g:
        return False
    (short, long_), raw = sorted((p, g), key=len), (pred if len(p) > len(g) else gold)
    if not long_.endswith(short) or len(short) < 4:
        return False
    prefix = str(raw)[:len(str(raw)) - len(short)].strip()
    if re.fullmatch(_ZH_PLACE, prefix):
        return True
    return bool(re.fullmatch(r"(?:[A-Z][a-z]+ )+", prefix + " ")) and bool(re.match(r"(?:county|district|city|province)\b", short)) \
        or bool(_EN_PLACE_WORD.fullmatch(prefix + " "))


def folded(role, org) -> str:
    """Post and organisation read together, connecting words dropped: "deputy director of the X Bureau" with no
    organisation reads as "deputy director" at "X Bureau"."""
    return norm_name(_CONNECT.sub(" ", f"{role or ''} {org or ''}"))


def post_org_ok(pred: dict, gold: dict) -> tuple[bool, bool]:
    """(post exact, organisation exact) as a reader would accept them: each field equal, the organisation also with
    or without its place; or, where the two split one phrase differently, post and organisation read together equal
    (both count then)."""
    post, org = norm_text(pred["role"]) == norm_text(gold["role"]), same_org(pred["organisation"], gold["organisation"])
    if not (post and org) and folded(pred["role"], pred["organisation"]) == folded(gold["role"], gold["organisation"]):
        return True, True
    return post, org


def title(role) -> str:
    """The post without its remit ("副县长（分管安全生产）" -> "副县长", "deputy county head in charge of work safety" ->
    "deputy county head"): reported beside post exact, to show how much of the post's misses is the remit."""
    return re.sub(r"\s*(?:[（(]分管[^（）()]*[）)]|\bin charge of\b.*)$", "", str(role or ""))


def same_entry(pred: dict, gold: dict) -> bool:
    """Same person; an enterprise also by its full name (the gold may name it by its short name, 恒远公司,
    with the full name as its organisation)."""
    if same_person(pred["person"], gold["person"]):
        return True
    gp, go = norm_name(gold["person"]), norm_name(gold.get("organisation"))
    return bool(go) and gp != go and len(gp) >= 2 and gp[:2] in go and \
        (same_person(pred["person"], gold["organisation"]) and pred["person"] == pred.get("organisation"))


def same_person(pred: str, gold: str) -> bool:
    p, g = norm_name(pred), norm_name(gold)
    if not p or not g:
        return False
    if p == g:
        return True
    if _COMPANY_END.search(p) and _COMPANY_END.search(g):
        cp, cg = _COMPANY_END.sub("", p), _COMPANY_END.sub("", g)
        cp, cg = _COMPANY_END.sub("", cp), _COMPANY_END.sub("", cg)  # "co ltd"
        return min(len(cp), len(cg)) >= 2 and (cp in cg or cg in cp)
    return False


def load_module(commit: str | None):
    """extract_accountability of the working tree, or as it was at `commit` (loaded from git show) with
    the codebook (its sanction cues) of that commit."""
    if commit is None:
        from dutytrace.nlp.accountability import extract_accountability
        return extract_accountability, load_codebook()
    src = subprocess.run(["git", "show", f"{commit}:dutytrace/nlp/accountability.py"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    # the name and company patterns it imports (dutytrace/nlp/entities.py) as they were at COMMIT too
    ent_src = subprocess.run(["git", "show", f"{commit}:dutytrace/nlp/entities.py"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout
    ent_name = f"entities_{commit[:8]}"
    ent_path = Path(tempfile.mkdtemp()) / f"{ent_name}.py"
    ent_path.write_text(ent_src, encoding="utf-8")
    ent_spec = importlib.util.spec_from_file_location(ent_name, ent_path)
    ent_mod = importlib.util.module_from_spec(ent_spec)
    sys.modules[ent_name] = ent_mod
    ent_spec.loader.exec_module(ent_mod)
    src = src.replace("from dutytrace.nlp.entities import", f"from {ent_name} import")
    path = Path(tempfile.mkdtemp()) / f"accountability_{commit[:8]}.py"
    path.write_text(src, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"accountability_{commit[:8]}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    import dutytrace.nlp.codebook as codebook_module
    old_yaml = Path(tempfile.mkdtemp()) / "codebook.yaml"
    old_yaml.write_text(subprocess.run(["git", "show", f"{commit}:dutytrace/nlp/codebook.yaml"], cwd=ROOT,
                                       capture_output=True, text=True, check=True).stdout, encoding="utf-8")
    builtin = codebook_module.BUILTIN
    try:
        codebook_module.BUILTIN = old_yaml
        codebook_module.load_codebook.cache_clear()
        old_codebook = codebook_module.load_codebook()
    finally:
        codebook_module.BUILTIN = builtin
        codebook_module.load_codebook.cache_clear()
    return mod.extract_accountability, old_codebook


def parsed(folder: Path, cache: Path, settings: Settings) -> list:
    out = []
    for f in sorted(folder.iterdir()):
        if f.name in ("case.yaml", "case.json") or not f.is_file():
            continue
        key = cache / folder.parent.parent.name / folder.name / (f.name + ".pkl")
        if key.is_file() and key.stat().st_mtime >= f.stat().st_mtime:
            out.append(pickle.loads(key.read_bytes()))
            continue
        doc = read_document(f.read_bytes(), str(f), folder.name, f.name, settings.parse_timeout_s)
        chunks = chunk_document(doc, max_chars(settings, doc.language))
        key.parent.mkdir(parents=True, exist_ok=True)
        key.write_bytes(pickle.dumps((doc, chunks)))
        out.append((doc, chunks))
    return out


def extract_doc(extract, doc, chunks, codebook) -> list:
    if doc.language == "zh":
        from dutytrace.script import Simplified, is_traditional, to_simplified
        if is_traditional(doc.text):
            back = Simplified(doc.text).original
            got = extract([replace(c, text=to_simplified(c.text)) for c in chunks], "zh", codebook)
            return [replace(a, person=back(a.person), role=back(a.role), organisation=back(a.organisation)) for a in got]
    return extract(chunks, doc.language, codebook)


def case_people(extract, docs, codebook) -> list[dict]:
    people: list[dict] = []
    for doc, chunks in sorted(docs, key=lambda x: KIND_ORDER.get(x[0].kind, 3)):
        if doc.kind == "transcript":
            continue
        for a in extract_doc(extract, doc, chunks, codebook):
            row = {"person": a.person, "role": a.role, "organisation": a.organisation, "level": a.level,
                   "sanction": a.sanction}
            same = next((p for p in people if same_person(p["person"], a.person)), None)
            if same is None:
                people.append(row)
                continue
            if len(row["role"] or "") > len(same["role"] or ""):  # the most specific post, with its organisation
                same.update(role=row["role"], organisation=row["organisation"] or same["organisation"],
                            level=row["level"] or same["level"])
            for k in ("role", "organisation", "level"):
                same[k] = same[k] or row[k]
            same["sanction"] = worst(same["sanction"], row["sanction"], codebook)
    return people


def coarse(code, codebook) -> str | None:
    if not code:
        return None
    if code in SEVERITY:
        return code
    try:
        from dutytrace.nlp.accountability import COARSE
    except ImportError:  # an older module knew only the coarse codes
        COARSE = {}
    return COARSE.get(code, "other")


def worst(a, b, codebook):
    ranked = [s for s in (a, b) if s]
    if not ranked:
        return None
    return min(ranked, key=lambda s: SEVERITY.index(coarse(s, codebook)))


def score(cases, extract, codebook, show: bool) -> dict:
    tot = defaultdict(lambda: defaultdict(int))
    for case_id, keys, gold, docs in cases:
        pred = case_people(extract, docs, codebook)
        t = defaultdict(int)
        t["gold"] += len(gold)
        t["pred"] += len(pred)
        used: set[int] = set()
        for g in gold:
            i = next((i for i, p in enumerate(pred) if i not in used and same_person(p["person"], g["person"])), None)
            if i is None:
                i = next((i for i, p in enumerate(pred) if i not in used and same_entry(p, g)), None)
            if i is None:
                if show:
                    print(f"  {case_id} MISSED {g['person']} ({g['role']}, {g['organisation']}, {g['sanction']})")
                continue
            used.add(i)
            p = pred[i]
            t["matched"] += 1
            post_ok, org_ok = post_org_ok(p, g)
            enterprise = g.get("level") == "enterprise" and same_person(g["person"], g.get("organisation") or "")
            t["ent"] += enterprise
            checks = {("ent_kind" if enterprise else "post"): post_ok, "organisation": org_ok,
                      **({} if enterprise else {"title": post_ok or norm_text(title(p["role"])) == norm_text(title(g["role"]))}),
                      "level": p["level"] == g["level"],
                      "sanction": coarse(p["sanction"], codebook) == g["sanction"]}
            for k, ok in checks.items():
                t[k] += ok
                if show and not ok:
                    if k == "title":
                        continue  # (printed as the post's mismatch)
                    key = {"post": "role", "ent_kind": "role"}.get(k, k)
                    print(f"  {case_id} {g['person']} {k}: got {p[key]!r} want {g[key]!r}")
        if show:
            for i, p in enumerate(pred):
                if i not in used:
                    print(f"  {case_id} EXTRA {p['person']} ({p['role']}, {p['organisation']}, {p['sanction']})")
        for key in keys:
            for k, v in t.items():
                tot[key][k] += v
    return tot


def fmt(t) -> str:
    m = t["matched"] or 1
    persons, ents = t["matched"] - t["ent"], t["ent"]
    return (f"people {t['gold']:4d}  recall {t['matched'] / max(t['gold'], 1):.3f}  "
            f"precision {t['matched'] / max(t['pred'], 1):.3f}  | of {t['matched']} matched: post {t['post'] / max(persons, 1):.3f} "
            f"({persons} persons; title {t['title'] / max(persons, 1):.3f})  org {t['organisation'] / m:.3f}  level {t['level'] / m:.3f}  sanction {t['sanction'] / m:.3f}"
            f"  | enterprise kind {t['ent_kind'] / max(ents, 1):.3f} ({ents})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "acccache")
    ap.add_argument("--old", default=None, help="also measure accountability.py as it was at this commit")
    ap.add_argument("--blind", action="store_true", help="add the held-back cases (corpus/blind)")
    ap.add_argument("--show", choices=("gold", "dev", "genres-tune", "genres-held_out"), default=None,
                    help="print mismatches of one set (genres: only its tuning half, or the held-out half)")
    ap.add_argument("--genres", action="store_true", help="add the genre cases with gold people (corpus/genres)")
    ap.add_argument("--blind2", action="store_true",
                    help="add the second held-back set (corpus/genres/accountability_blind2; measure once, at the end)")
    ap.add_argument("--cases", nargs="*")
    ap.add_argument("--split", choices=("tune", "held_out"), default=None,
                    help="genre cases of this half only (while tuning: --split tune, so the held-out half is not read)")
    args = ap.parse_args()

    settings = Settings()
    sets = ["gold", "dev"] + (["blind"] if args.blind else []) + (["genres"] if args.genres else []) + (["blind2"] if args.blind2 else [])
    cases: dict[str, list] = {}
    for name in sets:
        base = CORPORA[name]
        rows = []
        for line in (base / "gold" / GOLD_FILE.get(name, "cases.jsonl")).read_text(encoding="utf-8").splitlines():
            g = json.loads(line)
            if "accountability" not in g or not g["accountability"] and name not in ("genres", "blind2") \
                    or args.cases and g["case_id"] not in args.cases \
                    or name == "genres" and args.split and g.get("split") != args.split:
                continue  # a genre case judged to name nobody still counts (every person found there is an error)
            # genre tuning cases written for this extractor sit beside the archive (corpus/genres/accountability_tune)
            folder = next((base / d / g["case_id"] for d in ("archive", "accountability_tune", "accountability_blind2") if (base / d / g["case_id"]).is_dir()),
                          base / "archive" / g["case_id"])
            if not folder.is_dir():
                print(f"{name}/{g['case_id']}: no archive folder; skipped", file=sys.stderr)
                continue
            lang = g["language"]
            keys = [lang] if name not in ("genres", "blind2") else \
                [lang, f"{g['split']} {lang}", f"{g['case_id'].rsplit('-', 1)[0]} {lang}"]
            rows.append((g["case_id"], keys, g["accountability"], parsed(folder, args.cache, settings)))
        cases[name] = rows

    versions = ([(f"BEFORE ({args.old[:8]})", load_module(args.old))] if args.old else []) + [("AFTER (working tree)", load_module(None))]
    for label, (extract, version_codebook) in versions:
        print(f"== {label}")
        for name in sets:
            show = args.show == name and label.startswith("AFTER")
            if name == "genres" and args.show and args.show.startswith("genres") and label.startswith("AFTER"):
                half = args.show.split("-", 1)[1]
                score([c for c in cases[name] if c[1][1].startswith(half)], extract, version_codebook, True)
            tot = score(cases[name], extract, version_codebook, show)
            title = {"gold": "corpus/gold (development)", "dev": "corpus/dev (development)",
                     "blind": "corpus/blind (HELD BACK)", "genres": "corpus/genres",
                     "blind2": "accountability_blind2 (HELD BACK)"}[name]
            for key in sorted(tot, key=lambda k: (len(k.split()), k)):
                print(f"  {title:28s} {key}: {fmt(tot[key])}")
            if name in ("gold", "dev"):  # a key is the language here
                dev_tot = globals().setdefault("_dev", {}).setdefault(label, defaultdict(lambda: defaultdict(int)))
                for lang, t in tot.items():
                    for k, v in t.items():
                        dev_tot[lang][k] += v
        for lang, t in sorted(globals().get("_dev", {}).get(label, {}).items()):
            print(f"  {'development total':28s} {lang}: {fmt(t)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
