"""Generate a synthetic archive for the bulk-ingestion benchmark: cases of several documents (a
multi-page report PDF, interview transcripts as text or PDF), English and Chinese, a share of the
cases packed into a zip, and a few broken files (corrupt, empty, encrypted, unsupported).

    python benchmarks/gen_archive.py OUT_DIR [--docs 2000] [--pages 4] [--seed 7]
"""

from __future__ import annotations

import argparse
import io
import random
import zipfile
from pathlib import Path

EN_SENT = [
    "On {date} at about {hour}:20, workers of {company} were {task} at the {site}.",
    "No {check} was carried out before the work began and no {control} was provided.",
    "{victim}, a {role}, {accident}; {deaths} people died and {injured} were injured.",
    "The company had no written procedure for {task} and its safety management was lax.",
    "The {bureau} had not inspected the site in the two years before the accident.",
    "Inspections by the {bureau} were a mere formality and hazards were left unrectified.",
    "The foreman told the investigators that the {check} equipment had been broken for weeks.",
    "The general contractor subcontracted the work to an unlicensed team.",
    "Rescuers went in without breathing apparatus and two of them were overcome.",
    "The accident was reported to the {bureau} four hours late and records were altered.",
]
ZH_SENT = [
    "{date}{hour}时20分，{company}作业人员在{site}进行{task}作业。",
    "作业前未进行{check}，未采取{control}措施。",
    "{victim}（{role}）{accident}，事故造成{deaths}人死亡、{injured}人受伤。",
    "该公司未制定{task}操作规程，安全管理混乱，主体责任不落实。",
    "{bureau}监督检查不到位，对该单位长期存在的重大隐患未督促整改。",
    "县{bureau}日常监管流于形式，检查走过场。",
    "班长在询问笔录中称，{check}仪器已经损坏多日。",
    "施工单位将工程违法分包给无资质的劳务队伍。",
    "施救人员未佩戴防护用品盲目施救，导致事故扩大。",
    "企业负责人隐瞒事故，迟报事故4小时，并伪造记录。",
]
EN_FILL = {"company": ["Hexin Pipeline Co.", "Riverside Construction Ltd.", "Donghai Logistics", "Red Rock Mining"],
           "task": ["cleaning a sewer well", "erecting scaffolding", "welding a tank", "repairing a conveyor"],
           "site": ["pumping station", "tower project", "chemical plant", "coal mine face"],
           "check": ["gas test", "harness check", "hot-work permit", "lockout check"],
           "control": ["forced ventilation", "guardrail", "fire watch", "machine guard"],
           "victim": ["Zhao Ming", "Li Wei", "Wang Fang", "Chen Gang"], "role": ["worker", "welder", "foreman"],
           "accident": ["collapsed in the well", "fell from the platform", "was struck by a falling beam"],
           "bureau": ["district water bureau", "county housing bureau", "emergency management bureau"]}
ZH_FILL = {"company": ["和信管道公司", "江滨建设公司", "东海物流公司", "红岩煤业公司"],
           "task": ["污水井清淤", "脚手架搭设", "储罐动火", "皮带检修"], "site": ["泵站", "高层工地", "化工厂", "采煤工作面"],
           "check": ["气体检测", "安全带检查", "动火审批", "停电挂牌"], "control": ["强制通风", "防护栏杆", "监护", "防护罩"],
           "victim": ["赵某", "李某某", "王某", "陈某某"], "role": ["工人", "焊工", "班长"],
           "accident": ["在井下晕倒", "从平台坠落", "被坠落钢梁击中"], "bureau": ["区水务局", "县住建局", "应急管理局"]}


def _sentences(rng: random.Random, zh: bool, n: int) -> list[str]:
    sents, fill = (ZH_SENT, ZH_FILL) if zh else (EN_SENT, EN_FILL)
    out = []
    for _ in range(n):
        vals = {k: rng.choice(v) for k, v in fill.items()}
        y, m, d = rng.randint(2012, 2023), rng.randint(1, 12), rng.randint(1, 28)
        vals.update(date=f"{y}年{m}月{d}日" if zh else f"{d} March {y}", hour=rng.randint(6, 22),
                    deaths=rng.randint(1, 12), injured=rng.randint(0, 5))
        out.append(rng.choice(sents).format(**vals))
    return out


def report_pages(rng: random.Random, zh: bool, pages: int, case: str) -> list[str]:
    title = f"{case} 事故调查报告" if zh else f"Investigation Report {case}"
    return [(title + "\n" if i == 0 else "") + "\n".join(_sentences(rng, zh, 14)) for i in range(pages)]


def transcript(rng: random.Random, zh: bool) -> str:
    q, a = ("问：", "答：") if zh else ("Q: ", "A: ")
    head = "询问笔录\n被询问人：刘某某\n" if zh else "Record of Interview\nInterviewee: Zhao Ming, foreman\n"
    turns = []
    for s in _sentences(rng, zh, rng.randint(6, 12)):
        turns.append(q + ("当时的情况是怎样的？" if zh else "What happened then?"))
        turns.append(a + s)
    return head + "\n".join(turns) + "\n"


def pdf_bytes(pages: list[str]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    for text in pages:
        zh = any("\u4e00" <= ch <= "\u9fff" for ch in text)
        c.setFont("STSong-Light" if zh else "Helvetica", 9)
        y, width = 800, (44 if zh else 100)
        for para in text.split("\n"):
            for k in range(0, max(1, len(para)), width):
                c.drawString(36, y, para[k:k + width])
                y -= 13
        c.showPage()
    c.save()
    return buf.getvalue()


def broken_files(rng: random.Random) -> dict[str, bytes]:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    enc = io.BytesIO()
    c = canvas.Canvas(enc, encrypt=pdfencrypt.StandardEncryption("pw", canPrint=0))
    c.drawString(50, 800, "locked")
    c.save()
    return {"corrupt.pdf": b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n" + rng.randbytes(300),
            "empty.txt": b"", "locked.pdf": enc.getvalue(), "program.dat": b"\x7fELF\x02\x01\x01" + bytes(300)}


def generate(out: Path, docs: int = 2000, pages: int = 4, seed: int = 7, zipped_share: float = 0.1) -> dict:
    """Write the archive under out; return what it holds."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    made = {"documents": 0, "broken": 0, "pages": 0}
    zbuf = io.BytesIO()
    zf = zipfile.ZipFile(zbuf, "w", zipfile.ZIP_DEFLATED)
    case_no = 0
    while made["documents"] < docs:
        case_no += 1
        zh = case_no % 3 == 0
        case = f"{'zh' if zh else 'en'}-{case_no:05d}"
        files: dict[str, bytes] = {}
        n_pages = max(1, pages + rng.randint(-1, 1))
        files["report.pdf"] = pdf_bytes(report_pages(rng, zh, n_pages, case))
        made["pages"] += n_pages
        for k in range(rng.randint(1, 3)):
            t = transcript(rng, zh)
            if k % 2:
                files[f"interview-{k}.pdf"] = pdf_bytes([t])
            else:
                files[f"interview-{k}.txt"] = t.encode("gb18030" if zh and k == 2 else "utf-8")
            made["pages"] += 1
        if case_no % 50 == 7:
            name, data = rng.choice(sorted(broken_files(rng).items()))
            files[name] = data
            made["broken"] += 1
        files = dict(list(files.items())[:max(1, docs - made["documents"])])
        made["documents"] += len(files)
        if rng.random() < zipped_share:
            for name, data in files.items():
                zf.writestr(f"{case}/{name}", data)
        else:
            (out / case).mkdir(exist_ok=True)
            for name, data in files.items():
                (out / case / name).write_bytes(data)
    has_members = bool(zf.namelist())
    zf.close()
    if has_members:
        (out / "older-cases.zip").write_bytes(zbuf.getvalue())
    made["cases"] = case_no
    return made


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--pages", type=int, default=4, help="report pages (±1)")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    print(generate(a.out, a.docs, a.pages, a.seed))
