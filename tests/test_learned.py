"""The learned tagger and the accident-type classifier: the shipped models load and decide, training is
reproducible, and what is not a finding (a recommendation, a denial, a clearance) is no tag.

The sentences below were written for these tests; the first restates, in other words, misses that real
reports showed (issue 15): a risk assessment and traffic plan missing, a guilty plea to an unsafe system
of work. Recommendations and clearances are labelled look-alikes in training (explicit negatives, with
look-alike features), and the learned tagger no longer takes them for findings. The default tagger
(DUTYTRACE_TAGGER=chosen) lets it decide only the tags it decides precisely on held-out material; `learned`
(either reader) and `cues` stay available."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from dutytrace.indexing import prepare
from dutytrace.models import CASE_TAG_MIN
from dutytrace.nlp.learned import MODEL_PATH, N_STACK, LearnedTagger, packaged_tagger, to_scale
from dutytrace.nlp.type_model import packaged_classifier

ROOT = Path(__file__).resolve().parent.parent


def _tags(tmp_path, settings, name: str, text: str) -> dict[str, float]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    _, _, analysis = prepare(path.read_bytes(), str(path), "t", name, settings)
    return {t.tag: t.score for t in analysis.tags if t.score >= CASE_TAG_MIN}


def test_the_shipped_models_load():
    model = packaged_tagger()
    assert model is not None, f"{MODEL_PATH} is missing or stale: run `python -m dutytrace.nlp.train`"
    assert "enterprise_primary_responsibility" in model.tag_ids
    assert all(0.0 < t < 1.0 for t in model.thresholds)
    assert packaged_classifier() is not None


def test_to_scale_puts_each_threshold_on_the_case_decision():
    assert to_scale(0.3, 0.3) == pytest.approx(CASE_TAG_MIN)
    assert to_scale(0.0, 0.4) == 0.0 and to_scale(1.0, 0.4) == pytest.approx(1.0)
    assert to_scale(0.29, 0.3) < CASE_TAG_MIN < to_scale(0.31, 0.3)


def test_news_and_court_wording_is_read(tmp_path, settings_factory):
    settings = settings_factory(tagger="learned")
    news = ("Haulage firm fined after yard worker killed\n\n"
            "A haulage company has been fined after a worker was struck and killed by a reversing lorry at its depot "
            "in Marlow Vale. The court heard that the firm had never assessed the risks of vehicles and people "
            "sharing the yard, and that there was no plan to keep pedestrians apart from moving lorries. "
            "Nobody supervised the loading area at night. The company admitted breaching its duty to provide a "
            "safe system of work and was fined £400,000.")
    tags = _tags(tmp_path, settings, "news.txt", news)
    assert "enterprise_primary_responsibility" in tags, tags


def test_the_learned_tagger_reads_traditional_script_as_simplified(tmp_path, settings_factory):
    from dutytrace.script import to_simplified

    text = ("工業意外調查摘要\n\n2022年3月8日，一名工人在觀塘一個地盤從棚架墮下死亡。"
            "調查發現，承建商沒有為工人提供安全帶，亦沒有評估棚架工作的風險。")
    settings = settings_factory(tagger="learned")
    trad = _tags(tmp_path, settings, "trad.txt", text)
    simp = _tags(tmp_path, settings, "simp.txt", to_simplified(text))
    assert trad == simp and "enterprise_primary_responsibility" in trad, (trad, simp)


def test_recommendations_and_clearances_are_no_findings(tmp_path, settings_factory):
    # was a strict xfail until the look-alikes became explicit negatives (with their own features)
    text = ("Recommendations\n\n"
            "Employers should make sure that every worker receives training before using a forklift. "
            "Regulators should consider more frequent inspections of small warehouses. "
            "The investigation found no failing by the county inspectors, who had visited the site twice that year.")
    tags = _tags(tmp_path, settings_factory(tagger="learned"), "recs.txt", text)
    assert "inadequate_inspection" not in tags and "weak_safety_training_awareness" not in tags, tags


def test_the_cue_tagger_stays_available(tmp_path, settings_factory):
    text = "四、事故原因\n该公司未建立安全生产责任制，未对作业人员进行安全教育培训。"
    learned = _tags(tmp_path, settings_factory(tagger="learned"), "a.txt", text)
    cues = _tags(tmp_path, settings_factory(tagger="cues"), "b.txt", text)
    assert "enterprise_primary_responsibility" in learned and "enterprise_primary_responsibility" in cues
    assert set(cues) <= set(learned)  # learned: a tag either reader decides


def test_saved_model_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    stack = rng.normal(size=(2, N_STACK + 1)).astype(np.float32)
    model = LearnedTagger(["a", "b"], rng.normal(size=(2, 10)).astype(np.float32),
                          np.array([0.1, -0.2], np.float32), np.array([0.4, 0.6], np.float32), False, {"x": 1}, stack)
    path = tmp_path / "m.npz"
    model.save(path)
    back = LearnedTagger.load(path)
    assert back is not None and back.tag_ids == ["a", "b"] and np.array_equal(back.stack, stack)
    assert np.array_equal(back.thresholds, model.thresholds)


def _row(text, cues=None, kind="report", section="findings", role="text"):
    from dutytrace.models import Evidence
    from dutytrace.nlp.learned import Row

    return Row(text, "en", kind, section, role, cues or {}, False, Evidence(text, 1, None, None), 0)


def test_training_labels_decoys_silver_and_interviews():
    """Look-alikes are explicit negatives with more weight; a case labelled per case only gives silver
    positives only where the cue rules assert the tag in a findings-like place; its interviews are read
    but not learned from."""
    from dutytrace.nlp import train as T
    from dutytrace.nlp.polarity import ASSERTED, DENIED

    tags = ["enterprise_primary_responsibility", "inadequate_inspection"]
    ent, insp = tags
    labelled = T.CaseData("g", "enpress", "en", {ent}, None, None, True)
    found, advice = _row("The firm never assessed the risk."), _row("Firms should assess the risk.")
    found.labels = {ent}
    labelled.docs = [{"rows": [found, advice], "decoy": [None, "recommendation"], "kind": "other", "old": {}}]
    house = T.CaseData("h", "house-dev", "en", {ent}, None, None, False)
    asserted = _row("The company had no safety system.", {ent: (ASSERTED, 1.0)})
    in_measures = _row("The company must set up a safety system.", {ent: (ASSERTED, 0.15)}, section="measures")
    denied = _row("The company denied it had no system.", {ent: (DENIED, 1.0)})
    answer = _row("We never had a system.", kind="transcript", section=None, role="answer")
    house.docs = [{"rows": [asserted, in_measures, denied], "kind": "report", "old": {}},
                  {"rows": [answer], "kind": "transcript", "old": {}}]
    x, y, known, owners, w = T._matrix([labelled, house], tags, False)
    assert x.shape[0] == 6 and owners[-1] == (1, 1)
    assert list(w[:2]) == [1.0, T.DECOY_WEIGHT]
    assert y[0, 0] == 1 and y[1, 0] == 0 and known[:2].all()
    # house report: silver positive where asserted in the findings, unknown where in measures or denied,
    # a negative for the tag the case lacks
    assert y[2, 0] == 1 and known[2, 0] and not known[3, 0] and not known[4, 0]
    assert known[2:5, 1].all() and not y[2:5, 1].any()
    assert w[5] == 0 and not known[5].any()  # the interview: read, not learned from


def test_training_is_reproducible(settings_factory, tmp_path):
    from dutytrace.nlp import train as T
    from dutytrace.nlp.codebook import load_codebook

    gold = [g for g in T.load_gold(ROOT / "corpus" / "genres") if g["genre"] in ("enpress", "zhnotice")][:8]
    cases = T.load_cases(ROOT / "corpus" / "genres", settings_factory(), tmp_path, gold, progress=lambda *_: None)
    tags = load_codebook(None).tag_ids()
    a, b = T.train(cases, tags, False), T.train(cases, tags, False)
    assert np.array_equal(a.coef, b.coef) and np.array_equal(a.thresholds, b.thresholds)
    assert a.coef.any()


def test_accident_type_is_always_answered(tmp_path, settings_factory):
    text = ("Worker dies at recycling plant\n\nA 34-year-old man died on Tuesday at a recycling plant in Eastbrook "
            "after he was pulled into the rollers of a baling machine while clearing a jam. Colleagues stopped the "
            "line but could not free him. Police and the safety regulator are investigating.")
    path = tmp_path / "news.txt"
    path.write_text(text, encoding="utf-8")
    _, _, analysis = prepare(path.read_bytes(), str(path), "t", path.name, settings_factory())
    # the cue rules find no type in this wording; the classifier answers (a type, or "other"), never None
    from dutytrace.nlp.codebook import load_codebook

    assert analysis.facts["accident_type"] in {t.id for t in load_codebook(None).accident_types}
    assert 0.0 <= analysis.facts["accident_type_confidence"] <= 1.0
    assert analysis.facts["accident_type_source"] == "classifier"


def test_accident_type_is_other_when_no_type_fits():
    """No type reaches MIN_CONFIDENCE: the answer is "other", with a confidence; a clear winner is answered."""
    from dutytrace.nlp.codebook import load_codebook
    from dutytrace.nlp.type_model import MIN_CONFIDENCE, TypeClassifier, featurize

    cb = load_codebook(None)
    types = [t.id for t in cb.accident_types]
    text = "The committee met on Monday and approved the budget for next year."
    width = featurize([text], ["en"], cb, types).shape[1]
    flat = TypeClassifier(types, np.zeros((len(types), width), np.float32), np.zeros(len(types), np.float32))
    kind, p = flat.predict(text, "en", cb)
    assert kind == "other" and 0.0 <= p < MIN_CONFIDENCE  # uniform over the types: nothing fits
    bias = np.zeros(len(types), np.float32)
    bias[types.index("drowning")] = 5.0
    sure = TypeClassifier(types, np.zeros((len(types), width), np.float32), bias)
    kind, p = sure.predict(text, "en", cb)
    assert kind == "drowning" and p > MIN_CONFIDENCE


def test_document_decision_reads_what_the_sentences_say_not_the_document():
    """The same finding decides the same way in a short news item and in a long report: padding a document
    with sentences that state nothing, or calling it a report, changes nothing."""
    model = packaged_tagger()
    assert model is not None
    short = [_row("The company failed to provide a safe system of work.", kind="other")]
    long = [_row(r.text, kind="report") for r in short] + [
        _row(f"Paragraph {i}: the weather on the day was dry and the site was open as usual.", kind="report")
        for i in range(60)]
    a = model.tag(short).tags
    b = model.tag(long).tags
    scores_a = {t.tag: round(t.score, 4) for t in a}
    scores_b = {t.tag: round(t.score, 4) for t in b}
    assert scores_a.get("enterprise_primary_responsibility", 0.0) >= CASE_TAG_MIN  # the short text states it
    for tag, s in scores_a.items():
        if s >= CASE_TAG_MIN:  # a finding of the short text stays one in the long report, with no lower score
            assert scores_b.get(tag, 0.0) >= s - 1e-3
    rng = np.random.default_rng(1)
    p = rng.uniform(0.0, 0.9, size=5).astype(np.float32)
    padded = np.concatenate([p, np.full(300, 0.001, np.float32)])
    assert model.decide(0, p, 0.3) == pytest.approx(model.decide(0, padded, 0.3))


def test_each_tag_decided_by_its_chosen_source(tmp_path, settings_factory, monkeypatch):
    """DUTYTRACE_TAGGER=chosen: a tag whose source is the cue rules is decided as the cue tagger decides it,
    one whose source is "either" as `learned` does (the real shipped model, its choice set per test)."""
    text = ("Fatal fall at Harrow Lane warehouse\n\n"
            "The company had not assessed the risk of work on the mezzanine and no edge protection was fitted. "
            "The worker had never been trained to use the platform. The firm had been told by an inspector a year "
            "earlier to fit guard rails and had not done so. 四、事故原因\n该公司未建立安全生产责任制，"
            "未对作业人员进行安全教育培训。")
    cues = _tags(tmp_path, settings_factory(tagger="cues"), "c.txt", text)
    either = _tags(tmp_path, settings_factory(tagger="learned"), "l.txt", text)
    model = packaged_tagger()
    assert model is not None
    monkeypatch.setitem(model.meta, "tag_sources", {t: "cues" for t in model.tag_ids})
    assert _tags(tmp_path, settings_factory(tagger="chosen"), "1.txt", text).keys() == cues.keys()
    monkeypatch.setitem(model.meta, "tag_sources", {t: "either" for t in model.tag_ids})
    assert _tags(tmp_path, settings_factory(tagger="chosen"), "2.txt", text).keys() == either.keys()
    extra = sorted(set(either) - set(cues))
    assert extra, (cues, either)  # the classifier adds a tag here, so the mixed choice below decides something
    mixed = {t: "either" for t in model.tag_ids} | {extra[0]: "cues"}
    monkeypatch.setitem(model.meta, "tag_sources", mixed)
    got = _tags(tmp_path, settings_factory(tagger="chosen"), "3.txt", text)
    assert set(got) == set(either) - {extra[0]}, (got, either, extra)


def test_choose_sources_takes_the_best_held_out_f1_and_keeps_cues_on_a_tie():
    from dutytrace.nlp.train import choose_sources, chosen_tags

    recs = [{"gold": ["a", "b"], "cue": ["a"], "classifier": ["b"]},
            {"gold": ["b"], "cue": [], "classifier": ["b", "a"]},
            {"gold": ["a"], "cue": ["a"], "classifier": []},
            {"gold": [], "cue": [], "classifier": ["c"]},
            {"gold": ["c"], "cue": ["c"], "classifier": ["c"]}]
    choice, table = choose_sources({"g": recs}, ["a", "b", "c"])
    # a: cues 1.0 (2 of 2, nothing false), classifier 0.5, either 0.8; b: only the classifier finds it;
    # c: cues 1.0 (the classifier's extra c on a case without it costs it precision)
    assert choice == {"a": "cues", "b": "classifier", "c": "cues"}, table
    assert table["a"]["cues"]["g"]["f1"] == pytest.approx(1.0) and table["a"]["either"]["g"]["f1"] == pytest.approx(0.8)
    assert chosen_tags(choice, recs[1]) == {"b"} and chosen_tags(choice, recs[0]) == {"a", "b"}
    tie = [{"gold": ["a"], "cue": ["a"], "classifier": ["a"]}]
    assert choose_sources({"g": tie}, ["a"])[0] == {"a": "cues"}
    # the classifier finds both cases of "h" (F1 0.8 against the cue rules' 0.67) but one tag in three it shows
    # is wrong (precision 0.67 < 0.8): the cue rules keep deciding it; with a lower floor it would decide
    loose = [{"gold": ["h"], "cue": ["h"], "classifier": ["h"]}, {"gold": ["h"], "cue": [], "classifier": ["h"]},
             {"gold": [], "cue": [], "classifier": ["h"]}]
    assert choose_sources({"g": loose}, ["h"])[0] == {"h": "cues"}
    assert choose_sources({"g": loose}, ["h"], floor=0.6)[0] == {"h": "classifier"}


@pytest.mark.parametrize("name", ["tags_blind1", "tags_blind2", "tags_blind3", "tags_blind4", "tags_blind5", "tags_blind6",
                                  "tags_blind7"])
def test_blind_tag_sets_are_well_formed(name):
    """The held-out tag sets: every gold line names a case folder with text, codebook tags and an accident
    type of the codebook (they are measured, never tuned on; a broken line would silently drop a case)."""
    import json

    from dutytrace.nlp.codebook import load_codebook

    codebook = load_codebook(None)
    tags, types = set(codebook.tag_ids()), {e.id for e in codebook.accident_types} | {"other"}
    root = ROOT / "corpus" / "genres" / name
    gold = [json.loads(x) for x in (root / "gold" / "cases.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    assert len(gold) == 24 and len({g["case_id"] for g in gold}) == 24
    for g in gold:
        folder = root / "archive" / g["case_id"]
        assert any(p.read_text(encoding="utf-8").strip() for p in folder.glob("*.txt")), g["case_id"]
        assert set(g["tags"]) <= tags and g["accident_type"] in types, g["case_id"]
        assert g["language"] in ("zh", "en") and isinstance(g["facts"]["fatalities"], int), g["case_id"]


def test_a_classifier_tag_no_sentence_carries_is_only_possible(settings_factory):
    """zh05's accountability notice: the classifier's decision on the enterprise's responsibility rests on no
    sentence of its own (its best "sentence" is the page footer 第 1 页) and the cue rules find none: it is shown
    as possible, never as decided with a page number for evidence."""
    from dutytrace.nlp.analyze import parse_chunks
    from dutytrace.nlp.learned import EVIDENCE_MIN, rows_from_readings
    from dutytrace.nlp.responsibility import sentence_readings

    path = ROOT / "corpus" / "archive" / "zh05" / "notice-accountability.pdf"
    for tagger in ("chosen", "learned"):
        _, _, analysis = prepare(path.read_bytes(), str(path), "zh05", path.name, settings_factory(tagger=tagger))
        for t in analysis.tags:
            if t.score >= CASE_TAG_MIN:
                assert not any(re.fullmatch(r"第\s*\d+\s*页|page \d+", e.text.strip(), re.I) for e in t.evidence), t
        ent = next((t for t in analysis.tags if t.tag == "enterprise_primary_responsibility"), None)
        assert ent is None or ent.score < CASE_TAG_MIN, (tagger, ent)
    # the classifier itself says which tags no sentence carried: those whose every evidence sentence is
    # below EVIDENCE_MIN, and only those
    from dutytrace.nlp.accountability import extract_accountability
    from dutytrace.nlp.codebook import load_codebook

    settings = settings_factory(tagger="cues")
    doc, chunks, _ = prepare(path.read_bytes(), str(path), "zh05", path.name, settings)
    cb = load_codebook(None)
    _, _, docs = parse_chunks(chunks, doc.language, cb, settings.spacy_en)
    people = extract_accountability(chunks, doc.language, cb)
    readings = list(sentence_readings(chunks, doc.language, cb, doc.kind, docs, people))
    found = packaged_tagger().tag(rows_from_readings(readings, doc.language, doc.kind))
    assert "enterprise_primary_responsibility" in found.uncarried
    for t in found.tags:
        below = all(float(e.cue.lstrip("~")) < EVIDENCE_MIN for e in t.evidence)
        assert (t.tag in found.uncarried) == below, t
