"""Who may reach each people route: the access matrix's expectations for this app.

Columns, codes and how to add a route: socmap/security/matrix.py and docs/security.md.
"""

from socmap.security.matrix import ANYONE, INVALID, SEES

RECORDS = {"nominal": "people.Nominal", "association": "people.Association"}


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
    "people:unlink": ("association", "200 404 404 200 200 404 404", _unlink),
}
