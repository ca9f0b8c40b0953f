"""The demo data's disruptions give the ranking the demo's rates (Wiltshire highest, about
four times the average), and the disruption figures page gives the same figures."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from socmap.disruptions.selectors import counts_by_force
from socmap.performance import rollup
from socmap.performance import selectors as s

SCALE = 0.1


@pytest.fixture
def demo(db):
    call_command(
        "demo-data", "--forces", "3", "--seed", "3", "--scale", str(SCALE), stdout=io.StringIO()
    )


def test_the_demo_ranks_wiltshire_first_as_the_quick_view_does(demo):
    result = s.ranking(None, s.check_options(months=24))
    first = result.ranking.compared[0]
    assert first.slug == "wiltshire" and first.ratio > 2
    # the demo makes Wiltshire 3.27 per 1,000 over two years, at a tenth of the volume
    assert float(first.rate) / SCALE == pytest.approx(3.27, abs=0.1)
    quick = counts_by_force(None)
    assert quick.total.per_thousand == result.average.rate
    assert {r.slug: r.per_thousand for r in quick.rows if not r.caveat} == {
        r.slug: r.rate for r in result.ranking.compared
    }
    assert rollup.differences() == []


def test_the_demo_has_something_for_every_performance_page(demo):
    options = s.check_options()
    assert s.breakdown(None, options).total > 0
    assert any(p.count for p in s.trends(None, options).points)
    assert s.compliance(None, options).total.active_threats > 0
    works = s.what_works(None, options)
    assert works.intervals > 0 and works.survival[0].curve.n > 0
