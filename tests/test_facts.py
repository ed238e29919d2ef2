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


# Place and enterprise boundaries. Made-up sentences; a title line with the report's own date comes first,
# as in a real report.
EN_HEAD = "Investigation Report on the Accident\nTown Investigation Team\n1 December 2022\n\n"


@pytest.mark.parametrize("body,expected", [
    # "No." and "Co., Ltd." inside the place do not end the sentence
    ("At about 08:15 on 4 June 2022 a tank burst in Workshop No. 3 of Lanford Dyeing Co., Ltd., 12 Riverside Road, "
     "Hexi Town, Lanford County, and two workers were killed.",
     "Workshop No. 3 of Lanford Dyeing Co., Ltd., 12 Riverside Road, Hexi Town, Lanford County"),
    # the place of a company named before it is what follows "in"
    ("At 02:10 on 9 May 2022 a fire broke out in the dryer room of Peiling Paper Co., Ltd. in Shangtang Village, "
     "Peiling County, Mao Province. Two people died.", "Shangtang Village, Peiling County, Mao Province"),
    # an explicit site sentence, with "No." inside it
    ("On 4 June 2022 a boiler exploded. The accident site is the boiler house, No. 12 Gongye Road, Xidu District. "
     "It was built in 2001.", "boiler house, No. 12 Gongye Road, Xidu District"),
    # a junction keeps its article and its "and"
    ("On 3 May 2022 a lorry struck two pedestrians at the junction of Mill Road and Kent Street, Harwick, killing one.",
     "the junction of Mill Road and Kent Street, Harwick"),
    # the phrase stops before the verb that follows it
    ("At about 04:00 on 6 June 2022 a tanker left the road at K45+200 in Linpu County, struck a barrier and burned.",
     "K45+200 in Linpu County"),
    # a kilometre post on a named road
    ("On 6 June 2022 a tanker crashed. The tanker hit the barrier at K45+200 on the Donghai Expressway, Linpu County "
     "section, at 90 km/h.", "K45+200 on the Donghai Expressway, Linpu County section"),
    # a place before the date, past a clause about a person ("who fell ...")
    ("The inspectorate reports on the death of Tom Reed, aged 31, who fell from a roof at the Almond Street depot, "
     "Farley Trading Estate, on the morning of 5 May 2022 and died in hospital.",
     "Almond Street depot, Farley Trading Estate"),
])
def test_en_location_boundaries(body, expected):
    assert extract_facts(EN_HEAD + body, "en", CB)["location"] == expected


@pytest.mark.parametrize("text,expected", [
    # with the province named, the place starts at the county; the equipment in the workshop is not part of it
    ("2021年3月5日9时许，位于南江省临安市平湖县工业园区三号路的华新化工有限公司二车间的1号反应釜发生爆炸，造成3人死亡。",
     "平湖县工业园区三号路的华新化工有限公司二车间"),
    # the place that opens the sentence wins over a later "在..." phrase
    ("2022年6月1日10时30分许，清水县柳河镇石桥村境内110千伏线路改造工程施工现场发生一起触电事故，一名工人在12号塔登塔作业时触电。",
     "清水县柳河镇石桥村境内110千伏线路改造工程施工现场"),
    # no time of day in the accident sentence
    ("2020年5月3日，一辆货车在平安县国道318线K12+300处侧翻，造成2人死亡。", "平安县国道318线K12+300处"),
])
def test_zh_location_boundaries(text, expected):
    assert extract_facts(text, "zh", CB)["location"] == expected


def test_enterprise_short_names_and_facilities():
    # the company, not its facility ("X Coal Mine of Y Co., Ltd.")
    text = EN_HEAD.replace("the Accident", "the Roof Fall at Dongfeng Coal Mine of Hexing Mining Co., Ltd.")
    assert extract_facts(text + "On 2 May 2022 a roof fell.", "en", CB)["enterprise"] == "Hexing Mining Co., Ltd."
    # a short name used without "hereinafter" (the first word that is not a place) and an abbreviation in brackets
    body = ("On 2 May 2022 a worker of Castor Labour Ltd died at the hub of Brookfield Haulage Ltd in Orwell City. "
            "Castor Labour Ltd. supplied him. Brookfield ran the hub. Brookfield had no heat plan. Brookfield managers "
            "knew it. Castor Labour Ltd did not check.")
    assert extract_facts(EN_HEAD + body, "en", CB)["enterprise"] == "Brookfield Haulage Ltd"
    body = ("On 2 May 2022 a trench collapsed. Orwell Water Ltd (OW) was the client and Dray & Finch Civils Ltd "
            "(D&F) the contractor. Orwell Water Ltd paid. D&F dug the trench. D&F had no shoring. D&F was warned.")
    assert extract_facts(EN_HEAD + body, "en", CB)["enterprise"] == "Dray & Finch Civils Ltd"
    # a works without a registered company name: the title's opening name
    zh = "平川县东沟煤矿“3.5”透水事故调查报告2019年5月1日一、基本情况2019年3月5日8时许，东沟煤矿井下发生透水事故。"
    assert extract_facts(zh, "zh", CB)["enterprise"] == "平川县东沟煤矿"


def test_casualty_table_cells_are_not_counts():
    """A casualty table's rows end in a number and "Dead" ("tenant of Flat 402 Dead"): the report's own
    count wins, also where it is interrupted ("Four children, aged four to six, died")."""
    text = ("On 14 January 2024 a gas heater leaked. 5. Casualties and loss Two persons died and one was slightly "
            "injured. Name Sex Age Post Outcome He Lijuan F 24 Shop assistant, tenant of Flat 402 Dead "
            "Shao Yun F 26 Nursing assistant, tenant of Flat 402 Dead Ma Chunlin M 46 Offal processing worker Died")
    f = extract_facts(text, "en", CB)
    assert (f["fatalities"], f["injuries"], f["grade"]) == (2, 1, "general")
    text = ("On 19 November 2024 a van overturned. Four children, aged four to six, died of head injuries. "
            "No Name Age Post Outcome 1 Liang Xinyue 5 Pupil Dead")
    assert extract_facts(text, "en", CB)["fatalities"] == 4
