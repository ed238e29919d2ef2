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


# -- fourth round: general rules for a measures part and its addressee (issue 19, after measures_blind2) ------
# Each text below was written for these tests; none is taken from the corpus.

def test_order_lead_with_chapter_numbered_entries_and_the_addressee_named_in_the_header():
    text = ("某县住房和城乡建设局\n安全隐患责令整改通知书\n"
            "施工单位：某某建工有限公司\n监理单位：某某工程监理有限公司\n"
            "经检查，发现以下隐患：\n（1）卸料平台限重牌缺失；\n（2）外架剪刀撑不连续。\n"
            "上述第（1）项已于当日整改完毕。\n"
            "针对上述问题，责令你单位：\n"
            "一、外架剪刀撑按方案补设，由专业架子工施工，整改期限：2026年3月10日前。\n"
            "二、监理单位对整改情况逐项复查并出具复查意见。\n"
            "三、对项目部处以罚款人民币二万元。\n"
            "你单位应在整改完成后将整改回复单报送我局。\n"
            "签发日期：2026年3月1日\n")
    ms = items(text, "zh")
    # findings, the sanction and the duty to reply are no items; the agent of a sub-task (由专业架子工) is not
    # the one ordered; the role names the party the header gives it
    assert [m.measure[:6] for m in ms] == ["外架剪刀撑按", "监理单位对整"]
    assert [m.body for m in ms] == ["某某建工有限公司（你单位）", "某某工程监理有限公司（监理单位）"]
    assert ms[0].deadline == "2026-03-10"


def test_announcing_lead_in_a_letter_and_its_addressee_line():
    text = ("某区人民法院\n司法建议书\n"
            "某区应急管理局：\n"
            "本院在审理一起重大责任事故案件中发现如下问题。\n"
            "为预防类似事故，本院建议：\n"
            "1. 某区应急管理局对辖区家具作坊开展一次专项检查，建立监管台账。\n"
            "2. 会同街道对出租厂房的承租人资质进行审查。\n"
            "请于收到本建议书之日起两个月内将采纳落实情况书面回复本院。\n")
    ms = items(text, "zh")
    assert [m.measure[:8] for m in ms] == ["某区应急管理局对", "会同街道对出租厂"]
    assert ms[0].body == "某区应急管理局"


def test_entries_addressed_to_a_body_with_circled_sub_entries():
    text = ("六、整改要求\n"
            "1. 对某某仓储有限公司：\n"
            "① 修复全部叉车倒车报警器，损坏的一律停用。\n"
            "② 在库区施划人行通道，实行人车分流。\n"
            "2. 对区交通运输局：\n"
            "① 会同区应急管理局于2026年9月30日前开展一次场内车辆专项整治。\n")
    ms = items(text, "zh")
    assert [m.measure[:6] for m in ms] == ["修复全部叉车", "在库区施划人", "会同区应急管"]
    assert [m.body for m in ms] == ["某某仓储有限公司", "某某仓储有限公司", "区交通运输局; 区应急管理局"]


def test_yi_yao_entries_over_several_sentences_in_one_paragraph():
    text = ("关于两起违规作业问题的通报\n"
            "上述问题警示我们，各级党组织要以案为鉴。一要提高政治站位。把安全生产摆在突出位置，定期专题研究。"
            "二要压实监管责任。各主管部门要对隐患排查不走过场。三要严肃追责问责。对失职失责的依规依纪严肃问责。\n")
    ms = items(text, "zh")
    # the third entry only holds people to account; each entry keeps its sentences after its title
    assert [m.measure for m in ms] == ["提高政治站位。把安全生产摆在突出位置，定期专题研究。",
                                       "压实监管责任。各主管部门要对隐患排查不走过场。"]
    assert ms[0].body == "各级党组织" and ms[1].body == "各主管部门"  # the lead's body when the entry names none


def test_news_authority_requires_a_party_clause_by_clause_and_a_reminder_to_the_trade_is_an_appeal():
    ms = traditional("勞工局已即時要求承建商暫停工地內所有吊運工序，並須檢查全部吊索具；同時，勞工局要求承建商於"
                     "7月5日前提交經修訂的吊運方案。\n此外，勞工局亦要求承建商在復工前為工人重新進行安全講解。\n"
                     "勞工局再次提醒建築業界，承建商必須確保吊運範圍已作圍封。\n")
    assert [m.body for m in ms] == ["承建商", "承建商", "承建商"]
    assert ms[1].deadline == "7月5日前"
    assert not any("圍封" in m.measure for m in ms)


def test_requirements_listed_after_guiding_words_take_the_party_that_must_comply():
    ms = traditional("勞工處向承建商發出暫時停工通知書。勞工處發言人表示，承建商必須符合通知書列明的規定，方可"
                     "恢復工作。有關規定包括：委派合資格人士檢查所有吊具；制訂吊運安全程序；及為吊運工人提供訓練。\n")
    assert [m.measure for m in ms] == ["委派合資格人士檢查所有吊具", "制訂吊運安全程序", "為吊運工人提供訓練。"]
    assert all(m.body == "承建商" for m in ms)


def test_role_named_party_of_an_inquest_report():
    ms = traditional("死者受僱於分判商永興棚架工程有限公司，總承建商為利達建築有限公司。陪審團建議：總承建商應在拆棚前"
                     "核實救生繩已安裝；以及分判商永興棚架應每年為棚工安排複修訓練。\n")
    assert [m.body for m in ms] == ["利達建築有限公司（總承建商）", "永興棚架工程有限公司（分判商）"]


def test_hse_schedule_steps_are_the_recipients_with_the_notices_remedy_date():
    text = ("IMPROVEMENT NOTICE\nName: Fernside Plastics Limited\nAddress: Unit 2, Hale Road\n"
            "I hereby require you to remedy the said contraventions by 30 June 2026 in the manner stated in the "
            "attached schedule.\n"
            "SCHEDULE\n"
            "1. Fit an interlocked guard to the in-running nip of the rolls on line 3.\n"
            "2. Assess the risks from all roll machinery on site and record the findings.\n"
            "NOTES\n1. You may appeal to an Employment Tribunal within 21 days.\n")
    ms = items(text, "en")
    assert [m.measure[:6] for m in ms] == ["Fit an", "Assess"]
    assert all(m.body == "Fernside Plastics Limited" and m.deadline == "2026-06-30" for m in ms)


def test_coroners_matters_of_concern_are_items_addressed_to_those_the_report_is_sent_to():
    text = ("REGULATION 28: REPORT TO PREVENT FUTURE DEATHS\n"
            "THIS REPORT IS BEING SENT TO:\n1. The Chief Executive, Marlow Freight Ltd\n"
            "1 CORONER\nI am the Assistant Coroner for the area.\n"
            "5 CORONER'S CONCERNS\n"
            "During the inquest the evidence revealed matters giving rise to concern. In my opinion there is a risk "
            "that future deaths will occur unless action is taken.\n"
            "The MATTERS OF CONCERN are as follows:\n"
            "1. There was no written procedure for coupling trailers at night.\n"
            "2. Drivers had not been trained to check the locking jaw.\n"
            "6 ACTION SHOULD BE TAKEN\n"
            "In my opinion action should be taken to prevent future deaths and I believe you have the power to take "
            "such action.\n"
            "7 YOUR RESPONSE\nYou are under a duty to respond to this report within 56 days.\n")
    ms = items(text, "en")
    assert [m.measure[:12] for m in ms] == ["There was no", "Drivers had "]
    assert all(m.body == "Marlow Freight Ltd" for m in ms)


def test_jury_recommendations_under_to_headings_with_numbered_entries():
    text = ("VERDICT OF CORONER'S JURY\nCause of death: crush injuries\n"
            "The jury makes the following recommendations:\n"
            "To the Ministry of Labour:\n1. Review the training standard for telehandler operators.\n"
            "2. Publish a hazard alert on telehandlers near trenches.\n"
            "To Kilbride Construction Inc.:\n3. Enforce an exclusion zone around every suspended load.\n")
    ms = items(text, "en")
    assert [m.body for m in ms] == ["the Ministry of Labour", "the Ministry of Labour", "Kilbride Construction Inc."]


def test_settlement_colon_list_and_summary_list_lending_its_body():
    ms = items("As part of a settlement agreement, the company agreed to: install guardrails at every floor opening; "
               "hire a safety consultant to audit the plant; and train all employees in fall hazards.\n", "en")
    assert [m.body for m in ms] == ["the company"] * 3 and len(ms) == 3
    face = ("SUMMARY\nA worker died when a limb fell. To prevent deaths like this, investigators concluded that "
            "employers should:\n- Establish a drop zone that no worker enters.\n- Train all workers in tree hazards.\n"
            "RECOMMENDATIONS\n"
            "Recommendation #1: Establish and enforce a drop zone that no worker enters during cutting.\n"
            "Recommendation #2: Train all workers, including new ones, in tree care hazards.\n")
    ms = items(face, "en")
    assert [m.measure[:9] for m in ms] == ["Establish", "Train all"] and all(m.body == "employers" for m in ms)


def test_company_abbreviation_and_infinitive_entries_name_their_body_and_noted_is_no_requirement():
    text = ("VII. Prevention and Rectification Measures\n"
            "(1) Ruifeng Metal Co., Ltd. shall fit explosion vents to its dust collector.\n"
            "(2) Supervision of dust enterprises: the County Emergency Management Bureau to inspect each of them "
            "twice a year.\n"
            "It should be noted that the company had already cleaned the ducts in April.\n")
    ms = items(text, "en")
    assert [m.body for m in ms] == ["Ruifeng Metal Co., Ltd.", "the County Emergency Management Bureau"]


def test_recommendations_and_orders_reported_in_english_news():
    text = ("Jury calls for telehandler testing\n"
            "The jury found the death accidental. It recommended that the Ministry of Labour require a practical "
            "test before any operator is certified, and that employers designate a signaller for every blind lift.\n"
            "\"We hope these changes save lives,\" said the victim's sister. The jury declined to recommend a ban on "
            "night work.\n"
            "OSHA ordered the company to correct the hazards by 20 March 2026.\n"
            "The firm's own policy required that only electricians open live panels, but nobody enforced it.\n")
    ms = items(text, "en")
    assert [m.body for m in ms] == ["the Ministry of Labour", "employers", "the company"]
    assert ms[2].deadline == "2026-03-20"


def test_measures_section_sentences_that_open_with_a_body_and_an_action_without_a_modal():
    text = ("六、防范措施\n"
            "某某金属制品有限公司全面清理车间积尘，建立每日清扫记录。\n"
            "某某金属制品有限公司为除尘器加装泄爆片。\n"
            "县应急管理局将涉粉企业纳入重点执法计划。\n"
            "县工信局指导抛光企业开展技术改造。\n"
            "某某金属制品有限公司已于4月更换除尘风机。\n")
    ms = items(text, "zh")
    assert [m.body for m in ms] == ["某某金属制品有限公司", "某某金属制品有限公司", "县应急管理局", "县工信局"]


def test_matters_of_concern_give_way_to_the_actions_a_coroner_states():
    text = ("5 CORONER'S CONCERNS\n"
            "The MATTERS OF CONCERN are as follows.\n"
            "(1) There was no permit system for entering the silo.\n"
            "(2) Workers entered the silo alone.\n"
            "I was told that the company has since fitted an isolator.\n"
            "6 ACTION SHOULD BE TAKEN\n"
            "In particular:\n"
            "(a) Fenwick Feeds Ltd should introduce a permit-to-work system for silo entry.\n"
            "(b) Fenwick Feeds Ltd should provide a trained attendant for every entry.\n")
    ms = items(text, "en")
    assert [m.measure[:20] for m in ms] == ["Fenwick Feeds Ltd sh"] * 2
    alone = items(text.split("6 ACTION")[0], "en")  # with no actions stated, the concerns are the items
    assert [m.measure[:12] for m in alone] == ["There was no", "Workers ente"]


def test_sanctions_proposed_in_an_english_list_are_no_measures():
    text = ("The investigation team recommends:\n"
            "- Li Wei, director of the park safety bureau, to be given a serious warning within the Party.\n"
            "- Zhou Min, inspector, to be dismissed from his post.\n")
    assert items(text, "en") == []


def test_terms_written_as_running_to_a_date_the_end_of_this_month_or_the_same_as_before():
    text = ("责令限期整改指令书\n某某建材有限公司：\n现责令你公司：\n"
            "1.补足专职安全管理人员，人员名单报我局，限期至2026年1月20日。\n"
            "2.对全体员工进行安全培训，整改期限同前项。\n"
            "3.各班组在本月底前完成一次应急演练。\n")
    ms = items(text, "zh")
    assert [m.deadline for m in ms] == ["2026-01-20", "2026-01-20", "本月底前"]


def test_entries_that_are_only_a_title_over_numbered_lines_and_a_title_over_a_paragraph():
    text = ("七、事故防范和整改措施\n"
            "（一）强化建设单位首要责任。\n"
            "1.建设单位要依法将工程发包给具备资质的施工单位。\n"
            "2.建设单位要足额支付安全文明施工措施费。\n"
            "（二）严格现场管理。\n"
            "1.施工单位要编制深基坑专项方案并组织论证。\n"
            "2.施工单位要对支护结构进行实时监测。\n"
            "3.监理单位要对危大工程实施专项巡视。\n"
            "（三）强化行业监管。\n"
            "市住建局要开展危大工程专项整治。\n")
    ms = items(text, "zh")
    # the numbering that starts again at 1 is the finer level: one item per numbered line; the last title's
    # text is the paragraph after it
    assert [m.body for m in ms] == ["建设单位", "建设单位", "施工单位", "施工单位", "监理单位", "市住建局"]
    assert ms[-1].measure == "强化行业监管。市住建局要开展危大工程专项整治。"


def test_a_paragraph_listing_findings_is_no_list_of_requirements_and_recommending_that():
    text = ("关于某厂火灾的情况通报\n"
            "经调查，事故暴露出以下问题：一是企业未开展培训；二是消防设施缺失；三是检查流于形式。\n"
            "会议要求，一是各企业要立即开展消防检查；二是各乡镇要加强巡查。\n")
    assert [m.body for m in items(text, "zh")] == ["各企业", "各乡镇"]
    ms = items("OSHA issued a hazard alert letter recommending that the company evaluate its lockout procedures.\n",
               "en")
    assert [(m.measure, m.body) for m in ms] == [("the company evaluate its lockout procedures.", "the company")]


def test_a_procuratorates_suggestion_part_its_addressee_and_its_signature():
    text = ("某县人民检察院\n检察建议书\n某县应急管理局：\n"
            "本院在办理一起重大责任事故案中发现你局监管存在漏洞。\n"
            "三、检察建议\n"
            "（一）对辖区小型加工企业开展一次全面排查，建立监管台账。\n"
            "（二）会同市场监管部门对无证经营作坊依法处置。\n"
            "请你局自收到本建议书之日起两个月内将整改落实情况书面回复本院。\n"
            "某县人民检察院\n2026年1月5日\n")
    ms = items(text, "zh")
    # the part is named for its kind of recommendation; the reply, its term and the signature are no part of it
    assert [(m.measure, m.body, m.deadline) for m in ms] == [
        ("对辖区小型加工企业开展一次全面排查，建立监管台账。", "某县应急管理局", None),
        ("会同市场监管部门对无证经营作坊依法处置。", "某县应急管理局; 市场监管部门", None)]


def test_hong_kong_style_notice_requiring_lettered_measures_by_a_date():
    ms = traditional("勞工處\n敦促改善通知書\n致：宏基建築工程有限公司\n"
                     "本人認為你在上述工作地點違反了有關規例。\n"
                     "現要求你在2026年5月31日或之前，採取下列措施：\n"
                     "(a) 在所有工作平台邊緣設置穩固的護欄；\n"
                     "(b) 為所有在高處工作的工人提供安全帶。\n"
                     "任何人士不遵從本通知書，即屬犯罪，可處罰款。\n")
    assert [m.measure[:6] for m in ms] == ["在所有工作平", "為所有在高處"]
    assert all(m.body == "宏基建築工程有限公司（你）" and m.deadline == "2026-05-31" for m in ms)


def test_an_orders_entries_that_sanction_and_orders_to_pay_are_no_measures():
    text = ("检查组意见\n针对以上问题，检查组要求：\n"
            "1.镇政府对辖区非法生产窝点开展全面清查。\n"
            "2.建议由县纪委对镇安监站站长进行诫勉谈话。\n"
            "3.县纪委监委要加强对安全监管履职的监督。\n"
            "4.县应急管理局对作坊业主处以罚款五万元。\n")
    assert [m.body for m in items(text, "zh")] == ["镇政府", "县纪委监委"]
    en = ("The court ordered the company to pay $50,000 in compensation. The judge ordered the firm to be wound up. "
          "An inspector ordered the contractor to stop all work at height until guardrails were fitted.\n")
    assert [m.body for m in items(en, "en")] == ["the contractor"]


def test_heading_forms_of_a_schedule_and_of_a_coroners_concerns():
    from dutytrace.nlp.measures import _is_measure_title

    assert all(_is_measure_title(t, "en") for t in ("SCHEDULE", "Schedule 1 of 1", "Schedule to Improvement Notice I/77",
                                                    "CORONER’S CONCERNS", "MATTERS OF CONCERN"))
    assert not any(_is_measure_title(t, "en") for t in ("Schedule of works", "Concerns raised by the family"))


def test_a_settlements_bulleted_terms_after_agreed_to():
    text = ("US Department of Labor reaches settlement with a grain cooperative\n"
            "OSHA cited the cooperative for 11 serious violations. Under the settlement, the cooperative will pay "
            "$250,000 in penalties and has agreed to:\n"
            "- hire an independent safety consultant to audit all of its sites;\n"
            "- install lifelines at every bin entry point;\n"
            "- train all employees in bin entry procedures within 90 days.\n"
            "\"No worker should die in a grain bin,\" said the Regional Administrator.\n")
    ms = items(text, "en")
    assert [m.measure[:7] for m in ms] == ["hire an", "install", "train a"]
    assert all(m.body == "the cooperative" for m in ms) and ms[2].deadline == "within 90 days"


def test_news_of_an_authoritys_notice_one_item_per_body_it_turns_to():
    text = ("记者从市应急管理局获悉，市安委办日前下发紧急通知，要求各区立即开展有限空间作业专项检查；"
            "各燃气经营企业要在6月底前完成一轮入户安检；市住建局要督促在建工地落实作业审批制度。\n"
            "据了解，今年以来全市已累计检查企业1200余家。\n")
    ms = items(text, "zh")
    assert [m.body for m in ms] == ["各区", "各燃气经营企业", "市住建局"]
    assert ms[1].deadline == "6月底前"


def test_after_a_cue_a_body_and_an_action_without_a_modal_and_never_what_the_author_will_do():
    text = ("县政府召开安全生产紧急会议，通报了事故情况。\n"
            "会议要求，各乡镇立即开展一次地毯式隐患排查。县应急管理局牵头组织专项执法检查。"
            "县住建局对全县在建工地开展一次全覆盖检查。省应急管理厅将对整改落实情况进行跟踪督导。\n"
            "会上，县应急管理局通报了今年以来的安全生产形势。\n")
    assert [m.body for m in items(text, "zh")] == ["各乡镇", "县应急管理局", "县住建局"]


def test_recommendations_in_the_subjunctive_one_a_line_under_a_lead_or_a_heading():
    lead = ("The jury makes the following recommendations:\n"
            "That the Department of Mines review its guideline on haul road bund heights.\n"
            "That mine operators ensure every light vehicle in an active pit carries a radio.\n"
            "The coroner thanked the jury.\n")
    heading = "RECOMMENDATIONS\n" + "\n".join(lead.splitlines()[1:3]) + "\n"
    for text in (lead, heading):
        assert [m.body for m in items(text, "en")] == ["the Department of Mines", "mine operators"]


# -- English requirement forms the rules missed (issue 19): action rows, an authority in the first person, "will
# require", labelled orders and citations; and the near misses that are no items. Sentences invented for these tests.
def test_action_table_rows_role_to_verb_each_an_item_with_role_and_due_date():
    text = ("Harbourline Foods - Incident Review HR-77\nReport issued: 2 March 2026\n"
            "5. Causes\nThe guard on the slicer had been removed during cleaning.\n"
            "6. Actions\n"
            "Action 1 - Maintenance Manager (North) to refit interlocked guards on all slicers. Due: 30 April 2026.\n"
            "Action 2 - Quality Director to revise the cleaning procedure to require isolation. Due: 15 May 2026.\n"
            "Action 3 - Brightclean Services to retrain its cleaners in lockout. Due: 1 June 2026.\n"
            "Actions will be tracked in the site action register until closed.\n"
            "7. Sign-off\nApproved: Site Director\n")
    ms = items(text, "en")
    assert [m.body for m in ms] == ["Maintenance Manager (North)", "Quality Director", "Brightclean Services"]
    assert [m.deadline for m in ms] == ["2026-04-30", "2026-05-15", "2026-06-01"]
    assert ms[0].measure.startswith("Maintenance Manager (North) to refit")
    assert not any("tracked" in m.measure for m in ms)


def test_authority_in_the_first_person_directs_asks_and_calls_on_bodies():
    text = ("OFFICE OF THE GOVERNOR\nStatement on the Millbrook bridge failure\n"
            "\"Last night part of the Millbrook footbridge gave way and three people were hurt.\n"
            "\"First, I have directed the State Highways Department to close and inspect every footbridge of the same "
            "design within fourteen days.\n"
            "\"Second, I am directing the Inspector General to review how the bridge's inspection reports were handled.\n"
            "\"Third, I have asked the Attorney General to examine whether the maintenance contract was breached.\n"
            "\"Finally, I call on the Legislature to fund a bridge inspection unit in the next budget.\n"
            "\"I have asked residents to avoid the riverside path until further notice.\"\n")
    ms = items(text, "en")
    assert [m.body for m in ms] == ["the State Highways Department", "the Inspector General", "the Attorney General",
                                    "the Legislature"]
    assert ms[0].measure.startswith("I have directed the State Highways Department to close")
    assert not any("residents" in m.measure for m in ms)


def test_authority_will_require_a_party_and_a_party_will_be_required_to():
    text = ("Labour Inspectorate\nMedia Release\n4 May 2026\n"
            "1. The Inspectorate has completed its inspection after a worker fell from a roof at a depot run by "
            "Norrick Haulage Ltd.\n"
            "2. The Inspectorate will require Norrick Haulage Ltd to install edge protection on all depot roofs by "
            "30 June 2026.\n"
            "3. The Inspectorate will also require Norrick Haulage Ltd to train its maintenance staff in work at height.\n"
            "4. The Managing Director of Norrick Haulage Ltd will be required to present the company's safety plan to "
            "the Inspectorate.\n"
            "5. The roofing contractor has been fined $20,000 and may appeal within 14 days.\n"
            "6. The company has agreed to pay the worker's medical costs.\n")
    ms = items(text, "en")
    assert [m.body for m in ms] == ["Norrick Haulage Ltd", "Norrick Haulage Ltd",
                                    "The Managing Director of Norrick Haulage Ltd"]
    assert ms[0].deadline == "2026-06-30"
    assert ms[0].measure.startswith("The Inspectorate will require Norrick Haulage Ltd to install")


def test_labelled_orders_and_citations_party_shall_with_their_due_dates():
    text = ("Investigation Report\nReport date: 3 June 2026\n"
            "Citations and orders issued\n"
            "Citation No. 4411 - violation of the guarding standard. The conveyor tail pulley was not guarded.\n"
            "Action to terminate: The operator shall install a fixed guard on the tail pulley. Termination due: 06/20/2026.\n"
            "Order 2: The employer must provide fall arrest anchors on the loading gantry, by July 15, 2026.\n"
            "Order 3: The employer was ordered to pay a penalty of $8,000.\n"
            "Recommendations\n"
            "Quarry operators should review the guarding of every conveyor.\n")
    ms = items(text, "en")
    by = {m.measure[:30]: m for m in ms}
    assert "The operator shall install a f" in by and "The employer must provide fall" in by
    assert by["The operator shall install a f"].body == "The operator"
    assert by["The operator shall install a f"].deadline == "2026-06-20"
    assert "Termination due" not in by["The operator shall install a f"].measure
    assert by["The employer must provide fall"].deadline == "2026-07-15"
    assert not any("penalty" in m.measure for m in ms)
    assert any(m.measure.startswith("Quarry operators should review") for m in ms)


def test_near_misses_are_no_items():
    text = ("Company statement\n12 May 2026\n"
            "The manager failed to isolate the press before the die change.\n"
            "The supervisor did not check the permit.\n"
            "The company has agreed to pay compensation to the family.\n"
            "He was ordered to pay a fine of $5,000.\n"
            "The company has installed new guards on every press.\n"
            "The Board requests that recipients respond within 30 days.\n"
            "The plant will reopen to visitors next month.\n"
            "Due to the fire, access to the yard was closed.\n"
            "Report date: 12 May 2026\n")
    assert items(text, "en") == []
