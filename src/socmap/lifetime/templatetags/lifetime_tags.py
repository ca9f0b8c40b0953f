"""The lifetime management panel on the threat page (the threats app does not import
lifetime): the members and subject the user can see, in custody or under an order."""

import datetime as dt

from django import template
from django.db.models import Count, Q
from django.utils import timezone

from socmap.lifetime import rules, selectors
from socmap.lifetime.rules import LIVE
from socmap.orgs.scoping import visible_to
from socmap.people.models import Nominal
from socmap.web.tables import first_and_count

register = template.Library()
SHOWN = 10  # people in custody and orders listed on the panel


@register.inclusion_tag("lifetime/includes/threat_lifetime.html", takes_context=True)
def threat_lifetime_panel(context, threat):
    user = context["request"].user
    today = timezone.localdate()
    people = [m.nominal_id for m in threat.memberships.filter(left_on__isnull=True)]
    if threat.subject_id:
        people.append(threat.subject_id)
    visible = visible_to(user, Nominal.objects.filter(pk__in=people))
    custody = selectors.custody_for(user).filter(nominal__in=visible, released_on__isnull=True)
    orders = selectors.orders_for(user).filter(nominal__in=visible, status__in=LIVE)
    waiting = selectors.awaiting_an_order_decision(user, set(people))
    # (only what the panel shows is joined: planning the lists' wider joins took longer than
    # running them)
    in_custody = list(
        custody.select_related(None)
        .select_related("nominal")
        .order_by("expected_release_on")[:SHOWN]
    )
    soon = today + dt.timedelta(days=rules.ALERT_DAYS_DEFAULT)
    if len(in_custody) < SHOWN:  # all of them are here: count them without asking again
        custody_count = len(in_custody)
        releasing = sum(
            1 for c in in_custody if c.expected_release_on and c.expected_release_on <= soon
        )
    else:
        counted = custody.aggregate(
            n=Count("pk"), releasing=Count("pk", filter=Q(expected_release_on__lte=soon))
        )
        custody_count, releasing = counted["n"], counted["releasing"]
    shown_orders, order_count = first_and_count(
        orders.select_related(None).select_related("nominal", "order_type").order_by("ends_on"),
        SHOWN,
    )
    return {
        "threat": threat,
        "in_custody": in_custody,
        "custody_count": custody_count,
        "releasing": releasing,
        "orders": shown_orders,
        "order_count": order_count,
        "to_consider": [n for n in visible if n.pk in waiting],
    }
