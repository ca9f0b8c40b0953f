"""SOC threats: organised crime groups, priority individuals and vulnerabilities, with their
owner, tier, lifecycle, crime types, geography, lead officers and (for groups) members."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from socmap.concurrency import Versioned


class CrimeType(models.Model):
    """A crime type from the reference list (``fixtures/crime_types.yaml``)."""

    code = models.SlugField(max_length=40, primary_key=True)
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class ThreatKind(models.TextChoices):
    OCG = "ocg", "Organised crime group"
    PRIORITY_INDIVIDUAL = "priority_individual", "Priority individual"
    VULNERABILITY = "vulnerability", "Vulnerability"


KIND_PREFIX = {
    ThreatKind.OCG: "OCG",
    ThreatKind.PRIORITY_INDIVIDUAL: "PI",
    ThreatKind.VULNERABILITY: "VUL",
}


class Tier(models.TextChoices):
    LOCAL = "local", "Local (force)"
    REGIONAL = "regional", "Regional (ROCU)"
    NATIONAL = "national", "National (NCA)"


class Status(models.TextChoices):
    TRIGGER_REPORT = "trigger_report", "Trigger report"
    UNDER_ASSESSMENT = "under_assessment", "Under assessment"
    ACTIVE = "active", "Active"
    ARCHIVED = "archived", "Archived"


class ArchiveReason(models.TextChoices):
    DISMANTLED = "dismantled", "Dismantled"
    NO_LONGER_ACTIVE = "no_longer_active", "No longer active"
    MERGED = "merged", "Merged into another threat"
    NO_INTELLIGENCE = "no_intelligence", "No current intelligence"
    NOT_ADOPTED = "not_adopted", "Assessed and not adopted"


class Threat(Versioned):
    kind = models.CharField(max_length=20, choices=ThreatKind.choices)
    name = models.CharField(max_length=200, help_text="The name the threat is known by.")
    description = models.TextField(blank=True)
    owner = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="threats")
    tier = models.CharField(max_length=10, choices=Tier.choices, default=Tier.LOCAL)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.TRIGGER_REPORT)
    archive_reason = models.CharField(max_length=20, choices=ArchiveReason.choices, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_threats"
    )
    predominant_crime_type = models.ForeignKey(
        CrimeType, on_delete=models.PROTECT, related_name="predominant_in"
    )
    other_crime_types = models.ManyToManyField(CrimeType, blank=True, related_name="also_in")
    forces = models.ManyToManyField(
        "orgs.Organisation",
        blank=True,
        related_name="threats_touching",
        help_text="Force areas the threat touches.",
    )
    local_areas = models.ManyToManyField("orgs.LocalArea", blank=True, related_name="threats")
    subject = models.ForeignKey(
        "people.Nominal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="threats_as_subject",
        help_text="For a priority individual: the person.",
    )
    lro = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="threats_led",
        verbose_name="Lead Responsible Officer",
    )
    sro = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="threats_overseen",
        verbose_name="Senior Responsible Officer",
    )
    operation_names = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    adopted_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The latest assessment, kept on the threat so prioritised lists sort without a join;
    # the assessments themselves are the history.
    current_score = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    current_band = models.CharField(max_length=8, blank=True)
    current_band_rank = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="0 for the methodology's highest band."
    )
    current_methodology = models.CharField(max_length=60, blank=True)
    last_assessed_at = models.DateTimeField(null=True, blank=True)
    reassessment_due = models.DateField(null=True, blank=True, db_index=True)
    reassessment_requested = models.BooleanField(default=False)
    reassessment_reason = models.CharField(max_length=300, blank=True)

    restriction = models.ForeignKey(
        "orgs.Restriction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="threats",
        help_text="If set, only the people and teams of the restriction see the threat.",
    )

    scope_owner = "owner"
    scope_restriction = "restriction"

    class Meta:
        ordering = ["current_band_rank", "-current_score", "name"]
        indexes = [
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["status", "current_band_rank", "current_score"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="archived") | ~models.Q(archive_reason=""),
                name="archived_threat_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"

    @property
    def reference(self) -> str:
        return f"{KIND_PREFIX.get(self.kind, 'T')}-{self.pk or 0:06d}"

    @property
    def is_active(self) -> bool:
        return self.status == Status.ACTIVE

    def is_reassessment_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.reassessment_due is not None and self.reassessment_due < today


class StatusChange(models.Model):
    """One step of a threat's lifecycle, kept for ever."""

    threat = models.ForeignKey(Threat, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    archive_reason = models.CharField(max_length=20, choices=ArchiveReason.choices, blank=True)
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_owner = "threat__owner"

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.threat.reference}: {self.from_status or 'new'} -> {self.to_status}"


class MemberRole(models.TextChoices):
    PRINCIPAL = "principal", "Principal"
    CORE = "core", "Core member"
    PERIPHERAL = "peripheral", "Peripheral member"
    ENABLER = "enabler", "Enabler or facilitator"


class Membership(models.Model):
    """A nominal's membership of an organised crime group, with role and dates."""

    threat = models.ForeignKey(Threat, on_delete=models.CASCADE, related_name="memberships")
    nominal = models.ForeignKey(
        "people.Nominal", on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=12, choices=MemberRole.choices)
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    scope_owner = "threat__owner"

    class Meta:
        ordering = ["role", "nominal__surname"]
        constraints = [
            models.UniqueConstraint(
                fields=["threat", "nominal"],
                condition=models.Q(left_on__isnull=True),
                name="one_current_membership_per_person",
            ),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(joined_on__isnull=True)
                | models.Q(left_on__gte=models.F("joined_on")),
                name="membership_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nominal} — {self.get_role_display()} of {self.threat.reference}"

    @property
    def is_current(self) -> bool:
        return self.left_on is None
