"""Is a cue in a sentence asserted, denied, reported or part of a claim the investigators reject?

"The inspector denied that the checks were a formality", "the team found no evidence of
concealment", "调查组未发现瞒报证据" and "我没有跟矿上串通瞒报" deny the cue; "Zhou said the
checks were only a formality" reports it (a statement, weaker than a finding); "The team does not
accept the officer's explanation that ..." rejects the claim that follows. A contrast ("but",
"however", 但) between the trigger and the cue ends the trigger's reach. No finding either way: a
question the team examined ("whether the accident was concealed", 是否存在瞒报), a sentence clearing
someone ("未发现其存在失职失责问题", "no failing was found"), a shortcoming the report says did not
cause the accident ("which had no bearing on it"; `disclaims_previous` reads the same in the next
sentence), and a hazard reported fixed and re-checked."""

from __future__ import annotations

import re

ASSERTED, DENIED, REPORTED, REJECTED = "asserted", "denied", "reported", "rejected"
RECOMMENDED = "recommended"  # an exhortation or recommendation ("must be opposed", 要进一步明确): no finding
CLEARED = "cleared"  # the sentence clears someone of failings ("未发现其存在失职问题"): no evidence either way
QUESTIONED = "questioned"  # the object of an inquiry ("examined whether the accident was concealed", 是否存在瞒报): no finding

_EN_DENY = re.compile(
    r"\b(?:den(?:y|ies|ied|ying)|disput(?:e|es|ed|ing)|refut(?:e|es|ed|ing)|rebut(?:s|ted)?|"
    r"(?:there|it) (?:is|was|has been) no (?:evidence|indication|sign|proof|record)|no evidence|without evidence|"
    r"(?:found|finds|find|identified|saw) no|did not find|(?:is|was) not (?:true|the case)|ruled out|cleared of|"
    r"not (?:established|substantiated|proven)|nothing to (?:show|suggest|criticise|criticize)|(?:has|have) not found)\b", re.I)
_EN_DENY_AFTER = re.compile(
    r"^[^.;]{0,60}?\b(?:(?:was|were|is|are|has been|have been) (?:not (?:established|substantiated|supported|proven|found|borne out)|"
    r"unfounded|untrue|false|ruled out)|did not happen|found (?:that )?(?:it|they|this|that) (?:was|were|had|did) not|"
    r"cannot be faulted)\b", re.I)
_EN_REJECT = re.compile(r"\b(?:does|do|did) not accept|(?:rejects?|rejected|dismissed) (?:the |his |her |their |this )?"
                        r"(?:claim|explanation|argument|suggestion|account|assertion|excuse)|not accepted", re.I)
_EN_REPORT = re.compile(r"\b(?:said|says|claimed|claims|stated|(?<!United )(?<!Member )states|told|explained|insisted|argued|maintained|alleged|allegedly|"
                        r"according to|believed|thought|asserted)\b", re.I)
_EN_FINDING = re.compile(r"\b(?:team|investigation|investigators|inquiry|commission) (?:has |have )?"
                         r"(?:found|finds|establish(?:ed|es)|conclud(?:ed|es)|consider(?:s|ed)|determined|holds)\b", re.I)
_EN_ACT_NEG = re.compile(r"\b(?:no|not|never|nor|neither|nothing|without|n't)\b(?:\W+[\w'-]+){0,2}\W*$", re.I)
_EN_MODAL = re.compile(r"\b(?:must|shall|should(?! have)|need(?:s)? to|ought to|is to be|are to be)\b", re.I)
_EN_MODAL_AFTER = re.compile(r"^[^.;]{0,40}?\b(?:must|shall|should(?! have)|need(?:s)? to) (?:be|not|no longer)\b", re.I)
_EN_WHETHER = re.compile(r"\bwhether\b", re.I)
# the sentence is about an inquiry, the cue in its preamble: "Because unlicensed sub-teams are a known problem,
# the team examined whether Hengyuan had passed the work on", 针对转包问题，调查组核查了是否……
_EN_INQUIRY_AFTER = re.compile(r"\b(?:examined|checked|considered|looked (?:into|at)|investigated|assessed|verified|asked) whether\b", re.I)
_ZH_INQUIRY_AFTER = re.compile(r"(?:核查|调查|查明|核实|审查|检查|了解)(?:了)?[^。；]{0,16}是否")
# a finding that clears someone of failings: "no failing on the bureau's part was found", "the office performed
# its duties"; such a sentence is no evidence of the failings its other words name
_EN_CLEARED = re.compile(
    r"\b(?:no (?:failing|failure|fault|dereliction|breach|misconduct|shortcoming)s? (?:[\w' ]{0,40})?(?:was|were|has been|have been|could be) "
    r"(?:found|established|identified)|(?:was|were) not found to have (?:failed|neglected|breached)|"
    r"found no (?:failing|failure|fault|dereliction|breach|misconduct|shortcoming)s?|(?:performed|discharged|fulfilled) (?:its|his|her|their) "
    r"(?:duties|duty|responsibilit(?:y|ies)) (?:properly|adequately|as required|in full)|(?:is|are|was|were) not (?:held )?(?:responsible|at fault|to blame)|"
    r"(?:response|rescue|evacuation) (?:was|were) (?:prompt|timely|sound|effective|competent|well (?:run|conducted|organi[sz]ed)))\b", re.I)
_EN_BREAK = re.compile(r"\b(?:but|however|whereas|although|though|yet|while)\b|[;:]", re.I)

_ZH_DENY = re.compile(r"否认|不承认|并非|不存在|没有证据|无证据|(?:未|没有)发现[^，。；]{0,12}$|未发现[^，。；]{0,12}(?:证据|迹象)|"
                      r"排除了?|不属实|查无实据|不成立|未查[实明]")
_ZH_REJECT = re.compile(r"不予采信|不采信|不予认可|不能成立|不予支持")
_ZH_CLEARED = re.compile(r"^(?:未|没有)发现[^。；，]{0,16}(?:失职|违规|违法|问题|行为)")  # the cue "未发现" clearing
_ZH_REPORT = re.compile(r"(?:辩称|声称|称|表示|解释|说|认为|反映)")
_ZH_FINDING = re.compile(r"调查(?:组)?(?:认定|查明|认为|发现)|经查|经调查")
_ZH_ACT_NEG = re.compile(r"(?:(?:没有|没|未曾|并未|从未|不曾|从没|并无|无|未(?!经))[^，。；,;！？]{0,6}|不)$")
_ZH_REJECT_AFTER = re.compile(r"^[^。；]{0,24}(?:说法|辩解|解释|理由)[^。；，]{0,4}(?:不予采信|不采信|不能成立|不成立|不予认可)")
# a call to action ("各级党员干部要深刻汲取教训，坚决克服……", "要进一步明确"): the sentence opens with its subject and a
# modal verb, and what follows is what must be done, not what was found; unless it goes on to say the duty was
# not done ("应当加强监管而未加强")
_ZH_MODAL = re.compile(r"^[^，。；]{0,16}?(?:要|应当|必须|务必|须)(?:进一步|坚决|切实|认真|严格|全面|加强|明确|强化|落实|督促|建立|"
                       r"杜绝|防止|反对|深刻|牢固|始终|时刻|真正|主动|扎实|着力)")
_ZH_DUTY_UNDONE = re.compile(r"(?:而|却|但|但是)(?:未|没有|并未|从未|不)")
# an imperative of its own inside the clause ("坚决克服……以文件落实文件的形式主义", "切实防止"): what is to be overcome is
# named, not found (not after a negation: "未切实防止" is a finding)
_ZH_EXHORT = re.compile(r"(?<![未没不])(?:坚决|切实|着力|努力|认真)(?:克服|杜绝|防止|反对|纠正|整治|遏制|破除|纠治)")
_ZH_WHETHER = re.compile(r"是否")
# the report says the shortcoming did not cause the accident ("但该问题与本次事故没有直接关系", "which had no bearing
# on the outcome"): a remark, not one of the case's issues
_ZH_NOT_CAUSE = re.compile(r"(?:与|同)(?:本次|本起|此次|该起)?(?:事故|事故发生|事故后果|人员(?:死亡|伤亡))[^。；]{0,6}(?:无|没有|不存在)[^。；]{0,4}(?:直接|因果)?(?:关联|关系|联系)|"
                           r"(?:不是|并非|不构成|不属于)[^。；]{0,12}(?:事故|死亡|伤亡)[^。；]{0,6}(?:原因|因素)|(?:未|没有)(?:对|给)[^。；]{0,16}(?:造成|产生)影响|"
                           r"不(?:认定|作为)[^。；]{0,10}(?:原因|因素)")
_EN_NOT_CAUSE = re.compile(r"\b(?:(?:had|has|have|bore|bears|with) no (?:\w+ )?(?:bearing|link|connection|relation|effect|influence|part)|"
                           r"(?:was|were|is|are) not (?:a |the |among the )?(?:\w+ )?(?:cause|factor)s?|did not (?:contribute|cause|affect|play a part|bear on|bear upon|influence)|"
                           r"(?:has|had|have) nothing to do with|irrelevant to|"
                           r"(?:does|do|did) not (?:regard|consider|treat|see) [^.;]{1,60}? as (?:a |the |an? (?:\w+ )?)?(?:cause|factor)|"
                           r"(?:does|do|did) not (?:regard|consider|find) [^.;]{1,60}? to have (?:affected|caused|contributed|influenced)|"
                           r"(?:not|no) (?:causally |directly )?(?:connected|linked|related) (?:to|with) the (?:accident|death|deaths|fire|explosion|outcome)|"
                           r"unrelated to the (?:accident|death|deaths|fire|explosion|outcome))\b", re.I)
# the hazard was put right and the fix checked ("总包于8月16日整改回复，监督站于8月20日现场复查确认", "followed up and closed
# after a site visit"): no hazard left unrectified
_ZH_FIXED = re.compile(r"(?:整改回复|复查(?:确认|合格|通过|销号)|整改到位[^。；]{0,6}(?:复查|核实|确认)|已(?:全部)?整改(?:完毕|完成|到位)|完成(?:了)?整改)")
_EN_FIXED = re.compile(r"\b(?:(?:were|was|had been) (?:corrected|rectified|remedied|put right|fixed)|(?:followed|follow(?:ed)?) (?:it )?up|"
                       r"(?:re-?inspected|re-?checked|verified) (?:on site|the (?:repair|correction|rectification))|closed (?:it |the order |the notice )?after a (?:site )?visit)\b", re.I)
_ZH_CLEARED_ANY = re.compile(r"(?:未|没有)(?:发现|查出|查实)[^。；]{0,24}(?:失职|失责|渎职|违纪|过错)|(?:未|没有)发现其[^。；]{0,20}(?:问题|违规|违法)|"
                             r"(?:依法|依规|按规定|认真)?履行了[^。；]{0,12}职责|不负有[^。；]{0,6}责任|不存在[^。；]{0,10}(?:失职|失责|渎职|过错)|"
                             r"不(?:予)?认定[^。；]{0,10}(?:失职|失责|渎职|过错|责任|问题)|(?<![未不没])(?:依法依规|按规定|认真)(?:进行|开展|履职)|"
                             r"(?<![未不没])认真履职的|(?:应急)?(?:处置|救援)(?:总体|基本)?(?:得当|及时有效|及时、有效)|(?:程序|执法|检查)[^。；]{0,6}(?:规范|到位)[^。；]{0,10}(?:不|未)[^。；]{0,4}(?:认定|追究)")
_ZH_BREAK = re.compile(r"但|然而|可是|却|；|;")

# tags whose cues name an act (concealing, bribing, box-ticking, subcontracting): "did not conceal"
# denies them; the other tags' cues name a failure and carry their own negation ("not inspected")
ACT_TAGS = {"concealment_or_false_reporting", "abuse_of_power_or_corruption", "formalism_bureaucratism",
            "illegal_subcontracting_or_unlicensed"}


def polarity(sentence: str, start: int, end: int, tag: str = "") -> str:
    """How the cue at sentence[start:end] stands in the sentence."""
    zh = bool(re.search(r"[\u4e00-\u9fff]", sentence[max(0, start - 12):end + 4]))
    before, after = sentence[:start], sentence[end:]
    brk = _ZH_BREAK if zh else _EN_BREAK
    scope = before
    last_break = None
    for m in brk.finditer(before):
        last_break = m
    if last_break is not None:
        scope = before[last_break.end():]
    deny, reject, report, finding, act = (_ZH_DENY, _ZH_REJECT, _ZH_REPORT, _ZH_FINDING, _ZH_ACT_NEG) if zh else \
        (_EN_DENY, _EN_REJECT, _EN_REPORT, _EN_FINDING, _EN_ACT_NEG)
    if reject.search(scope):
        return REJECTED
    if deny.search(scope) or (zh and _ZH_CLEARED.search(sentence[start:])):
        return DENIED
    if not zh and _EN_DENY_AFTER.search(after):
        return DENIED
    if zh and _ZH_REJECT_AFTER.search(after):
        return REJECTED
    if (zh and _ZH_CLEARED_ANY.search(sentence)) or (not zh and _EN_CLEARED.search(sentence)):
        return CLEARED
    if (_ZH_WHETHER if zh else _EN_WHETHER).search(scope) or (_ZH_INQUIRY_AFTER if zh else _EN_INQUIRY_AFTER).search(after):
        return QUESTIONED
    if (_ZH_NOT_CAUSE if zh else _EN_NOT_CAUSE).search(sentence):
        return CLEARED
    if tag == "hazard_not_rectified" and (_ZH_FIXED if zh else _EN_FIXED).search(after):
        return CLEARED
    if zh and re.match(r"^[^，。；]{0,6}(?:不属实|不成立|不存在)|^[^。；]{0,16}(?:并?已(?:整改|落实|消除)|整改闭合)", after):
        return DENIED
    if zh and ((_ZH_MODAL.search(sentence) and not _ZH_DUTY_UNDONE.search(sentence)) or _ZH_EXHORT.search(scope)):
        return RECOMMENDED
    if not zh and (_EN_MODAL.search(scope) or _EN_MODAL_AFTER.search(after)):
        return RECOMMENDED
    if tag in ACT_TAGS and act.search(scope):
        return DENIED
    if report.search(scope) and not finding.search(scope):
        return REPORTED
    return ASSERTED


_EN_BACKREF = re.compile(r"^(?:this|these|that|those|neither|none of (?:these|them|this)|both|it|they|such|but|however)\b", re.I)
_ZH_BACKREF = re.compile(r"^(?:但|不过|然而)|^[，,]?(?:该|此|这|上述|以上|前述|两者|二者|这些)")


# a negative subject with a plain verb: "Neither point bore on this accident.", "None of these contributed to it."
_EN_NONE_CAUSED = re.compile(r"^(?:neither|none of)\b[^.;]{0,40}\b(?:bore on|bears on|contributed|caused|affected|played (?:a|any) part|"
                             r"had (?:any )?(?:bearing|effect|influence)|was (?:a )?(?:cause|factor)|(?:is|was) (?:linked|related|connected))",
                             re.I)


def disclaims_previous(sentence: str) -> bool:
    """Whether a sentence says that what the one before it described did not cause the accident
    ("Neither point bore on the accident.", 上述问题与事故发生无直接关系。)."""
    s = sentence.strip()
    zh = bool(re.search(r"[\u4e00-\u9fff]", s[:12]))
    if not (_ZH_BACKREF if zh else _EN_BACKREF).match(s):
        return False
    if not zh and _EN_NONE_CAUSED.match(s):
        return True
    return bool((_ZH_NOT_CAUSE if zh else _EN_NOT_CAUSE).search(s))
