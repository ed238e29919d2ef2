"""One owner of the embedded index, many users: the CLI and the UI on one home at the same time.

A Qdrant Edge shard must be opened by one process only (a second open of the folder breaks the
first one's writes), and its own lock does not reliably keep a second process out. So:

- the process that opens the embedded index first takes an exclusive `flock` on `index.lock` beside
  the shard folder, BEFORE touching the shard, and serves the index's operations to the other local
  processes on a Unix socket (`index.sock` in the home; an abstract socket when that path is too long
  for one), each connection authenticated with a key kept in `index.key` (0600) in the home; every
  shard call, local or remote, is serialised by one lock;
- a process that finds the lock held talks to the owner through that socket;
- when the owner closes (it finishes the call in flight first) or dies, a user whose call fails
  takes the lock itself or connects to the new owner and repeats the call. Every call may be
  repeated safely (upsert by id, delete, set_payload, reads), so an ingest never dies because a
  short-lived search happened to own the index.

The lock file lives beside the shard folder, not in it: `reindex` has the owner remove and remake the
folder (`open_fresh`), and a lock file removed while held would let a second owner in. The owner
refuses to open or write the shard while the home's disk has less than DUTYTRACE_MIN_FREE_MB free
(store/disk.py): Qdrant Edge writes through memory maps, and a full disk kills a process with SIGBUS.

`SharedIndex` is what `open_index` returns for the embedded backend: the VectorIndex protocol, on
the shard itself (owner) or on the owner's socket (user), switching between the two as owners come
and go."""

from __future__ import annotations

import atexit
import fcntl
import hashlib
import os
import pickle
import secrets
import shutil
import socket
import threading
import time
from multiprocessing.connection import Client, Listener, answer_challenge, deliver_challenge
from pathlib import Path
from typing import Any

from dutytrace.errors import DutytraceError, IndexLocked
from dutytrace.store.disk import ensure_space, storage_error
from dutytrace.store.vectors import Filters, IndexOptions, IndexPoint, Scored

# the operations served to other processes (scroll is served page by page: a generator cannot travel)
OPERATIONS = frozenset({"upsert", "delete", "set_payload", "query", "query_many", "facet", "count", "ids",
                        "scroll_page", "optimize", "reset"})
WRITES = frozenset({"upsert", "delete", "set_payload", "optimize", "reset"})
OWNER_WAIT_S = 120.0  # how long a user waits for a new owner to appear before giving up
_MAX_SOCKET_PATH = 100  # sockaddr_un holds 108 bytes with the terminating NUL; stay clear of it


class _OwnerGone(Exception):
    """The owner closed or died before answering: find the new owner and repeat the call."""


def _files(index_path: Path) -> tuple[Path, Path, str]:
    """The lock file, the key file and the socket address of the index at `index_path`."""
    index_path = Path(index_path).absolute()
    lock = index_path.with_name(index_path.name + ".lock")
    key = index_path.with_name(index_path.name + ".key")
    sock = str(index_path.with_name(index_path.name + ".sock"))
    if len(sock.encode()) > _MAX_SOCKET_PATH:
        sock = "\0dutytrace-" + hashlib.sha256(str(index_path).encode()).hexdigest()[:32]
    return lock, key, sock


def _authkey(path: Path) -> bytes:
    """The home's key for the index socket: made once (readable by this user only), then read."""
    if not path.exists():
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, secrets.token_hex(32).encode())
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)  # atomic, and never replaces a key another process made meanwhile
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    key = path.read_bytes().strip()
    if not key:
        raise IndexLocked(f"the index key {path} is empty: remove it (no process may be running on this home) "
                          "and try again")
    return key


class _Owner:
    """This process holds the lock and the shard, and serves them to the other processes."""

    def __init__(self, path: Path, dim: int, options: IndexOptions, lock_fd: int, key: bytes, address: str,
                 home: Path, min_free_mb: float, fresh: bool = False):
        from dutytrace.store.edge_index import EdgeIndex

        self.path, self.home, self.min_free_mb, self.options = path, home, min_free_mb, options
        self.lock = threading.RLock()
        self.closed = False
        self._lock_fd, self._key, self._address = lock_fd, key, address
        self._conns: set = set()
        self.warmed = threading.Event()  # set when a warm-up (`warm`) has read every point's passage fields
        self._warming: threading.Thread | None = None
        ensure_space(path.parent, min_free_mb, home)  # loading a shard may write (WAL replay)
        if fresh:
            shutil.rmtree(path, ignore_errors=True)
        self.index = EdgeIndex(path, dim, options)
        try:
            if not address.startswith("\0"):
                try:
                    os.unlink(address)  # left by an owner that was killed: we hold the lock, so it is stale
                except FileNotFoundError:
                    pass
            # authenticated per connection, on that connection's thread: a client that stalls mid-handshake
            # holds up nobody else
            self._listener = Listener(address, family="AF_UNIX")
            if not address.startswith("\0"):
                os.chmod(address, 0o600)
        except BaseException:
            self.index.close()
            raise
        self._thread = threading.Thread(target=self._accept, name="dutytrace-index-owner", daemon=True)
        self._thread.start()
        atexit.register(self.close)

    # -- the passage-field cache, filled in the background (a long-running owner: the UI) ----------------
    def warm(self) -> None:
        """Start reading every point's passage fields into the shard's cache (EdgeIndex.warm_page), one
        page at a time under the lock, on a thread of its own: searches in between wait for at most one
        page (~1,000 points), and the searches after it read no point's fields from the shard."""
        with self.lock:
            if (self._warming is None or not self._warming.is_alive()) and not self.closed:
                self.warmed.clear()
                self._warming = threading.Thread(target=self._warm, name="dutytrace-index-warm", daemon=True)
                self._warming.start()

    def _warm(self) -> None:
        offset, index, generation = None, None, None
        while True:
            with self.lock:
                if self.closed:
                    return
                if self.index is not index or self.index.generation != generation:
                    # the first page, or the cache was emptied (a payload push) or the shard made anew
                    # (reindex) since the last one: from the start
                    offset, index, generation = None, self.index, self.index.generation
                try:
                    offset = index.warm_page(offset)
                except Exception:  # a warm-up is an optimisation: a failure here leaves the cache as it is
                    return
                if offset is None:
                    self.warmed.set()
                    return
            time.sleep(0.001)  # a call waiting for the lock takes it now

    # -- calls, local and remote -------------------------------------------------------------------
    def call(self, name: str, args: tuple, kwargs: dict) -> Any:
        with self.lock:
            if self.closed:
                raise _OwnerGone()
            return self._run(name, args, kwargs)

    def _run(self, name: str, args: tuple, kwargs: dict) -> Any:
        if name in WRITES:
            ensure_space(self.path, self.min_free_mb, self.home)
        try:
            if name == "reset":
                return self._reset(*args)
            generation = self.index.generation
            try:
                return getattr(self.index, name)(*args, **kwargs)
            finally:
                if self._warming is not None and self.index.generation != generation:
                    self.warm()  # the cache was emptied after a warm-up ended: warmed again
        except DutytraceError:
            raise
        except Exception as e:
            clear = storage_error(e, self.home)
            if clear is not None:
                raise clear from None
            raise

    def _reset(self, dim: int) -> None:
        """Empty the index (a new shard of `dim` dimensions): reindex, here where the shard is held."""
        from dutytrace.store.edge_index import EdgeIndex

        self.index.close()
        shutil.rmtree(self.path, ignore_errors=True)
        self.index = EdgeIndex(self.path, dim, self.options)
        if self._warming is not None:
            self.warm()  # a new, empty shard: its warm-up ends at once; what is upserted is kept as it is read

    # -- the server ------------------------------------------------------------------------------
    def _accept(self) -> None:
        while not self.closed:
            try:
                conn = self._listener.accept()
            except Exception:  # the listener closed
                if self.closed:
                    return
                continue
            if self.closed:
                conn.close()
                return
            self._conns.add(conn)
            threading.Thread(target=self._serve, args=(conn,), name="dutytrace-index-conn", daemon=True).start()

    def _serve(self, conn) -> None:
        try:
            try:
                deliver_challenge(conn, self._key)  # what Listener(authkey=...) does, in this thread
                answer_challenge(conn, self._key)
            except Exception:  # a wrong key, or a client that went away
                return
            while True:
                try:
                    name, args, kwargs = conn.recv()
                except Exception:  # the user went away, or close() closed this connection under us
                    return
                with self.lock:
                    if self.closed:
                        return  # the user sees the connection close and finds the next owner
                    if name not in OPERATIONS:
                        reply: tuple[str, Any] = ("err", IndexLocked(f"unknown index operation {name!r}"))
                    else:
                        try:
                            reply = ("ok", self._run(name, args, kwargs))
                        except DutytraceError as e:
                            reply = ("err", _portable(e))
                        except Exception as e:
                            reply = ("err", DutytraceError(f"the index owner (pid {os.getpid()}) failed on {name}: "
                                                           f"{type(e).__name__}: {str(e)[:300]}"))
                    try:
                        conn.send(reply)  # under the lock: close() waits until the answer is out
                    except (OSError, ValueError):
                        return
        finally:
            self._conns.discard(conn)
            conn.close()

    def close(self) -> None:
        with self.lock:  # waits for the call in flight (and the warm-up's page)
            if self.closed:
                return
            self.closed = True
            # wake the accept loop (any connection does; it then sees `closed`) before closing its socket: a
            # thread blocked in accept() would keep the socket, and an abstract address, alive
            try:
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                    s.settimeout(5)
                    s.connect(self._address)
            except OSError:
                pass
            self._thread.join(timeout=5)
            try:
                self._listener.close()  # also removes the socket file
            except Exception:
                pass
            for conn in list(self._conns):
                try:
                    conn.close()
                except Exception:
                    pass
            self.index.close()
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
        atexit.unregister(self.close)


def _portable(e: DutytraceError) -> DutytraceError:
    """`e`, or a DutytraceError with its message where `e` would not survive pickling (a subclass whose
    constructor takes other arguments)."""
    try:
        pickle.loads(pickle.dumps(e))
        return e
    except Exception:
        return DutytraceError(str(e))


class _User:
    """A connection to the process that owns the index."""

    def __init__(self, address: str, key: bytes):
        self.conn = Client(address, family="AF_UNIX", authkey=key)

    def call(self, name: str, args: tuple, kwargs: dict) -> Any:
        try:
            self.conn.send((name, args, kwargs))
            status, value = self.conn.recv()
        except (EOFError, OSError):
            raise _OwnerGone() from None
        if status == "err":
            raise value
        return value

    def close(self) -> None:
        try:
            self.conn.close()
        except Exception:
            pass


class SharedIndex:
    """The embedded index, owned here or reached through its owner (see the module's docstring)."""

    def __init__(self, path: Path, dim: int, options: IndexOptions | None = None, home: Path | None = None,
                 min_free_mb: float = 0, wait_s: float = OWNER_WAIT_S, fresh: bool = False):
        self.path = Path(path).absolute()
        self.dim, self.options = dim, options or IndexOptions()
        self.home = Path(home) if home else self.path.parent
        self.min_free_mb, self.wait_s = min_free_mb, wait_s
        self._lock_path, self._key_path, self._address = _files(self.path)
        self._lock = threading.RLock()
        self._backend: _Owner | _User | None = None
        self._closed = False
        self._fresh = fresh  # empty the index first (reindex), wherever it is held
        self._warm = False  # keep_warm(): warm the cache whenever this process holds the index
        self._backend = self._acquire()  # open now: a home that cannot hold an index says so at once
        if fresh and not self.owner:
            self._call("reset", dim)
        self._fresh = False

    @property
    def owner(self) -> bool:
        """Whether this process holds the index (rather than using another process's)."""
        return isinstance(self._backend, _Owner)

    # -- finding the owner --------------------------------------------------------------------------
    def _acquire(self) -> _Owner | _User:
        deadline = time.monotonic() + self.wait_s
        delay = 0.02
        last = None
        while True:
            backend = self._try_own() or self._try_connect()
            if backend is not None:
                return backend
            if time.monotonic() > deadline:
                raise IndexLocked(
                    f"the embedded index at {self.path} is held by another process (see {self._lock_path}) "
                    f"that did not answer on its socket for {self.wait_s:.0f} s{f' ({last})' if last else ''}. "
                    "If that process hangs, stop it; or use a Qdrant server (DUTYTRACE_QDRANT_URL).")
            time.sleep(delay)
            delay = min(delay * 2, 0.5)

    def _try_own(self) -> _Owner | None:
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as e:
            raise storage_error(e, self.home) or e from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        try:
            return _Owner(self.path, self.dim, self.options, fd, _authkey(self._key_path), self._address, self.home,
                          self.min_free_mb, self._fresh)
        except BaseException as e:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
            clear = storage_error(e, self.home) if isinstance(e, Exception) else None
            if clear is not None and clear is not e:
                raise clear from None
            raise

    def _try_connect(self) -> _User | None:
        if not self._key_path.exists():
            return None  # the owner is still starting
        try:
            return _User(self._address, _authkey(self._key_path))
        except (OSError, EOFError):  # no socket yet (the owner is loading the shard), or it just closed
            return None

    # -- calls ------------------------------------------------------------------------------------
    def _call(self, name: str, *args, **kwargs) -> Any:
        with self._lock:
            if self._closed:
                raise IndexLocked(f"the index at {self.path} was closed")
            while True:
                if self._backend is None:
                    self._backend = self._acquire()
                    if self._warm and isinstance(self._backend, _Owner):
                        self._backend.warm()
                try:
                    return self._backend.call(name, args, kwargs)
                except _OwnerGone:
                    self._backend.close()
                    self._backend = None

    # -- a long-running process -------------------------------------------------------------------
    def keep_warm(self) -> None:
        """Whenever this process holds the index (now, or later when it takes it over), read every point's
        passage fields into memory in the background, so that searches read none from the shard (a deep
        search leg reads thousands: the UI's first searches at 2,000 cases spent most of their time so).
        About 0.3 KB per point. Nothing while another process holds the index: its owner serves the calls."""
        with self._lock:
            self._warm = True
            if isinstance(self._backend, _Owner):
                self._backend.warm()

    def wait_warm(self, timeout: float | None = None) -> bool:
        """Whether this process holds the index and its warm-up has read every point (waits up to `timeout`)."""
        backend = self._backend
        return isinstance(backend, _Owner) and backend.warmed.wait(timeout)

    def upsert(self, points: list[IndexPoint]) -> None:
        self._call("upsert", points)

    def delete(self, ids: list[str]) -> None:
        self._call("delete", list(ids))

    def set_payload(self, case_id: str, payload: dict[str, Any]) -> None:
        self._call("set_payload", case_id, payload)

    def query(self, mode, dense, sparse, limit, filters: Filters | None = None, weights=(1.0, 1.0),
              fields: tuple[str, ...] | None = None, min_score: float | None = None) -> list[Scored]:
        if min_score is None:  # the call an owner of an older version also answers
            return self._call("query", mode, dense, sparse, limit, filters, weights, fields)
        return self._call("query", mode, dense, sparse, limit, filters, weights, fields, min_score)

    def query_many(self, requests: list[tuple]) -> list[list[Scored]]:
        """Many legs in one call to the owner (EdgeIndex.query_many: one batch for the shard)."""
        return self._call("query_many", list(requests))

    def facet(self, key, filters: Filters | None = None, limit: int = 50):
        return self._call("facet", key, filters, limit)

    def count(self) -> int:
        return self._call("count")

    def ids(self) -> set[str]:
        return self._call("ids")

    def scroll(self, batch: int = 256, with_vectors: bool = True):
        offset = None
        while True:
            points, offset = self._call("scroll_page", offset, batch, with_vectors)
            if points:
                yield points
            if offset is None or not points:
                return

    def optimize(self) -> None:
        self._call("optimize")

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._backend is not None:
                self._backend.close()
                self._backend = None


def open_fresh(settings, dim: int) -> SharedIndex:
    """The embedded index of `settings`, emptied (for `reindex`): removed and made again by the process
    that holds it, never under another process's feet."""
    return SharedIndex(Path(settings.index_path), dim, IndexOptions.from_settings(settings), Path(settings.home),
                       getattr(settings, "min_free_mb", 0), fresh=True)
