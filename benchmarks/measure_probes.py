"""How well the responsibility tagger's cues generalise to wording they were not written from.

`corpus/probes/tag_probes.jsonl` holds single sentences in English and Chinese, written blind to the
codebook's cue patterns and to the corpus (positives for every tag in varied wording, and negatives:
negated, rejected or reported claims, a company's own checks, recommendations, neutral facts). Each
sentence is tagged as the finding of a report (it stands under a "causes of the accident" heading) and
a tag counts as given when its calibrated score reaches the case threshold (models.CASE_TAG_MIN), as
`dutytrace eval` keeps case tags.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/measure_probes.py [--similarity] [--show]

`--similarity` adds the description-similarity step (English only; loads MiniLM); `--show` prints
every missed and every wrong tag with its sentence.
"""

from __future__ import annotations

import argparse
import json
import os
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from dutytrace.models import CASE_TAG_MIN, Chunk  # noqa: E402
from dutytrace.nlp.codebook import load_codebook  # noqa: E402
from dutytrace.nlp.responsibility import calibrate, tag_evidence  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
HEADING = {"en": "4. Causes of the accident\n", "zh": "四、事故原因\n"}


def predict(text: str, lang: str, codebook, similarity) -> set[str]:
    body = HEADING[lang] + text
    chunk = Chunk("p", "p", "p", 0, 1, 0, len(body), body)
    features, _ = tag_evidence([chunk], lang, codebook, "report", None, similarity)
    return {t for t, f in features.items() if calibrate(f["support"], f["against"], f["similarity"]) >= CASE_TAG_MIN}


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--probes", default=str(ROOT / "corpus" / "probes" / "tag_probes.jsonl"))
    ap.add_argument("--similarity", action="store_true")
    ap.add_argument("--show", action="store_true")
    args = ap.parse_args()
    codebook = load_codebook()
    similarity = None
    if args.similarity:
        from dutytrace.nlp.tag_semantics import tag_similarity

        similarity = tag_similarity(codebook)
    probes = [json.loads(line) for line in Path(args.probes).read_text(encoding="utf-8").splitlines() if line.strip()]
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])  # (lang, tag) -> tp, fp, fn
    for p in probes:
        got, want = predict(p["text"], p["lang"], codebook, similarity), set(p["tags"])
        for t in got | want:
            c = counts[(p["lang"], t)]
            c[0 if t in got and t in want else 1 if t in got else 2] += 1
        if args.show and got != want:
            print(f"{p['id']} {p['lang']} missed={sorted(want - got)} wrong={sorted(got - want)} :: {p['text']}")
    tags = codebook.tag_ids()
    print(f"{'tag':38} " + "  ".join(f"{lang} P    R    F1  " for lang in ("en", "zh")))
    macro: dict[str, list[float]] = defaultdict(list)
    for t in tags:
        row = []
        for lang in ("en", "zh"):
            tp, fp, fn = counts[(lang, t)]
            p, r, f = prf(tp, fp, fn)
            if tp + fn:
                macro[lang].append(f)
            row.append(f"{p:.2f} {r:.2f} {f:.2f}")
        print(f"{t:38} " + "   ".join(row))
    for lang in ("en", "zh"):
        tp = sum(c[0] for (lg, _), c in counts.items() if lg == lang)
        fp = sum(c[1] for (lg, _), c in counts.items() if lg == lang)
        fn = sum(c[2] for (lg, _), c in counts.items() if lg == lang)
        p, r, f = prf(tp, fp, fn)
        m = sum(macro[lang]) / len(macro[lang]) if macro[lang] else 0.0
        print(f"{lang}: micro P {p:.2f} R {r:.2f} F1 {f:.2f}; macro F1 {m:.2f} "
              f"({sum(1 for x in probes if x['lang'] == lang)} sentences)")


if __name__ == "__main__":
    main()
