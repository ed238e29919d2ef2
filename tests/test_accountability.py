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
    assert got["Mr. Wang Jun"].sanction == "major_demerit"
    assert got["Mr. Wang Jun"].organisation == "Lanshan County Transport Bureau"
    assert got["Mr. Wang Jun"].level == "industry_supervision"
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
