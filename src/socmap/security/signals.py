"""Lockouts from django-axes go into the audit trail (they come from axes, not a service)."""

from axes.signals import user_locked_out
from django.dispatch import receiver

from socmap.audit.services import record_event


@receiver(user_locked_out)
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    record_event(
        actor=None,
        action="auth.locked_out",
        target_type="orgs.user",
        target_repr=str(username or "")[:150],
        changes={"ip_address": ip_address or ""},
    )
