"""Move the embedded index to a Qdrant server or cluster: every point is copied with its vectors
(dense and BM25 sparse, unchanged) and payload, so the server ranks exactly as the embedded index did
and nothing needs re-embedding. Point ids are kept, so an interrupted or repeated migration simply
overwrites what it already copied."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from dutytrace.errors import DutytraceError
from dutytrace.store.vectors import IndexOptions, VectorIndex


class MigrationError(DutytraceError):
    pass


def copy_points(src: VectorIndex, dst: VectorIndex, batch: int = 256,
                progress: Callable[[int, int], None] | None = None) -> dict:
    """Copy every point of src into dst; verify that dst then holds every id of src."""
    total = src.count()
    copied = 0
    for points in src.scroll(batch):
        dst.upsert(points)
        copied += len(points)
        if progress:
            progress(copied, total)
    missing = src.ids() - dst.ids()
    if missing:
        raise MigrationError(f"{len(missing)} points did not arrive in the target (e.g. {sorted(missing)[0]}); "
                             "run the migration again: it overwrites what was copied and adds the rest")
    return {"copied": copied, "source_count": total, "target_count": dst.count()}


def _dense_dim(src: VectorIndex) -> int:
    for points in src.scroll(1):
        if points and points[0].dense:
            return len(points[0].dense)
    raise MigrationError("the embedded index is empty: nothing to migrate (ingest first, or `dutytrace reindex`)")


def migrate_embedded(settings, to_url: str, api_key: str | None = None, collection: str | None = None,
                     progress: Callable[[int, int], None] | None = None) -> dict:
    """Copy the embedded Qdrant Edge index of `settings.home` to the collection at `to_url`."""
    from dutytrace.store.index_owner import SharedIndex
    from dutytrace.store.qdrant_client_index import ClientIndex

    path = Path(settings.index_path)
    if not path.exists() or not any(path.iterdir()):
        raise MigrationError(f"no embedded index at {path}: nothing to migrate (set DUTYTRACE_HOME to the data "
                             "home that holds it)")
    if not to_url:
        raise MigrationError("no target: give --to http(s)://HOST:6333 (a Qdrant server or cluster node)")
    collection = collection or settings.collection
    src = SharedIndex(path, 0, home=Path(settings.home))  # never a second open of a shard another process holds
    try:
        dim = _dense_dim(src)
        try:
            dst = ClientIndex(to_url, api_key, collection, dim, IndexOptions.from_settings(settings))
        except Exception as e:
            raise MigrationError(f"cannot open collection '{collection}' at {to_url}: "
                                 f"{type(e).__name__}: {str(e)[:200]}") from None
        try:
            report = copy_points(src, dst, progress=progress)
        finally:
            dst.close()
    finally:
        src.close()
    return {**report, "to": to_url, "collection": collection, "dim": dim}
