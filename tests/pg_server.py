"""A throwaway PostgreSQL server for the tests: initdb into a temporary folder, pg_ctl on a free
localhost port, as the `postgres` system user when run as root (PostgreSQL refuses to run as root).
Used by test_postgres.py / test_desk.py (the `pg_url` fixture) and by conftest.py's PostgreSQL pass
(DUTYTRACE_TEST_POSTGRES=1: the whole suite with every catalog in a database of its own)."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


class Unavailable(RuntimeError):
    """The server cannot be started here (binaries or the system user missing): the reason."""


def bindir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(dirs[-1]).parent if dirs else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    def __init__(self):
        self.bin = bindir()
        if self.bin is None or not (self.bin / "pg_ctl").exists():
            raise Unavailable("PostgreSQL server binaries (initdb, pg_ctl) are not installed: apt-get install postgresql")
        self.prefix: list[str] = []
        self.data = Path(tempfile.mkdtemp(prefix="dutytrace-pg-"))
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                raise Unavailable("running as root and there is no `postgres` system user to run the server as") from None
            os.chown(self.data, user.pw_uid, user.pw_gid)
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self.port = _free_port()
        self._run(str(self.bin / "initdb"), "-D", str(self.data / "db"), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8")
        # fsync off: a test server's data lives as long as the run (a crash loses nothing worth keeping)
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data / "db"), "-l", str(self.data / "server.log"), "-w",
                  "-t", "60", "-o", f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off "
                  "-c max_connections=1000", "start")
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *cmd: str) -> None:
        subprocess.run(self.prefix + list(cmd), check=True, capture_output=True, text=True)

    def server_url(self) -> str:
        """The server without a database: each catalog then gets one of its own (store/db.py)."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/"

    def stop(self) -> None:
        subprocess.run(self.prefix + [str(self.bin / "pg_ctl"), "-D", str(self.data / "db"), "-m", "fast", "-w", "stop"],
                       capture_output=True)
        shutil.rmtree(self.data, ignore_errors=True)
