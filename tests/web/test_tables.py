"""A list read a page of ids first (the threat and disruption lists) shows exactly the rows,
in exactly the order, that reading the sorted rows directly shows, on every page."""

from __future__ import annotations

import pytest
from django.db.models import F
from django.test import RequestFactory

from socmap.orgs.models import Organisation
from socmap.reference import ensure_all
from socmap.web.tables import paginate

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "order",
    [("name",), ("-kind", "name"), (F("region__name").asc(nulls_last=True), "-pk")],
    ids=["by name", "by kind then name", "by a joined column"],
)
def test_reading_ids_first_gives_the_same_pages(order):
    # Given the organisations of the reference data, sorted one way or another (one by a
    # column of a joined table, with the duplicates a join can bring removed)
    ensure_all()
    organisations = Organisation.objects.select_related("region").order_by(*order)
    if not isinstance(order[0], str):
        organisations = organisations.filter(region__isnull=False).distinct()
    pages = -(-organisations.count() // 7)
    assert pages > 2
    for number in range(1, pages + 1):
        request = RequestFactory().get("/", {"page": number})
        # When a page is read directly and by its ids first
        direct = paginate(request, organisations, 7)
        by_ids = paginate(request, organisations, 7, ids_first=True)
        # Then the rows, their order and the page's count are the same
        assert [o.pk for o in by_ids.object_list] == [o.pk for o in direct.object_list]
        assert by_ids.paginator.count == direct.paginator.count
        assert by_ids.object_list[0].region_id == direct.object_list[0].region_id
