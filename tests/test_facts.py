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


# --- other genres: news, press releases, narratives, notices, traditional script, scans ---------------

@pytest.mark.parametrize("sentence,deaths", [
    ("A 52-year-old welder died when a scaffold gave way at a depot on 3 June 2024.", 1),
    ("On 3 June 2024 a farmhand was fatally injured by a baler.", 1),
    ("The inquiry into the blast of 3 June 2024 found it resulted in the death of a driver.", 1),
    ("On 3 June 2024 a young apprentice lost his life in a grain bin.", 1),
    ("On 3 June 2024 a packer, Mr Ivo Brandl, was trapped and died at the scene.", 1),
    ("On 3 June 2024 the roof gave way. The victim was pronounced dead at the scene.", 1),
    ("On 3 June 2024 two deckhands went overboard. Both drowned.", 2),
    ("The firm was fined £250,000 after a cleaner was killed by a forklift on 3 June 2024.", 1),
])
def test_english_deaths_in_news_wording(sentence, deaths):
    assert extract_facts(sentence, "en", CB)["fatalities"] == deaths


def test_english_figures_of_other_accidents_and_ages_are_not_deaths():
    text = ("A 27-year-old roofer died on 9 May 2024 when he fell through a skylight in Rowton. "
            "Last year, 27 workers died in the sector, the regulator said.")
    f = extract_facts(text, "en", CB)
    assert f["fatalities"] == 1
    assert f["injuries"] == 0
    text = "On 9 May 2024 a scaffolder died and a co-worker suffered a broken leg at a site in Rowton."
    assert extract_facts(text, "en", CB)["injuries"] == 1


@pytest.mark.parametrize("sentence,deaths", [
    ("2024年3月4日，一辆货车侧翻，致1名工人死亡。", 1),
    ("2024年3月4日10时许，一名工人在检修时被卷入输送带，当场死亡。", 1),
    ("2024年3月4日，该厂一名工人从脚手架坠落，经抢救无效死亡。", 1),
    ("2024年3月4日，仓库发生火灾，死亡2人。", 2),
    ("2024年3月4日，吊具脱钩，钢卷砸中一名外包工人，致其死亡。", 1),
    ("2024年3月4日，厂房爆炸，造成3名工人及1名消防员死亡，另有2人受伤。", 4),
    ("2024年3月4日，罐车侧翻，造成驾驶员王某死亡，押运员及一名路人受伤。", 1),
])
def test_chinese_deaths_in_news_and_notice_wording(sentence, deaths):
    assert extract_facts(sentence, "zh", CB)["fatalities"] == deaths


def test_chinese_listed_injuries_and_regional_statistics():
    f = extract_facts("2024年3月4日，罐车侧翻，造成驾驶员王某死亡，押运员及一名路人受伤。", "zh", CB)
    assert (f["fatalities"], f["injuries"]) == (1, 2)
    text = ("2024年3月4日9时许，某建材厂一名工人在清理料仓时被埋，经抢救无效死亡。"
            "今年以来全省共发生工贸事故12起，死亡15人。")
    assert extract_facts(text, "zh", CB)["fatalities"] == 1
    assert extract_facts("2024年3月4日，2名脱险人员经检查未受伤，事故造成3人死亡。", "zh", CB)["injuries"] == 0


def test_dates_in_news_style():
    # the year from the text, the weekday and abbreviations
    text = "Posted 2024. A worker died on Tuesday 4 March at a yard in Kelso when a load fell on him."
    assert extract_facts(text, "en", CB)["date"] == "2024-03-04"
    assert extract_facts("WENLOCK, KS – Two workers died on Aug. 21, 2024, in a grain bin.", "en", CB)["date"] == "2024-08-21"
    # the accident's date beats the dates of the investigation's later steps
    text = ("SUMMARY On May 14, 2024, a 42-year-old technician (the victim) was crushed by a press. "
            "NIOSH investigators visited the plant on June 4, 2024, and interviewed the plant manager.")
    assert extract_facts(text, "en", CB)["date"] == "2024-05-14"
    # Chinese numerals, the Republic of China's years, OCR's letters, a month-day with the year elsewhere
    assert extract_facts("案情涉及一宗於二〇二二年五月十六日發生的致命意外。", "zh", CB)["date"] == "2022-05-16"
    # (a traditional-script text reaches the reader in simplified characters: dutytrace/script.py)
    assert extract_facts("民国一一〇年八月十二日上午，两名劳工在槽内昏倒。", "zh", CB)["date"] == "2021-08-12"
    assert extract_facts("2O24年5月l4日10时许，养殖场发生中毒窒息事故。", "zh", CB)["date"] == "2024-05-14"
    text = "2024年工作总结。3月4日凌晨，城东工业园一间仓库发生火灾，造成2人死亡。"
    assert extract_facts(text, "zh", CB)["date"] == "2024-03-04"


def test_places_in_news_and_narratives():
    text = "BELLMONT, OH – A 27-year-old pipe layer died on June 18, 2024, when a trench collapsed on him."
    assert extract_facts(text, "en", CB)["location"] == "Bellmont, Ohio"
    text = ("Tree Trimmer Electrocuted by Power Line - Oregon  Oregon FACE Report 23OR014  SUMMARY  On July 11, 2023, "
            "a tree trimmer (the victim) was electrocuted while pruning a maple tree.")
    assert extract_facts(text, "en", CB)["location"] == "Oregon"
    text = "On 2 November 2023, a rigger was crushed by a wall panel at a Marrindale building site. He died later."
    assert extract_facts(text, "en", CB)["location"] == "Marrindale"
    text = "INSPECTION REPORT (Fatality)  Workplace: Tallis Timber Pty Ltd, Fenwick Road, Aldgrove  Date of incident: 02/10/2024"
    assert extract_facts(text, "en", CB)["location"] == "Fenwick Road, Aldgrove"
    zh = "新闻：将军澳一个住宅地盘去年三月九日发生致命工业意外，一名工人被钢筋击中，送院后不治。"
    assert extract_facts(zh, "zh", CB)["location"] == "将军澳一个住宅地盘"
    f = extract_facts("2022年12月19日11时25分，西湖区杏林路58号老街坊家常菜馆（个体工商户，以下简称菜馆）后厨发生爆炸，"
                      "造成1人死亡。", "zh", CB)
    assert f["enterprise"] == "老街坊家常菜馆"


# -- interview records (issue 15): the facts they state; their header's time and place are the interview's ----------
ZH_INTERVIEW = """询问笔录

时间：2024年6月5日14时10分至15时20分
地点：澄江县应急管理局二楼询问室
询问人：罗某、田某（澄江县“6·3”中毒窒息事故调查组）
记录人：田某
被询问人：龚某，男，46岁，澄江县裕丰食品有限公司生产部经理

问：6月3日下午污水池里发生了什么？
答：两个工人下去清淤，没有测气体就下去了，先下去的那个倒在里面，另一个下去救他也倒了，两个人都死亡了。
"""

EN_INTERVIEW = """RECORD OF INTERVIEW

Matter: Fatal incident, Bay 3, Tollard Road Recycling Centre, 14 March 2025
Date of interview: 18 March 2025, 09:30 to 10:40
Place: Meeting room, Harwell Borough Council offices
Interviewing officers: Inspector P. Marsh; Inspector D. Kaur
Interviewee: Owen Pryce, Yard Manager, Greyfield Waste Services Ltd

MARSH: Tell us what happened that morning.
PRYCE: The loading shovel reversed out of bay three and struck Tom Ellery. He died at the scene.
"""


def test_interview_records_give_the_facts_they_state():
    from dutytrace.nlp.facts import document_facts

    zh = document_facts(ZH_INTERVIEW, "zh", CB, "transcript")
    # the case's name dates the accident (the interview's year); the interview's own date and room are no facts of it
    assert zh["date"] == "2024-06-03"
    assert zh["enterprise"] == "澄江县裕丰食品有限公司"
    assert "询问室" not in (zh["location"] or "")
    assert zh["fatalities"] == 2
    en = document_facts(EN_INTERVIEW, "en", CB, "transcript")
    assert en["date"] == "2025-03-14" and en["location"] == "Bay 3, Tollard Road Recycling Centre"
    assert en["enterprise"] == "Greyfield Waste Services Ltd"
    assert en["fatalities"] == 1
    assert "Meeting room" not in (en["location"] or "")


def test_an_interview_without_a_stated_date_gets_none_not_the_interview_date():
    from dutytrace.nlp.facts import document_facts

    text = ("Interview Record\n\nDate and time: 5 September 2024, 09:30 to 10:35\nLocation: Meeting room, district bureau\n"
            "Person interviewed: Yang Rui, male, 39, production manager\n\n"
            "Q: When did you first learn that the guard on the mixer had been removed?\n\n"
            "A: In July, when the maintenance team told me on 12 July 2024.\n")
    facts = document_facts(text, "en", CB, "transcript")
    assert facts["date"] is None and facts["location"] != "Meeting room, district bureau"


def test_a_december_accident_asked_about_in_january_keeps_its_year():
    from dutytrace.nlp.facts import document_facts

    text = ("询问笔录\n\n时间：2025年1月6日9时\n地点：某县应急管理局\n询问人：张某（某县“12·28”火灾事故调查组）\n"
            "被询问人：李某，男，50岁\n\n问：你把当天的情况讲一下。\n答：那天晚上仓库起火了。\n")
    assert document_facts(text, "zh", CB, "transcript")["date"] == "2024-12-28"


def test_analyze_gives_an_interview_record_its_facts(tmp_path, settings_factory):
    from dutytrace.indexing import prepare

    path = tmp_path / "interview-pryce.txt"
    path.write_text(EN_INTERVIEW, encoding="utf-8")
    doc, _, analysis = prepare(path.read_bytes(), str(path), "t", path.name, settings_factory())
    assert doc.kind == "transcript"
    assert analysis.facts["date"] == "2025-03-14" and analysis.facts["fatalities"] == 1


def test_zh_enterprise_of_a_title_opening_with_guanyu():
    """A report titled "关于X公司……事故的调查报告": the enterprise is the company, without 关于 ("concerning")."""
    text = ("关于临江市宏远仓储有限公司“5·12”火灾事故的调查报告\n"
            "2023年5月12日14时，临江市宏远仓储有限公司3号库房发生火灾，造成2人死亡。")
    assert extract_facts(text, "zh", CB)["enterprise"] == "临江市宏远仓储有限公司"


# A title page that names the accident's date and place, then the issuer, then the report's own date on a
# line of its own, then the body (made-up reports).
TITLED = ("Report on the Scaffold Collapse of 3 March 2021 at Pier 4, Halden Wharf\nHalden Port Investigation Team\n"
          "9 July 2021\n\nSummary\n")


def test_a_title_naming_the_accident_keeps_its_place_apart_from_the_title_page_date():
    body = ("At about 15:20 on 3 March 2021 a scaffold tower collapsed at Pier 4, Halden Wharf, Quay Street, "
            "Marlow District, and two riggers died.\n")
    f = extract_facts(TITLED + body, "en", CB)
    assert f["date"] == "2021-03-03"
    assert f["location"] == "Pier 4, Halden Wharf, Quay Street, Marlow District"  # the body's sentence, not the title's run-on


def test_the_title_page_date_is_not_the_accident_date():
    # the body dates the accident without a time of day: the title's date, not the title page's, is the accident's
    text = ("Investigation Report on the Gas Leak Accident\nof 14 January 2020 at Dornby Cold Store\n"
            "Dornby Joint Investigation Team\n22 April 2020\n\nOverview\nDuring the night shift of 14 January 2020 "
            "ammonia escaped from a valve in the engine room, and one fitter died.\n")
    assert extract_facts(text, "en", CB)["date"] == "2020-01-14"
    # a title that names no date: the body's first sentence, just after the title page's date, gives it
    text = (EN_HEAD + "A tank burst on 4 June 2022 in Workshop No. 3 of Lanford Dyeing Co., Ltd., 12 Riverside Road, "
            "Hexi Town, and two workers were killed.\n")
    f = extract_facts(text, "en", CB)
    assert f["date"] == "2022-06-04"
    assert f["location"] == "Workshop No. 3 of Lanford Dyeing Co., Ltd., 12 Riverside Road, Hexi Town"
    zh = ("临江市“9·12”高处坠落事故调查报告\n临江市事故调查组\n2022年11月20日\n\n一、事故概况\n"
          "2022年9月12日，一名工人在临江市滨湖区滨湖路18号工地坠落死亡。\n")
    assert extract_facts(zh, "zh", CB)["date"] == "2022-09-12"


def test_a_place_only_the_title_gives_ends_with_the_title():
    text = ("Report on the Fall of 11 April 2017 at Block C, Pinecrest Estate\nCounty Investigation Team\n2 June 2017\n\n"
            "Preface\nA joiner fell from the roof and died. The team was formed the next day.\n")
    f = extract_facts(text, "en", CB)
    assert (f["date"], f["location"]) == ("2017-04-11", "Block C, Pinecrest Estate")


def test_a_place_phrase_stops_at_the_verb_after_it():
    text = (EN_HEAD + "On 18 May 2022 at 10:12, a blast on bench No. 5 of the Ashcombe Quarry, Renley Township, "
            "Oakham County, threw rock far beyond the warning line. One fragment killed a driver.\n")
    assert extract_facts(text, "en", CB)["location"] == "Ashcombe Quarry, Renley Township, Oakham County"


def test_a_title_naming_the_company_of_a_quarry_gives_the_company():
    text = ("Investigation Report on the Flyrock Accident of 2 May 2022 at the Ashcombe Quarry\nof Renley Stone Co., Ltd.\n"
            "Oakham County Investigation Team\n9 August 2022\n\nIntroduction\nOn 2 May 2022 a blast threw rock onto "
            "the access road and killed a driver.\n")
    assert extract_facts(text, "en", CB)["enterprise"] == "Renley Stone Co., Ltd."
