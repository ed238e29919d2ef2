"""Ingest: upload files or archives, or (admins, with DUTYTRACE_INGEST_ROOTS set) point at a folder on
the server; a progress bar; the error report. Ingestion runs in this process, through the UI's own
service, as the signed-in user: the service decides which cases the user may write and which server
folders may be read (the field is only hidden here). An unexpected error is logged on the server and
shown without a traceback or server paths."""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dutytrace.errors import DutytraceError
from dutytrace.security import AccessDenied
from dutytrace.ui_text import ui_message
from ui_pages.common import can, changed, lang, service, t

ARCHIVES = (".zip", ".tar", ".tgz", ".tar.gz", ".tar.bz2", ".tar.xz")
svc = service()
ss = st.session_state
st.title(t("nav.ingest"))
st.caption(t("ing.intro"))
if not can("ingest"):
    st.warning(t("denied"))
    st.stop()

uploads = st.file_uploader(t("ing.upload"), accept_multiple_files=True, key="ing_files",
                           type=["pdf", "docx", "txt", "md", "zip", "tar", "tgz", "gz", "bz2", "xz", "yaml", "yml",
                                 "json"])
case_id = st.text_input(t("ing.case_id"), value="new-case", key="ing_case")
folder = ""
if svc.principal.role == "admin" and svc.settings.ingest_roots:
    folder = st.text_input(t("ing.folder"), key="ing_folder", placeholder=svc.settings.ingest_roots[0])
    st.caption(t("ing.folder_roots", roots=", ".join(svc.settings.ingest_roots)))
elif svc.principal.role == "admin":
    st.caption(t("ing.folder_off"))
workers = st.number_input(t("ing.workers"), 1, max(1, os.cpu_count() or 1), 1, key="ing_workers")


def _shown(text: str, staging: Path | None) -> str:
    """A path or message as the user should see it: uploads by their own names, not the server's
    staging folder (as given or resolved: the service stores resolved paths)."""
    if staging is None:
        return text
    for prefix in {str(staging), str(staging.resolve())}:
        text = text.replace(f"{prefix}{os.sep}", "").replace(prefix, "")
    return text


def _merged(reports: list[dict], staging: Path | None) -> dict:
    out = {k: sum(r.get(k) or 0 for r in reports) for k in ("ingested", "unchanged", "cases", "chunks", "seconds")}
    out["failed"] = [{**f, "path": _shown(str(f.get("path")), staging), "error": _shown(str(f.get("error")), staging)}
                     for r in reports for f in r.get("failed") or []]
    out["skipped"] = [{**f, "path": _shown(str(f.get("path")), staging)} for r in reports for f in r.get("skipped") or []]
    return out


def _stage(files, case: str, root: Path) -> None:
    """Uploaded archives go to the top of the staging folder (their folders are cases); loose files go
    into one case folder."""
    for f in files:
        name = Path(f.name).name
        target = root / name if name.lower().endswith(ARCHIVES) else root / case / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(f.getvalue())


def _why(reason: str | None) -> str:
    """A failure's reason code in words (the code itself only where no words exist for it)."""
    words = t(f"why.{reason}")
    return words if words != f"why.{reason}" else str(reason or "")


if st.button(t("ing.run"), type="primary", icon=":material/upload:", key="ing_run"):
    paths: list[Path] = []
    staging = None
    ok = True
    if folder.strip():  # checked by the service: admin, under DUTYTRACE_INGEST_ROOTS, resolved path
        server_folder = folder.strip()
    else:
        server_folder = None
    if uploads:
        if not re.fullmatch(r"[\w.-]+", case_id.strip()):
            st.error(t("ing.bad_case_id"))
            ok = False
        else:
            staging = Path(tempfile.mkdtemp(prefix="upload-", dir=svc.settings.home))
            _stage(uploads, case_id.strip(), staging)
            paths.append(staging)
    if ok and not paths and not server_folder:
        st.warning(t("ing.nothing"))
    elif ok:
        bar = st.progress(0.0)
        state = {"total": 0, "done": 0}

        def progress(event: str, info: dict | None = None) -> None:
            info = info or {}
            if event == "start":
                state["total"] = int(info.get("files") or 0)
            elif event == "file":
                state["done"] += 1
                total = max(state["total"], state["done"], 1)
                bar.progress(min(1.0, state["done"] / total),
                             text=t("ing.progress", done=state["done"], total=total,
                                    path=Path(str(info.get("path", ""))).name))
            # other events (newer ingestion may send more) are ignored

        try:
            reports = []
            if server_folder:
                reports.append(svc.ingest_server_folder(server_folder, workers=int(workers), progress=progress))
            if paths:
                reports.append(svc.ingest(paths, workers=int(workers), progress=progress))
            bar.progress(1.0)
            ss["ing_report"] = _merged([r.to_json() for r in reports], staging)
            changed()
        except AccessDenied as e:
            if server_folder:  # say which folder and why, not only that the role may not
                logging.getLogger("dutytrace.ui").info("server folder refused: %s", e)
                st.error(t("ing.folder_refused", folder=server_folder))
            else:
                st.error(_shown(ui_message(e, lang()), staging))
        except DutytraceError as e:
            st.error(_shown(ui_message(e, lang()), staging))
        except Exception as e:  # never a traceback with server paths on the page; the log has it
            logging.getLogger("dutytrace.ui").exception("ingest failed")
            st.error(t("ing.crashed", kind=type(e).__name__))
        finally:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)

rep = ss.get("ing_report")
if rep:
    (st.warning if rep.get("failed") else st.success)(
        t("ing.done", ingested=rep.get("ingested", 0), unchanged=rep.get("unchanged", 0), failed=len(rep.get("failed") or []),
          cases=rep.get("cases", 0), chunks=rep.get("chunks", 0), seconds=float(rep.get("seconds") or 0)))
    if rep.get("failed"):
        st.subheader(t("ing.errors"))
        st.dataframe(pd.DataFrame([{t("ing.path"): f.get("path"), t("ing.error"): _why(f.get("reason")),
                                    t("ing.details"): f.get("error")} for f in rep["failed"]]),
                     hide_index=True, width="stretch")
    if rep.get("skipped"):
        st.caption(t("ing.skipped", files=", ".join(str(f.get("path")) for f in rep["skipped"])))
