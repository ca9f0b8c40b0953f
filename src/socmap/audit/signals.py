"""Log-in, log-out and failed log-in events.

These come from Django's authentication machinery rather than from a socmap service, so they
are the one place where the audit trail listens to signals.
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from socmap.audit.services import record_event


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record_event(actor=user, action="auth.logged_in", target=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record_event(actor=user, action="auth.logged_out", target=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    record_event(
        actor=None,
        action="auth.login_failed",
        target_type="orgs.user",
        target_repr=username,
    )
