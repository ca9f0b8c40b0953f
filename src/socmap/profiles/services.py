"""Operations on local profiles and strategic assessments: the only place that writes them.
Each function is one transaction with its audit event; bad input raises InvalidInput and
changes nothing; a profile edit based on an older version raises EditConflict."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from socmap.audit.services import record_event
from socmap.errors import InvalidInput
from socmap.orgs.models import LocalArea, Organisation, OrganisationKind, Region, Role
from socmap.orgs.permissions import require_can_write, require_role
from socmap.orgs.scoping import can_see, organisations_in_scope
from socmap.profiles import rules, selectors
from socmap.profiles.models import (
    AreaKind,
    LocalProfile,
    Priority,
    PriorityKind,
    ProfileVersion,
    SixMonthReview,
    StrategicAssessment,
)

EDITORS = (Role.ANALYST, Role.TASKING_CHAIR, Role.PERFORMANCE_LEAD, Role.ADMINISTRATOR)
STRATEGY_EDITORS = (Role.TASKING_CHAIR, Role.ANALYST, Role.ADMINISTRATOR)
TITLE_LIMIT = 200
TEXT_LIMIT = rules.SECTION_LIMIT


class EditConflict(InvalidInput):
    """Someone else saved the profile after the version this edit started from."""


def _require_editor(actor, action: str, roles=EDITORS) -> None:
    require_role(actor, *roles, action=action)
    require_can_write(actor, action=action)
    if actor is not None and selectors.is_partner(actor):
        raise PermissionDenied(f"Partner agencies may not {action}.")


def _require_keeper(actor, owner: Organisation, action: str) -> None:
    """``actor`` may keep records of ``owner``: their scope covers it."""
    if actor is None:
        return
    if not organisations_in_scope(actor).filter(pk=owner.pk).exists():
        raise PermissionDenied(f"You may only {action} for an organisation in your scope.")


def _text(value, name: str, errors: dict, *, required: str = "", limit: int = TEXT_LIMIT):
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value)
    if required and not text:
        errors.setdefault(name, []).append(required)
    if len(text) > limit:
        errors.setdefault(name, []).append(
            f"Keep this to {limit:,} characters (it has {len(text):,})."
        )
    return text


def _clean_sections(sections, errors: dict) -> dict[str, str]:
    if sections is None:
        return {}
    if not isinstance(sections, dict):
        errors["sections"] = ["Give the sections as a mapping of section key to text."]
        return {}
    unknown = [k for k in sections if k not in rules.SECTION_KEYS]
    if unknown:
        errors["sections"] = [
            f"Unknown section '{k}': choose from {', '.join(rules.SECTION_KEYS)}." for k in unknown
        ]
    return {
        key: _text(sections.get(key), f"sections.{key}", errors)
        for key in rules.SECTION_KEYS
        if key in sections
    }


def _period(start, end, errors: dict) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    end = end or today
    start = start or (rules.add_months(end, -12) + dt.timedelta(days=1))
    if start > end:
        errors["period_start"] = ["The period starts after it ends."]
    return start, end


def area_for(
    *,
    area_kind: str,
    force: Organisation | None = None,
    local_area: LocalArea | None = None,
    region: Region | None = None,
) -> tuple[selectors.Area, Organisation]:
    """The area a profile covers and the organisation that keeps it (the force, or the ROCU of
    a region)."""
    if area_kind == AreaKind.FORCE:
        if force is None or force.kind != OrganisationKind.FORCE:
            raise InvalidInput({"force": ["Choose the force the profile covers."]})
        return selectors.Area(AreaKind.FORCE, force=force), force
    if area_kind == AreaKind.LOCAL_AREA:
        if local_area is None:
            raise InvalidInput({"local_area": ["Choose the local policing area."]})
        return selectors.Area(AreaKind.LOCAL_AREA, local_area=local_area), local_area.force
    if area_kind == AreaKind.REGION:
        if region is None:
            raise InvalidInput({"region": ["Choose the region."]})
        rocu = Organisation.objects.filter(kind=OrganisationKind.ROCU, region=region).first()
        if rocu is None:
            raise InvalidInput({"region": [f"The {region} region has no ROCU to keep a profile."]})
        return selectors.Area(AreaKind.REGION, region=region), rocu
    raise InvalidInput({"area_kind": [f"Choose one of {', '.join(AreaKind.values)}."]})


def _area_of(profile: LocalProfile) -> selectors.Area:
    return selectors.Area(
        profile.area_kind, force=profile.force, local_area=profile.local_area, region=profile.region
    )


def create_profile(
    *,
    actor,
    area_kind: str,
    force: Organisation | None = None,
    local_area: LocalArea | None = None,
    region: Region | None = None,
    title: str = "",
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    sections: dict | None = None,
) -> LocalProfile:
    """Generate a profile from the data ``actor`` may see: version 1."""
    _require_editor(actor, "create local profiles")
    area, owner = area_for(area_kind=area_kind, force=force, local_area=local_area, region=region)
    _require_keeper(actor, owner, "create local profiles")
    errors: dict[str, list[str]] = {}
    title = _text(title, "title", errors, limit=TITLE_LIMIT) or f"SOC local profile: {area.name}"
    clean = _clean_sections(sections, errors)
    start, end = _period(period_start, period_end, errors)
    if errors:
        raise InvalidInput(errors)
    figures = selectors.generate_figures(actor, area, start=start, end=end)
    now = timezone.now()
    with transaction.atomic():
        profile = LocalProfile.objects.create(
            owner=owner,
            area_kind=area.kind,
            force=area.force,
            local_area=area.local_area,
            region=area.region,
            title=title,
            period_start=start,
            period_end=end,
            version=1,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        ProfileVersion.objects.create(
            profile=profile,
            number=1,
            figures=figures,
            sections=clean,
            note="Generated",
            regenerated=True,
            created_by=actor,
            created_at=now,
        )
        record_event(
            actor=actor,
            action="profile.created",
            target=profile,
            changes={"area": area.name, "period": [str(start), str(end)], "version": 1},
        )
    return profile


def _lock_for_edit(actor, profile: LocalProfile, base_version, action: str) -> LocalProfile:
    """The profile row, locked; EditConflict if it moved on since ``base_version``."""
    _require_editor(actor, action)
    _require_keeper(actor, profile.owner, action)
    try:
        base = int(base_version)
    except (TypeError, ValueError):
        raise InvalidInput(
            {"version": ["Say which version your edit starts from (a whole number)."]}
        ) from None
    locked = LocalProfile.objects.select_for_update().get(pk=profile.pk)
    if locked.version != base:
        latest = locked.versions.select_related("created_by").order_by("-number").first()
        who = latest.created_by.display_name if latest and latest.created_by else "the system"
        when = timezone.localtime(latest.created_at).strftime("%d %b %Y %H:%M") if latest else ""
        raise EditConflict(
            {
                "version": [
                    f"This profile changed while you were editing it: you started from version "
                    f"{base}, and {who} saved version {locked.version} at {when}. Nothing of "
                    f"yours was saved. Open version {locked.version}, make your changes again "
                    "and save."
                ]
            }
        )
    return locked


def edit_profile(
    *,
    actor,
    profile: LocalProfile,
    base_version,
    sections: dict | None = None,
    title: str | None = None,
    note: str = "",
) -> ProfileVersion:
    """Save edited sections (and title) as a new version, if nobody saved one since
    ``base_version``. Sections not given keep their text."""
    errors: dict[str, list[str]] = {}
    clean = _clean_sections(sections, errors)
    note = _text(note, "note", errors, limit=300)
    new_title = (
        None
        if title is None
        else _text(title, "title", errors, required="Give the profile a title.", limit=TITLE_LIMIT)
    )
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        locked = _lock_for_edit(actor, profile, base_version, "edit local profiles")
        latest = locked.versions.get(number=locked.version)
        merged = {**latest.sections, **clean}
        if merged == latest.sections and (new_title is None or new_title == locked.title):
            raise InvalidInput({"sections": ["Nothing changed, so no new version was saved."]})
        return _new_version(actor, locked, latest.figures, merged, note or "Edited", new_title)


def regenerate_profile(
    *,
    actor,
    profile: LocalProfile,
    base_version,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
) -> ProfileVersion:
    """Draw the figures again from today's data (and a new period if given): a new version;
    the edited sections are kept."""
    errors: dict[str, list[str]] = {}
    start, end = _period(
        period_start or (None if period_end else profile.period_start),
        period_end or profile.period_end,
        errors,
    )
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        locked = _lock_for_edit(actor, profile, base_version, "regenerate local profiles")
        latest = locked.versions.get(number=locked.version)
        figures = selectors.generate_figures(actor, _area_of(locked), start=start, end=end)
        locked.period_start, locked.period_end = start, end
        return _new_version(
            actor, locked, figures, dict(latest.sections), "Figures regenerated", None, True
        )


def _new_version(actor, locked, figures, sections, note, title, regenerated=False):
    now = timezone.now()
    number = locked.version + 1
    version = ProfileVersion.objects.create(
        profile=locked,
        number=number,
        figures=figures,
        sections=sections,
        note=note,
        regenerated=regenerated,
        created_by=actor,
        created_at=now,
    )
    changes = {"version": [number - 1, number]}
    if title is not None and title != locked.title:
        changes["title"] = [locked.title, title]
        locked.title = title
    locked.version = number
    locked.updated_at = now
    locked.save(update_fields=["version", "updated_at", "title", "period_start", "period_end"])
    record_event(
        actor=actor,
        action="profile.regenerated" if regenerated else "profile.edited",
        target=locked,
        changes=changes,
        reason=note,
    )
    return version


# --------------------------------------------------------------------------- control strategy


def _date(value, name: str, errors: dict, label: str) -> dt.date | None:
    if value in (None, ""):
        errors.setdefault(name, []).append(f"Give the {label}.")
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        errors.setdefault(name, []).append(f"Give the {label} as a date (YYYY-MM-DD).")
        return None


def record_assessment(
    *,
    actor,
    year,
    approved_on,
    owner: Organisation | None = None,
    title: str = "",
    summary: str = "",
    intelligence_requirement: str = "",
) -> StrategicAssessment:
    """Record an organisation's strategic assessment for a year; the six-month review is due
    six calendar months after approval."""
    _require_editor(actor, "record strategic assessments", STRATEGY_EDITORS)
    owner = owner or (actor.organisation if actor is not None else None)
    errors: dict[str, list[str]] = {}
    if owner is None:
        raise InvalidInput({"owner": ["Say whose strategic assessment this is."]})
    if owner.kind not in (OrganisationKind.FORCE, OrganisationKind.ROCU, OrganisationKind.NATIONAL):
        errors["owner"] = ["Forces, ROCUs and national agencies keep strategic assessments."]
    _require_keeper(actor, owner, "record strategic assessments")
    try:
        year = int(year)
        if not 2000 <= year <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        errors["year"] = ["Give the year as four digits, e.g. 2026."]
    approved = _date(approved_on, "approved_on", errors, "date it was approved")
    title = _text(title, "title", errors, limit=TITLE_LIMIT)
    summary = _text(summary, "summary", errors)
    requirement = _text(intelligence_requirement, "intelligence_requirement", errors)
    if not errors and StrategicAssessment.objects.filter(owner=owner, year=year).exists():
        errors["year"] = [f"{owner} already has a strategic assessment for {year}."]
    if errors:
        raise InvalidInput(errors)
    now = timezone.now()
    try:
        with transaction.atomic():
            assessment = StrategicAssessment.objects.create(
                owner=owner,
                year=year,
                title=title or f"{owner.display_short_name} strategic assessment {year}",
                summary=summary,
                intelligence_requirement=requirement,
                approved_on=approved,
                review_due=rules.six_month_review_due(approved),
                created_by=actor,
                created_at=now,
                updated_at=now,
            )
            record_event(
                actor=actor,
                action="strategic_assessment.recorded",
                target=assessment,
                changes={"year": year, "approved_on": str(approved)},
            )
    except IntegrityError:
        raise InvalidInput(
            {"year": [f"{owner} already has a strategic assessment for {year}."]}
        ) from None
    return assessment


def update_assessment(
    *, actor, assessment: StrategicAssessment, reason: str = "", **changes
) -> StrategicAssessment:
    """Change the title, summary or intelligence requirement."""
    _require_editor(actor, "change strategic assessments", STRATEGY_EDITORS)
    _require_keeper(actor, assessment.owner, "change strategic assessments")
    allowed = {"title", "summary", "intelligence_requirement"}
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        errors["__all__"] = [f"These cannot be changed here: {', '.join(unknown)}."]
    clean = {}
    for name in sorted(set(changes) & allowed):
        limit = TITLE_LIMIT if name == "title" else TEXT_LIMIT
        required = "Give a title." if name == "title" else ""
        clean[name] = _text(changes[name], name, errors, required=required, limit=limit)
    if errors:
        raise InvalidInput(errors)
    diff = {k: [getattr(assessment, k), v] for k, v in clean.items() if getattr(assessment, k) != v}
    if not diff:
        return assessment
    with transaction.atomic():
        for name, (_, value) in diff.items():
            setattr(assessment, name, value)
        assessment.updated_at = timezone.now()
        assessment.save(update_fields=[*diff, "updated_at"])
        record_event(
            actor=actor,
            action="strategic_assessment.changed",
            target=assessment,
            changes=diff,
            reason=reason,
        )
    return assessment


def add_priority(
    *,
    actor,
    assessment: StrategicAssessment,
    kind: str,
    crime_type=None,
    local_area: LocalArea | None = None,
    force_area: Organisation | None = None,
    threat=None,
    rationale: str = "",
    added_on=None,
) -> Priority:
    """Add a priority (crime type, area or named threat) to the control strategy from a date."""
    _require_editor(actor, "set control strategy priorities", STRATEGY_EDITORS)
    _require_keeper(actor, assessment.owner, "set control strategy priorities")
    errors: dict[str, list[str]] = {}
    fields: dict = {}
    owner = assessment.owner
    if kind == PriorityKind.CRIME_TYPE:
        if crime_type is None:
            errors["crime_type"] = ["Choose the crime type."]
        fields["crime_type"] = crime_type
    elif kind == PriorityKind.AREA:
        if local_area is None and force_area is None:
            errors["local_area"] = ["Choose a local policing area or a force area."]
        if local_area is not None:
            if owner.kind == OrganisationKind.FORCE and local_area.force_id != owner.pk:
                errors["local_area"] = [f"{local_area} is not in {owner}'s area."]
            if (
                owner.kind == OrganisationKind.ROCU
                and local_area.force.region_id != owner.region_id
            ):
                errors["local_area"] = [f"{local_area} is not in the {owner.region} region."]
            fields["local_area"] = local_area
        elif force_area is not None:
            if force_area.kind != OrganisationKind.FORCE:
                errors["force_area"] = ["A priority area is a force area or a local area."]
            elif owner.kind == OrganisationKind.FORCE and force_area.pk != owner.pk:
                errors["force_area"] = [f"{force_area} is not {owner}'s area."]
            elif owner.kind == OrganisationKind.ROCU and force_area.region_id != owner.region_id:
                errors["force_area"] = [f"{force_area} is not in the {owner.region} region."]
            fields["force_area"] = force_area
    elif kind == PriorityKind.THREAT:
        if threat is None or (actor is not None and not can_see(actor, threat)):
            errors["threat"] = ["Choose a threat you can see."]
        fields["threat"] = threat
    else:
        errors["kind"] = [f"Choose one of {', '.join(PriorityKind.values)}."]
    start = _date(added_on or timezone.localdate(), "added_on", errors, "date it applies from")
    rationale = _text(rationale, "rationale", errors)
    if not errors:
        current = Priority.objects.filter(
            assessment=assessment, kind=kind, removed_on__isnull=True, **fields
        )
        if current.exists():
            errors["kind"] = ["That priority is already in the control strategy."]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        priority = Priority.objects.create(
            assessment=assessment,
            kind=kind,
            rationale=rationale,
            added_on=start,
            created_by=actor,
            **fields,
        )
        record_event(
            actor=actor,
            action="control_strategy.priority_added",
            target=assessment,
            changes={"priority": str(priority), "added_on": str(start)},
            reason=rationale,
        )
    return priority


def remove_priority(*, actor, priority: Priority, removed_on=None, reason: str = "") -> Priority:
    """End a priority on a date; the record stays (with its dates)."""
    _require_editor(actor, "set control strategy priorities", STRATEGY_EDITORS)
    _require_keeper(actor, priority.assessment.owner, "set control strategy priorities")
    errors: dict[str, list[str]] = {}
    end = _date(removed_on or timezone.localdate(), "removed_on", errors, "date it ends")
    reason = _text(reason, "reason", errors, required="Say why the priority ends.")
    if priority.removed_on is not None:
        errors["removed_on"] = [f"This priority already ended on {priority.removed_on:%d %b %Y}."]
    elif end is not None and end < priority.added_on:
        errors["removed_on"] = ["A priority cannot end before it started."]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        priority.removed_on, priority.removal_reason = end, reason
        priority.save(update_fields=["removed_on", "removal_reason"])
        record_event(
            actor=actor,
            action="control_strategy.priority_removed",
            target=priority.assessment,
            changes={"priority": str(priority), "removed_on": str(end)},
            reason=reason,
        )
    return priority


def record_review(
    *, actor, assessment: StrategicAssessment, reviewed_on=None, summary: str, changes: str = ""
) -> SixMonthReview:
    """Record the six-month review of a control strategy."""
    _require_editor(actor, "record six-month reviews", STRATEGY_EDITORS)
    _require_keeper(actor, assessment.owner, "record six-month reviews")
    errors: dict[str, list[str]] = {}
    day = _date(reviewed_on or timezone.localdate(), "reviewed_on", errors, "date of the review")
    summary = _text(summary, "summary", errors, required="Say what the review found.")
    changes = _text(changes, "changes", errors)
    if day is not None and day < assessment.approved_on:
        errors["reviewed_on"] = ["The review cannot come before the assessment was approved."]
    if day is not None and day > timezone.localdate():
        errors["reviewed_on"] = ["The review date cannot be in the future."]
    if assessment.reviews.exists():
        errors["__all__"] = ["The six-month review of this assessment is already recorded."]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        review = SixMonthReview.objects.create(
            assessment=assessment,
            reviewed_on=day,
            summary=summary,
            changes=changes,
            reviewed_by=actor,
        )
        record_event(
            actor=actor,
            action="strategic_assessment.reviewed",
            target=assessment,
            changes={"reviewed_on": str(day), "due": str(assessment.review_due)},
            reason=summary,
        )
    return review
