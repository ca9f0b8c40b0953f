"""Stored methodologies (a copy of each published version, never edited), assessments
(appended, never overwritten) and calibration exercises."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class MethodologyVersion(models.Model):
    """One published version of a methodology, exactly as it was loaded."""

    name = models.SlugField(max_length=60)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    document = models.JSONField()
    checksum = models.CharField(max_length=64)
    is_current = models.BooleanField(
        default=False, help_text="The version new assessments with this methodology use."
    )
    loaded_at = models.DateTimeField(default=timezone.now)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="methodology_version_once"),
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(is_current=True),
                name="one_current_version_per_methodology",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}"

    def rules(self):
        """The pure methodology object the scoring functions work with."""
        from socmap.scoring.methodology import parse_methodology

        cached = getattr(self, "_rules", None)
        if cached is None:
            cached = self._rules = parse_methodology(self.document)
        return cached


class AssessmentKind(models.TextChoices):
    INITIAL = "initial", "Initial assessment"
    REASSESSMENT = "reassessment", "Re-assessment"
    RESCORE = "rescore", "Re-scored with a new methodology version"


class Assessment(models.Model):
    """A threat scored with one methodology version: every input, who judged each subjective
    input, the score, band and each attribute's contribution. Appended, never changed."""

    threat = models.ForeignKey(
        "threats.Threat", on_delete=models.CASCADE, related_name="assessments"
    )
    methodology = models.ForeignKey(
        MethodologyVersion, on_delete=models.PROTECT, related_name="assessments"
    )
    kind = models.CharField(max_length=12, choices=AssessmentKind.choices)
    inputs = models.JSONField(help_text="Attribute key -> answer key.")
    judged_by = models.JSONField(
        default=dict, help_text="Subjective attribute key -> username of who judged it."
    )
    score = models.DecimalField(max_digits=6, decimal_places=1)
    band = models.CharField(max_length=8)
    band_rank = models.PositiveSmallIntegerField()
    components = models.JSONField(default=dict)
    contributions = models.JSONField(default=list)
    recorded = models.JSONField(default=dict, help_text="Unscored answers (confidence...).")
    rationale = models.TextField(blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(default=timezone.now, db_index=True)
    next_due = models.DateField()
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="For a re-score: the assessment whose inputs it re-used.",
    )

    scope_owner = "threat__owner"

    class Meta:
        ordering = ["-assessed_at", "-id"]
        indexes = [models.Index(fields=["threat", "-assessed_at"])]

    def __str__(self) -> str:
        return f"{self.threat.reference} {self.methodology.label}: {self.score} ({self.band})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RuntimeError("Assessments are history: append a new one instead.")
        super().save(*args, **kwargs)


class CalibrationExercise(models.Model):
    """Several assessors score the same anonymised cases so that socmap can measure how far
    they agree, attribute by attribute. Shared with the participating organisations."""

    title = models.CharField(max_length=200)
    methodology = models.ForeignKey(MethodologyVersion, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    instructions = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    scope_owner = "owner"

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class CalibrationCase(models.Model):
    exercise = models.ForeignKey(
        CalibrationExercise, on_delete=models.CASCADE, related_name="cases"
    )
    label = models.CharField(max_length=40, help_text="e.g. 'Case A'")
    summary = models.TextField(help_text="The anonymised facts assessors score.")
    position = models.PositiveSmallIntegerField(default=0)

    scope_owner = "exercise__owner"

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "label"], name="case_label_per_exercise")
        ]

    def __str__(self) -> str:
        return f"{self.exercise}: {self.label}"


class CalibrationResponse(models.Model):
    case = models.ForeignKey(CalibrationCase, on_delete=models.CASCADE, related_name="responses")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The assessor's organisation when they answered.",
    )
    inputs = models.JSONField()
    score = models.DecimalField(max_digits=6, decimal_places=1)
    band = models.CharField(max_length=8)
    submitted_at = models.DateTimeField(default=timezone.now)

    scope_owner = "case__exercise__owner"

    class Meta:
        ordering = ["case", "submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "assessor"], name="one_response_per_assessor")
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.assessor} {self.band}"
