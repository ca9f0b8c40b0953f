"""The audit trail: who created, changed or read what, when and why. Append-only.

Rows are written by service functions in the same transaction as the change they describe.
The application refuses to update or delete them, and database triggers refuse it too
(see the migrations), so a bug or a hand-written query cannot quietly rewrite history.
Each row is chained to the one before by a SHA-256 hash (see ``chain.py``), so a change made
by someone able to bypass the triggers is evident: ``socmap verify-audit`` finds it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted.")

    def bulk_create(self, objs, *args, **kwargs):
        raise AppendOnlyError(
            "Audit events are chained one by one: use socmap.audit.services.record_event."
        )

    # bulk_update goes through update().


class AuditEvent(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
        help_text="Empty for the system itself (migrations, scheduled jobs).",
    )
    actor_name = models.CharField(max_length=200, help_text="The actor's name at the time.")
    actor_organisation = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True, db_index=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=255, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    sequence = models.PositiveBigIntegerField(
        unique=True, help_text="Position in the hash chain, from 1, in the order of commits."
    )
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    scope_owner = "actor_organisation"

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs):
        """Append the event as the next link of the hash chain (see chain.py)."""
        if not self._state.adding:
            raise AppendOnlyError("Audit events cannot be changed.")
        from socmap.audit import chain

        for name in ("actor_name", "action", "target_type", "target_id", "target_repr"):
            limit = self._meta.get_field(name).max_length
            setattr(self, name, (getattr(self, name) or "")[:limit])
        self.ip_address = self._meta.get_field("ip_address").get_prep_value(self.ip_address)
        with transaction.atomic(using=kwargs.get("using")):
            chain.lock_chain()
            sequence, previous = chain.head()
            self.sequence, self.previous_hash = sequence + 1, previous
            self.entry_hash = chain.entry_hash(chain.fields_of(self), previous)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")
