"""Who may reach each threats route: the access matrix's expectations for this app.

Columns, codes and how to add a route: socmap/security/matrix.py and docs/security.md.
"""

from socmap.security.matrix import ANYONE, INVALID, SEES

RECORDS = {"threat": "threats.Threat", "membership": "threats.Membership"}

EXPECT = {
    # columns: own same_region other_region rocu national partner_shared partner_unshared
    "GET /api/threats": ANYONE,
    "GET /api/threats/crime-types": ANYONE,
    "GET /api/threats/figures": ANYONE,
    "GET /api/threats/overdue": ANYONE,
    "GET /api/threats/{threat_id}": ("threat", SEES),
    "GET /api/threats/{threat_id}/members": ("threat", SEES),
    "GET /api/threats/{threat_id}/network": ("threat", SEES),
    "PATCH /api/threats/{threat_id}": ("threat", "200 404 404 200 200 403 404"),
    "POST /api/threats": INVALID,
    "POST /api/threats/members/{membership_id}/end": ("membership", INVALID),
    "POST /api/threats/{threat_id}/members": ("threat", INVALID),
    "POST /api/threats/{threat_id}/status": ("threat", INVALID),
    "threats:add-member": ("threat", "200 404 404 200 200 403 404"),
    "threats:answers-fields": ANYONE,
    "threats:detail": ("threat", SEES),
    "threats:edit": ("threat", "200 404 404 200 200 403 404"),
    "threats:end-member": ("membership", "200 404 404 200 200 403 404"),
    "threats:figures": ANYONE,
    "threats:list": ANYONE,
    "threats:map": "200 200 200 200 200 403 403",
    "threats:overdue": ANYONE,
    "threats:status": ("threat", "200 404 404 200 200 403 404"),
}
