"""Operations on 4P plans: starting a plan, objectives and actions under the four Ps, partner
agencies, GAIN referrals, the LRO's reviews, and the tasking board's proposals and decisions.
Each function is one transaction with its audit event.

Who may change a plan: the threat's Lead Responsible Officer, or a **supervisor**: the
threat's Senior Responsible Officer, or a user holding the tasking chair role in the
organisation that owns the threat. The owner of an action (the officer, or a user of the
partner organisation) may also report its status and outcome. Inspectors change nothing.

Plans are seen by the threat owner's scope. Organisations taking part from outside it (the
LRO's organisation if another, partner agencies involved, organisations owning an action or
receiving a GAIN referral) see what concerns them through orgs.Share rows that
:func:`sync_shares` keeps in step with the plan after every change.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from socmap.audit.services import field_changes, record_event
from socmap.concurrency import expect_version
from socmap.errors import InvalidInput
from socmap.fourp import FourP
from socmap.orgs.models import Organisation, OrganisationKind, Role, Share, User
from socmap.orgs.permissions import require_can_write, require_role
from socmap.orgs.scoping import can_see, organisations_in_scope
from socmap.plans import rules
from socmap.plans.models import (
    Action,
    BriefingGuide,
    Decision,
    GainReferral,
    Objective,
    Plan,
    PlanPartner,
    Proposal,
    Review,
)
from socmap.plans.rules import (
    ActionStatus,
    GainAnswer,
    Outcome,
    Progress,
    ProposalKind,
    ProposalStatus,
)
from socmap.reference import reference_loader
from socmap.threats import services as threat_services
from socmap.threats.models import ArchiveReason, CrimeType, Status, Threat, Tier

GUIDES_FILE = Path(__file__).resolve().parent / "fixtures" / "briefing_guides.yaml"
PROPOSERS = (Role.ANALYST, Role.LRO, Role.TASKING_CHAIR)
SHARE_NOTE = "4P plan"
UNCHANGED = object()


def review_days() -> int:
    """The default days between reviews of a plan (setting ``SOCMAP_PLAN_REVIEW_DAYS``)."""
    return int(getattr(settings, "SOCMAP_PLAN_REVIEW_DAYS", rules.DEFAULT_REVIEW_DAYS))


def lro_threat_limit() -> int:
    """Active threats one LRO may lead before they show as over-stretched
    (setting ``SOCMAP_LRO_THREAT_LIMIT``)."""
    return int(getattr(settings, "SOCMAP_LRO_THREAT_LIMIT", rules.DEFAULT_LRO_THREAT_LIMIT))


SUBMISSION = (
    "Submit what you see or hear as an intelligence report through your force's intelligence "
    "system, quoting the threat's reference; tell the contact named below. If someone is in "
    "immediate danger, call 999."
)


def intelligence_submission() -> str:
    """How neighbourhood officers pass on intelligence (``SOCMAP_INTELLIGENCE_SUBMISSION``)."""
    return str(getattr(settings, "SOCMAP_INTELLIGENCE_SUBMISSION", SUBMISSION))


def interval_for(plan: Plan) -> int:
    return rules.review_interval(plan.review_interval_days, review_days())


# --------------------------------------------------------------------------- reference data


def _guides_loaded() -> bool:
    return BriefingGuide.objects.exists()


@reference_loader(45, "Neighbourhood briefing guides", is_loaded=_guides_loaded)
def load_briefing_guides(actor=None, path: Path | None = None) -> str:
    """Load what neighbourhood teams can look for, by crime type."""
    entries = yaml.safe_load((path or GUIDES_FILE).read_text(encoding="utf-8")) or []
    known = set(CrimeType.objects.values_list("code", flat=True))
    problems, seen = [], set()
    for index, entry in enumerate(entries, start=1):
        code = entry.get("crime_type") if isinstance(entry, dict) else None
        signs = entry.get("signs") if isinstance(entry, dict) else None
        if code not in known:
            problems.append(f"entry {index}: '{code}' is not a crime type code")
        elif code in seen:
            problems.append(f"crime type '{code}' is described twice")
        elif not signs or not all(isinstance(s, str) and s.strip() for s in signs):
            problems.append(f"'{code}' needs a list of signs")
        seen.add(code)
    if problems:
        raise InvalidInput({"briefing_guides": problems})
    with transaction.atomic():
        for entry in entries:
            BriefingGuide.objects.update_or_create(
                crime_type_id=entry["crime_type"],
                defaults={"signs": [" ".join(s.split()) for s in entry["signs"]]},
            )
        record_event(
            actor=actor,
            action="reference.briefing_guides_loaded",
            target_type="plans.briefingguide",
            target_repr="neighbourhood briefing guides",
            changes={"crime_types": sorted(seen)},
        )
    return f"{len(entries)} crime types described"


# --------------------------------------------------------------------------- who may do what


def supervisor_capacity(user, threat: Threat) -> str:
    """``"SRO"`` or ``"tasking chair"`` if ``user`` supervises the threat's LRO, else ``""``."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    if threat.sro_id and threat.sro_id == user.pk:
        return "SRO"
    if user.organisation_id == threat.owner_id and user.has_role(Role.TASKING_CHAIR):
        return "tasking chair"
    return ""


def capacity(user, threat: Threat) -> str:
    """In what capacity ``user`` may manage the threat's plan: LRO, SRO, tasking chair or ``""``."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    if threat.lro_id and threat.lro_id == user.pk:
        return "LRO"
    return supervisor_capacity(user, threat)


def may_manage(user, threat: Threat) -> bool:
    return bool(capacity(user, threat)) and not user.is_read_only


def may_report_on(user, action: Action) -> bool:
    """The action's owner (the officer, or a user of the owning partner) may report on it."""
    if user is None or not getattr(user, "is_authenticated", False) or user.is_read_only:
        return False
    if action.owner_user_id:
        return action.owner_user_id == user.pk
    return action.owner_organisation_id == user.organisation_id


def _require_manager(actor, threat: Threat, action: str) -> None:
    if actor is None:
        return
    require_can_write(actor, action=action)
    if not capacity(actor, threat):
        lro = threat.lro.display_name if threat.lro_id else "none yet"
        raise PermissionDenied(
            f"Only the threat's Lead Responsible Officer ({lro}) or a supervisor (its SRO, "
            f"or a tasking chair of {threat.owner}) may {action}."
        )


def _require_visible(actor, record) -> None:
    if actor is not None and not can_see(actor, record):
        raise PermissionDenied("That record is not available to you.")


def _require_active(threat: Threat) -> None:
    if threat.status != Status.ACTIVE:
        raise InvalidInput(
            {
                "threat": [
                    f"{threat.reference} is {threat.get_status_display().lower()}, not active: "
                    "only an active threat's plan can be changed."
                ]
            }
        )


# --------------------------------------------------------------------------- sharing


def _shared_by(actor, plan: Plan) -> User | None:
    if actor is not None:
        return actor
    threat = plan.threat
    return plan.created_by or threat.lro or threat.sro or threat.created_by


def _wanted(plan: Plan):
    """Which organisations outside the owner must see which parts of the plan, and why;
    with the ids of the plan's parts (four queries in all)."""
    threat = plan.threat
    owner_id = threat.owner_id
    lro_org = threat.lro.organisation_id if threat.lro_id else None
    wanted: dict[tuple[type, int], dict[int, str]] = defaultdict(dict)

    def want(model, pk, org_id, why):
        if org_id and org_id != owner_id:
            wanted[(model, pk)].setdefault(org_id, why)

    want(Plan, plan.pk, lro_org, "the LRO's organisation")
    for org_id in plan.partners.filter(removed_at__isnull=True).values_list(
        "organisation_id", flat=True
    ):
        want(Plan, plan.pk, org_id, "a partner agency involved")
    actions = list(
        plan.actions.values_list(
            "pk", "status", "owner_organisation_id", "owner_user__organisation"
        )
    )
    for pk, status, partner_id, officer_org in actions:
        org_id = partner_id or officer_org
        if status != ActionStatus.CANCELLED:
            want(Plan, plan.pk, org_id, "owns an action")
        want(Action, pk, org_id, "owns the action")
        want(Action, pk, lro_org, "the LRO's organisation")
    referrals = list(plan.referrals.values_list("pk", "partner_id"))
    for pk, partner_id in referrals:
        want(Plan, plan.pk, partner_id, "received a GAIN referral")
        want(GainReferral, pk, partner_id, "received the referral")
        want(GainReferral, pk, lro_org, "the LRO's organisation")
    reviews = list(plan.reviews.values_list("pk", flat=True))
    for pk in reviews:
        want(Review, pk, lro_org, "the LRO's organisation")
    ids = {
        Plan: [plan.pk],
        Action: [a[0] for a in actions],
        GainReferral: [r[0] for r in referrals],
        Review: reviews,
    }
    return wanted, ids


def sync_shares(actor, plan: Plan) -> dict[str, list[str]]:
    """Create the shares the plan needs and withdraw those it made that it no longer needs.
    Call inside the service's transaction; returns what changed (for its audit event)."""
    wanted, ids = _wanted(plan)
    types = {m: ContentType.objects.get_for_model(m) for m in ids}
    by_type = {ct.pk: model for model, ct in types.items()}
    condition = Q()
    for model, pks in ids.items():
        if pks:
            condition |= Q(content_type=types[model], object_id__in=pks)
    live: dict[tuple[type, int, int], Share] = {
        (by_type[share.content_type_id], share.object_id, share.organisation_id): share
        for share in Share.objects.filter(condition, revoked_at__isnull=True)
    }
    now = timezone.now()
    created, withdrawn = [], []
    sharer = None
    for (model, pk), orgs in wanted.items():
        for org_id, why in orgs.items():
            if (model, pk, org_id) in live:
                continue
            sharer = sharer or _shared_by(actor, plan)
            if sharer is None:
                raise InvalidInput(
                    "A change made by the system that shares part of a plan needs a user: "
                    "run the command with --as USERNAME."
                )
            Share.objects.create(
                content_type=types[model],
                object_id=pk,
                organisation_id=org_id,
                conditions=f"{SHARE_NOTE}: {why}. For the purposes of the plan only.",
                shared_by=sharer,
            )
            created.append((model, pk, org_id))
    for (model, pk, org_id), share in live.items():
        if org_id in wanted.get((model, pk), {}) or not share.conditions.startswith(SHARE_NOTE):
            continue
        sharer = sharer or _shared_by(actor, plan)
        share.revoked_at, share.revoked_by = now, sharer
        share.save(update_fields=["revoked_at", "revoked_by"])
        withdrawn.append((model, pk, org_id))
    if not (created or withdrawn):
        return {"shared": [], "withdrawn": []}
    names = dict(
        Organisation.objects.filter(pk__in={o for *_, o in created + withdrawn}).values_list(
            "pk", "name"
        )
    )
    changes = {
        "shared": [f"{m._meta.verbose_name} {pk} with {names[o]}" for m, pk, o in created],
        "withdrawn": [f"{m._meta.verbose_name} {pk} from {names[o]}" for m, pk, o in withdrawn],
    }
    record_event(actor=actor, action="plan.shares_changed", target=plan, changes=changes)
    return changes


# --------------------------------------------------------------------------- plans


def create_plan(
    *, actor, threat: Threat, review_interval_days: int | None = None, look_for: str = ""
) -> Plan:
    """Start the 4P plan of an active threat (one per threat)."""
    _require_visible(actor, threat)
    _require_manager(actor, threat, "start this threat's 4P plan")
    _require_active(threat)
    errors = {}
    if Plan.objects.filter(threat=threat).exists():
        errors["threat"] = [f"{threat.reference} already has a 4P plan."]
    problem = rules.interval_problem(review_interval_days)
    if problem:
        errors["review_interval_days"] = [problem]
    if errors:
        raise InvalidInput(errors)
    today = timezone.localdate()
    interval = rules.review_interval(review_interval_days, review_days())
    try:
        with transaction.atomic():
            plan = Plan.objects.create(
                threat=threat,
                review_interval_days=review_interval_days,
                next_review_due=rules.next_review_due(today, interval),
                look_for=(look_for or "").strip(),
                created_by=actor,
            )
            record_event(
                actor=actor,
                action="plan.created",
                target=plan,
                changes={
                    "threat": threat.reference,
                    "review_interval_days": interval,
                    "next_review_due": plan.next_review_due.isoformat(),
                },
            )
            sync_shares(actor, plan)
    except IntegrityError as twice:
        raise InvalidInput({"threat": [f"{threat.reference} already has a 4P plan."]}) from twice
    return plan


def update_plan(
    *,
    actor,
    plan: Plan,
    review_interval_days=UNCHANGED,
    look_for=UNCHANGED,
    reason: str = "",
    version: int | None = None,
) -> Plan:
    """Change a plan's own review interval (``None``: the default) or its briefing text. A new
    interval moves the next review date: it counts from the last review (or the start).
    ``version``: the version the user read (a stale one saves nothing)."""
    threat = plan.threat
    _require_visible(actor, plan)
    expect_version(plan, version)
    _require_manager(actor, threat, "change this plan")
    _require_active(threat)
    before = {
        "review_interval_days": plan.review_interval_days,
        "look_for": plan.look_for,
        "next_review_due": plan.next_review_due.isoformat(),
    }
    if review_interval_days is not UNCHANGED:
        problem = rules.interval_problem(review_interval_days)
        if problem:
            raise InvalidInput({"review_interval_days": [problem]})
    with transaction.atomic():
        if review_interval_days is not UNCHANGED:
            plan.review_interval_days = review_interval_days or None
            last = plan.reviews.order_by("-reviewed_at").first()
            start = (
                timezone.localdate(last.reviewed_at)
                if last
                else timezone.localdate(plan.created_at)
            )
            plan.next_review_due = rules.next_review_due(start, interval_for(plan))
        if look_for is not UNCHANGED:
            plan.look_for = (look_for or "").strip()
        plan.save()
        after = {
            "review_interval_days": plan.review_interval_days,
            "look_for": plan.look_for,
            "next_review_due": plan.next_review_due.isoformat(),
        }
        diff = field_changes(before, after)
        if diff:
            record_event(
                actor=actor, action="plan.changed", target=plan, changes=diff, reason=reason
            )
    return plan


def _check_category(category: str, errors: dict) -> None:
    if category not in FourP.values:
        errors["category"] = [f"Choose one of the four Ps: {', '.join(FourP.labels)}."]


def add_objective(*, actor, plan: Plan, category: str, description: str) -> Objective:
    threat = plan.threat
    _require_visible(actor, plan)
    _require_manager(actor, threat, "add objectives to this plan")
    _require_active(threat)
    errors: dict[str, list[str]] = {}
    _check_category(category, errors)
    if not (description or "").strip():
        errors["description"] = ["Describe the objective."]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        objective = Objective.objects.create(
            plan=plan, category=category, description=description.strip(), created_by=actor
        )
        record_event(
            actor=actor,
            action="plan.objective_added",
            target=plan,
            changes={"objective": objective.pk, "category": category},
        )
    return objective


def update_objective(
    *, actor, objective: Objective, description=UNCHANGED, is_achieved=UNCHANGED
) -> Objective:
    plan = objective.plan
    _require_visible(actor, plan)
    _require_manager(actor, plan.threat, "change this plan's objectives")
    _require_active(plan.threat)
    if description is not UNCHANGED and not (description or "").strip():
        raise InvalidInput({"description": ["Describe the objective."]})
    before = {"description": objective.description, "is_achieved": objective.is_achieved}
    with transaction.atomic():
        if description is not UNCHANGED:
            objective.description = description.strip()
        if is_achieved is not UNCHANGED:
            objective.is_achieved = bool(is_achieved)
        objective.save()
        diff = field_changes(
            before, {"description": objective.description, "is_achieved": objective.is_achieved}
        )
        if diff:
            record_event(
                actor=actor,
                action="plan.objective_changed",
                target=plan,
                changes={"objective": objective.pk, **diff},
            )
    return objective


# --------------------------------------------------------------------------- actions


def _check_owner(actor, owner_user, owner_organisation, errors: dict) -> None:
    if owner_user is None and owner_organisation is None:
        errors["owner"] = ["Give the action an owner: an officer, or a partner organisation."]
    elif owner_user is not None and owner_organisation is not None:
        errors["owner"] = ["An action has one owner: an officer or a partner organisation."]
    elif owner_user is not None:
        if not owner_user.is_active:
            errors["owner"] = [f"{owner_user.display_name} can no longer log in."]
        elif owner_user.is_read_only:
            errors["owner"] = [f"{owner_user.display_name} has a read-only role."]
    elif owner_organisation.kind != OrganisationKind.PARTNER:
        errors["owner"] = [
            f"{owner_organisation} is not a partner agency: give a police or agency action "
            "to an officer."
        ]
    elif not owner_organisation.is_active:
        errors["owner"] = [f"{owner_organisation} is no longer active."]


def _check_objective(plan: Plan, objective: Objective | None, category: str, errors) -> None:
    if objective is None:
        return
    if objective.plan_id != plan.pk:
        errors["objective"] = ["That objective belongs to another plan."]
    elif category in FourP.values and objective.category != category:
        errors["objective"] = [
            f"That objective is under {objective.get_category_display()}, "
            f"not {FourP(category).label}."
        ]


def _action_snapshot(action: Action) -> dict:
    return {
        "category": action.category,
        "description": action.description,
        "objective": action.objective_id,
        "owner_user": action.owner_user.username if action.owner_user_id else None,
        "owner_organisation": (
            action.owner_organisation.name if action.owner_organisation_id else None
        ),
        "due_on": action.due_on.isoformat() if action.due_on else None,
        "status": action.status,
        "outcome": action.outcome,
    }


def add_action(
    *,
    actor,
    plan: Plan,
    category: str,
    description: str,
    due_on: dt.date | None,
    owner_user: User | None = None,
    owner_organisation: Organisation | None = None,
    objective: Objective | None = None,
) -> Action:
    """Add an action under one of the four Ps, with an owner and a due date (not in the past)."""
    threat = plan.threat
    _require_visible(actor, plan)
    _require_manager(actor, threat, "add actions to this plan")
    _require_active(threat)
    errors: dict[str, list[str]] = {}
    _check_category(category, errors)
    if not (description or "").strip():
        errors["description"] = ["Describe the action."]
    if due_on is None:
        errors["due_on"] = ["Give the action a due date."]
    elif due_on < timezone.localdate():
        errors["due_on"] = ["The due date of a new action cannot be in the past."]
    _check_owner(actor, owner_user, owner_organisation, errors)
    _check_objective(plan, objective, category, errors)
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        action = Action.objects.create(
            plan=plan,
            objective=objective,
            category=category,
            description=description.strip(),
            owner_user=owner_user,
            owner_organisation=owner_organisation,
            due_on=due_on,
            created_by=actor,
        )
        record_event(
            actor=actor, action="plan.action_added", target=action, changes=_action_snapshot(action)
        )
        sync_shares(actor, plan)
    return action


MANAGER_FIELDS = {
    "category",
    "description",
    "objective",
    "owner_user",
    "owner_organisation",
    "due_on",
    "status",
    "outcome",
}
OWNER_FIELDS = {"status", "outcome"}


def update_action(
    *, actor, action: Action, reason: str = "", version: int | None = None, **changes
) -> Action:
    """Change an action. The LRO or a supervisor may change anything; the action's owner may
    report its status and outcome. A completed or cancelled action needs its outcome.
    ``version``: the version the user read (a stale one saves nothing)."""
    plan = action.plan
    threat = plan.threat
    _require_visible(actor, action)
    expect_version(action, version)
    unknown = set(changes) - MANAGER_FIELDS
    if unknown:
        raise InvalidInput({key: ["This cannot be changed here."] for key in sorted(unknown)})
    if actor is not None and not may_manage(actor, threat):
        require_can_write(actor, action="change actions")
        if not may_report_on(actor, action):
            _require_manager(actor, threat, "change this action")
        beyond = set(changes) - OWNER_FIELDS
        if beyond:
            raise PermissionDenied(
                "As the action's owner you may report its status and outcome; ask the LRO to "
                f"change its {', '.join(sorted(beyond))}."
            )
    _require_active(threat)
    merged = {
        "category": action.category,
        "description": action.description,
        "objective": action.objective,
        "owner_user": action.owner_user,
        "owner_organisation": action.owner_organisation,
        "due_on": action.due_on,
        "status": action.status,
        "outcome": action.outcome,
    }
    if "owner_user" in changes and changes["owner_user"] is not None:
        changes.setdefault("owner_organisation", None)
    if "owner_organisation" in changes and changes["owner_organisation"] is not None:
        changes.setdefault("owner_user", None)
    merged.update(changes)
    errors: dict[str, list[str]] = {}
    _check_category(merged["category"], errors)
    if not (merged["description"] or "").strip():
        errors["description"] = ["Describe the action."]
    if merged["due_on"] is None:
        errors["due_on"] = ["Give the action a due date."]
    elif merged["due_on"] != action.due_on and merged["due_on"] < timezone.localdate():
        errors["due_on"] = ["A new due date cannot be in the past."]
    if "owner_user" in changes or "owner_organisation" in changes:
        _check_owner(actor, merged["owner_user"], merged["owner_organisation"], errors)
    _check_objective(plan, merged["objective"], merged["category"], errors)
    if merged["status"] not in ActionStatus.values:
        errors["status"] = [f"Choose one of {', '.join(ActionStatus.labels)}."]
    elif merged["status"] in rules.CLOSED_STATUSES and not (merged["outcome"] or "").strip():
        label = ActionStatus(merged["status"]).label.lower()
        errors["outcome"] = [f"Record the outcome of an action that is {label}."]
    if errors:
        raise InvalidInput(errors)
    before = _action_snapshot(action)
    was_open = action.is_open
    with transaction.atomic():
        for key, value in merged.items():
            text = key in ("description", "outcome")
            setattr(action, key, (value or "").strip() if text else value)
        if action.is_open:
            action.closed_at = None
        elif was_open:
            action.closed_at = timezone.now()
        action.save()
        diff = field_changes(before, _action_snapshot(action))
        if diff:
            record_event(
                actor=actor, action="plan.action_changed", target=action, changes=diff,
                reason=reason,
            )  # fmt: skip
        sync_shares(actor, plan)
    return action


# --------------------------------------------------------------------------- partners, GAIN


def add_partner(*, actor, plan: Plan, organisation: Organisation, contribution: str = ""):
    threat = plan.threat
    _require_visible(actor, plan)
    _require_manager(actor, threat, "involve partner agencies in this plan")
    _require_active(threat)
    if organisation is None or organisation.kind != OrganisationKind.PARTNER:
        raise InvalidInput({"organisation": ["Choose a partner agency."]})
    if plan.partners.filter(organisation=organisation, removed_at__isnull=True).exists():
        raise InvalidInput({"organisation": [f"{organisation} is already involved."]})
    with transaction.atomic():
        partner = PlanPartner.objects.create(
            plan=plan,
            organisation=organisation,
            contribution=(contribution or "").strip()[:300],
            added_by=actor,
        )
        record_event(
            actor=actor,
            action="plan.partner_added",
            target=plan,
            changes={"organisation": organisation.name, "contribution": partner.contribution},
        )
        sync_shares(actor, plan)
    return partner


def remove_partner(*, actor, partner: PlanPartner, reason: str = "") -> PlanPartner:
    plan = partner.plan
    _require_visible(actor, plan)
    _require_manager(actor, plan.threat, "change the partners involved in this plan")
    _require_active(plan.threat)
    if partner.removed_at is not None:
        raise InvalidInput({"organisation": [f"{partner.organisation} is no longer involved."]})
    with transaction.atomic():
        partner.removed_at, partner.removed_by = timezone.now(), actor
        partner.save(update_fields=["removed_at", "removed_by"])
        record_event(
            actor=actor,
            action="plan.partner_removed",
            target=plan,
            changes={"organisation": partner.organisation.name},
            reason=reason,
        )
        sync_shares(actor, plan)
    return partner


def refer_to_gain(
    *, actor, plan: Plan, partner: Organisation, request: str, referred_on: dt.date | None = None
) -> GainReferral:
    """Record a GAIN referral to a partner agency; its answer is awaited."""
    threat = plan.threat
    _require_visible(actor, plan)
    _require_manager(actor, threat, "make GAIN referrals for this plan")
    _require_active(threat)
    today = timezone.localdate()
    referred_on = referred_on or today
    errors = {}
    if partner is None or partner.kind != OrganisationKind.PARTNER:
        errors["partner"] = ["A GAIN referral goes to a partner agency."]
    if not (request or "").strip():
        errors["request"] = ["Say what the partner agency is asked."]
    if referred_on > today:
        errors["referred_on"] = ["The referral date cannot be in the future."]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        referral = GainReferral.objects.create(
            plan=plan,
            partner=partner,
            request=request.strip(),
            referred_on=referred_on,
            referred_by=actor,
        )
        record_event(
            actor=actor,
            action="plan.gain_referred",
            target=referral,
            changes={"partner": partner.name, "referred_on": referred_on.isoformat()},
        )
        sync_shares(actor, plan)
    return referral


def answer_referral(
    *,
    actor,
    referral: GainReferral,
    answer: str,
    answered_on: dt.date | None = None,
    note: str = "",
) -> GainReferral:
    """Record the partner's answer: hit or no hit, and when. The LRO, a supervisor or a user
    of the partner agency may record it; an answer may be corrected, never un-answered."""
    plan = referral.plan
    _require_visible(actor, referral)
    if actor is not None and actor.organisation_id != referral.partner_id:
        _require_manager(actor, plan.threat, "record answers to this plan's GAIN referrals")
    if actor is not None:
        require_can_write(actor, action="record GAIN answers")
    today = timezone.localdate()
    answered_on = answered_on or today
    errors = {}
    if answer not in (GainAnswer.HIT, GainAnswer.NO_HIT):
        errors["answer"] = ["The answer is a hit or no hit."]
    if answered_on > today:
        errors["answered_on"] = ["The answer date cannot be in the future."]
    elif answered_on < referral.referred_on:
        errors["answered_on"] = [
            f"The answer cannot come before the referral ({referral.referred_on:%d %b %Y})."
        ]
    if errors:
        raise InvalidInput(errors)
    before = {"answer": referral.answer, "answered_on": str(referral.answered_on or "")}
    with transaction.atomic():
        referral.answer, referral.answered_on = answer, answered_on
        referral.answer_note = (note or "").strip()
        referral.answered_by = actor
        referral.save()
        record_event(
            actor=actor,
            action="plan.gain_answered",
            target=referral,
            changes=field_changes(
                before, {"answer": answer, "answered_on": answered_on.isoformat()}
            ),
        )
    return referral


# --------------------------------------------------------------------------- reviews


def plan_snapshot(plan: Plan, today: dt.date | None = None) -> dict:
    """Actions by P at this moment: open, overdue and completed (kept with each review)."""
    today = today or timezone.localdate()
    counts = {p: {"open": 0, "overdue": 0, "completed": 0} for p in FourP.values}
    for category, status, due_on in plan.actions.values_list("category", "status", "due_on"):
        if status in rules.OPEN_STATUSES:
            counts[category]["open"] += 1
            if rules.is_action_overdue(status, due_on, today):
                counts[category]["overdue"] += 1
        elif status == ActionStatus.COMPLETED:
            counts[category]["completed"] += 1
    covered = plan.actions.filter(status__in=rules.COVERING_STATUSES).values_list(
        "category", flat=True
    )
    return {"actions": counts, "uncovered": rules.uncovered(covered)}


def record_review(
    *,
    actor,
    plan: Plan,
    progress: str,
    summary: str,
    next_review_due: dt.date | None = None,
    held_on: dt.date | None = None,
) -> Review:
    """The LRO (or a supervisor) reviews the plan, today or on the day the review meeting was
    held (``held_on``: not in the future, not before the plan started or its last review).
    The next review falls due one interval later; it may be brought forward, not pushed back."""
    threat = plan.threat
    _require_visible(actor, plan)
    _require_manager(actor, threat, "review this plan")
    _require_active(threat)
    today = timezone.localdate()
    held_on = held_on or today
    latest = rules.next_review_due(held_on, interval_for(plan))
    errors = {}
    previous = plan.reviews.order_by("-reviewed_at").first()
    if held_on > today:
        errors["held_on"] = ["A review cannot be recorded for a future date."]
    elif held_on < timezone.localdate(plan.created_at):
        errors["held_on"] = ["The review cannot come before the plan started."]
    elif previous is not None and held_on < timezone.localdate(previous.reviewed_at):
        errors["held_on"] = [
            f"The last review was on {timezone.localdate(previous.reviewed_at):%d %b %Y}: "
            "a review cannot be recorded before it."
        ]
    if progress not in Progress.values:
        errors["progress"] = [f"Choose one of {', '.join(Progress.labels)}."]
    if not (summary or "").strip():
        errors["summary"] = ["Summarise the review: progress, what changes, what is next."]
    if next_review_due is not None:
        if next_review_due <= today:
            errors["next_review_due"] = ["The next review must be after today."]
        elif next_review_due > latest:
            errors["next_review_due"] = [
                f"The next review is due within {interval_for(plan)} days, by "
                f"{latest:%d %b %Y}; it may be brought forward, not pushed back."
            ]
    if errors:
        raise InvalidInput(errors)
    due = next_review_due or latest
    with transaction.atomic():
        moment = timezone.now()
        if held_on != today:
            moment = timezone.make_aware(dt.datetime.combine(held_on, dt.time(12, 0)))
        review = Review.objects.create(
            plan=plan,
            reviewed_at=moment,
            reviewed_by=actor,
            reviewed_as=capacity(actor, threat) if actor is not None else "system",
            progress=progress,
            summary=summary.strip(),
            next_review_due=due,
            snapshot=plan_snapshot(plan, today),
        )
        plan.next_review_due = due
        plan.save(update_fields=["next_review_due", "updated_at"])
        record_event(
            actor=actor,
            action="plan.reviewed",
            target=plan,
            changes={
                "progress": progress,
                "reviewed_as": review.reviewed_as,
                "next_review_due": due.isoformat(),
                "held_on": held_on.isoformat(),
            },
        )
        sync_shares(actor, plan)
    return review


# --------------------------------------------------------------------------- tasking


def boards_for(user):
    """The tasking meetings a user may put proposals to: forces, ROCUs and the NCA in scope."""
    qs = Organisation.objects.all() if user is None else organisations_in_scope(user)
    return qs.filter(
        kind__in=[OrganisationKind.FORCE, OrganisationKind.ROCU, OrganisationKind.NATIONAL]
    ).order_by("kind", "name")


def on_board(board: Organisation, threat: Threat) -> bool:
    """Whether ``threat`` belongs on ``board``'s agenda: a force's own or touching threats, a
    ROCU's region's, every threat for a national board."""
    if board.kind == OrganisationKind.NATIONAL:
        return True
    if board.kind == OrganisationKind.ROCU:
        owner = threat.owner
        return owner.region_id == board.region_id and owner.kind in (
            OrganisationKind.FORCE,
            OrganisationKind.ROCU,
        )
    if board.kind == OrganisationKind.FORCE:
        return threat.owner_id == board.pk or threat.forces.filter(pk=board.pk).exists()
    return False


def _check_proposal(threat: Threat, kind, tier, owner, lro, archive_reason, errors) -> None:
    if kind == ProposalKind.ADOPT:
        if threat.status != Status.UNDER_ASSESSMENT:
            errors["kind"] = [
                f"Only a threat under assessment can be adopted; {threat.reference} is "
                f"{threat.get_status_display().lower()}."
            ]
        elif not threat.assessments.exists():
            errors["kind"] = ["Assess the threat before proposing to adopt it."]
    elif kind == ProposalKind.ARCHIVE:
        if threat.status == Status.ARCHIVED:
            errors["kind"] = [f"{threat.reference} is already archived."]
        allowed = [r for r in ArchiveReason.values if r != ArchiveReason.MERGED]
        if archive_reason not in allowed:
            errors["archive_reason"] = [
                "Choose why it should be archived: "
                + ", ".join(ArchiveReason(r).label.lower() for r in allowed)
                + " (merging is done on the threat's page)."
            ]
    elif kind == ProposalKind.CHANGE_TIER:
        if tier not in Tier.values:
            errors["tier"] = [f"Choose the new tier: {', '.join(Tier.labels)}."]
        elif tier == threat.tier:
            errors["tier"] = [f"{threat.reference} is already {Tier(tier).label}."]
    elif kind == ProposalKind.CHANGE_OWNER:
        if owner is None or owner.kind == OrganisationKind.PARTNER:
            errors["owner"] = ["Choose the new owner: a force, a ROCU or the NCA."]
        elif owner.pk == threat.owner_id:
            errors["owner"] = [f"{owner} already owns {threat.reference}."]
    elif kind == ProposalKind.CHANGE_LRO:
        if lro is None:
            errors["lro"] = ["Choose the new Lead Responsible Officer."]
        elif lro.pk == threat.lro_id:
            errors["lro"] = [f"{lro.display_name} is already the LRO."]
        elif not lro.is_active or not lro.has_role(Role.LRO):
            errors["lro"] = [f"{lro.display_name} does not hold the Lead Responsible Officer role."]
    else:
        errors["kind"] = [f"Choose one of: {', '.join(ProposalKind.labels)}."]


def propose(
    *,
    actor,
    threat: Threat,
    board: Organisation,
    kind: str,
    reason: str,
    tier: str = "",
    owner: Organisation | None = None,
    lro: User | None = None,
    archive_reason: str = "",
) -> Proposal:
    """Put a proposal about a threat to a tasking meeting."""
    require_role(actor, *PROPOSERS, action="put proposals to tasking")
    require_can_write(actor, action="put proposals to tasking")
    _require_visible(actor, threat)
    errors: dict[str, list[str]] = {}
    if board is None or not boards_for(actor).filter(pk=board.pk).exists():
        errors["board"] = ["Choose a tasking meeting of a force, a ROCU or the NCA you work with."]
    elif not on_board(board, threat):
        errors["board"] = [f"{threat.reference} is not on the agenda of {board}'s tasking meeting."]
    _check_proposal(threat, kind, tier, owner, lro, archive_reason, errors)
    if not (reason or "").strip():
        errors["reason"] = ["Say why you propose it."]
    if (
        not errors
        and Proposal.objects.filter(
            threat=threat, kind=kind, status__in=rules.OPEN_PROPOSALS
        ).exists()
    ):
        errors["kind"] = [f"There is already an open proposal to {kind.replace('_', ' ')}."]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        proposal = Proposal.objects.create(
            threat=threat,
            board=board,
            kind=kind,
            tier=tier if kind == ProposalKind.CHANGE_TIER else "",
            owner=owner if kind == ProposalKind.CHANGE_OWNER else None,
            lro=lro if kind == ProposalKind.CHANGE_LRO else None,
            archive_reason=archive_reason if kind == ProposalKind.ARCHIVE else "",
            reason=reason.strip(),
            proposed_by=actor,
        )
        record_event(
            actor=actor,
            action="tasking.proposed",
            target=proposal,
            changes={"threat": threat.reference, "board": board.name, "kind": kind,
                     "change": proposal.proposed_change},
        )  # fmt: skip
    return proposal


def _apply(actor, proposal: Proposal, reason: str) -> None:
    """Carry out an agreed proposal through the threats services (the threat's own history
    records it); they refuse, and nothing is saved, if the threat has moved on."""
    threat = proposal.threat
    why = f"Tasking decision {proposal.reference} ({proposal.board}): {reason}"
    if proposal.kind == ProposalKind.ADOPT:
        threat_services.change_status(
            actor=actor, threat=threat, to_status=Status.ACTIVE, reason=why
        )
    elif proposal.kind == ProposalKind.ARCHIVE:
        threat_services.change_status(
            actor=actor,
            threat=threat,
            to_status=Status.ARCHIVED,
            archive_reason=proposal.archive_reason,
            reason=why,
        )
    elif proposal.kind == ProposalKind.CHANGE_TIER:
        threat_services.update_threat(actor=actor, threat=threat, tier=proposal.tier, reason=why)
    elif proposal.kind == ProposalKind.CHANGE_LRO:
        threat_services.update_threat(actor=actor, threat=threat, lro=proposal.lro, reason=why)
    elif proposal.kind == ProposalKind.CHANGE_OWNER:
        threat_services.transfer_threat(
            actor=actor, threat=threat, owner=proposal.owner, reason=why
        )
    plan = Plan.objects.filter(threat=threat).first()
    if plan is not None:
        plan.threat = threat
        sync_shares(actor, plan)


def may_decide(user, proposal: Proposal) -> bool:
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and not user.is_read_only
        and user.has_role(Role.TASKING_CHAIR)
        and user.organisation_id == proposal.board_id
    )


def decide(*, actor, proposal: Proposal, outcome: str, reason: str) -> Decision:
    """Record the tasking meeting's decision. An agreed proposal is carried out at once."""
    require_role(actor, Role.TASKING_CHAIR, action="record tasking decisions")
    require_can_write(actor, action="record tasking decisions")
    _require_visible(actor, proposal)
    if actor is not None and actor.organisation_id != proposal.board_id:
        raise PermissionDenied(
            f"Only a tasking chair of {proposal.board} may decide what is put to its meeting."
        )
    errors = {}
    if not proposal.is_open:
        errors["outcome"] = [
            f"{proposal.reference} was already decided: {proposal.get_status_display().lower()}."
        ]
    elif outcome not in Outcome.values:
        errors["outcome"] = [f"Choose one of: {', '.join(Outcome.labels)}."]
    if not (reason or "").strip():
        errors["reason"] = ["Record the reason for the decision."]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        if outcome == Outcome.AGREED:
            _apply(actor, proposal, reason.strip())
        decision = Decision.objects.create(
            proposal=proposal, outcome=outcome, reason=reason.strip(), decided_by=actor
        )
        proposal.status = {
            Outcome.AGREED: ProposalStatus.AGREED,
            Outcome.REJECTED: ProposalStatus.REJECTED,
            Outcome.DEFERRED: ProposalStatus.DEFERRED,
        }[outcome]
        proposal.save(update_fields=["status"])
        record_event(
            actor=actor,
            action="tasking.decided",
            target=proposal,
            changes={"outcome": outcome, "threat": proposal.threat.reference},
            reason=reason.strip(),
        )
    return decision
