"""Who may reach each networks route: the access matrix's expectations for this app.

Columns, codes and how to add a route: socmap/security/matrix.py and docs/security.md.
"""

from socmap.security.matrix import ANYONE, SEES

RECORDS = {"threat": "threats.Threat", "nominal": "people.Nominal"}


def _threat_network(threat) -> dict:
    return {"kind": "threat", "pk": threat.pk}


EXPECT = {
    # columns: own same_region other_region rocu national partner_shared partner_unshared
    "GET /api/networks/nominals/{nominal_id}": ("nominal", SEES),
    "GET /api/networks/threat-links": ANYONE,
    "GET /api/networks/threats/{threat_id}": ("threat", SEES),
    "networks:index": ANYONE,
    "networks:methodology": ANYONE,
    "networks:network": ("threat", SEES, _threat_network),
    "networks:panel": ("threat", SEES, _threat_network),
    "networks:threat-links": ANYONE,
}
