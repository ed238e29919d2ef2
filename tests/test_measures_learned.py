"""The learned item reader for rectification measures (nlp/measures_learned.py): the packaged model loads,
scores a requirement as an item and a finding as none, and DUTYTRACE_MEASURES chooses it beside the rules."""

from __future__ import annotations

import pytest

from dutytrace.errors import ConfigError
from dutytrace.models import Page
from dutytrace.nlp import measures_learned as L
from dutytrace.nlp.measures import extract_measures, rule_measures


@pytest.fixture(scope="module")
def model():
    m = L.MeasuresModel.load(L.MODEL_PATH)
    assert m is not None, "dutytrace/nlp/measures_model.npz is missing or of another feature version"
    return m


def test_model_loads_small(model):
    assert L.MODEL_PATH.stat().st_size < 200_000
    assert model.coef.shape == (384 + 2 * len(L.CUES),)
    for lang in ("en", "zh"):
        assert 0.0 < model.threshold[lang] <= 1.01 and 0.0 <= model.veto[lang] < model.threshold[lang]


def _scores(model, text: str, lang: str) -> dict[str, float]:
    us = L.units([Page(1, text)], lang)
    p = model.probabilities(L.features(us, L.embed([u.text for u in us]), lang))
    return {u.text: float(q) for u, q in zip(us, p)}


def test_requirement_scores_high_finding_low_en(model):
    # neither sentence stands under a measures heading: the reader must tell them apart by what they say
    text = ("The inquiry into the collapse of the scaffold at Ferry Lane.\n\n"
            "The contractor failed to inspect the scaffold ties after the storm and did not keep a register.\n\n"
            "The borough's building control team should inspect every scaffold over four storeys within 14 days "
            "of its erection and keep a public register of those inspections.\n")
    s = _scores(model, text, "en")
    req = next(v for k, v in s.items() if k.startswith("The borough"))
    finding = next(v for k, v in s.items() if k.startswith("The contractor"))
    assert req >= 0.5 > finding


def test_requirement_scores_high_finding_low_zh(model):
    text = ("某区“5·3”高处坠落事故情况通报\n\n"
            "经调查，施工单位未按规定对脚手架进行验收，现场安全管理缺失。\n\n"
            "区住建局要在6月底前对全区在建工地脚手架开展一次全面排查，建立问题清单，逐项整改销号。\n")
    s = _scores(model, text, "zh")
    req = next(v for k, v in s.items() if k.startswith("区住建局"))
    finding = next(v for k, v in s.items() if k.startswith("经调查"))
    assert req >= 0.5 > finding


def test_combined_items_add_to_the_rules_and_read_body_and_deadline(model, monkeypatch):
    text = ("The inquiry into the collapse of the scaffold at Ferry Lane.\n\n"
            "The contractor failed to inspect the scaffold ties after the storm.\n\n"
            "The borough's building control team should inspect every scaffold over four storeys by 31 March 2027 "
            "and keep a public register of those inspections.\n")
    pages = [Page(1, text)]
    rules = rule_measures(pages, "en")
    us = L.units(pages, "en")
    probs = model.probabilities(L.features(us, L.embed([u.text for u in us]), "en"))
    out = L.combine(rules, us, probs, "en", None, model.threshold["en"], 0.0)
    added = [m for m in out if m.measure.startswith("The borough")]
    assert len(added) == 1  # once, whether the rules or the reader gave it
    assert added[0].deadline == "2027-03-31" and added[0].page == 1
    assert not any(m.measure.startswith("The contractor") for m in out)
    monkeypatch.setenv("DUTYTRACE_MEASURES", "rules")
    assert extract_measures(pages, "en") == rules
    monkeypatch.setenv("DUTYTRACE_MEASURES", "learned")
    learned = extract_measures(pages, "en")
    assert all(m in learned for m in rules)  # the rules' items stay unless vetoed; none is here
    monkeypatch.setenv("DUTYTRACE_MEASURES", "both-ways")
    with pytest.raises(ConfigError, match="DUTYTRACE_MEASURES"):
        extract_measures(pages, "en")


def _tuning_doc(case_id: str):
    """A document of measures_blind3 (tuning material since its one measurement) and its gold items."""
    import json
    from pathlib import Path

    from dutytrace.ingest.reader import read_document

    genres = Path(__file__).resolve().parents[1] / "corpus" / "genres"
    gold = next(json.loads(x) for x in (genres / "gold" / "measures_blind3.jsonl").read_text(encoding="utf-8").splitlines()
                if x.strip() and json.loads(x)["case_id"] == case_id)
    path = next((genres / "measures_blind3" / case_id).glob("*.txt"))
    doc = read_document(path.read_bytes(), str(path), case_id, path.name, 120)
    return doc, [i["measure"] for i in gold["items"]]


def test_default_reads_both_languages_with_the_learned_reader_and_learned_zh_only_chinese(model, monkeypatch):
    monkeypatch.delenv("DUTYTRACE_MEASURES", raising=False)
    assert L.mode() == "learned"
    # a 挂牌督办 notice whose numbered requirements the rules do not read as a measures part
    zh, zh_gold = _tuning_doc("g19-b3zh-08")
    assert zh.language == "zh"
    rules = rule_measures(zh.pages, "zh")
    got = extract_measures(zh.pages, "zh")
    added = [m for m in got if m not in rules]
    assert all(m in got for m in rules) and len(added) >= 3
    assert all(any(L.overlaps(m.measure, g) for g in zh_gold) for m in added)  # each added item is a gold item
    # an English report where the learned reader adds items beside the rules'
    en, _ = _tuning_doc("g20-b3en-04")  # (g20-b3en-02's orders are now read by the rules themselves)
    assert en.language == "en"
    en_rules = rule_measures(en.pages, "en")
    en_got = extract_measures(en.pages, "en")
    assert all(m in en_got for m in en_rules) and len(en_got) > len(en_rules)
    monkeypatch.setenv("DUTYTRACE_MEASURES", "learned-zh")  # the reader for Chinese only
    assert extract_measures(en.pages, "en") == en_rules
    assert extract_measures(zh.pages, "zh") == got
    monkeypatch.setenv("DUTYTRACE_MEASURES", "rules")
    assert extract_measures(zh.pages, "zh") == rules


def test_a_run_with_an_unknown_reader_setting_is_refused_before_any_file(tmp_path, settings_factory, monkeypatch):
    """An ingest (or retag) with DUTYTRACE_MEASURES or DUTYTRACE_TAGGER naming no reader stops before reading
    a file, with the setting named; nothing is stored and the audit log has no started run."""
    from dutytrace.service import Dutytrace

    doc = tmp_path / "notice.txt"
    doc.write_text("关于整改的通知\n一、立即停产整顿，全面排查隐患。\n", encoding="utf-8")
    svc = Dutytrace(settings_factory())
    try:
        monkeypatch.setenv("DUTYTRACE_MEASURES", "both-ways")
        with pytest.raises(ConfigError, match="DUTYTRACE_MEASURES is 'both-ways'"):
            svc.ingest([doc])
        with pytest.raises(ConfigError, match="DUTYTRACE_MEASURES"):
            svc.retag()
        assert svc.catalog.documents() == []
        assert not svc.audit.entries(action="ingest_start") and not svc.audit.entries(action="retag_start")
        monkeypatch.setenv("DUTYTRACE_MEASURES", "learned")
        report = svc.ingest([doc])
        assert report.failed == [] and len(svc.catalog.documents()) == 1
    finally:
        svc.close()
    bad = Dutytrace(settings_factory(tagger="rules-only"))
    try:
        with pytest.raises(ConfigError, match="DUTYTRACE_TAGGER is 'rules-only'"):
            bad.ingest([doc])
    finally:
        bad.close()
