"""Post normalisation: the post and organisation of a person held accountable, as written in a report
("deputy director in charge of hazardous chemicals" at "Zhaoyang County Work Safety Supervision
Bureau", 沙河县安全生产监督管理局党组成员、副局长), read as a group an investigator compares across
cases: "County emergency management / work safety body — deputy head" (县级应急管理（安全监管）部门副职).

A group is three parts, each decided by a short list of written rules (English and Chinese):

- tier: the level of government the organisation belongs to, from the last administrative unit its
  name names (省 / Province, 市 / City, 县 区 / County District, 镇 乡 街道 / Town Township Sub-district,
  村 社区 / Village Community; 市场 is not a city, 园区 开发区 are development zones). Enterprises have none.
- body: what kind of organisation (BODIES, first match wins: party committee, people's government,
  village committee, development-zone management committee (管委会), emergency management / work
  safety, fire and rescue, public security, housing and construction, transport, natural resources,
  market supervision, industry and economy (coal, energy), urban management, water / ocean / fisheries,
  another sector department; an enterprise where its name says so (Co., Ltd., 公司), or by weaker words
  (plant, mine, team, 工程队) when no government body is named; a government department otherwise).
- rank: the post within it (GOV_RANKS / ENTERPRISE_RANKS, first match wins: a deputy before a head,
  a section chief before a head, the chairman or legal representative before the general manager).

The group's id is "tier:body:rank" (e.g. "county:emergency:deputy_head", "-:enterprise:principal"),
and its label is composed from the parts' names in the reader's language (LABELS)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# -- tier ---------------------------------------------------------------------------------------------
_ZH_TIER = re.compile(r"省|自治区|市(?!场)|自治州|州|县|旗|(?<![园开社])区(?!域)|镇|乡|街道|(?<!农)村|社区")
_ZH_TIER_OF = {"省": "province", "自治区": "province", "市": "city", "自治州": "city", "州": "city", "县": "county",
               "旗": "county", "区": "county", "镇": "township", "乡": "township", "街道": "township",
               "村": "village", "社区": "village"}
_EN_TIER = [
    (re.compile(r"\bvillage\b|\b(?:community|neighbourhood|residents') committee\b", re.I), "village"),
    (re.compile(r"\b(?:town|township|sub-?district)\b", re.I), "township"),
    (re.compile(r"\b(?:county|district|borough|new area|development zone)\b", re.I), "county"),
    (re.compile(r"\b(?:city|municipal|municipality)\b", re.I), "city"),
    (re.compile(r"\b(?:province|provincial|state|territory)\b", re.I), "province"),
]

# -- body ---------------------------------------------------------------------------------------------
_STRONG_ENTERPRISE = (re.compile(r"\bco\.?,? ?ltd\b|\bcompany\b|\bltd\b|\blimited\b|\bllc\b|\binc\b|\bcorporation\b|\bplc\b", re.I),
                      re.compile(r"公司|企业|集团|合作社|个体"))
_WEAK_ENTERPRISE = (re.compile(r"\b(?:plant|factory|mine|quarry|team|gang|contractor|employer|operator|undertaker|agency|"
                               r"restaurant|hub|works|(?:filling|gas|petrol) station|private)\b", re.I),
                    re.compile(r"工厂|厂$|煤矿|矿井|工程队|施工队|作业队|班组|加油站|商行|门店|餐馆|饭店|酒店|作坊"))
BODIES: list[tuple[str, str, str]] = [  # (id, English pattern, Chinese pattern); first match wins
    ("party", r"party committee|party working committee|discipline inspection", r"党委|党工委|党组(?!成员)|纪委|监委"),
    ("village", r"\bvillage\b|residents' committee|community committee", r"村民委员会|村委会|居委会|村$|村党|社区$"),
    ("zone", r"management committee|administrative committee", r"管委会|管理委员会"),
    ("emergency", r"emergency management|work safety|safety supervision bureau|safety production office|safety committee",
     r"应急管理|安全生产监督|安监局|安委会|安委办|安全生产委员会|安全生产办公室|安办"),
    ("fire", r"fire (?:and rescue|brigade|department|service|supervision)", r"消防"),
    ("police", r"public security|police", r"公安|交警|派出所"),
    ("housing", r"housing|construction|building|planning", r"住建|住房和城乡建设|建设局|建管|规划|质安站|安监站|建设工程"),
    ("transport", r"transport|traffic|highway|road|port administration", r"交通|运输|公路|港航|港口"),
    ("resources", r"natural resources|land|mining rights|geolog", r"自然资源|国土|矿产|地矿"),
    ("market", r"market supervision|quality|industry and commerce|food and drug", r"市场监(?:督|管)|质监|质量技术|工商|食药"),
    ("industry", r"industry and information|economic|industry bureau|coal industry|energy",
     r"工业和信息化|工信|经信|经济|煤炭|能源|工业"),
    ("urban", r"urban management|city management|gas management|municipal (?:administration|utilities)",
     r"城管|城市管理|城乡管理|市政|燃气管理"),
    ("water", r"ocean|fisher|maritime|water resources|water conservancy", r"海洋|渔业|海事|水利|水务"),
    ("commerce", r"commerce|trade bureau|agricultur|education|health|culture|tourism|ecolog|environment",
     r"商务|农业|农村|教育|卫生|文化|旅游|生态|环境"),
    ("government", r"people's government|government|sub-?district office|town office|county office|magistrate",
     r"人民政府|政府|街道办|办事处"),
]
_BODY_RES = [(b, re.compile(en, re.I), re.compile(zh)) for b, en, zh in BODIES]

# -- rank ---------------------------------------------------------------------------------------------
GOV_RANKS: list[tuple[str, str, str]] = [  # (id, English, Chinese); first match wins
    ("deputy_secretary", r"deputy (?:party )?secretary", r"副书记"),
    ("secretary", r"\bsecretary\b", r"书记"),
    ("deputy_gov_head", r"deputy (?:county |district |town |township |city )?(?:head|magistrate|mayor)(?! of the)|"
                        r"deputy head of (?:the )?(?:\w+ )?government|vice[- ]mayor",
     r"副(?:省|市|州|县|区|镇|乡)长|副(?:主任)(?=.{0,4}(?:管委会|办事处))"),
    ("gov_head", r"\b(?:county|district|town|township|city) head\b|magistrate|\bmayor\b|head of (?:the )?(?:\w+ )?government",
     r"(?<!副)(?:省|市|州|县|区|镇|乡)长"),
    ("section_chief", r"(?:chief|head|director|leader) of (?:the |a )?[\w ,&-]{0,60}?(?:section|division|unit|squad|office|"
                      r"team|brigade|station|department)|section chief|deputy chief of|squad leader",
     r"科长|股长|所长|中队长|站长|组长|主任科员|大队长"),
    ("deputy_head", r"deputy (?:director|head|chief|captain|commander)|vice[- ](?:director|chairman)|in charge of",
     r"副(?:局长|主任|队长|站长|支队长|大队长|处长|厅长)|分管"),
    ("head", r"\b(?:director|head|chief|captain|commander|chairman)\b", r"局长|主任|队长|支队长|处长|厅长|负责人"),
    ("staff", r"inspector|member|officer|clerk|staff|enforcement|official|employee|cadre",
     r"科员|执法|监察员|工作人员|干部|办事员|监管员|专管员|安全员|队员|监督员|稽查员|民警|巡查员|协管员|网格员"),
]
ENTERPRISE_RANKS: list[tuple[str, str, str]] = [  # first match wins
    ("body", r"^(?:the )?(?:enterprise|company|employer|operator|contractor|[\w /&-]*(?:contractor|company|carrier|"
             r"enterprise|operator|agency|undertaker|station|employer))$",
     r"单位|^(?:企业|公司)$"),
    ("principal", r"chairman|legal representative|owner|actual controller|proprietor|\bboss\b|\bpresident\b",
     r"董事长|理事长|法定代表人|法人代表|实际控制人|实际经营者|经营者|所有人|业主|老板|投资人|股东|搭建人"),
    ("deputy_manager", r"deputy (?:general |mine |plant )?manager|vice[- ]president|deputy director",
     r"副总经理|副经理|副矿长|副厂长|副总"),
    ("safety", r"safety|\bhse\b|\behs\b", r"安全"),
    ("project", r"project|site (?:manager|supervisor)|supervising engineer|supervisor of works|engineer",
     r"项目|监理|工程师|技术负责人"),
    ("supervisor", r"workshop|foreman|supervisor|team leader|crew leader|shift|ganger|squad|gang|head of|leader|"
                   r"manager of", r"车间|班组长|班长|队长|工段|组长|带班|主任|科长|主管|部长"),
    ("manager", r"general manager|managing director|mine manager|plant manager|director|\bmanager\b|"
                r"person in charge", r"总经理|经理|矿长|厂长|主要负责人|负责人|站长"),
    ("worker", r"worker|operator|driver|electrician|welder|repairer|labourer|crane|shot-?firer|clerk|skipper|technician",
     r"工人|作业人员|操作工|司机|驾驶员|电工|焊工|维修工|爆破员|操作人员|员工|监控员|专责|工$"),
]
_GOV_RES = [(r, re.compile(en, re.I), re.compile(zh)) for r, en, zh in GOV_RANKS]
_ENT_RES = [(r, re.compile(en, re.I), re.compile(zh)) for r, en, zh in ENTERPRISE_RANKS]

LABELS: dict[str, dict[str, tuple[str, str]]] = {  # part -> id -> (English, Chinese)
    "tier": {"province": ("Provincial", "省级"), "city": ("City", "市级"), "county": ("County / district", "县（区）级"),
             "township": ("Township / sub-district", "乡镇（街道）"), "village": ("Village / community", "村（社区）"),
             "-": ("", "")},
    "body": {"enterprise": ("enterprise", "企业"), "party": ("Party committee", "党委"), "village": ("committee", "两委"),
             "zone": ("development zone management committee", "开发区（园区）管委会"),
             "emergency": ("emergency management / work safety body", "应急管理（安全监管）部门"),
             "fire": ("fire and rescue body", "消防救援机构"), "police": ("public security body", "公安机关"),
             "housing": ("housing and construction body", "住房城乡建设部门"), "transport": ("transport body", "交通运输部门"),
             "resources": ("natural resources body", "自然资源部门"), "market": ("market supervision body", "市场监管部门"),
             "industry": ("industry and economy body", "工业和经济部门"), "urban": ("urban management body", "城市管理部门"),
             "water": ("water, ocean and fisheries body", "水利海洋渔业部门"), "commerce": ("other sector department", "其他行业部门"),
             "government": ("people's government", "人民政府"), "department": ("government department", "政府部门"),
             "unknown": ("organisation not stated", "单位未写明")},
    "rank": {"secretary": ("Party secretary", "书记"), "deputy_secretary": ("deputy Party secretary", "副书记"),
             "gov_head": ("head of government", "主要负责人"), "deputy_gov_head": ("deputy head of government", "分管负责人"),
             "head": ("head", "主要负责人"), "deputy_head": ("deputy head", "分管负责人（副职）"),
             "section_chief": ("section or unit chief", "科（股、站、队）负责人"), "staff": ("staff or inspector", "工作人员"),
             "body": ("the enterprise itself", "企业本身"),
             "principal": ("chairman, legal representative or owner", "董事长、法定代表人或实际控制人"),
             "manager": ("general manager or site head", "总经理或主要负责人"), "deputy_manager": ("deputy manager", "副总经理（副职）"),
             "safety": ("safety manager", "安全管理人员"), "project": ("project or site manager", "项目（现场、监理）负责人"),
             "supervisor": ("workshop or team leader", "车间、班组负责人"), "worker": ("worker or operator", "作业人员"),
             "other": ("other post", "其他职务")},
}


@dataclass(frozen=True)
class PostGroup:
    tier: str  # province | city | county | township | village | "-" (enterprises)
    body: str
    rank: str

    @property
    def id(self) -> str:
        return f"{self.tier}:{self.body}:{self.rank}"

    def label(self, lang: str = "en") -> str:
        i = 1 if lang == "zh" else 0
        tier, body, rank = (LABELS[p][v][i] for p, v in (("tier", self.tier), ("body", self.body), ("rank", self.rank)))
        if lang == "zh":
            return f"{tier}{body}{rank}" if self.body != "enterprise" else f"企业{rank}" if self.rank != "body" else rank
        if self.body == "enterprise":
            return "Enterprise: " + rank if self.rank != "body" else "The enterprise itself"
        head = f"{tier} {body}".strip()
        return (head[0].upper() + head[1:]) + ": " + rank


def _zh(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text or "")


def tier_of(organisation: str) -> str:
    """The level of government an organisation's name places it at (the last unit it names)."""
    org = organisation or ""
    if _zh(org):
        last = None
        for m in _ZH_TIER.finditer(org):
            last = m.group(0)
        return _ZH_TIER_OF.get(last, "-") if last else "-"
    for pat, tier in _EN_TIER:  # the lowest unit named wins (a town of a county is a township body)
        if pat.search(org):
            return tier
    return "-"


def body_of(organisation: str, post: str = "") -> str:
    """An organisation's kind: an enterprise where its name says so (Co., Ltd., 公司), else the first
    government body of BODIES its name names, else an enterprise by weaker words (plant, mine, team,
    工程队), else what the post names ("deputy county head"), else a government department."""
    org = organisation or ""
    zh = 1 if _zh(org) else 0
    if _STRONG_ENTERPRISE[zh].search(org):
        return "enterprise"
    for body, en, zh_re in _BODY_RES:
        if (zh_re if zh else en).search(org):
            return body
    if _WEAK_ENTERPRISE[zh].search(org):
        return "enterprise"
    text = post or ""
    for body, en, zh_re in _BODY_RES:  # no organisation: the post may say it ("deputy county head")
        if (zh_re if _zh(text) else en).search(text):
            return body
    return "unknown" if not org.strip() else "department"


def rank_of(post: str, enterprise: bool) -> str:
    text = (post or "").strip()
    for rank, en, zh in (_ENT_RES if enterprise else _GOV_RES):
        if (zh if _zh(text) else en).search(text):
            return rank
    return "other"


def post_group(person: dict) -> PostGroup:
    """The group of one accountability item ({"person", "role", "organisation", "level", ...})."""
    post = person.get("role") or ""
    org = person.get("organisation") or ""
    if org.strip().lower() in ("none", "null"):
        org = ""
    body = body_of(org, post)
    enterprise = body == "enterprise" or person.get("level") == "enterprise" and body in ("unknown", "department")
    if enterprise:
        who = (person.get("person") or "").strip()
        rank = "body" if who and (who == org.strip() or body_of(who) == "enterprise" and not post) else rank_of(post, True)
        return PostGroup("-", "enterprise", rank)
    rank = rank_of(post, False)
    tier = tier_of(org) if org else tier_of(post)
    if body == "government":  # the head of a government or its office is the head of government
        rank = {"head": "gov_head", "deputy_head": "deputy_gov_head"}.get(rank, rank)
    elif rank in ("gov_head", "deputy_gov_head"):  # 管委会主任 is the head of the committee
        rank = "head" if rank == "gov_head" else "deputy_head"
    return PostGroup(tier, body, rank)
