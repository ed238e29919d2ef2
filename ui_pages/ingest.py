"""Ingest: upload files or archives, or point at a folder on the server; a progress bar; the error
report. Ingestion runs in this process, through the UI's own service, because the embedded index is
owned by one process (a CLI ingest into the same home would stop with IndexLocked while the UI runs)."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dutytrace.errors import DutytraceError
from ui_pages.common import can, changed, service, t

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
folder = st.text_input(t("ing.folder"), key="ing_folder", placeholder="/srv/archive/2021")
workers = st.number_input(t("ing.workers"), 1, max(1, os.cpu_count() or 1), 1, key="ing_workers")


def _stage(files, case: str, root: Path) -> None:
    """Uploaded archives go to the top of the staging folder (their folders are cases); loose files go
    into one case folder."""
    for f in files:
        name = Path(f.name).name
        target = root / name if name.lower().endswith(ARCHIVES) else root / case / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(f.getvalue())


if st.button(t("ing.run"), type="primary", icon=":material/upload:", key="ing_run"):
    paths: list[Path] = []
    staging = None
    ok = True
    if folder.strip():
        p = Path(folder.strip()).expanduser()
        if not p.exists():
            st.error(t("ing.no_folder", path=str(p)))
            ok = False
        else:
            paths.append(p)
    if uploads:
        if not re.fullmatch(r"[\w.-]+", case_id.strip()):
            st.error(t("ing.bad_case_id"))
            ok = False
        else:
            staging = Path(tempfile.mkdtemp(prefix="upload-", dir=svc.settings.home))
            _stage(uploads, case_id.strip(), staging)
            paths.append(staging)
    if ok and not paths:
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
            report = svc.ingest(paths, workers=int(workers), progress=progress)
            bar.progress(1.0)
            ss["ing_report"] = report.to_json()
            changed()
        except DutytraceError as e:
            st.error(str(e))
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
        st.dataframe(pd.DataFrame([{t("ing.path"): f.get("path"), t("ing.error"): f.get("error")} for f in rep["failed"]]),
                     hide_index=True, width="stretch")
