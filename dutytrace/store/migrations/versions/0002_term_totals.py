"""Revision 0002: the BM25 document frequencies summed over every case (`bm25_totals`), so that a
search over the whole archive reads one row per query term instead of one per case holding it.

The table is filled here from the per-case rows a catalog already holds (bm25_df, bm25_chunks), in the
same transaction as its creation: a catalog made by an earlier version is right when a newer one first
opens it. From then on the catalog keeps it in the transactions that change bm25_df (store/catalog.py).
Row -1 holds the number of chunks with a BM25 vector (term ids are unsigned)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import BigInteger, Column, Integer, MetaData, Table

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Int = BigInteger().with_variant(Integer(), "sqlite")

bm25_totals = Table(
    "bm25_totals", MetaData(),
    Column("term", Int, primary_key=True, autoincrement=False), Column("n", Int, nullable=False))

FILL = [
    "INSERT INTO bm25_totals (term, n) SELECT term, SUM(n) FROM bm25_df GROUP BY term HAVING SUM(n) > 0",
    "INSERT INTO bm25_totals (term, n) SELECT -1, SUM(n) FROM bm25_chunks HAVING SUM(n) > 0",
]


def upgrade() -> None:
    bind = op.get_bind()
    if "bm25_totals" in set(sa.inspect(bind).get_table_names()):  # made by a repair of a hand-edited catalog
        op.execute("DELETE FROM bm25_totals")
    else:
        bm25_totals.create(bind)
    for stmt in FILL:
        op.execute(stmt)


def downgrade() -> None:
    op.drop_table("bm25_totals")
