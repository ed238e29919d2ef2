"""The one service the CLI and the UI sit on. It owns the heavy resources (catalog, embedding model,
index), loads each once and lazily, and exposes the product's operations — as one user at a time:
every read is limited to the cases that user is cleared for (in the index query itself), and every
action is written to the audit log. `for_user` gives a view of the same resources as another user
(the UI holds one service per process and one view per logged-in session).

`Dutytrace` is put together from one module per concern, each a subclass of the one access-and-audit
policy (policy.py: who is asking, `require`, `_check_case`, the cases a user may see, audit records):
ingesting.py (ingest, retag, reindex, index migration), searching.py (search, facets, similar cases,
the precedent brief, analysing a file), cases.py (a case, its documents and pages, statements,
compare, sanctions), desk.py (review and undo, working sets, notes, measures, saved searches) and
sessions.py (login and UI sessions). The concern modules import the policy, never one another."""

from __future__ import annotations

from dutytrace.service.cases import CasesMixin
from dutytrace.service.desk import DeskMixin
from dutytrace.service.ingesting import IngestMixin
from dutytrace.service.policy import ServicePolicy
from dutytrace.service.searching import SearchMixin
from dutytrace.service.sessions import SessionsMixin

__all__ = ["Dutytrace", "ServicePolicy"]


class Dutytrace(IngestMixin, SearchMixin, CasesMixin, DeskMixin, SessionsMixin):
    """The service: every operation of the concern modules over one ServicePolicy (the last base)."""
