"""Who may reach the search: the access matrix's expectations for this app.

Columns, codes and how to add a route: socmap/security/matrix.py and docs/security.md.
"""

from socmap.security.matrix import ANYONE

EXPECT = {
    # columns: own same_region other_region rocu national partner_shared partner_unshared
    "GET /api/search/": "400 400 400 400 400 400 400",
    "search:search": ANYONE,
}
