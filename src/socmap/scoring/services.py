"""Operations on scoring: publishing methodology versions, assessing threats, re-scoring,
and calibration exercises. Each function is one transaction with its audit event."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from socmap.audit.services import record_event
from socmap.disruptions import bulk
from socmap.errors import InvalidInput
from socmap.orgs.models import Organisation, Role, User
from socmap.orgs.permissions import require_can_write, require_role
from socmap.orgs.scoping import can_see, organisations_in_scope
from socmap.orgs.services import share_record
from socmap.reference import reference_loader
from socmap.scoring.methodology import (
    METHODOLOGY_DIR,
    AnswerError,
    Methodology,
    MethodologyError,
    load_methodology_file,
    score,
)
from socmap.scoring.models import (
    Assessment,
    AssessmentKind,
    CalibrationCase,
    CalibrationExercise,
    CalibrationResponse,
    MethodologyVersion,
)
from socmap.threats.models import Status, Threat

ASSESSORS = (Role.ANALYST, Role.TASKING_CHAIR)
METHODOLOGY_PUBLISHERS = (Role.ADMINISTRATOR,)


# --------------------------------------------------------------------------- methodologies


def _checksum(document: dict) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True, default=str).encode()).hexdigest()


def parse_label(label: str) -> tuple[str, int | None]:
    """``group-matrix@2`` -> (``group-matrix``, 2); ``group-matrix`` -> (``group-matrix``, None)."""
    name, _, version = (label or "").strip().partition("@")
    if version and not version.isdigit():
        raise InvalidInput({"methodology": [f"'{label}' is not NAME or NAME@VERSION."]})
    return name, int(version) if version else None


def methodology_version(label: str) -> MethodologyVersion:
    """A stored version by label; without a version, the current one."""
    name, version = parse_label(label)
    versions = MethodologyVersion.objects.filter(name=name)
    found = (
        versions.filter(version=version).first()
        if version
        else versions.filter(is_current=True).first()
    )
    if found is None:
        known = ", ".join(v.label for v in MethodologyVersion.objects.all()) or "none"
        raise InvalidInput({"methodology": [f"There is no methodology {label} (known: {known})."]})
    return found


def publish_methodologies(*, actor, methodologies: Iterable[Methodology]) -> dict[str, str]:
    """Store each methodology version: all or none. A version already published with other
    content is refused (publish it as a new version instead); the newest version of each
    methodology becomes the current one."""
    if actor is not None:
        require_role(actor, *METHODOLOGY_PUBLISHERS, action="publish scoring methodologies")
        require_can_write(actor, action="publish scoring methodologies")
    methodologies = list(methodologies)
    problems = []
    outcome: dict[str, str] = {}
    for m in methodologies:
        existing = MethodologyVersion.objects.filter(name=m.name, version=m.version).first()
        if existing and existing.checksum != _checksum(m.source):
            problems.append(
                f"{m.label} is already published with different content; give the changed "
                f"file a new version number (past assessments keep {m.label})"
            )
        outcome[m.label] = "unchanged" if existing else "published"
    if problems:
        raise InvalidInput({"methodology": problems})
    with transaction.atomic():
        for m in methodologies:
            if outcome[m.label] == "published":
                MethodologyVersion.objects.create(
                    name=m.name,
                    version=m.version,
                    title=m.title,
                    document=m.source,
                    checksum=_checksum(m.source),
                    loaded_by=actor,
                )
        for name in {m.name for m in methodologies}:
            newest = MethodologyVersion.objects.filter(name=name).order_by("-version").first()
            MethodologyVersion.objects.filter(name=name).exclude(pk=newest.pk).update(
                is_current=False
            )
            MethodologyVersion.objects.filter(pk=newest.pk).update(is_current=True)
        if any(v == "published" for v in outcome.values()):
            record_event(
                actor=actor,
                action="methodology.published",
                target_type="scoring.methodologyversion",
                target_repr=", ".join(sorted(outcome)),
                changes=outcome,
            )
    return outcome


def load_methodology_files(*, actor, paths: Iterable[Path]) -> dict[str, str]:
    """Check and publish methodology YAML files; a file with any problem publishes nothing."""
    parsed, problems = [], []
    for path in paths:
        try:
            parsed.append(load_methodology_file(Path(path)))
        except MethodologyError as broken:
            problems.append(f"{Path(path).name}: {broken}")
        except OSError as unreadable:
            problems.append(f"{path}: {unreadable.strerror}")
    if problems:
        raise InvalidInput({"methodology": problems})
    return publish_methodologies(actor=actor, methodologies=parsed)


def _methodologies_loaded() -> bool:
    return MethodologyVersion.objects.exists()


@reference_loader(30, "Scoring methodologies", is_loaded=_methodologies_loaded)
def _load_shipped(actor) -> str:
    outcome = load_methodology_files(actor=None, paths=sorted(METHODOLOGY_DIR.glob("*.yaml")))
    return ", ".join(f"{label} {state}" for label, state in sorted(outcome.items()))


# --------------------------------------------------------------------------- assessments


def _require_assessor(actor, action: str) -> None:
    require_role(actor, *ASSESSORS, action=action)
    require_can_write(actor, action=action)


def _band_rank(rules: Methodology, band: str) -> int:
    return [b.code for b in rules.bands].index(band)


def assess_threat(
    *,
    actor,
    threat: Threat,
    methodology: MethodologyVersion,
    inputs: dict[str, str],
    judged_by: dict[str, User] | None = None,
    rationale: str = "",
    today: dt.date | None = None,
    assessed_at: dt.datetime | None = None,
) -> Assessment:
    """Score a threat and append the assessment; the threat's current band follows it.

    Every subjective input records who judged it (the assessor, unless someone else is named).
    ``assessed_at`` records an assessment made earlier (e.g. migrated history or demo data);
    its next due date then counts from that day.
    """
    _require_assessor(actor, "assess threats")
    if actor is not None and not can_see(actor, threat):
        raise PermissionDenied("That threat is not available to you.")
    rules = methodology.rules()
    errors: dict[str, list[str]] = {}
    if threat.kind not in rules.applies_to:
        errors["methodology"] = [
            f"{methodology.label} does not score a {threat.get_kind_display().lower()}."
        ]
    if threat.status == Status.ARCHIVED:
        errors["threat"] = ["The threat is archived; re-open it before re-assessing."]
    if errors:
        raise InvalidInput(errors)
    try:
        result = score(rules, {k: v for k, v in inputs.items() if v not in (None, "")})
    except AnswerError as wrong:
        raise InvalidInput({k: [v] for k, v in wrong.problems.items()}) from wrong
    judges: dict[str, str] = {}
    for attribute in rules.attributes:
        if attribute.objective:
            continue
        judge = (judged_by or {}).get(attribute.key) or actor
        judges[attribute.key] = judge.username if judge is not None else "system"
    if today is None:
        today = timezone.localdate(assessed_at) if assessed_at else timezone.localdate()
    previous = threat.assessments.order_by("-assessed_at", "-id").first()
    with transaction.atomic():
        assessment = Assessment.objects.create(
            threat=threat,
            methodology=methodology,
            kind=AssessmentKind.REASSESSMENT if previous else AssessmentKind.INITIAL,
            inputs=dict(inputs),
            judged_by=judges,
            score=result.score,
            band=result.band,
            band_rank=_band_rank(rules, result.band),
            components={k: str(v) for k, v in result.components.items()},
            contributions=_contributions(result),
            recorded=result.recorded,
            rationale=(rationale or "").strip(),
            assessed_by=actor,
            assessed_at=assessed_at or timezone.now(),
            next_due=today + dt.timedelta(days=rules.reassessment_interval_days),
        )
        _follow(threat, assessment)
        record_event(
            actor=actor,
            action="threat.assessed",
            target=threat,
            changes={
                "methodology": methodology.label,
                "score": str(result.score),
                "band": result.band,
                "previous_band": previous.band if previous else None,
            },
        )
    return assessment


def _contributions(result) -> list[dict]:
    return [
        {
            "attribute": c.attribute,
            "label": c.label,
            "answer": c.answer,
            "answer_label": c.answer_label,
            "points": str(c.points),
            "weight": str(c.weight),
            "component": c.component,
            "contribution": str(c.contribution),
            "of_maximum": str(c.of_maximum),
        }
        for c in result.contributions
    ]


def _follow(threat: Threat, assessment: Assessment) -> None:
    threat.current_score = assessment.score
    threat.current_band = assessment.band
    threat.current_band_rank = assessment.band_rank
    threat.current_methodology = assessment.methodology.label
    threat.last_assessed_at = assessment.assessed_at
    threat.reassessment_due = assessment.next_due
    threat.reassessment_requested = False
    threat.reassessment_reason = ""
    threat.save(
        update_fields=[
            "current_score",
            "current_band",
            "current_band_rank",
            "current_methodology",
            "last_assessed_at",
            "reassessment_due",
            "reassessment_requested",
            "reassessment_reason",
            "updated_at",
        ]
    )


def rescore_active_threats(
    *, actor, methodology: MethodologyVersion, progress: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """Re-score every active threat whose latest assessment used another version of
    ``methodology``, re-using that assessment's inputs, as new assessments. Past assessments
    are untouched. Threats already scored with this version are left alone (so running it
    twice adds nothing), and so are threats whose latest assessment used another methodology:
    re-using older inputs would replace a newer judgement. Threats whose inputs no longer fit
    (an attribute added or an answer removed) are listed, not guessed: all or nothing."""
    if actor is not None:
        require_role(
            actor, Role.ADMINISTRATOR, Role.PERFORMANCE_LEAD, *ASSESSORS, action="re-score threats"
        )
        require_can_write(actor, action="re-score threats")
    rules = methodology.rules()
    threats = Threat.objects.filter(status=Status.ACTIVE, kind__in=rules.applies_to)
    if actor is not None:
        threats = threats.filter(owner__in=organisations_in_scope(actor))
    # Which assessment is each threat's latest, read without its JSON (a national re-score
    # reads tens of thousands); then the inputs of only those to be re-scored.
    versions = {v.pk: v for v in MethodologyVersion.objects.only("id", "name", "version")}
    newest: dict[int, tuple[int, int]] = {}
    for threat_id, pk, methodology_id in (
        Assessment.objects.filter(threat__in=threats)
        .order_by("threat_id", "-assessed_at", "-id")
        .values_list("threat_id", "pk", "methodology_id")
        .iterator(chunk_size=5000)
    ):
        newest.setdefault(threat_id, (pk, methodology_id))
    already = sum(1 for _, m in newest.values() if m == methodology.pk)
    elsewhere = sum(1 for _, m in newest.values() if versions[m].name != methodology.name)
    latest = {
        threat_id: (pk, m)
        for threat_id, (pk, m) in newest.items()
        if versions[m].name == methodology.name and m != methodology.pk
    }
    previous_of: dict[int, tuple] = {}
    ids = [pk for pk, _ in latest.values()]
    for start in range(0, len(ids), 5000):
        for row in Assessment.objects.filter(pk__in=ids[start : start + 5000]).values_list(
            "pk", "inputs", "judged_by", "next_due"
        ):
            previous_of[row[0]] = row
    problems, new_rows = [], []
    now = timezone.now()
    total = len(latest)
    for number, (threat_id, (previous_pk, previous_version)) in enumerate(
        sorted(latest.items()), start=1
    ):
        _, inputs, judged_by, next_due = previous_of[previous_pk]
        try:
            result = score(rules, inputs)
        except AnswerError as wrong:
            problems.append(f"threat {threat_id}: {wrong}")
            continue
        new_rows.append(
            {
                "threat_id": threat_id,
                "methodology_id": methodology.pk,
                "kind": AssessmentKind.RESCORE,
                "inputs": inputs,
                "judged_by": judged_by,
                "score": result.score,
                "band": result.band,
                "band_rank": _band_rank(rules, result.band),
                "components": {k: str(v) for k, v in result.components.items()},
                "contributions": _contributions(result),
                "recorded": result.recorded,
                "rationale": f"Re-scored with {methodology.label} from the inputs of assessment "
                f"{previous_pk} ({versions[previous_version].label}).",
                "assessed_by_id": actor.pk if actor is not None else None,
                "assessed_at": now,
                "next_due": next_due,
                "replaces_id": previous_pk,
            }
        )
        if progress and (number % 500 == 0 or number == total):
            progress(number, total)
    if problems:
        raise InvalidInput(
            {
                "inputs": problems[:50]
                + ([f"...and {len(problems) - 50} more"] if len(problems) > 50 else [])
            }
        )
    outcome = {
        "rescored": len(new_rows),
        "already_current": already,
        "latest_with_another_methodology": elsewhere,
        "skipped_no_previous": threats.count() - len(newest),
    }
    if not new_rows:
        return outcome
    with transaction.atomic():
        # COPY on PostgreSQL (bulk_create spent seconds quoting the JSON of 6,000 rows)
        bulk.insert(Assessment, new_rows)
        # one UPDATE per distinct result (a few hundred), not a CASE per row over thousands
        by_result: dict[tuple, list[int]] = defaultdict(list)
        for row in new_rows:
            by_result[(row["score"], row["band"], row["band_rank"])].append(row["threat_id"])
        for (points, band, rank), threat_ids in by_result.items():
            for start in range(0, len(threat_ids), 1000):
                Threat.objects.filter(pk__in=threat_ids[start : start + 1000]).update(
                    current_score=points,
                    current_band=band,
                    current_band_rank=rank,
                    current_methodology=methodology.label,
                    last_assessed_at=now,
                )
        record_event(
            actor=actor,
            action="threats.rescored",
            target_type="scoring.methodologyversion",
            target_id=str(methodology.pk),
            target_repr=methodology.label,
            changes={"threats": len(new_rows)},
        )
    return outcome


# --------------------------------------------------------------------------- calibration


def create_exercise(
    *,
    actor,
    title: str,
    methodology: MethodologyVersion,
    cases: list[tuple[str, str]],
    participants: Iterable[Organisation] = (),
    instructions: str = "",
) -> CalibrationExercise:
    """Set up a calibration exercise: anonymised cases several assessors will score.
    It is shared with each participating organisation."""
    require_role(
        actor,
        Role.ANALYST,
        Role.TASKING_CHAIR,
        Role.ADMINISTRATOR,
        action="set up calibration exercises",
    )
    require_can_write(actor, action="set up calibration exercises")
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = ["Give the exercise a title."]
    labels = [label.strip() for label, _ in cases]
    if len(cases) < 2:
        errors["cases"] = ["Give at least two cases, so agreement can be measured."]
    elif len(set(labels)) != len(labels) or not all(labels):
        errors["cases"] = ["Each case needs its own label."]
    elif not all(summary.strip() for _, summary in cases):
        errors["cases"] = ["Each case needs its anonymised facts."]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        exercise = CalibrationExercise.objects.create(
            title=title.strip(),
            methodology=methodology,
            owner=actor.organisation,
            instructions=(instructions or "").strip(),
            created_by=actor,
        )
        for position, (label, summary) in enumerate(cases):
            CalibrationCase.objects.create(
                exercise=exercise, label=label.strip(), summary=summary.strip(), position=position
            )
        record_event(
            actor=actor,
            action="calibration.created",
            target=exercise,
            changes={"cases": labels, "methodology": methodology.label},
        )
    for organisation in participants:
        if organisation.pk != exercise.owner_id:
            share_record(
                actor=actor,
                record=exercise,
                organisation=organisation,
                conditions="Calibration exercise: anonymised cases.",
            )
    return exercise


def submit_response(*, actor, case: CalibrationCase, inputs: dict[str, str]) -> CalibrationResponse:
    """An assessor's answers for one case. Each assessor answers each case once."""
    require_role(actor, *ASSESSORS, action="take part in calibration exercises")
    require_can_write(actor, action="take part in calibration exercises")
    exercise = case.exercise
    if not can_see(actor, exercise):
        raise PermissionDenied("That exercise is not available to you.")
    if not exercise.is_open:
        raise InvalidInput({"case": ["The exercise is closed."]})
    try:
        result = score(exercise.methodology.rules(), inputs)
    except AnswerError as wrong:
        raise InvalidInput({k: [v] for k, v in wrong.problems.items()}) from wrong
    try:
        with transaction.atomic():
            response = CalibrationResponse.objects.create(
                case=case,
                assessor=actor,
                organisation=actor.organisation,
                inputs=inputs,
                score=result.score,
                band=result.band,
            )
            record_event(
                actor=actor,
                action="calibration.answered",
                target=exercise,
                changes={"case": case.label},
            )
    except IntegrityError as twice:
        raise InvalidInput({"case": [f"You have already scored {case.label}."]}) from twice
    return response


def close_exercise(*, actor, exercise: CalibrationExercise) -> CalibrationExercise:
    require_can_write(actor, action="close calibration exercises")
    if actor is not None and actor.organisation_id != exercise.owner_id:
        raise PermissionDenied("Only the organisation running the exercise may close it.")
    if not exercise.is_open:
        raise InvalidInput({"exercise": ["The exercise is already closed."]})
    with transaction.atomic():
        exercise.closed_at = timezone.now()
        exercise.save(update_fields=["closed_at"])
        record_event(actor=actor, action="calibration.closed", target=exercise)
    return exercise
