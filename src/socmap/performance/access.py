"""Who may reach each performance route: the access matrix's expectations for this app.

Columns, codes and how to add a route: socmap/security/matrix.py and docs/security.md.
"""

from socmap.security.matrix import ANYONE

# the internal figures: forces, ROCUs and national agencies; partners get the public summary
INTERNAL = "200 200 200 200 200 403 403"

EXPECT = {
    # columns: own same_region other_region rocu national partner_shared partner_unshared
    "GET /api/performance/breakdown": INTERNAL,
    "GET /api/performance/compliance": INTERNAL,
    "GET /api/performance/public-summary": ANYONE,
    "GET /api/performance/ranking": INTERNAL,
    "GET /api/performance/rates": INTERNAL,
    "GET /api/performance/report": "400 400 400 400 400 400 400",
    "GET /api/performance/trends": INTERNAL,
    "GET /api/performance/what-works": INTERNAL,
    "performance:breakdown": INTERNAL,
    "performance:compliance": INTERNAL,
    "performance:public": ANYONE,
    "performance:ranking": "200 200 200 200 200 302 302",
    "performance:reports": ANYONE,
    "performance:trends": INTERNAL,
    "performance:what-works": INTERNAL,
}
