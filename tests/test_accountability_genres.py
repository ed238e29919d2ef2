"""Accountability in the layouts of other writers (issue 18 item 1): sentences written for these tests."""

from dutytrace.models import Chunk
from dutytrace.nlp.accountability import extract_accountability
from dutytrace.nlp.codebook import load_codebook
from dutytrace.nlp.entities import ZH_NAME

CB = load_codebook()


def people(text: str, lang: str) -> dict:
    got = extract_accountability([Chunk("c0", "d", "case", 0, 1, 0, len(text), text)], lang, CB)
    return {a.person: a for a in got}


def test_zh_name_with_mou_in_the_middle():
    assert [m.group(0) for m in ZH_NAME.finditer("承包人孙某林、技术员何某，擅自")] == ["孙某林", "何某"]
    assert ZH_NAME.search("何某说，他没看见").group(0) == "何某"  # 说 follows a name; it is no part of it
    assert ZH_NAME.search("由赵某某负责").group(0) == "赵某某"
    got = people("五、处理建议\n（一）东桥公司项目负责人孙某林、安全员何某华，涉嫌重大责任事故罪，已被公安机关立案侦查。\n", "zh")
    assert set(got) == {"孙某林", "何某华"}
    assert got["孙某林"].role == "项目负责人" and got["何某华"].role == "安全员"
    assert got["孙某林"].sanction == "transfer_to_judicial_organs"


def test_zh_list_of_named_people_with_an_unnamed_sanction():
    text = ("二、有关人员问题\n1.县林业局护林员邓立新多次未到岗巡查。\n2.石桥乡党委委员、副乡长罗文斌，未组织排查。\n"
            "三、处理情况\n（一）对邓立新、罗文斌等6名公职人员给予党纪政务处分。\n")
    got = people(text, "zh")
    assert set(got) == {"邓立新", "罗文斌"}
    assert got["邓立新"].role == "护林员" and got["邓立新"].sanction == "other"
    assert (got["罗文斌"].role, got["罗文斌"].organisation) == ("党委委员、副乡长", "石桥乡人民政府")
    assert got["罗文斌"].level == "local_management"


def test_zh_law_names_are_no_sanction_and_a_hired_inspector_is_the_township_s():
    text = ("处分决定\n依据《中国共产党纪律处分条例》和《中华人民共和国公职人员政务处分法》，经研究决定：\n"
            "1.韦某某，南岗镇聘用驻厂安全检查员，擅离岗位，建议由南岗镇人民政府解除聘用合同。\n")
    got = people(text, "zh")
    assert set(got) == {"韦某某"}
    assert (got["韦某某"].role, got["韦某某"].organisation, got["韦某某"].sanction) == \
        ("驻厂安全检查员", "南岗镇人民政府", "dismissal")


COURT = """Haulage firm and director sentenced after driver crushed at depot

An investigation by the Health and Safety Executive found that Norwell Freight Services Limited had no safe system
for coupling trailers.

Norwell Freight Services Limited, of Mill Lane, Redbank, pleaded guilty to breaching Section 2(1) of the Health and
Safety at Work etc. Act 1974. The company was fined £420,000 and ordered to pay costs of £18,250 at Redbank Crown Court.

Managing director Alan Prewett, 58, pleaded guilty to breaching Section 37(1) of the same Act. He was sentenced to
10 months in prison, suspended for two years, and ordered to carry out 150 hours of unpaid work.

Yard supervisor Gary Lomax, of Redbank, admitted breaching Section 7 of the Act and was fined £2,400.

HSE inspector Ruth Dane said: "This death could have been prevented."
"""


def test_en_court_summary_names_the_firm_its_director_and_a_supervisor():
    got = people(COURT, "en")
    assert set(got) == {"Norwell Freight Services Limited", "Alan Prewett", "Gary Lomax"}  # not the inspector who spoke
    firm = got["Norwell Freight Services Limited"]
    assert (firm.sanction, firm.level, firm.role) == ("fine", "enterprise", "employer")
    assert (got["Alan Prewett"].role, got["Alan Prewett"].sanction) == ("managing director", "transfer_to_judicial_organs")
    assert got["Alan Prewett"].evidence.startswith("He was sentenced")  # the sentence that states the sanction
    assert (got["Gary Lomax"].role, got["Gary Lomax"].organisation, got["Gary Lomax"].sanction) == \
        ("yard supervisor", "Norwell Freight Services Limited", "fine")


def test_en_regulator_release_the_company_faces_proposed_penalties():
    text = ("Roofing contractor cited after worker falls to his death\n\nDENTON, TX - The Occupational Safety and Health "
            "Administration has cited Lone Oak Roofing LLC for three willful violations after a worker fell 22 feet. The company "
            "faces $312,400 in proposed penalties.\n\nOSHA also cited Harlan Builders Inc., the general contractor, for one "
            "serious violation and proposed penalties of $15,625.\n\n\"Employers must provide fall protection,\" said OSHA Area "
            "Director Maria Ochoa.\n")
    got = people(text, "en")
    assert set(got) == {"Lone Oak Roofing LLC", "Harlan Builders Inc."}
    assert all(a.sanction == "fine" for a in got.values())
    assert got["Harlan Builders Inc."].role == "general contractor"


def test_en_manslaughter_and_a_community_order_are_criminal_sanctions_a_firm_is_still_fined():
    text = ("Site manager jailed after labourer killed in trench collapse\n\nKevin Ardley, 44, site manager for Castlegate "
            "Groundworks Ltd, was found guilty of gross negligence manslaughter at Farrow Crown Court.\n\nCastlegate Groundworks "
            "Ltd pleaded guilty to a criminal charge and was fined £150,000.\n\nThe company's owner, Derek Hume, was given a "
            "12-month community order.\n")
    got = people(text, "en")
    assert (got["Kevin Ardley"].role, got["Kevin Ardley"].organisation) == ("site manager", "Castlegate Groundworks Ltd")
    assert got["Kevin Ardley"].sanction == got["Derek Hume"].sanction == "transfer_to_judicial_organs"
    assert got["Castlegate Groundworks Ltd"].sanction == "fine"
    assert got["Derek Hume"].role == "owner"


TRANSLATED = """Investigation report (English translation)
1. Overview. The general contractor is Hexin Tianyu Construction Co., Ltd. The Qiaobei District Building Safety Supervision
Station checked the site in May.
2. Hu Wenjie, former Party secretary of Dongpo Town, ignored two reports about the site.
5. Handling recommendations
(1) Pei Lan, inspector of the district building safety supervision station, who signed the record without visiting the site,
is to be given a warning within the Party;
(2) Tao Ming, head of the station, is to be given an admonishment talk.
(3) Ren Jie, chief of the permits section of the county housing and construction bureau, is to be given a demerit.
(4) Hu Wenjie is to be given a serious warning within the Party.
6. Recommendations
The bureau shall train its inspectors.
"""


def test_en_translated_report_posts_and_lower_case_bodies():
    got = people(TRANSLATED, "en")
    assert set(got) == {"Pei Lan", "Tao Ming", "Ren Jie", "Hu Wenjie"}
    # a body of a place written in lower case is its organisation, capitalised as the document's own bodies are
    assert (got["Pei Lan"].role, got["Pei Lan"].organisation) == ("inspector", "Qiaobei District Building Safety Supervision Station")
    assert got["Pei Lan"].level == "industry_supervision"
    # "head of the station": the post as written, the station named before as its organisation
    assert (got["Tao Ming"].role, got["Tao Ming"].organisation) == ("head of the station", "Qiaobei District Building Safety Supervision Station")
    assert got["Ren Jie"].role == "chief of the permits section"
    assert got["Ren Jie"].organisation.endswith("County Housing and Construction Bureau")
    # a town's Party secretary leads its Party committee
    assert (got["Hu Wenjie"].role, got["Hu Wenjie"].organisation) == ("Party secretary", "Dongpo Town Party Committee")


def test_en_firms_by_their_short_names_and_an_officer_of_one():
    text = ("Report (translation)\nThe contractor is Huaiyin Lutong Bridge Engineering Co., Ltd. (hereinafter \"Lutong Company\"); the "
            "supervisor is Warehouse No. 2 of Huaiyin Jianan Storage Co., Ltd. (hereinafter \"Jianan Company\").\n"
            "III. Handling Suggestions\n1. Lutong Company's project manager, Fang Ke, is recommended for transfer to the judicial organs.\n"
            "2. Lutong Company is to be fined CNY 500,000 and Jianan Company CNY 200,000.\n"
            "3. Lutong Company is to dismiss him from his post.\n"
            "4. It is recommended that the provincial department impose penalties on Jianan Company, including suspension of its "
            "qualification certificates.\n")
    got = people(text, "en")
    assert set(got) == {"Fang Ke", "Huaiyin Lutong Bridge Engineering Co., Ltd.", "Huaiyin Jianan Storage Co., Ltd."}
    assert (got["Fang Ke"].role, got["Fang Ke"].organisation) == ("project manager", "Huaiyin Lutong Bridge Engineering Co., Ltd.")
    assert got["Huaiyin Lutong Bridge Engineering Co., Ltd."].sanction == "fine"
    assert got["Huaiyin Jianan Storage Co., Ltd."].organisation == "Huaiyin Jianan Storage Co., Ltd."  # not its warehouse


NOTICE = """关于两起安全生产失职失责问题的通报
1.北塘区应急管理局副局长许某林监管不力问题。许某林分管工贸行业安全监管，对辖区企业粉尘涉爆问题检查不细。许某林受到政务警告处分。
2.白沙镇党委委员、副镇长廖某某和镇安全生产监督管理站站长严某某排查走过场问题。廖某某、严某某未组织逐户排查。廖某某受到党内警告处分，严某某受到政务降级处分。
3.北塘区市场监督管理局特种设备科科长卜某、科员甘某某对气瓶充装单位检查不严。对卜某、甘某某等2名责任人员进行诫勉谈话。
"""


def test_zh_notice_titles_give_the_posts_and_later_sentences_the_sanctions():
    got = people(NOTICE, "zh")
    assert set(got) == {"许某林", "廖某某", "严某某", "卜某", "甘某某"}
    assert (got["许某林"].role, got["许某林"].organisation, got["许某林"].sanction) == ("副局长", "北塘区应急管理局", "warning")
    # two people in one title, each with the sanction of their own clause
    assert (got["廖某某"].role, got["廖某某"].organisation, got["廖某某"].sanction) == ("党委委员、副镇长", "白沙镇人民政府", "warning")
    assert (got["严某某"].role, got["严某某"].organisation) == ("安全生产监督管理站站长", "白沙镇人民政府")
    assert got["严某某"].sanction == "removal"
    # "科员甘某某" after "…科科长卜某、": a post of the same bureau
    assert got["甘某某"].organisation == got["卜某"].organisation == "北塘区市场监督管理局"
    assert got["甘某某"].sanction == "admonishment_talk"


def test_en_its_director_and_a_short_named_firm_s_supervisor_belong_to_the_firm_named_before():
    text = ("Outcome of prosecutions\nThe yard is owned by Brennan Estates Pty Ltd. The works were let to Marlow Scaffolding Pty Ltd.\n\n"
            "Marlow Scaffolding Pty Ltd was convicted of a Category 2 offence and fined $300,000.\n\n"
            "Its sole director, Owen Pratt, was convicted and fined $45,000.\n\n"
            "Marlow's site supervisor, Dean Forbes, pleaded guilty and was fined $6,000.\n\n"
            "Brennan Estates Pty Ltd was not charged.\n")
    got = people(text, "en")
    assert set(got) == {"Marlow Scaffolding Pty Ltd", "Owen Pratt", "Dean Forbes"}
    assert got["Owen Pratt"].organisation == got["Dean Forbes"].organisation == "Marlow Scaffolding Pty Ltd"
    assert (got["Owen Pratt"].role, got["Dean Forbes"].role) == ("sole director", "site supervisor")


def test_zh_penalty_left_unnamed_fines_a_firm_and_a_short_name_gives_its_registered_name():
    text = ("石渠县宏达农机专业合作社“6·2”事故调查报告\n2024年6月2日，位于石渠县东坝镇杨柳村的石渠县宏达农机专业合作社（以下简称合作社）"
            "一名社员在检修收割机时被卷入，经抢救无效死亡。\n五、处理建议\n（一）建议给予行政处罚的单位。\n由县应急管理局依法对合作社实施行政处罚。"
            "合作社理事长何某某对事故负有责任，建议由县应急管理局依法给予处罚。\n六、防范措施\n各乡镇要加强农机安全宣传。\n")
    got = people(text, "zh")
    assert set(got) == {"石渠县宏达农机专业合作社", "何某某"}
    assert got["石渠县宏达农机专业合作社"].sanction == "fine"  # a firm's 行政处罚 is its fine
    assert got["何某某"].sanction == "other"  # a person's, left unnamed
    assert (got["何某某"].role, got["何某某"].level) == ("理事长", "enterprise")


def test_zh_department_short_names_are_written_in_full():
    text = ("六、事故责任认定及处理建议\n1.邵某某，中共党员，区住建局副局长，建议给予政务警告处分。\n2.霍某，区市场监管局特种设备科科长，建议给予政务记过处分。\n"
            "七、防范措施\n青湖区各部门要加强检查。青湖区应急管理局牵头。\n")
    got = people(text, "zh")
    assert got["邵某某"].organisation == "青湖区住房和城乡建设局"
    assert got["霍某"].organisation == "青湖区市场监督管理局"


def test_zh_posts_as_the_gold_writes_them_project_committee_and_sub_district_office():
    text = ("五、责任认定及处理建议\n1.房某某，翠湖湾二期项目经理，涉嫌重大责任事故罪，已被公安机关刑事拘留。\n"
            "2.童某，中共党员，滨江经济开发区管委会副主任，建议给予政务警告处分。\n"
            "3.柴某某，桃园街道党工委委员、办事处副主任，建议给予政务记过处分。\n六、防范措施\n加强检查。\n")
    got = people(text, "zh")
    assert got["房某某"].role == "项目经理"
    assert got["童某"].role == "管委会副主任"
    assert (got["柴某某"].role, got["柴某某"].organisation) == ("党工委委员、办事处副主任", "桃园街道办事处")


def test_en_posts_written_in_capitals_at_the_centre_and_of_the_named_company():
    text = ("Investigation summary\nThe depot is run by Oakfield Freight Co., Ltd.; the yard belongs to Riverside Market Services Co., Ltd.\n"
            "Kim Lowe, safety officer of the depot, did not check the forklift. Ray Dunn, general manager of the market company, kept the gate open.\n"
            "8. Responsibility findings and handling recommendations\n"
            "1. Sara Holt, Distribution Operations Manager, is to be dismissed.\n"
            "2. Kim Lowe and Ray Dunn are each to be fined 30 per cent of their income of the previous year.\n"
            "9. Recommendations\nTrain all drivers.\n")
    got = people(text, "en")
    assert (got["Sara Holt"].role, got["Sara Holt"].level) == ("Distribution Operations Manager", "enterprise")
    assert got["Kim Lowe"].role == "safety officer"
    assert (got["Ray Dunn"].role, got["Ray Dunn"].organisation) == ("general manager", "Riverside Market Services Co., Ltd.")


def test_zh_a_unit_of_a_bureau_and_a_zone_s_bodies():
    text = ("关于两起失职失责问题的通报\n清源县国土资源局执法大队干部苗某多次收受现金。执法大队大队长柏某对非法开采长期不掌握。柏某受到党内警告处分。"
            "苗某被开除党籍、开除公职。\n长宁市化工产业园内一家企业发生中毒事故。产业园管委会安全环保局局长霍某某未将企业列入检查计划。"
            "给予霍某某政务记过处分。\n")
    got = people(text, "zh")
    assert (got["柏某"].role, got["柏某"].organisation) == ("执法大队大队长", "清源县国土资源局")
    assert (got["霍某某"].role, got["霍某某"].organisation) == ("局长", "长宁市化工产业园管委会安全环保局")
    assert got["霍某某"].level == "comprehensive_supervision"


def test_en_court_objects_partnerships_and_the_etc_act():
    text = ("Partnership and foreman sentenced after fall through barn roof\n\n"
            "Hollis Brothers, a partnership trading as Brook End Farm, pleaded guilty to breaching Section 2(1) of the Health "
            "and Safety at Work etc. Act 1974 and was fined £48,000.\n\n"
            "Farm foreman Mr Peter Hollis admitted breaching Section 7 of the Act. He was fined £3,000.\n\n"
            "A jury convicted Nathan Crewe, owner of Crewe Demolition LLC, of manslaughter. The court sentenced the company's "
            "site supervisor, Omar Reyes, to 90 days in jail.\n\nRoofer Tom Vail was cleared of all charges.\n")
    got = people(text, "en")
    assert set(got) == {"Hollis Brothers", "Peter Hollis", "Nathan Crewe", "Omar Reyes"}
    assert got["Hollis Brothers"].sanction == "fine"  # the sentence goes on past "etc. Act 1974"
    assert (got["Peter Hollis"].role, got["Peter Hollis"].organisation, got["Peter Hollis"].sanction) == \
        ("farm foreman", "Hollis Brothers", "fine")
    assert (got["Nathan Crewe"].role, got["Nathan Crewe"].organisation) == ("owner", "Crewe Demolition LLC")
    assert got["Nathan Crewe"].sanction == got["Omar Reyes"].sanction == "transfer_to_judicial_organs"
    assert got["Omar Reyes"].role == "site supervisor"


TRANSLATED_FIRE = """Investigation Report on the "9.12" Fire at Yongfa Textile Co., Ltd., Qiaoling County (translation)

I. Basic information
Qiaoling Yongfa Textile Co., Ltd. (hereinafter "Yongfa Company") is a private enterprise. Its legal representative and general manager is Wei Dong.

V. Recommendations on the handling of the responsible persons and units
(I) Persons whose criminal liability is recommended to be investigated
1. Wei Dong, legal representative and general manager of Yongfa Company, failed to organise fire drills. He has been placed under criminal detention by the public security organ.
2. It is recommended that the judicial organs investigate the criminal liability of Lu Ping, the workshop director, according to law.
(II) Persons recommended for disciplinary sanctions
3. Shen Rui, a Communist Party member and deputy director of the Qiaoling County Fire and Rescue Brigade, failed to follow up on the rectification notice. It is recommended that he be given a serious warning within the Party.
4. Gu Lan, a Party member, section chief of the county emergency management bureau, is recommended to receive an admonishment talk.
(III) Administrative penalties on the unit
5. It is recommended that the county emergency management bureau impose a fine of RMB 1.2 million on Yongfa Company.

VI. Preventive measures
All enterprises shall carry out fire drills.
"""


def test_en_translated_report_party_members_liability_of_and_a_fine_on_the_unit():
    got = people(TRANSLATED_FIRE, "en")
    assert set(got) == {"Wei Dong", "Lu Ping", "Shen Rui", "Gu Lan", "Qiaoling Yongfa Textile Co., Ltd."}
    assert (got["Lu Ping"].role, got["Lu Ping"].sanction) == ("workshop director", "transfer_to_judicial_organs")
    assert got["Shen Rui"].role == "deputy director"  # "a Communist Party member and" is no post
    assert (got["Gu Lan"].role, got["Gu Lan"].organisation) == ("section chief", "Qiaoling County Emergency Management Bureau")
    assert got["Gu Lan"].sanction == "admonishment_talk"  # the unit's fine in the next item is not hers
    assert got["Qiaoling Yongfa Textile Co., Ltd."].sanction == "fine"


def test_zh_traditional_court_news_headline_firms_director_and_a_charged_subcontractor():
    from dutytrace.script import to_simplified
    text = to_simplified("工人地盤墮下身亡 承建商及判頭被判罰款\n去年十月一名工人在荃灣一個地盤墮下死亡，勞工處其後提出檢控。\n"
                         "總承建商宏基營造有限公司承認三項罪名，被判罰款共九萬元。\n"
                         "分判商順發棚架工程有限公司的董事陳大偉承認一項罪名，被判罰款二萬元。\n"
                         "判頭何志明被控一項誤殺罪，案件押後再訊。\n")
    got = people(text, "zh")
    assert set(got) == {"宏基营造有限公司", "陈大伟", "何志明"}  # not "工人地盘…" from the headline
    assert (got["宏基营造有限公司"].role, got["宏基营造有限公司"].sanction) == ("总承建商", "fine")
    assert (got["陈大伟"].role, got["陈大伟"].organisation, got["陈大伟"].sanction) == ("董事", "顺发棚架工程有限公司", "fine")
    assert (got["何志明"].role, got["何志明"].sanction, got["何志明"].organisation) == ("判头", "transfer_to_judicial_organs", None)


def test_zh_a_county_body_takes_the_county_the_notice_is_about():
    text = ("关于对周某某等人问责情况的通报\n2024年5月，白河县一处在建厂房发生坍塌，造成1人死亡。经查，县住建局质安股股长周某某对工地监管不力。\n"
            "经研究，决定对周某某予以诫勉谈话。\n")
    got = people(text, "zh")
    assert (got["周某某"].role, got["周某某"].organisation) == ("质安股股长", "白河县住房和城乡建设局")
    assert got["周某某"].sanction == "admonishment_talk"


def test_zh_the_one_who_runs_a_place_and_no_firm_from_a_sentence():
    text = ("关于“7·3”沼气中毒事故的调查报告\n7月3日，石坪乡龙塘村罗永发经营的生猪养殖场在清理沼气池时发生中毒事故。乡农业部门认为家庭养殖不属于工矿企业。\n"
            "四、处理建议\n1.罗永发对事故发生负有主要责任，移送公安机关依法处理。\n五、防范措施\n加强宣传。\n")
    got = people(text, "zh")
    assert (got["罗永发"].role, got["罗永发"].organisation, got["罗永发"].level) == ("养殖场经营者", None, "enterprise")
    assert got["罗永发"].sanction == "transfer_to_judicial_organs"


NOTICE_EN = """Notice on the Accountability for the "4·9" Gas Explosion in Heyuan District (translation)

Following the investigation, the district commission for discipline inspection decided as follows:
1. Xie Feng (deputy head of Longkou Town, in charge of safety) was given a serious warning within the Party and removed from his post.
2. Tan Yu and Mo Jin, inspectors of the district urban management bureau's gas section, were each given a demerit in government affairs.
3. Kong Rui, former director of the Heyuan District Market Supervision Bureau, was given an admonishment talk.
4. The gas supplier, Heyuan Jiahe Gas Co., Ltd., was fined RMB 500,000, and its general manager Yao Bo was fined RMB 80,000.
"""


def test_en_translated_notice_brackets_pairs_with_a_shared_post_and_a_firm_with_its_kind():
    got = people(NOTICE_EN, "en")
    assert set(got) == {"Xie Feng", "Tan Yu", "Mo Jin", "Kong Rui", "Heyuan Jiahe Gas Co., Ltd.", "Yao Bo"}
    assert (got["Xie Feng"].role, got["Xie Feng"].organisation) == ("deputy town head", "Longkou Town People's Government")
    assert got["Xie Feng"].sanction == "removal"
    assert got["Tan Yu"].role == got["Mo Jin"].role == "inspector of the gas section"
    assert got["Mo Jin"].organisation == "Heyuan District Urban Management Bureau"
    assert (got["Heyuan Jiahe Gas Co., Ltd."].role, got["Heyuan Jiahe Gas Co., Ltd."].sanction) == ("gas supplier", "fine")
    assert (got["Yao Bo"].role, got["Yao Bo"].organisation) == ("general manager", "Heyuan Jiahe Gas Co., Ltd.")


def test_zh_decision_posts_in_brackets_and_a_list_sharing_one_post():
    text = ("关于对“8·1”事故有关责任人员的处理决定\n经研究，决定：\n一、给予葛某某（县水利局副局长）政务记过处分；\n"
            "二、对县水利局执法大队队员阎某某、包某进行诫勉谈话。\n")
    got = people(text, "zh")
    assert (got["葛某某"].role, got["葛某某"].organisation, got["葛某某"].sanction) == ("副局长", "县水利局", "demerit")
    assert got["包某"].role == got["阎某某"].role == "执法大队队员"
    assert got["包某"].organisation == "县水利局"


def test_en_the_introduction_gives_the_post_the_handling_leaves_out():
    text = ("1. Basic information\nQiaoxi Hongfa Mining Co., Ltd. is a private company; its chairman and legal representative is Du Wenhai.\n"
            "8. Responsibility findings and handling recommendations\n(1) Du Wenhai is to be fined 60 per cent of his previous year's income.\n"
            "9. Recommendations\nTrain the miners.\n")
    got = people(text, "en")
    assert (got["Du Wenhai"].role, got["Du Wenhai"].organisation) == ("chairman and legal representative", "Qiaoxi Hongfa Mining Co., Ltd.")
    assert got["Du Wenhai"].level == "enterprise"


def test_en_a_company_s_station_is_part_of_the_post():
    text = ("1. Overview\nMeixi County Power Supply Co., Ltd. runs the line; the repair was let to Tongli Electric Installation Co., Ltd. "
            "Its Heping Power Supply Station manages the feeder.\n"
            "8. Responsibility findings and handling recommendations\n(1) Cao Lin, head of the Heping Power Supply Station, is "
            "recommended for removal from his post.\n9. Recommendations\nTrain all linemen.\n")
    got = people(text, "en")
    assert (got["Cao Lin"].role, got["Cao Lin"].organisation) == ("head of the Heping Power Supply Station",
                                                                  "Meixi County Power Supply Co., Ltd.")
    assert (got["Cao Lin"].level, got["Cao Lin"].sanction) == ("enterprise", "removal")


def test_zh_the_remit_after_the_post_is_part_of_it():
    text = ("六、对事故有关责任人员的处理建议\n1. 阎某某，中共党员，柳湾街道办事处副主任，分管城市管理和安全生产工作，对隐患排查不实负有领导责任，"
            "建议给予政务记过处分。\n2. 郑某，柳湾街道办事处主任，负主要领导责任，建议给予政务警告处分。\n")
    got = people(text, "zh")
    assert got["阎某某"].role == "办事处副主任（分管城市管理和安全生产）"
    assert got["郑某"].role == "办事处主任"  # "负主要领导责任" is no remit


def test_zh_the_findings_give_the_remit_the_handling_section_leaves_out():
    text = ("三、事故原因\n县交通运输局负责道路运输安全监管，副局长包某某分管道路运输安全，运管股股长曲某负责日常检查。"
            "分管安全生产的副镇长柴某某未组织排查。\n"
            "六、对事故有关责任人员的处理建议\n1. 包某某，县交通运输局副局长，督促检查不力，建议给予政务警告处分。\n"
            "2. 柴某某，北坡镇副镇长，建议给予政务记过处分。\n3. 曲某，县交通运输局运管股股长，建议给予政务记过处分。\n")
    got = people(text, "zh")
    assert got["包某某"].role == "副局长（分管道路运输安全）"
    assert got["柴某某"].role == "副镇长（分管安全生产）"
    assert got["曲某"].role == "运管股股长"  # "负责日常检查" is a task, not a remit


def test_zh_a_remit_written_before_the_title_is_written_after_it():
    text = "处理决定\n1. 分管生产的副厂长苟某某，未落实隐患整改，建议由企业给予记过处分。\n"
    got = people(text, "zh")
    assert got["苟某某"].role == "副厂长（分管生产）"


def test_zh_a_unit_s_short_name_in_a_post_is_written_in_full_where_the_document_writes_it():
    text = ("二、基本情况\n青岭镇安全生产监督管理站负责辖区巡查。县应急管理局危险化学品监督管理股（以下简称危化股）负责复查。\n"
            "六、对事故有关责任人员的处理建议\n1. 贺某某，青岭镇安监站站长，建议给予政务记过处分。\n"
            "2. 路某，县应急管理局危化股股长，建议给予政务警告处分。\n")
    got = people(text, "zh")
    assert got["贺某某"].role == "安全生产监督管理站站长" and got["贺某某"].organisation == "青岭镇人民政府"
    assert got["路某"].role == "危险化学品监督管理股股长"
    short = people("六、处理建议\n1. 贺某某，青岭镇安监站站长，建议给予政务记过处分。\n", "zh")
    assert short["贺某某"].role == "安监站站长"  # the document never writes the full name: as written


def test_en_the_remit_of_the_same_post_worded_otherwise():
    text = ("5. Causes\nMeng Tao, deputy head of Shuikou Town in charge of work safety, signed inspection logs he had not "
            "checked. Ye Lan, deputy head of Shuikou Town, who was in charge of the school run, did not report.\n"
            "8. Responsibility findings and handling recommendations\n"
            "Meng Tao, deputy head of Shuikou Town, is recommended for a serious warning within the Party.\n"
            "Ye Lan, deputy head of Shuikou Town, is recommended for a warning.\n")
    got = people(text, "en")
    assert got["Meng Tao"].role == "deputy town head in charge of work safety"
    assert "in charge" not in (got["Ye Lan"].role or "")  # a clause with a verb is no part of the post


def test_zh_a_crew_named_after_its_head_is_the_head_s_organisation():
    text = ("二、事故经过\n石坪煤业将掘进工程交由郎某某掘进队施工，郎某某掘进队共11人。\n"
            "六、对事故有关责任人员的处理建议\n1. 郎某某，掘进队负责人，涉嫌重大责任事故罪，建议移送司法机关。\n"
            "2. 卫某某，县能源局副局长，建议给予政务记过处分。\n")
    got = people(text, "zh")
    assert got["郎某某"].organisation == "郎某某掘进队" and got["郎某某"].level == "enterprise"
    got = people(text.replace("郎某某掘进队共11人", "卫某某掘进队共11人"), "zh")
    assert got["卫某某"].organisation != "卫某某掘进队"  # an official is never a crew's


def test_en_a_later_official_of_the_same_item_with_a_bare_post_is_of_the_body_the_item_named():
    text = ("9. Responsibility findings and handling recommendations\n"
            "9.1 Hollis Ward, inspector of the Marden County Mines Bureau, passed the haul road without driving it: "
            "an administrative demerit. Ada Penn, section head, signed his report unread: a warning.\n"
            "9.2 Otto Rusk, deputy county head, is to receive an admonishment talk.\n"
            "9.3 Cole Brandt, foreman of Marden Gravel Co., Ltd., is recommended for transfer to the judicial organs. "
            "Ivy Lake, inspector, is to be dismissed by the company.\n")
    got = people(text, "en")
    assert got["Ada Penn"].organisation == "Marden County Mines Bureau"
    assert got["Ada Penn"].level == "industry_supervision"
    assert got["Otto Rusk"].organisation != "Marden County Mines Bureau"  # a new item: not the bureau's
    assert got["Ivy Lake"].organisation != "Marden County Mines Bureau"


def test_en_a_second_post_after_the_body_stays_in_the_post():
    text = ("8. Responsibility findings and handling recommendations\n"
            "Rui Dalton, deputy director of the Kessel County Transport Bureau and head of the road safety office, "
            "approved the route without a survey: an administrative demerit.\n"
            "Moss Reed, manager of the Ashby Road depot, is to be dismissed.\n")
    got = people(text, "en")
    assert (got["Rui Dalton"].role, got["Rui Dalton"].organisation) == \
        ("deputy director and head of the road safety office", "Kessel County Transport Bureau")


def test_en_a_post_at_the_station_named_before_is_not_the_firm_s():
    text = ("Investigation report\nHarrow Build Co., Ltd. was the main contractor. The Fenmore District Construction Safety "
            "Supervision Station supervised the site.\n"
            "8. Responsibility findings and handling recommendations\n"
            "Lin Coe, supervisor at the Station, closed a notice without a visit: a major demerit.\n"
            "Pat Urey, safety manager, is to be fined.\n")
    got = people(text, "en")
    assert got["Lin Coe"].organisation == "Fenmore District Construction Safety Supervision Station"
    assert got["Lin Coe"].level == "industry_supervision"
    assert got["Pat Urey"].organisation == "Harrow Build Co., Ltd."  # a firm's post: the firm's


def test_en_a_post_of_a_firm_s_team_or_project_is_the_firm_s():
    text = ("Investigation report\nPellow Marsh Cabling Co., Ltd. laid the line.\n"
            "8. Responsibility findings and handling recommendations\n"
            "Ned Oakes, site foreman of the Pellow team, cut the cable live: transfer to the judicial organs.\n"
            "Ula Brent, project manager of Pellow for the Marsh Road project, signed the plan unread: to be dismissed.\n"
            "Ian Cove, head of the Pellow team, is to be dismissed.\n")
    got = people(text, "en")
    assert (got["Ned Oakes"].role, got["Ned Oakes"].organisation) == ("site foreman", "Pellow Marsh Cabling Co., Ltd.")
    assert (got["Ula Brent"].role, got["Ula Brent"].organisation) == ("project manager", "Pellow Marsh Cabling Co., Ltd.")
    assert got["Ian Cove"].role == "head of the Pellow team"  # a crew's head: the crew stays in the post


def test_en_a_particular_task_is_no_part_of_the_post_a_domain_is():
    text = ("8. Responsibility findings and handling recommendations\n"
            "Bo Verity, deputy captain of the Orrin County Road Enforcement Detachment responsible for the May check, "
            "skipped the depot: an administrative demerit.\n"
            "Cy Marlow, deputy director of the Orrin County Transport Bureau responsible for road transport, "
            "did not follow up: a warning.\n")
    got = people(text, "en")
    assert got["Bo Verity"].role == "deputy captain"
    assert got["Cy Marlow"].role == "deputy director responsible for road transport"


def test_en_a_bare_section_head_named_before_with_the_section():
    text = ("5. Causes\nTess Grove, head of the Bureau's mines and quarries section, signed the summary unread.\n"
            "8. Responsibility findings and handling recommendations\n"
            "8.1 Abe Lund, inspector of the Varrow County Natural Resources Bureau, skipped the quarry: a demerit. "
            "Tess Grove, section head, signed the summary: a warning.\n")
    got = people(text, "en")
    assert got["Tess Grove"].role == "head of the mines and quarries section"
    assert got["Tess Grove"].organisation == "Varrow County Natural Resources Bureau"


def test_zh_a_remit_written_between_the_post_and_the_name():
    text = ("云川市纪委监委关于云川航运集团有限公司有关人员问责情况的通报\n"
            "经查，云川航运集团有限公司所属客运分公司未落实安全检查。集团副总经理、分管安全生产的简某未督促整改。\n"
            "依据有关规定，给予简某政务警告处分。\n")
    got = people(text, "zh")
    assert got["简某"].role == "副总经理（分管安全生产）"
    assert got["简某"].organisation and not got["简某"].organisation.startswith("云川市纪委")  # a title's 关于 is no part of a name


# --- forms of other genres: press releases, court news, discipline notices (sentences written for these tests) ---

def test_en_firm_name_then_title_then_name_is_the_firm_s_officer():
    text = ("Sawmill and director sentenced\nBrackenfield Timber Ltd director Owen Lusk, 61, of Carrow, admitted a breach of "
            "Section 37. The court sentenced him to 20 weeks in prison, suspended for a year.\n")
    got = people(text, "en")
    assert "Owen Lusk" in got and "Brackenfield Timber Ltd" not in got
    assert (got["Owen Lusk"].role, got["Owen Lusk"].organisation) == ("director", "Brackenfield Timber Ltd")
    assert got["Owen Lusk"].sanction == "transfer_to_judicial_organs"


def test_en_a_person_named_again_by_the_surname_alone():
    text = ("Quarry foreman fined\nThe shift foreman, Vera Haldane, 44, of Pellow, pleaded guilty to a breach of Section 7. "
            "Haldane was ordered to pay a fine of £1,800. The victim, Paul Reddick, had worked at the quarry for a year. "
            "Reddick was taken to hospital.\n")
    got = people(text, "en")
    assert set(got) == {"Vera Haldane"}
    assert got["Vera Haldane"].sanction == "fine" and got["Vera Haldane"].role == "shift foreman"


def test_en_found_guilty_with_age_and_town_between_name_and_verdict():
    text = ("Roofer convicted\nA jury found Carl Brandt, 39, of Elm Ridge, guilty of criminally negligent homicide after a "
            "worker fell through a skylight.\n")
    assert people(text, "en")["Carl Brandt"].sanction == "transfer_to_judicial_organs"


def test_en_a_witness_or_a_dropped_charge_is_no_one_held_accountable():
    text = ("Crane firm fined\nHoldgate Lifting Ltd was fined £90,000. Its supervisor, Amir Qadri, gave evidence for the "
            "prosecution and was not charged. A charge against the company's engineer, Rhys Pengelly, was withdrawn. "
            "Inspector Jane Moss said the case should serve as a warning to others.\n")
    got = people(text, "en")
    assert set(got) == {"Holdgate Lifting Ltd"}


def test_en_possessive_crew_chief_named_then_surname_sentence():
    text = ("Tree firm boss jailed\nMarston's crew chief, Leon Price, pleaded no contest to reckless endangerment. "
            "Price, 29, was placed on probation for two years.\n")
    got = people(text, "en")
    assert got["Leon Price"].role == "crew chief" and got["Leon Price"].sanction == "transfer_to_judicial_organs"


def test_zh_granted_real_names_with_post_before_and_own_sanction_each():
    text = ("关于两起事故问责情况的通报\n经研究，给予时任安平县应急管理局副局长的周远航政务警告处分；"
            "给予安平镇党委委员、副镇长马晓东（分管安全生产）党内严重警告处分；对县交通运输局运政股股长谭小川进行诫勉谈话。"
            "决定分别给予安平县水利局河道管理站站长钱立同志政务记过处分、该站管理员孔亮同志批评教育。\n")
    got = people(text, "zh")
    assert set(got) == {"周远航", "马晓东", "谭小川", "钱立", "孔亮"}
    assert (got["周远航"].role, got["周远航"].organisation, got["周远航"].sanction) == ("副局长", "安平县应急管理局", "warning")
    assert got["马晓东"].role == "党委委员、副镇长（分管安全生产）" and got["马晓东"].sanction == "serious_warning"
    assert got["谭小川"].sanction == "admonishment_talk" and got["谭小川"].role == "运政股股长"
    assert got["钱立"].sanction == "demerit" and got["孔亮"].sanction == "criticism_education"
    assert (got["孔亮"].role, got["孔亮"].organisation) == ("河道管理站管理员", "安平县水利局")


def test_zh_kind_of_party_before_a_firm_name_and_a_later_back_reference():
    text = ("地盘意外 承建商被罚\n总承建商恒达建筑工程有限公司未为工人提供安全带。劳工处已对总承建商开出违例通知。\n")
    got = people(text, "zh")
    assert set(got) == {"恒达建筑工程有限公司"}
    assert got["恒达建筑工程有限公司"].role == "总承建商" and got["恒达建筑工程有限公司"].sanction == "other"
    text = "处理决定\n施工单位青岭建设工程有限公司被依法处以罚款30万元。\n"
    got = people(text, "zh")
    assert set(got) == {"青岭建设工程有限公司"} and got["青岭建设工程有限公司"].role == "施工单位"


def test_zh_a_crew_named_after_its_head():
    text = "情况说明\n建房由村民龙春生组织的建房队承建，无施工资质。建议对龙春生建房队依法予以查处。\n"
    got = people(text, "zh")
    assert (got["龙春生"].role, got["龙春生"].organisation) == ("建房队负责人", "龙春生建房队")


def test_en_reported_list_of_titled_people_and_a_council_officer_suspended():
    text = ("Two charged over trench death\nPolice said on Monday that builder Ross Keane, 52, of Ardee, and site manager "
            "Nora Blake, 38, had been charged with manslaughter. The district council confirmed that its building inspector, "
            "Tom Furlong, has been suspended from duty. A neighbour, Ann Walsh, said she had warned them.\n")
    got = people(text, "en")
    assert set(got) == {"Ross Keane", "Nora Blake", "Tom Furlong"}
    assert got["Ross Keane"].role == "builder" and got["Nora Blake"].role == "site manager"
    assert got["Nora Blake"].sanction == "transfer_to_judicial_organs"
    assert (got["Tom Furlong"].role, got["Tom Furlong"].sanction) == ("building inspector", "organisational_handling")


def test_zh_reported_lead_party_bracket_and_qi_in_the_next_sentence():
    text = ("某县化工厂事故调查报告公布\n报告显示，远大化工有限公司法定代表人韦某某、安全总监郁某某因涉嫌重大责任事故罪，已被依法逮捕。"
            "县应急管理局监管股股长岑某（中共党员）未予查处，其被给予政务记大过处分。"
            "县工业园区管理委员会副主任单某某，分管安全生产工作。其检查流于形式，被给予党内警告处分。"
            "在事故中死亡的操作工苗某某未持证上岗。\n")
    got = people(text, "zh")
    assert set(got) == {"韦某某", "郁某某", "岑某", "单某某"}
    assert got["岑某"].role == "监管股股长" and got["岑某"].sanction == "major_demerit"
    assert got["单某某"].sanction == "warning" and got["单某某"].role == "管委会副主任（分管安全生产）"


def test_zh_masked_name_in_a_taiwan_judgment_and_the_firm_without_the_clause_before_it():
    text = ("工地坠落 营造公司负责人判刑\n法院依业务过失致死罪，判处承揽该工程的建丰营造有限公司负责人许○○有期徒刑五月；"
            "工地主任郭姓男子则判处有期徒刑三月。建丰营造有限公司科处罚金新台币十万元。死者为粗工张○○。\n")
    got = people(text, "zh")
    assert set(got) == {"许○○", "建丰营造有限公司"}
    assert (got["许○○"].role, got["许○○"].organisation) == ("负责人", "建丰营造有限公司")
    assert got["许○○"].sanction == "transfer_to_judicial_organs"


def test_en_according_to_lead_surname_plea_then_judge_sentenced_him_and_company_probation():
    text = ("Contractor sentenced\nAccording to court documents, Wade Pryor, 51, the owner of Pryor Masonry LLC, sent workers "
            "onto an unbraced wall. Pryor pleaded guilty in May to a willful violation. In addition to the prison term, U.S. "
            "District Judge Ellen Ames sentenced him to one year of supervised release. The company itself was placed on "
            "probation for two years. Pryor's brother, Cole Pryor, was not charged.\n")
    got = people(text, "en")
    assert set(got) == {"Wade Pryor", "Pryor Masonry LLC"}
    assert (got["Wade Pryor"].role, got["Wade Pryor"].organisation) == ("owner", "Pryor Masonry LLC")
    assert got["Wade Pryor"].sanction == got["Pryor Masonry LLC"].sanction == "transfer_to_judicial_organs"


def test_en_operator_of_the_workshop_is_a_subject_and_keeps_the_item_before_apart():
    text = ("Notice of the county commission\nWen Lisha, Party branch secretary of Baitan Village, failed to report the "
            "workshop. The Commission decided that she be admonished. The operator of the workshop, Gu Dahai, has been "
            "arrested by the public security organs.\n")
    got = people(text, "en")
    assert got["Wen Lisha"].sanction == "admonishment_talk"
    assert got["Gu Dahai"].sanction == "transfer_to_judicial_organs"


def test_zh_a_defendant_is_no_post_in_a_judgment():
    text = ("一审判决\n据此，法院以重大责任事故罪判处被告人阮某某有期徒刑二年；判处被告人邝某有期徒刑一年，缓刑一年六个月。"
            "公司仓库管理员莫某某作为证人出庭作证。\n")
    got = people(text, "zh")
    assert set(got) == {"阮某某", "邝某"}
    assert got["邝某"].role is None and got["邝某"].organisation is None
    assert got["阮某某"].sanction == "transfer_to_judicial_organs"
