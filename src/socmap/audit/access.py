"""Who may reach each audit route: the access matrix's expectations for this app.

Columns, codes and how to add a route: socmap/security/matrix.py and docs/security.md.
"""

from socmap.security.matrix import ANYONE

RECORDS = {}

EXPECT = {
    # columns: own same_region other_region rocu national partner_shared partner_unshared
    "GET /api/audit": ANYONE,
    "audit:event-list": ANYONE,
}
