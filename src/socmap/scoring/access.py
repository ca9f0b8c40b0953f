"""Who may reach each scoring route: the access matrix's expectations for this app.

Columns, codes and how to add a route: socmap/security/matrix.py and docs/security.md.
"""

from socmap.security.matrix import ANYONE, INVALID, NOT_ALLOWED, SEES

RECORDS = {
    "methodology": lambda world: _methodology(),
    "assessment": "scoring.Assessment",
    "calibration": "scoring.CalibrationExercise",
    "calibration_case": "scoring.CalibrationCase",
}


def _methodology():
    from socmap.scoring.models import MethodologyVersion

    return MethodologyVersion.objects.filter(is_current=True).order_by("name").first()


EXPECT = {
    # columns: own same_region other_region rocu national partner_shared partner_unshared
    "GET /api/scoring/assessments/{assessment_id}": ("assessment", "200 404 404 200 200 404 404"),
    "GET /api/scoring/calibration": ANYONE,
    "GET /api/scoring/calibration/{exercise_id}": ("calibration", "200 200 404 200 200 200 404"),
    "GET /api/scoring/calibration/{exercise_id}/report": (
        "calibration",
        "200 200 404 200 200 200 404",
    ),
    "GET /api/scoring/consistency": INVALID,
    "GET /api/scoring/methodologies": ANYONE,
    "GET /api/scoring/methodologies/{name}/{version}": ("methodology", ANYONE),
    "GET /api/scoring/overdue": ANYONE,
    "GET /api/scoring/threats/{threat_id}/assessments": ("threat", SEES),
    "POST /api/scoring/calibration": INVALID,
    "POST /api/scoring/calibration/cases/{case_id}/responses": (
        "calibration_case",
        INVALID,
    ),
    "POST /api/scoring/calibration/{exercise_id}/close": (
        "calibration",
        "403 403 404 400 403 403 404",
    ),
    "POST /api/scoring/preview": INVALID,
    "POST /api/scoring/rescore": INVALID,
    "POST /api/scoring/threats/{threat_id}/assessments": ("threat", INVALID),
    "scoring:assess": ("threat", "200 404 404 200 200 403 404"),
    "scoring:assessment": ("assessment", "200 404 404 200 200 404 404"),
    "scoring:calibration-close": ("calibration", NOT_ALLOWED),
    "scoring:calibration-create": ANYONE,
    "scoring:calibration-detail": ("calibration", "200 200 404 200 200 200 404"),
    "scoring:calibration-list": ANYONE,
    "scoring:calibration-report": ("calibration", "200 200 404 200 200 200 404"),
    "scoring:calibration-respond": ("calibration_case", NOT_ALLOWED),
    "scoring:consistency": ANYONE,
    "scoring:index": ANYONE,
    "scoring:methodology": ("methodology", ANYONE),
    "scoring:preview": NOT_ALLOWED,
}
