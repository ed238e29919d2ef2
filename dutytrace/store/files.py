"""Original files, kept by document id under DUTYTRACE_HOME/files, so that the viewer can show the
page an investigator cites even after the archive it came from has moved or gone. A document id is per
case (identity.py): the same file filed in two cases is kept once per case, so that removing it from one
case never takes it from the other."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from dutytrace.errors import NotFound


class FileStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, doc_id: str) -> Path:
        return self.root / doc_id[:2] / doc_id

    def put(self, doc_id: str, data: bytes) -> None:
        path = self._path(doc_id)
        if path.exists():
            return
        tmp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)  # atomic: a crash never leaves half a file under the final name
        except OSError as e:  # a full or read-only disk: a clear message naming the home (store/disk.py)
            from dutytrace.store.disk import storage_error

            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
            raise storage_error(e, self.root.parent) or e from None

    def get(self, doc_id: str) -> bytes:
        path = self._path(doc_id)
        if not path.exists():
            raise NotFound(f"the original of document {doc_id[:12]} is not in the file store")
        return path.read_bytes()

    def delete(self, doc_id: str) -> None:
        self._path(doc_id).unlink(missing_ok=True)
