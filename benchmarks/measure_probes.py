"""How well the responsibility tagger's cues generalise to wording they were not written from.

`corpus/probes/tag_probes.jsonl` holds single sentences in English and Chinese, written blind to the
codebook's cue patterns and to the corpus (positives for every tag in varied wording, and negatives:
negated, rejected or reported claims, a company's own checks, recommendations, neutral facts). Each
sentence is tagged as the finding of a report (`responsibility.finding_tags`: it stands under a
"causes of the accident" heading, and a tag counts when its calibrated score reaches the case
threshold, models.CASE_TAG_MIN, as `dutytrace eval` keeps case tags).

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/measure_probes.py [--similarity] [--show]

`--similarity` adds the description-similarity step (English only; loads MiniLM); `--show` prints
every missed and every wrong tag with its sentence.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from dutytrace.evaluate import tag_scores  # noqa: E402
from dutytrace.nlp.codebook import load_codebook  # noqa: E402
from dutytrace.nlp.responsibility import finding_tags  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PROBES = ROOT / "corpus" / "probes" / "tag_probes.jsonl"


def load_probes(path: Path = PROBES) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--probes", default=str(PROBES))
    ap.add_argument("--similarity", action="store_true")
    ap.add_argument("--show", action="store_true")
    args = ap.parse_args()
    codebook = load_codebook()
    similarity = None
    if args.similarity:
        from dutytrace.nlp.tag_semantics import tag_similarity

        similarity = tag_similarity(codebook)
    probes = load_probes(Path(args.probes))
    scores = {}
    for lang in ("en", "zh"):
        rows = [p for p in probes if p["lang"] == lang]
        pred = {p["id"]: finding_tags(p["text"], lang, codebook, similarity) for p in rows}
        gold = {p["id"]: set(p["tags"]) for p in rows}
        scores[lang] = (tag_scores(pred, gold, codebook.tag_ids()), len(rows))
        for p in rows if args.show else ():
            got, want = pred[p["id"]], gold[p["id"]]
            if got != want:
                print(f"{p['id']} {lang} missed={sorted(want - got)} wrong={sorted(got - want)} :: {p['text']}")
    print(f"{'tag':38} " + "  ".join(f"{lang} P    R    F1  " for lang in ("en", "zh")))
    for t in codebook.tag_ids():
        cells = [scores[lang][0]["per_tag"][t] for lang in ("en", "zh")]
        print(f"{t:38} " + "   ".join(f"{c['precision']:.2f} {c['recall']:.2f} {c['f1']:.2f}" for c in cells))
    for lang, (s, n) in scores.items():
        m = s["micro"]
        print(f"{lang}: micro P {m['precision']:.2f} R {m['recall']:.2f} F1 {m['f1']:.2f}; "
              f"macro F1 {s['macro']['f1']:.2f} ({n} sentences)")


if __name__ == "__main__":
    main()
