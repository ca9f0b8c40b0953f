"""Who may reach each plans route: the access matrix's expectations for this app.

Columns, codes and how to add a route: socmap/security/matrix.py and docs/security.md.
"""

from socmap.security.matrix import ANYONE, INVALID, SEES

RECORDS = {
    "plan": "plans.Plan",
    "objective": "plans.Objective",
    "action": "plans.Action",
    "plan_partner": "plans.PlanPartner",
    "referral": "plans.GainReferral",
    "proposal": "plans.Proposal",
}

EXPECT = {
    # columns: own same_region other_region rocu national partner_shared partner_unshared
    "GET /api/plans": ANYONE,
    "GET /api/plans/actions": ANYONE,
    "GET /api/plans/briefing/areas": ANYONE,
    "GET /api/plans/briefing/{area_id}": ("local_area", ANYONE),
    "GET /api/plans/gaps": ANYONE,
    "GET /api/plans/mine": ANYONE,
    "GET /api/plans/reviews-due": ANYONE,
    "GET /api/plans/tasking/boards": ANYONE,
    "GET /api/plans/tasking/boards/{slug}": ("board", "200 404 404 200 200 404 404"),
    "GET /api/plans/tasking/proposals": ANYONE,
    "GET /api/plans/workload": ANYONE,
    "GET /api/plans/{plan_id}": ("plan", SEES),
    "GET /api/plans/{plan_id}/partners": ("plan", SEES),
    "GET /api/plans/{plan_id}/referrals": ("plan", SEES),
    "GET /api/plans/{plan_id}/reviews": ("plan", SEES),
    "PATCH /api/plans/actions/{action_id}": ("action", "200 404 404 403 403 403 404"),
    "PATCH /api/plans/objectives/{objective_id}": ("objective", "200 404 404 403 403 403 404"),
    "PATCH /api/plans/{plan_id}": ("plan", "200 404 404 403 403 403 404"),
    "POST /api/plans": INVALID,
    "POST /api/plans/partners/{partner_id}/remove": ("plan_partner", "200 404 404 403 403 403 404"),
    "POST /api/plans/referrals/{referral_id}/answer": ("referral", INVALID),
    "POST /api/plans/tasking/proposals": INVALID,
    "POST /api/plans/tasking/proposals/{proposal_id}/decisions": (
        "proposal",
        INVALID,
    ),
    "POST /api/plans/{plan_id}/actions": ("plan", "400 404 404 403 403 403 404"),
    "POST /api/plans/{plan_id}/objectives": ("plan", INVALID),
    "POST /api/plans/{plan_id}/partners": ("plan", INVALID),
    "POST /api/plans/{plan_id}/referrals": ("plan", INVALID),
    "POST /api/plans/{plan_id}/reviews": ("plan", INVALID),
    "plans:actions": ANYONE,
    "plans:add-action": ("plan", "200 404 404 403 403 403 404"),
    "plans:add-objective": ("plan", "200 404 404 403 403 403 404"),
    "plans:add-partner": ("plan", "200 404 404 403 403 403 404"),
    "plans:add-referral": ("plan", "200 404 404 403 403 403 404"),
    "plans:answer-referral": ("referral", "200 404 404 403 403 403 404"),
    "plans:briefing": ANYONE,
    "plans:briefing-area": ("local_area", ANYONE),
    "plans:decide": ("proposal", "200 404 404 403 403 403 404"),
    "plans:detail": ("plan", SEES),
    "plans:edit": ("plan", "200 404 404 403 403 403 404"),
    "plans:edit-action": ("action", "200 404 404 403 403 403 404"),
    "plans:edit-objective": ("objective", "200 404 404 403 403 403 404"),
    "plans:gaps": ANYONE,
    "plans:list": ANYONE,
    "plans:mine": ANYONE,
    "plans:pack": ("board", "200 404 404 200 200 404 404"),
    "plans:propose": "404 404 404 404 404 404 404",
    "plans:remove-partner": ("plan_partner", "200 404 404 403 403 403 404"),
    "plans:review": ("plan", "200 404 404 403 403 403 404"),
    "plans:reviews-due": ANYONE,
    "plans:start": ("threat", "200 404 404 403 403 403 404"),
    "plans:tasking": ANYONE,
    "plans:workload": ANYONE,
}
