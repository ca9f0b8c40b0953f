"""Security settings that are data: which organisations or roles must use a second factor.

(Restrictions live in orgs, beside the scoping module that reads them; retention has its own
app.)"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from socmap.orgs.models import Role


class TwoFactorRequirement(models.Model):
    """Users of ``organisation`` (all organisations when empty) holding ``role`` (any role
    when empty) must sign in with a second factor; set by an administrator, audited."""

    organisation = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(max_length=32, choices=Role.CHOICES, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)

    scope_owner = "organisation"

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "role"], name="one_two_factor_requirement"
            )
        ]

    def __str__(self) -> str:
        who = self.get_role_display() + "s" if self.role else "Everyone"
        where = f"of {self.organisation}" if self.organisation_id else "in every organisation"
        return f"{who} {where}"
