"""Accountability from small hand-written snippets (English and Chinese)."""

from dutytrace.models import Chunk
from dutytrace.nlp.accountability import extract_accountability
from dutytrace.nlp.codebook import load_codebook

CB = load_codebook()


def chunks(text: str) -> list[Chunk]:
    return [Chunk("c0", "d", "case", 0, 1, 0, len(text), text)]


EN = """6. Causes
Zhao Min, a welder, said that nobody had checked the gas. The county Transport Bureau of Lanshan County
(hereinafter "the Bureau") had inspected the site in May.
7. Responsibility findings and handling recommendations
7.1 Persons recommended for transfer to the judicial organs. Chen Bo, general manager of Lanshan
Harbour Logistics Co., Ltd., ordered the work to go on. Liu Fang, the site foreman, removed the gas
detector. The public security organs have detained both.
7.2 Persons recommended for discipline. Mr. Wang Jun, deputy director of the Lanshan County Transport
Bureau, is recommended for a major demerit. Sun Li, chief of the safety section of the same bureau, is
recommended for a warning within the Party. Deng Ke, deputy county head of Lanshan County, is recommended
to make a written self-criticism. Hu Dan, a shift worker, died in the accident; no further action is proposed.
7.3 Lanshan Harbour Logistics Co., Ltd. is to be fined CNY 800,000.
8. Recommendations
Zhang Yi, the new manager, will train all staff.
"""

ZH = """四、事故原因
王某某称当天没有进行气体检测。
五、事故责任认定及处理建议
（一）建议移送司法机关的人员。1. 李某某，青禾县宏达纸业有限公司（以下简称宏达公司）总经理，违章指挥，涉嫌重大责任事故罪，建议移送司法机关处理。
（二）建议给予党纪政务处分的人员。2. 赵某，中共党员，青禾县应急管理局副局长，建议给予政务记大过处分。3. 青禾县人民政府副县长欧阳某某，建议给予警告处分。4. 钱某已在事故中死亡，不再追究。
（三）5. 宏达公司，依据《安全生产法》第一百一十四条，建议处以80万元罚款。
六、防范和整改措施
孙某某负责组织整改。
"""


def by_person(items):
    return {a.person: a for a in items}


def test_english_persons_posts_organisations_sanctions():
    got = by_person(extract_accountability(chunks(EN), "en", CB))
    assert got["Chen Bo"].sanction == "transfer_to_judicial_organs"
    assert got["Chen Bo"].role == "general manager"
    assert got["Chen Bo"].organisation == "Lanshan Harbour Logistics Co., Ltd."
    assert got["Chen Bo"].level == "enterprise"
    assert got["Liu Fang"].sanction == "transfer_to_judicial_organs"
    # the name without its courtesy title (issue 18 item 1: "Mr. Wang Jun" is shown as Wang Jun)
    assert got["Wang Jun"].sanction == "major_demerit"
    assert got["Wang Jun"].organisation == "Lanshan County Transport Bureau"
    assert got["Wang Jun"].level == "industry_supervision"
    assert got["Sun Li"].sanction == "warning"
    assert got["Deng Ke"].sanction == "ordered_self_examination" and got["Deng Ke"].level == "leadership"
    assert got["Lanshan Harbour Logistics Co., Ltd."].sanction == "fine"


def test_english_names_without_sanction_are_not_accountable():
    got = by_person(extract_accountability(chunks(EN), "en", CB))
    for name in ("Zhao Min", "Hu Dan", "Zhang Yi"):
        assert name not in got


def test_chinese_persons_posts_organisations_sanctions():
    got = by_person(extract_accountability(chunks(ZH), "zh", CB))
    assert got["李某某"].sanction == "transfer_to_judicial_organs"
    assert got["李某某"].role == "总经理"
    assert got["李某某"].organisation == "青禾县宏达纸业有限公司"
    assert got["赵某"].sanction == "major_demerit"
    assert got["赵某"].organisation == "青禾县应急管理局"
    assert got["赵某"].level == "comprehensive_supervision"
    assert got["欧阳某某"].sanction == "warning" and got["欧阳某某"].level == "leadership"
    assert got["青禾县宏达纸业有限公司"].sanction == "fine"


def test_chinese_names_without_sanction_are_not_accountable():
    got = by_person(extract_accountability(chunks(ZH), "zh", CB))
    for name in ("王某某", "钱某", "孙某某"):
        assert name not in got


def test_decision_is_read_whole():
    text = "关于给予周某某党内严重警告处分的决定\n周某某，男，1970年出生，青禾县交通运输局副局长。经查，其履职不力。决定给予周某某党内严重警告处分。"
    got = by_person(extract_accountability(chunks(text), "zh", CB))
    assert got["周某某"].sanction == "serious_warning"
    assert list(got) == ["周某某"]


def test_english_accountability_headings_in_other_words():
    """"VIII. Accountability" and "Nature of the accident and handling of those responsible" open the
    section as "Responsibility findings and handling recommendations" does."""
    body = ("1. Ding Wenbo, head of the safety department, is to be dismissed by the company. "
            "2. Yao Dingbang, head of the Mine Safety Section of the County Emergency Management Bureau, a major demerit.\n"
            "IX. Recommendations\nZhang Yi, the new manager, will train all staff.\n")
    for heading in ("VIII. Accountability", "VIII. Nature of the accident and handling of those responsible"):
        got = by_person(extract_accountability(chunks("VII. Causes\nThe roof fell.\n" + heading + "\n" + body), "en", CB))
        assert set(got) == {"Ding Wenbo", "Yao Dingbang"}, heading
        assert got["Yao Dingbang"].sanction == "major_demerit"


# --- issue 18: layouts, clean fields, levels, sanction codes, evidence -----------------------------

def pages(*texts: str) -> list[Chunk]:
    return [Chunk(f"c{i}", "d", "case", i, i + 1, 0, len(t), t) for i, t in enumerate(texts)]


def test_decision_title_is_not_a_post():
    """zh01: the title "…监察局关于给予陈某某…的决定" named the person; the post comes from their record."""
    text = ("中共沙河县纪律检查委员会 沙河县监察局关于给予陈某某开除党籍、开除公职处分的决定\n"
            "陈某某，男，1964年3月出生，大学学历，2011年4月起任沙河县安全生产监督管理局党组成员、副局长。"
            "经查，陈某某严重违反党的纪律，其行为涉嫌犯罪。决定给予陈某某开除党籍、开除公职处分，涉嫌犯罪问题移送司法机关依法处理。")
    got = by_person(extract_accountability(chunks(text), "zh", CB))
    chen = got["陈某某"]
    assert "关于" not in (chen.role or "") and chen.role == "党组成员、副局长"
    assert chen.organisation == "沙河县安全生产监督管理局"
    assert chen.level == "comprehensive_supervision"
    assert chen.sanction == "transfer_to_judicial_organs"


def test_management_committee_is_local_management():
    text = ("一、基本情况\n沙河县化工集中区管理委员会（以下简称管委会）负责区内企业安全监管。\n"
            "五、事故责任认定及处理建议\n8. 冯某，中共党员，管委会副主任，建议给予党内严重警告处分。\n"
            "9. 钱某某，管委会安全环保科科长，建议给予诫勉谈话。\n六、防范措施\n")
    got = by_person(extract_accountability(chunks(text), "zh", CB))
    # the committee's officer as the gold writes the post (管委会副主任, issue 18 item 1)
    assert got["冯某"].organisation == "沙河县化工集中区管理委员会" and got["冯某"].role == "管委会副主任"
    assert got["冯某"].level == "local_management" and got["冯某"].sanction == "serious_warning"
    assert got["钱某某"].level == "local_management" and got["钱某某"].sanction == "admonishment_talk"
    en = ("7. Responsibility findings and handling recommendations\n"
          "Ren Jiachen, deputy director of the Beiwan Chemical Industrial Park Management Committee in charge of safety, "
          "is recommended for a serious warning within the Party.\n8. Recommendations\n")
    ren = by_person(extract_accountability(chunks(en), "en", CB))["Ren Jiachen"]
    assert ren.level == "local_management"
    assert ren.organisation == "Beiwan Chemical Industrial Park Management Committee"
    assert ren.role == "deputy director in charge of safety"


def test_chinese_dui_gei_yu_and_judicial_and_party_warning_layouts():
    text = ("关于青禾县“5·12”事故有关责任人员处理意见的通报\n"
            "对青禾县应急管理局副局长赵某某给予政务记过处分。\n"
            "给予青禾县交通运输局局长孙某党内严重警告处分。\n"
            "建议由司法机关对宏达公司总经理李某某依法追究刑事责任。\n"
            "青禾县人民政府副县长周某某，分管安全生产，予以通报批评。\n")
    got = by_person(extract_accountability(chunks(text), "zh", CB))
    assert got["赵某某"].sanction == "demerit" and got["赵某某"].organisation == "青禾县应急管理局"
    assert got["赵某某"].role == "副局长" and got["赵某某"].level == "comprehensive_supervision"
    assert got["孙某"].sanction == "serious_warning" and got["孙某"].level == "industry_supervision"
    assert got["李某某"].sanction == "transfer_to_judicial_organs"
    assert got["周某某"].sanction == "circulated_criticism" and got["周某某"].level == "leadership"


def test_numbered_list_and_table_lines():
    text = ("六、对事故有关责任人员的处理建议\n"
            "（一）建议给予党纪政务处分的人员\n"
            "1. 吴某某，青禾县住房和城乡建设局副局长，建议给予政务记大过处分。\n"
            "2. 郑某，青禾县住房和城乡建设局质安站站长，责令作出书面检查。\n"
            "七、整改措施\n")
    got = by_person(extract_accountability(chunks(text), "zh", CB))
    assert got["吴某某"].sanction == "major_demerit" and got["吴某某"].role == "副局长"
    assert got["郑某"].sanction == "ordered_self_examination"
    assert got["郑某"].level == "industry_supervision"


def test_english_short_notice_names_two_people():
    text = ("Notice of sanctions\n"
            "John Carter, the deputy director of the Elm County Transport Bureau, was given a serious demerit. "
            "The team recommends that Mary Lowe, site manager of Elmfield Builders Ltd., be dismissed.")
    got = by_person(extract_accountability(chunks(text), "en", CB))
    assert set(got) == {"John Carter", "Mary Lowe"}
    assert got["John Carter"].role == "deputy director"
    assert got["John Carter"].organisation == "Elm County Transport Bureau"
    assert got["John Carter"].sanction == "major_demerit" and got["John Carter"].level == "industry_supervision"
    assert got["Mary Lowe"].sanction == "dismissal" and got["Mary Lowe"].level == "enterprise"


def test_english_simple_report_without_a_section_heading():
    text = ("Report on the fall at Riverside Depot\n"
            "On 3 May 2021 a worker fell through a roof light. Peter Hall, a colleague, called the ambulance.\n"
            "Tom Reed, the depot manager of Riverside Depot Ltd., was dismissed. "
            "Ann Bell, the safety officer of Riverside Depot Ltd., received a written warning.\n")
    got = by_person(extract_accountability(chunks(text), "en", CB))
    assert set(got) == {"Tom Reed", "Ann Bell"}
    assert got["Tom Reed"].sanction == "dismissal" and got["Ann Bell"].sanction == "warning"
    assert got["Ann Bell"].role == "safety officer" and got["Ann Bell"].organisation == "Riverside Depot Ltd."


def test_each_entry_carries_its_sentence_and_page():
    got = by_person(extract_accountability(pages(
        "7. Responsibility findings and handling recommendations\nThe team examined the conduct of the officials.",
        "Wang Jun, deputy director of the Lanshan County Transport Bureau, is recommended for a major demerit.\n"
        "8. Recommendations\n"), "en", CB))
    assert got["Wang Jun"].page == 2
    assert "major demerit" in got["Wang Jun"].evidence


def test_every_sanction_code_has_names_in_both_languages():
    from dutytrace.nlp.accountability import SEVERITY
    ids = {e.id: e for e in CB.sanctions}
    for code in SEVERITY:
        assert code in ids, code
        assert ids[code].name.get("en") and ids[code].name.get("zh"), code
    assert ids["admonishment_talk"].name["zh"] == "诫勉谈话"


def test_table_rows_read_as_text_lines():
    """A decision's table, as the DOCX reader gives it (cells joined by " | ") or as PDF text lines."""
    zh = ("关于“6·3”事故责任人员处理情况的通报\n"
          "序号 姓名 单位及职务 处理意见\n"
          "1 王某某 青禾县住房和城乡建设局副局长 政务记过\n"
          "2 赵某 青禾县应急管理局科员 诫勉谈话\n")
    got = by_person(extract_accountability(chunks(zh), "zh", CB))
    assert set(got) == {"王某某", "赵某"}
    assert got["王某某"].organisation == "青禾县住房和城乡建设局" and got["王某某"].role == "副局长"
    assert got["王某某"].sanction == "demerit" and got["王某某"].level == "industry_supervision"
    assert got["赵某"].sanction == "admonishment_talk" and got["赵某"].level == "comprehensive_supervision"
    en = ("Decision on sanctions for the Elm Street fire\n"
          "No. | Name | Post | Sanction\n"
          "1 | John Carter | deputy director of the Elm County Transport Bureau | major demerit\n"
          "2 | Mary Lowe | site manager of Elmfield Builders Ltd. | dismissal\n")
    got = by_person(extract_accountability(chunks(en), "en", CB))
    assert set(got) == {"John Carter", "Mary Lowe"}
    assert got["John Carter"].sanction == "major_demerit" and got["John Carter"].organisation == "Elm County Transport Bureau"
    assert got["Mary Lowe"].sanction == "dismissal" and got["Mary Lowe"].level == "enterprise"


def test_subsection_default_sanction_ends_at_the_next_item():
    text = ("VIII. Responsibility and recommended handling\n"
            "1. Recommended for transfer to judicial organs: Qian Jin, owner of Jinsheng Textile Co., Ltd., who ordered the exits locked.\n"
            "2. Xie Ming, officer of the Yuecheng District Fire and Rescue Brigade, closed a complaint without a site check: removal from post.\n"
            "3. Wang Fu, shift leader, is to be dealt with by the company under its rules.\n"
            "IX. Measures\n")
    got = by_person(extract_accountability(chunks(text), "en", CB))
    assert got["Qian Jin"].sanction == "transfer_to_judicial_organs"
    assert got["Xie Ming"].sanction == "removal"
    assert got["Wang Fu"].sanction == "internal_handling"


def test_chinese_real_names_not_only_mou():
    """Documents that name people in full (张伟, 李红) and not 某某."""
    text = ("五、对事故有关责任人员的处理建议\n"
            "1. 张伟，男，中共党员，青禾县应急管理局副局长，建议给予政务记过处分。\n"
            "2. 欧阳明，青禾县宏达纸业有限公司总经理，涉嫌重大责任事故罪，建议移送司法机关处理。\n"
            "3. 建议给予李红党内警告处分。\n"
            "六、防范和整改措施\n")
    got = by_person(extract_accountability(chunks(text), "zh", CB))
    assert set(got) == {"张伟", "欧阳明", "李红"}
    assert got["张伟"].organisation == "青禾县应急管理局" and got["张伟"].sanction == "demerit"
    assert got["欧阳明"].level == "enterprise" and got["欧阳明"].sanction == "transfer_to_judicial_organs"
    assert got["李红"].sanction == "warning"


# Layouts of other genres (issue 18 item 1): notices, informal township reports, press releases, translations.

def test_notice_title_post_before_the_name_and_one_clause_per_person():
    """A discipline notice: a title line with no stop, the post written before the name in the body, and
    "给予A…处分，给予B…处分" in one sentence, each person with their own sanction."""
    text = ("柳河县纪委监委通报两起监管失职典型问题\n\n"
            "柳河县交通运输局路政大队原大队长唐某某对辖区超限运输长期不查，对事故负有领导责任。"
            "该局副局长钟某分管路政工作，督促不力。\n\n"
            "经研究，给予唐某某政务记大过处分，并免去其大队长职务，给予钟某政务警告处分。\n")
    got = by_person(extract_accountability(chunks(text), "zh", CB))
    assert set(got) == {"唐某某", "钟某"}
    assert got["唐某某"].role == "路政大队大队长"  # 原 dropped: the post held at the time
    assert got["唐某某"].organisation == "柳河县交通运输局"  # the title is not part of the organisation
    assert got["唐某某"].sanction == "removal"  # 免去…职务 is more severe than the demerit
    assert got["钟某"].sanction == "warning"


def test_informal_report_real_names_after_a_post():
    """A township report numbers its items 1、2、 and writes full names after the post or before an action."""
    text = ("五、处理意见\n"
            "1、砖厂厂长葛新民涉嫌重大责任事故罪，移送司法机关。\n"
            "2、卢德顺对事故负有主要责任，建议由县应急管理局依法处以罚款。\n"
            "3、乡安监站站长韩亮，工作不实，建议给予诫勉谈话。\n"
            "六、整改措施\n")
    got = by_person(extract_accountability(chunks(text), "zh", CB))
    assert set(got) == {"葛新民", "卢德顺", "韩亮"}
    assert got["葛新民"].sanction == "transfer_to_judicial_organs" and got["葛新民"].role.endswith("厂长")
    assert not got["葛新民"].role.startswith("1")
    assert got["卢德顺"].sanction == "fine"
    assert got["韩亮"].role.endswith("站长") and got["韩亮"].level == "local_management"


def test_unnamed_other_actor_does_not_pass_a_sanction_on():
    text = ("关于一起非法采砂事故有关人员处分情况的通报\n\n"
            "水利局执法队队员罗某收受好处，给予罗某政务记过处分。"
            "采砂船船主以涉嫌非法采矿罪被公安机关依法追究刑事责任。\n")
    got = by_person(extract_accountability(chunks(text), "zh", CB))
    assert got["罗某"].sanction == "demerit"


def test_press_release_company_fined_and_director_sentenced():
    text = ("Builder fined after labourer killed by falling scaffold\n"
            "A scaffolding company has been fined £300,000 after a labourer was struck by a falling board.\n"
            "Harwick Scaffold Services Ltd, of Mill Lane, pleaded guilty to breaching the Work at Height Regulations. "
            "Harwick Scaffold Services Ltd had no inspection regime for its boards.\n"
            "Director Alan Pryce pleaded guilty to a breach of Section 37 and was sentenced to 16 weeks' imprisonment, "
            "suspended for a year.\n")
    got = by_person(extract_accountability(chunks(text), "en", CB))
    assert got["Harwick Scaffold Services Ltd"].sanction == "fine"
    assert got["Alan Pryce"].sanction == "transfer_to_judicial_organs" and got["Alan Pryce"].role == "director"


def test_translation_party_member_apposition_and_post_from_first_mention():
    text = ("Ding Hao, former head of the Xiaba Township safety office, ignored the complaints.\n"
            "V. Handling of Responsible Persons\n"
            "(1) Fan Yu, member of the Party and chief of the Licensing Section of the Lushan County Emergency Management "
            "Bureau, is recommended to be given a serious warning within the Party.\n"
            "(2) Ding Hao was expelled from the Party and dismissed from public office.\n"
            "VI. Preventive Measures\n")
    got = by_person(extract_accountability(chunks(text), "en", CB))
    assert got["Fan Yu"].role == "chief of the Licensing Section"
    assert got["Fan Yu"].organisation == "Lushan County Emergency Management Bureau"
    assert got["Ding Hao"].sanction == "expulsion_from_party" and got["Ding Hao"].role


def test_post_remit_from_the_findings():
    """The handling section names the bare post; the findings give its remit, which belongs to the post."""
    text = ("6. Findings\n"
            "Ma Rui, deputy director of the bureau in charge of fire safety, approved the plan without a visit.\n"
            "7. Responsibility findings and handling recommendations\n"
            "Ma Rui, deputy director of the Dongtai County Housing Bureau, is to be given an administrative warning.\n"
            "8. Recommendations\n")
    got = by_person(extract_accountability(chunks(text), "en", CB))
    assert got["Ma Rui"].role == "deputy director in charge of fire safety"
    assert got["Ma Rui"].organisation == "Dongtai County Housing Bureau"


def test_short_company_name_and_county_written_in_full():
    """"恒达公司" is the one full company name of the document that holds 恒达; "县住建局" is the county's bureau even
    where the text before it reads like a place ("书面转报县…")."""
    text = ("一、基本情况\n"
            "青峡县恒达建筑安装有限公司承建该工程。青峡县住房和城乡建设局负责监督。有关情况已书面转报县住建局。\n"
            "六、对事故有关责任人员的处理建议\n"
            "1. 倪某某，恒达公司项目经理，建议移送司法机关处理。\n"
            "2. 杜某某，县住建局副局长，建议给予政务警告处分。\n"
            "七、防范和整改措施\n")
    got = by_person(extract_accountability(chunks(text), "zh", CB))
    assert got["倪某某"].organisation == "青峡县恒达建筑安装有限公司"
    assert got["杜某某"].organisation.startswith("青峡县")


def test_firm_only_post_without_organisation_is_the_reports_company():
    text = ("Investigation report on the fire at Corran Valley Foods Co., Ltd.\n"
            "Corran Valley Foods Co., Ltd. ran the plant. Corran Valley Foods Co., Ltd. had no hot-work permit system.\n"
            "7. Responsibility findings and handling recommendations\n"
            "Nie Bo, production director, ordered the welding; he is recommended for transfer to the judicial organs.\n"
            "Wu Xia, deputy head, signed the inspection without a visit and is recommended for a warning.\n"
            "8. Recommendations\n")
    got = by_person(extract_accountability(chunks(text), "en", CB))
    assert got["Nie Bo"].organisation == "Corran Valley Foods Co., Ltd." and got["Nie Bo"].level == "enterprise"
    assert got["Wu Xia"].organisation is None  # a bare "deputy head" is not taken for the company's


def test_court_judgment_criminal_fine_and_record_post():
    """A court judgment (traditional script read as simplified): the company's criminal fine (罚金) is a fine, the
    person's prison term is criminal, and the post is the one the judgment's record gives ("X为…厂长")."""
    text = ("刑事判决摘要\n\n"
            "主文：丰润纸品股份有限公司犯职业安全卫生法之罪，科罚金新台币十五万元。许某某犯业务过失致人于死罪，处有期徒刑十月。\n\n"
            "事实摘要：许某某为丰润纸品股份有限公司厂长，负责厂内安全卫生管理。\n")
    got = by_person(extract_accountability(chunks(text), "zh", CB))
    assert got["丰润纸品股份有限公司"].sanction == "fine"
    assert got["许某某"].sanction == "transfer_to_judicial_organs"
    assert got["许某某"].role == "厂长" and got["许某某"].organisation == "丰润纸品股份有限公司"


def test_township_office_head_and_notice_verb_not_in_the_organisation():
    text = ("临川县纪委监委通报临川县水务局一名干部失职问题\n\n"
            "临川县水务局河道管理股股长钱某巡查不实。桂花镇水利办主任孔林未上报险情。\n\n"
            "给予钱某政务警告处分，给予孔林政务记过处分。\n")
    got = by_person(extract_accountability(chunks(text), "zh", CB))
    assert got["钱某"].organisation == "临川县水务局" and got["钱某"].role == "河道管理股股长"
    assert got["孔林"].organisation == "桂花镇人民政府" and got["孔林"].role == "水利办主任"
    assert got["孔林"].level == "local_management"
