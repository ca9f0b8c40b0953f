"""Who may reach each retention route: the access matrix's expectations for this app.

Columns, codes and how to add a route: socmap/security/matrix.py and docs/security.md.
"""

from socmap.security.matrix import ANYONE, INVALID

RECORDS: dict = {}


def _threat_ref(threat) -> dict:
    return {"record_type": "threats.threat", "pk": threat.pk}


EXPECT = {
    # columns: own same_region other_region rocu national partner_shared partner_unshared
    "retention:queue": ANYONE,
    "retention:review": ("threat", "200 404 404 200 200 403 404", _threat_ref),
    "GET /api/retention/queue": ANYONE,
    "POST /api/retention/decisions": INVALID,
}
