"""Who may reach each security route: the access matrix's expectations for this app.

Columns, codes and how to add a route: socmap/security/matrix.py and docs/security.md.
"""

from socmap.security.matrix import ANYONE, INVALID, SEES

RECORDS = {"restriction": lambda world: world["restriction"]}


def _threat_ref(threat) -> dict:
    return {"record_type": "threats.threat", "pk": threat.pk}


EXPECT = {
    # columns: own same_region other_region rocu national partner_shared partner_unshared
    "GET /api/security/restrictions": ANYONE,
    "POST /api/security/restrictions": INVALID,
    "POST /api/security/restrictions/lift": INVALID,
    "PUT /api/security/restrictions/{restriction_id}": (
        "restriction",
        INVALID,
    ),
    "security:two-factor": ANYONE,
    "security:two-factor-requirements": ANYONE,  # every column's viewer is an administrator
    "security:two-factor-verify": "302 302 302 302 302 302 302",  # nothing to verify yet
    "security:user": ("user", SEES),
    "security:access-reason": ("threat", "302 404 404 302 302 302 404", _threat_ref),
    "security:lift": ("threat", "404 404 404 404 404 404 404", _threat_ref),
    "security:restrict": ("threat", "200 404 404 200 200 403 404", _threat_ref),
    "security:restriction": ("restriction", "200 404 404 404 404 404 404"),
    "security:restrictions": ANYONE,
}
