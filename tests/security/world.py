"""The world the access matrix runs in: ``socmap demo-data`` (three forces: Wiltshire,
Dorset, Derbyshire; the SWROCU; the NCA) at the test suite's small scale, with

* one viewer per column of socmap.security.matrix.COLUMNS, each holding every role their
  kind of organisation may hold (the matrix tests scope, the apps' own tests test roles),
  non-partners cleared to read intelligence up to SECRET;
* two partner agencies of Wiltshire's area: one the routes' records are shared with, one not;
* a Wiltshire threat (with its plan and what hangs off it) and an intelligence report
  restricted to an officer who is none of the viewers: nobody in the matrix may see them;
* every record of every scoped model tagged: its text field starts with
  ``=zq<model><pk>zq<x> `` so that a page, API answer or export showing the record can be
  found (the tag), an unescaped ``<x>`` shows HTML injection, and a leading ``=`` shows a
  spreadsheet formula left live.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from dataclasses import dataclass, field
from io import StringIO

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import models
from django.db.models.functions import Cast, Concat, Substr
from django.test import Client
from django.utils import timezone

from socmap.orgs.models import Organisation, OrganisationKind, PartnerSector, Role, Share
from socmap.security.matrix import COLUMNS

TAG = re.compile(r"zq([a-z]+)(\d+)zq")
PREFERRED = (
    "name",
    "title",
    "surname",
    "summary",
    "description",
    "text",
    "narrative",
    "rationale",
    "outcome",
    "notes",
    "reason",
    "decision_note",
    "contribution",
    "look_for",
    "subject",
)
ALWAYS_UNTAGGED = {
    "orgs.user",  # officers' names are shown wherever they own work (LROs, action owners)
    "audit.auditevent",  # append-only: cannot be tagged, and read only by auditors
    "orgs.restriction",  # its name is shown to the people it names and to its owner's admins
}
NON_PARTNER_ROLES = [c for c in Role.CODES if c not in (Role.PARTNER, Role.INSPECTOR)]
PARTNER_ROLES = [Role.PARTNER, Role.LRO, Role.OFFENDER_MANAGER, Role.ADMINISTRATOR]
VIEWER_ORGS = {
    "own": "Wiltshire",
    "same_region": "Dorset",
    "other_region": "Derbyshire",
    "rocu": "SWROCU",
    "national": "NCA",
}


def model_key(model) -> str:
    return re.sub("[^a-z]", "", model._meta.label_lower)


@dataclass
class Registry:
    expect: dict = field(default_factory=dict)
    records: dict = field(default_factory=dict)
    anonymous: dict = field(default_factory=dict)
    blank_downloads: set = field(default_factory=set)
    tagged_fields: dict = field(default_factory=dict)
    untagged: set = field(default_factory=set)
    sources: dict = field(default_factory=dict)


def registry() -> Registry:
    """Every app's ``access.py`` merged (see socmap/security/matrix.py)."""
    found = Registry(untagged=set(ALWAYS_UNTAGGED))
    for config in apps.get_app_configs():
        if not config.name.startswith("socmap."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.access")
        except ModuleNotFoundError as missing:
            if missing.name != f"{config.name}.access":
                raise
            continue
        for key in getattr(module, "EXPECT", {}):
            if key in found.expect:
                raise AssertionError(
                    f"{key} is declared twice ({found.sources[key]}, {config.name})"
                )
            found.sources[key] = config.name
        for name, spec in getattr(module, "RECORDS", {}).items():
            if name in found.records and found.records[name] != spec:
                raise AssertionError(
                    f"The record name {name!r} means two things ({found.sources[name]}, "
                    f"{config.name}): give one of them another name"
                )
            found.sources.setdefault(name, config.name)
            found.records[name] = spec
        found.expect.update(getattr(module, "EXPECT", {}))
        found.anonymous.update(getattr(module, "ANONYMOUS", {}))
        found.blank_downloads |= set(getattr(module, "BLANK_DOWNLOADS", set()))
        found.tagged_fields.update(getattr(module, "TAGGED_FIELDS", {}))
        found.untagged |= set(getattr(module, "UNTAGGED", set()))
    return found


def scoped_models():
    return [
        m
        for m in apps.get_models()
        if getattr(m, "scope_owner", None) and not m._meta.abstract and not m._meta.proxy
    ]


def _tag_field(model, chosen: dict):
    label = model._meta.label_lower
    if label in chosen:
        return model._meta.get_field(chosen[label])
    unique_together = {
        name
        for constraint in model._meta.constraints
        if isinstance(constraint, models.UniqueConstraint)
        for name in (constraint.fields or ())
    }
    candidates = [
        f
        for f in model._meta.get_fields()
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and not f.unique
        and f.name not in unique_together
        and (f.max_length is None or f.max_length >= 40)
        and not isinstance(f, models.SlugField | models.EmailField)
    ]
    for name in PREFERRED:
        for candidate in candidates:
            if candidate.name == name:
                return candidate
    return candidates[0] if candidates else None


def tag_records(untagged: set, chosen: dict) -> dict:
    """Tag every record of every scoped model; ``{model: field name}`` of what was tagged."""
    tagged = {}
    for model in scoped_models():
        if model._meta.label_lower in untagged:
            continue
        target = _tag_field(model, chosen)
        if target is None:
            continue
        value = Concat(
            models.Value(f"=zq{model_key(model)}"),
            Cast("pk", models.CharField()),
            models.Value("zq<x> "),
            models.F(target.name),
            output_field=models.TextField(),
        )
        if target.max_length:
            value = Substr(value, 1, target.max_length)
        model._base_manager.update(**{target.name: value})
        tagged[model] = target.name
    return tagged


@dataclass
class World:
    viewers: dict
    clients: dict
    anonymous: Client
    records: dict
    visible: dict  # column -> {model key: set of pks}
    tagged: dict
    registry: Registry
    restricted: list


def _partner(name: str, wiltshire: Organisation) -> Organisation:
    partner, _ = Organisation.objects.get_or_create(
        slug=name.lower().replace(" ", "-"),
        defaults={
            "name": name,
            "kind": OrganisationKind.PARTNER,
            "sector": PartnerSector.LOCAL_AUTHORITY,
            "home_force": wiltshire,
            "region": wiltshire.region,
        },
    )
    return partner


def _user(organisation, roles, username):
    from socmap.orgs.services import create_user

    return create_user(
        actor=None,
        username=username,
        email=f"{username}@access.example",
        first_name="Access",
        last_name=username.split(".")[-1].title(),
        organisation=organisation,
        roles=roles,
        password="correct-horse-battery-staple",
    ).user


def _clear(user):
    from socmap.intel.services import grant_clearance

    grant_clearance(
        actor=None,
        user=user,
        level="top_secret",
        reason="Access matrix",
        expires_on=timezone.localdate() + dt.timedelta(days=365),
    )


def _restrict_a_threat_and_a_report(wiltshire) -> list:
    from socmap.intel.models import IntelligenceReport
    from socmap.security.services import restrict_record
    from socmap.threats.models import Threat

    officer = _user(wiltshire, ["analyst", "lro"], "access.kestrel")
    threat = (
        Threat.objects.filter(owner=wiltshire, plan__isnull=False, disruptions__isnull=False)
        .order_by("pk")
        .first()
        or Threat.objects.filter(owner=wiltshire).order_by("pk").first()
    )
    restrict_record(
        actor=None,
        record=threat,
        name="Operation Kestrel",
        people=[officer],
        reason="Covert operation: need to know only",
    )
    restricted = [threat]
    report = IntelligenceReport.objects.filter(owner=wiltshire).order_by("-pk").first()
    if report is not None:
        restrict_record(
            actor=None,
            record=report,
            name="Source protection",
            people=[officer],
            reason="Protects a covert source",
        )
        restricted.append(report)
    return restricted


def _pick(spec, world_so_far: dict, wiltshire):
    if callable(spec):
        return spec(world_so_far)
    from socmap.orgs.scoping import restriction_filter

    model = apps.get_model(spec)
    qs = model._default_manager.all()
    hidden = restriction_filter(world_so_far["viewers"]["own"], model)
    if hidden is not None:
        qs = qs.filter(hidden)
    # a Wiltshire record if there is one (the columns are relationships to Wiltshire)
    found = (
        qs.filter(**{model.scope_owner: wiltshire}).order_by("pk").first()
        or qs.order_by("pk").first()
    )
    if found is None:
        raise AssertionError(f"The demo data has no {spec} for the access matrix.")
    return found


def _parent_link(model):
    """The first hop of ``scope_owner`` when it goes through another scoped record."""
    parts = model.scope_owner.split("__")
    if len(parts) < 2:
        return None
    field = model._meta.get_field(parts[0])
    if not field.many_to_one or not getattr(field.related_model, "scope_owner", None):
        return None
    return field


def _visible(user, tagged) -> dict[str, set[int]]:
    """What ``user`` may be shown: what scoping lets them see, and the parts and parents of a
    record they see (a shared threat's memberships and status history, a shared plan's
    threat and objectives); a restriction hides parts and parents with the record."""
    from socmap.orgs.scoping import visible_to

    models_ = list(tagged)
    seen = {
        model: set(visible_to(user, model._default_manager.all()).values_list("pk", flat=True))
        for model in models_
    }
    links = {model: _parent_link(model) for model in models_}
    pairs = {
        model: list(model._default_manager.values_list("pk", link.attname))
        for model, link in links.items()
        if link is not None and link.related_model in seen
    }
    changed = True
    while changed:
        changed = False
        for model, rows in pairs.items():
            parent = links[model].related_model
            for pk, parent_pk in rows:
                if parent_pk in seen[parent] and pk not in seen[model]:
                    seen[model].add(pk)
                    changed = True
                if pk in seen[model] and parent_pk is not None and parent_pk not in seen[parent]:
                    seen[parent].add(parent_pk)
                    changed = True
    return {model_key(model): pks for model, pks in seen.items()}


def build() -> World:

    call_command(
        "demo-data", "--forces", "3", "--seed", "2026", "--scale", "0.02", stdout=StringIO()
    )
    reg = registry()
    wiltshire = Organisation.objects.get(short_name="Wiltshire")
    shared_partner = _partner("Access Partner Shared", wiltshire)
    unshared_partner = _partner("Access Partner Unshared", wiltshire)
    viewers = {}
    for column, org_name in VIEWER_ORGS.items():
        organisation = Organisation.objects.get(short_name=org_name)
        viewers[column] = _user(organisation, NON_PARTNER_ROLES, f"access.{column}")
        _clear(viewers[column])
    viewers["partner_shared"] = _user(shared_partner, PARTNER_ROLES, "access.partner-shared")
    viewers["partner_unshared"] = _user(unshared_partner, PARTNER_ROLES, "access.partner-unshared")
    assert tuple(viewers) == COLUMNS
    restricted = _restrict_a_threat_and_a_report(wiltshire)
    so_far = {
        "viewers": viewers,
        "wiltshire": wiltshire,
        "shared_partner": shared_partner,
        "restriction": restricted[0].restriction,
    }
    records = {}
    for key, spec in reg.records.items():
        records[key] = _pick(spec, {**so_far, "records": records}, wiltshire)
    for record in records.values():
        if isinstance(record, models.Model) and getattr(type(record), "scope_owner", None):
            content_type = ContentType.objects.get_for_model(record)
            Share.objects.get_or_create(
                content_type=content_type,
                object_id=record.pk,
                organisation=shared_partner,
                revoked_at=None,
                defaults={"shared_by": viewers["own"]},
            )
    tagged = tag_records(reg.untagged, reg.tagged_fields)
    for record in records.values():
        if isinstance(record, models.Model):
            record.refresh_from_db()
    visible = {column: _visible(user, tagged) for column, user in viewers.items()}
    clients = {}
    for column, user in viewers.items():
        client = Client()
        client.force_login(user)
        clients[column] = client
    return World(viewers, clients, Client(), records, visible, tagged, reg, restricted)
