"""The learned tagger and the accident-type classifier: the shipped models load and decide, training is
reproducible, and what is not a finding (a recommendation, a denial, a clearance) is no tag.

The sentences below were written for these tests; the first restates, in other words, misses that real
reports showed (issue 15): a risk assessment and traffic plan missing, a guilty plea to an unsafe system
of work. The learned tagger is opt-in (DUTYTRACE_TAGGER=learned) because it still takes recommendations
and clearances for findings: that test is marked as the known failure it is."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dutytrace.indexing import prepare
from dutytrace.models import CASE_TAG_MIN
from dutytrace.nlp.learned import MODEL_PATH, LearnedTagger, packaged_tagger, to_scale
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


@pytest.mark.xfail(strict=True, reason="known defect of the learned tagger (why it is opt-in): recommendations and "
                   "clearances still score as findings; the cue rules get this right")
def test_recommendations_and_clearances_are_no_findings(tmp_path, settings_factory):
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
    model = LearnedTagger(["a", "b"], np.random.default_rng(0).normal(size=(2, 10)).astype(np.float32),
                          np.array([0.1, -0.2], np.float32), np.array([0.4, 0.6], np.float32), False, {"x": 1})
    path = tmp_path / "m.npz"
    model.save(path)
    # the shape of the features differs from the shipped one: a stale model is refused, not misread
    assert LearnedTagger.load(path) is not None and LearnedTagger.load(path).tag_ids == ["a", "b"]


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
