"""Search sorted by date (issue 19 item 5, issue 20: cost not growing with the archive). A date sort
orders the most relevant matches, up to search.DATE_SORT_DEPTH of them, by the accident date (undated
last) and reads the passages of the page's cases only, and the profiles of only the cases it orders:
before, the Search page asked for every match (passages and profiles of each) and sorted them itself.
Counted in rows asked for, never in time."""

from __future__ import annotations

import pytest

from dutytrace import search as S
from dutytrace.search import SearchError, Searcher

QUERIES = ("accident investigation responsibility 事故 责任", "workers died accident 事故", "accident")


def _date(c) -> str:
    return str(c.facts.get("date") or "")


def _by_date(cases, newest: bool) -> list[str]:
    dated = sorted((c for c in cases if _date(c)), key=lambda c: (_date(c), c.case_id), reverse=newest)
    return [c.case_id for c in dated] + [c.case_id for c in cases if not _date(c)]


@pytest.fixture(scope="module")
def broad(service):
    """A query every case of the test archive matches, with all its matches in relevance order."""
    for q in QUERIES:
        res = service.find_cases(q, limit=50)
        if res.total >= 3:
            assert len(res.cases) == res.total
            assert sum(1 for c in res.cases if _date(c)) >= 2, [c.facts for c in res.cases]
            return q, res
    pytest.fail(f"none of {QUERIES} matches three cases")


def test_date_sort_of_every_match_pages_by_offset(service, broad):
    q, rel = broad
    for sort, newest in (("newest", True), ("oldest", False)):
        want = _by_date(rel.cases, newest)
        assert [c.case_id for c in service.find_cases(q, limit=50, sort=sort).cases] == want
        pages = [service.find_cases(q, limit=1, sort=sort, offset=i) for i in range(rel.total + 1)]
        assert [c.case_id for p in pages for c in p.cases] == want  # each case once, in date order
        assert all(p.total == rel.total and p.date_sorted == rel.total for p in pages)
        assert pages[-1].cases == []  # past the end: an empty page, the same count
    relevance = [service.find_cases(q, limit=1, offset=i).cases[0].case_id for i in range(rel.total)]
    assert relevance == [c.case_id for c in rel.cases]
    assert service.find_cases(q, limit=3).date_sorted is None
    with pytest.raises(SearchError, match="unknown sort"):
        service.find_cases(q, sort="by-title")


def test_date_sort_reads_a_page_not_every_match(service, broad, monkeypatch):
    """With more matches than the date sort orders, it orders the best ones (and says how many), reads
    the profiles of those only and the passages of the page's cases only."""
    q, rel = broad
    infos, filled = [], []
    read_infos, fill = Searcher._infos, Searcher.fill

    def counting_infos(self, case_ids):
        infos.extend(case_ids)
        return read_infos(self, case_ids)

    def counting_fill(self, hits):
        filled.extend(h.case_id for h in hits)
        return fill(self, hits)

    monkeypatch.setattr(Searcher, "_infos", counting_infos)
    monkeypatch.setattr(Searcher, "fill", counting_fill)
    monkeypatch.setattr(S, "DATE_SORT_DEPTH", 2)
    got = service.find_cases(q, limit=1, sort="newest")
    pool = rel.cases[:2]  # the two most relevant
    assert got.total == rel.total and got.date_sorted == 2 < got.total
    assert [c.case_id for c in got.cases] == _by_date(pool, True)[:1]
    assert set(infos) <= {c.case_id for c in pool}  # no profile read of the third match
    assert set(filled) == {got.cases[0].case_id}  # passages of the page's one case only
    second = service.find_cases(q, limit=1, sort="newest", offset=1)
    assert [c.case_id for c in second.cases] == _by_date(pool, True)[1:2]
    assert service.find_cases(q, limit=1, sort="newest", offset=2).cases == []  # the third is not listed
