"""Operations on organisations, populations, users, shares and API tokens.

Each public function is one transaction and writes its own audit event. Views, the API and
the ``socmap`` commands call these functions; none of them writes to these tables itself.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from socmap.audit.services import field_changes, record_event
from socmap.errors import ImportRejected, InvalidInput, RowError
from socmap.orgs.models import (
    ApiToken,
    Organisation,
    OrganisationKind,
    PopulationFigure,
    Region,
    Role,
    Share,
    Team,
    User,
)
from socmap.orgs.permissions import require_can_write, require_role
from socmap.orgs.scoping import ScopeLevel, organisations_in_scope, scope_for
from socmap.reference import reference_loader

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REFERENCE_POPULATION_YEAR = 2019
MAX_FORCE_POPULATION = 20_000_000
EARLIEST_POPULATION_YEAR = 1971


# --------------------------------------------------------------------------- reference data


@dataclass
class ReferenceSummary:
    regions: int = 0
    rocus: int = 0
    forces: int = 0
    national: int = 0
    populations: int = 0


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return [
            {k.strip(): (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)
        ]


@transaction.atomic
def load_reference(*, actor=None, forces_csv: Path | None = None) -> ReferenceSummary:
    """Load (or refresh) regions, ROCUs, forces, national agencies and the reference
    populations. Safe to run again: it updates in place and never duplicates."""
    summary = ReferenceSummary()
    rows = _read_csv(forces_csv or FIXTURES / "forces.csv")
    for row in rows:
        region, created = Region.objects.update_or_create(
            slug=slugify(row["region"]), defaults={"name": row["region"]}
        )
        summary.regions += created
        if row["rocu"]:
            _, created = Organisation.objects.update_or_create(
                slug=slugify(row["rocu"]),
                defaults={
                    "name": f"{row['rocu']} ({row['region']} ROCU)",
                    "short_name": row["rocu"],
                    "kind": OrganisationKind.ROCU,
                    "region": region,
                },
            )
            summary.rocus += created
        force, created = Organisation.objects.update_or_create(
            slug=slugify(row["force"]),
            defaults={
                "name": row["force"],
                "short_name": row["force"],
                "kind": OrganisationKind.FORCE,
                "region": region,
            },
        )
        summary.forces += created
        _, created = PopulationFigure.objects.get_or_create(
            force=force,
            year=REFERENCE_POPULATION_YEAR,
            defaults={"population": int(row["population"]), "basis": row["population_basis"]},
        )
        summary.populations += created
    for row in _read_csv(FIXTURES / "national.csv"):
        _, created = Organisation.objects.update_or_create(
            slug=slugify(row["short_name"]),
            defaults={"name": row["name"], "short_name": row["short_name"], "kind": row["kind"]},
        )
        summary.national += created
    record_event(
        actor=actor,
        action="reference.loaded",
        target_type="orgs.organisation",
        target_repr="forces, regions, ROCUs and national agencies",
        changes=summary.__dict__,
    )
    return summary


def ensure_reference() -> None:
    """Load every kind of reference data that is missing (tests and the demo call this)."""
    from socmap.reference import ensure_all

    ensure_all()


ROLE_DESCRIPTIONS = {
    Role.ANALYST: "Maps threats and keeps their scores current; records disruptions.",
    Role.LRO: "Owns a threat's 4P plan, its actions and its reviews.",
    Role.VALIDATOR: "Independently checks disruption claims and their impact grades.",
    Role.TASKING_CHAIR: "Chairs tasking: priorities, owners, adoption and archiving.",
    Role.PERFORMANCE_LEAD: "Produces disruption rates, rankings and compliance measures.",
    Role.OFFENDER_MANAGER: "Manages convicted SOC offenders for life: orders, custody, release.",
    Role.PARTNER: "A partner agency's officer: sees only what is shared with their agency.",
    Role.INSPECTOR: "Reads everything in scope and changes nothing.",
    Role.ADMINISTRATOR: "Manages users, teams and reference data for their organisation.",
}


def _roles_loaded() -> bool:
    return Role.objects.count() >= len(Role.CODES)


@reference_loader(5, "Roles", is_loaded=_roles_loaded)
def _load_roles(actor) -> str:
    created = 0
    with transaction.atomic():
        for code in Role.CODES:
            _, made = Role.objects.update_or_create(
                code=code, defaults={"description": ROLE_DESCRIPTIONS[code]}
            )
            created += made
    return f"{created} new, {len(Role.CODES) - created} refreshed"


def _organisations_loaded() -> bool:
    return Organisation.objects.filter(kind=OrganisationKind.FORCE).count() >= 43


@reference_loader(
    10, "Forces, regions, ROCUs and national agencies", is_loaded=_organisations_loaded
)
def _load_organisations(actor) -> str:
    summary = load_reference(actor=actor)
    return (
        f"{summary.regions} new regions, {summary.rocus} new ROCUs, {summary.forces} new forces, "
        f"{summary.national} new national agencies, {summary.populations} new population figures"
    )


# --------------------------------------------------------------------------- populations


def _normalise_force_name(name: str) -> str:
    name = name.lower().replace("&", " and ")
    name = re.sub(r"[^a-z ]", " ", name)
    drop = {"police", "constabulary", "service", "force", "the"}
    return " ".join(word for word in name.split() if word not in drop)


def force_lookup() -> dict[str, Organisation]:
    """Force names as people write them ('Wiltshire Police', 'wiltshire', 'Met') to forces."""
    lookup: dict[str, Organisation] = {}
    for force in Organisation.objects.filter(kind=OrganisationKind.FORCE):
        for spelling in (force.name, force.short_name, force.slug):
            if spelling:
                lookup[_normalise_force_name(spelling)] = force
    if "metropolitan" in lookup:
        lookup.setdefault("met", lookup["metropolitan"])
    return lookup


def _unknown_force_message(name: str, lookup: Mapping[str, Organisation]) -> str:
    """Say the name is unknown and, where one is close, which force was probably meant
    (by spelling, or by a common shortening such as 'Wilts' or 'Notts')."""
    wanted = _normalise_force_name(name)
    by_name = {key: force.name for key, force in lookup.items()}
    close = difflib.get_close_matches(wanted, list(by_name), n=1, cutoff=0.6)
    guess = by_name[close[0]] if close else None
    first = wanted.split()[0] if wanted.split() else ""
    if guess is None and len(first) >= 4:
        starts = sorted({force for key, force in by_name.items() if key.startswith(first)})
        guess = starts[0] if len(starts) == 1 else None
    hint = f" Did you mean '{guess}'?" if guess else " Use one of the 43 force names."
    return f"'{name}' is not a known force.{hint}"


@dataclass
class PopulationLoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changes: list[dict] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged


def parse_population_csv(
    text: str, *, default_year: int | None = None, default_basis: str = ""
) -> list[dict[str, str]]:
    """Rows of a population table as dictionaries; the header names the columns.

    Accepts ``force, year, population, basis`` (``population_basis`` and ``source`` are read as
    ``basis``); ``default_year`` and ``default_basis`` fill columns the file does not have.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        return _population_rows(reader, default_year, default_basis)
    except csv.Error as broken:
        raise ImportRejected(
            [RowError(reader.line_num or 1, "", f"The file is not valid CSV: {broken}.")]
        ) from broken


def _population_rows(reader, default_year, default_basis) -> list[dict[str, str]]:
    if not reader.fieldnames:
        raise ImportRejected([RowError(1, "", "The file is empty: it needs a header row.")])
    header = [(name or "").strip().lower() for name in reader.fieldnames]
    aliases = {"population_basis": "basis", "source": "basis"}
    header = [aliases.get(name, name) for name in header]
    missing = [c for c in ("force", "population") if c not in header]
    if "year" not in header and default_year is None:
        missing.append("year")
    if missing:
        raise ImportRejected([RowError(1, c, f"The header has no '{c}' column.") for c in missing])
    rows = []
    for values in reader:
        cells = [v for k, v in values.items() if k is not None]  # extra cells: key None
        row = {header[i]: (v or "").strip() for i, v in enumerate(cells) if i < len(header)}
        if default_year is not None and not row.get("year"):
            row["year"] = str(default_year)
        if default_basis and not row.get("basis"):
            row["basis"] = default_basis
        rows.append(row)
    return rows


def _check_population_row(
    line: int, row: Mapping[str, str], lookup: Mapping[str, Organisation], max_year: int
) -> tuple[list[RowError], tuple[Organisation, int, int, str] | None]:
    errors: list[RowError] = []
    name = row.get("force", "")
    force = lookup.get(_normalise_force_name(name)) if name else None
    if not name:
        errors.append(RowError(line, "force", "The force is missing."))
    elif force is None:
        errors.append(RowError(line, "force", _unknown_force_message(name, lookup)))

    year = None
    raw_year = row.get("year", "")
    if not raw_year:
        errors.append(RowError(line, "year", "The year is missing."))
    elif not raw_year.isdigit():
        errors.append(RowError(line, "year", f"'{raw_year}' is not a year (use four digits)."))
    elif not EARLIEST_POPULATION_YEAR <= int(raw_year) <= max_year:
        errors.append(
            RowError(
                line,
                "year",
                f"{raw_year} is outside the years accepted "
                f"({EARLIEST_POPULATION_YEAR} to {max_year}).",
            )
        )
    else:
        year = int(raw_year)

    population = None
    raw_population = row.get("population", "").replace(",", "").replace(" ", "")
    if not raw_population:
        errors.append(RowError(line, "population", "The population is missing."))
    else:
        try:
            population = int(raw_population)
        except ValueError:
            errors.append(
                RowError(line, "population", f"'{row['population']}' is not a whole number.")
            )
        else:
            if population <= 0:
                errors.append(
                    RowError(line, "population", "The population must be greater than zero.")
                )
                population = None
            elif population > MAX_FORCE_POPULATION:
                errors.append(
                    RowError(
                        line,
                        "population",
                        f"{population:,} is larger than any force area "
                        f"(over {MAX_FORCE_POPULATION:,}); check the figure.",
                    )
                )
                population = None

    basis = row.get("basis", "")
    if not basis:
        errors.append(
            RowError(
                line, "basis", "Say where the figure comes from, e.g. 'ONS mid-2021 estimate'."
            )
        )
    elif len(basis) > 200:
        errors.append(RowError(line, "basis", "The basis must be 200 characters or fewer."))

    if errors:
        return errors, None
    return [], (force, year, population, basis)


def load_populations(
    *, actor, rows: Iterable[Mapping[str, str]], source_name: str = ""
) -> PopulationLoadResult:
    """Add or correct population figures: all rows or none.

    Every row is checked before anything is written; any problem rejects the whole file with
    a row-by-row report. A figure for a force and year that already exists is replaced, and
    the old value kept in the audit trail.
    """
    require_role(actor, Role.ADMINISTRATOR, Role.PERFORMANCE_LEAD, action="load population figures")
    require_can_write(actor, action="load population figures")
    rows = list(rows)
    lookup = force_lookup()
    allowed = (
        None if actor is None else set(organisations_in_scope(actor).values_list("pk", flat=True))
    )
    max_year = timezone.localdate().year + 5
    errors: list[RowError] = []
    checked: list[tuple[Organisation, int, int, str]] = []
    first_seen: dict[tuple[int, int], int] = {}
    for index, row in enumerate(rows):
        line = index + 2
        row_errors, values = _check_population_row(line, row, lookup, max_year)
        if values is not None:
            force, year, _, _ = values
            if allowed is not None and force.pk not in allowed:
                row_errors.append(
                    RowError(
                        line,
                        "force",
                        f"You may not load figures for {force.name}: it is outside your "
                        "organisation's area.",
                    )
                )
            previous = first_seen.setdefault((force.pk, year), line)
            if previous != line:
                row_errors.append(
                    RowError(
                        line, "year", f"{force.name} {year} is already given on line {previous}."
                    )
                )
        errors.extend(row_errors)
        if not row_errors and values is not None:
            checked.append(values)
    if not rows:
        errors.append(RowError(2, "", "The file has a header but no rows of figures."))
    if errors:
        raise ImportRejected(errors, rows_read=len(rows))

    result = PopulationLoadResult()
    with transaction.atomic():
        existing = {
            (f.force_id, f.year): f
            for f in PopulationFigure.objects.select_for_update().filter(
                force__in={values[0] for values in checked}
            )
        }
        now = timezone.now()
        loaded_by = actor if actor is not None else None
        for force, year, population, basis in checked:
            figure = existing.get((force.pk, year))
            if figure is None:
                PopulationFigure.objects.create(
                    force=force,
                    year=year,
                    population=population,
                    basis=basis,
                    loaded_at=now,
                    loaded_by=loaded_by,
                )
                result.created += 1
                result.changes.append({"force": force.name, "year": year, "new": population})
            elif figure.population == population and figure.basis == basis:
                result.unchanged += 1
            else:
                result.changes.append(
                    {
                        "force": force.name,
                        "year": year,
                        "old": figure.population,
                        "new": population,
                        "old_basis": figure.basis,
                        "new_basis": basis,
                    }
                )
                figure.population, figure.basis = population, basis
                figure.loaded_at, figure.loaded_by = now, loaded_by
                figure.save(update_fields=["population", "basis", "loaded_at", "loaded_by"])
                result.updated += 1
        record_event(
            actor=actor,
            action="populations.loaded",
            target_type="orgs.populationfigure",
            target_repr=source_name or "population figures",
            changes={
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "rows": result.changes,
            },
        )
    return result


# --------------------------------------------------------------------------- users

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,149}$")
PARTNER_ORG_ROLES = frozenset({Role.PARTNER, Role.LRO, Role.OFFENDER_MANAGER, Role.ADMINISTRATOR})


def _require_user_admin(actor, organisation: Organisation | None, *, action: str) -> None:
    require_role(actor, Role.ADMINISTRATOR, action=action)
    if actor is None or organisation is None:
        return
    if scope_for(actor).level != ScopeLevel.NATIONAL and organisation.pk != actor.organisation_id:
        raise PermissionDenied(
            f"You may only {action} for your own organisation ({actor.organisation})."
        )


def _check_roles(roles: Iterable[str], organisation: Organisation | None) -> list[str]:
    roles = sorted(set(roles))
    errors = []
    unknown = [r for r in roles if r not in Role.CODES]
    if unknown:
        errors.append(
            f"Unknown role{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
            f"Choose from {', '.join(Role.CODES)}."
        )
    if not roles:
        errors.append("Give the user at least one role.")
    if organisation is not None and not unknown and roles:
        if organisation.is_partner:
            if Role.PARTNER not in roles:
                errors.append("Users of a partner agency must hold the partner role.")
            extra = sorted(set(roles) - PARTNER_ORG_ROLES)
            if extra:
                errors.append(
                    "Users of a partner agency may hold only the partner, Lead Responsible "
                    f"Officer, offender manager and administrator roles, not {', '.join(extra)}."
                )
        elif Role.PARTNER in roles:
            errors.append("Only users of a partner agency may hold the partner role.")
    return errors


def _generate_password() -> str:
    return secrets.token_urlsafe(12)


def _user_snapshot(user: User) -> dict:
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "organisation": user.organisation.name if user.organisation else None,
        "team": user.team.name if user.team else None,
        "job_title": user.job_title,
        "roles": sorted(user.role_codes),
        "is_active": user.is_active,
    }


@dataclass
class NewUser:
    user: User
    temporary_password: str | None


def create_user(
    *,
    actor,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    organisation: Organisation | None,
    roles: Iterable[str],
    team: Team | None = None,
    job_title: str = "",
    password: str | None = None,
    can_log_in: bool = True,
) -> NewUser:
    """Create a user in one organisation with their roles.

    Without a password a temporary one is made, returned once, and must be changed at the
    first log-in. ``can_log_in=False`` makes a record-only account (e.g. a partner officer
    named as an action owner) with no usable password until an administrator resets it.
    """
    _require_user_admin(actor, organisation, action="create users")
    require_can_write(actor, action="create users")
    errors: dict[str, list[str]] = {}
    username = (username or "").strip().lower()
    email = (email or "").strip()
    if not username:
        errors["username"] = ["Enter a log-in name."]
    elif not USERNAME_PATTERN.match(username):
        errors["username"] = [
            "Use 2 to 150 lower-case letters, digits, dots, hyphens or underscores, "
            "starting with a letter or digit."
        ]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [f"A user with the log-in name '{username}' already exists."]
    if not email:
        errors["email"] = ["Enter an email address."]
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [f"'{email}' is not a valid email address."]
        else:
            if User.objects.filter(email__iexact=email).exists():
                errors["email"] = [f"Another user already has the email address {email}."]
    if not (first_name or "").strip():
        errors["first_name"] = ["Enter a first name."]
    if not (last_name or "").strip():
        errors["last_name"] = ["Enter a last name."]
    if organisation is None:
        errors["organisation"] = ["Choose the organisation the user belongs to."]
    elif not organisation.is_active:
        errors["organisation"] = [f"{organisation} is no longer active."]
    role_errors = _check_roles(roles, organisation)
    if role_errors:
        errors["roles"] = role_errors
    if team is not None and organisation is not None and team.organisation_id != organisation.pk:
        errors["team"] = [f"{team.name} is not a team of {organisation}."]
    temporary = None
    if not can_log_in:
        password = None
    elif password is None:
        temporary = password = _generate_password()
    else:
        try:
            validate_password(
                password,
                User(username=username, email=email, first_name=first_name, last_name=last_name),
            )
        except ValidationError as invalid:
            errors["password"] = list(invalid.messages)
    if errors:
        raise InvalidInput(errors)

    try:
        with transaction.atomic():
            user = _save_new_user(
                actor,
                username,
                email,
                first_name,
                last_name,
                organisation,
                team,
                job_title,
                password,
                roles,
                temporary is not None,
            )
    except IntegrityError as clash:  # another administrator created the same user just now
        if User.objects.filter(email__iexact=email).exists():
            raise InvalidInput(
                {"email": [f"Another user already has the email address {email}."]}
            ) from clash
        raise InvalidInput(
            {"username": [f"A user with the log-in name '{username}' already exists."]}
        ) from clash
    return NewUser(user, temporary)


def _save_new_user(
    actor,
    username,
    email,
    first_name,
    last_name,
    organisation,
    team,
    job_title,
    password,
    roles,
    must_change,
) -> User:
    user = User(
        username=username,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        organisation=organisation,
        team=team,
        job_title=job_title.strip(),
        password_change_required=must_change,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    user.roles.set(sorted(set(roles)))
    user.forget_cached_roles()
    record_event(actor=actor, action="user.created", target=user, changes=_user_snapshot(user))
    return user


def update_user(
    *,
    actor,
    user: User,
    roles: Iterable[str] | None = None,
    team: Team | None | str = "unchanged",
    job_title: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
    is_active: bool | None = None,
    reason: str = "",
) -> User:
    """Change a user's details, roles or whether they may log in."""
    _require_user_admin(actor, user.organisation, action="change users")
    require_can_write(actor, action="change users")
    before = _user_snapshot(user)
    errors: dict[str, list[str]] = {}
    if roles is not None:
        roles = sorted(set(roles))
        role_errors = _check_roles(roles, user.organisation)
        if role_errors:
            errors["roles"] = role_errors
        elif actor is not None and actor.pk == user.pk and Role.ADMINISTRATOR not in roles:
            errors["roles"] = ["You cannot remove your own administrator role."]
    if is_active is False and actor is not None and actor.pk == user.pk:
        errors["is_active"] = ["You cannot deactivate your own account."]
    if team not in ("unchanged", None) and team.organisation_id != user.organisation_id:
        errors["team"] = [f"{team.name} is not a team of {user.organisation}."]
    if email is not None:
        email = email.strip()
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [f"'{email}' is not a valid email address."]
        else:
            if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
                errors["email"] = [f"Another user already has the email address {email}."]
    for name, value in (("first_name", first_name), ("last_name", last_name)):
        if value is not None and not value.strip():
            errors[name] = ["This cannot be empty."]
    if errors:
        raise InvalidInput(errors)

    with transaction.atomic():
        if team != "unchanged":
            user.team = team
        for name, value in (
            ("job_title", job_title),
            ("first_name", first_name),
            ("last_name", last_name),
            ("email", email),
            ("is_active", is_active),
        ):
            if value is not None:
                setattr(user, name, value.strip() if isinstance(value, str) else value)
        user.save()
        if roles is not None:
            user.roles.set(roles)
            user.forget_cached_roles()
        changes = field_changes(before, _user_snapshot(user))
        if changes:
            record_event(
                actor=actor, action="user.changed", target=user, changes=changes, reason=reason
            )
    return user


def reset_password(*, actor, user: User) -> str:
    """Give a user a new temporary password, which they must change at their next log-in."""
    _require_user_admin(actor, user.organisation, action="reset passwords")
    require_can_write(actor, action="reset passwords")
    temporary = _generate_password()
    with transaction.atomic():
        user.set_password(temporary)
        user.password_change_required = True
        user.save(update_fields=["password", "password_change_required"])
        revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        record_event(
            actor=actor,
            action="user.password_reset",
            target=user,
            changes={"api_tokens_revoked": revoked},
        )
    return temporary


def password_changed(*, user: User) -> None:
    """Record that a user chose a new password (the form has already set it)."""
    with transaction.atomic():
        if user.password_change_required:
            user.password_change_required = False
            user.save(update_fields=["password_change_required"])
        record_event(actor=user, action="user.password_changed", target=user)


# --------------------------------------------------------------------------- teams


def create_team(*, actor, organisation: Organisation, name: str) -> Team:
    _require_user_admin(actor, organisation, action="create teams")
    require_can_write(actor, action="create teams")
    name = (name or "").strip()
    if not name:
        raise InvalidInput({"name": ["Enter the team's name."]})
    if Team.objects.filter(organisation=organisation, name__iexact=name).exists():
        raise InvalidInput({"name": [f"{organisation} already has a team called '{name}'."]})
    with transaction.atomic():
        team = Team.objects.create(organisation=organisation, name=name)
        record_event(actor=actor, action="team.created", target=team)
    return team


# --------------------------------------------------------------------------- sharing


def _owning_organisation(record: models.Model) -> Organisation:
    owner = record
    for part in type(record).scope_owner.split("__"):
        owner = getattr(owner, part)
    return owner


def share_record(
    *, actor, record: models.Model, organisation: Organisation, conditions: str = ""
) -> Share:
    """Let ``organisation`` see ``record``. Only users whose own scope covers the record's
    owner may share it: what was shared with you cannot be passed on."""
    require_can_write(actor, action="share records")
    owner = _owning_organisation(record)
    if not organisations_in_scope(actor).filter(pk=owner.pk).exists():
        raise PermissionDenied("You may only share records your organisation is responsible for.")
    if organisation.pk == owner.pk:
        raise InvalidInput({"organisation": [f"{organisation} already owns this record."]})
    content_type = ContentType.objects.get_for_model(record)
    if Share.objects.filter(
        content_type=content_type,
        object_id=record.pk,
        organisation=organisation,
        revoked_at__isnull=True,
    ).exists():
        raise InvalidInput(
            {"organisation": [f"This record is already shared with {organisation}."]}
        )
    with transaction.atomic():
        share = Share.objects.create(
            content_type=content_type,
            object_id=record.pk,
            organisation=organisation,
            conditions=conditions.strip(),
            shared_by=actor,
        )
        record_event(
            actor=actor,
            action="share.created",
            target=record,
            changes={"organisation": organisation.name, "conditions": share.conditions},
        )
    return share


def revoke_share(*, actor, share: Share, reason: str = "") -> Share:
    require_can_write(actor, action="withdraw shares")
    record = share.content_type.get_object_for_this_type(pk=share.object_id)
    owner = _owning_organisation(record)
    if not organisations_in_scope(actor).filter(pk=owner.pk).exists():
        raise PermissionDenied("You may only withdraw shares of your organisation's records.")
    if share.revoked_at is not None:
        raise InvalidInput("This share has already been withdrawn.")
    with transaction.atomic():
        share.revoked_at, share.revoked_by = timezone.now(), actor
        share.save(update_fields=["revoked_at", "revoked_by"])
        record_event(
            actor=actor,
            action="share.revoked",
            target=record,
            changes={"organisation": share.organisation.name},
            reason=reason,
        )
    return share


# --------------------------------------------------------------------------- API tokens

TOKEN_PREFIX = "smp_"  # noqa: S105  (a marker, not a secret)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_api_token(*, actor, user: User, name: str, days: int = 90) -> tuple[ApiToken, str]:
    """A new bearer token for ``user``; the raw key is returned once and never stored."""
    if actor is not None and actor.pk != user.pk:
        _require_user_admin(actor, user.organisation, action="issue API tokens to other users")
    name = (name or "").strip()
    if not name:
        raise InvalidInput({"name": ["Name the token after the script that will use it."]})
    if not 1 <= days <= 366:
        raise InvalidInput({"days": ["A token must expire within 1 to 366 days."]})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=raw[: len(TOKEN_PREFIX) + 6],
            key_hash=hash_token(raw),
            expires_at=timezone.now() + timedelta(days=days),
        )
        record_event(
            actor=actor or user,
            action="api_token.created",
            target=user,
            changes={"token": token.prefix, "name": name, "days": days},
        )
    return token, raw


def user_for_token(raw: str) -> User | None:
    """The active user a bearer token belongs to, or ``None`` (also while the user must
    change a temporary password: a reset locks scripts out until the owner is back)."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "user__organisation")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    now = timezone.now()
    if token is None or (token.expires_at and token.expires_at <= now):
        return None
    if not token.user.is_active or token.user.password_change_required:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
