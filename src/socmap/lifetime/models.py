"""Lifetime management: ancillary and civil orders per nominal (types and their statutory rules
as data), their structured conditions and append-only history, custody and release, breaches,
and the recorded decisions to consider (or not) an order for a convicted member of a threat.

An order keeps its *current* status and dates so lists filter and sort without a join; the
steps that set them (applied, granted, refused, varied, discharged, expired, came into force
on release) are appended to :class:`OrderEvent` and never changed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from socmap.lifetime import rules
from socmap.lifetime.rules import (
    Court,
    CustodyType,
    DurationLimits,
    OrderStatus,
    OrderTypeRule,
    StartOnRelease,
)


class Applicant(models.Model):
    """Who may apply for an order (``fixtures/order_types.yaml``, ``applicants``)."""

    code = models.SlugField(max_length=40, primary_key=True)
    name = models.CharField(max_length=120, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class OrderSubject(models.TextChoices):
    PERSON = "person", "A person"
    PREMISES = "premises", "Premises"
    PROPERTY = "property", "Property or money"


class OrderType(models.Model):
    """An ancillary or civil order type with its statutory rules (reference data)."""

    code = models.SlugField(max_length=40, primary_key=True)
    name = models.CharField(max_length=120, unique=True)
    short_name = models.CharField(max_length=40)
    statute = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    simplified = models.TextField(blank=True, help_text="Where socmap simplifies the rule.")
    subject = models.CharField(max_length=10, choices=OrderSubject.choices)
    time_limited = models.BooleanField(default=True)
    min_months = models.PositiveIntegerField(null=True, blank=True)
    max_months = models.PositiveIntegerField(null=True, blank=True)
    indefinite = models.BooleanField(default=False)
    under_18_min_months = models.PositiveIntegerField(null=True, blank=True)
    under_18_max_months = models.PositiveIntegerField(null=True, blank=True)
    under_18_indefinite = models.BooleanField(default=False)
    has_under_18_rule = models.BooleanField(default=False)
    max_months_magistrates = models.PositiveIntegerField(null=True, blank=True)
    max_months_life_sentence = models.PositiveIntegerField(null=True, blank=True)
    max_months_initial = models.PositiveIntegerField(null=True, blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    start_on_release = models.CharField(
        max_length=10, choices=StartOnRelease.choices, default=StartOnRelease.NO
    )
    min_custodial_months = models.PositiveIntegerField(null=True, blank=True)
    new_applications = models.BooleanField(default=True)
    applicants = models.ManyToManyField(Applicant, related_name="order_types")
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def rule(self) -> OrderTypeRule:
        under_18 = None
        if self.has_under_18_rule:
            under_18 = DurationLimits(
                self.under_18_min_months,
                self.under_18_max_months,
                self.under_18_indefinite,
                self.time_limited,
            )
        return OrderTypeRule(
            code=self.code,
            name=self.name,
            duration=DurationLimits(
                self.min_months, self.max_months, self.indefinite, self.time_limited
            ),
            duration_under_18=under_18,
            minimum_age=self.minimum_age,
            applicants=frozenset(a.code for a in self.applicants.all()),
            start_on_release=self.start_on_release,
            min_custodial_months=self.min_custodial_months,
            max_months_magistrates=self.max_months_magistrates,
            max_months_life_sentence=self.max_months_life_sentence,
            max_months_initial=self.max_months_initial,
            new_applications=self.new_applications,
            is_active=self.is_active,
        )

    @property
    def duration_text(self) -> str:
        rule = self.rule
        text = rule.duration.describe()
        if rule.duration_under_18:
            text += f" (under 18: {rule.duration_under_18.describe().lower()})"
        if rule.max_months_initial:
            text += f"; at most {rules.describe_months(rule.max_months_initial)} when first made"
        if rule.max_months_magistrates:
            text += (
                f"; at most {rules.describe_months(rule.max_months_magistrates)} "
                "from a magistrates' court"
            )
        if rule.max_months_life_sentence:
            text += (
                f"; up to {rules.describe_months(rule.max_months_life_sentence)} "
                "after a life sentence"
            )
        return text


class CustodyRecord(models.Model):
    """A spell in custody: on remand or serving a sentence, with the expected and actual
    release dates. Orders that start on release read their start from here."""

    owner = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="custody_records"
    )
    nominal = models.ForeignKey(
        "people.Nominal", on_delete=models.PROTECT, related_name="custody_records"
    )
    custody_type = models.CharField(max_length=10, choices=CustodyType.choices)
    establishment = models.CharField("Prison or establishment", max_length=120, blank=True)
    offence = models.CharField(max_length=200, blank=True)
    started_on = models.DateField("Sentenced or remanded on")
    sentence_months = models.PositiveIntegerField(null=True, blank=True)
    indeterminate = models.BooleanField("Life or indeterminate sentence", default=False)
    expected_release_on = models.DateField(null=True, blank=True, db_index=True)
    released_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    scope_owner = "owner"

    class Meta:
        ordering = ["expected_release_on", "id"]
        indexes = [models.Index(fields=["owner", "released_on", "expected_release_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(released_on__isnull=True)
                | models.Q(released_on__gte=models.F("started_on")),
                name="release_after_custody_began",
            ),
            models.UniqueConstraint(
                fields=["nominal"],
                condition=models.Q(released_on__isnull=True),
                name="one_open_custody_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.nominal}"

    @property
    def reference(self) -> str:
        return f"CUS-{self.pk or 0:06d}"

    @property
    def in_custody(self) -> bool:
        return self.released_on is None

    @property
    def sentence_text(self) -> str:
        if self.custody_type == CustodyType.REMAND:
            return "On remand"
        if self.indeterminate:
            return "Life or indeterminate sentence"
        return rules.describe_months(self.sentence_months or 0)


class Order(models.Model):
    owner = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="ancillary_orders",
        help_text="The force, ROCU or agency that manages the order.",
    )
    nominal = models.ForeignKey(
        "people.Nominal", on_delete=models.PROTECT, related_name="ancillary_orders"
    )
    order_type = models.ForeignKey(OrderType, on_delete=models.PROTECT, related_name="orders")
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="orders")
    court = models.CharField(max_length=12, choices=Court.choices, blank=True)
    court_reference = models.CharField(max_length=80, blank=True)
    threat = models.ForeignKey(
        "threats.Threat",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ancillary_orders",
        help_text="The threat the order helps to manage, if any.",
    )
    custody = models.ForeignKey(
        CustodyRecord,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
        help_text="The custody it starts after, for an order that starts on release.",
    )
    status = models.CharField(max_length=10, choices=OrderStatus.choices)
    applied_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField("Granted or refused on", null=True, blank=True)
    starts_on_release = models.BooleanField(default=False)
    starts_on = models.DateField(null=True, blank=True)
    start_is_provisional = models.BooleanField(default=False)
    duration_months = models.PositiveIntegerField(null=True, blank=True)
    until_further_order = models.BooleanField(default=False)
    ends_on = models.DateField("Last day in force", null=True, blank=True, db_index=True)
    ended_on = models.DateField("Discharged or expired on", null=True, blank=True)
    notes = models.TextField(blank=True)
    disruption = models.ForeignKey(
        "disruptions.Disruption",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The 'ancillary order obtained' disruption recorded for it.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    scope_owner = "owner"

    class Meta:
        ordering = ["-decided_on", "-applied_on", "-id"]
        indexes = [
            models.Index(fields=["owner", "status", "ends_on"]),
            models.Index(fields=["nominal", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="order_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.order_type.short_name} — {self.nominal}"

    @property
    def reference(self) -> str:
        return f"ORD-{self.pk or 0:06d}"

    @property
    def dates(self) -> rules.OrderDates:
        return rules.OrderDates(self.starts_on, self.ends_on, self.start_is_provisional)

    def state(self, today=None) -> str:
        today = today or timezone.localdate()
        return rules.order_state(
            self.status, self.dates, today, starts_on_release=self.starts_on_release
        )

    def state_label(self, today=None) -> str:
        return rules.OrderState(self.state(today)).label

    @property
    def duration_text(self) -> str:
        if self.until_further_order:
            return "Until further order"
        if self.duration_months:
            text = rules.describe_months(self.duration_months)
            return text + (" from release" if self.starts_on_release else "")
        if self.ends_on and self.starts_on:
            return f"To {self.ends_on:%-d %B %Y}"
        return "No fixed duration" if not self.order_type.time_limited else "Not set"

    @property
    def current_conditions(self):
        return self.conditions.filter(removed_in__isnull=True)


class OrderAction(models.TextChoices):
    APPLIED = "applied", "Applied for"
    GRANTED = "granted", "Granted"
    REFUSED = "refused", "Refused"
    VARIED = "varied", "Varied"
    DISCHARGED = "discharged", "Discharged"
    EXPIRED = "expired", "Expired"
    IN_FORCE = "in_force", "Came into force on release"
    START_MOVED = "start_moved", "Expected start moved"


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or remove a step of an order's history."""


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The history of an order cannot be changed.")

    def delete(self):
        raise AppendOnlyError("The history of an order cannot be deleted.")


class OrderEvent(models.Model):
    """One step in the life of an order, dated as the court dated it. Appended, never changed."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=12, choices=OrderAction.choices)
    on = models.DateField(help_text="The date it happened (the court's date).")
    from_status = models.CharField(max_length=10, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=OrderStatus.choices, blank=True)
    note = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    objects = EventQuerySet.as_manager()

    scope_owner = "order__owner"

    class Meta:
        ordering = ["on", "at", "id"]

    def __str__(self) -> str:
        return f"{self.order.reference}: {self.get_action_display()} on {self.on:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The history of an order cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The history of an order cannot be deleted.")


class ConditionKind(models.TextChoices):
    NON_ASSOCIATION = "non_association", "Not to associate with a named person"
    EXCLUSION_ZONE = "exclusion_zone", "Not to enter an area or premises"
    CURFEW = "curfew", "Curfew"
    REPORTING = "reporting", "Report to the police"
    FINANCIAL_REPORTING = "financial_reporting", "Report finances"
    TRAVEL = "travel", "Travel restriction or surrender of passport"
    DEVICES = "devices", "Limit on phones, devices or internet use"
    RESIDENCE = "residence", "Live at an approved address"
    NOTIFICATION = "notification", "Notify changes (vehicles, accounts, address)"
    PAYMENT = "payment", "Pay an amount by a date"
    PREMISES = "premises", "Premises closed or not to be used"
    POSITIVE = "positive", "Take part in a programme (positive requirement)"
    OTHER = "other", "Other prohibition or requirement"


# The structured detail each kind of condition needs, beyond its wording.
CONDITION_DETAILS: dict[str, tuple[tuple[str, str], ...]] = {
    ConditionKind.NON_ASSOCIATION: (("person", "The person not to associate with"),),
    ConditionKind.EXCLUSION_ZONE: (("area", "The area or premises"),),
    ConditionKind.CURFEW: (("from_time", "From (HH:MM)"), ("to_time", "To (HH:MM)")),
    ConditionKind.REPORTING: (("where", "Where to report"), ("frequency", "How often")),
    ConditionKind.FINANCIAL_REPORTING: (("frequency", "How often"),),
    ConditionKind.PAYMENT: (("amount", "Amount (£)"), ("due_on", "Pay by (YYYY-MM-DD)")),
}


class OrderCondition(models.Model):
    """One prohibition or requirement of an order, kept when it is varied away."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="conditions")
    kind = models.CharField(max_length=20, choices=ConditionKind.choices)
    wording = models.TextField(help_text="The condition as the court worded it.")
    details = models.JSONField(default=dict, blank=True)
    associate = models.ForeignKey(
        "people.Nominal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="For a non-association condition: the nominal, if recorded.",
    )
    added_in = models.ForeignKey(OrderEvent, on_delete=models.PROTECT, related_name="added")
    removed_in = models.ForeignKey(
        OrderEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="removed"
    )

    scope_owner = "order__owner"

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.wording[:60]}"

    @property
    def detail_items(self) -> list[tuple[str, str]]:
        """The structured details with their labels, in the kind's order."""
        labels = dict(CONDITION_DETAILS.get(self.kind, ()))
        return [
            (labels.get(key, key.replace("_", " ")), value) for key, value in self.details.items()
        ]


class BreachOutcome(models.Model):
    """What followed a breach (``fixtures/breach_outcomes.yaml``)."""

    code = models.SlugField(max_length=40, primary_key=True)
    name = models.CharField(max_length=120, unique=True)
    action = models.BooleanField(default=False, help_text="Led to enforcement action.")
    tactic = models.CharField(max_length=40, blank=True)
    arrests = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class Breach(models.Model):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="breaches")
    occurred_on = models.DateField()
    description = models.TextField()
    outcome = models.ForeignKey(BreachOutcome, on_delete=models.PROTECT, related_name="+")
    conditions = models.ManyToManyField(OrderCondition, blank=True, related_name="breaches")
    disruption = models.ForeignKey(
        "disruptions.Disruption",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The disruption the action was recorded as.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    scope_owner = "order__owner"

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name_plural = "breaches"

    def __str__(self) -> str:
        return f"{self.reference} of {self.order.reference}"

    @property
    def reference(self) -> str:
        return f"BR-{self.pk or 0:06d}"

    @property
    def awaits_disruption(self) -> bool:
        return self.outcome.action and self.disruption_id is None


class Decision(models.TextChoices):
    APPLY = "apply", "Apply for an order"
    NOT_APPROPRIATE = "not_appropriate", "No order: not appropriate"
    INSUFFICIENT_EVIDENCE = "insufficient_evidence", "No order: not enough evidence"
    ALREADY_MANAGED = "already_managed", "No order: already managed (other orders or licence)"
    REVIEW_LATER = "review_later", "Review again later"


class OrderConsideration(models.Model):
    """A recorded decision on whether to seek an order for a person, with the reason."""

    owner = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="order_considerations"
    )
    nominal = models.ForeignKey(
        "people.Nominal", on_delete=models.PROTECT, related_name="order_considerations"
    )
    threat = models.ForeignKey(
        "threats.Threat", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField()
    decision = models.CharField(max_length=24, choices=Decision.choices)
    order_type = models.ForeignKey(
        OrderType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    review_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    scope_owner = "owner"

    class Meta:
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.nominal}: {self.get_decision_display()} ({self.decided_on:%d/%m/%Y})"
