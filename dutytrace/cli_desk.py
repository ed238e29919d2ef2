"""The investigator's desk on the command line: `dutytrace brief`, `dutytrace compare`, `dutytrace
sanctions` — thin over the service (registered in cli.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from dutytrace.errors import DutytraceError, NotFound


def _cli():
    from dutytrace import cli  # the shared console, service factory and JSON writer

    return cli


def brief(file: Optional[Path] = typer.Argument(None, help="A new case's document"),
          case: Optional[str] = typer.Option(None, "--case", help="Or an existing case id"),
          out_path: Path = typer.Option(..., "--out", help="Where to write it: PATH.docx or PATH.pdf"),
          lang: str = typer.Option("en", "--lang", help="zh or en"),
          limit: int = typer.Option(5, "--limit", "-n", min=1, max=20, help="How many precedents"),
          as_json: bool = typer.Option(False, "--json", help="Also print the brief's content as JSON")):
    """A precedent brief for a new document or a case: the facts read, the most similar past cases with
    their reasons, the shared issues with quoted evidence and pages, the people held accountable in
    them with their sanctions, and their open rectification items. DOCX or PDF, in Chinese or English."""
    from dutytrace.brief_render import NoCJKFont, render

    c = _cli()
    if (file is None) == (case is None):
        c.err.print("error: give a FILE or --case CASE_ID")
        raise typer.Exit(2)
    fmt = out_path.suffix.lower().lstrip(".")
    if fmt not in ("docx", "pdf"):
        c.err.print(f"error: {c.esc(out_path)}: the brief is written as .docx or .pdf")
        raise typer.Exit(2)
    if lang not in ("en", "zh"):
        c.err.print("error: --lang is zh or en")
        raise typer.Exit(2)
    try:
        with c._service() as svc:
            model = svc.brief(path=file, case_id=case, lang=lang, limit=limit)
        data = render(model, fmt)
    except NotFound as e:
        c._fail(e, 2)
    except (DutytraceError, NoCJKFont) as e:
        c._fail(e)
    try:
        out_path.write_bytes(data)
    except OSError as e:
        c._fail(f"{out_path}: cannot write the brief ({e.strerror or e})")
    if as_json:
        c._emit({"out": str(out_path), "brief": model})
    else:
        c.err.print(f"wrote {c.esc(out_path)}: {len(model['precedents'])} precedents "
                    f"({c.esc(', '.join(model['case_ids']) or 'none')})")


def compare(cases: list[str] = typer.Argument(..., help="Two or three case ids"),
            as_json: bool = typer.Option(False, "--json")):
    """Two or three cases side by side, aligned by responsibility issue: facts, each issue's evidence,
    the people held accountable and the measures, per case."""
    from dutytrace.config import Settings
    from dutytrace.nlp.codebook import load_codebook

    c = _cli()
    if not 2 <= len(set(cases)) <= 3:
        c.err.print("error: give two or three different case ids")
        raise typer.Exit(2)
    try:
        with c._service() as svc:
            res = svc.compare(cases)
    except NotFound as e:
        c._fail(e, 2)
    except DutytraceError as e:
        c._fail(e)
    if as_json:
        c._emit(res)
        return
    cb = load_codebook(Settings.from_env().codebook)

    def name(section, code):
        e = cb.get(section, code) if code else None
        return e.label("en") if e else (code or "")

    out = c.out
    out.print("[bold]" + c.esc(" | ".join(f"{x['case_id']} {x['title']}" for x in res["cases"])) + "[/bold]",
              highlight=False)
    from dutytrace.brief import fact_lines

    per_case = [{x["label"]: x["value"] for x in fact_lines({f["key"]: f["values"][k] for f in res["facts"]}, cb, "en")}
                for k in range(len(res["cases"]))]
    for label in dict.fromkeys(lbl for facts in per_case for lbl in facts):
        out.print(c.esc(f"  {label}: " + " | ".join(facts.get(label, "—") for facts in per_case)), highlight=False)
    for issue in res["issues"]:
        out.print(f"[green]{c.esc(name('tags', issue['tag']))}[/green] "
                  f"({issue['carried_by']} of {len(res['cases'])})", highlight=False)
        for case, cell in zip(res["cases"], issue["cells"]):
            if not cell["carried"]:
                out.print(c.esc(f"   {case['case_id']}: —"), highlight=False)
                continue
            ev = cell["evidence"][0] if cell["evidence"] else None
            out.print(c.esc(f"   {case['case_id']}: " + (f"{ev['name']} p.{ev['page']}: {ev['text'][:140]}" if ev else "")),
                      highlight=False)
            for p in cell["people"]:
                out.print(c.esc(f"      held accountable: {p['person']} ({p['role']}): {name('sanctions', p['sanction'])}"),
                          highlight=False)
            for m in cell["measures"]:
                out.print(c.esc(f"      measure ({m['status']}): {m['measure'][:120]}"), highlight=False)
    for lvl in res["levels"]:
        out.print(f"[bold]{c.esc(name('responsibility_levels', lvl['level']))}[/bold]", highlight=False)
        for case, people in zip(res["cases"], lvl["cells"]):
            out.print(c.esc(f"   {case['case_id']}: " + ("; ".join(f"{p['person']} ({p['role']}): "
                                                             f"{name('sanctions', p['sanction'])}" for p in people) or "—")),
                      highlight=False)


def sanctions(level: Optional[str] = typer.Option(None, "--level", help="Only this responsibility level (its id)"),
              lang: str = typer.Option("en", "--lang", help="zh or en: the names in words"),
              as_json: bool = typer.Option(False, "--json")):
    """Sanctions across cases: for each responsibility level and post group (e.g. county emergency
    management body: deputy head; enterprise: general manager), which sanctions the precedents imposed,
    on how many people, in which cases, for cases carrying which issues."""
    from dutytrace.config import Settings
    from dutytrace.nlp.codebook import load_codebook
    from dutytrace.sanctions import labelled

    c = _cli()
    try:
        with c._service() as svc:
            groups = labelled(svc.sanctions(level), load_codebook(Settings.from_env().codebook),
                              "zh" if lang == "zh" else "en")
    except DutytraceError as e:
        c._fail(e)
    if as_json:
        c._emit({"groups": groups})
        return
    out, last = c.out, object()
    for g in groups:
        if g["level"] != last:
            last = g["level"]
            out.print(f"[bold]{c.esc(g['level_name'] or '—')}[/bold]", highlight=False)
        out.print(c.esc(f"  {g['group_name']}: {_n(g['people'], 'person', 'people')} in {_n(len(g['cases']), 'case', 'cases')}"), highlight=False)
        for s in g["sanctions"]:
            issues = ", ".join(f"{i['tag_name']} ({i['cases']})" for i in s["issues"][:4])
            out.print(c.esc(f"     {s['sanction_name']}: {s['people']} — cases {', '.join(s['cases'])}"
                            + (f"; issues: {issues}" if issues else "")), highlight=False)


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"
