"""Who may reach each profiles and control strategy route: the access matrix's expectations.

Columns, codes and how to add a route: socmap/security/matrix.py and docs/security.md.
"""

from socmap.security.matrix import ANYONE, INVALID, NOT_ALLOWED, SEES

RECORDS = {
    "profile": "profiles.LocalProfile",
    "strategic_assessment": "profiles.StrategicAssessment",
    "priority": "profiles.Priority",
}


def _first_version(profile) -> dict:
    return {"pk": profile.pk, "number": 1}


def _first_version_api(profile) -> dict:
    return {"profile_id": profile.pk, "number": 1}


EXPECT = {
    # columns: own same_region other_region rocu national partner_shared partner_unshared
    "GET /api/profiles/": ANYONE,
    "GET /api/profiles/strategy": ANYONE,
    "GET /api/profiles/strategy/reviews-due": ANYONE,
    "GET /api/profiles/strategy/threats/{threat_id}": ("threat", SEES),
    "GET /api/profiles/strategy/{assessment_id}": ("strategic_assessment", SEES),
    "GET /api/profiles/{profile_id}": ("profile", SEES),
    "GET /api/profiles/{profile_id}/export": ("profile", SEES),
    "GET /api/profiles/{profile_id}/versions": ("profile", SEES),
    "GET /api/profiles/{profile_id}/versions/{number}/diff": (
        "profile",
        SEES,
        _first_version_api,
    ),
    "PATCH /api/profiles/strategy/{assessment_id}": (
        "strategic_assessment",
        "200 404 404 200 200 403 404",
    ),
    "POST /api/profiles/": INVALID,
    "POST /api/profiles/strategy": INVALID,
    "POST /api/profiles/strategy/priorities/{priority_id}/end": ("priority", INVALID),
    "POST /api/profiles/strategy/{assessment_id}/priorities": (
        "strategic_assessment",
        INVALID,
    ),
    "POST /api/profiles/strategy/{assessment_id}/review": ("strategic_assessment", INVALID),
    "POST /api/profiles/{profile_id}/edit": ("profile", INVALID),
    "POST /api/profiles/{profile_id}/regenerate": ("profile", INVALID),
    "POST /api/profiles/{profile_id}/share": ("profile", INVALID),
    "profiles:detail": ("profile", SEES),
    "profiles:edit": ("profile", "200 404 404 200 200 403 403"),
    "profiles:export": ("profile", SEES),
    "profiles:list": ANYONE,
    "profiles:new": "200 200 200 200 200 403 403",
    "profiles:regenerate": ("profile", NOT_ALLOWED),
    "profiles:share": ("profile", NOT_ALLOWED),
    "profiles:version": ("profile", SEES, _first_version),
    "strategy:detail": ("strategic_assessment", SEES),
    "strategy:edit": ("strategic_assessment", "200 404 404 200 200 403 403"),
    "strategy:list": ANYONE,
    "strategy:new": "200 200 200 200 200 403 403",
    "strategy:priority-add": ("strategic_assessment", NOT_ALLOWED),
    "strategy:priority-end": ("priority", NOT_ALLOWED),
    "strategy:review": ("strategic_assessment", NOT_ALLOWED),
}
