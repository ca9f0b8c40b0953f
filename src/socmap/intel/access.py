"""Who may reach each intel route: the access matrix's expectations for this app.

Columns, codes and how to add a route: socmap/security/matrix.py and docs/security.md.
"""

from types import SimpleNamespace

from socmap.security.matrix import ANYONE, INVALID, NOT_ALLOWED, SEES

RECORDS = {
    "report": "intel.IntelligenceReport",
    "copy": "intel.SanitisedCopy",
    "clearance": "intel.IntelClearance",
    "trigger": "intel.TriggerReport",
    "sar": "intel.SuspiciousActivityReport",
    "arrest": "intel.ForeignNationalArrest",
    "import_kind": lambda world: SimpleNamespace(kind="reports"),
}

EXPECT = {
    # columns: own same_region other_region rocu national partner_shared partner_unshared
    "GET /api/intel/arrests": ANYONE,
    "GET /api/intel/clearances": ANYONE,
    "GET /api/intel/measures": ANYONE,
    "GET /api/intel/reports": ANYONE,
    "GET /api/intel/reports/{report_id}": ("report", "200 404 404 200 200 404 404"),
    "GET /api/intel/reports/{report_id}/original": ("report", "200 404 404 200 200 404 404"),
    "GET /api/intel/sanitised": ANYONE,
    "GET /api/intel/sanitised/{copy_id}": ("copy", SEES),
    "GET /api/intel/sars": ANYONE,
    "GET /api/intel/triggers": ANYONE,
    "GET /api/intel/triggers/{trigger_id}": ("trigger", "404 200 404 200 200 200 404"),
    "POST /api/intel/arrests": INVALID,
    "POST /api/intel/arrests/{arrest_id}/check": ("arrest", INVALID),
    "POST /api/intel/clearances": INVALID,
    "POST /api/intel/clearances/{clearance_id}/revoke": (
        "clearance",
        INVALID,
    ),
    "POST /api/intel/imports/{kind}": ("import_kind", INVALID),
    "POST /api/intel/packages": INVALID,
    "POST /api/intel/reports": INVALID,
    "POST /api/intel/reports/{report_id}/regrade": ("report", INVALID),
    "POST /api/intel/reports/{report_id}/sanitised": ("report", INVALID),
    "POST /api/intel/sanitised/{copy_id}/shares": ("copy", INVALID),
    "POST /api/intel/sars": INVALID,
    "POST /api/intel/sars/{sar_id}/triage": ("sar", INVALID),
    "POST /api/intel/triggers": INVALID,
    "POST /api/intel/triggers/{trigger_id}/accept-existing": (
        "trigger",
        INVALID,
    ),
    "POST /api/intel/triggers/{trigger_id}/accept-new": ("trigger", "404 403 404 400 400 403 404"),
    "POST /api/intel/triggers/{trigger_id}/decline": ("trigger", INVALID),
    "intel:accept-existing": ("trigger", NOT_ALLOWED),
    "intel:accept-new": ("trigger", NOT_ALLOWED),
    "intel:acro": ANYONE,
    "intel:acro-check": ("arrest", NOT_ALLOWED),
    "intel:clearances": ANYONE,
    "intel:copy": ("copy", SEES),
    "intel:decline": ("trigger", NOT_ALLOWED),
    "intel:import": ANYONE,
    "intel:list": ANYONE,
    "intel:measures": ANYONE,
    "intel:package": ANYONE,
    "intel:record": ANYONE,
    "intel:record-arrest": NOT_ALLOWED,
    "intel:record-sar": NOT_ALLOWED,
    "intel:regrade": ("report", "200 404 404 200 200 404 404"),
    "intel:report": ("report", "200 404 404 200 200 404 404"),
    "intel:revoke": ("clearance", NOT_ALLOWED),
    "intel:sanitise": ("report", "200 404 404 200 200 404 404"),
    "intel:sars": ANYONE,
    "intel:share": ("copy", NOT_ALLOWED),
    "intel:shared": ANYONE,
    "intel:submit-trigger": ANYONE,
    "intel:triage": ("sar", NOT_ALLOWED),
    "intel:trigger": ("trigger", "404 200 404 200 200 200 404"),
    "intel:triggers": ANYONE,
}
