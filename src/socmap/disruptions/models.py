"""Disruptions: what was done to a threat, under which of the four Ps, with what impact, and
whether someone independent has validated the claim.

The disruption keeps its *current* grade and status so that lists filter and sort without a
join; the grades, submissions, validations, returns and regrades themselves are appended to
:class:`DisruptionStep` and never changed, so the history of every claim can be shown.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from socmap.concurrency import Versioned
from socmap.disruptions.rules import (
    QUANTITY_CODES,
    DisruptionStatus,
    ImpactGrade,
    TacticRule,
)
from socmap.fourp import FourP


class Tactic(models.Model):
    """A tactic from the reference list (``fixtures/tactics.yaml``)."""

    code = models.SlugField(max_length=40, primary_key=True)
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    categories = models.JSONField(default=list, help_text="The 4P categories it may be used under.")
    quantities = models.JSONField(default=list, help_text="The quantities that apply to it.")
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def rule(self) -> TacticRule:
        return TacticRule(
            self.code,
            self.name,
            frozenset(self.categories),
            frozenset(self.quantities),
            self.is_active,
        )

    @property
    def category_labels(self) -> list[str]:
        return [FourP(c).label for c in FourP.values if c in self.categories]


class GradeGuidance(models.Model):
    """The written guidance for one grade of the impact scale (``fixtures/impact_grades.yaml``)."""

    grade = models.CharField(max_length=10, primary_key=True, choices=ImpactGrade.choices)
    summary = models.CharField(max_length=200)
    guidance = models.TextField()
    examples = models.JSONField(default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name_plural = "grade guidance"

    def __str__(self) -> str:
        return f"{self.get_grade_display()}: {self.summary}"


class Disruption(Versioned):
    owner = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="disruptions",
        help_text="The force, ROCU or agency that records the claim and answers for it.",
    )
    threats = models.ManyToManyField("threats.Threat", related_name="disruptions")
    nominals = models.ManyToManyField("people.Nominal", blank=True, related_name="disruptions")
    occurred_on = models.DateField("Date", db_index=True)
    acting_organisation = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="disruptions_acted",
        help_text="Who took the action: a force, a ROCU, the NCA or a partner agency.",
    )
    category = models.CharField("4P category", max_length=10, choices=FourP.choices)
    tactic = models.ForeignKey(Tactic, on_delete=models.PROTECT, related_name="disruptions")
    arrests = models.PositiveIntegerField(null=True, blank=True)
    people_safeguarded = models.PositiveIntegerField(null=True, blank=True)
    drugs_kg = models.DecimalField(
        "Drugs seized (kg)", max_digits=12, decimal_places=3, null=True, blank=True
    )
    firearms = models.PositiveIntegerField("Firearms seized", null=True, blank=True)
    cash = models.DecimalField(
        "Cash seized, restrained or frozen (£)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    custodial_years = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True)
    lines_closed = models.PositiveIntegerField("County lines closed", null=True, blank=True)
    narrative = models.TextField(blank=True)
    evidence = models.JSONField(
        default=list,
        blank=True,
        help_text="References to evidence records (crime numbers, exhibits, court results, links).",
    )
    operation_name = models.CharField(max_length=120, blank=True)
    status = models.CharField(
        max_length=10, choices=DisruptionStatus.choices, default=DisruptionStatus.DRAFT
    )
    # The latest grading, kept here for lists; the gradings themselves are the steps.
    grade = models.CharField(max_length=10, choices=ImpactGrade.choices, blank=True)
    grade_rationale = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(
        max_length=200, blank=True, help_text="The import file it came from, if any."
    )
    updated_at = models.DateTimeField(auto_now=True)

    scope_owner = "owner"
    # hidden only when every threat it is recorded against is hidden from the user
    scope_restriction = "threats__restriction"

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["owner", "status", "occurred_on"]),
            models.Index(fields=["status", "submitted_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft") | ~models.Q(grade=""),
                name="disruption_graded_once_submitted",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="validated") | models.Q(validated_at__isnull=False),
                name="validated_disruption_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.tactic_id} {self.occurred_on:%d/%m/%Y}"

    @property
    def reference(self) -> str:
        return f"DIS-{self.pk or 0:06d}"

    @property
    def quantities(self) -> dict:
        return {code: getattr(self, code) for code in QUANTITY_CODES}

    @property
    def is_validated(self) -> bool:
        return self.status == DisruptionStatus.VALIDATED


class StepAction(models.TextChoices):
    RECORDED = "recorded", "Recorded"
    IMPORTED = "imported", "Imported"
    CHANGED = "changed", "Details changed"
    GRADED = "graded", "Graded by the claimant"
    SUBMITTED = "submitted", "Submitted for validation"
    VALIDATED = "validated", "Validated"
    RETURNED = "returned", "Returned to the claimant"
    REGRADED = "regraded", "Regraded by a validator"


# Steps whose author is a claimant (for the independence rule).
CLAIMANT_ACTIONS = (
    StepAction.RECORDED,
    StepAction.IMPORTED,
    StepAction.CHANGED,
    StepAction.GRADED,
    StepAction.SUBMITTED,
)


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or remove a step of a disruption's history."""


class StepQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The history of a disruption cannot be changed.")

    def delete(self):
        raise AppendOnlyError("The history of a disruption cannot be deleted.")


class DisruptionStep(models.Model):
    """One step in the life of a claim: recorded, graded, submitted, validated, returned,
    regraded. Appended, never changed."""

    disruption = models.ForeignKey(Disruption, on_delete=models.PROTECT, related_name="steps")
    action = models.CharField(max_length=10, choices=StepAction.choices)
    from_status = models.CharField(max_length=10, choices=DisruptionStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=DisruptionStatus.choices, blank=True)
    grade = models.CharField(max_length=10, choices=ImpactGrade.choices, blank=True)
    rationale = models.TextField(blank=True, help_text="Why the grade was given.")
    note = models.TextField(blank=True, help_text="Reasons for a return, a validator's note.")
    changes = models.JSONField(default=dict, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    by_team = models.CharField(max_length=160, blank=True, help_text="Their team at the time.")
    at = models.DateTimeField(default=timezone.now)

    objects = StepQuerySet.as_manager()

    scope_owner = "disruption__owner"

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["disruption", "at"])]

    def __str__(self) -> str:
        return f"{self.disruption.reference}: {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The history of a disruption cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The history of a disruption cannot be deleted.")
