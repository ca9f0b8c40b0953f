"""Who may reach each orgs route: the access matrix's expectations for this app.

Columns, codes and how to add a route: socmap/security/matrix.py and docs/security.md.
"""

from socmap.security.matrix import ANYONE, INVALID, NOT_ALLOWED, SEES

RECORDS = {
    "organisation": lambda world: world["wiltshire"],
    "user": "orgs.User",
    "board": lambda world: world["wiltshire"],  # a force is its own tasking board
    "local_area": lambda world: _local_area(world),
}


def _local_area(world):
    from socmap.orgs.models import LocalArea

    return LocalArea.objects.filter(force=world["wiltshire"]).order_by("pk").first()


EXPECT = {
    # columns: own same_region other_region rocu national partner_shared partner_unshared
    "GET /api/me": ANYONE,
    "GET /api/organisations": ANYONE,
    "GET /api/organisations/{slug}": ("organisation", ANYONE),
    "GET /api/organisations/{slug}/populations": ("organisation", ANYONE),
    "GET /api/populations": ANYONE,
    "GET /api/regions": ANYONE,
    "GET /api/users": ANYONE,
    "GET /api/users/{username}": ("user", SEES),
    "PATCH /api/users/{username}": ("user", "200 404 404 403 200 403 404"),
    "POST /api/populations/import": INVALID,
    "POST /api/users": INVALID,
    "POST /api/users/{username}/reset-password": ("user", "200 404 404 403 200 403 404"),
    "orgs:account": ANYONE,
    "orgs:organisation-detail": ("organisation", ANYONE),
    "orgs:organisation-list": ANYONE,
    "orgs:population-import": ANYONE,
    "orgs:population-list": ANYONE,
    "orgs:user-create": ANYONE,
    "orgs:user-detail": ("user", SEES),
    "orgs:user-list": ANYONE,
    "orgs:user-reset-password": ("user", NOT_ALLOWED),
}
