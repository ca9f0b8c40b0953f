"""Operations on intelligence: clearance, recording and re-grading reports, reading an original
(audited), sanitised copies and sharing them, trigger reports into the threat-assessment
queue, suspicious activity reports and their triage into intelligence packages, and ACRO checks
on arrested foreign nationals. Each function is one transaction with its audit event; imports
are all rows or none.

The text of an original never goes into the audit trail, an export or a list: it is read one
report at a time through :func:`open_original`, which records who read it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from socmap.audit.services import record_event
from socmap.errors import ImportRejected, InvalidInput, RowError
from socmap.intel import rules
from socmap.intel.models import (
    AcroResult,
    ClearanceLevel,
    DeclineReason,
    ForeignNationalArrest,
    IntelClearance,
    IntelligencePackage,
    IntelligenceReport,
    ReporterSector,
    ReportGrading,
    SanitisedCopy,
    SarStatus,
    SourceType,
    SuspiciousActivityReport,
    TriggerReport,
    TriggerStatus,
)
from socmap.intel.rules import Classification, GradingSystem
from socmap.lifetime.checks import check_date, clean_text
from socmap.orgs.models import Organisation, OrganisationKind, Role, Share, User
from socmap.orgs.permissions import require_can_write, require_role
from socmap.orgs.scoping import can_see, organisations_in_scope
from socmap.orgs.services import share_record
from socmap.people.models import Nominal
from socmap.threats.models import CrimeType, Status, Threat, ThreatKind

RECORDERS = (Role.ANALYST, Role.LRO, Role.OFFENDER_MANAGER)
ASSESSORS = (Role.ANALYST, Role.TASKING_CHAIR)
MAX_CLEARANCE_YEARS = 10
MAX_PHRASES = 50
MAX_PHRASE = 300


def legacy_until() -> dt.date:
    """Reports dated on or after this day must be graded 3x5x2 (5x5x5 is for older ones)."""
    value = getattr(settings, "SOCMAP_INTEL_3X5X2_FROM", None)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        return dt.date.fromisoformat(value)
    return rules.DEFAULT_3X5X2_FROM


def _today() -> dt.date:
    return timezone.localdate()


def _require_visible(actor, record) -> None:
    if actor is not None and not can_see(actor, record):
        raise PermissionDenied("That record is not available to you.")


def _require_owned(actor, record_owner: Organisation, doing: str) -> None:
    """The actor's own scope must cover the owner: what was shared with you is read-only."""
    if actor is not None and not organisations_in_scope(actor).filter(pk=record_owner.pk).exists():
        raise PermissionDenied(f"Only {record_owner} (or its region's ROCU) may {doing}.")


def _owner_for(actor, owner: Organisation | None, what: str) -> Organisation:
    if owner is None:
        if actor is None or actor.organisation is None:
            raise InvalidInput({"owner": [f"Say which organisation holds the {what}."]})
        owner = actor.organisation
    if owner.kind == OrganisationKind.PARTNER:
        if actor is not None and owner.pk == actor.organisation_id:
            raise PermissionDenied(
                f"Partner agencies do not hold {what}s in socmap: send it to the force or ROCU "
                "you work with."
            )
        raise InvalidInput(
            {"owner": [f"{what.capitalize()}s are held by a force, ROCU or agency."]}
        )
    if actor is not None and not organisations_in_scope(actor).filter(pk=owner.pk).exists():
        raise PermissionDenied(f"You may not record {what}s for {owner}.")
    return owner


def _date(value, name: str, errors: dict, label: str, **kwargs) -> dt.date | None:
    return check_date(
        value,
        name,
        errors,
        label=label,
        earliest=rules.EARLIEST_DATE,
        not_after=_today(),
        **kwargs,
    )


def _text(value, name: str, errors: dict, *, required: str = "", limit: int = rules.MAX_TEXT):
    return clean_text(value, name, errors, limit=limit, required=required)


# --------------------------------------------------------------------------- clearance


def current_clearance(user, today: dt.date | None = None) -> IntelClearance | None:
    """The user's current clearance to read original intelligence, if any (cached)."""
    if user is None or not getattr(user, "pk", None):
        return None
    today = today or _today()
    cache = getattr(user, "_intel_clearance", None)
    if cache is not None and cache[0] == today:
        return cache[1]
    clearance = (
        IntelClearance.objects.filter(user=user, revoked_at__isnull=True, expires_on__gte=today)
        .order_by("-granted_at")
        .first()
    )
    user._intel_clearance = (today, clearance)
    return clearance


def forget_clearance(user) -> None:
    if user is not None:
        user.__dict__.pop("_intel_clearance", None)


def cleared_to(user) -> str | None:
    """The highest classification ``user`` may read originals of (``None``: not cleared).
    Partner agencies are never cleared: they see sanitised copies only."""
    if user is None:
        return Classification.TOP_SECRET  # the system operator
    organisation = getattr(user, "organisation", None)
    if organisation is None or organisation.kind == OrganisationKind.PARTNER:
        return None
    clearance = current_clearance(user)
    return clearance.level if clearance is not None else None


def original_problem(user, report: IntelligenceReport) -> str:
    """Why ``user`` may not read the original of ``report`` ("" if they may)."""
    if user is None:
        return ""
    if not can_see(user, report):
        return "That record is not available to you."
    organisation = getattr(user, "organisation", None)
    if organisation is not None and organisation.kind == OrganisationKind.PARTNER:
        return "Partner agencies see sanitised copies only."
    level = cleared_to(user)
    if level is None:
        return (
            "You are not cleared to read original intelligence: an administrator can grant "
            "clearance."
        )
    if not rules.covers(level, report.classification):
        return (
            f"The original is {report.get_classification_display()}; your clearance is "
            f"{ClearanceLevel(level).label.lower()}."
        )
    return ""


def may_read_original(user, report: IntelligenceReport) -> bool:
    return not original_problem(user, report)


def grant_clearance(
    *,
    actor,
    user: User,
    level: str,
    expires_on: dt.date | None,
    reason: str,
    vetting: str = "",
) -> IntelClearance:
    """An administrator clears a user (of an organisation in their scope) to read original
    intelligence up to ``level`` until ``expires_on``; a live clearance is replaced."""
    require_role(actor, Role.ADMINISTRATOR, action="grant clearance to read intelligence")
    require_can_write(actor, action="grant clearance")
    errors: dict[str, list[str]] = {}
    today = _today()
    if actor is not None:
        if user.pk == actor.pk:
            raise PermissionDenied("Another administrator must grant your own clearance.")
        if (
            user.organisation is None
            or not organisations_in_scope(actor).filter(pk=user.organisation_id).exists()
        ):
            raise PermissionDenied("You may only clear users of organisations in your scope.")
    if user.organisation is not None and user.organisation.kind == OrganisationKind.PARTNER:
        errors["user"] = [
            "Partner agencies receive sanitised copies only: their users are not cleared to "
            "read original intelligence in socmap."
        ]
    if not user.is_active:
        errors["user"] = [f"{user.display_name} can no longer log in."]
    if level not in ClearanceLevel.values:
        errors["level"] = [f"Choose one of {', '.join(ClearanceLevel.labels)}."]
    if expires_on is None:
        errors["expires_on"] = ["Say when the clearance ends (when the vetting is reviewed)."]
    elif expires_on <= today:
        errors["expires_on"] = ["The clearance must end after today."]
    elif expires_on > rules_years_ahead(today, MAX_CLEARANCE_YEARS):
        errors["expires_on"] = [f"Grant clearance for at most {MAX_CLEARANCE_YEARS} years."]
    reason = _text(reason, "reason", errors, required="Record why the user needs clearance.")
    vetting = _text(vetting, "vetting", errors, limit=60)
    if errors:
        raise InvalidInput(errors)
    now = timezone.now()
    with transaction.atomic():
        replaced = []
        for old in IntelClearance.objects.select_for_update().filter(
            user=user, revoked_at__isnull=True
        ):
            old.revoked_at, old.revoked_by = now, actor
            old.revoke_reason = "Replaced by a new clearance."
            old.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
            replaced.append(old.pk)
        clearance = IntelClearance.objects.create(
            user=user,
            level=level,
            vetting=vetting,
            reason=reason,
            granted_by=actor,
            expires_on=expires_on,
        )
        record_event(
            actor=actor,
            action="intel.clearance_granted",
            target=user,
            changes={"level": level, "expires_on": expires_on.isoformat(), "replaced": replaced},
            reason=reason,
        )
    forget_clearance(user)
    return clearance


def rules_years_ahead(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year + years)
    except ValueError:
        return dt.date(today.year + years, 3, 1)


def revoke_clearance(*, actor, clearance: IntelClearance, reason: str) -> IntelClearance:
    require_role(actor, Role.ADMINISTRATOR, action="withdraw clearance")
    require_can_write(actor, action="withdraw clearance")
    _require_visible(actor, clearance)
    errors: dict[str, list[str]] = {}
    reason = _text(reason, "reason", errors, required="Record why the clearance is withdrawn.")
    if clearance.revoked_at is not None:
        errors["clearance"] = ["This clearance has already been withdrawn."]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        clearance.revoked_at, clearance.revoked_by = timezone.now(), actor
        clearance.revoke_reason = reason
        clearance.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        record_event(
            actor=actor,
            action="intel.clearance_revoked",
            target=clearance.user,
            changes={"level": clearance.level},
            reason=reason,
        )
    forget_clearance(clearance.user)
    return clearance


# --------------------------------------------------------------------------- reports


def _require_recorder(actor, action: str) -> None:
    require_role(actor, *RECORDERS, action=action)
    require_can_write(actor, action=action)


def _require_cleared_for(actor, classification: str, doing: str) -> None:
    if actor is None:
        return
    level = cleared_to(actor)
    if level is None or not rules.covers(level, classification):
        label = dict(Classification.choices).get(classification, classification)
        raise PermissionDenied(
            f"To {doing} you need clearance to read {label} intelligence: ask an administrator."
        )


def _clean_phrases(values, errors: dict) -> list[str]:
    if isinstance(values, str):
        values = values.replace("\r", "").replace(";", "\n").split("\n")
    phrases = [" ".join(str(v).split()) for v in values or [] if str(v).strip()]
    if len(phrases) > MAX_PHRASES:
        errors.setdefault("source_identifying", []).append(
            f"List at most {MAX_PHRASES} source-identifying phrases."
        )
    if any(len(p) > MAX_PHRASE for p in phrases):
        errors.setdefault("source_identifying", []).append(
            f"Keep each phrase to {MAX_PHRASE} characters."
        )
    return list(dict.fromkeys(phrases))


def _check_links(actor, nominals, threats, errors: dict) -> None:
    for nominal in nominals:
        if actor is not None and not can_see(actor, nominal):
            errors.setdefault("nominals", []).append(
                f"There is no person with id {nominal.pk} that you can see."
            )
    for threat in threats:
        if actor is not None and not can_see(actor, threat):
            errors.setdefault("threats", []).append(
                f"There is no threat {threat.reference} that you can see."
            )


def _clean_report(
    *,
    reported_on,
    source_type,
    source_organisation,
    text,
    source_identifying,
    grading_system,
    source_evaluation,
    intelligence_assessment,
    handling_code,
    handling_conditions,
    classification,
    external_reference,
) -> tuple[dict, dict]:
    errors: dict[str, list[str]] = {}
    reported_on = _date(reported_on, "reported_on", errors, "date of the report")
    if source_type not in SourceType.values:
        errors["source_type"] = [f"Choose the kind of source: {', '.join(SourceType.labels)}."]
    if source_organisation is not None and not source_organisation.is_active:
        errors["source_organisation"] = [f"{source_organisation} is no longer active."]
    text = _text(text, "text", errors, required="Write the report.")
    phrases = _clean_phrases(source_identifying, errors)
    errors.update(
        rules.grading_problems(
            system=grading_system,
            source=source_evaluation,
            intelligence=intelligence_assessment,
            handling=handling_code,
            conditions=handling_conditions,
            reported_on=reported_on if isinstance(reported_on, dt.date) else None,
            legacy_until=legacy_until(),
        )
    )
    if classification not in Classification.values:
        errors["classification"] = [
            f"Choose the classification: {', '.join(Classification.labels)}."
        ]
    external_reference = _text(external_reference, "external_reference", errors, limit=60)
    grading = rules.clean_grading(
        grading_system,
        source_evaluation,
        intelligence_assessment,
        handling_code,
        handling_conditions,
    )
    return {
        "reported_on": reported_on,
        "source_type": source_type,
        "source_organisation": source_organisation,
        "text": text,
        "source_identifying": phrases,
        "grading_system": grading.system,
        "source_evaluation": grading.source,
        "intelligence_assessment": grading.intelligence,
        "handling_code": grading.handling,
        "handling_conditions": grading.conditions,
        "classification": classification,
        "external_reference": external_reference,
    }, errors


def _grading_row(report: IntelligenceReport, by, reason: str = "") -> ReportGrading:
    return ReportGrading.objects.create(
        report=report,
        grading_system=report.grading_system,
        source_evaluation=report.source_evaluation,
        intelligence_assessment=report.intelligence_assessment,
        handling_code=report.handling_code,
        handling_conditions=report.handling_conditions,
        classification=report.classification,
        reason=reason,
        by=by,
    )


def _report_summary(report: IntelligenceReport) -> dict:
    """What the audit trail keeps about a report: never its text."""
    return {
        "reported_on": report.reported_on.isoformat(),
        "owner": report.owner.slug,
        "source_type": report.source_type,
        "source_organisation": report.source_organisation.slug
        if report.source_organisation
        else None,
        "grading": f"{report.grading_system} {report.grading_code}",
        "classification": report.classification,
        "nominals": sorted(n.pk for n in report.nominals.all()),
        "threats": sorted(t.reference for t in report.threats.all()),
        "protected_phrases": len(report.source_identifying),
    }


def record_report(
    *,
    actor,
    reported_on: dt.date | None,
    text: str,
    source_type: str,
    grading_system: str,
    source_evaluation: str,
    intelligence_assessment: str,
    handling_code: str,
    classification: str,
    handling_conditions: str = "",
    source_organisation: Organisation | None = None,
    source_identifying: Iterable[str] | str = (),
    nominals: Iterable[Nominal] = (),
    threats: Iterable[Threat] = (),
    external_reference: str = "",
    owner: Organisation | None = None,
    source_name: str = "",
) -> IntelligenceReport:
    """Record an intelligence report, graded and classified, linked to people and threats.
    The recorder must be cleared to read what they record."""
    _require_recorder(actor, "record intelligence")
    owner = _owner_for(actor, owner, "intelligence report")
    nominals, threats = list(dict.fromkeys(nominals)), list(dict.fromkeys(threats))
    cleaned, errors = _clean_report(
        reported_on=reported_on,
        source_type=source_type,
        source_organisation=source_organisation,
        text=text,
        source_identifying=source_identifying,
        grading_system=grading_system,
        source_evaluation=source_evaluation,
        intelligence_assessment=intelligence_assessment,
        handling_code=handling_code,
        handling_conditions=handling_conditions,
        classification=classification,
        external_reference=external_reference,
    )
    _check_links(actor, nominals, threats, errors)
    if errors:
        raise InvalidInput(errors)
    _require_cleared_for(actor, classification, "record intelligence")
    with transaction.atomic():
        report = IntelligenceReport.objects.create(
            owner=owner, recorded_by=actor, source=source_name, **cleaned
        )
        report.nominals.set(nominals)
        report.threats.set(threats)
        _grading_row(report, actor, "First grading")
        record_event(
            actor=actor,
            action="intel.report_recorded",
            target=report,
            changes=_report_summary(report),
        )
    return report


def regrade_report(
    *,
    actor,
    report: IntelligenceReport,
    reason: str,
    grading_system: str | None = None,
    source_evaluation: str | None = None,
    intelligence_assessment: str | None = None,
    handling_code: str | None = None,
    handling_conditions: str | None = None,
    classification: str | None = None,
) -> IntelligenceReport:
    """Re-grade or re-classify a report (new intelligence, a re-evaluated source). The old
    grading stays in the report's history."""
    _require_recorder(actor, "re-grade intelligence")
    _require_visible(actor, report)
    _require_owned(actor, report.owner, "re-grade this report")
    _require_cleared_for(actor, report.classification, "re-grade this report")
    merged = {
        "grading_system": grading_system or report.grading_system,
        "source_evaluation": source_evaluation or report.source_evaluation,
        "intelligence_assessment": intelligence_assessment or report.intelligence_assessment,
        "handling_code": handling_code or report.handling_code,
        "handling_conditions": report.handling_conditions
        if handling_conditions is None
        else handling_conditions,
        "classification": classification or report.classification,
    }
    errors = rules.grading_problems(
        system=merged["grading_system"],
        source=merged["source_evaluation"],
        intelligence=merged["intelligence_assessment"],
        handling=merged["handling_code"],
        conditions=merged["handling_conditions"],
        reported_on=report.reported_on,
        legacy_until=legacy_until(),
    )
    if merged["classification"] not in Classification.values:
        errors["classification"] = ["Choose the classification."]
    reason = _text(reason, "reason", errors, required="Record why the report is re-graded.")
    before = f"{report.grading_system} {report.grading_code} {report.classification}"
    grading = rules.clean_grading(
        merged["grading_system"],
        merged["source_evaluation"],
        merged["intelligence_assessment"],
        merged["handling_code"],
        merged["handling_conditions"],
    )
    after = f"{grading.system} {grading.code} {merged['classification']}"
    if not errors and before == after and grading.conditions == report.handling_conditions:
        errors["__all__"] = ["The grading is unchanged."]
    if errors:
        raise InvalidInput(errors)
    _require_cleared_for(actor, merged["classification"], "classify a report so")
    with transaction.atomic():
        report.grading_system = grading.system
        report.source_evaluation = grading.source
        report.intelligence_assessment = grading.intelligence
        report.handling_code = grading.handling
        report.handling_conditions = grading.conditions
        report.classification = merged["classification"]
        report.save()
        _grading_row(report, actor, reason)
        record_event(
            actor=actor,
            action="intel.report_regraded",
            target=report,
            changes={"grading": [before, after]},
            reason=reason,
        )
    return report


def open_original(*, actor, report: IntelligenceReport) -> str:
    """The text of the original, for a cleared user; each reading is recorded."""
    problem = original_problem(actor, report)
    if problem:
        raise PermissionDenied(problem)
    record_event(
        actor=actor,
        action="intel.original_read",
        target=report,
        changes={"classification": report.classification},
    )
    return report.text


def protected_phrases(report: IntelligenceReport) -> list[str]:
    return rules.protected_phrases(report.text, report.source_identifying)


def sanitise_report(
    *,
    actor,
    report: IntelligenceReport,
    text: str,
    classification: str | None = None,
    handling_conditions: str | None = None,
) -> SanitisedCopy:
    """Make a sanitised copy of a report. Refused while it still contains any passage marked
    (or listed) as source-identifying, or if it is classified above the original."""
    _require_recorder(actor, "sanitise intelligence")
    _require_visible(actor, report)
    _require_owned(actor, report.owner, "sanitise this report")
    problem = original_problem(actor, report)
    if problem:
        raise PermissionDenied(f"To sanitise a report you must be able to read it. {problem}")
    classification = classification or report.classification
    errors = rules.sanitisation_problems(
        copy_text=text,
        phrases=protected_phrases(report),
        original_classification=report.classification,
        classification=classification,
    )
    conditions = (
        report.handling_conditions if handling_conditions is None else handling_conditions
    ).strip()
    c_code = report.grading_system == GradingSystem.G3X5X2 and report.handling_code == "C"
    if c_code and not conditions:
        errors["handling_conditions"] = [
            "The original is handling code C: the copy carries its conditions."
        ]
    if len(conditions) > rules.MAX_CONDITIONS:
        errors["handling_conditions"] = ["Keep the conditions to 2,000 characters."]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        copy = SanitisedCopy.objects.create(
            report=report,
            text=text.strip(),
            classification=classification,
            handling_conditions=conditions,
            created_by=actor,
        )
        record_event(
            actor=actor,
            action="intel.sanitised_copy_made",
            target=report,
            changes={"copy": copy.reference, "classification": classification},
        )
    return copy


def share_copy(
    *, actor, copy: SanitisedCopy, organisation: Organisation, conditions: str = ""
) -> Share:
    """Share a sanitised copy with another organisation (a partner agency, usually). The
    original's handling code must allow it; the copy's handling conditions go with it."""
    require_can_write(actor, action="share intelligence")
    _require_visible(actor, copy)
    report = copy.report
    errors: dict[str, list[str]] = {}
    if not organisation.is_active:
        errors["organisation"] = [f"{organisation} is no longer active."]
    if organisation.kind == OrganisationKind.PARTNER:
        allowed, why = rules.may_share_with_partner(report.grading)
        if not allowed:
            errors["organisation"] = [why]
        elif rules.rank(copy.classification) > rules.rank(rules.PARTNER_CEILING):
            errors["organisation"] = [
                f"The copy is {copy.get_classification_display()}: partner agencies receive "
                "material up to OFFICIAL-SENSITIVE through socmap."
            ]
    extra = (conditions or "").strip()
    if len(extra) > rules.MAX_CONDITIONS:
        errors["conditions"] = ["Keep the conditions to 2,000 characters."]
    if errors:
        raise InvalidInput(errors)
    combined = "\n".join(c for c in (copy.handling_conditions, extra) if c)
    return share_record(actor=actor, record=copy, organisation=organisation, conditions=combined)


# --------------------------------------------------------------------------- trigger reports


def assessing_unit_for(organisation: Organisation) -> Organisation:
    """Where a trigger report from ``organisation`` goes: the ROCU of its region, else its
    force (London has no ROCU), else the organisation itself (a ROCU or national agency)."""
    if organisation.kind in (OrganisationKind.ROCU, OrganisationKind.NATIONAL):
        return organisation
    region = organisation.region_id
    if region is None and organisation.home_force is not None:
        region = organisation.home_force.region_id
    if region is not None:
        rocu = Organisation.objects.filter(
            kind=OrganisationKind.ROCU, region_id=region, is_active=True
        ).first()
        if rocu is not None:
            return rocu
    if organisation.kind == OrganisationKind.FORCE:
        return organisation
    if organisation.home_force is not None:
        return organisation.home_force
    raise InvalidInput({"to": ["Say which ROCU or force should assess the trigger report."]})


def submit_trigger_report(
    *,
    actor,
    title: str,
    summary: str,
    suggested_kind: str = "",
    crime_type: CrimeType | None = None,
    people_named: str = "",
    nominals: Iterable[Nominal] = (),
    area: str = "",
    to: Organisation | None = None,
) -> TriggerReport:
    """A force or partner sends a trigger report to the unit that assesses threats."""
    if actor is None or actor.organisation is None:
        raise PermissionDenied("A trigger report is sent by a signed-in user of an organisation.")
    require_can_write(actor, action="send trigger reports")
    sender = actor.organisation
    errors: dict[str, list[str]] = {}
    owner = to or assessing_unit_for(sender)
    if owner.kind == OrganisationKind.PARTNER or not owner.is_active:
        errors["to"] = ["Send it to a ROCU, a force or a national agency."]
    title = _text(title, "title", errors, required="Give the trigger report a title.", limit=200)
    summary = _text(summary, "summary", errors, required="Summarise what is known.")
    people_named = _text(people_named, "people_named", errors)
    area = _text(area, "area", errors, limit=200)
    if suggested_kind and suggested_kind not in ThreatKind.values:
        errors["suggested_kind"] = [f"Choose one of {', '.join(ThreatKind.labels)}."]
    if crime_type is not None and not crime_type.is_active:
        errors["crime_type"] = [f"{crime_type} is no longer in use."]
    nominals = list(dict.fromkeys(nominals))
    _check_links(actor, nominals, [], errors)
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        trigger = TriggerReport.objects.create(
            owner=owner,
            submitted_by_organisation=sender,
            submitted_by=actor,
            title=title,
            summary=summary,
            suggested_kind=suggested_kind,
            crime_type=crime_type,
            people_named=people_named,
            area=area,
        )
        trigger.nominals.set(nominals)
        if owner.pk != sender.pk:
            Share.objects.create(
                content_type=ContentType.objects.get_for_model(TriggerReport),
                object_id=trigger.pk,
                organisation=sender,
                conditions="Your organisation's own trigger report.",
                shared_by=actor,
            )
        record_event(
            actor=actor,
            action="trigger_report.submitted",
            target=trigger,
            changes={
                "to": owner.slug,
                "from": sender.slug,
                "suggested_kind": suggested_kind,
                "crime_type": crime_type.pk if crime_type else None,
                "nominals": [n.pk for n in nominals],
            },
        )
    return trigger


def _require_assessor(actor, trigger: TriggerReport, doing: str) -> None:
    require_role(actor, *ASSESSORS, action=doing)
    require_can_write(actor, action=doing)
    _require_visible(actor, trigger)
    _require_owned(actor, trigger.owner, doing)
    if not trigger.is_waiting:
        raise InvalidInput(
            {"status": [f"{trigger.reference} is {trigger.get_status_display().lower()} already."]}
        )


def _decide(
    actor, trigger: TriggerReport, status: str, *, note: str, threat=None, decline_reason: str = ""
) -> None:
    trigger.status = status
    trigger.threat = threat
    trigger.decline_reason = decline_reason
    trigger.decision_note = note
    trigger.decided_by, trigger.decided_at = actor, timezone.now()
    trigger.save()
    record_event(
        actor=actor,
        action="trigger_report.decided",
        target=trigger,
        changes={
            "status": [TriggerStatus.RECEIVED, status],
            "threat": threat.reference if threat else None,
            "decline_reason": decline_reason,
        },
        reason=note,
    )


def accept_trigger_as_new_threat(
    *,
    actor,
    trigger: TriggerReport,
    name: str = "",
    kind: str = "",
    crime_type: CrimeType | None = None,
    tier: str = "",
    subject: Nominal | None = None,
    note: str = "",
) -> Threat:
    """Accept a trigger report as a new threat, taken into assessment (through the threats
    service: mapped as a trigger report, then moved to under assessment)."""
    from socmap.threats.services import change_status, map_threat

    _require_assessor(actor, trigger, "assess trigger reports")
    note = (note or "").strip()
    with transaction.atomic():
        fields = {
            "kind": kind or trigger.suggested_kind,
            "name": name or trigger.title,
            "predominant_crime_type": crime_type or trigger.crime_type,
            "owner": trigger.owner,
            "description": trigger.summary,
            "subject": subject,
            "status": Status.TRIGGER_REPORT,
        }
        if tier:
            fields["tier"] = tier
        threat = map_threat(actor=actor, **fields)
        change_status(
            actor=actor,
            threat=threat,
            to_status=Status.UNDER_ASSESSMENT,
            reason=f"Trigger report {trigger.reference} accepted for assessment. {note}".strip(),
        )
        _decide(actor, trigger, TriggerStatus.ACCEPTED_NEW, note=note, threat=threat)
    return threat


def accept_trigger_into_threat(
    *, actor, trigger: TriggerReport, threat: Threat, note: str = ""
) -> Threat:
    """Accept a trigger report as new intelligence on an existing threat; an active threat is
    flagged for re-assessment."""
    from socmap.threats.services import request_reassessment

    _require_assessor(actor, trigger, "assess trigger reports")
    errors: dict[str, list[str]] = {}
    if actor is not None and not can_see(actor, threat):
        errors["threat"] = [f"There is no threat {threat.reference} that you can see."]
    elif threat.status == Status.ARCHIVED:
        errors["threat"] = [f"{threat.reference} is archived: re-open it first, or map a new one."]
    if errors:
        raise InvalidInput(errors)
    note = (note or "").strip()
    with transaction.atomic():
        if threat.status == Status.ACTIVE:
            request_reassessment(
                actor=actor,
                threat=threat,
                reason=f"New intelligence: trigger report {trigger.reference} ({trigger.title}).",
            )
        _decide(actor, trigger, TriggerStatus.ACCEPTED_EXISTING, note=note, threat=threat)
    return threat


def decline_trigger_report(
    *, actor, trigger: TriggerReport, reason: str, note: str
) -> TriggerReport:
    """Decline a trigger report, with the reason (a written reason is required)."""
    _require_assessor(actor, trigger, "assess trigger reports")
    errors: dict[str, list[str]] = {}
    if reason not in DeclineReason.values:
        errors["reason"] = [f"Choose why it is declined: {', '.join(DeclineReason.labels)}."]
    note = _text(note, "note", errors, required="Write the reason it is declined, for the sender.")
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        _decide(actor, trigger, TriggerStatus.DECLINED, note=note, decline_reason=reason)
    return trigger


# --------------------------------------------------------------------------- SARs


def _amount(raw, errors: dict, name: str = "amount") -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).replace(",", "").replace("£", "").strip())
    except InvalidOperation:
        errors.setdefault(name, []).append(f"'{raw}' is not an amount of money.")
        return None
    if not value.is_finite():  # "NaN", "Infinity" parse as decimals but compare as errors
        errors.setdefault(name, []).append(f"'{raw}' is not an amount of money.")
        return None
    if value < 0 or value >= Decimal("1e12"):
        errors.setdefault(name, []).append("Give an amount from £0 up to £999,999,999,999.")
        return None
    return value.quantize(Decimal("0.01"))


def record_sar(
    *,
    actor,
    reference: str,
    received_on: dt.date | None,
    reporter_sector: str,
    amount=None,
    subject: str = "",
    nominal: Nominal | None = None,
    owner: Organisation | None = None,
    source_name: str = "",
) -> SuspiciousActivityReport:
    _require_recorder(actor, "record suspicious activity reports")
    owner = _owner_for(actor, owner, "suspicious activity report")
    errors: dict[str, list[str]] = {}
    reference = _text(
        reference, "reference", errors, required="Give the UKFIU reference.", limit=40
    )
    received_on = _date(received_on, "received_on", errors, "date it was received")
    if reporter_sector not in ReporterSector.values:
        errors["reporter_sector"] = [
            f"Choose the reporter's sector: {', '.join(ReporterSector.values)}."
        ]
    amount = _amount(amount, errors)
    subject = _text(subject, "subject", errors, limit=200)
    if nominal is not None:
        _check_links(actor, [nominal], [], errors)
    if (
        reference
        and SuspiciousActivityReport.objects.filter(owner=owner, reference=reference).exists()
    ):
        errors["reference"] = [f"SAR {reference} is already recorded for {owner}."]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        sar = SuspiciousActivityReport.objects.create(
            owner=owner,
            reference=reference,
            received_on=received_on,
            reporter_sector=reporter_sector,
            amount=amount,
            subject=subject,
            nominal=nominal,
            source=source_name,
        )
        record_event(
            actor=actor,
            action="sar.recorded",
            target=sar,
            changes={"reference": reference, "received_on": received_on.isoformat()},
        )
    return sar


TRIAGE_OUTCOMES = (SarStatus.NO_FURTHER_ACTION, SarStatus.INTELLIGENCE)


def triage_sar(
    *, actor, sar: SuspiciousActivityReport, outcome: str, triaged_on=None, note: str = ""
) -> SuspiciousActivityReport:
    """Record the triage of a SAR: no further action, or kept as intelligence. A SAR goes into
    an intelligence package through :func:`create_package`."""
    _require_recorder(actor, "triage suspicious activity reports")
    _require_visible(actor, sar)
    _require_owned(actor, sar.owner, "triage this SAR")
    errors: dict[str, list[str]] = {}
    if sar.status == SarStatus.PACKAGE:
        errors["status"] = [f"SAR {sar.reference} is already in {sar.package.reference}."]
    if outcome not in TRIAGE_OUTCOMES:
        errors["outcome"] = [
            "Choose no further action or intelligence (a package is made from the SARs in it)."
        ]
    triaged_on = _date(
        triaged_on or _today(),
        "triaged_on",
        errors,
        "date of the triage",
        not_before=sar.received_on,
        before_label="the SAR was received",
    )
    note = _text(note, "note", errors)
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        previous = sar.status
        sar.status, sar.triaged_on, sar.triaged_by = outcome, triaged_on, actor
        sar.triage_note = note
        sar.save()
        record_event(
            actor=actor,
            action="sar.triaged",
            target=sar,
            changes={"status": [previous, outcome], "triaged_on": triaged_on.isoformat()},
            reason=note,
        )
    return sar


def create_package(
    *,
    actor,
    sars: Sequence[SuspiciousActivityReport],
    produced_on: dt.date | None,
    summary: str,
    forwarded_to: str = "",
    threat: Threat | None = None,
    owner: Organisation | None = None,
) -> IntelligencePackage:
    """An intelligence package built from one or more triaged (or waiting) SARs, all held by
    the same organisation, forwarded to a financial investigator."""
    _require_recorder(actor, "produce intelligence packages")
    sars = list(dict.fromkeys(sars))
    errors: dict[str, list[str]] = {}
    if not sars:
        errors["sars"] = ["Choose the SARs the package is built from."]
    owners = {s.owner_id for s in sars}
    if len(owners) > 1:
        errors["sars"] = ["A package is built from the SARs of one organisation."]
    if sars:
        owner = owner or sars[0].owner
    owner = _owner_for(actor, owner, "intelligence package")
    for sar in sars:
        if actor is not None and not can_see(actor, sar):
            errors.setdefault("sars", []).append(f"There is no SAR {sar.pk} that you can see.")
        elif sar.status == SarStatus.PACKAGE:
            errors.setdefault("sars", []).append(
                f"SAR {sar.reference} is already in {sar.package.reference}."
            )
        elif sar.owner_id != owner.pk:
            errors.setdefault("sars", []).append(f"SAR {sar.reference} is not held by {owner}.")
    latest = max((s.received_on for s in sars), default=None)
    produced_on = _date(
        produced_on,
        "produced_on",
        errors,
        "date the package was produced",
        not_before=latest,
        before_label="the latest of its SARs was received",
    )
    summary = _text(summary, "summary", errors, required="Summarise the package.")
    forwarded_to = _text(forwarded_to, "forwarded_to", errors, limit=120)
    if threat is not None:
        _check_links(actor, [], [threat], errors)
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        package = IntelligencePackage.objects.create(
            owner=owner,
            produced_on=produced_on,
            summary=summary,
            forwarded_to=forwarded_to,
            threat=threat,
            recorded_by=actor,
        )
        for sar in sars:
            sar.status, sar.package = SarStatus.PACKAGE, package
            sar.triaged_on = sar.triaged_on or produced_on
            sar.triaged_by = sar.triaged_by or actor
            sar.save()
        record_event(
            actor=actor,
            action="intel.package_produced",
            target=package,
            changes={"sars": [s.reference for s in sars], "produced_on": produced_on.isoformat()},
        )
    return package


# --------------------------------------------------------------------------- ACRO checks

BRITISH = {"british", "uk", "united kingdom", "gb", "great britain", "english", "welsh"}


def record_arrest(
    *,
    actor,
    arrested_on: dt.date | None,
    custody_reference: str,
    nationality: str,
    nominal: Nominal | None = None,
    owner: Organisation | None = None,
    acro_result: str = AcroResult.NOT_REQUESTED,
    requested_on: dt.date | None = None,
    answered_on: dt.date | None = None,
    source_name: str = "",
) -> ForeignNationalArrest:
    """Record the arrest of a foreign national (and, if already known, the ACRO check)."""
    _require_recorder(actor, "record arrests of foreign nationals")
    owner = _owner_for(actor, owner, "arrest record")
    errors: dict[str, list[str]] = {}
    arrested_on = _date(arrested_on, "arrested_on", errors, "date of the arrest")
    custody_reference = _text(
        custody_reference,
        "custody_reference",
        errors,
        required="Give the custody reference.",
        limit=40,
    )
    nationality = _text(
        nationality, "nationality", errors, required="Give the nationality.", limit=60
    )
    if nationality.casefold() in BRITISH:
        errors["nationality"] = ["A British national is not a foreign national: no ACRO check."]
    if nominal is not None:
        if actor is not None and not can_see(actor, nominal):
            errors["nominal"] = [f"There is no person with id {nominal.pk} that you can see."]
        elif not nominal.foreign_national:
            errors["nominal"] = [
                f"{nominal} is not flagged as a foreign national: correct their record first."
            ]
    if (
        custody_reference
        and ForeignNationalArrest.objects.filter(
            owner=owner, custody_reference=custody_reference
        ).exists()
    ):
        errors["custody_reference"] = [f"{custody_reference} is already recorded for {owner}."]
    check = _check_acro(acro_result, requested_on, answered_on, arrested_on, errors)
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        arrest = ForeignNationalArrest.objects.create(
            owner=owner,
            arrested_on=arrested_on,
            custody_reference=custody_reference,
            nationality=nationality,
            nominal=nominal,
            recorded_by=actor,
            source=source_name,
            **check,
        )
        record_event(
            actor=actor,
            action="acro.arrest_recorded",
            target=arrest,
            changes={"arrested_on": arrested_on.isoformat(), "acro_result": arrest.acro_result},
        )
    return arrest


def _check_acro(result, requested_on, answered_on, arrested_on, errors) -> dict:
    if result not in AcroResult.values:
        errors["acro_result"] = [f"Choose one of {', '.join(AcroResult.values)}."]
        return {}
    if result == AcroResult.NOT_REQUESTED:
        if requested_on or answered_on:
            errors["requested_on"] = ["A check not requested has no dates."]
        return {"acro_result": result, "requested_on": None, "answered_on": None}
    requested_on = _date(
        requested_on,
        "requested_on",
        errors,
        "date the check was requested",
        not_before=arrested_on if isinstance(arrested_on, dt.date) else None,
        before_label="the arrest",
    )
    if result == AcroResult.REQUESTED:
        if answered_on:
            errors["answered_on"] = ["A check still waiting has no answer date."]
        answered_on = None
    else:
        answered_on = _date(
            answered_on,
            "answered_on",
            errors,
            "date ACRO answered",
            not_before=requested_on if isinstance(requested_on, dt.date) else None,
            before_label="the request",
        )
    return {"acro_result": result, "requested_on": requested_on, "answered_on": answered_on}


def record_acro_check(
    *,
    actor,
    arrest: ForeignNationalArrest,
    result: str,
    requested_on: dt.date | None = None,
    answered_on: dt.date | None = None,
) -> ForeignNationalArrest:
    _require_recorder(actor, "record ACRO checks")
    _require_visible(actor, arrest)
    _require_owned(actor, arrest.owner, "record this ACRO check")
    errors: dict[str, list[str]] = {}
    if result == AcroResult.NOT_REQUESTED:
        errors["acro_result"] = ["Record the check that was requested, or its answer."]
    requested_on = requested_on or arrest.requested_on
    check = _check_acro(result, requested_on, answered_on, arrest.arrested_on, errors)
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        previous = arrest.acro_result
        for key, value in check.items():
            setattr(arrest, key, value)
        arrest.save()
        record_event(
            actor=actor,
            action="acro.checked",
            target=arrest,
            changes={"acro_result": [previous, arrest.acro_result]},
        )
    return arrest


# --------------------------------------------------------------------------- imports


@dataclass
class ImportResult:
    created: list = field(default_factory=list)
    dry_run: bool = False

    @property
    def rows(self) -> int:
        return len(self.created)


REPORT_COLUMNS = (
    "reported_on",
    "source_type",
    "source_organisation",
    "grading_system",
    "source_evaluation",
    "intelligence_assessment",
    "handling_code",
    "handling_conditions",
    "classification",
    "text",
    "source_identifying",
    "nominals",
    "threats",
    "external_reference",
)
REPORT_REQUIRED = (
    "reported_on",
    "source_type",
    "grading_system",
    "source_evaluation",
    "intelligence_assessment",
    "handling_code",
    "classification",
    "text",
)
SAR_COLUMNS = (
    "reference",
    "received_on",
    "reporter_sector",
    "amount",
    "subject",
    "status",
    "triaged_on",
)
SAR_REQUIRED = ("reference", "received_on", "reporter_sector")
ARREST_COLUMNS = (
    "custody_reference",
    "arrested_on",
    "nationality",
    "nominal",
    "acro_result",
    "requested_on",
    "answered_on",
)
ARREST_REQUIRED = ("custody_reference", "arrested_on", "nationality")


def _parse_date(raw: str) -> dt.date | str | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    return raw  # the service refuses it with a message


def _normalise(rows: Iterable[Mapping[str, str]]) -> list[dict[str, str]]:
    return [
        {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k is not None}
        for row in rows
    ]


def _check_header(rows: list[dict], columns, required) -> None:
    if not rows:
        raise ImportRejected(
            [RowError(2, "", "The file has no rows: it needs a header row and a row per record.")]
        )
    header = set(rows[0])
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c and c not in columns]
    if missing or unknown:
        raise ImportRejected(
            [RowError(1, c, f"The header has no '{c}' column.") for c in missing]
            + [
                RowError(1, c, f"Unknown column '{c}': use {', '.join(columns)}.")
                for c in sorted(unknown)
            ],
            rows_read=len(rows),
        )


def _row_errors(line: int, invalid: InvalidInput) -> list[RowError]:
    return [
        RowError(line, "" if column == "__all__" else column, message)
        for column, messages in invalid.field_errors.items()
        for message in messages
    ]


def _run_import(
    rows,
    columns,
    required,
    make_row,
    *,
    action,
    target_type,
    owner_label,
    source_name,
    progress,
    dry_run,
    actor,
) -> ImportResult:
    rows = _normalise(rows)
    _check_header(rows, columns, required)
    result = ImportResult(dry_run=dry_run)
    errors: list[RowError] = []
    try:
        with transaction.atomic():
            for index, row in enumerate(rows):
                line = index + 2
                try:
                    result.created.append(make_row(row, line))
                except InvalidInput as invalid:
                    errors.extend(_row_errors(line, invalid))
                except RowProblems as problems:
                    errors.extend(problems.errors)
                if progress is not None:
                    progress(index + 1, len(rows))
            if errors:
                raise ImportRejected(errors, rows_read=len(rows))
            record_event(
                actor=actor,
                action=action,
                target_type=target_type,
                target_repr=f"{len(result.created)} records for {owner_label}",
                changes={"file": source_name, "rows": len(result.created), "dry_run": dry_run},
            )
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result


class _DryRun(Exception):
    """Rolls a checked import back."""


class RowProblems(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors


def import_reports(
    *,
    actor,
    rows: Iterable[Mapping[str, str]],
    owner: Organisation | None = None,
    source_name: str = "",
    progress: Callable[[int, int], None] | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Record every intelligence report in ``rows``: all rows or none."""
    _require_recorder(actor, "import intelligence")
    owner = _owner_for(actor, owner, "intelligence report")
    organisations = {o.slug: o for o in Organisation.objects.all()}

    def make(row: dict, line: int) -> IntelligenceReport:
        problems = []
        source_org = None
        if row.get("source_organisation"):
            source_org = organisations.get(row["source_organisation"])
            if source_org is None:
                problems.append(
                    RowError(
                        line,
                        "source_organisation",
                        f"'{row['source_organisation']}' is not an organisation slug.",
                    )
                )
        nominals = []
        for part in filter(None, (p.strip() for p in row.get("nominals", "").split(";"))):
            nominal = Nominal.objects.filter(pk=int(part)).first() if part.isdigit() else None
            if nominal is None or (actor is not None and not can_see(actor, nominal)):
                problems.append(
                    RowError(line, "nominals", f"There is no person {part} you can see.")
                )
            else:
                nominals.append(nominal)
        threats = []
        for part in filter(None, (p.strip() for p in row.get("threats", "").split(";"))):
            digits = part.rsplit("-", 1)[-1].lstrip("0") or "0"
            threat = Threat.objects.filter(pk=int(digits)).first() if digits.isdigit() else None
            if threat is None or (actor is not None and not can_see(actor, threat)):
                problems.append(
                    RowError(line, "threats", f"There is no threat {part} you can see.")
                )
            else:
                threats.append(threat)
        if problems:
            raise RowProblems(problems)
        return record_report(
            actor=actor,
            owner=owner,
            reported_on=_parse_date(row.get("reported_on", "")),
            source_type=row.get("source_type", ""),
            source_organisation=source_org,
            grading_system=row.get("grading_system", ""),
            source_evaluation=row.get("source_evaluation", ""),
            intelligence_assessment=row.get("intelligence_assessment", ""),
            handling_code=row.get("handling_code", ""),
            handling_conditions=row.get("handling_conditions", ""),
            classification=row.get("classification", "")
            .lower()
            .replace("-", "_")
            .replace(" ", "_"),
            text=row.get("text", ""),
            source_identifying=row.get("source_identifying", ""),
            nominals=nominals,
            threats=threats,
            external_reference=row.get("external_reference", ""),
            source_name=source_name,
        )

    return _run_import(
        rows,
        REPORT_COLUMNS,
        REPORT_REQUIRED,
        make,
        action="intel.reports_imported",
        target_type="intel.intelligencereport",
        owner_label=str(owner),
        source_name=source_name,
        progress=progress,
        dry_run=dry_run,
        actor=actor,
    )


def import_sars(
    *,
    actor,
    rows: Iterable[Mapping[str, str]],
    owner: Organisation | None = None,
    source_name: str = "",
    progress: Callable[[int, int], None] | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Record the SARs in ``rows`` (and their triage, where given): all rows or none."""
    _require_recorder(actor, "import suspicious activity reports")
    owner = _owner_for(actor, owner, "suspicious activity report")
    seen: dict[str, int] = {}

    def make(row: dict, line: int) -> SuspiciousActivityReport:
        reference = row.get("reference", "")
        first = seen.setdefault(reference, line)
        if reference and first != line:
            raise RowProblems(
                [RowError(line, "reference", f"SAR {reference} is already given on line {first}.")]
            )
        status = (row.get("status") or "").strip().lower() or SarStatus.AWAITING
        if status not in (SarStatus.AWAITING, *TRIAGE_OUTCOMES):
            raise RowProblems(
                [
                    RowError(
                        line,
                        "status",
                        "Use awaiting, no_further_action or intelligence (packages are made "
                        "in socmap from the SARs in them).",
                    )
                ]
            )
        sar = record_sar(
            actor=actor,
            owner=owner,
            reference=reference,
            received_on=_parse_date(row.get("received_on", "")),
            reporter_sector=(row.get("reporter_sector") or "").strip().lower(),
            amount=row.get("amount", ""),
            subject=row.get("subject", ""),
            source_name=source_name,
        )
        if status != SarStatus.AWAITING:
            triage_sar(
                actor=actor,
                sar=sar,
                outcome=status,
                triaged_on=_parse_date(row.get("triaged_on", "")) or sar.received_on,
            )
        return sar

    return _run_import(
        rows,
        SAR_COLUMNS,
        SAR_REQUIRED,
        make,
        action="sars.imported",
        target_type="intel.suspiciousactivityreport",
        owner_label=str(owner),
        source_name=source_name,
        progress=progress,
        dry_run=dry_run,
        actor=actor,
    )


def import_arrests(
    *,
    actor,
    rows: Iterable[Mapping[str, str]],
    owner: Organisation | None = None,
    source_name: str = "",
    progress: Callable[[int, int], None] | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Record arrests of foreign nationals and their ACRO checks: all rows or none."""
    _require_recorder(actor, "import arrests of foreign nationals")
    owner = _owner_for(actor, owner, "arrest record")
    seen: dict[str, int] = {}

    def make(row: dict, line: int) -> ForeignNationalArrest:
        reference = row.get("custody_reference", "")
        first = seen.setdefault(reference, line)
        if reference and first != line:
            raise RowProblems(
                [
                    RowError(
                        line, "custody_reference", f"{reference} is already given on line {first}."
                    )
                ]
            )
        nominal = None
        raw = row.get("nominal", "")
        if raw:
            nominal = Nominal.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
            if nominal is None or (actor is not None and not can_see(actor, nominal)):
                raise RowProblems(
                    [RowError(line, "nominal", f"There is no person {raw} you can see.")]
                )
        return record_arrest(
            actor=actor,
            owner=owner,
            custody_reference=reference,
            arrested_on=_parse_date(row.get("arrested_on", "")),
            nationality=row.get("nationality", ""),
            nominal=nominal,
            acro_result=(row.get("acro_result") or AcroResult.NOT_REQUESTED).strip().lower(),
            requested_on=_parse_date(row.get("requested_on", "")),
            answered_on=_parse_date(row.get("answered_on", "")),
            source_name=source_name,
        )

    return _run_import(
        rows,
        ARREST_COLUMNS,
        ARREST_REQUIRED,
        make,
        action="arrests.imported",
        target_type="intel.foreignnationalarrest",
        owner_label=str(owner),
        source_name=source_name,
        progress=progress,
        dry_run=dry_run,
        actor=actor,
    )
