"""Forms of rectification measures the extractor missed or over-read (issue 19, item 1, third round):
handling chapters that join the rectification, entries and sentences with no modal verb, Taiwan labour
inspection orders (…处并责令…), a Hong Kong inquest jury's recommendations in running text, a FACE summary
list read again in the Recommendations section, and a translated report's entries that hold people to
account. Every sentence here was written for these tests."""

from __future__ import annotations

from tests.test_measures import items, traditional


def test_handling_chapter_joined_with_rectification_keeps_bare_tasks_drops_sanctions_and_done_work():
    text = ("关于某镇“6·2”鱼塘增氧机触电事故的调查处理报告\n"
            "二、事故原因\n增氧机电源线破损，未安装漏电保护器。\n"
            "三、事故处理意见及整改措施\n"
            "（一）对镇农业服务中心主任许某某，建议给予政务警告处分。\n"
            "（二）在全镇养殖户中推行增氧设备漏电保护器安装登记。\n"
            "（三）对全镇鱼塘临时用电线路实行每半年一次的巡检。\n"
            "（四）死者家属已获得保险赔付。\n"
            "四、附件\n")
    ms = items(text, "zh")
    assert [m.measure[:8] for m in ms] == ["在全镇养殖户中推", "对全镇鱼塘临时用"]
    assert all(m.body is None for m in ms)


def test_bare_handling_heading_line_and_yi_shi_after_a_comma():
    text = ("关于某村晒场农机碾压事故的情况说明\n"
            "处理建议\n"
            "对村农机管理员周某某，建议乡党委对其诫勉谈话。针对此次事故，一是乡农机站逐户登记在用农机，"
            "8月31日前完成；二是在各村晒场设置农机限速标志；三是村委会已张贴了安全告示。\n"
            "某乡人民政府\n")
    ms = items(text, "zh")
    assert [m.body for m in ms] == ["乡农机站", None]
    assert ms[0].deadline == "8月31日前"
    assert not any("诫勉" in m.measure or "张贴" in m.measure for m in ms)


def test_measures_section_sentences_that_open_with_an_action_and_findings_left_out():
    text = ("四、整改措施\n"
            "立即更换烘干房全部老化电线，建立每日断电检查记录。对烘干房操作工进行消防器材使用培训。"
            "经核查，该厂仓库的消防通道保持畅通。该厂已于5月3日拆除了违规搭建的彩钢棚。\n")
    ms = items(text, "zh")
    assert [m.measure for m in ms] == ["立即更换烘干房全部老化电线，建立每日断电检查记录。",
                                       "对烘干房操作工进行消防器材使用培训。"]
    # a sentence about a result is still no item of its own ("检查结果将……")
    assert len(items("五、整改措施\n镇安办要开展复查。复查结果将张榜公布。\n", "zh")) == 1


def test_taiwan_inspection_orders_bing_zeling_and_ling_yaoqiu_headline_and_reminder_left_out():
    text = ("高雄市某紙器廠勞工遭裁切機切傷致死 勞檢處責令限期改善\n"
            "市府勞動檢查處調查發現，裁切機未設置雙手操作式安全裝置。勞檢處已令該機停止運轉，並責令雇主於七日內"
            "完成安全裝置的加裝。勞檢處並責令該廠每月對全部裁切機實施自動檢查。勞檢處另要求承攬人重新訂定"
            "安全衛生工作守則。\n"
            "勞檢處表示，雇主涉嫌違反職業安全衛生法，將移送地檢署偵辦。勞工局提醒，操作機械時勞工應保持專注。\n")
    ms = traditional(text)
    assert [m.body for m in ms] == ["雇主", "該廠", "承攬人"]
    assert ms[0].measure.startswith("並責令雇主於七日內") and ms[0].deadline == "七日內"
    assert not any("偵辦" in m.measure or "專注" in m.measure or "限期改善" == m.measure for m in ms)


def test_inquest_jury_recommendations_in_running_text():
    text = ("死因研訊昨日完成。陪審團一致裁定死者死於意外，並提出兩項建議，包括建議物業管理公司為天台水箱加裝"
            "上鎖的檢修門，以及建議機電工程署向業界發出水箱檢修的安全通告。陪審團又建議房屋署檢視轄下屋邨的"
            "天台圍欄高度。另外，陪審團認為承辦商應為每名工人提供防墮安全帶。\n"
            "勞工處表示，已就事件向承辦商提出檢控。\n")
    ms = traditional(text)
    assert [m.body for m in ms] == ["物業管理公司", "機電工程署", "房屋署", "承辦商"]
    assert ms[0].measure.endswith("檢修門") and ms[3].measure.startswith("承辦商應")
    listed = traditional("死因庭陪審團作出以下建議：承辦商應每日檢查吊船鋼纜；勞工處應加強對吊船工序的巡查。"
                         "陪審團亦建議當局研究修訂吊船規例。\n")
    assert [m.body for m in listed] == ["承辦商", "勞工處", "當局"]


def test_face_summary_list_read_once_and_discussion_without_label_left_out():
    summary = ("Recommendations:\n"
               "- Employers should lock out conveyors before clearing jams\n"
               "- Employers should fit emergency stop cords along conveyors\n"
               "INVESTIGATION\nThe conveyor had no pull cord.\n")
    full = ("RECOMMENDATIONS\n"
            "1. Employers should ensure that conveyors are locked out and their stored energy released before any "
            "worker clears a jam.\n"
            "Jams were cleared several times a day while the belt was running.\n"
            "2. Employers should fit emergency stop pull cords along the full length of every conveyor.\n"
            "3. Manufacturers should design conveyors so that jams can be cleared from outside the guard.\n")
    ms = items(summary + full, "en")
    assert [m.body for m in ms] == ["Employers", "Employers", "Manufacturers"]
    assert ms[0].measure.endswith("clears a jam.")  # the explanation on the next line is no part of it
    # a list that repeats nothing is kept
    other = items("Recommendations:\n- Owners should mark pits\n- Owners should cover pits\n" + full, "en")
    assert len(other) == 5


def test_translated_entries_holding_people_to_account_are_no_measures():
    text = ("IV. Recommendations\n"
            "1. Liu Wei, workshop director of Qinghe Chemical Co., Ltd., ordered the tank entry without a permit. "
            "He is suspected of the crime of major liability accident and has been detained by the county public "
            "security bureau.\n"
            "2. Chen Fang, safety officer, did not check the gas test. It is recommended that she be dealt with by "
            "the company according to its rules.\n"
            "3. Qinghe Chemical Co., Ltd. is recommended to be given an administrative penalty by the county "
            "emergency management bureau.\n"
            "4. The county emergency management bureau should inspect every confined space entry permit system in "
            "the county's chemical companies within three months.\n"
            "5. Chemical companies shall not allow entry into tanks until the atmosphere has been tested.\n")
    ms = items(text, "en")
    assert [m.body for m in ms] == ["The county emergency management bureau", "Chemical companies"]
    assert ms[0].deadline == "within three months"


def test_bodies_after_zecheng_and_not_a_distributive_word():
    ms = items("三、处理意见\n1.责成县交通局对全县渡口开展安全检查。\n2.逐船登记核发安全标识。\n", "zh")
    assert [m.body for m in ms] == ["县交通局", None]


def test_numbered_entries_inside_one_sentence_of_next_steps_keep_the_leads_body():
    text = ("关于某村水渠溺水事故的情况说明\n"
            "下一步，我乡将抓好以下几项工作：一是在沿渠各村增设防护栏和警示牌，10月底前完工；二是对放学时段实行"
            "护学巡查；三是乡水利站会同村委会建立渠道巡查台账。\n")
    ms = items(text, "zh")
    assert [m.body for m in ms] == ["我乡", "我乡", "乡水利站; 村委会"]
    assert ms[0].deadline == "10月底前" and ms[1].measure.startswith("对放学时段实行")


def test_inquest_jury_recommendations_listed_after_ruxia():
    ms = traditional("死因研訊完結，陪審團裁定死於意外。陪審團建議如下：一、學校應為實驗室加裝氣體洩漏警報；"
                     "二、教育局須向學校發出實驗室氣瓶存放指引。\n")
    assert [m.body for m in ms] == ["學校", "教育局"]


def test_translated_entries_bearing_responsibility_or_transferred_to_judicial_organs():
    text = ("V. Recommendations\n"
            "(1) Sun Li, manager of the depot, bears direct responsibility. It is recommended that the case be "
            "transferred to the judicial organs.\n"
            "(2) Ma Tao, section chief, bears supervisory responsibility. It is suggested that he be expelled from "
            "the Party.\n"
            "(3) Strengthen checks on forklift licences at logistics depots.\n")
    ms = items(text, "en")
    assert [m.measure for m in ms] == ["Strengthen checks on forklift licences at logistics depots."]


def test_handling_parts_with_fuze_and_a_negation_only_just_before_the_verb():
    text = ("四、处理意见\n"
            "1.乡安监站未及时开展汛前检查，建议对站长进行批评教育。\n"
            "2.由县交通局负责对全乡渡船逐一复核营运资格。\n"
            "3.对不符合安全条件的渡口实行临时封闭管理。\n")
    ms = items(text, "zh")
    assert [(m.measure[:6], m.body) for m in ms] == [("由县交通局负", "县交通局"), ("对不符合安全", None)]
