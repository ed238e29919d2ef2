"""How the `dutytrace` command reads batch files and prints or writes results (tables, CSV)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dutytrace.export import safe_cell


def read_batch(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        rows = list(csv.DictReader(text.splitlines()))
    else:
        rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    for i, r in enumerate(rows, start=1):
        if not r.get("query"):
            raise typer.BadParameter(f"{path}: row {i} has no 'query'")
        r.setdefault("id", str(i))
    return rows


def esc(value) -> str:
    """Text from documents, users or the catalog, printed literally (not read as Rich markup: a passage
    with `[/bold]` must not crash the printing, nor `[redacted]` vanish)."""
    return escape(str(value))


def write_csv(path: Path, rows: list[dict]) -> None:
    """UTF-8 with BOM (Excel opens Chinese text right); cells that a spreadsheet would run as a formula
    are prefixed with an apostrophe (export.safe_cell)."""
    cols = ["query_id", "query", "rank", "case_id", "case_title", "case_score", "document", "page", "speaker",
            "text", "tags"]
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        w = csv.DictWriter(f, fieldnames=cols)
        w.writeheader()
        for r in rows:
            w.writerow({k: safe_cell(v) for k, v in r.items()})


def csv_rows(q: dict, res: dict) -> list[dict]:
    """One row per passage: query id and text, rank of the case (or passage), case, document, page, score."""
    out = []
    if "cases" in res:
        for rank, c in enumerate(res["cases"], 1):
            for p in c["passages"] or [{}]:
                out.append({"query_id": q.get("id") or "", "query": q["query"], "rank": rank, "case_id": c["case_id"],
                            "case_title": c["title"], "case_score": c["score"], "document": p.get("name", ""),
                            "page": p.get("page", ""), "speaker": p.get("speaker") or "", "text": p.get("text", ""),
                            "tags": ";".join(p.get("tags", []))})
    else:
        for rank, h in enumerate(res["hits"], 1):
            out.append({"query_id": q.get("id") or "", "query": q["query"], "rank": rank, "case_id": h["case_id"],
                        "case_title": "", "case_score": h["score"], "document": h["name"], "page": h["page"],
                        "speaker": h.get("speaker") or "", "text": h["text"], "tags": ";".join(h["tags"])})
    return out


def print_results(res: dict, out: Console) -> None:
    if res.get("message"):
        out.print(res["message"])
        return
    if not (res.get("cases") or res.get("hits")):
        out.print("no matching cases" if "cases" in res else "no matching passages")
        return
    if "total" in res:
        what = "matching cases" if "cases" in res else "matching passages"
        at_least = "at least " if res.get("total_exact") is False else ""  # the search read only its first passages
        out.print(f"[dim]{at_least}{res['total']} {what}[/dim]")
    if "cases" in res:
        for i, c in enumerate(res["cases"], 1):
            out.print(f"[bold]{i}. {esc(c['case_id'])}[/bold]  {esc(c['title'])}  [dim]score {c['score']:.4f}[/dim]")
            for p in c["passages"]:
                who = f" — {p['speaker']}" if p.get("speaker") else ""
                out.print(f"   [cyan]{esc(p['name'])} p.{p['page']}{esc(who)}[/cyan]: {esc(p['text'][:220])}")
    else:
        for i, h in enumerate(res["hits"], 1):
            who = f" — {h['speaker']}" if h.get("speaker") else ""
            out.print(f"[bold]{i}. {esc(h['case_id'])}[/bold] [cyan]{esc(h['name'])} p.{h['page']}{esc(who)}[/cyan] "
                      f"[dim]{h['score']:.4f}[/dim]\n   {esc(h['text'][:260])}")


def print_eval(res: dict, out: Console) -> None:
    t = Table(title=f"Retrieval ({res['queries']} queries; case ranking, k=10)")
    for col in ("split", "mode", "lang", "n", "nDCG@10", "Recall@10", "MRR"):
        t.add_column(col, justify="right" if col not in ("split", "mode", "lang") else "left")
    for split in ("tune", "test"):
        for mode, block in res["retrieval"][split].items():
            for lang in ("all", "en", "zh"):
                m = block[lang]
                t.add_row(split, mode, lang, str(m["n"]), f"{m['ndcg@10']:.3f}", f"{m['recall@10']:.3f}",
                          f"{m['mrr']:.3f}")
    out.print(t)
    t = Table(title=f"Tagging ({res['cases']} cases)")
    t.add_column("tag", no_wrap=True, min_width=34)
    for split in ("tune", "test"):
        for col in ("P", "R", "F1", "n"):
            t.add_column(f"{split} {col}", justify="right")
    tags = list(res["tagging"]["tune"]["per_tag"])
    for tag in tags + ["micro", "macro"]:
        row = [esc(tag)]
        for split in ("tune", "test"):
            b = res["tagging"][split]
            v = b["per_tag"][tag] if tag in b["per_tag"] else b[tag]
            row += [f"{v['precision']:.2f}", f"{v['recall']:.2f}", f"{v['f1']:.2f}", str(v.get("support", ""))]
        t.add_row(*row)
    out.print(t)
    t = Table(title="Facts and accountability")
    t.add_column("measure")
    t.add_column("tune", justify="right")
    t.add_column("test", justify="right")
    tu, te = res["tagging"]["tune"], res["tagging"]["test"]
    t.add_row("accident type accuracy", f"{tu['accident_type_accuracy']:.2f}", f"{te['accident_type_accuracy']:.2f}")
    for k in tu["facts_accuracy"]:
        t.add_row(f"{k} accuracy", f"{tu['facts_accuracy'][k]:.2f}", f"{te['facts_accuracy'][k]:.2f}")
    t.add_row("accountability person recall", f"{tu['accountability_person_recall']:.2f}",
              f"{te['accountability_person_recall']:.2f}")
    out.print(t)
