"""The fast path for case-insensitive cue patterns (nlp/textfold.py) finds exactly what the patterns find."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from dutytrace.nlp.codebook import load_codebook
from dutytrace.nlp.textfold import Folded, twin

PATTERNS = [p for tag in load_codebook(None).tags for lang in ("en", "zh") for p in tag.cues.get(lang, ())]
# patterns the fast path must leave alone, mixed in
EXTRA = [re.compile(r"UK firms?", re.I), re.compile(r"[A-Z]{3} not", re.I), re.compile(r"\S+ the", re.I),
         re.compile(r"(?-i:firms) not", re.I)]
WORDS = ["UK", "firms", *sorted({w for p in PATTERNS for w in re.findall(r"[A-Za-z]{3,}", p.pattern)})]


def spans(matches) -> list[tuple[int, int]]:
    return [m.span() for m in matches]


def test_most_english_cues_have_a_twin_and_no_chinese_one_needs_one():
    en = [p for tag in load_codebook(None).tags for p in tag.cues.get("en", ())]
    assert sum(twin(p) is not None for p in en) >= 0.9 * len(en)
    assert twin(re.compile(r"UK firms? failed", re.I)) is None  # "UK" would miss the lower-cased text
    assert twin(re.compile("ſafety", re.I)) is None  # ſ folds to s: not an ASCII pattern
    assert twin(re.compile("safety")) is None  # case-sensitive already
    scoped = re.compile(r"(?-i:firms) not", re.I)  # case-sensitive inside the group
    assert twin(scoped) is None
    assert spans(Folded("FIRMS not; firms NOT").finditer(scoped)) == spans(scoped.finditer("FIRMS not; firms NOT"))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from([" ", ". ", ", ", " not ", " the ", "-", "\n"]),
                          st.text(alphabet="abcXYZ .'", max_size=6)), max_size=40),
       st.sets(st.sampled_from(["upper", "title", "swap"]), max_size=2))
def test_folded_matches_are_the_patterns_own(parts, cases):
    """Random ASCII text made of the cues' own words in mixed case: every pattern's matches are the same,
    at the same offsets, by either path."""
    text = "".join(parts)
    if "upper" in cases:
        text = text.upper()
    if "title" in cases:
        text = text.title()
    if "swap" in cases:
        text = text.swapcase()
    folded = Folded(text)
    for p in PATTERNS + EXTRA:
        assert spans(folded.finditer(p)) == spans(p.finditer(text)), p.pattern


def test_non_ascii_text_takes_the_patterns_own_path():
    # the Kelvin sign and the long s fold to ASCII letters under re.IGNORECASE: lower-casing could not stand in
    text = "The \u212aILN was not inspected; ſafety training was not given. 安全培训流于形式"
    folded = Folded(text)
    assert folded.low is None
    for p in PATTERNS:
        assert spans(folded.finditer(p)) == spans(p.finditer(text))
    kiln = re.compile("kiln", re.I)
    assert spans(Folded(text).finditer(kiln)) == spans(kiln.finditer(text)) == [(4, 8)]


def _named_by_patterns(entry, text: str, langs=("en", "zh")) -> bool:
    """Entry.named_in without its needle test: the patterns alone decide."""
    if any(p.search(text) for lang in langs for p in entry.cues.get(lang, ())):
        return True
    return sum(1 for lang in langs for p in entry.weak.get(lang, ()) if p.search(text)) >= 2


def test_a_concept_is_named_exactly_where_its_patterns_say():
    """Entry.named_in tries a term's pattern only where the text can hold the term; that shortcut never
    changes the answer: sample passages in both languages, the same upper-cased and title-cased, and texts
    whose letters case-fold to others (ſ, İ, the Kelvin sign) or mix scripts."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "corpus" / "genres" / "archive"
    texts = []
    for f in sorted(root.rglob("*.txt"))[::2]:
        t = f.read_text(encoding="utf-8")
        texts += [t[i:i + 900] for i in range(0, len(t), 900)]
    texts += [t.upper() for t in texts[::5]] + [t.title() for t in texts[::7]]
    texts += ["ſafety training was not given; the İnspection was a formality", "the \u212aILN exploded",
              "GAS EXPLOSION at the 煤矿, 瞒报 deaths", "PRESS and ALARM", "", "瞞報 死亡人数"]
    concepts = load_codebook(None).concepts
    assert len(texts) > 100 and concepts
    for t in texts:
        for c in concepts:
            assert c.named_in(t) == _named_by_patterns(c, t), (c.id, t[:80])
            assert c.named_in(t, ("en",)) == _named_by_patterns(c, t, ("en",)), (c.id, t[:80])
