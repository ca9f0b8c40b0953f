"""Operations on disruptions: recording a claim, grading its impact, submitting it,
validating, returning or regrading it, and importing many at once. Each function is one
transaction with its audit event; each step of a claim is appended to its history.

The rules a disruption must follow live in :mod:`socmap.disruptions.rules` (pure functions),
so that a page, the API and every row of an import file are checked the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from socmap.audit.services import field_changes, record_event
from socmap.concurrency import expect_version
from socmap.disruptions import bulk, rules
from socmap.disruptions.models import (
    CLAIMANT_ACTIONS,
    Disruption,
    DisruptionStep,
    GradeGuidance,
    StepAction,
    Tactic,
)
from socmap.disruptions.rules import (
    EDITABLE,
    QUANTITY_CODES,
    DisruptionStatus,
    ImpactGrade,
)
from socmap.errors import ImportRejected, InvalidInput, RowError
from socmap.fourp import FourP
from socmap.orgs.models import Organisation, OrganisationKind, Role, User
from socmap.orgs.permissions import require_can_write, require_role
from socmap.orgs.scoping import can_see, organisations_in_scope, visible_to
from socmap.people.models import Nominal
from socmap.reference import reference_loader
from socmap.threats.models import KIND_PREFIX, Status, Threat
from socmap.threats.services import request_reassessment

RECORDERS = (Role.ANALYST, Role.LRO)
VALIDATORS = (Role.VALIDATOR,)
IMPORTERS = (Role.ANALYST, Role.PERFORMANCE_LEAD)
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TACTICS_FILE = FIXTURES / "tactics.yaml"
GRADES_FILE = FIXTURES / "impact_grades.yaml"


def validation_days() -> int:
    """Days a submitted claim may wait before it is overdue for validation."""
    return int(
        getattr(settings, "SOCMAP_DISRUPTION_VALIDATION_DAYS", rules.DEFAULT_VALIDATION_DAYS)
    )


# --------------------------------------------------------------------------- reference data


def _tactics_loaded() -> bool:
    return Tactic.objects.exists()


@reference_loader(40, "Disruption tactics", is_loaded=_tactics_loaded)
def load_tactics(actor=None, path: Path | None = None) -> str:
    """Load the tactic list; a code in use may be renamed or retired, never removed."""
    entries = yaml.safe_load((path or TACTICS_FILE).read_text(encoding="utf-8")) or []
    problems, codes, names = [], set(), set()
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not entry.get("code") or not entry.get("name"):
            problems.append(f"entry {index} needs a code and a name")
            continue
        code = entry["code"]
        if code in codes:
            problems.append(f"code '{code}' is listed twice")
        if entry["name"].lower() in names:
            problems.append(f"name '{entry['name']}' is listed twice")
        codes.add(code)
        names.add(entry["name"].lower())
        categories = entry.get("categories") or []
        if not categories or any(c not in FourP.values for c in categories):
            problems.append(
                f"'{code}': categories must be one or more of {', '.join(FourP.values)}"
            )
        unknown = [q for q in entry.get("quantities") or [] if q not in QUANTITY_CODES]
        if unknown:
            problems.append(
                f"'{code}': unknown quantities {', '.join(map(str, unknown))} "
                f"(use {', '.join(QUANTITY_CODES)})"
            )
    if problems:
        raise InvalidInput({"tactics": problems})
    created = updated = 0
    with transaction.atomic():
        for position, entry in enumerate(entries):
            _, made = Tactic.objects.update_or_create(
                code=entry["code"],
                defaults={
                    "name": entry["name"],
                    "description": (entry.get("description") or "").strip(),
                    "categories": [c for c in FourP.values if c in entry["categories"]],
                    "quantities": [
                        q for q in QUANTITY_CODES if q in (entry.get("quantities") or [])
                    ],
                    "position": position,
                    "is_active": entry.get("is_active", True),
                },
            )
            created += made
            updated += not made
        record_event(
            actor=actor,
            action="reference.tactics_loaded",
            target_type="disruptions.tactic",
            target_repr="disruption tactics",
            changes={"created": created, "updated": updated},
        )
    return f"{created} new, {updated} refreshed"


def _guidance_loaded() -> bool:
    return GradeGuidance.objects.count() >= len(ImpactGrade.values)


@reference_loader(41, "Impact grade guidance", is_loaded=_guidance_loaded)
def load_grade_guidance(actor=None, path: Path | None = None) -> str:
    """Load the written guidance for each grade of the national impact scale."""
    entries = yaml.safe_load((path or GRADES_FILE).read_text(encoding="utf-8")) or []
    problems, seen = [], set()
    for index, entry in enumerate(entries, start=1):
        grade = entry.get("grade") if isinstance(entry, dict) else None
        if grade not in ImpactGrade.values:
            problems.append(f"entry {index}: grade must be one of {', '.join(ImpactGrade.values)}")
        elif grade in seen:
            problems.append(f"grade '{grade}' is described twice")
        elif not (entry.get("summary") or "").strip() or not (entry.get("guidance") or "").strip():
            problems.append(f"grade '{grade}' needs a summary and guidance")
        seen.add(grade)
    missing = [g for g in ImpactGrade.values if g not in seen]
    if missing:
        problems.append(f"no guidance for {', '.join(missing)}: every grade needs it")
    if problems:
        raise InvalidInput({"impact_grades": problems})
    order = {grade: n for n, grade in enumerate(ImpactGrade.values)}
    with transaction.atomic():
        for entry in entries:
            GradeGuidance.objects.update_or_create(
                grade=entry["grade"],
                defaults={
                    "summary": entry["summary"].strip(),
                    "guidance": " ".join(entry["guidance"].split()),
                    "examples": [str(e).strip() for e in entry.get("examples") or []],
                    "position": order[entry["grade"]],
                },
            )
        record_event(
            actor=actor,
            action="reference.grade_guidance_loaded",
            target_type="disruptions.gradeguidance",
            target_repr="impact grade guidance",
            changes={"grades": [e["grade"] for e in entries]},
        )
    return f"{len(entries)} grades described"


# --------------------------------------------------------------------------- helpers


def _require_recorder(actor, action: str) -> None:
    require_role(actor, *RECORDERS, action=action)
    require_can_write(actor, action=action)


def _require_validator(actor, action: str) -> None:
    require_role(actor, *VALIDATORS, action=action)
    require_can_write(actor, action=action)


def _require_visible(actor, record) -> None:
    if actor is not None and not can_see(actor, record):
        raise PermissionDenied("That record is not available to you.")


def acts_for_owner(user, disruption: Disruption) -> bool:
    """Whether ``user`` works for the organisation that recorded ``disruption`` (or for its
    ROCU, or nationally): only they change, submit, validate, return or regrade it. Seeing a
    claim because it was shared is not enough."""
    if user is None:
        return True
    return organisations_in_scope(user).filter(pk=disruption.owner_id).exists()


def _require_owner(actor, disruption: Disruption, action: str) -> None:
    _require_visible(actor, disruption)
    if not acts_for_owner(actor, disruption):
        raise PermissionDenied(
            f"{disruption.owner} recorded {disruption.reference}: only it, its ROCU or a "
            f"national agency may {action}."
        )


def _team_name(user) -> str:
    if user is None or user.team_id is None:
        return ""
    return user.team.name


def _person(user) -> rules.Person:
    return rules.Person(user.pk, user.display_name, user.team_id, _team_name(user))


def _owner_for(actor, owner: Organisation | None, threats: Sequence[Threat]) -> Organisation:
    if owner is None:
        if actor is not None and actor.organisation is not None:
            owner = actor.organisation
        elif threats:
            owner = threats[0].owner
        else:
            raise InvalidInput({"owner": ["Say which organisation records the disruption."]})
    if owner.kind == OrganisationKind.PARTNER:
        if actor is not None and owner.pk == actor.organisation_id:
            raise PermissionDenied(
                "Partner agencies do not record disruptions in socmap: ask the force or ROCU "
                "you work with to record it, naming your agency as the one that acted."
            )
        raise InvalidInput(
            {"owner": ["Disruptions are recorded by a force, a ROCU or a national agency."]}
        )
    if actor is not None and not organisations_in_scope(actor).filter(pk=owner.pk).exists():
        raise PermissionDenied(f"You may not record disruptions for {owner}.")
    return owner


def _step(disruption: Disruption, action: str, by, **fields) -> DisruptionStep:
    return DisruptionStep.objects.create(
        disruption=disruption, action=action, by=by, by_team=_team_name(by), **fields
    )


def _snapshot(disruption: Disruption) -> dict:
    return {
        "threats": sorted(t.reference for t in disruption.threats.all()),
        "nominals": sorted(n.pk for n in disruption.nominals.all()),
        "occurred_on": disruption.occurred_on.isoformat(),
        "owner": disruption.owner.slug,
        "acting_organisation": disruption.acting_organisation.slug,
        "category": disruption.category,
        "tactic": disruption.tactic_id,
        **{code: _plain(getattr(disruption, code)) for code in QUANTITY_CODES},
        "narrative": disruption.narrative,
        "evidence": list(disruption.evidence),
        "operation_name": disruption.operation_name,
        "status": disruption.status,
        "grade": disruption.grade,
        "grade_rationale": disruption.grade_rationale,
    }


def _plain(value):
    return None if value is None else str(value)


def _check_threats(actor, threats: Sequence[Threat], occurred_on, errors: dict) -> None:
    # the threats' lifecycle as it is now in the database, not as the caller last read it
    current = {
        pk: (status, archived_at)
        for pk, status, archived_at in Threat.objects.filter(
            pk__in=[t.pk for t in threats]
        ).values_list("pk", "status", "archived_at")
    }
    for threat in threats:
        status, archived_at = current.get(threat.pk, (None, None))
        if status is None or (actor is not None and not can_see(actor, threat)):
            errors.setdefault("threats", []).append(
                f"There is no threat {threat.reference} that you can see."
            )
        elif (
            status == Status.ARCHIVED
            and archived_at is not None
            and isinstance(occurred_on, dt.date)
            and occurred_on > timezone.localdate(archived_at)
        ):
            archived_on = timezone.localdate(archived_at)
            errors.setdefault("threats", []).append(
                f"{threat.reference} was archived on {archived_on:%-d %B %Y}: "
                "a disruption after that date cannot have acted on it."
            )


def _check_nominals(actor, nominals: Sequence[Nominal], errors: dict) -> None:
    for nominal in nominals:
        if actor is not None and not can_see(actor, nominal):
            errors.setdefault("nominals", []).append(
                f"There is no person with id {nominal.pk} that you can see."
            )


def _clean(
    *,
    actor,
    threats: Sequence[Threat],
    nominals: Sequence[Nominal],
    occurred_on,
    category: str,
    tactic: Tactic | None,
    grade: str,
    rationale: str,
    quantities: Mapping[str, object],
    narrative: str,
    evidence,
    operation_name: str,
    acting_organisation: Organisation | None,
    require_grade: bool,
    today: dt.date | None = None,
) -> tuple[dict, list[str]]:
    evidence = rules.clean_evidence(evidence or [])
    errors, numbers = rules.check_disruption(
        threat_count=len(threats),
        occurred_on=occurred_on,
        today=today or timezone.localdate(),
        category=category,
        tactic=tactic.rule if tactic is not None else None,
        grade=grade or "",
        rationale=rationale or "",
        quantities=quantities,
        narrative=narrative or "",
        operation_name=operation_name or "",
        evidence=evidence,
        require_grade=require_grade,
    )
    _check_threats(actor, threats, occurred_on, errors)
    _check_nominals(actor, nominals, errors)
    if acting_organisation is not None and not acting_organisation.is_active:
        errors.setdefault("acting_organisation", []).append(
            f"{acting_organisation} is no longer an active organisation."
        )
    if errors:
        raise InvalidInput(errors)
    return numbers, evidence


def claimants(disruption: Disruption) -> list[rules.Person]:
    """Everyone who recorded, changed, graded or submitted the claim."""
    people: dict[int, rules.Person] = {}
    if disruption.recorded_by_id:
        people[disruption.recorded_by_id] = _person(disruption.recorded_by)
    steps = disruption.steps.filter(action__in=CLAIMANT_ACTIONS, by__isnull=False).select_related(
        "by__team"
    )
    for step in steps:
        people.setdefault(step.by_id, _person(step.by))
    return list(people.values())


def validation_problem(user, disruption: Disruption) -> str:
    """Why ``user`` may not validate, return or regrade ``disruption`` ("" if they may)."""
    if user is None:
        return ""
    if not user.has_role(*VALIDATORS) or user.is_read_only:
        return "Only a user with the Validator role may validate disruption claims."
    if not acts_for_owner(user, disruption):
        return (
            f"{disruption.owner} recorded this claim: its own validators (or its ROCU's, or a "
            "national agency's) validate it."
        )
    # the owner's rule as it is now (an administrator may have just changed it)
    name, separate_team = Organisation.objects.values_list("name", "separate_validation_team").get(
        pk=disruption.owner_id
    )
    return rules.independence_problem(
        validator=_person(user),
        claimants=claimants(disruption),
        separate_team=separate_team,
        organisation_name=name,
    )


def allowed_actions(user, disruption: Disruption) -> list[str]:
    """What ``user`` may do to ``disruption`` now, of: change, submit, validate, return,
    regrade (the pages show these buttons; the API lists them)."""
    if user is None or user.is_read_only or not acts_for_owner(user, disruption):
        return []
    may = []
    if user.has_role(*RECORDERS) and disruption.status in EDITABLE:
        may += ["change", "submit"]
    if user.has_role(*VALIDATORS) and not validation_problem(user, disruption):
        if disruption.status == DisruptionStatus.SUBMITTED:
            may += ["validate", "return"]
        elif disruption.status == DisruptionStatus.VALIDATED:
            may.append("regrade")
    return may


def _require_independent(actor, disruption: Disruption) -> None:
    problem = validation_problem(actor, disruption)
    if problem:
        raise PermissionDenied(problem)


def _require_status(disruption: Disruption, allowed: Iterable[str], doing: str) -> None:
    allowed = tuple(allowed)
    if disruption.status not in allowed:
        wanted = " or ".join(DisruptionStatus(s).label.lower() for s in allowed)
        raise InvalidInput(
            {
                "status": [
                    f"{disruption.reference} is {disruption.get_status_display().lower()}: only a "
                    f"disruption that is {wanted} can be {doing}."
                ]
            }
        )


def _flag_threats(actor, disruption: Disruption, threats: Iterable[Threat]) -> list[str]:
    """Ask for every threat the validated disruption acted on to be re-assessed, unless it is
    archived or was assessed after the disruption took place. Returns their references."""
    flagged = []
    for threat in threats:
        if threat.status == Status.ARCHIVED:
            continue
        last = timezone.localdate(threat.last_assessed_at) if threat.last_assessed_at else None
        if rules.assessed_since(last, disruption.occurred_on):
            continue
        if not threat.reassessment_requested:
            request_reassessment(
                actor=actor,
                threat=threat,
                reason=(
                    f"Validated {disruption.get_grade_display().lower()} disruption "
                    f"{disruption.reference}: {disruption.tactic.name.lower()} on "
                    f"{disruption.occurred_on:%-d %B %Y}."
                ),
            )
        flagged.append(threat.reference)
    return flagged


# --------------------------------------------------------------------------- recording


def record_disruption(
    *,
    actor,
    threats: Iterable[Threat],
    occurred_on: dt.date | None,
    category: str,
    tactic: Tactic | None,
    owner: Organisation | None = None,
    acting_organisation: Organisation | None = None,
    grade: str = "",
    rationale: str = "",
    quantities: Mapping[str, object] | None = None,
    nominals: Iterable[Nominal] = (),
    narrative: str = "",
    evidence: Iterable[str] | str = (),
    operation_name: str = "",
    submit: bool = False,
) -> Disruption:
    """Record a disruption claim as a draft (graded or not yet), or record and submit it for
    validation in one step (``submit=True``: a grade and its rationale are then required)."""
    _require_recorder(actor, "record disruptions")
    threats = list(dict.fromkeys(threats))
    nominals = list(dict.fromkeys(nominals))
    owner = _owner_for(actor, owner, threats)
    acting_organisation = acting_organisation or owner
    numbers, evidence = _clean(
        actor=actor,
        threats=threats,
        nominals=nominals,
        occurred_on=occurred_on,
        category=category,
        tactic=tactic,
        grade=grade,
        rationale=rationale,
        quantities=quantities or {},
        narrative=narrative,
        evidence=evidence,
        operation_name=operation_name,
        acting_organisation=acting_organisation,
        require_grade=submit,
    )
    now = timezone.now()
    with transaction.atomic():
        disruption = Disruption.objects.create(
            owner=owner,
            occurred_on=occurred_on,
            acting_organisation=acting_organisation,
            category=category,
            tactic=tactic,
            narrative=(narrative or "").strip(),
            evidence=evidence,
            operation_name=(operation_name or "").strip(),
            grade=grade or "",
            grade_rationale=(rationale or "").strip() if grade else "",
            recorded_by=actor,
            recorded_at=now,
            **{code: numbers.get(code) for code in QUANTITY_CODES},
        )
        disruption.threats.set(threats)
        disruption.nominals.set(nominals)
        _step(
            disruption,
            StepAction.RECORDED,
            actor,
            to_status=DisruptionStatus.DRAFT,
            grade=disruption.grade,
            rationale=disruption.grade_rationale,
            at=now,
        )
        record_event(
            actor=actor,
            action="disruption.recorded",
            target=disruption,
            changes=_snapshot(disruption),
        )
        if submit:
            _submit(actor, disruption, note="", now=now)
    return disruption


UPDATABLE = {
    "threats",
    "nominals",
    "occurred_on",
    "category",
    "tactic",
    "acting_organisation",
    "grade",
    "rationale",
    "quantities",
    "narrative",
    "evidence",
    "operation_name",
}


def update_disruption(
    *,
    actor,
    disruption: Disruption,
    reason: str = "",
    submit: bool = False,
    version: int | None = None,
    **changes,
) -> Disruption:
    """Change a draft or returned claim. A new grade or rationale is appended to the grading
    history; the other changes are kept in the claim's history and the audit trail. With
    ``submit=True`` the changed claim is also submitted for validation, in the same
    transaction: if it cannot be submitted (no grade, say), nothing is changed."""
    _require_recorder(actor, "change disruptions")
    _require_owner(actor, disruption, "change it")
    expect_version(disruption, version)
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise InvalidInput({key: ["This cannot be changed here."] for key in sorted(unknown)})
    _require_status(disruption, EDITABLE, "changed")
    current = {
        "threats": list(disruption.threats.all()),
        "nominals": list(disruption.nominals.all()),
        "occurred_on": disruption.occurred_on,
        "category": disruption.category,
        "tactic": disruption.tactic,
        "acting_organisation": disruption.acting_organisation,
        "grade": disruption.grade,
        "rationale": disruption.grade_rationale,
        "quantities": {code: getattr(disruption, code) for code in QUANTITY_CODES},
        "narrative": disruption.narrative,
        "evidence": disruption.evidence,
        "operation_name": disruption.operation_name,
    }
    merged = {**current, **changes}
    if "quantities" in changes:
        merged["quantities"] = {
            code: (changes["quantities"] or {}).get(code) for code in QUANTITY_CODES
        }
    merged["threats"] = list(dict.fromkeys(merged["threats"]))
    merged["nominals"] = list(dict.fromkeys(merged["nominals"]))
    numbers, evidence = _clean(
        actor=actor,
        require_grade=submit,
        **merged,
    )
    before = _snapshot(disruption)
    with transaction.atomic():
        disruption.occurred_on = merged["occurred_on"]
        disruption.category = merged["category"]
        disruption.tactic = merged["tactic"]
        disruption.acting_organisation = merged["acting_organisation"] or disruption.owner
        for code in QUANTITY_CODES:
            setattr(disruption, code, numbers.get(code))
        disruption.narrative = (merged["narrative"] or "").strip()
        disruption.evidence = evidence
        disruption.operation_name = (merged["operation_name"] or "").strip()
        new_grade = merged["grade"] or ""
        new_rationale = (merged["rationale"] or "").strip() if new_grade else ""
        regraded = (new_grade, new_rationale) != (disruption.grade, disruption.grade_rationale)
        disruption.grade, disruption.grade_rationale = new_grade, new_rationale
        disruption.save()
        disruption.threats.set(merged["threats"])
        disruption.nominals.set(merged["nominals"])
        after = _snapshot(disruption)
        diff = field_changes(before, after)
        details = {k: v for k, v in diff.items() if k not in ("grade", "grade_rationale")}
        if details:
            _step(
                disruption, StepAction.CHANGED, actor, changes=details, note=(reason or "").strip()
            )
        if regraded:
            _step(
                disruption,
                StepAction.GRADED,
                actor,
                grade=new_grade,
                rationale=new_rationale,
                note=(reason or "").strip(),
            )
        if diff:
            record_event(
                actor=actor,
                action="disruption.changed",
                target=disruption,
                changes=diff,
                reason=reason,
            )
        if submit:
            _submit(actor, disruption, note=reason, now=timezone.now())
    return disruption


# --------------------------------------------------------------------------- the workflow


def _submit(actor, disruption: Disruption, *, note: str, now) -> None:
    previous = disruption.status
    disruption.status = DisruptionStatus.SUBMITTED
    disruption.submitted_by = actor
    disruption.submitted_at = now
    disruption.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    _step(
        disruption,
        StepAction.SUBMITTED,
        actor,
        from_status=previous,
        to_status=DisruptionStatus.SUBMITTED,
        grade=disruption.grade,
        note=(note or "").strip(),
        at=now,
    )
    record_event(
        actor=actor,
        action="disruption.submitted",
        target=disruption,
        changes={"status": [previous, DisruptionStatus.SUBMITTED], "grade": disruption.grade},
    )


def submit_disruption(*, actor, disruption: Disruption, note: str = "") -> Disruption:
    """Submit a draft (or a returned claim, once corrected) for independent validation."""
    _require_recorder(actor, "submit disruptions for validation")
    _require_owner(actor, disruption, "submit it")
    _require_status(disruption, EDITABLE, "submitted")
    _clean(
        actor=None,  # who may see the threats was checked when they were linked
        threats=list(disruption.threats.all()),
        nominals=[],
        occurred_on=disruption.occurred_on,
        category=disruption.category,
        tactic=disruption.tactic,
        grade=disruption.grade,
        rationale=disruption.grade_rationale,
        quantities=disruption.quantities,
        narrative=disruption.narrative,
        evidence=disruption.evidence,
        operation_name=disruption.operation_name,
        acting_organisation=None,
        require_grade=True,
    )
    with transaction.atomic():
        _submit(actor, disruption, note=note, now=timezone.now())
    return disruption


def validate_disruption(
    *,
    actor,
    disruption: Disruption,
    grade: str = "",
    rationale: str = "",
    note: str = "",
    version: int | None = None,
) -> Disruption:
    """Validate a submitted claim, agreeing its grade or regrading it (a new grade needs its
    rationale). The validator must not be a claimant nor, when the owning organisation says
    so, from a claimant's team. A validated major or moderate disruption asks for its threats
    to be re-assessed."""
    _require_validator(actor, "validate disruptions")
    _require_owner(actor, disruption, "validate it")
    expect_version(disruption, version)
    _require_status(disruption, [DisruptionStatus.SUBMITTED], "validated")
    _require_independent(actor, disruption)
    grade = grade or disruption.grade
    rationale = (rationale or "").strip()
    regrading = grade != disruption.grade
    if grade not in ImpactGrade.values:
        raise InvalidInput(
            {"grade": ["Choose the impact grade: major, moderate, minor, none or negative."]}
        )
    if regrading and not rationale:
        raise InvalidInput({"rationale": ["Give the rationale for the new grade."]})
    now = timezone.now()
    with transaction.atomic():
        previous_grade = disruption.grade
        if regrading:
            _step(
                disruption,
                StepAction.REGRADED,
                actor,
                from_status=DisruptionStatus.SUBMITTED,
                to_status=DisruptionStatus.SUBMITTED,
                grade=grade,
                rationale=rationale,
                changes={"grade": [previous_grade, grade]},
                at=now,
            )
            disruption.grade, disruption.grade_rationale = grade, rationale
        disruption.status = DisruptionStatus.VALIDATED
        disruption.validated_by, disruption.validated_at = actor, now
        disruption.save()
        flagged = []
        if rules.flags_reassessment(disruption.grade):
            flagged = _flag_threats(actor, disruption, disruption.threats.all())
        _step(
            disruption,
            StepAction.VALIDATED,
            actor,
            from_status=DisruptionStatus.SUBMITTED,
            to_status=DisruptionStatus.VALIDATED,
            grade=disruption.grade,
            note=(note or "").strip(),
            changes={"reassessment_requested": flagged} if flagged else {},
            at=now,
        )
        record_event(
            actor=actor,
            action="disruption.validated",
            target=disruption,
            changes={
                "status": [DisruptionStatus.SUBMITTED, DisruptionStatus.VALIDATED],
                "grade": [previous_grade, disruption.grade] if regrading else disruption.grade,
                "reassessment_requested": flagged,
            },
            reason=note,
        )
    return disruption


def return_disruption(*, actor, disruption: Disruption, reasons: str) -> Disruption:
    """Send a submitted claim back to the claimant with the reasons; they may correct or
    regrade it and submit it again."""
    _require_validator(actor, "return disruption claims")
    _require_owner(actor, disruption, "return it")
    _require_status(disruption, [DisruptionStatus.SUBMITTED], "returned")
    _require_independent(actor, disruption)
    reasons = (reasons or "").strip()
    if not reasons:
        raise InvalidInput({"reasons": ["Say why the claim is returned and what it needs."]})
    with transaction.atomic():
        disruption.status = DisruptionStatus.RETURNED
        disruption.save(update_fields=["status", "updated_at"])
        _step(
            disruption,
            StepAction.RETURNED,
            actor,
            from_status=DisruptionStatus.SUBMITTED,
            to_status=DisruptionStatus.RETURNED,
            grade=disruption.grade,
            note=reasons,
        )
        record_event(
            actor=actor,
            action="disruption.returned",
            target=disruption,
            changes={"status": [DisruptionStatus.SUBMITTED, DisruptionStatus.RETURNED]},
            reason=reasons,
        )
    return disruption


def regrade_disruption(*, actor, disruption: Disruption, grade: str, rationale: str) -> Disruption:
    """Change the grade of a validated disruption (new evidence, a later conviction...). The
    old grade stays in the history; the same independence rule applies."""
    _require_validator(actor, "regrade disruptions")
    _require_owner(actor, disruption, "regrade it")
    _require_status(disruption, [DisruptionStatus.VALIDATED], "regraded")
    _require_independent(actor, disruption)
    rationale = (rationale or "").strip()
    errors = {}
    if grade not in ImpactGrade.values:
        errors["grade"] = ["Choose the impact grade: major, moderate, minor, none or negative."]
    elif grade == disruption.grade:
        errors["grade"] = [
            f"{disruption.reference} is already graded {disruption.get_grade_display().lower()}."
        ]
    if not rationale:
        errors["rationale"] = ["Give the rationale for the new grade."]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        previous = disruption.grade
        disruption.grade, disruption.grade_rationale = grade, rationale
        disruption.save(update_fields=["grade", "grade_rationale", "updated_at"])
        flagged = []
        if rules.flags_reassessment(grade) and not rules.flags_reassessment(previous):
            flagged = _flag_threats(actor, disruption, disruption.threats.all())
        _step(
            disruption,
            StepAction.REGRADED,
            actor,
            from_status=DisruptionStatus.VALIDATED,
            to_status=DisruptionStatus.VALIDATED,
            grade=grade,
            rationale=rationale,
            changes={
                "grade": [previous, grade],
                **({"reassessment_requested": flagged} if flagged else {}),
            },
        )
        record_event(
            actor=actor,
            action="disruption.regraded",
            target=disruption,
            changes={"grade": [previous, grade], "reassessment_requested": flagged},
            reason=rationale,
        )
    return disruption


# --------------------------------------------------------------------------- bulk import


@dataclass(frozen=True)
class Column:
    name: str
    required: str  # "yes", "no", or when it is needed
    meaning: str
    example: str = ""


IMPORT_COLUMNS: tuple[Column, ...] = (
    Column(
        "threats",
        "yes",
        "The threats it acted on: references (OCG-000012, PI-000003, VUL-000007) or ids, "
        "separated by ';'",
        "OCG-000012",
    ),
    Column("date", "yes", "The date of the disruption: 2026-03-14 or 14/03/2026", "2026-03-14"),
    Column("category", "yes", "The 4P category: pursue, prevent, protect or prepare", "pursue"),
    Column("tactic", "yes", "A tactic code or name from the tactics list", "arrest"),
    Column(
        "acting_organisation",
        "no",
        "Who acted: an organisation's name or short name (default: the owner)",
        "Wiltshire Council",
    ),
    Column(
        "grade",
        "when submitted or validated",
        "The impact grade: major, moderate, minor, none or negative",
        "moderate",
    ),
    Column("rationale", "with a grade", "Why the disruption is graded so", "Core member remanded."),
    Column("arrests", "no", "People arrested (where the tactic records arrests)", "2"),
    Column("people_safeguarded", "no", "People safeguarded or diverted", ""),
    Column("drugs_kg", "no", "Drugs seized, in kilograms (up to 3 decimal places)", ""),
    Column("firearms", "no", "Firearms seized", ""),
    Column("cash", "no", "Cash seized, restrained or frozen, in pounds", ""),
    Column("custodial_years", "no", "Custodial years imposed (one decimal place)", ""),
    Column("lines_closed", "no", "County lines closed", ""),
    Column("operation", "no", "The operation name", "Kestrel"),
    Column("narrative", "no", "What happened", "Warrant at a trap house; two arrested."),
    Column("evidence", "no", "References to evidence records, separated by ';'", "CR/2026/01234"),
    Column("nominals", "no", "socmap ids of the people involved, separated by ';'", ""),
    Column(
        "owner",
        "no",
        "The force, ROCU or agency recording it (default: the importing organisation)",
        "Wiltshire",
    ),
    Column(
        "status",
        "no",
        "draft, submitted or validated (default: submitted)",
        "submitted",
    ),
    Column(
        "validated_by",
        "when validated",
        "The log-in name of the validator who validated it before the import",
        "",
    ),
)
IMPORT_COLUMN_NAMES = tuple(c.name for c in IMPORT_COLUMNS)
REQUIRED_COLUMNS = ("threats", "date", "category", "tactic")
IMPORT_STATUSES = (DisruptionStatus.DRAFT, DisruptionStatus.SUBMITTED, DisruptionStatus.VALIDATED)
CHUNK = 900  # ids per IN (...) query: below SQLite's variable limit everywhere
# Which rule field each column reports on.
FIELD_COLUMNS = {"occurred_on": "date", "operation_name": "operation", "__all__": ""}
REFERENCE = re.compile(r"^(?:(OCG|PI|VUL|T)-)?0*(\d{1,12})$", re.IGNORECASE)
PREFIX_KIND = {prefix: kind for kind, prefix in KIND_PREFIX.items()}


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    by_status: dict = field(default_factory=dict)
    reassessments_requested: list = field(default_factory=list)
    first_id: int | None = None
    last_id: int | None = None
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def references(self) -> str:
        if self.first_id is None:
            return ""
        first, last = f"DIS-{self.first_id:06d}", f"DIS-{self.last_id:06d}"
        return first if first == last else f"{first} to {last}"


def _date(raw: str):
    raw = (raw or "").strip()
    if not raw:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    return raw  # refused by the rules with its own message


def _split(raw: str) -> list[str]:
    return [part.strip() for part in (raw or "").replace(",", ";").split(";") if part.strip()]


@dataclass(frozen=True)
class _ThreatInfo:
    pk: int
    kind: str
    reference: str
    archived_on: dt.date | None
    last_assessed_on: dt.date | None
    reassessment_requested: bool


class _Lookups:
    """Everything an import row refers to, fetched once: tactics, organisations, threats,
    people and validators. Rows are then checked against dictionaries, not the database."""

    def __init__(self, actor, rows: Sequence[Mapping[str, str]]):
        self.actor = actor
        self.tactics: dict[str, Tactic] = {}
        for tactic in Tactic.objects.all():
            self.tactics[tactic.code.lower()] = tactic
            self.tactics[tactic.name.lower()] = tactic
        self.rules = {t.code: t.rule for t in self.tactics.values()}
        self.organisations: dict[str, Organisation] = {}
        for organisation in Organisation.objects.filter(is_active=True):
            for spelling in (organisation.slug, organisation.name, organisation.short_name):
                if spelling:
                    self.organisations.setdefault(spelling.lower(), organisation)
        owners = organisations_in_scope(actor) if actor is not None else Organisation.objects.all()
        self.owner_ids = set(
            owners.exclude(kind=OrganisationKind.PARTNER).values_list("pk", flat=True)
        )
        threat_ids, nominal_ids, usernames = set(), set(), set()
        for row in rows:
            for part in _split(row.get("threats", "")):
                match = REFERENCE.match(part)
                if match:
                    threat_ids.add(int(match.group(2)))
            for part in _split(row.get("nominals", "")):
                if part.isdigit():
                    nominal_ids.add(int(part))
            if row.get("validated_by", "").strip():
                usernames.add(row["validated_by"].strip().lower())
        self.threats = self._threats(threat_ids)
        self.nominals = self._visible_ids(Nominal, nominal_ids)
        self.validators = {
            u.username.lower(): u
            for u in User.objects.annotate(lower_name=Lower("username"))
            .filter(is_active=True, lower_name__in=sorted(usernames))
            .select_related("team", "organisation")
        }
        self._validator_scopes: dict[int, set[int]] = {}

    def _chunks(self, ids: set[int]):
        ordered = sorted(ids)
        for start in range(0, len(ordered), CHUNK):
            yield ordered[start : start + CHUNK]

    def _threats(self, ids: set[int]) -> dict[int, _ThreatInfo]:
        found = {}
        base = (
            Threat.objects.all()
            if self.actor is None
            else visible_to(self.actor, Threat.objects.all())
        )
        for chunk in self._chunks(ids):
            for pk, kind, status, archived_at, assessed_at, requested in base.filter(
                pk__in=chunk
            ).values_list(
                "pk", "kind", "status", "archived_at", "last_assessed_at", "reassessment_requested"
            ):
                found[pk] = _ThreatInfo(
                    pk,
                    kind,
                    f"{KIND_PREFIX.get(kind, 'T')}-{pk:06d}",
                    timezone.localdate(archived_at)
                    if status == Status.ARCHIVED and archived_at
                    else None,
                    timezone.localdate(assessed_at) if assessed_at else None,
                    requested,
                )
        return found

    def _visible_ids(self, model, ids: set[int]) -> set[int]:
        found = set()
        base = (
            model.objects.all()
            if self.actor is None
            else visible_to(self.actor, model.objects.all())
        )
        for chunk in self._chunks(ids):
            found.update(base.filter(pk__in=chunk).values_list("pk", flat=True))
        return found

    def validator_scope(self, user: User) -> set[int]:
        if user.pk not in self._validator_scopes:
            self._validator_scopes[user.pk] = set(
                organisations_in_scope(user).values_list("pk", flat=True)
            )
        return self._validator_scopes[user.pk]


@dataclass
class _CleanRow:
    line: int
    fields: dict
    threat_ids: list[int]
    nominal_ids: list[int]
    validator: User | None


def _normalise(row: Mapping[str, object]) -> dict[str, str]:
    return {
        (str(k) if k is not None else "").strip().lower().replace(" ", "_"): (
            "" if v is None else str(v)
        )
        for k, v in row.items()
    }


def _check_row(
    line: int,
    row: dict[str, str],
    lookups: _Lookups,
    *,
    default_owner: Organisation | None,
    default_status: str,
    today: dt.date,
) -> tuple[_CleanRow | None, list[RowError]]:
    problems: list[RowError] = []

    def add(column: str, message: str) -> None:
        problems.append(RowError(line, column, message))

    # the threats
    threats: list[_ThreatInfo] = []
    for part in _split(row.get("threats", "")):
        match = REFERENCE.match(part)
        if match is None:
            add("threats", f"'{part}' is not a threat reference (e.g. OCG-000012).")
            continue
        info = lookups.threats.get(int(match.group(2)))
        prefix = (match.group(1) or "").upper()
        if info is None or (prefix and prefix != "T" and PREFIX_KIND.get(prefix) != info.kind):
            add("threats", f"There is no threat {part} that you can see.")
        elif info not in threats:
            threats.append(info)
    # who records it, who acted
    owner = default_owner
    owner_name = row.get("owner", "").strip()
    if owner_name:
        owner = lookups.organisations.get(owner_name.lower())
        if owner is None:
            add("owner", f"'{owner_name}' is not an organisation socmap knows.")
    if owner is not None and owner.pk not in lookups.owner_ids:
        if owner.kind == OrganisationKind.PARTNER:
            add("owner", "Disruptions are recorded by a force, a ROCU or a national agency.")
        else:
            add("owner", f"You may not record disruptions for {owner}.")
        owner = None
    elif owner is None and not owner_name:
        add("owner", "Say which organisation records it (an owner column, or --owner).")
    acting = owner
    acting_name = row.get("acting_organisation", "").strip()
    if acting_name:
        acting = lookups.organisations.get(acting_name.lower())
        if acting is None:
            add("acting_organisation", f"'{acting_name}' is not an organisation socmap knows.")
    # what was done
    category = row.get("category", "").strip().lower()
    tactic_name = row.get("tactic", "").strip()
    tactic = lookups.tactics.get(tactic_name.lower()) if tactic_name else None
    if tactic_name and tactic is None:
        add("tactic", f"'{tactic_name}' is not a tactic: use a code from the tactics list.")
    status = row.get("status", "").strip().lower() or default_status
    if status not in IMPORT_STATUSES:
        add("status", "Use draft, submitted or validated.")
        status = DisruptionStatus.DRAFT
    grade = row.get("grade", "").strip().lower()
    occurred_on = _date(row.get("date", ""))
    errors, numbers = rules.check_disruption(
        threat_count=len(threats) if threats or not row.get("threats", "").strip() else 1,
        occurred_on=occurred_on,
        today=today,
        category=category,
        tactic=tactic.rule if tactic is not None else (None if not tactic_name else _KNOWN),
        grade=grade,
        rationale=row.get("rationale", ""),
        quantities={code: row.get(code, "") for code in QUANTITY_CODES},
        narrative=row.get("narrative", ""),
        operation_name=row.get("operation", ""),
        evidence=rules.clean_evidence(row.get("evidence", "")),
        require_grade=status != DisruptionStatus.DRAFT,
    )
    for field_name, messages in errors.items():
        column = FIELD_COLUMNS.get(field_name, field_name)
        for message in messages:
            if message.startswith("Grade the disruption's impact before submitting"):
                message = f"A {status} disruption needs its impact grade."
            add(column, message)
    if isinstance(occurred_on, dt.date):
        for info in threats:
            if info.archived_on and occurred_on > info.archived_on:
                add(
                    "threats",
                    f"{info.reference} was archived on {info.archived_on:%-d %B %Y}: a "
                    "disruption after that date cannot have acted on it.",
                )
    nominal_ids = []
    for part in _split(row.get("nominals", "")):
        if not part.isdigit() or int(part) not in lookups.nominals:
            add("nominals", f"There is no person with id {part} that you can see.")
        else:
            nominal_ids.append(int(part))
    # validated before the import
    validator = None
    validator_name = row.get("validated_by", "").strip()
    if status == DisruptionStatus.VALIDATED and not validator_name:
        add("validated_by", "A validated disruption needs the log-in name of its validator.")
    elif validator_name and status != DisruptionStatus.VALIDATED:
        add("status", "A row with a validator must have the status validated.")
    elif validator_name:
        validator = lookups.validators.get(validator_name.lower())
        if validator is None:
            add("validated_by", f"There is no active user called '{validator_name}'.")
        elif not validator.has_role(*VALIDATORS):
            add("validated_by", f"{validator.username} does not hold the Validator role.")
        elif owner is not None:
            if owner.pk not in lookups.validator_scope(validator):
                add("validated_by", f"{validator.username} cannot see {owner}'s disruptions.")
            elif lookups.actor is not None:
                problem = rules.independence_problem(
                    validator=_person(validator),
                    claimants=[_person(lookups.actor)],
                    separate_team=owner.separate_validation_team,
                    organisation_name=owner.name,
                )
                if problem:
                    add(
                        "validated_by",
                        problem.replace(
                            "You made or changed this claim", "You are importing it"
                        ).replace("you and", f"{validator.username} and"),
                    )
    if problems:
        return None, problems
    fields = {
        "owner_id": owner.pk,
        "occurred_on": occurred_on,
        "acting_organisation_id": acting.pk,
        "category": category,
        "tactic_id": tactic.code,
        "narrative": row.get("narrative", "").strip(),
        "evidence": rules.clean_evidence(row.get("evidence", "")),
        "operation_name": row.get("operation", "").strip(),
        "status": status,
        "grade": grade,
        "grade_rationale": row.get("rationale", "").strip() if grade else "",
        **{code: numbers.get(code) for code in QUANTITY_CODES},
    }
    return _CleanRow(line, fields, [t.pk for t in threats], nominal_ids, validator), []


# A tactic named in the row but unknown has been reported already; this stand-in lets the
# other rules run without repeating "choose the tactic".
_KNOWN = rules.TacticRule("?", "?", frozenset(FourP.values), frozenset(QUANTITY_CODES))


def import_disruptions(
    *,
    actor,
    rows: Sequence[Mapping[str, object]],
    owner: Organisation | None = None,
    status: str = DisruptionStatus.SUBMITTED,
    source_name: str = "",
    lines: Sequence[int] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> ImportResult:
    """Record every disruption in ``rows`` (mappings keyed by :data:`IMPORT_COLUMN_NAMES`):
    all rows or none.

    Every row is checked against the same rules as a disruption recorded on a page; every
    problem is collected with its line (the header is line 1, unless ``lines`` gives each row's
    line) and column, and then :class:`ImportRejected` saves nothing. Rows are written with
    ``bulk_create`` in batches, with their history steps and one audit event for the file.
    ``progress(stage, done, total)`` reports the checking and the saving. ``dry_run`` checks
    everything and saves nothing."""
    started = timezone.now()
    require_role(actor, *IMPORTERS, action="import disruptions")
    require_can_write(actor, action="import disruptions")
    if status not in (DisruptionStatus.DRAFT, DisruptionStatus.SUBMITTED):
        raise InvalidInput({"status": ["Import disruptions as draft or submitted."]})
    if owner is not None:
        owner = _owner_for(actor, owner, [])
    elif (
        actor is not None
        and actor.organisation is not None
        and actor.organisation.kind != OrganisationKind.PARTNER
    ):
        owner = actor.organisation
    if owner is not None:  # as it is now (its validation rule may have just changed)
        owner = Organisation.objects.get(pk=owner.pk)
    rows = [_normalise(row) for row in rows]
    total = len(rows)
    if not rows:
        raise ImportRejected(
            [
                RowError(
                    2,
                    "",
                    "The file has no disruptions in it: it needs a header row and a row "
                    "per disruption.",
                )
            ]
        )
    header = list(rows[0])
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c and c not in IMPORT_COLUMN_NAMES]
    if missing or unknown:
        raise ImportRejected(
            [RowError(1, c, f"The header has no '{c}' column.") for c in missing]
            + [
                RowError(1, c, f"Unknown column '{c}': use the columns of the published template.")
                for c in unknown
            ],
            rows_read=total,
        )
    today = today or timezone.localdate()
    lookups = _Lookups(actor, rows)
    errors: list[RowError] = []
    clean: list[_CleanRow] = []
    step = max(1, min(1000, total // 100 or 1))
    for index, row in enumerate(rows):
        line = lines[index] if lines is not None else index + 2
        if not any(v.strip() for v in row.values()):
            errors.append(RowError(line, "", "The row is empty: delete it or fill it in."))
        else:
            checked, problems = _check_row(
                line, row, lookups, default_owner=owner, default_status=status, today=today
            )
            if problems:
                errors.extend(problems)
            else:
                clean.append(checked)
        if progress is not None and ((index + 1) % step == 0 or index + 1 == total):
            progress("checking", index + 1, total)
    if errors:
        raise ImportRejected(errors, rows_read=total)
    result = ImportResult(rows=total, dry_run=dry_run)
    result.by_status = dict(Counter(row.fields["status"] for row in clean))
    if dry_run:
        result.seconds = (timezone.now() - started).total_seconds()
        return result
    with transaction.atomic():
        _write(actor, clean, lookups, source_name, result, progress)
    result.seconds = (timezone.now() - started).total_seconds()
    return result


def _write(actor, clean: list[_CleanRow], lookups: _Lookups, source_name: str, result, progress):
    """Write the checked rows, their links and history steps (see bulk.py: COPY on
    PostgreSQL), inside the import's transaction."""
    now = timezone.now()
    total = len(clean)
    actor_id = actor.pk if actor is not None else None
    actor_team = _team_name(actor)
    note = f"Imported from {source_name}" if source_name else "Imported"
    source = source_name[:200]
    records = []
    for row in clean:
        fields = row.fields
        claimed = fields["status"] != DisruptionStatus.DRAFT
        validated = fields["status"] == DisruptionStatus.VALIDATED
        records.append(
            {
                **fields,
                "recorded_by_id": actor_id,
                "recorded_at": now,
                "submitted_by_id": actor_id if claimed else None,
                "submitted_at": now if claimed else None,
                "validated_by_id": row.validator.pk if validated else None,
                "validated_at": now if validated else None,
                "source": source,
                "updated_at": now,
            }
        )
    ids = bulk.insert(
        Disruption,
        records,
        ids=True,
        progress=None if progress is None else lambda done, n: progress("saving", done, n),
    )
    threat_rows, nominal_rows, steps = [], [], []
    validated_note = f"Validated before the import ({source_name or 'import'})."
    for row, pk in zip(clean, ids, strict=True):
        threat_rows.extend({"disruption_id": pk, "threat_id": t} for t in row.threat_ids)
        nominal_rows.extend({"disruption_id": pk, "nominal_id": n} for n in row.nominal_ids)
        status, grade = row.fields["status"], row.fields["grade"]
        steps.append(
            {
                "disruption_id": pk,
                "action": StepAction.IMPORTED,
                "from_status": "",
                "to_status": DisruptionStatus.DRAFT
                if status == DisruptionStatus.DRAFT
                else DisruptionStatus.SUBMITTED,
                "grade": grade,
                "rationale": row.fields["grade_rationale"],
                "note": note,
                "changes": {},
                "by_id": actor_id,
                "by_team": actor_team,
                "at": now,
            }
        )
        if status == DisruptionStatus.VALIDATED:
            steps.append(
                {
                    "disruption_id": pk,
                    "action": StepAction.VALIDATED,
                    "from_status": DisruptionStatus.SUBMITTED,
                    "to_status": DisruptionStatus.VALIDATED,
                    "grade": grade,
                    "rationale": "",
                    "note": validated_note,
                    "changes": {},
                    "by_id": row.validator.pk,
                    "by_team": _team_name(row.validator),
                    "at": now,
                }
            )
    bulk.insert(Disruption.threats.through, threat_rows)
    bulk.insert(Disruption.nominals.through, nominal_rows)
    bulk.insert(DisruptionStep, steps)
    result.created = total
    result.first_id = ids[0] if ids else None
    result.last_id = ids[-1] if ids else None
    result.reassessments_requested = _flag_imported(actor, clean, ids, lookups)
    owners = Counter(row.fields["owner_id"] for row in clean)
    names = dict(Organisation.objects.filter(pk__in=owners).values_list("pk", "slug"))
    record_event(
        actor=actor,
        action="disruptions.imported",
        target_type="disruptions.disruption",
        target_repr=f"{total} disruptions from {source_name or 'an import'}"[:255],
        changes={
            "file": source_name,
            "rows": total,
            "by_status": result.by_status,
            "by_owner": {names[k]: v for k, v in sorted(owners.items())},
            "first": result.first_id,
            "last": result.last_id,
            "reassessment_requested": result.reassessments_requested,
        },
    )


def _flag_imported(actor, clean: list[_CleanRow], ids: list[int], lookups: _Lookups) -> list[str]:
    """Re-assessment requests for the threats of imported validated major or moderate
    disruptions (the same rule as a validation on a page). Only each threat's latest such
    claim matters, so only those become model instances."""
    latest: dict[int, tuple[_CleanRow, int]] = {}
    for row, pk in zip(clean, ids, strict=True):
        fields = row.fields
        if fields["status"] != DisruptionStatus.VALIDATED or not rules.flags_reassessment(
            fields["grade"]
        ):
            continue
        for threat_id in row.threat_ids:
            known = latest.get(threat_id)
            if known is None or known[0].fields["occurred_on"] < fields["occurred_on"]:
                latest[threat_id] = (row, pk)
    claims: dict[int, Disruption] = {}
    pairs = []
    for threat_id, (row, pk) in latest.items():
        if pk not in claims:
            claims[pk] = Disruption(pk=pk, **row.fields)
        pairs.append((claims[pk], [threat_id]))
    return request_reassessments_after(
        actor, pairs, tactics={t.code: t for t in lookups.tactics.values()}, note="imported"
    )


def request_reassessments_after(
    actor,
    validated: Iterable[tuple[Disruption, Sequence[int]]],
    *,
    tactics: Mapping[str, Tactic] | None = None,
    note: str = "",
) -> list[str]:
    """The rule :func:`validate_disruption` applies to one claim, for many at once (an import,
    the demo data): each threat acted on by a validated major or moderate disruption is asked
    to be re-assessed, unless it is archived or was assessed after the latest such disruption
    took place. ``validated`` pairs each disruption with the ids of its threats. Returns the
    references of the threats flagged (or already waiting for a re-assessment)."""
    latest: dict[int, Disruption] = {}
    for disruption, threat_ids in validated:
        if disruption.status != DisruptionStatus.VALIDATED or not rules.flags_reassessment(
            disruption.grade
        ):
            continue
        for pk in threat_ids:
            if pk not in latest or latest[pk].occurred_on < disruption.occurred_on:
                latest[pk] = disruption
    if not latest:
        return []
    tactics = tactics or {t.code: t for t in Tactic.objects.all()}
    suffix = f" ({note})" if note else ""
    flagged = []
    for threat in Threat.objects.filter(pk__in=sorted(latest)).order_by("pk"):
        disruption = latest[threat.pk]
        last = timezone.localdate(threat.last_assessed_at) if threat.last_assessed_at else None
        if threat.status == Status.ARCHIVED or rules.assessed_since(last, disruption.occurred_on):
            continue
        if not threat.reassessment_requested:
            request_reassessment(
                actor=actor,
                threat=threat,
                reason=(
                    f"Validated {disruption.get_grade_display().lower()} disruption "
                    f"{disruption.reference}: {tactics[disruption.tactic_id].name.lower()} on "
                    f"{disruption.occurred_on:%-d %B %Y}{suffix}."
                ),
            )
        flagged.append(threat.reference)
    return flagged


def status_summary(result: ImportResult) -> str:
    """'12 draft, 80 submitted for validation' for a result's counts by status."""
    return ", ".join(
        f"{result.by_status[s]:,} {DisruptionStatus(s).label.lower()}"
        for s in DisruptionStatus.values
        if result.by_status.get(s)
    )
