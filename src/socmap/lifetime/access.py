"""Who may reach each lifetime route: the access matrix's expectations for this app.

Columns, codes and how to add a route: socmap/security/matrix.py and docs/security.md.
"""

from socmap.security.matrix import ANYONE, INVALID, NOT_ALLOWED, SEES

RECORDS = {
    "order": "lifetime.Order",
    "breach": "lifetime.Breach",
    "custody": "lifetime.CustodyRecord",
}

EXPECT = {
    # columns: own same_region other_region rocu national partner_shared partner_unshared
    "GET /api/lifetime/alerts": ANYONE,
    "GET /api/lifetime/applicants": ANYONE,
    "GET /api/lifetime/breach-outcomes": ANYONE,
    "GET /api/lifetime/breaches": ANYONE,
    "GET /api/lifetime/custody": ANYONE,
    "GET /api/lifetime/custody/{custody_id}": ("custody", SEES),
    "GET /api/lifetime/order-types": ANYONE,
    "GET /api/lifetime/orders": ANYONE,
    "GET /api/lifetime/orders/{order_id}": ("order", SEES),
    "GET /api/lifetime/people/{nominal_id}": ("nominal", SEES),
    "PATCH /api/lifetime/custody/{custody_id}": ("custody", SEES),
    "POST /api/lifetime/breaches/{breach_id}/disruption": ("breach", "404 400 404 400 400 400 404"),
    "POST /api/lifetime/custody": INVALID,
    "POST /api/lifetime/custody/{custody_id}/release": ("custody", INVALID),
    "POST /api/lifetime/orders": INVALID,
    "POST /api/lifetime/orders/expire": ANYONE,
    "POST /api/lifetime/orders/{order_id}/breaches": ("order", INVALID),
    "POST /api/lifetime/orders/{order_id}/discharge": ("order", INVALID),
    "POST /api/lifetime/orders/{order_id}/disruption": ("order", "400 404 404 400 400 400 404"),
    "POST /api/lifetime/orders/{order_id}/grant": ("order", INVALID),
    "POST /api/lifetime/orders/{order_id}/refuse": ("order", INVALID),
    "POST /api/lifetime/orders/{order_id}/vary": ("order", INVALID),
    "POST /api/lifetime/people/{nominal_id}/considerations": (
        "nominal",
        INVALID,
    ),
    "lifetime:alerts": ANYONE,
    "lifetime:breach": ("order", "200 404 404 200 200 403 404"),
    "lifetime:breach-disruption": ("breach", NOT_ALLOWED),
    "lifetime:breaches": ANYONE,
    "lifetime:consider": ("nominal", SEES),
    "lifetime:custody": ("custody", SEES),
    "lifetime:custody-list": ANYONE,
    "lifetime:discharge": ("order", "302 404 404 302 302 403 404"),
    "lifetime:edit-custody": ("custody", "200 404 404 200 200 403 404"),
    "lifetime:expire": NOT_ALLOWED,
    "lifetime:grant": ("order", "302 404 404 302 302 403 404"),
    "lifetime:order": ("order", SEES),
    "lifetime:order-disruption": ("order", NOT_ALLOWED),
    "lifetime:order-types": ANYONE,
    "lifetime:orders": ANYONE,
    "lifetime:person": ("nominal", SEES),
    "lifetime:record": ANYONE,
    "lifetime:record-custody": ANYONE,
    "lifetime:refuse": ("order", "302 404 404 302 302 403 404"),
    "lifetime:release": ("custody", NOT_ALLOWED),
    "lifetime:vary": ("order", "302 404 404 302 302 403 404"),
}
