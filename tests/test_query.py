"""Query understanding through the codebook: which issues, accident types and bilingual concepts a
query names, and how ambiguous words are kept from naming a concept on their own."""

from __future__ import annotations

import textwrap

from dutytrace.nlp.codebook import load_codebook
from dutytrace.query import understand


def test_a_person_who_collapsed_is_not_a_collapse_accident():
    cb = load_codebook()
    assert "collapse" not in understand("two workmates went down after a collapsed colleague in the tank", cb).accident_types
    assert "collapse" not in understand("he collapsed at the bottom of the manhole", cb).accident_types
    assert "collapse" in understand("the trench wall collapsed and buried two men", cb).accident_types
    assert "collapse" in understand("building collapse after illegal extra floors", cb).accident_types
    assert "collapse" in understand("脚手架坍塌", cb).accident_types


def test_an_ambiguous_word_alone_does_not_name_a_concept():
    cb = load_codebook()
    # "regulator" is an authority here, not the valve of a gas cylinder
    assert "lpg" not in understand("the regulator had ordered the hazard fixed", cb).concepts
    assert "lpg" in understand("the gas cylinder's regulator and hose leaked", cb).concepts
    # "alarm" alone is not yet an interlock; with "detector" it is
    assert "interlock" not in understand("nobody raised the alarm", cb).concepts
    assert "interlock" in understand("the gas detector alarm had been switched off", cb).concepts
    # 车间 (workshop) does not make a textile case
    assert "textile" not in understand("检查人员从来没进过车间", cb).concepts


def test_english_terms_match_their_inflections_and_carry_the_query_across():
    cb = load_codebook()
    intent = understand("officials took bribes and tipped off the mine owner", cb)
    assert {"bribery", "protective_umbrella"} <= set(intent.concepts)
    assert "受贿" in intent.translation and "通风报信" in intent.translation
    assert "rescue" in understand("three rescuers died", cb).concepts
    assert "inspection_visit" in understand("too few inspectors", cb).concepts


def test_weak_terms_in_a_user_codebook(tmp_path):
    user = tmp_path / "cb.yaml"
    user.write_text(textwrap.dedent("""
        concepts:
          - {id: kiln, cues: {en: ["kiln", "~firing", "~chamber"], zh: ["窑炉", "~烧成"]}}
    """), encoding="utf-8")
    cb = load_codebook(user)
    kiln = cb.get("concepts", "kiln")
    assert kiln.terms["en"] == ("kiln", "firing", "chamber")  # translations keep every term, without "~"
    assert kiln.named_in("the kiln exploded", ("en",))
    assert not kiln.named_in("firing of the staff", ("en",))
    assert kiln.named_in("the firing chamber burst", ("en",))
    assert "窑炉" in understand("kilns", cb).translation
