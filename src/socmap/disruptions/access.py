"""Who may reach each disruptions route: the access matrix's expectations for this app.

Columns, codes and how to add a route: socmap/security/matrix.py and docs/security.md.
"""

from socmap.security.matrix import ANYONE, INVALID, NOT_ALLOWED, SEES

RECORDS = {"disruption": "disruptions.Disruption"}

# downloads that carry no records (the blank import template), so no exporter stamp
BLANK_DOWNLOADS = {"disruptions:template"}

EXPECT = {
    # columns: own same_region other_region rocu national partner_shared partner_unshared
    "GET /api/disruptions": ANYONE,
    "GET /api/disruptions/export": ANYONE,
    "GET /api/disruptions/figures": ANYONE,
    "GET /api/disruptions/grade-guidance": ANYONE,
    "GET /api/disruptions/import/template": ANYONE,
    "GET /api/disruptions/overdue": ANYONE,
    "GET /api/disruptions/tactics": ANYONE,
    "GET /api/disruptions/unvalidated": ANYONE,
    "GET /api/disruptions/{disruption_id}": ("disruption", SEES),
    "PATCH /api/disruptions/{disruption_id}": ("disruption", "400 404 404 400 400 403 404"),
    "POST /api/disruptions": INVALID,
    "POST /api/disruptions/import": INVALID,
    "POST /api/disruptions/{disruption_id}/regrade": ("disruption", INVALID),
    "POST /api/disruptions/{disruption_id}/return": ("disruption", INVALID),
    "POST /api/disruptions/{disruption_id}/submit": ("disruption", "400 404 404 400 400 403 404"),
    "POST /api/disruptions/{disruption_id}/validate": ("disruption", "400 404 404 400 400 403 404"),
    "disruptions:detail": ("disruption", SEES),
    "disruptions:edit": ("disruption", "302 404 404 302 302 403 404"),
    "disruptions:figures": ANYONE,
    "disruptions:guidance": ANYONE,
    "disruptions:import": "200 200 200 200 200 403 403",
    "disruptions:list": ANYONE,
    "disruptions:overdue": ANYONE,
    "disruptions:record": ANYONE,
    "disruptions:regrade": ("disruption", "200 404 404 200 200 403 404"),
    "disruptions:return": ("disruption", "302 404 404 302 302 403 404"),
    "disruptions:share": ("disruption", "200 404 404 200 200 403 404"),
    "disruptions:submit": ("disruption", NOT_ALLOWED),
    "disruptions:tactic-fields": ANYONE,
    "disruptions:template": ANYONE,
    "disruptions:unvalidated": ANYONE,
    "disruptions:validate": ("disruption", "302 404 404 302 302 403 404"),
}
