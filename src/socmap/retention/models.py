"""Retention review (MoPI): review periods per record type are data; each review of a record
is a decision kept for ever (retain with the next review date, or dispose)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class ReviewPeriod(models.Model):
    """How long after ``anchor`` (a date or time field of the record) a record of
    ``record_type`` comes up for review (fixtures/review_periods.yaml)."""

    record_type = models.CharField(max_length=100, unique=True, help_text="e.g. threats.threat")
    months = models.PositiveSmallIntegerField()
    anchor = models.CharField(max_length=60, help_text="The field the period runs from.")
    group = models.CharField("MoPI group", max_length=4, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["record_type"]

    def __str__(self) -> str:
        return f"{self.record_type}: every {self.months} months from {self.anchor}"


class Decision(models.TextChoices):
    RETAIN = "retain", "Retain until the next review"
    DISPOSE = "dispose", "Dispose of the record"


class AppendOnlyError(RuntimeError):
    pass


class DecisionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Review decisions cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Review decisions cannot be deleted.")


class ReviewDecision(models.Model):
    """One review of one record: keep it (until ``next_review_on``) or dispose of it."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record_repr = models.CharField(max_length=255)
    owner = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The record's owner when it was reviewed.",
    )
    decision = models.CharField(max_length=8, choices=Decision.choices)
    next_review_on = models.DateField(null=True, blank=True)
    reason = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    objects = DecisionQuerySet.as_manager()

    scope_owner = "owner"

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "decided_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(decision="retain") | models.Q(next_review_on__isnull=False),
                name="retained_record_has_next_review",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_repr}: {self.get_decision_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Review decisions cannot be changed.")
        super().save(*args, **kwargs)
