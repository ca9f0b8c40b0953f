"""4P plans: one per active threat, kept by its Lead Responsible Officer, with objectives and
actions under each of the four Ps, the partner agencies involved, GAIN referrals, the LRO's
reviews (appended, never changed) and the tasking board's proposals and decisions.

Everything here is scoped by the owner of the threat it belongs to (``scope_owner``); partner
agencies and officers of other organisations see the parts shared with them (orgs.Share),
which the services keep in step with the plan (see ``services.sync_shares``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from socmap.concurrency import Versioned
from socmap.fourp import FourP
from socmap.plans.rules import (
    ActionStatus,
    GainAnswer,
    Outcome,
    Progress,
    ProposalKind,
    ProposalStatus,
)


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or remove a record of history."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("This history cannot be changed.")

    def delete(self):
        raise AppendOnlyError("This history cannot be deleted.")


class AppendOnly(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("This history cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("This history cannot be deleted.")


class Plan(Versioned):
    threat = models.OneToOneField("threats.Threat", on_delete=models.PROTECT, related_name="plan")
    review_interval_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Days between reviews for this plan; empty: the default for every plan.",
    )
    next_review_due = models.DateField(db_index=True)
    look_for = models.TextField(
        "What neighbourhood teams should look for",
        blank=True,
        help_text="Shown on the neighbourhood briefing: write it to be shared (no names, "
        "no intelligence detail).",
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    scope_owner = "threat__owner"

    class Meta:
        ordering = ["next_review_due", "id"]

    def __str__(self) -> str:
        return f"4P plan for {self.threat.reference}"

    @property
    def reference(self) -> str:
        return f"PLAN-{self.pk or 0:06d}"


class Objective(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="objectives")
    category = models.CharField("4P category", max_length=10, choices=FourP.choices)
    description = models.TextField()
    is_achieved = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_owner = "plan__threat__owner"

    class Meta:
        ordering = ["plan", "category", "id"]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.description[:60]}"


class Action(Versioned):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="actions")
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    category = models.CharField("4P category", max_length=10, choices=FourP.choices)
    description = models.TextField()
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_actions",
        verbose_name="owner (officer)",
    )
    owner_organisation = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_actions",
        verbose_name="owner (partner organisation)",
    )
    due_on = models.DateField("Due date", db_index=True)
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    outcome = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_owner = "plan__threat__owner"

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(owner_user__isnull=False, owner_organisation__isnull=True)
                    | models.Q(owner_user__isnull=True, owner_organisation__isnull=False)
                ),
                name="plan_action_has_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_category_display()}: {self.description[:60]}"

    @property
    def reference(self) -> str:
        return f"ACT-{self.pk or 0:06d}"

    @property
    def owner_name(self) -> str:
        if self.owner_user_id:
            return self.owner_user.display_name
        return self.owner_organisation.name if self.owner_organisation_id else ""

    @property
    def owning_organisation(self):
        """The organisation answering for the action: the partner, or the officer's own."""
        if self.owner_organisation_id:
            return self.owner_organisation
        return self.owner_user.organisation if self.owner_user_id else None

    @property
    def is_open(self) -> bool:
        return self.status in (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)


class PlanPartner(models.Model):
    """A partner agency involved in the plan. Removing it keeps the row (``removed_at``)."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="partners")
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="plans_involved"
    )
    contribution = models.CharField(max_length=300, blank=True)
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_owner = "plan__threat__owner"

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "organisation"],
                condition=models.Q(removed_at__isnull=True),
                name="partner_involved_once_per_plan",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.plan}"


class GainReferral(models.Model):
    """A referral to a partner agency through the Government Agency Intelligence Network."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="referrals")
    partner = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="gain_referrals"
    )
    request = models.TextField(help_text="What the partner agency was asked.")
    referred_on = models.DateField()
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.CharField(
        max_length=10, choices=GainAnswer.choices, default=GainAnswer.AWAITING
    )
    answered_on = models.DateField(null=True, blank=True)
    answer_note = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_owner = "plan__threat__owner"

    class Meta:
        ordering = ["-referred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(answer="awaiting", answered_on__isnull=True)
                | (~models.Q(answer="awaiting") & models.Q(answered_on__isnull=False)),
                name="gain_answer_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} to {self.partner}"

    @property
    def reference(self) -> str:
        return f"GAIN-{self.pk or 0:06d}"


class Review(AppendOnly):
    """A review of the plan by its LRO (or a supervisor). Appended, never changed."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="reviews")
    reviewed_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_as = models.CharField(
        max_length=40, help_text="LRO, SRO or tasking chair: in what capacity it was reviewed."
    )
    progress = models.CharField(max_length=10, choices=Progress.choices)
    summary = models.TextField()
    next_review_due = models.DateField()
    snapshot = models.JSONField(
        default=dict, blank=True, help_text="Open, overdue and completed actions by P at the time."
    )

    scope_owner = "plan__threat__owner"

    class Meta:
        ordering = ["-reviewed_at", "-id"]

    def __str__(self) -> str:
        return f"Review of {self.plan} on {self.reviewed_at:%d/%m/%Y}"


class Proposal(models.Model):
    """A proposal put to a tasking meeting (a force's, or a region's through its ROCU)."""

    threat = models.ForeignKey(
        "threats.Threat", on_delete=models.PROTECT, related_name="tasking_proposals"
    )
    board = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="tasking_proposals",
        help_text="Whose tasking meeting decides: a force, a ROCU (its region) or the NCA.",
    )
    kind = models.CharField(max_length=14, choices=ProposalKind.choices)
    tier = models.CharField(max_length=10, blank=True)
    owner = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lro = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    archive_reason = models.CharField(max_length=20, blank=True)
    reason = models.TextField()
    status = models.CharField(
        max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_owner = "threat__owner"

    class Meta:
        ordering = ["-proposed_at", "-id"]
        indexes = [models.Index(fields=["board", "status"])]

    def __str__(self) -> str:
        return f"{self.reference}: {self.get_kind_display()} ({self.threat.reference})"

    @property
    def reference(self) -> str:
        return f"TSK-{self.pk or 0:06d}"

    @property
    def is_open(self) -> bool:
        return self.status in (ProposalStatus.OPEN, ProposalStatus.DEFERRED)

    @property
    def proposed_change(self) -> str:
        if self.kind == ProposalKind.CHANGE_TIER:
            from socmap.threats.models import Tier

            return f"tier to {Tier(self.tier).label}" if self.tier in Tier.values else ""
        if self.kind == ProposalKind.CHANGE_OWNER:
            return f"owner to {self.owner}" if self.owner_id else ""
        if self.kind == ProposalKind.CHANGE_LRO:
            return f"LRO to {self.lro.display_name}" if self.lro_id else ""
        if self.kind == ProposalKind.ARCHIVE:
            from socmap.threats.models import ArchiveReason

            if self.archive_reason in ArchiveReason.values:
                return f"archive ({ArchiveReason(self.archive_reason).label.lower()})"
        return self.get_kind_display().lower()


class Decision(AppendOnly):
    """The tasking meeting's decision on a proposal. Appended, never changed: a deferred
    proposal may be decided again later."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.TextField()
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_owner = "proposal__threat__owner"

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.proposal.reference}: {self.get_outcome_display()}"


class BriefingGuide(models.Model):
    """Signs neighbourhood teams can look for, by crime type (``fixtures/briefing_guides.yaml``)."""

    crime_type = models.OneToOneField(
        "threats.CrimeType", on_delete=models.CASCADE, primary_key=True, related_name="guide"
    )
    signs = models.JSONField(default=list)

    class Meta:
        ordering = ["crime_type__position"]

    def __str__(self) -> str:
        return f"What to look for: {self.crime_type}"
