"""Revision 0003: notes can be edited and deleted (issue 19, saved work). Four columns on `notes`:
`edited_at` / `edited_by` (the last edit; the note keeps its id, author and creation time) and
`deleted_at` / `deleted_by` (a deleted note stays as a row, out of every view; its text is kept in
the append-only audit log). Each column is added only where it is missing, so the revision also
serves a catalog whose notes table was made by a development build that had them."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Column, Double, Text

revision = "0003"
down_revision = "0002"  # after 0002_term_totals (one linear chain)
branch_labels = None
depends_on = None

COLUMNS = (("edited_at", Double), ("edited_by", Text), ("deleted_at", Double), ("deleted_by", Text))


def upgrade() -> None:
    have = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("notes")}
    for name, kind in COLUMNS:
        if name not in have:
            op.add_column("notes", Column(name, kind()))


def downgrade() -> None:
    for name, _ in reversed(COLUMNS):
        op.drop_column("notes", name)
