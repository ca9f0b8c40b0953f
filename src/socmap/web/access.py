"""Who may reach each web route (log-in, dashboard, the API documentation, Django's admin):
the access matrix's expectations for this part of socmap.

Columns, codes and how to add a route: socmap/security/matrix.py and docs/security.md.
"""

from socmap.security.matrix import ANYONE, NOT_ALLOWED

RECORDS: dict = {}

# What an anonymous visitor gets where it is not the log-in page.
ANONYMOUS = {
    "login": 200,
    "logout": 405,  # log-out is a POST
    "api-1.0.0:openapi-json": 200,  # the API's description is public; every operation is not
    "api-1.0.0:openapi-view": 200,
    "admin:login": 200,
    "admin:logout": 302,  # back to the admin index, which asks for a staff log-in
}

# Django's admin is for staff accounts (none of socmap's users): every page, whatever the
# model, sends a non-staff user to the admin log-in.
ADMIN_REDIRECT = "302 302 302 302 302 302 302"


def _admin_routes() -> list[str]:
    """Every named URL of the admin site, models included."""
    from django.contrib import admin
    from django.urls import URLResolver

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            elif pattern.name:
                yield f"admin:{pattern.name}"

    return list(walk(admin.site.get_urls()))


EXPECT = {
    # columns: own same_region other_region rocu national partner_shared partner_unshared
    "dashboard": ANYONE,
    "password_change": ANYONE,
    "login": "302 302 302 302 302 302 302",  # a signed-in user goes to the dashboard
    "logout": NOT_ALLOWED,
    "api-1.0.0:openapi-json": ANYONE,
    "api-1.0.0:openapi-view": ANYONE,
    **dict.fromkeys(_admin_routes(), ADMIN_REDIRECT),
}
EXPECT["admin:login"] = ANYONE  # the form, which only a staff account gets past
