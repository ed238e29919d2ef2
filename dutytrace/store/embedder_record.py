"""Which embedder built the index, kept in the catalog (catalog_meta 'embedder'): vectors of the fp32
and the int8 ONNX MiniLM are close but not the same, so a query must be embedded by the embedder
that built the index. An index built before the record existed was built by sentence-transformers
(the only embedder then): it reads as that model in fp32."""

from __future__ import annotations

from sqlalchemy import delete, insert, select

from dutytrace.errors import ConfigError
from dutytrace.store import schema as t
from dutytrace.store.db import insert_ignore

KEY = "embedder"


def recorded(catalog, legacy: str) -> str | None:
    """The embedder that built the index; `legacy` when documents were indexed before the record; None
    when nothing is indexed yet."""
    row = catalog.db.first(select(t.catalog_meta.c.value).where(t.catalog_meta.c.key == KEY))
    if row is not None:
        return row[0]
    if catalog.db.first(select(t.documents.c.doc_id).where(t.documents.c.indexed == 1).limit(1)):
        return legacy
    return None


def record(catalog, ident: str) -> None:
    """Note the embedder that indexes (the first one to index a home; the same one afterwards)."""
    with catalog.transaction() as tx:
        insert_ignore(tx, t.catalog_meta, {"key": KEY, "value": ident})


def replace(catalog, ident: str) -> None:
    """A reindex: the index is emptied and rebuilt by the embedder now set."""
    with catalog.transaction() as tx:
        tx.execute(delete(t.catalog_meta).where(t.catalog_meta.c.key == KEY))
        tx.execute(insert(t.catalog_meta), {"key": KEY, "value": ident})


def check(catalog, ident: str, legacy: str) -> None:
    """ConfigError, saying what to do, when the index was built by another embedder than `ident`."""
    built = recorded(catalog, legacy)
    if built is None or built == ident:
        return
    kind, _, model = built.partition(":")
    raise ConfigError(
        f"this index was built with the {kind} embedder ({model}) and the embedder now set is "
        f"{ident.partition(':')[0]} ({ident.partition(':')[2]}); their vectors differ, so it cannot be searched "
        f"or added to with this one. Set DUTYTRACE_EMBEDDER={kind} (as when it was built), or run "
        f"`dutytrace reindex` to rebuild the index with the embedder now set.")
