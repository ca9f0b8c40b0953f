"""Who may reach each threats route: the access matrix's expectations for this app.

Columns, codes and how to add a route: socmap/security/matrix.py and docs/security.md.
"""

from socmap.security.matrix import ANYONE, INVALID, SEES

RECORDS = {"threat": "threats.Threat", "membership": lambda world: _membership(world)}


def _membership(world):
    """A current membership of the route's threat, its person shared with the partner as the
    threat is (a membership is seen by whoever sees both the group and the person)."""
    from django.contrib.contenttypes.models import ContentType

    from socmap.orgs.models import Share
    from socmap.threats.models import Membership

    threat = world["records"]["threat"]
    membership = (
        Membership.objects.filter(threat=threat, left_on__isnull=True).order_by("pk").first()
    )
    Share.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(membership.nominal),
        object_id=membership.nominal_id,
        organisation=world["shared_partner"],
        revoked_at=None,
        defaults={"shared_by": world["viewers"]["own"]},
    )
    return membership


EXPECT = {
    # columns: own same_region other_region rocu national partner_shared partner_unshared
    "GET /api/threats": ANYONE,
    "GET /api/threats/crime-types": ANYONE,
    "GET /api/threats/figures": ANYONE,
    "GET /api/threats/overdue": ANYONE,
    "GET /api/threats/{threat_id}": ("threat", SEES),
    "GET /api/threats/{threat_id}/members": ("threat", SEES),
    "PATCH /api/threats/{threat_id}": ("threat", "200 404 404 200 200 403 404"),
    "POST /api/threats": INVALID,
    "POST /api/threats/members/{membership_id}/end": ("membership", INVALID),
    "POST /api/threats/{threat_id}/members": ("threat", INVALID),
    "POST /api/threats/{threat_id}/status": ("threat", INVALID),
    "threats:add-member": ("threat", "200 404 404 200 200 403 404"),
    "threats:answers-fields": ANYONE,
    "threats:detail": ("threat", SEES),
    "threats:panels": ("threat", SEES),
    "threats:edit": ("threat", "200 404 404 200 200 403 404"),
    "threats:end-member": ("membership", "200 404 404 200 200 403 404"),
    "threats:figures": ANYONE,
    "threats:list": ANYONE,
    "threats:map": "200 200 200 200 200 403 403",
    "threats:overdue": ANYONE,
    "threats:status": ("threat", "200 404 404 200 200 403 404"),
}
