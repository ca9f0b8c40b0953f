"""Organisations, regions, dated populations, users, roles and sharing.

Who a user is (organisation and roles) decides everything they may see and do, so the
rules that keep these records consistent live here, next to the data.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class Region(models.Model):
    """One of the nine ROCU regions, or London (which has no ROCU)."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationKind(models.TextChoices):
    FORCE = "force", "Police force"
    ROCU = "rocu", "Regional organised crime unit"
    NATIONAL = "national", "National agency"
    PARTNER = "partner", "Partner agency"


class PartnerSector(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    HMRC = "hmrc", "HM Revenue and Customs"
    IMMIGRATION = "immigration", "Immigration Enforcement"
    HEALTH = "health", "Health"
    HOUSING = "housing", "Housing"
    PROBATION = "probation", "Probation"
    EDUCATION = "education", "Education"
    BENEFITS = "benefits", "Department for Work and Pensions"
    REGULATOR = "regulator", "Regulator or licensing body"
    OTHER = "other", "Other"


class Organisation(models.Model):
    """A force, a ROCU, a national agency or a partner agency; every user belongs to one."""

    name = models.CharField(max_length=120, unique=True)
    short_name = models.CharField(max_length=40, blank=True)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=16, choices=OrganisationKind.choices)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="organisations"
    )
    sector = models.CharField(max_length=24, choices=PartnerSector.choices, blank=True)
    home_force = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="local_partners",
        help_text="For a partner agency: the force area it mainly works in.",
    )
    separate_validation_team = models.BooleanField(
        default=False,
        help_text="If set, a validator may not come from the claimant's own team.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind__in=["force", "rocu"]) | models.Q(region__isnull=False),
                name="force_and_rocu_have_region",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="partner") | models.Q(sector=""),
                name="only_partners_have_sector",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_force(self) -> bool:
        return self.kind == OrganisationKind.FORCE

    @property
    def is_partner(self) -> bool:
        return self.kind == OrganisationKind.PARTNER

    @property
    def display_short_name(self) -> str:
        return self.short_name or self.name


class Team(models.Model):
    """A team inside an organisation, e.g. a force's SOC disruption team."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.display_short_name})"


class PopulationFigure(models.Model):
    """A force's resident population for one year, with where the figure came from.

    Several years coexist; a rate always names the year it used (see populations.py).
    """

    force = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="population_figures",
        limit_choices_to={"kind": OrganisationKind.FORCE},
    )
    year = models.PositiveSmallIntegerField(help_text="The year the estimate refers to.")
    population = models.PositiveIntegerField()
    basis = models.CharField(
        max_length=200, help_text="Source of the figure, e.g. 'ONS mid-2019 estimate'."
    )
    loaded_at = models.DateTimeField(default=timezone.now)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["force__name", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["force", "year"], name="one_population_per_force_year"),
            models.CheckConstraint(
                condition=models.Q(population__gt=0), name="population_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.force.name} {self.year}: {self.population:,} ({self.basis})"


class Role(models.Model):
    """A role a user may hold; the codes are fixed, the descriptions are data."""

    ANALYST = "analyst"
    LRO = "lro"
    VALIDATOR = "validator"
    TASKING_CHAIR = "tasking_chair"
    PERFORMANCE_LEAD = "performance_lead"
    OFFENDER_MANAGER = "offender_manager"
    PARTNER = "partner"
    INSPECTOR = "inspector"
    ADMINISTRATOR = "administrator"

    CHOICES = [
        (ANALYST, "Analyst"),
        (LRO, "Lead Responsible Officer"),
        (VALIDATOR, "Validator"),
        (TASKING_CHAIR, "Tasking chair"),
        (PERFORMANCE_LEAD, "Performance lead"),
        (OFFENDER_MANAGER, "Offender manager"),
        (PARTNER, "Partner"),
        (INSPECTOR, "Inspector (read-only)"),
        (ADMINISTRATOR, "Administrator"),
    ]
    CODES = [code for code, _ in CHOICES]

    code = models.CharField(max_length=32, primary_key=True, choices=CHOICES)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return dict(self.CHOICES).get(self.code, self.code)


class SocmapUserManager(UserManager):
    def get_by_natural_key(self, username):
        """Log-in names are matched without regard to case."""
        return self.get(username__iexact=username)


class User(AbstractUser):
    """A person who logs in. Belongs to exactly one organisation; may hold several roles."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="users", null=True
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    roles = models.ManyToManyField(Role, blank=True, related_name="users")
    job_title = models.CharField(max_length=120, blank=True)
    password_change_required = models.BooleanField(
        default=False, help_text="Ask the user to choose a new password at their next log-in."
    )

    objects = SocmapUserManager()

    scope_owner = "organisation"
    REQUIRED_FIELDS = ["email", "organisation"]

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.UniqueConstraint(Lower("username"), name="username_unique_any_case"),
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="email_unique_any_case"
            ),
        ]

    def __str__(self) -> str:
        name = self.get_full_name()
        return f"{name} ({self.username})" if name else self.username

    @property
    def role_codes(self) -> frozenset[str]:
        """Role codes, cached for the request (roles are read on every page)."""
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = (
                frozenset(self.roles.values_list("code", flat=True)) if self.pk else frozenset()
            )
            self._role_codes = cached
        return cached

    def forget_cached_roles(self) -> None:
        self.__dict__.pop("_role_codes", None)

    def has_role(self, *codes: str) -> bool:
        return bool(self.role_codes.intersection(codes))

    @property
    def is_read_only(self) -> bool:
        """Inspectors may look at everything in their scope and change nothing."""
        return not self.role_codes or self.role_codes <= {Role.INSPECTOR}

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Share(models.Model):
    """An explicit decision to let another organisation see one record.

    Partners see only what is shared with them; the scoping module reads this table.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="shares_received"
    )
    conditions = models.TextField(
        blank=True, help_text="Handling conditions the recipient must follow."
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    shared_at = models.DateTimeField(default=timezone.now)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-shared_at"]
        indexes = [models.Index(fields=["content_type", "organisation", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "organisation"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_share_per_record_and_org",
            )
        ]

    def __str__(self) -> str:
        return f"{self.content_type.model} #{self.object_id} shared with {self.organisation}"


class ApiToken(models.Model):
    """A bearer token for scripts calling the API. Only a hash of the key is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class LocalArea(models.Model):
    """A local policing area (or neighbourhood) within a force."""

    force = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="local_areas",
        limit_choices_to={"kind": OrganisationKind.FORCE},
    )
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["force__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["force", "name"], name="local_area_name_per_force")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.force.name})"


class Restriction(models.Model):
    """A need-to-know list for a sensitive operation: the named people and the members of the
    named teams are the only ones who see the records placed under it (threats, intelligence
    reports and what hangs off them), whatever their organisation's scope would allow.

    A restriction narrows, never widens: a person named here still needs the record to be in
    their organisation's scope (or shared with it). See docs/security.md."""

    name = models.CharField(
        max_length=120, help_text="The operation or reason, e.g. 'Operation Kestrel'."
    )
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="restrictions")
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="restrictions"
    )
    teams = models.ManyToManyField(Team, blank=True, related_name="restrictions")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    scope_owner = "owner"

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} (restricted)"
