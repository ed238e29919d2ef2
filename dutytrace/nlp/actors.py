"""Who acts in a clause: an enterprise or a public body.

Some issues belong to one kind of actor only: `inadequate_inspection` is a failing of regulators and
local government ("the bureau did not inspect the site"), while "the company did not inspect its
scaffold" is the enterprise's own failing. `ActorIndex.actor_before(text, pos)` names the actor of the
clause that holds `pos`: the first organisation, post or person named in that clause before `pos` and,
in English, before its verb (the subject comes first in both languages; a Chinese prepositional object,
对恒远公司, is skipped), else in the clauses before it ("the bureau inspected twice, and did not visit
the site"). A name counts by its head word ("Lianhu District Construction Co., Ltd." is an enterprise,
"... Construction Safety Supervision Station" a public body); a post by the body it is of ("supervisor
at the Station"); the short names a document defines ("hereinafter "Jianfeng"", 以下简称恒远公司) and
the people of its accountability section (邵某某, the company's safety officer) count as what they
stand for. The investigation team is an actor of its own kind: what it did is nobody's failing."""

from __future__ import annotations

import re

ENTERPRISE, GOVERNMENT = "enterprise", "government"
INVESTIGATION = "investigation"  # the investigators' own acts ("the team had the upstream dischargers sampled")

# English heads of organisation names and posts, by kind. Place words (county, district, ...) are heads only
# when no capitalised name goes on after them ("county inspections", not "Lianhu District Construction Co.")
_EN_HEADS = re.compile(
    r"(?P<ent>\b(?:Co\.|Ltd\b|Inc\b|compan(?:y|ies)\b|(?:sub)?contractors?\b|enterprises?\b|employers?\b|firms?\b|"
    r"factory\b|plant\b|owners?\b|operators?\b|project department\b|foreman\b|(?:site|project|safety|production|plant|"
    r"general|shift|workshop|maintenance) (?:manager|director|supervisor|officer)s?\b))|"
    r"(?P<post>\b(?:manager|supervisor|officer|director|head|chief)s?\b)|"
    r"(?P<inv>\b(?:(?:the )?investigation team|(?:the )?team|investigators|inquiry)\b)|"
    r"(?P<gov>\b(?:bureaus?|(?-i:Office)s?|stations?|departments?|administration|governments?|committees?|commissions?|"
    r"brigades?|detachments?|authorit(?:y|ies)|inspectorates?|inspectors?|regulators?|officials?|police|"
    r"(?:supervision|enforcement|inspection|police|fire|grid|government|township|town|county|district) officers?|"
    r"(?:county|township|town|district|municipal|provincial|city)(?=(?-i: [a-z])| ?[,.;]|$))\b)", re.I)
_ZH_HEADS = re.compile(
    r"(?P<ent>公司|企业|工厂|[^\s，。；、]厂(?!区)|项目部|施工单位|建设单位|承包方|承包人|班组|煤业|矿业|矿方|业主|"
    r"项目经理|总经理|经理|厂长|矿长|车间主任|班组长|班长|安全员|安全管理人员|总包|分包|劳务)|"
    r"(?P<inv>调查组|专家组)|"
    r"(?P<gov>局|管委会|委员会|政府|办公室|办事处|(?:管理|监督|监察|执法|检查|检验|监测)(?:所|站|处|支队|大队|中队)|"
    r"大队|中队|支队|街道|乡镇|村委会|监管部门|主管部门|执法人员|监管人员|检查人员|网格员|安监员)")
# a prepositional object comes before the verb in Chinese ("县应急局对恒远公司的检查流于形式"): not the actor
_ZH_OBJECT = re.compile(r"(?:对于|对|向|与|同|给|督促|要求|委托)[^，。；]{0,24}?(?:公司|企业|厂|项目部|单位|煤业|矿业)")
# a post acts for the body it is of ("supervisor at the Station")
_EN_POST = re.compile(r"(?:(?:site|project|safety|production|plant|general|shift|workshop|maintenance) )?"
                      r"(?:manager|director|supervisor|officer|head|chief)s?", re.I)
_EN_POST_OF = re.compile(r"\s+(?:of|at|in|from|with)\s+((?:the\s+)?[^,;:.]{1,80})")
_EN_VERB = re.compile(r"\b(?:had|has|have|was|were|is|are|did|does|do|could|would|should|never|not|failed|closed|signed|"
                      r"made|took|gave|kept|let|allowed|ignored|issued|left|knew|accepted|approved|received|recorded|"
                      r"marked|filed|ordered|told|said|inspected|visited|checked|carried|conducted)\b", re.I)
# clauses, and the reported clause of a finding ("the team found that the bureau ...", 调查组认定县应急局……)
_EN_CLAUSE = re.compile(r"[,;:]|\b(?:and|but|while|whereas|although|though)\b|"
                        r"\b(?:found|finds|established|concluded|considers?|considered|determined|holds|held) that\b", re.I)
_ZH_CLAUSE = re.compile(r"[，；：,;:]|(?:认定|查明|认为|确认)")
_EN_ALIAS = re.compile(r"([A-Z][^()\n]{2,120}?)\s*\((?:hereinafter|hereafter)(?: referred to as| called)?\s*[\"“]?([^\"”)]{2,40}?)[\"”]?\)")
_EN_NAME = re.compile(r"\b([A-Z][a-z]{2,})(?: (?:[A-Z][A-Za-z.&-]*|of|and|for))* (?:Co\.|Ltd\b|Company|Group|Inc\b|Bureau|Office|"
                      r"Station|Department|Administration|Government|Committee|Commission|Brigade|Detachment|Authority)")
_EN_NOT_NAMES = {"the", "this", "that", "its", "their", "his", "her", "county", "district", "city", "municipal",
                 "provincial", "town", "township", "national", "state", "people", "on", "in", "at", "by", "from", "under"}
_ZH_ALIAS = re.compile(r"([\u4e00-\u9fff（）()]{2,40}?)[（(]以下简称[“\"]?([^”\"）)]{2,16}?)[”\"]?[）)]")


def _kind_of_name(name: str, zh: bool) -> str | None:
    """An organisation name's kind by its last head word."""
    last = None
    for m in (_ZH_HEADS if zh else _EN_HEADS).finditer(name):
        last = _kind(m)
    return last if last != INVESTIGATION else None


def _kind(m: re.Match) -> str | None:
    if m.groupdict().get("post"):
        return None
    return ENTERPRISE if m.group("ent") else INVESTIGATION if m.group("inv") else GOVERNMENT


class ActorIndex:
    """The short names one document defines, and the actor of a clause."""

    def __init__(self, text: str, lang: str, people: list | None = None):
        """`people`: the document's accountability entries (person, role, organisation, level): a person
        named in a clause acts for the body of their post ("邵某某未到现场复核" is the company's safety officer)."""
        self.zh = lang == "zh"
        self.aliases: dict[str, str] = {}
        for a in people or ():
            name = (a.person or "").strip()
            if not name or name == a.organisation or len(name) < 2:
                continue
            kind = _kind_of_name(f"{a.organisation or ''} {a.role or ''}", self.zh) or \
                (ENTERPRISE if a.level == "enterprise" else None)
            if kind:
                self.aliases.setdefault(name, kind)
        for pat, zh in ((_EN_ALIAS, False), (_ZH_ALIAS, True)):
            for m in pat.finditer(text):
                full, short = m.group(1), m.group(2).strip()
                kind = _kind_of_name(full, zh) or _kind_of_name(short, zh)
                if kind and short:
                    self.aliases.setdefault(short, kind)
        if not self.zh:  # "Korvel Parcel Logistics Ltd." is then "Korvel": a first word that starts names of one kind only
            firsts: dict[str, set] = {}
            for m in _EN_NAME.finditer(text):
                kind = _kind_of_name(m.group(0), False)
                if kind and m.group(1).lower() not in _EN_NOT_NAMES:
                    firsts.setdefault(m.group(1), set()).add(kind)
            for word, kinds in firsts.items():
                if len(kinds) == 1:
                    self.aliases.setdefault(word, kinds.pop())
        names = sorted(self.aliases, key=len, reverse=True)
        self._alias_re = re.compile("|".join(
            (re.escape(a) if re.search(r"[\u4e00-\u9fff]", a) else r"\b" + re.escape(a) + r"\b") for a in names)) if names else None

    def _first_actor(self, clause: str, zh: bool) -> str | None:
        if zh:
            clause = _ZH_OBJECT.sub(lambda m: "＿" * len(m.group(0)), clause)
        else:  # the subject stands before the verb: "had no authority over the maintenance department" names no actor
            verb = _EN_VERB.search(clause)
            clause = clause[:verb.start()] if verb else clause
        found: list[tuple[int, str]] = []
        for m in (_ZH_HEADS if zh else _EN_HEADS).finditer(clause):
            kind = _kind(m)
            if not zh and kind in (ENTERPRISE, None) and _EN_POST.fullmatch(m.group(0)):
                # a post belongs to the body it is of: "supervisor at the Station", "manager of Ruifeng Co."
                of = _EN_POST_OF.match(clause, m.end())
                if of:
                    kind = _kind_of_name(of.group(1), False) or self._alias_kind(of.group(1)) or kind
            if kind is None:
                continue  # a bare post of no named body ("the officer"): look on
            found.append((m.start(), kind))
            break
        if self._alias_re is not None:
            alias = self._alias_re.search(clause)
            if alias:
                found.append((alias.start(), self.aliases[alias.group(0)]))
        return min(found)[1] if found else None

    def _alias_kind(self, text: str) -> str | None:
        m = self._alias_re.search(text) if self._alias_re is not None else None
        return self.aliases[m.group(0)] if m else None

    def actor_before(self, sentence: str, pos: int) -> str | None:
        """ENTERPRISE, GOVERNMENT, INVESTIGATION or None: who acts in the clause of `sentence` that holds `pos`."""
        zh = bool(re.search(r"[\u4e00-\u9fff]", sentence[max(0, pos - 12):pos + 12])) or self.zh
        cuts = [0] + [m.end() for m in (_ZH_CLAUSE if zh else _EN_CLAUSE).finditer(sentence, 0, pos)]
        end = pos
        for start in reversed(cuts):
            kind = self._first_actor(sentence[start:end], zh)
            if kind:
                return kind
            end = start
        return None
