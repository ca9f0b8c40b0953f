"""The lifetime management panel on the threat page (the threats app does not import
lifetime): the members and subject the user can see, in custody or under an order."""

import datetime as dt

from django import template
from django.utils import timezone

from socmap.lifetime import rules, selectors
from socmap.lifetime.rules import LIVE
from socmap.orgs.scoping import visible_to
from socmap.people.models import Nominal

register = template.Library()


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
    waiting = {
        r.nominal.pk for r in selectors.consider_an_order(user, today=today, among=set(people))
    }
    return {
        "threat": threat,
        "in_custody": list(custody.order_by("expected_release_on")[:10]),
        "custody_count": custody.count(),
        "releasing": custody.filter(
            expected_release_on__lte=today + dt.timedelta(days=rules.ALERT_DAYS_DEFAULT)
        ).count(),
        "orders": list(orders.order_by("ends_on")[:10]),
        "order_count": orders.count(),
        "to_consider": [n for n in visible if n.pk in waiting],
    }
