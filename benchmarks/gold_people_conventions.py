"""Apply the gold conventions for people (corpus/README.md, "Gold conventions for people") to every gold people line:
corpus/gold/cases.jsonl, corpus/dev/gold/cases.jsonl, corpus/blind/gold/cases.jsonl, corpus/genres/gold/people.jsonl.

    .venv/bin/python benchmarks/gold_people_conventions.py [--write] [--list dev|gold|genres-tune]

Without --write it only counts what it would change. It changes five things, each by a rule written down in the
README, never by what the extractor outputs:
1. Remit. A post carries the remit the documents state for that person ("分管安全生产", "in charge of work safety"),
   in one form: "副县长（分管安全生产）" and "deputy county head in charge of work safety". A remit written before
   the title ("分管安全生产的副总经理") or after a comma is moved into that form; a remit the documents state for the
   person (in the handling section or in the findings: "翁某某，…街道办事处副主任，分管安全生产，…", "Ma Liangcai,
   deputy director of the … Bureau in charge of hazardous chemicals, …") but the gold left out is added.
2. Short names. A short form of a body inside a post or organisation (安监站, 安监局, 危化股, 安委办) is written in
   full (安全生产监督管理站, …) where the case's documents write the full form.
3. Township stations. A township's or sub-district's safety station (石门镇安监站) is a unit of that government, as the
   documents write it: the organisation is the township government (sub-district office), the station is in the post.
4. Descriptions. A bracketed description after a post or an organisation of a person ("（无证）", "（挂靠车主）",
   "(unlicensed)", "(for X Co., Ltd.)") is dropped, a remit kept; an organisation that describes how someone worked and
   names no body ("无", "individual operator", "unqualified formwork team", "private (hired by …)") is none; "affiliated to
   X" is X; a particular task after an English post ("responsible for the April inspection") is no part of it.
5. Level. Officials of an emergency-management or work-safety (safety supervision) bureau are
   comprehensive_supervision (DESIGN.md: "comprehensive_supervision (emergency management / safety supervision)");
   a township's or sub-district's own emergency office stays local_management (it is part of that government).
The held-back set (corpus/blind) and the genre cases of the held-out half are changed by the same rules, but their
lines are never printed (only counted): nobody reads them before their one measured run.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from measure_accountability import CORPORA, parsed, same_person  # noqa: E402

from dutytrace.config import Settings  # noqa: E402

FILES = {"gold": CORPORA["gold"] / "gold" / "cases.jsonl", "dev": CORPORA["dev"] / "gold" / "cases.jsonl",
         "blind": CORPORA["blind"] / "gold" / "cases.jsonl", "genres": CORPORA["genres"] / "gold" / "people.jsonl"}
SHORT = {"安监站": "安全生产监督管理站", "安监局": "安全生产监督管理局", "危化股": "危险化学品监督管理股",
         "安委办": "安全生产委员会办公室"}
_REMIT_ZH = r"分管((?!领导|副)[^，,。；;、\n（）()：:]{2,24}?)(?:工作)?"
_EN_REMIT = re.compile(r"\bin charge of\b")
_EMERGENCY_BODY = re.compile(r"应急管理局|安全生产监督管理局|安全监督管理局|安监局|"
                             r"emergency management bureau|work safety (?:supervision )?(?:administration|bureau)|"
                             r"safety supervision (?:administration|bureau)", re.I)


# a bracketed description after a post or an organisation, not a remit: "（无证）", "（挂靠车主）", "(unlicensed)", "(for X Co., Ltd.)"
_DESCRIPTOR = re.compile(r"\s*(?:（(?!分管)[^（）]{1,30}）|\((?!in charge)[^()]{1,80}\))$")
# an organisation field that describes how someone worked, and names no body: 无, 个人, "individual operator", "unqualified
# formwork team", "private", "none"
_NO_BODY = re.compile(r"^(?:无|个人|“三无”船舶|none\b|private\b|individual\b|unqualified\b|unlicensed\b)", re.I)


def normal_zh_remit(role: str) -> str:
    """"分管安全生产的副总经理" / "副总经理，分管安全生产" / "副总经理(分管安全生产)" -> "副总经理（分管安全生产）"."""
    m = re.fullmatch(r"分管([^的，。]{2,24}?)(?:工作)?的(.+)", role)
    if m:
        return f"{m.group(2)}（分管{m.group(1)}）"
    m = re.fullmatch(r"(.+?)[，,]\s*分管([^，。]{2,24}?)(?:工作)?", role)
    if m:
        return f"{m.group(1)}（分管{m.group(2)}）"
    return re.sub(r"\((分管[^()]+)\)$", r"（\1）", role)


def stated_remit(texts: list[str], person: str, lang: str) -> str | None:
    """The remit the documents state for this person, in the sentence that names them, or None; where documents word
    it differently (a decision "分管煤矿安全监管工作", the report "分管煤矿安全"), the fullest."""
    found = [r for t in texts if (r := _stated_remit(t, person, lang))]
    return max(found, key=len) if found else None


def _stated_remit(t: str, person: str, lang: str) -> str | None:
    name = re.escape(person)
    for _ in (0,):
        flat = re.sub(r"\s+", " ", t) if lang == "en" else re.sub(r"\s+", "", t)
        if lang == "zh":
            for pat in (name + r"，(?:[^，。；;\n]{1,30}，){0,3}?[^，。；;\n]{1,30}?[长任记员理师]，" + _REMIT_ZH + r"[，。；]",
                        _REMIT_ZH + r"的[^，。；的]{0,10}?" + name,
                        r"[长任理记员人]" + name + _REMIT_ZH + r"[，。；]"):
                m = re.search(pat, flat)
                if m:
                    return m.group(1)
        else:
            m = re.search(name + r", (?:the )?(?:[A-Za-z'-]+ ){1,14}?in charge of ([^,;:.()]{2,60}?)\s*[,;:.]", flat)
            if m and not re.search(r"\b(?:was|is|had|has|who|told|said)\b", m.group(0)[len(person):m.start(1) - m.start()]):
                return m.group(1)
    return None


def expand(s: str, texts: list[str]) -> str:
    for short, full in SHORT.items():
        if short in s and any(full in t for t in texts):
            s = s.replace(short, full)
    return s


def apply(row: dict, texts: list[str], counts: Counter) -> list[tuple[str, str, str]]:
    changes = []
    lang = row["language"]
    for p in row.get("accountability") or []:
        before = dict(p)
        role, org = p.get("role") or "", p.get("organisation") or ""
        if lang == "zh" and role:
            role = normal_zh_remit(role)
            if "分管" not in role or re.fullmatch(r"分管.{1,6}", role):
                remit = stated_remit(texts, p["person"], "zh")
                if remit and remit not in role:
                    role = re.sub(r"^分管", "", role) + f"（分管{remit}）"
            unit = re.fullmatch(r"(.{1,10}?(?:镇|乡|街道))(安全生产监督管理站|安监站)", org)
            if unit:  # a township's station is a unit of the township government: its name goes into the post
                org = unit.group(1) + ("办事处" if unit.group(1).endswith("街道") else "人民政府")
                role = role if role.startswith(("安监站", "安全生产监督管理站")) else unit.group(2) + role
            role, org = expand(role, texts), expand(org, texts)
        elif lang == "en" and role and not _EN_REMIT.search(role) and p.get("level") != "enterprise":
            remit = stated_remit(texts, p["person"], "en")
            if remit:
                role = f"{role} in charge of {remit}"
        firm = p.get("level") == "enterprise" and (same_person(p["person"], p.get("organisation") or "")
                                                    or re.search(r"公司|集团|厂$|\b(?:Ltd|Co|Company|Limited|Inc)\b", p["person"]))
        if not firm:  # a natural person (an enterprise's "post" is the kind of party it was: left as written)
            role = _DESCRIPTOR.sub("", role) if role else role
            role = re.sub(r"(?<=\w)\s+responsible for the\s.*$", "", role) if role else role  # a particular task, no remit
            org = _DESCRIPTOR.sub("", org) if org else org
            affiliated = re.match(r"affiliated to (.+)$", org or "")
            org = affiliated.group(1) if affiliated else ("" if _NO_BODY.match(org or "") else org)
            if before.get("organisation") and not org:
                p["organisation"] = None
        p["role"] = role or p.get("role")
        if org:
            p["organisation"] = org
        if p.get("level") == "industry_supervision" and _EMERGENCY_BODY.search(org):
            p["level"] = "comprehensive_supervision"
        for k in ("role", "organisation", "level"):
            if before.get(k) != p.get(k):
                counts[k] += 1
                changes.append((p["person"], k, f"{before.get(k)!r} -> {p.get(k)!r}"))
    return changes


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--list", choices=("gold", "dev", "genres-tune"), help="print the changes of one development set")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "acccache")
    args = ap.parse_args()
    settings = Settings()
    for name, path in FILES.items():
        base = CORPORA[name]
        lines = path.read_text(encoding="utf-8").splitlines()
        out, counts = [], Counter()
        for line in lines:
            row = json.loads(line)
            if not row.get("accountability"):
                out.append(line)
                continue
            folder = next((base / d / row["case_id"] for d in ("archive", "accountability_tune")
                           if (base / d / row["case_id"]).is_dir()), None)
            texts = [doc.text for doc, _ in parsed(folder, args.cache, settings) if doc.kind != "transcript"] if folder else []
            if row["language"] == "zh":
                from dutytrace.script import to_simplified
                texts = [to_simplified(t) for t in texts]
            changes = apply(row, texts, counts)
            visible = args.list == name or (args.list == "genres-tune" and name == "genres" and row.get("split") == "tune")
            for c in changes if visible else ():
                print(f"  {row['case_id']} {c[0]} {c[1]}: {c[2]}")
            out.append(json.dumps(row, ensure_ascii=False) if changes else line)
        print(f"{name}: {sum(counts.values())} fields changed {dict(counts)}")
        if args.write:
            path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
