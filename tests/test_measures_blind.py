"""Rectification measures in layouts met in the blind tuning cases (issue 19, item 1): chapters numbered
with digits and entries numbered 7.1, 7.2 (Hong Kong usage) with its bodies (署, 承办商, 拥有人); deadlines
by quarter, in Chinese numerals, relative to the year and at the end of an English month; a sentence
that turns to another body after a comma; an accountability entry inside a requirements list; a lessons
paragraph that states failings; several CSB recommendations to one recipient under their numbers; an
English signature line. Every sentence here was written for these tests."""

from __future__ import annotations

import datetime as dt

from dutytrace.nlp.deadlines import deadline_of
from tests.test_measures import items, traditional


def test_digit_numbered_chapter_with_decimal_entries_in_traditional_script():
    text = ("大埔某工廠吊運事故調查報告\n"
            "1. 事故經過\n工人在吊運鋼板時被擊中，送院後不治。\n"
            "2. 調查結果\n吊索已嚴重磨損，吊運前沒有檢查。\n"
            "5. 建議\n"
            "5.1 工廠擁有人應為所有吊索建立登記冊，每月檢查一次。\n"
            "5.2 註冊吊運承辦商須在每次吊運前由合資格人員核對吊具。\n"
            "5.3 勞工處將於二〇二七年第一季發出吊運工作指引。\n"
            "6. 其他事項\n本報告的技術附錄須另行索取。\n")
    ms = traditional(text)
    assert [m.measure[:4] for m in ms] == ["工廠擁有", "註冊吊運", "勞工處將"]  # chapter 6 is not read
    assert ms[0].body == "工廠擁有人" and ms[1].body == "註冊吊運承辦商"
    assert ms[2].deadline == "二〇二七年第一季" and ms[2].due == "2027-03-31"


def test_a_digit_list_inside_a_measures_chapter_does_not_end_it():
    text = ("四、防范措施\n1.加强培训\n各企业要组织全员培训。\n2.完善制度\n各企业要修订操作规程。\n五、附则\n无。\n")
    ms = items(text, "zh")
    assert len(ms) == 2 and "修订操作规程" in ms[1].measure


def test_chinese_deadlines_by_quarter_numerals_and_relative_year():
    base = dt.date(2025, 10, 20)
    assert deadline_of("县住建局要在明年3月底前出台办法", "zh", base) == ("明年3月底前", "2026-03-31")
    assert deadline_of("各区要于今年十二月底前完成", "zh", base) == ("今年十二月底前", "2025-12-31")
    assert deadline_of("须于二〇二六年一月十五日前提交报告", "zh", base) == ("2026-01-15", "2026-01-15")
    assert deadline_of("于2026年上半年完成改造", "zh", base) == ("2026年上半年", "2026-06-30")
    assert deadline_of("第二季度召开了专题会议", "zh", base) == (None, None)  # a time, not a deadline


def test_english_deadline_at_the_end_of_a_month():
    assert deadline_of("The bureau shall finish the survey by the end of March 2027.", "en") == ("2027-03-31", "2027-03-31")


def test_a_sentence_that_turns_to_another_body_after_a_comma():
    text = ("会议要求，各燃气企业要立即排查老旧管线，市城管局要在11月底前完成用户安全检查，"
            "对整改不到位的一律停气。同时，各街道要组织入户宣传。\n")
    ms = items(text, "zh")
    assert [m.body for m in ms] == ["各燃气企业", "市城管局", "各街道"]
    assert ms[1].measure.endswith("一律停气。") and ms[1].deadline == "11月底前"


def test_a_comma_before_an_object_that_is_no_body_does_not_split():
    text = "五、整改措施\n各施工单位必须落实验收制度，脚手架应挂设验收牌，严禁未验先用。\n"
    ms = items(text, "zh")
    assert len(ms) == 1 and ms[0].body.startswith("各施工单位")


def test_an_accountability_entry_of_a_requirements_list_is_not_a_measure():
    text = ("三、工作要求\n"
            "（一）全面排查隐患。各县区要在一个月内完成辖区渣土车辆排查。\n"
            "（二）严肃追究责任。对这起事故，市安委会将挂牌督办，依法依规追究相关单位责任。\n"
            "（三）各县区要加强夜间执法检查。\n")
    ms = items(text, "zh")
    assert len(ms) == 2 and not any("挂牌督办" in m.measure for m in ms)


def test_a_lessons_section_stating_failings_gives_no_measure():
    text = ("五、事故教训\n项目部安全管理薄弱，动火审批制度没有落实，应急预案未建立。\n"
            "六、整改措施\n项目部要建立动火审批台账。\n")
    ms = items(text, "zh")
    assert [m.measure for m in ms] == ["项目部要建立动火审批台账。"]


def test_several_csb_recommendations_to_one_recipient_under_their_numbers():
    text = ("RECOMMENDATIONS\n\nTo Acme Coatings LLC:\n\n2026-01-I-TX-R1\n"
            "Install a flow alarm on every solvent transfer line.\n\n2026-01-I-TX-R2\n"
            "Train all operators on the revised transfer procedure.\n\n"
            "To the Texas Commission on Environmental Quality:\n\n2026-01-I-TX-R3\n"
            "Add solvent transfer checks to the permit inspection guide.\n")
    ms = items(text, "en")
    assert [m.measure[:7] for m in ms] == ["Install", "Train a", "Add sol"]
    assert [m.body for m in ms] == ["Acme Coatings LLC", "Acme Coatings LLC",
                                    "the Texas Commission on Environmental Quality"]
    assert not any("R1" in m.measure or "R2" in m.measure for m in ms)


def test_an_english_signature_line_ends_the_measures_section():
    text = ("V. Measures and Recommendations\n"
            "(1) The county safety bureau shall inspect every quarry by the end of May 2026.\n"
            "(2) Quarry operators must fence all benches above 5 metres.\n"
            "Investigation Team for the \"3.2\" Accident, Hefeng County\n")
    ms = items(text, "en")
    assert len(ms) == 2 and ms[1].measure.endswith("5 metres.") and ms[0].deadline == "2026-05-31"


def test_an_order_lists_its_requirements_under_the_addressee_without_modals():
    text = ("西河县应急管理局\n责令限期整改指令书\n"
            "河口建材有限公司：\n经查，你公司存在下列问题：\n"
            "1.2025年3月2日，搅拌站发生一起触电事故；\n2.电工未持证上岗。\n"
            "根据《安全生产法》有关规定，现责令你公司：\n"
            "1.于2025年4月1日前对搅拌站配电线路进行全面检修。\n"
            "2.于2025年4月15日前安排电工参加培训并取得特种作业操作证。\n"
            "整改完成前，相关配电设备不得投入使用。\n"
            "对上述违法行为，本局将另行依法处理。\n"
            "西河县应急管理局\n2025年3月10日\n")
    ms = items(text, "zh")
    assert [m.deadline for m in ms] == ["2025-04-01", "2025-04-15", None]
    # the addressee is the party the order's first line names, with the words the order uses
    assert [m.body for m in ms][:2] == ["河口建材有限公司（你公司）", "河口建材有限公司（你公司）"]
    assert ms[2].measure.startswith("整改完成前") and ms[2].body is None
    assert not any("指令书" in m.measure or "电工未持证" in m.measure or "另行" in m.measure for m in ms)


def test_an_authority_requires_a_named_party_and_an_appeal_is_not_an_item():
    text = ("勞工處跟進葵涌一宗致命工業意外\n"
            "勞工處已向涉事承建商發出暫時停工通知書。勞工處要求涉事承建商於十個工作日內提交吊運工序的風險評估，"
            "並暫停所有夜間吊運。倘有違規，勞工處會作出檢控。\n"
            "在暫時停工通知書撤銷前，涉事承建商須為所有吊運工人重新安排培訓。\n"
            "勞工處呼籲各承建商必須確保吊運機械由合資格人士操作。工人亦應時刻留意安全。\n")
    ms = traditional(text)
    assert [m.body for m in ms] == ["涉事承建商", "涉事承建商"]
    assert ms[0].deadline == "十個工作日內"
    assert not any("呼籲" in m.measure or "留意安全" in m.measure for m in ms)


def test_improvement_and_prohibition_notices_with_their_schedules_and_remedy_date():
    text = ("Notices served on Brookside Metals Ltd, Yard 2, following an injury on 4 May 2026.\n"
            "IMPROVEMENT NOTICE No. 7 (Section 21)\n"
            "I am of the opinion that you are contravening regulation 11 of the 1998 Regulations.\n"
            "Schedule to the notice: Brookside Metals Ltd shall fit fixed guards to both guillotines. "
            "You shall inspect the guards weekly and record each inspection.\n"
            "I hereby require you to remedy the said contraventions by 30 June 2026.\n"
            "PROHIBITION NOTICE No. 8 (Section 22)\n"
            "The press brake shall not be used until its light curtain has been repaired. This notice takes immediate effect.\n"
            "The company was later fined £20,000 and must pay costs.\n")
    ms = items(text, "en")
    assert [m.body for m in ms] == ["Brookside Metals Ltd", "You", "Brookside Metals Ltd"]
    assert [m.deadline for m in ms] == ["2026-06-30", "2026-06-30", None]
    assert ms[0].measure.startswith("Brookside") and not any("fined" in m.measure for m in ms)


def test_meeting_minutes_decided_items_listed_after_a_lead_line():
    text = ("市安委会第五次全体会议纪要\n会议听取了事故调查情况汇报。现纪要如下：\n"
            "会议认为，当前形势依然严峻。\n"
            "会议议定：\n"
            "（一）市交通运输局牵头，于12月31日前完成全市渡口安全评估。\n"
            "（二）市水利局负责，对病险水库逐座落实管护人员。\n"
            "出席：市安委会全体成员\n")
    ms = items(text, "zh")
    assert [m.body for m in ms] == ["市交通运输局", "市水利局"]
    assert ms[0].deadline == "12月31日前" and not any("形势" in m.measure for m in ms)


def test_taiwan_improvement_notice_items_take_the_notice_term_and_its_recipient():
    text = ("高雄市政府勞工局限期改善通知書\n受文者：南星機械股份有限公司\n"
            "主旨：經本局實施勞動檢查，發現違反職業安全衛生法規定，請於文到後14日內改善完畢。\n"
            "說明：\n一、貴公司衝剪機械未設置安全裝置。\n二、應改善事項如下：\n"
            "（一）衝剪機械應設置雙手操作式安全裝置。\n"
            "（二）於民國115年2月28日前完成操作人員安全衛生教育訓練。\n"
            "三、逾期未改善者，將依法處以罰鍰。\n")
    ms = traditional(text)
    assert [m.measure[:4] for m in ms] == ["衝剪機械", "於民國1"]
    assert [m.body for m in ms] == ["南星機械股份有限公司", "南星機械股份有限公司"]
    assert ms[0].deadline == "14日內" and ms[1].deadline == "2026-02-28"


def test_coroner_recommendations_in_the_subjunctive_name_their_body():
    text = ("RECOMMENDATIONS\nI make the following recommendations:\n"
            "1. That WorkSafe Tasmania review its guidance on quad bike rollover protection within six months.\n"
            "2. That farm owners in Tasmania ensure that every quad bike is fitted with a crush protection device.\n")
    ms = items(text, "en")
    assert [m.body for m in ms] == ["WorkSafe Tasmania", "farm owners in Tasmania"]
    assert ms[0].deadline == "within six months"


def test_chinese_bullets_of_a_hong_kong_case_summary():
    text = ("致命意外個案摘要\n意外經過\n一名工人在清洗水缸時昏迷，證實死亡。\n"
            "預防措施\n‧ 僱主應為密閉空間工作進行風險評估。\n‧ 僱主應確保工人入內前已測試空氣。\n")
    ms = traditional(text)
    assert [m.measure for m in ms] == ["僱主應為密閉空間工作進行風險評估。", "僱主應確保工人入內前已測試空氣。"]
    assert [m.body for m in ms] == ["僱主", "僱主"]


def test_an_authority_statement_that_requires_a_party_in_a_later_clause():
    text = ("桃園廠房火災 勞檢處勒令停工\n"
            "桃園市勞動檢查處表示，已對該廠發出停工處分，並已要求承攬商於復工前完成消防設備檢修。\n"
            "該廠去年也曾發生火警。\n")
    ms = traditional(text)
    assert len(ms) == 1 and ms[0].body == "承攬商" and ms[0].deadline == "復工前"
    assert ms[0].measure.startswith("並已要求") and "停工處分" not in ms[0].measure


def test_settlement_terms_after_a_cue_sentence_that_requires_nothing_itself():
    text = ("Under the terms of the settlement, Harbor Pallet Inc. will pay $95,000 in penalties. "
            "Harbor Pallet Inc. must also install guarding on all saws within 60 days.\n"
            "\"Nobody should lose a hand at work,\" the area director said.\n")
    ms = items(text, "en")
    assert [m.measure for m in ms] == ["Harbor Pallet Inc. must also install guarding on all saws within 60 days."]
    assert ms[0].deadline == "within 60 days"


def test_an_action_already_taken_before_the_list_is_not_a_measure():
    text = ("六、防范措施建议\n事故发生后，县政府已组织开展全县烟花爆竹企业专项检查，关停3家企业。\n"
            "（一）县应急管理局要督促企业完善防爆电气设施。\n（二）各乡镇要加强对非法生产窝点的排查。\n")
    ms = items(text, "zh")
    assert [m.body for m in ms] == ["县应急管理局", "各乡镇"]


def test_entries_numbered_yi_yao_and_roman_numerals():
    zh = ("会议要求，一要压实企业主体责任，各企业要在月底前完成自查；二要强化部门监管，县应急管理局要开展暗查暗访；"
          "三要严格追责问责，对瞒报事故的依法严惩。\n")
    ms = items(zh, "zh")
    assert len(ms) == 2 and ms[0].measure.startswith("压实企业主体责任") and ms[1].body == "县应急管理局"
    assert ms[0].body == "各企业"  # the third entry only holds people to account
    hk = ("建議\n(i) 承建商應在每個工作天開工前檢查棚架。\n(ii) 承建商須委派合資格人士監督拆卸工序。\n"
          "(iii) 屋宇署將更新棚架工作守則。\n")
    ms = traditional(hk)
    assert [m.measure[:4] for m in ms] == ["承建商應", "承建商須", "屋宇署將"]
    en = ("Recommendations\nThe coroner recommends that:\n(i) the State Government fund a review of farm vehicle rules;\n"
          "(ii) SafeWork SA publish a guide on tractor rollover protection.\n")
    assert len(items(en, "en")) == 2


def test_unnumbered_paragraphs_that_open_with_a_title_sentence_are_one_item_each():
    text = ("五、事故防范和整改措施\n\n"
            "深入推进粉尘涉爆专项整治。全面排查辖区涉粉作业企业，逐一核查除尘系统运行情况。\n\n"
            "严格动火作业管理。企业动火作业前，作业负责人必须进行现场安全确认。\n\n"
            "提升应急处置能力。定期组织应急演练，配齐应急救援装备。\n\n"
            "东岭县“6·2”爆燃事故调查组\n")
    ms = items(text, "zh")
    assert [m.measure[:4] for m in ms] == ["深入推进", "严格动火", "提升应急"]
    assert ms[0].body is None  # "除尘系统" is equipment, not a body


def test_sentences_of_one_paragraph_still_split_when_no_title_sentences():
    text = "六、整改措施\n区住建局要开展专项检查。各施工单位要落实验收制度。\n"
    assert [m.body for m in items(text, "zh")] == ["区住建局", "各施工单位"]


def test_the_set_words_of_a_prevention_of_future_deaths_report_are_no_item():
    text = ("4 ACTION SHOULD BE TAKEN\n"
            "In my opinion action should be taken to prevent future deaths and I believe you have the power to take such action.\n"
            "Kestrel Quarries Ltd should fit reversing cameras to every dump truck.\n"
            "5 YOUR RESPONSE\nYou are under a duty to respond to this report within 56 days.\n")
    ms = items(text, "en")
    assert [m.body for m in ms] == ["Kestrel Quarries Ltd"]


def test_plans_of_a_next_steps_section_are_stated_with_jiang():
    text = ("三、下一步工作\n我镇将进一步加强农村道路交通安全管理。镇交通安全办公室将在10月底前完成农用车登记。"
            "各村将组织劝导员上路值守。\n青石镇人民政府\n")
    ms = items(text, "zh")
    assert [m.body for m in ms] == ["我镇", "镇交通安全办公室", "各村"]
    # elsewhere 将 alone requires nothing: a measures section's narrative sentence stays with its item
    other = items("五、整改措施\n县应急局要开展检查。检查结果将向社会公布。\n", "zh")
    assert len(other) == 1


def test_hong_kong_departments_named_chu_are_bodies():
    ms = traditional("建議\n(i) 勞工處應加強對棚架工程的突擊巡查。\n(ii) 消防處須更新密閉空間救援指引。\n")
    assert [m.body for m in ms] == ["勞工處", "消防處"]
