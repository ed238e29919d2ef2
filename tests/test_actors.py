"""Who acts in a clause (dutytrace/nlp/actors.py), and the tags that belong to one kind of actor: an
enterprise's own failure to inspect is no evidence of inadequate inspection by regulators."""

from __future__ import annotations

import pytest

from dutytrace.models import Chunk
from dutytrace.nlp.actors import ENTERPRISE, GOVERNMENT, ActorIndex
from dutytrace.nlp.codebook import load_codebook
from dutytrace.nlp.responsibility import tag_chunks

EN_DOC = ('Lianhu Jianfeng Construction Co., Ltd. (hereinafter "Jianfeng") built the tower. '
          "The hub is operated by Korvel Parcel Logistics Ltd. ")
ZH_DOC = "恒远化工有限公司（以下简称恒远公司）位于园区内。县应急管理局（以下简称县应急局）负责监管。"


@pytest.mark.parametrize("doc,lang,sentence,at,actor", [
    (EN_DOC, "en", "Jianfeng did not inspect the scaffold after the facade work began.", "did not", ENTERPRISE),
    (EN_DOC, "en", "Korvel did not ensure its controls were applied, did not supervise its managers.", "did not supervise", ENTERPRISE),
    (EN_DOC, "en", "Deng, officer of the Lianhu District Construction Safety Supervision Station, closed two "
                   "complaints without verification.", "without", GOVERNMENT),
    (EN_DOC, "en", "Lianhu District Construction Co., Ltd. did not inspect its scaffold.", "did not", ENTERPRISE),
    (EN_DOC, "en", "The bureau's inspections of the company's warehouse were perfunctory.", "perfunctory", GOVERNMENT),
    (EN_DOC, "en", "County inspections of the mine were superficial.", "superficial", GOVERNMENT),
    (EN_DOC, "en", "Inspections were superficial.", "superficial", None),
    (ZH_DOC, "zh", "县应急局对恒远公司的检查流于形式。", "流于形式", GOVERNMENT),
    (ZH_DOC, "zh", "恒远公司安全管理混乱，县应急局全年检查3次，均未深入现场。", "未深入", GOVERNMENT),
    (ZH_DOC, "zh", "恒远公司未对脚手架开展检查。", "未对", ENTERPRISE),
    (ZH_DOC, "zh", "区水务局排水管理所未到现场查看。", "未到", GOVERNMENT),
])
def test_actor_of_the_clause(doc, lang, sentence, at, actor):
    assert ActorIndex(doc, lang).actor_before(sentence, sentence.index(at)) == actor


def _tags(text: str, lang: str) -> dict:
    results, _ = tag_chunks([Chunk("c", "d", "case", 0, 1, 0, len(text), text)], lang, load_codebook(), "report")
    return {t.tag: t.score for t in results}


@pytest.mark.parametrize("lang,text", [
    ("en", "Jianfeng Construction Co., Ltd. (hereinafter \"Jianfeng\") erected the scaffold.\n"
           "6. Indirect causes\nJianfeng did not inspect the scaffold after the facade work began."),
    ("zh", "恒远化工有限公司（以下简称恒远公司）位于园区内。\n四、事故原因\n恒远公司未对储罐区开展检查。"),
])
def test_an_enterprise_failing_to_inspect_is_not_inadequate_inspection(lang, text):
    assert "inadequate_inspection" not in _tags(text, lang)
    regulator = text.replace("Jianfeng did", "The district bureau did").replace("恒远公司未对", "县应急管理局未对")
    assert _tags(regulator, lang).get("inadequate_inspection", 0) >= 0.6


def test_actor_in_a_user_codebook_is_checked(tmp_path):
    from dutytrace.errors import ConfigError

    bad = tmp_path / "cb.yaml"
    bad.write_text("tags:\n  - id: new_tag\n    actor: regulator\n    cues: {en: [x]}\n", encoding="utf-8")
    load_codebook.cache_clear()
    with pytest.raises(ConfigError, match="actor must be government or enterprise"):
        load_codebook(bad)


def test_people_act_for_the_body_of_their_post():
    from dutytrace.models import Accountability

    people = [Accountability("邵某某", "安全员", "恒达塑胶制品有限公司", None, "enterprise"),
              Accountability("麦某某", "防火监督员", "区消防救援大队", None, "industry_supervision"),
              Accountability("Chen Lili", "safety manager", None, None, "enterprise")]
    zh = ActorIndex("", "zh", people)
    s = "邵某某未到现场复核即签字销号。"
    assert zh.actor_before(s, s.index("未到")) == ENTERPRISE
    s = "麦某某据此在系统中销案，未到现场核实。"
    assert zh.actor_before(s, s.index("未到")) == GOVERNMENT
    en = ActorIndex("", "en", people)
    s = "Chen Lili had no authority over the maintenance department and did not follow up the items."
    assert en.actor_before(s, s.index("did not follow")) == ENTERPRISE
    s = "Qiu Haobo, supervisor at the Station, closed a rectification notice without verification."
    assert en.actor_before(s, s.index("without")) == GOVERNMENT


def test_the_actor_is_the_one_of_the_cues_verb():
    """A cue that starts at a regulator's name ("…大队…未发现") but whose verb is the investigators' own
    ("但调查组未发现") is nobody's failing."""
    text = "四、事故原因\n防火卷帘故障经消防救援大队责令改正后，商管公司申请了延期，但调查组未发现任何采购配件的记录。"
    assert "inadequate_inspection" not in _tags(text, "zh")
    assert _tags("四、事故原因\n消防救援大队在检查中未发现防火卷帘故障。", "zh").get("inadequate_inspection", 0) >= 0.6
