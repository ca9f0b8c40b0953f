"""``{% restriction_panel record %}``: on a record's page, whether it is restricted and to
whom, with the links to restrict, change or lift it for those who may."""

from django import template

from socmap.orgs.scoping import restriction_of
from socmap.security import services

register = template.Library()


@register.inclusion_tag("security/includes/restriction_panel.html", takes_context=True)
def restriction_panel(context, record):
    user = context["request"].user
    restriction = restriction_of(record)
    own = restriction is not None and getattr(record, "restriction_id", None) == restriction.pk
    return {
        "record": record,
        "record_type": record._meta.label_lower,
        "restriction": restriction,
        "own": own,
        "may_restrict": restriction is None
        and services.restrictable(type(record))
        and services.may_restrict(user, record),
        "may_manage": restriction is not None and services.may_manage(user, restriction),
    }
