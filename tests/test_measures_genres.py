"""Rectification measures in the layouts of other writers (issue 19, item 1): notices with 工作要求 /
有关要求, requirements stated after a cue with no measures heading (会议要求，…, 以案为鉴, 下一步…将,
责令…, settlement terms), Taiwan- and Hong Kong-style traditional-script lists, chapters that mix lessons
and measures, a list followed by a sentence of another body, month-day deadlines, co-responsible bodies.
Every sentence here was written for these tests."""

from __future__ import annotations

from dutytrace.nlp.deadlines import deadline_of
from tests.test_measures import items, traditional
import datetime as dt


def test_notice_work_requirements_numbered_with_dates_and_signature():
    text = ("松原县安全生产委员会办公室\n关于加强汛期尾矿库安全管理的通知\n2025年6月3日\n"
            "各乡镇安委会，县安委会各成员单位：\n近日外省一座尾矿库发生溃坝，造成人员伤亡。\n"
            "二、工作要求\n"
            "1.县应急管理局要对全县尾矿库逐座开展汛前检查，于2025年6月30日前报送检查报告。\n"
            "2.各尾矿库企业应当落实24小时值班制度，严禁超量排放尾砂。\n"
            "3.请各乡镇安委会于7月10日前将下游居民转移预案报县安委办。\n"
            "松原县安全生产委员会办公室\n")
    ms = items(text, "zh")
    assert [m.body for m in ms] == ["县应急管理局", "各尾矿库企业", "各乡镇安委会"]
    assert ms[0].deadline == "2025-06-30"
    assert ms[2].deadline == "7月10日前" and ms[2].due == "2025-07-10"  # the notice's year
    assert all("办公室" not in m.measure for m in ms)  # the signature is not part of the last item


def test_meeting_requirements_in_news_split_by_semicolons_quotes_left_out():
    text = ("我县部署冬季消防安全工作\n"
            "12月1日，县政府召开冬季消防安全工作会议。会议指出，今冬火灾风险较高。\n"
            "会议要求，各乡镇要对独居老人住所开展用火用电检查；县消防救援大队要加强对“九小场所”的夜查；"
            "县民政局要督促养老机构配齐灭火器材。\n"
            "“大家一定要绷紧这根弦。”县长在会上说。\n"
            "会后，与会人员观看了警示教育片。\n")
    ms = items(text, "zh")
    assert [m.body for m in ms] == ["各乡镇", "县消防救援大队", "县民政局"]
    assert not any("绷紧" in m.measure or "指出" in m.measure for m in ms)


def test_lesson_paragraph_of_a_discipline_notice_without_the_sanctions():
    text = ("关于2起安全生产监管失职问题的通报\n"
            "一、某区应急管理局科员赵某某在检查中未发现企业违规储存危险化学品问题。赵某某受到政务警告处分。\n"
            "各级党组织要以案为鉴，督促党员干部认真履行监管职责。各级纪检监察机关要加强对监管部门履职情况的监督，"
            "对失职失责的严肃追责。\n")
    ms = items(text, "zh")
    assert [m.body for m in ms] == ["各级党组织", "各级纪检监察机关"]
    assert not any("赵某某" in m.measure for m in ms)


def test_next_steps_of_a_township_and_orders_of_a_decision():
    report = ("关于某村养殖场沼气池中毒事故的情况说明\n事故发生后，镇政府立即责令该养殖场停止使用沼气池。\n"
              "下一步，我镇将对全镇规模养殖场沼气设施开展排查。镇农业服务中心将在一个月内组织养殖户开展安全培训。\n"
              "特此说明。\n")
    ms = items(report, "zh")
    assert [(m.body, m.deadline) for m in ms] == [("我镇", None), ("镇农业服务中心", "一个月内")]
    decision = ("行政处罚决定书\n当事人：某某建材有限公司\n决定对你公司处以罚款人民币二十万元。\n"
                "同时，责令你公司于2025年5月31日前完成粉碎机防护罩的安装。\n")
    ms = items(decision, "zh")
    # the addressee ("你公司") is the party the decision names ("当事人："), with the words the order uses
    assert len(ms) == 1 and ms[0].body == "某某建材有限公司（你公司）" and ms[0].deadline == "2025-05-31"
    assert "罚款" not in ms[0].measure


def test_cues_are_not_read_when_the_document_has_a_measures_section():
    text = ("事故调查报告\n一、事故经过\n会议要求，各部门要全力做好善后工作。\n"
            "二、防范措施\n县交通运输局要加强对渡口的日常巡查。\n")
    ms = items(text, "zh")
    assert [m.body for m in ms] == ["县交通运输局"]


def test_traditional_lists_taiwan_and_hong_kong_given_back_in_their_characters():
    taiwan = ("某工廠勞工墜落致死災害調查\n三、災害防止對策\n"
              "1、雇主對於高度二公尺以上之作業場所，應設置護欄。（職業安全衛生設施規則）\n"
              "2、雇主應對新僱勞工實施安全衛生教育訓練。\n")
    ms = traditional(taiwan)
    assert [m.body for m in ms] == ["雇主", "雇主"]  # 雇 as written, though the text also writes 僱
    assert ms[1].measure == "雇主應對新僱勞工實施安全衛生教育訓練。"
    hong_kong = ("地盤吊運意外調查報告\n四、建議\n(a) 承建商應在吊運期間封鎖吊臂下方範圍。\n"
                 "(b) 業主須在招標時查核承建商的吊運安全計劃。\n")
    ms = traditional(hong_kong)
    assert [m.measure[:3] for m in ms] == ["承建商", "業主須"]
    assert [m.body for m in ms] == ["承建商", "業主"]


def test_only_the_measure_subsection_of_a_lessons_chapter():
    text = ("调查报告\n四、事故教训和整改\n（一）教训\n企业长期无人过问设备隐患。\n"
            "（二）整改措施\n县市场监管局要会同县应急管理局开展电梯安全专项检查。各物业企业应当每半月检查一次电梯。\n"
            "五、附件\n")
    ms = items(text, "zh")
    assert [m.measure[:6] for m in ms] == ["县市场监管局", "各物业企业应"]
    assert ms[0].bodies == ("县市场监管局", "县应急管理局")


def test_bullets_then_a_sentence_of_another_body_en():
    text = ("RECOMMENDATIONS\nEmployers should:\n- survey every silo for bridging before entry;\n"
            "- forbid entry while unloading equipment runs.\n"
            "Grain cooperatives should offer entry rescue training to member farms.\nREFERENCES\n")
    ms = items(text, "en")
    assert [m.body for m in ms] == ["Employers", "Employers", "Grain cooperatives"]
    assert ms[1].measure == "forbid entry while unloading equipment runs."


def test_coroner_report_action_section_and_settlement_terms():
    pfd = ("REPORT TO PREVENT FUTURE DEATHS\nCORONER'S CONCERNS\nThe crane had not been inspected.\n"
           "ACTION SHOULD BE TAKEN\nThe hire company should inspect every crane before each hire.\n"
           "YOUR RESPONSE\nYou must respond within 56 days of this report.\n")
    ms = items(pfd, "en")
    assert [m.body for m in ms] == ["The hire company"]
    release = ("Sawmill fined after worker killed\nInspectors found guards removed from the edger.\n"
               "Under the settlement, the sawmill must retain a safety consultant for two years. "
               "\"Guards save lives,\" the director said.\n"
               "The sawmill must also retrain all edger operators within 60 days.\n"
               "The company has 15 business days to contest the findings.\n")
    ms = items(release, "en")
    assert [m.measure for m in ms] == ["Under the settlement, the sawmill must retain a safety consultant for two years.",
                                       "The sawmill must also retrain all edger operators within 60 days."]
    assert ms[1].deadline == "within 60 days"


def test_work_requirements_title_and_reference_numbers_en():
    text = ("Notice on the Lessons of a Boiler Explosion (translation)\n"
            "Work Requirements\n"
            "1. The district market regulation bureaus shall inspect every boiler licence by 30 June 2025.\n"
            "2. Boiler users must not operate boilers without certified operators.\n")
    ms = items(text, "en")
    assert [m.deadline for m in ms] == ["2025-06-30", None]
    assert ms[1].body == "Boiler users"
    csb = ("RECOMMENDATIONS\n2025-01-I-OH-R1\nTo Ridgeway Foods: Install interlocks on every mixer lid.\n"
           "2025-01-I-OH-R2\nTo the Ohio Bureau of Workers' Compensation: Fund machine guarding grants.\n")
    ms = items(csb, "en")
    assert [m.body for m in ms] == ["Ridgeway Foods", "the Ohio Bureau of Workers' Compensation"]


def test_month_day_deadlines_without_a_year():
    base = dt.date(2024, 11, 6)
    assert deadline_of("于12月15日前报送", "zh", base) == ("12月15日前", "2024-12-15")
    assert deadline_of("须于九月底前完成", "zh", base) == ("九月底前", "2025-09-30")  # September has passed
    assert deadline_of("2025年3月底前完成", "zh", base) == ("2025-03-31", "2025-03-31")


def test_inline_heading_and_heading_with_a_colon():
    inline = ("情况报告\n一、基本情况。某村发生一起农房坍塌事故。\n"
              "二、整改措施。村委会要对全村危房逐户排查；乡规划建设办要在6月底前完成危房鉴定。\n"
              "三、其他情况。死者家属情绪稳定。\n")
    ms = items(inline, "zh")
    assert [m.body for m in ms] == ["村委会", "乡规划建设办"]
    assert ms[1].deadline == "6月底前" and not any("家属" in m.measure for m in ms)
    colon = ("情况说明\n下步工作打算：\n1、镇安办将对辖区烟花爆竹经营点逐一检查。\n2、各村应当劝导村民不在室内燃放。\n"
             "某镇人民政府\n")
    ms = items(colon, "zh")
    assert [m.body for m in ms] == ["镇安办", "各村"]


def test_top_level_numbers_as_entries_and_a_line_of_colons():
    text = ("某廠勞工感電災害調查\n：\n：：\n災害防止對策：\n"
            "一、雇主應於電焊機設置自動電擊防止裝置。使用前應確認其有效。\n"
            "二、雇主對電氣作業勞工，應使其接受必要之教育訓練。\n")
    ms = traditional(text)
    assert [m.measure for m in ms] == ["雇主應於電焊機設置自動電擊防止裝置。使用前應確認其有效。",
                                       "雇主對電氣作業勞工，應使其接受必要之教育訓練。"]


def test_recommendations_and_requests_at_the_end_of_an_informal_report():
    text = ("关于某村鱼塘溺水事故的情况说明\n县应急管理局：\n5月3日，一名儿童在无护栏的鱼塘边玩耍时落水身亡。\n"
            "经研究，提出如下意见：建议对鱼塘承包人依法追究责任；建议县农业农村局督促鱼塘经营者设置护栏和警示牌。"
            "请各村于5月20日前完成辖区鱼塘摸排。\n某镇人民政府\n")
    ms = items(text, "zh")
    assert [m.measure for m in ms] == ["建议县农业农村局督促鱼塘经营者设置护栏和警示牌。", "请各村于5月20日前完成辖区鱼塘摸排。"]
    assert [m.body for m in ms] == ["县农业农村局", "各村"] and ms[1].deadline == "5月20日前"
