"""Revision 0004: which reader analysed each document (`documents.reader`): the tagger (cue rules,
classifier, or each tag by its chosen reader), the trained models' digests, the measures reader and the
codebook's digest, as `nlp.analyze.reader_stamp` writes them. A home whose documents were analysed by
different readers mixes tag decisions made by different rules; the service counts them
(`Dutytrace.reader_state`) and the UI and `dutytrace retag --check` say so. Rows of a catalog made before
this revision have no stamp (NULL): their reader is unknown, and counted as such."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Column, Text

revision = "0004"
down_revision = "0003"  # after 0003_notes_edit (one linear chain)
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "reader" not in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("documents")}:
        op.add_column("documents", Column("reader", Text))


def downgrade() -> None:
    op.drop_column("documents", "reader")
