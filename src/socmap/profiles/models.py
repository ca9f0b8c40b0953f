"""SOC local profiles (for a force, a local policing area or a region) with their versions, and
each organisation's yearly strategic assessment: the control strategy's priorities (crime types,
areas, named threats), the intelligence requirement and the six-month review.

Who may see a profile or an assessment is decided by scoping (``scope_owner``). A partner agency
sees a profile only when it is shared with them, and then only its partner edition.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from socmap.plans.models import AppendOnly, AppendOnlyError  # noqa: F401  (one append-only rule)


class AreaKind(models.TextChoices):
    FORCE = "force", "Force"
    LOCAL_AREA = "local_area", "Local policing area"
    REGION = "region", "Region"


class LocalProfile(models.Model):
    """A SOC local profile: generated from socmap's data, then edited; every save is a version."""

    owner = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="local_profiles",
        help_text="The force (or, for a region, the ROCU) that keeps the profile.",
    )
    area_kind = models.CharField(max_length=12, choices=AreaKind.choices)
    force = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    local_area = models.ForeignKey(
        "orgs.LocalArea", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "orgs.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    version = models.PositiveIntegerField(
        default=0, help_text="The number of the latest version (optimistic locking)."
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    scope_owner = "owner"

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(area_kind="force", force__isnull=False)
                    | models.Q(area_kind="local_area", local_area__isnull=False)
                    | models.Q(area_kind="region", region__isnull=False)
                ),
                name="local_profile_names_its_area",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"LP-{self.pk or 0:06d}"

    @property
    def area_name(self) -> str:
        if self.area_kind == AreaKind.LOCAL_AREA and self.local_area_id:
            return str(self.local_area)
        if self.area_kind == AreaKind.REGION and self.region_id:
            return f"{self.region.name} region"
        return self.force.name if self.force_id else ""


class ProfileVersion(AppendOnly):
    """One saved state of a profile: the generated figures and the edited sections."""

    profile = models.ForeignKey(LocalProfile, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    figures = models.JSONField(help_text="The figures generated from socmap's data.")
    sections = models.JSONField(default=dict, help_text="Edited sections: key -> text.")
    note = models.CharField(max_length=300, blank=True, help_text="What changed.")
    regenerated = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_owner = "profile__owner"

    class Meta:
        ordering = ["profile", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "number"], name="one_profile_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.profile.reference} version {self.number}"


class StrategicAssessment(models.Model):
    """An organisation's strategic assessment for a year, with its control strategy."""

    owner = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="strategic_assessments"
    )
    year = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    intelligence_requirement = models.TextField(
        blank=True, help_text="What the organisation needs to know to act on its priorities."
    )
    approved_on = models.DateField()
    review_due = models.DateField(db_index=True, help_text="The six-month review.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    scope_owner = "owner"

    class Meta:
        ordering = ["-year", "owner__name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "year"], name="one_assessment_per_owner_year")
        ]

    def __str__(self) -> str:
        return f"{self.owner.display_short_name} strategic assessment {self.year}"

    @property
    def reference(self) -> str:
        return f"SA-{self.pk or 0:06d}"


class PriorityKind(models.TextChoices):
    CRIME_TYPE = "crime_type", "Priority crime type"
    AREA = "area", "Priority area"
    THREAT = "threat", "Named priority threat"


class Priority(models.Model):
    """One priority of a control strategy, with the dates it applied from and until."""

    assessment = models.ForeignKey(
        StrategicAssessment, on_delete=models.PROTECT, related_name="priorities"
    )
    kind = models.CharField(max_length=12, choices=PriorityKind.choices)
    crime_type = models.ForeignKey(
        "threats.CrimeType", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    local_area = models.ForeignKey(
        "orgs.LocalArea", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    force_area = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="For a ROCU's strategy: a whole force area as a priority area.",
    )
    threat = models.ForeignKey(
        "threats.Threat", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rationale = models.TextField(blank=True)
    added_on = models.DateField()
    removed_on = models.DateField(null=True, blank=True)
    removal_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_owner = "assessment__owner"

    class Meta:
        ordering = ["assessment", "kind", "added_on", "id"]
        verbose_name_plural = "priorities"
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="crime_type", crime_type__isnull=False)
                    | models.Q(kind="area", local_area__isnull=False)
                    | models.Q(kind="area", force_area__isnull=False)
                    | models.Q(kind="threat", threat__isnull=False)
                ),
                name="priority_names_its_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject_name}"

    @property
    def subject_name(self) -> str:
        if self.kind == PriorityKind.CRIME_TYPE and self.crime_type_id:
            return self.crime_type.name
        if self.kind == PriorityKind.AREA:
            return str(self.local_area.name) if self.local_area_id else self.force_area.name
        return self.threat.reference if self.threat_id else ""

    def is_current(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.added_on <= on and (self.removed_on is None or self.removed_on > on)


class SixMonthReview(AppendOnly):
    """The review of a control strategy six months on. Appended, never changed."""

    assessment = models.ForeignKey(
        StrategicAssessment, on_delete=models.PROTECT, related_name="reviews"
    )
    reviewed_on = models.DateField()
    summary = models.TextField()
    changes = models.TextField(blank=True, help_text="Priorities added or removed, and why.")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    scope_owner = "assessment__owner"

    class Meta:
        ordering = ["assessment", "reviewed_on", "id"]

    def __str__(self) -> str:
        return f"{self.assessment} reviewed {self.reviewed_on:%d/%m/%Y}"
