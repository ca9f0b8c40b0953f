"""Nominals (people recorded by an organisation), their aliases, identifiers, addresses,
flags and typed associations with each other."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Gender(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not known"


class Nominal(models.Model):
    """A person as one organisation records them. The same person recorded by two forces is
    two nominals until de-duplication links them."""

    owner = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="nominals"
    )
    surname = models.CharField(max_length=100)
    forenames = models.CharField(max_length=150, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=8, choices=Gender.choices, default=Gender.UNKNOWN)
    nationality = models.CharField(max_length=60, blank=True)
    pnc_id = models.CharField("PNC ID", max_length=20, blank=True, db_index=True)
    foreign_national = models.BooleanField(default=False)
    iom = models.BooleanField("Integrated Offender Management", default=False)
    mappa = models.BooleanField("MAPPA", default=False)
    vulnerable = models.BooleanField("Vulnerable or exploited person", default=False)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # The record this one is merged into (the current state of the merges; the merges
    # themselves, with who, when, why and any undoing, are the history in NominalMerge).
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_records"
    )

    scope_owner = "owner"

    class Meta:
        ordering = ["surname", "forenames", "id"]
        indexes = [models.Index(fields=["owner", "surname"])]

    def __str__(self) -> str:
        name = f"{self.surname.upper()}, {self.forenames}".strip(", ")
        return f"{name} ({self.date_of_birth:%d/%m/%Y})" if self.date_of_birth else name

    @property
    def full_name(self) -> str:
        return f"{self.forenames} {self.surname}".strip()

    @property
    def flags(self) -> list[str]:
        names = [
            ("foreign_national", "Foreign national"),
            ("iom", "IOM"),
            ("mappa", "MAPPA"),
            ("vulnerable", "Vulnerable or exploited"),
        ]
        return [label for field, label in names if getattr(self, field)]


class AliasKind(models.TextChoices):
    ALIAS = "alias", "Alias"
    NICKNAME = "nickname", "Nickname or street name"
    PREVIOUS = "previous", "Previous name"
    MISSPELLING = "misspelling", "Known misspelling"


class Alias(models.Model):
    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="aliases")
    kind = models.CharField(max_length=12, choices=AliasKind.choices, default=AliasKind.ALIAS)
    name = models.CharField(max_length=200)

    scope_owner = "nominal__owner"

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["nominal", "name"], name="alias_once_per_nominal")
        ]

    def __str__(self) -> str:
        return self.name


class IdentifierKind(models.TextChoices):
    CRO = "cro", "CRO number"
    PASSPORT = "passport", "Passport"
    NATIONAL_INSURANCE = "ni", "National Insurance number"
    DRIVING_LICENCE = "driving_licence", "Driving licence"
    PHONE = "phone", "Telephone"
    EMAIL = "email", "Email address"
    VEHICLE = "vehicle", "Vehicle registration"
    SOCIAL_MEDIA = "social_media", "Social media handle"
    OTHER = "other", "Other"


class Identifier(models.Model):
    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=16, choices=IdentifierKind.choices)
    value = models.CharField(max_length=120)

    scope_owner = "nominal__owner"

    class Meta:
        ordering = ["kind", "value"]
        indexes = [models.Index(fields=["kind", "value"])]
        constraints = [
            models.UniqueConstraint(
                fields=["nominal", "kind", "value"], name="identifier_once_per_nominal"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class Address(models.Model):
    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="addresses")
    line = models.CharField(max_length=200)
    town = models.CharField(max_length=80, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    force = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    local_area = models.CharField(max_length=80, blank=True)
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)

    scope_owner = "nominal__owner"

    class Meta:
        ordering = ["-from_date", "id"]
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return ", ".join(p for p in (self.line, self.town, self.postcode) if p)

    @property
    def is_current(self) -> bool:
        return self.to_date is None


class AssociationKind(models.TextChoices):
    FAMILY = "family", "Family"
    PARTNER = "partner", "Partner"
    CRIMINAL_ASSOCIATE = "criminal_associate", "Criminal associate"
    CO_ACCUSED = "co_accused", "Co-accused or co-offender"
    SUPPLIER = "supplier", "Supplies"
    EMPLOYS = "employs", "Employs or directs"
    EXPLOITS = "exploits", "Exploits"
    FINANCES = "finances", "Finances or launders for"


# How the other end reads a directed association.
INVERSE_LABELS = {
    AssociationKind.SUPPLIER: "Supplied by",
    AssociationKind.EMPLOYS: "Employed or directed by",
    AssociationKind.EXPLOITS: "Exploited by",
    AssociationKind.FINANCES: "Finances or launders through",
}


class Association(models.Model):
    """A typed link between two nominals, read from ``source`` to ``target``
    ("A supplies B", "A exploits B"); symmetric kinds read the same both ways."""

    source = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="associations_out")
    target = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="associations_in")
    kind = models.CharField(max_length=20, choices=AssociationKind.choices)
    notes = models.TextField(blank=True)
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_owner = "source__owner"

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="no_self_association"
            ),
            models.UniqueConstraint(
                fields=["source", "target", "kind"], name="association_once_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} — {self.get_kind_display()} — {self.target}"

    def label_from(self, nominal: Nominal) -> str:
        if nominal.pk == self.target_id and self.kind in INVERSE_LABELS:
            return INVERSE_LABELS[self.kind]
        return self.get_kind_display()


# --------------------------------------------------------------------------- merges


class NominalMerge(models.Model):
    """One decision that two nominals are the same person: ``duplicate`` is shown as
    ``survivor`` to users who may see both. Both records stay as they were, with their own
    aliases, identifiers, memberships and audit trail; undoing the merge only ends it."""

    duplicate = models.ForeignKey(Nominal, on_delete=models.PROTECT, related_name="merges_out")
    survivor = models.ForeignKey(Nominal, on_delete=models.PROTECT, related_name="merges_in")
    reason = models.TextField()
    dates_of_birth_differ = models.BooleanField(
        default=False, help_text="The dates of birth differed and the merge was confirmed."
    )
    candidate = models.ForeignKey(
        "people.DuplicateCandidate",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merges",
    )
    merged_at = models.DateTimeField(default=timezone.now)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undo_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(duplicate=models.F("survivor")), name="no_self_merge"
            ),
            models.UniqueConstraint(
                fields=["duplicate"],
                condition=models.Q(undone_at__isnull=True),
                name="one_current_merge_per_duplicate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.duplicate} merged into {self.survivor}"

    @property
    def is_current(self) -> bool:
        return self.undone_at is None


class LinkageRun(models.Model):
    """One run of the record linkage (splink), with the model it trained."""

    started_at = models.DateTimeField(default=timezone.now)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    scope = models.CharField(max_length=200, help_text="Whose records were compared.")
    records = models.PositiveIntegerField(default=0)
    comparisons = models.PositiveBigIntegerField(default=0)
    pairs_found = models.PositiveIntegerField(default=0)
    new_candidates = models.PositiveIntegerField(default=0)
    threshold = models.FloatField()
    seconds = models.FloatField(default=0)
    trained = models.BooleanField(default=False)
    prior = models.FloatField(default=0)
    parameters = models.JSONField(default=list, blank=True)
    notes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Linkage run {self.pk} ({self.started_at:%d/%m/%Y %H:%M})"


class CandidateStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    CONFIRMED = "confirmed", "Confirmed: merged"
    REJECTED = "rejected", "Rejected: different people"


class DuplicateCandidate(models.Model):
    """A pair of nominals the record linkage thinks may be the same person, waiting for an
    analyst to confirm (merge) or reject. ``left`` has the smaller id. Only users who may
    see both people see the pair (``people.selectors.candidates_visible_to``)."""

    left = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(LinkageRun, on_delete=models.PROTECT, related_name="candidates")
    match_weight = models.FloatField()
    match_probability = models.FloatField()
    levels = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=CandidateStatus.choices, default=CandidateStatus.PENDING
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-match_weight", "id"]
        indexes = [models.Index(fields=["status", "match_weight"])]
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="candidate_pair_once"),
            models.CheckConstraint(
                condition=models.Q(left__lt=models.F("right")), name="candidate_left_is_smaller"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.left} / {self.right} ({self.match_probability:.0%})"
