"""Who may reach each people route: the access matrix's expectations for this app.

Columns, codes and how to add a route: socmap/security/matrix.py and docs/security.md.
"""

from socmap.security.matrix import ANYONE, INVALID, SEES

RECORDS = {
    "nominal": "people.Nominal",
    "association": "people.Association",
    "pair": lambda world: _pair(),
    "merge": lambda world: _merge(),
}


def _two_wiltshire_people():
    from socmap.people.models import Nominal

    first, second = Nominal.objects.filter(
        owner__name="Wiltshire", merged_into__isnull=True
    ).order_by("pk")[:2]
    return first, second


def _pair():
    """A possible duplicate of two Wiltshire people, waiting for review."""
    from socmap.people.models import DuplicateCandidate, LinkageRun

    left, right = _two_wiltshire_people()
    run = LinkageRun.objects.create(scope="Access matrix", threshold=0.9)
    pair, _ = DuplicateCandidate.objects.get_or_create(
        left=left,
        right=right,
        defaults={"run": run, "match_weight": 9.0, "match_probability": 0.99},
    )
    return pair


def _merge():
    """A current merge of two Wiltshire people."""
    from socmap.people.models import NominalMerge

    duplicate, survivor = _two_wiltshire_people()
    merge, _ = NominalMerge.objects.get_or_create(
        duplicate=duplicate, survivor=survivor, undone_at=None, defaults={"reason": "Access matrix"}
    )
    return merge


def _unlink(association) -> dict:
    return {"pk": association.source_id, "association_pk": association.pk}


EXPECT = {
    # columns: own same_region other_region rocu national partner_shared partner_unshared
    "DELETE /api/people/associations/{association_id}": (
        "association",
        "400 404 404 400 400 400 404",
    ),
    "GET /api/people/nominals": ANYONE,
    "GET /api/people/nominals/{nominal_id}": ("nominal", SEES),
    "PATCH /api/people/nominals/{nominal_id}": ("nominal", SEES),
    "POST /api/people/nominals": INVALID,
    "POST /api/people/nominals/{nominal_id}/addresses": ("nominal", INVALID),
    "POST /api/people/nominals/{nominal_id}/aliases": ("nominal", INVALID),
    "POST /api/people/nominals/{nominal_id}/associations": (
        "nominal",
        INVALID,
    ),
    "POST /api/people/nominals/{nominal_id}/identifiers": (
        "nominal",
        INVALID,
    ),
    "people:add-address": ("nominal", SEES),
    "people:add-alias": ("nominal", SEES),
    "people:add-identifier": ("nominal", SEES),
    "people:create": ANYONE,
    "people:detail": ("nominal", SEES),
    "people:edit": ("nominal", SEES),
    "people:link": ("nominal", SEES),
    "people:list": ANYONE,
    "people:search": ANYONE,
    "GET /api/people/duplicates": ANYONE,
    "GET /api/people/duplicates/{pair_id}": ("pair", "200 404 404 200 200 404 404"),
    "GET /api/people/merges": ANYONE,
    "POST /api/people/duplicates/find": "201 201 201 201 201 201 201",
    "POST /api/people/duplicates/{pair_id}/confirm": ("pair", INVALID),
    "POST /api/people/duplicates/{pair_id}/reject": ("pair", INVALID),
    "POST /api/people/merges/{merge_id}/undo": ("merge", INVALID),
    "POST /api/people/nominals/{nominal_id}/merge": ("nominal", INVALID),
    "people:duplicate-review": ("pair", "200 404 404 200 200 404 404"),
    "people:duplicates": ANYONE,
    "people:merge": ("nominal", SEES),
    "people:unmerge": ("merge", "200 404 404 200 200 404 404"),
    "people:unlink": ("association", "200 404 404 200 200 404 404", _unlink),
}
