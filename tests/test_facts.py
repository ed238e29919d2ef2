"""Report facts from small hand-written snippets (English and Chinese)."""

import pytest

from dutytrace.nlp.codebook import load_codebook
from dutytrace.nlp.facts import en_number, extract_facts, grade, zh_number

CB = load_codebook()

EN_REPORT = """Investigation Report on the "5.17" Boiler Explosion at Dunmore Steam Works Co., Ltd.
Dunmore County Accident Investigation Team
30 September 2021

1. Summary
At about 09:40 on 17 May 2021 a boiler exploded in the boiler house of Dunmore Steam Works Co., Ltd.
(hereinafter "Dunmore Steam"). Three workers were killed and twelve were injured. The direct economic
loss, assessed under GB 6721-1986, was CNY 4.2 million.
"""

ZH_REPORT = """青禾县宏达纸业有限公司“3.8”较大中毒窒息事故调查报告2020年6月30日
一、事故基本情况
2020年3月8日10时15分许，位于青禾县工业园区纬二路宏达纸业有限公司制浆车间的污水池发生一起中毒窒息事故，造成十二人死亡、两人受伤，直接经济损失1.25亿元。
"""


def test_accident_date_is_not_the_report_date():
    f = extract_facts(EN_REPORT, "en", CB)
    assert f["date"] == "2021-05-17"
    assert extract_facts(ZH_REPORT, "zh", CB)["date"] == "2020-03-08"


def test_number_words_and_loss_units():
    en = extract_facts(EN_REPORT, "en", CB)
    assert (en["fatalities"], en["injuries"]) == (3, 12)
    assert en["direct_loss"] == pytest.approx(4_200_000)
    assert en["accident_type"] == "explosion"
    assert en["enterprise"] == "Dunmore Steam Works Co., Ltd."
    zh = extract_facts(ZH_REPORT, "zh", CB)
    assert (zh["fatalities"], zh["injuries"]) == (12, 2)
    assert zh["direct_loss"] == pytest.approx(125_000_000)
    assert zh["accident_type"] == "asphyxiation_poisoning"
    assert zh["enterprise"] == "青禾县宏达纸业有限公司"
    assert zh["grade"] == "major"
    assert zh["location"].startswith("青禾县工业园区纬二路")


def test_loss_in_wanyuan_and_no_injuries():
    text = "2019年4月2日8时许，某仓库发生火灾，造成1人死亡，无人员受伤，直接经济损失356.7万元。"
    f = extract_facts(text, "zh", CB)
    assert f["direct_loss"] == pytest.approx(3_567_000)
    assert (f["fatalities"], f["injuries"], f["grade"]) == (1, 0, "general")
    en = extract_facts("On 2 March 2020 one worker died. No other person was injured. "
                       "The direct economic loss was USD 0.8 million.", "en", CB)
    assert (en["fatalities"], en["injuries"]) == (1, 0)
    assert en["direct_loss"] == pytest.approx(800_000)


@pytest.mark.parametrize("deaths,expected", [(None, None), (0, "general"), (2, "general"), (3, "larger"),
                                             (9, "larger"), (10, "major"), (29, "major"), (30, "especially_major")])
def test_grade_boundaries(deaths, expected):
    assert grade(deaths) == expected


def test_numbers():
    assert zh_number("十二") == 12 and zh_number("二十三") == 23 and zh_number("两") == 2 and zh_number("105") == 105
    assert en_number("three") == 3 and en_number("twenty-one") == 21 and en_number("1,204") == 1204
