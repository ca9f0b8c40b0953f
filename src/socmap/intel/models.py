"""Intelligence handling: intelligence reports (graded 3x5x2, or 5x5x5 for historic records,
classified, linked to nominals and threats), their sanitised copies for partners, clearance to
read originals, trigger reports into the threat-assessment queue, and the process records
behind two measures: suspicious activity reports triaged into intelligence packages, and ACRO
checks on arrested foreign nationals.

Who may *see* a record is decided by scoping (``scope_owner``). Who may *read the text of an
original* is decided in addition by clearance: a user in scope without a current clearance
covering the report's classification sees its grading and links, never its text; partner
agencies never see originals at all, only sanitised copies shared with them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from socmap.intel.rules import Classification, Grading, GradingSystem


class SourceType(models.TextChoices):
    OFFICER = "officer", "Police officer or staff"
    CHIS = "chis", "Covert human intelligence source"
    PUBLIC = "public", "Member of the public (incl. Crimestoppers)"
    PARTNER = "partner", "Partner agency"
    TECHNICAL = "technical", "Technical or lawful intercept product"
    OPEN_SOURCE = "open_source", "Open source"
    PRISON = "prison", "Prison intelligence"
    FINANCIAL = "financial", "Financial intelligence"
    OTHER = "other", "Other"


class IntelligenceReport(models.Model):
    owner = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="intelligence_reports",
        help_text="The force, ROCU or agency that holds the report.",
    )
    reported_on = models.DateField(db_index=True)
    source_type = models.CharField(max_length=12, choices=SourceType.choices)
    source_organisation = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="intelligence_provided",
        help_text="The organisation the intelligence came from.",
    )
    external_reference = models.CharField(max_length=60, blank=True)
    text = models.TextField(help_text="The original report.")
    source_identifying = models.JSONField(
        default=list,
        blank=True,
        help_text="Phrases that identify the source; also marked [[like this]] in the text.",
    )
    grading_system = models.CharField(max_length=6, choices=GradingSystem.choices)
    source_evaluation = models.CharField(max_length=1)
    intelligence_assessment = models.CharField(max_length=1)
    handling_code = models.CharField(max_length=1)
    handling_conditions = models.TextField(blank=True)
    classification = models.CharField(max_length=20, choices=Classification.choices)
    nominals = models.ManyToManyField("people.Nominal", blank=True, related_name="intelligence")
    threats = models.ManyToManyField("threats.Threat", blank=True, related_name="intelligence")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=200, blank=True, help_text="Import file, if any.")
    updated_at = models.DateTimeField(auto_now=True)
    restriction = models.ForeignKey(
        "orgs.Restriction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="intelligence_reports",
        help_text="If set, only the people and teams of the restriction see the report.",
    )

    scope_owner = "owner"
    # hidden when restricted itself, or when every threat it is linked to is hidden
    scope_restriction = ("restriction", "threats__restriction")

    class Meta:
        ordering = ["-reported_on", "-id"]
        indexes = [models.Index(fields=["owner", "reported_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(grading_system="3x5x2", handling_code="C")
                | ~models.Q(handling_conditions=""),
                name="handling_code_c_has_conditions",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.reported_on:%d/%m/%Y} {self.grading_code}"

    @property
    def reference(self) -> str:
        return f"INT-{self.pk or 0:06d}"

    @property
    def grading(self) -> Grading:
        return Grading(
            self.grading_system,
            self.source_evaluation,
            self.intelligence_assessment,
            self.handling_code,
            self.handling_conditions,
        )

    @property
    def grading_code(self) -> str:
        return self.grading.code


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or remove a grading in a report's history."""


class GradingQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The gradings of a report cannot be changed.")

    def delete(self):
        raise AppendOnlyError("The gradings of a report cannot be deleted.")


class ReportGrading(models.Model):
    """A grading a report has had: the first, and every re-grading. Appended, never changed."""

    report = models.ForeignKey(
        IntelligenceReport, on_delete=models.PROTECT, related_name="gradings"
    )
    grading_system = models.CharField(max_length=6, choices=GradingSystem.choices)
    source_evaluation = models.CharField(max_length=1)
    intelligence_assessment = models.CharField(max_length=1)
    handling_code = models.CharField(max_length=1)
    handling_conditions = models.TextField(blank=True)
    classification = models.CharField(max_length=20, choices=Classification.choices)
    reason = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    objects = GradingQuerySet.as_manager()

    scope_owner = "report__owner"

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.report.reference} graded {self.grading_code}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The gradings of a report cannot be changed.")
        super().save(*args, **kwargs)

    @property
    def grading_code(self) -> str:
        return f"{self.source_evaluation}{self.intelligence_assessment}{self.handling_code}"

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The gradings of a report cannot be deleted.")


class SanitisedCopy(models.Model):
    """A copy of a report with source-identifying detail removed, for partners (and for users
    in scope who are not cleared to read the original). Shared one partner at a time."""

    report = models.ForeignKey(
        IntelligenceReport, on_delete=models.PROTECT, related_name="sanitised_copies"
    )
    text = models.TextField()
    classification = models.CharField(max_length=20, choices=Classification.choices)
    handling_conditions = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    scope_owner = "report__owner"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "sanitised copies"

    def __str__(self) -> str:
        return f"{self.reference} (sanitised)"

    @property
    def reference(self) -> str:
        return f"SAN-{self.pk or 0:06d}"


class ClearanceLevel(models.TextChoices):
    """The highest classification of original intelligence a user may read."""

    OFFICIAL_SENSITIVE = "official_sensitive", "Up to OFFICIAL-SENSITIVE"
    SECRET = "secret", "Up to SECRET"
    TOP_SECRET = "top_secret", "Up to TOP SECRET"


class IntelClearance(models.Model):
    """Clearance for one user to read original intelligence up to a level, granted by an
    administrator, until a date; withdrawn by revoking it (kept for the record)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="intel_clearances"
    )
    level = models.CharField(max_length=20, choices=ClearanceLevel.choices)
    vetting = models.CharField(
        max_length=60, blank=True, help_text="The vetting it rests on, e.g. 'SC, 2025-11'."
    )
    reason = models.TextField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    expires_on = models.DateField()
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.TextField(blank=True)

    scope_owner = "user__organisation"

    class Meta:
        ordering = ["-granted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_clearance_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_level_display()} until {self.expires_on:%d/%m/%Y}"

    def is_current(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.revoked_at is None and self.expires_on >= today


class TriggerStatus(models.TextChoices):
    RECEIVED = "received", "Waiting for assessment"
    ACCEPTED_NEW = "accepted_new", "Accepted as a new threat"
    ACCEPTED_EXISTING = "accepted_existing", "Accepted into an existing threat"
    DECLINED = "declined", "Declined"


class DeclineReason(models.TextChoices):
    NOT_SOC = "not_soc", "Not serious and organised crime"
    INSUFFICIENT = "insufficient", "Not enough intelligence yet"
    DUPLICATE = "duplicate", "Already known (duplicate)"
    REFER_FORCE = "refer_force", "For the force to manage locally"
    OTHER = "other", "Other"


class TriggerReport(models.Model):
    """A force's or a partner's report of a possible new threat, sent to the unit that assesses
    threats (usually the ROCU): accepted to a new or an existing threat, or declined."""

    owner = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="trigger_reports",
        help_text="The unit that assesses it (the ROCU of the region, usually).",
    )
    submitted_by_organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="trigger_reports_sent"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)
    title = models.CharField(max_length=200)
    suggested_kind = models.CharField(max_length=20, blank=True)
    crime_type = models.ForeignKey(
        "threats.CrimeType", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField()
    people_named = models.TextField(blank=True)
    nominals = models.ManyToManyField("people.Nominal", blank=True, related_name="+")
    area = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=20, choices=TriggerStatus.choices, default=TriggerStatus.RECEIVED
    )
    threat = models.ForeignKey(
        "threats.Threat", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decline_reason = models.CharField(max_length=20, choices=DeclineReason.choices, blank=True)
    decision_note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    scope_owner = "owner"
    scope_restriction = "threat__restriction"

    class Meta:
        ordering = ["submitted_at", "id"]
        indexes = [models.Index(fields=["owner", "status", "submitted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(decision_note=""),
                name="declined_trigger_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"TR-{self.pk or 0:06d}"

    @property
    def is_waiting(self) -> bool:
        return self.status == TriggerStatus.RECEIVED


class ReporterSector(models.TextChoices):
    BANK = "bank", "Bank or building society"
    MONEY_SERVICE = "money_service", "Money service business"
    ACCOUNTANT = "accountant", "Accountant or tax adviser"
    LEGAL = "legal", "Legal professional"
    ESTATE_AGENT = "estate_agent", "Estate agent"
    GAMBLING = "gambling", "Gambling"
    HIGH_VALUE_DEALER = "high_value_dealer", "High value dealer"
    CRYPTO = "crypto", "Cryptoasset business"
    OTHER = "other", "Other"


class SarStatus(models.TextChoices):
    AWAITING = "awaiting", "Awaiting triage"
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    INTELLIGENCE = "intelligence", "Recorded as intelligence"
    PACKAGE = "package", "In an intelligence package"


class IntelligencePackage(models.Model):
    """An intelligence package built from one or more SARs, sent to a financial investigator."""

    owner = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="intelligence_packages"
    )
    produced_on = models.DateField(db_index=True)
    summary = models.TextField()
    forwarded_to = models.CharField(max_length=120, blank=True)
    threat = models.ForeignKey(
        "threats.Threat", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    scope_owner = "owner"
    scope_restriction = "threat__restriction"

    class Meta:
        ordering = ["-produced_on", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.produced_on:%d/%m/%Y}"

    @property
    def reference(self) -> str:
        return f"PKG-{self.pk or 0:06d}"


class SuspiciousActivityReport(models.Model):
    """A SAR received from the UK Financial Intelligence Unit, and how it was triaged."""

    owner = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="suspicious_activity_reports"
    )
    reference = models.CharField("UKFIU reference", max_length=40)
    received_on = models.DateField(db_index=True)
    reporter_sector = models.CharField(max_length=20, choices=ReporterSector.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    nominal = models.ForeignKey(
        "people.Nominal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=20, choices=SarStatus.choices, default=SarStatus.AWAITING)
    triaged_on = models.DateField(null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    triage_note = models.TextField(blank=True)
    package = models.ForeignKey(
        IntelligencePackage, null=True, blank=True, on_delete=models.PROTECT, related_name="sars"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=200, blank=True)

    scope_owner = "owner"

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = "suspicious activity report"
        indexes = [models.Index(fields=["owner", "received_on", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["owner", "reference"], name="sar_reference_per_owner"),
            models.CheckConstraint(
                condition=~models.Q(status="package") | models.Q(package__isnull=False),
                name="packaged_sar_has_package",
            ),
        ]

    def __str__(self) -> str:
        return f"SAR {self.reference}"


class AcroResult(models.TextChoices):
    NOT_REQUESTED = "not_requested", "Not checked"
    REQUESTED = "requested", "Check requested"
    NO_TRACE = "no_trace", "No trace overseas"
    CONVICTIONS = "convictions", "Overseas convictions found"
    NO_RESPONSE = "no_response", "No response from the country"


CHECKED = (
    AcroResult.REQUESTED,
    AcroResult.NO_TRACE,
    AcroResult.CONVICTIONS,
    AcroResult.NO_RESPONSE,
)


class ForeignNationalArrest(models.Model):
    """A foreign national arrested by a force, and whether ACRO checked for overseas
    convictions."""

    owner = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="foreign_national_arrests"
    )
    arrested_on = models.DateField(db_index=True)
    custody_reference = models.CharField(max_length=40)
    nationality = models.CharField(max_length=60)
    nominal = models.ForeignKey(
        "people.Nominal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acro_result = models.CharField(
        max_length=16, choices=AcroResult.choices, default=AcroResult.NOT_REQUESTED
    )
    requested_on = models.DateField(null=True, blank=True)
    answered_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=200, blank=True)

    scope_owner = "owner"

    class Meta:
        ordering = ["-arrested_on", "-id"]
        indexes = [models.Index(fields=["owner", "arrested_on", "acro_result"])]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "custody_reference"], name="arrest_reference_per_owner"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.custody_reference} ({self.nationality})"

    @property
    def checked(self) -> bool:
        return self.acro_result in CHECKED
