"""The fast path for case-insensitive cue patterns (nlp/textfold.py) finds exactly what the patterns find."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from dutytrace.nlp.codebook import load_codebook
from dutytrace.nlp.textfold import Folded, twin

PATTERNS = [p for tag in load_codebook(None).tags for lang in ("en", "zh") for p in tag.cues.get(lang, ())]
# patterns the fast path must leave alone, mixed in
EXTRA = [re.compile(r"UK firms?", re.I), re.compile(r"[A-Z]{3} not", re.I), re.compile(r"\S+ the", re.I)]
WORDS = ["UK", "firms", *sorted({w for p in PATTERNS for w in re.findall(r"[A-Za-z]{3,}", p.pattern)})]


def spans(matches) -> list[tuple[int, int]]:
    return [m.span() for m in matches]


def test_most_english_cues_have_a_twin_and_no_chinese_one_needs_one():
    en = [p for tag in load_codebook(None).tags for p in tag.cues.get("en", ())]
    assert sum(twin(p) is not None for p in en) >= 0.9 * len(en)
    assert twin(re.compile(r"UK firms? failed", re.I)) is None  # "UK" would miss the lower-cased text
    assert twin(re.compile("ſafety", re.I)) is None  # ſ folds to s: not an ASCII pattern
    assert twin(re.compile("safety")) is None  # case-sensitive already


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
