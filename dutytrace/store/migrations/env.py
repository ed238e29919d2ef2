"""For the `alembic` command (developers writing a revision); the catalog runs its migrations itself
(store/migrations/__init__.py) and never loads this file."""

from __future__ import annotations

import os

from alembic import context

from dutytrace.store.db import make_engine
from dutytrace.store.schema import metadata

target = os.environ.get("DUTYTRACE_DATABASE_URL") or os.path.join(
    os.environ.get("DUTYTRACE_HOME", os.path.expanduser("~/.local/share/dutytrace")), "catalog.sqlite3")
with make_engine(target).connect() as conn:
    context.configure(connection=conn, target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()
