"""The `dutytrace` command: a thin layer over the service. `--json` outputs are stable interfaces."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console

from dutytrace.cli_output import csv_rows, esc, print_eval, print_results, read_batch, write_csv
from dutytrace.errors import ConfigError, DutytraceError, NotFound
from dutytrace.profile import case_tags

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Dutytrace: precedent search over accident investigation reports and transcripts.")
err = Console(stderr=True)
out = Console(width=None if sys.stdout.isatty() else 160)  # wide tables when piped


_user: dict = {"name": None}


@app.callback()
def _main(user: Optional[str] = typer.Option(None, "--user", "-u", envvar="DUTYTRACE_USER",
                                             help="Act as this user (needed once users are defined)")):
    _user["name"] = user


def _service():
    from dutytrace.config import Settings
    from dutytrace.service import Dutytrace

    return Dutytrace(Settings.from_env(), user=_user["name"])


def _emit(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def _fail(e: Exception, code: int = 1):
    err.print(f"[red]error:[/red] {esc(e)}")
    raise typer.Exit(code)


@app.command()
def ingest(paths: list[Path] = typer.Argument(..., help="Folders, archives (zip, tar, nested) or files"),
           workers: Optional[int] = typer.Option(None, "--workers", "-w", min=1,
                                                 help="Parsing/NLP processes (default: one per core; 1 = in this process)"),
           report_file: Optional[Path] = typer.Option(None, "--report", help="Also write the JSON report here"),
           as_json: bool = typer.Option(False, "--json", help="Print the report as JSON")):
    """Ingest documents: each first-level subfolder of a folder is one case. Safe to stop (even kill -9)
    and run again: it resumes, and skips what is already ingested."""
    from dutytrace.cli_ingest import IngestDisplay, summary_table
    from dutytrace.indexing import default_workers

    try:
        with _service() as svc, IngestDisplay(err, quiet=as_json) as display:
            report = svc.ingest(paths, workers=workers or default_workers(), progress=display)
    except DutytraceError as e:
        _fail(e, 2 if isinstance(e, ConfigError) else 1)
    r = report.to_json()
    if report_file:
        report_file.write_text(json.dumps(r, ensure_ascii=False, indent=1), encoding="utf-8")
    if as_json:
        _emit(r)
    else:
        out.print(summary_table(r))
        for f in report.failed:
            out.print(f"[red]failed[/red] ({esc(f['reason'])}) {esc(f['path'])}: {esc(f['error'])}", highlight=False)
        out.print(f"report with every failure: {esc(r['report_file'])}", highlight=False)
    raise typer.Exit(1 if report.failed else 0)


@app.command()
def retag(workers: int = typer.Option(1, "--workers", "-w", min=1, help="NLP processes"),
          check: bool = typer.Option(False, "--check", help="Only say whether the stored documents were analysed "
                                     "by the reader the settings give now (exit 1 when a retag is needed)"),
          as_json: bool = typer.Option(False, "--json")):
    """Re-run tagging and extraction on the stored text (after a codebook, tagger or model change), without
    re-parsing; re-index the passages whose tags changed. (After an embedding model change: `dutytrace reindex`.)"""
    try:
        with _service() as svc:
            if check:
                state = svc.reader_state()
            else:
                res = svc.retag(workers=workers)
    except DutytraceError as e:
        _fail(e)
    if check:
        if as_json:
            _emit(state)
        else:
            out.print(f"reader now: {state['current']}")
            out.print(f"{state['current_documents']} of {state['documents']} documents were analysed by it")
            for stamp, n in state["others"].items():
                out.print(f"{n} by another reader: {stamp}")
            if state["unknown"]:
                out.print(f"{state['unknown']} before readers were recorded (reader unknown)")
            out.print("run `dutytrace retag` so that every tag, type and measure is decided by the same reader"
                      if state["retag_needed"] else "up to date: no retag needed")
        raise typer.Exit(1 if state["retag_needed"] else 0)
    _emit(res) if as_json else out.print(f"re-tagged {res['documents']} documents; {res['reindexed']} re-indexed "
                                         f"because their passage tags changed; {len(res['failed'])} failed")
    raise typer.Exit(1 if res["failed"] else 0)


@app.command()
def search(query: Optional[str] = typer.Argument(None, help="What to look for, in English or Chinese"),
           limit: int = typer.Option(10, "--limit", "-n", min=1, max=200),
           by_case: bool = typer.Option(False, "--by-case", help="Group passages by case"),
           mode: str = typer.Option("hybrid", "--mode", help="hybrid | dense | lexical"),
           filters: list[str] = typer.Option([], "--filter", "-f", help="KEY=VALUE, e.g. tag=formalism_bureaucratism"),
           batch: Optional[Path] = typer.Option(None, "--batch", help="JSONL or CSV of queries (id, query)"),
           csv_out: Optional[Path] = typer.Option(None, "--csv", help="Also write every result row to this CSV file"),
           as_json: bool = typer.Option(False, "--json")):
    """Search passages (or cases) across every ingested case."""
    from dutytrace.search import SearchError, parse_filters

    if (query is None) == (batch is None):
        err.print("error: give a QUERY or --batch FILE (not both)")
        raise typer.Exit(2)
    try:
        flt = parse_filters(filters)
        queries = read_batch(batch) if batch else [{"id": None, "query": query}]
    except (SearchError, ValueError, OSError) as e:
        _fail(e, 2)
    rows: list[dict] = []
    try:
        with _service() as svc:
            if csv_out:  # a viewer may search but not export: refused (and audited) before any search
                svc.require("export", "export", str(csv_out), what="search results CSV")
            for q in queries:
                f = {**flt, **parse_filters(qf)} if isinstance(qf := q.get("filters"), list) else flt
                n = int(q.get("limit") or limit)
                m = q.get("mode") or mode
                if by_case:
                    found = svc.find_cases(q["query"], n, m, f)
                    res = {"query": q["query"], "cases": [c.to_json() for c in found.cases], "total": found.total}
                else:
                    found = svc.find_passages(q["query"], n, m, f)
                    res = {"query": q["query"], "hits": [h.to_json() for h in found.hits], "total": found.total}
                res["total_exact"] = found.total_exact  # false: at least `total` match (a leg hit its read limit)
                if found.message:
                    res["message"] = found.message
                if batch:
                    res = {"id": q["id"], **res}
                rows.extend(csv_rows(q, res))
                if as_json or batch:
                    _emit(res)
                else:
                    print_results(res, out)
            if csv_out:
                write_csv(csv_out, rows)
                svc.record_export("search results CSV", path=str(csv_out), rows=len(rows), queries=len(queries))
    except SearchError as e:
        _fail(e, 2)
    except DutytraceError as e:
        _fail(e)
    if csv_out:
        err.print(f"wrote {len(rows)} rows to {esc(csv_out)}")


@app.command()
def similar(file: Optional[Path] = typer.Argument(None, help="A new case's document"),
            case: Optional[str] = typer.Option(None, "--case", help="Or an existing case id"),
            limit: int = typer.Option(10, "--limit", "-n", min=1),
            as_json: bool = typer.Option(False, "--json"),
            lang: str = typer.Option("en", "--lang", help="Language of the reasons: en or zh")):
    """Past cases most similar to a new document, with the reasons in words."""
    if (file is None) == (case is None):
        err.print("error: give a FILE or --case CASE_ID")
        raise typer.Exit(2)
    from dutytrace.nlp.codebook import load_codebook
    from dutytrace.reasons import describe, explain, material_for

    try:
        with _service() as svc:
            cases = svc.similar(path=file, case_id=case, limit=limit)
            material = material_for(svc, path=file, case_id=case)
            codebook = load_codebook(svc.settings.codebook)
            for c in cases:  # additive: the reasons in words beside the existing keys
                c["reasons"] = explain(c, lang, codebook, material, svc.case(c["case_id"]))
            read = describe(material, lang, codebook) if file is not None else None
    except DutytraceError as e:
        _fail(e)
    if as_json:
        _emit({"cases": cases, **({"read": read} if read else {})})
        return
    if read:
        out.print(f"[dim]{esc(read['text'])}[/dim]")
    for i, c in enumerate(cases, 1):
        out.print(f"[bold]{i}. {esc(c['case_id'])}[/bold] {esc(c['title'])} [dim]score {c['score']}[/dim]")
        for r in c["reasons"]:
            out.print(f"   - {esc(r['text'])}")
            if r["kind"] == "passages":
                for ref in r["refs"]:
                    text = " ".join(ref["text"].split())
                    mine = esc(ref.get("document") or case) if case else "yours"  # an existing case: its own name
                    out.print(f"     [cyan]{mine if ref['side'] == 'yours' else esc(ref.get('document'))}"
                              f"{' p.' + str(ref['page']) if ref.get('page') else ''}[/cyan]: {esc(text[:160])}")


@app.command()
def analyze(files: list[Path] = typer.Argument(...), as_json: bool = typer.Option(False, "--json")):
    """Entities, responsibility tags with evidence, facts and accountability of each file (one JSON per file).
    Stores nothing; runs as the user and is audited like every command."""
    from dutytrace.security import AccessDenied, AuthRequired

    failed = False
    try:
        svc = _service()
    except DutytraceError as e:
        _fail(e)
    with svc:
        for f in files:
            try:
                res = svc.analyze_file(f)
                res.pop("chunks", None)
            except (AccessDenied, AuthRequired) as e:
                _fail(e)
            except DutytraceError as e:
                failed = True
                res = {"path": str(f), "error": str(getattr(e, "reason", e))}
            if as_json:
                _emit(res)
            elif "error" in res:
                err.print(f"[red]failed[/red] {esc(f)}: {esc(res['error'])}")
            else:
                out.print(f"[bold]{esc(f)}[/bold]  {esc(res['language'])} {esc(res['kind'])}, {res['pages']} pages")
                out.print(f"  facts: {esc(res['facts'])}")
                for t in res["tags"]:
                    ev = t["evidence"][0]["text"][:160] if t["evidence"] else ""
                    out.print(f"  [green]{esc(t['tag'])}[/green] {t['score']:.2f}: {esc(ev)}")
                for a in res["accountability"]:
                    out.print(f"  held accountable: {esc(a['person'])} ({esc(a['role'])}, {esc(a['organisation'])}): "
                              f"{esc(a['sanction'])}")
    raise typer.Exit(1 if failed else 0)


@app.command()
def review(case_id: str = typer.Argument(..., help="The case"),
           tag: Optional[str] = typer.Argument(None, help="A tag id of the codebook"),
           accept: bool = typer.Option(False, "--accept", help="Confirm the tag"),
           reject: bool = typer.Option(False, "--reject", help="Reject the tag"),
           doc: Optional[str] = typer.Option(None, "--doc", help="Only on this document (id, id prefix or file name)"),
           evidence: Optional[str] = typer.Option(None, "--evidence",
                                                  help="Only this piece of evidence (its id, from `--list` with a tag)"),
           listing: bool = typer.Option(False, "--list", help="List the case's decisions with reviewer and time "
                                                               "(with a TAG: the tag's evidence with ids)"),
           undo: bool = typer.Option(False, "--undo", help="Take back the current decision on TAG (of --doc, "
                                                           "--evidence or the whole case)"),
           reviewer: Optional[str] = typer.Option(None, "--reviewer",
                                                  help="Admins only: enter the decision in another reviewer's name "
                                                       "(both names are recorded); otherwise the reviewer is you"),
           as_json: bool = typer.Option(False, "--json")):
    """Accept or reject a responsibility tag of a case (or of one document, or one piece of evidence);
    kept across re-ingestion. `--list` shows the decisions, `--undo` takes one back (audited)."""
    from dutytrace.config import Settings
    from dutytrace.nlp.codebook import load_codebook

    if listing:
        return _review_list(case_id, tag, as_json)
    if sum((accept, reject, undo)) != 1 or tag is None:
        err.print("error: give a TAG and exactly one of --accept, --reject or --undo (or --list)")
        raise typer.Exit(2)
    try:
        if tag not in load_codebook(Settings.from_env().codebook).tag_ids():
            raise NotFound(f"'{tag}' is not a tag of the codebook")
        with _service() as svc:
            if undo:
                change = svc.undo_review(case_id, tag, doc, evidence)
            elif evidence:
                change = svc.review_evidence(case_id, tag, evidence, "accepted" if accept else "rejected")
                key = change["doc_key"]
            else:
                key = svc.review_tag(case_id, doc, tag, "accepted" if accept else "rejected", reviewer)
            tags = case_tags(svc.case(case_id))
    except NotFound as e:
        _fail(e, 2)
    except DutytraceError as e:
        _fail(e)
    if undo:
        before, after = change["before"], change["after"]
        res: dict[str, Any] = {"case_id": case_id, "tag": tag,
                               "undone": {k: change[k] for k in ("doc_key", "evidence", "before", "after")},
                               "case_tags": tags}
        _emit(res) if as_json else out.print(esc(
            f"{case_id}: {tag} {before['decision']} taken back; now {after['decision'] if after else 'no decision'}"
            f"; case tags: {', '.join(tags)}"), highlight=False)
        return
    res = {"case_id": case_id, "tag": tag, "decision": "accepted" if accept else "rejected",
           "document": None if key == "*" else key.removeprefix("name:"), "case_tags": tags}
    if evidence:
        res["evidence"] = evidence
    _emit(res) if as_json else out.print(esc(f"{case_id}: {tag} {res['decision']}"
                                             f"{' on ' + res['document'] if res['document'] else ''}"
                                             f"{' (evidence ' + evidence + ')' if evidence else ''}; "
                                             f"case tags: {', '.join(tags)}"))


def _review_list(case_id: str, tag: str | None, as_json: bool) -> None:
    """`review CASE --list`: the decisions; `review CASE TAG --list`: the tag's evidence with ids."""
    try:
        with _service() as svc:
            items = svc.tag_evidence(case_id, tag) if tag else svc.review_decisions(case_id)
    except NotFound as e:
        _fail(e, 2)
    except DutytraceError as e:
        _fail(e)
    if as_json:
        _emit({"case_id": case_id, "tag": tag, "evidence": items} if tag else {"case_id": case_id, "decisions": items})
        return
    if not items:
        out.print(esc(f"{case_id}: " + (f"no evidence for {tag}" if tag else "no review decisions")), highlight=False)
    for it in items:
        if tag:
            state = f" [{it['decision']} by {it['reviewer']}, {it['time']}]" if it["decision"] else ""
            out.print(esc(f"{it['id']}  {it['name']} p.{it['page']}{state}: {(it['text'] or '')[:140]}"),
                      highlight=False)
        else:
            where = it["document"] or "whole case"
            what = f"evidence {it['evidence']} (p.{it['page']})" if it["kind"] == "evidence" else where
            out.print(esc(f"{it['time']}  {it['tag']} {it['decision']} — {what}, by {it['reviewer']}"),
                      highlight=False)


@app.command()
def notes(case_id: str = typer.Argument(..., help="The case"),
          add: Optional[str] = typer.Option(None, "--add", help="Add this note (in your name; audited)"),
          passage: Optional[str] = typer.Option(None, "--passage", help="On this passage (its chunk id) only"),
          edit: Optional[tuple[str, str]] = typer.Option(None, "--edit", metavar="ID TEXT",
                                                         help="New text for your note ID (audited, before and after)"),
          delete: Optional[str] = typer.Option(None, "--delete", metavar="ID",
                                               help="Delete your note ID (its text stays in the audit log)"),
          as_json: bool = typer.Option(False, "--json")):
    """A case's notes (author, time, text), or with --add a new one on the case or on one passage;
    --edit ID TEXT and --delete ID change one of your own notes (an admin may change anyone's)."""
    from dutytrace.store.desk import DeskError

    edit_id, edit_text = edit or (None, None)
    if sum(x is not None for x in (add, edit_id, delete)) > 1:
        err.print("error: give one of --add, --edit ID TEXT, --delete ID")
        raise typer.Exit(2)
    try:
        with _service() as svc:
            if edit_id is not None or delete is not None:
                which = edit_id if edit_id is not None else delete
                if which not in {n["id"] for n in svc.notes(case_id)}:
                    raise NotFound(f"case '{case_id}' has no note '{which}'; `dutytrace notes {case_id}` lists them")
                note = svc.edit_note(which, edit_text) if edit_id is not None else svc.delete_note(which)
            elif add is not None:
                note = svc.add_note(case_id, add, passage)
            else:
                items = svc.notes(case_id, passage)
    except (NotFound, DeskError) as e:
        _fail(e, 2)
    except DutytraceError as e:
        _fail(e)
    if edit_id is not None or delete is not None:
        done = f"edited by {note['edited_by']}, {note['edited_time']}" if edit_id is not None else "deleted"
        _emit({"case_id": case_id, "note": note, "deleted": delete is not None}) if as_json else out.print(
            esc(f"{case_id}: note {note['id']} {done}"), highlight=False)
        return
    if add is not None:
        _emit({"case_id": case_id, "note": note}) if as_json else out.print(
            esc(f"{case_id}: note {note['id']} added by {note['author']}, {note['time']}"), highlight=False)
        return
    if as_json:
        _emit({"case_id": case_id, "passage": passage, "notes": items})
        return
    if not items:
        out.print(esc(f"{case_id}: no notes"), highlight=False)
    for n in items:
        where = f" (passage {n['chunk_id']}, p.{n['page']})" if n.get("chunk_id") else ""
        edited = f" (edited {n['edited_time']})" if n.get("edited_time") else ""
        out.print(esc(f"{n['time']}  {n['author']}{where}{edited} [{n['id']}]: {n['text']}"), highlight=False)


@app.command()
def show(case_id: str, as_json: bool = typer.Option(False, "--json")):
    """A case: facts, documents, responsibility tags with evidence, people held accountable."""
    try:
        with _service() as svc:
            prof = svc.case(case_id)
    except DutytraceError as e:
        _fail(e)
    if as_json:
        _emit(prof)
        return
    out.print(f"[bold]{esc(prof['case_id'])}[/bold]  {esc(prof['title'])}")
    for k, v in prof["facts"].items():
        out.print(f"  {esc(k)}: {esc(v)}")
    out.print("[bold]Documents[/bold]")
    for d in prof["documents"]:
        out.print(esc(f"  {d['kind']:<10} {d['name']} ({d['pages']} p., {d['language']})"))
    out.print("[bold]Responsibility issues[/bold]")
    for t in prof["tags"]:
        out.print(f"  [green]{esc(t['tag'])}[/green] {t['score']:.2f}")
        for ev in t["evidence"][:2]:
            out.print(esc(f"     {ev['name']} p.{ev['page']}: {ev['text'][:160]}"))
    if prof["accountability"]:
        out.print("[bold]Held accountable[/bold]")
        for a in prof["accountability"]:
            out.print(esc(f"  {a['person']} — {a.get('role')}, {a.get('organisation')}: {a.get('sanction')}"))


@app.command()
def measures(case_id: str = typer.Argument(..., help="The case"),
             set_id: Optional[str] = typer.Option(None, "--set", help="The id of a measure whose status to record"),
             status: Optional[str] = typer.Argument(None, help="With --set: open | in_progress | done | overdue"),
             note: Optional[str] = typer.Option(None, "--note", help="With --set: a note on the follow-up"),
             checked: Optional[str] = typer.Option(None, "--checked", help="With --set: the date checked (YYYY-MM-DD; "
                                                                            "default today)"),
             as_json: bool = typer.Option(False, "--json")):
    """A case's rectification measures (measure, body responsible, deadline, status, page), or with
    `--set ID STATUS [--note TEXT]` the follow-up of one of them (needs the review permission; audited)."""
    from dutytrace.store.measures import BadStatus, check_status

    if set_id is None and (status is not None or note is not None or checked is not None):
        err.print("error: a STATUS, --note or --checked goes with --set ID")
        raise typer.Exit(2)
    try:
        if set_id is not None:
            if status is None:
                raise BadStatus("give the status after --set ID: open, in_progress, done or overdue")
            check_status(status)
            with _service() as svc:
                item = svc.set_measure_status(case_id, set_id, status, note, checked)
            if as_json:
                _emit({"case_id": case_id, "item": item})
            else:
                out.print(esc(f"{case_id} {item['id']}: {item['recorded_status']}"
                              f"{' (overdue)' if item['overdue'] else ''}{' — ' + item['note'] if item['note'] else ''}"),
                          highlight=False)
            return
        with _service() as svc:
            res = svc.measures(case_id)
    except (NotFound, BadStatus) as e:
        _fail(e, 2)
    except DutytraceError as e:
        _fail(e)
    if as_json:
        _emit(res)
        return
    if not res["items"]:
        out.print(esc(f"{case_id}: no rectification measures found in its reports or decisions"))
        return
    for it in res["items"]:
        due = f" (deadline {it['deadline']}" + (f", due {it['due']}" if it["due"] and it["due"] != it["deadline"] else "") \
            + ")" if it["deadline"] else ""
        out.print(f"[bold]{esc(it['id'])}[/bold] [{'red' if it['status'] == 'overdue' else 'green'}]"
                  f"{esc(it['status'])}[/]{esc(due)}  {esc(it['document'])} p.{esc(it['page'])}", highlight=False)
        if it["body"]:
            out.print(esc(f"  body: {it['body']}"), highlight=False)
        out.print(esc(f"  {it['measure']}"), highlight=False)
        if it["note"]:
            out.print(esc(f"  note ({it['by']}, {it['checked']}): {it['note']}"), highlight=False)


index_app = typer.Typer(no_args_is_help=True, help="The vector index: move it to a Qdrant server or cluster.")
app.add_typer(index_app, name="index")


@index_app.command("migrate")
def index_migrate(to: str = typer.Option(..., "--to", help="Qdrant server or cluster URL, e.g. http://qdrant-1:6333"),
                  api_key: Optional[str] = typer.Option(None, "--api-key", envvar="DUTYTRACE_QDRANT_API_KEY"),
                  collection: Optional[str] = typer.Option(None, "--collection", help="Default: DUTYTRACE_COLLECTION"),
                  as_json: bool = typer.Option(False, "--json")):
    """Copy the embedded index (vectors and payloads, unchanged) to a Qdrant server or cluster."""
    try:
        with _service() as svc:
            res = svc.migrate_index(to, api_key, collection)
    except DutytraceError as e:
        _fail(e)
    if as_json:
        _emit(res)
    else:
        out.print(esc(f"copied {res['copied']} points to {res['to']} (collection {res['collection']}, "
                      f"{res['target_count']} points there). Set DUTYTRACE_QDRANT_URL={res['to']} to use it."))


@app.command()
def reindex(as_json: bool = typer.Option(False, "--json")):
    """Rebuild the vector index from the catalog (e.g. after changing the embedding model)."""
    try:
        with _service() as svc:
            res = svc.reindex()
    except DutytraceError as e:
        _fail(e)
    _emit(res) if as_json else out.print(f"reindexed {res['documents']} documents, {res['chunks']} chunks")


@app.command("eval")
def eval_(gold: Path = typer.Option(Path("corpus/gold"), "--gold", help="Folder with cases.jsonl and queries.jsonl"),
          modes: list[str] = typer.Option(["dense", "lexical", "hybrid"], "--mode"),
          per_query: bool = typer.Option(False, "--per-query", help="Include every query's scores in --json"),
          as_json: bool = typer.Option(False, "--json")):
    """Retrieval (nDCG@10, Recall@10, MRR per mode and language) and tagging (P/R/F1 per tag) on the gold files,
    over the cases you may see (a case you may not see counts as not ingested)."""
    from dutytrace.evaluate import evaluate

    try:
        with _service() as svc:
            res = evaluate(svc, gold, tuple(modes))
    except DutytraceError as e:
        _fail(e)
    if not per_query:
        res.pop("per_query", None)
    if as_json:
        _emit(res)
        return
    print_eval(res, out)


@app.command()
def serve(port: int = typer.Option(8501, "--port"), host: str = typer.Option("127.0.0.1", "--host")):
    """Start the UI (Streamlit) on 127.0.0.1."""
    if host not in ("127.0.0.1", "localhost", "::1"):
        from dutytrace.config import Settings
        from dutytrace.security import Users
        from dutytrace.store.catalog import Catalog

        settings = Settings.from_env()
        if not Users(Catalog(settings.database_url or settings.catalog_path)).exist():
            _fail(ConfigError(f"refusing to serve on {host}: no users are defined, so anyone reaching it would be "
                              "admin. Add users first (`dutytrace users add NAME --role admin`), or serve on "
                              "127.0.0.1."), 2)
    app_path = Path(__file__).resolve().parent.parent / "search_app.py"
    if not app_path.exists():
        _fail(ConfigError(f"{app_path} not found: run `dutytrace serve` from a checkout of Dutytrace"), 2)
    cmd = [sys.executable, "-m", "streamlit", "run", str(app_path), "--server.address", host,
           "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]  # no source watching in use: it costs CPU on every save
    err.print(f"Dutytrace UI on http://{host}:{port}")
    raise typer.Exit(_run_child(cmd))


def _run_child(cmd: list[str]) -> int:
    """Run the UI server as a child that ends with this process: SIGTERM, SIGINT and SIGHUP are passed
    on to it and waited for (a signal this process was started ignoring, as SIGHUP under nohup, stays
    ignored by both), and the kernel stops it if this process is killed outright."""
    import signal
    import subprocess

    from dutytrace.ingest.worker import die_with_parent

    child = subprocess.Popen(cmd, env=os.environ.copy(), preexec_fn=lambda: die_with_parent(signal.SIGTERM))

    def forward(signum, frame):
        if child.poll() is None:
            child.send_signal(signum)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        if signal.getsignal(sig) != signal.SIG_IGN:  # started under nohup: SIGHUP stays ignored, as asked
            signal.signal(sig, forward)
    while True:
        try:
            rc = child.wait()
            break
        except KeyboardInterrupt:  # pragma: no cover - SIGINT is forwarded, not raised, once the handler is set
            continue
    return rc if rc >= 0 else 128 - rc



from dutytrace.cli_admin import audit as _audit, users_app  # noqa: E402

app.add_typer(users_app, name="users")
app.command("audit")(_audit)

from dutytrace.cli_desk import brief as _brief, compare as _compare, sanctions as _sanctions  # noqa: E402

app.command("brief")(_brief)
app.command("compare")(_compare)
app.command("sanctions")(_sanctions)

if __name__ == "__main__":
    app()
