"""Demo data for networks: the same people recorded again by a neighbouring force under
another spelling (so the duplicates review queue has work), and disruptions naming several
members of a group together (co-offending links). Runs after the threats step.

Small volumes, so everything goes through the services (each with its audit event):
``record_nominal``, ``add_member``, ``record_disruption`` and finally ``find_duplicates``
over every person. Deterministic for a seed; safe to rerun (copies are found by the note they
carry, disruptions by their operation name)."""

from __future__ import annotations

import datetime as dt
import random
import re

from django.db.models import Count
from django.utils import timezone

from socmap.demo import DemoContext, demo_step
from socmap.orgs.models import OrganisationKind
from socmap.people.models import Alias, Nominal
from socmap.people.synthetic import MISTAKES, SyntheticPerson, misrecord

COPY_NOTE = "Synthetic demo person: recorded again by another force (demo copy of {pk})."
COPY_REF = re.compile(r"demo copy of (\d+)\)")
CO_OFFENDING_OPERATION = "Demo co-offending {n}"


def _existing_copies() -> set[int]:
    return {
        int(m.group(1))
        for note in Nominal.objects.filter(notes__contains="demo copy of").values_list(
            "notes", flat=True
        )
        if (m := COPY_REF.search(note))
    }


def _record_copies(context: DemoContext, rng: random.Random) -> int:
    from socmap.people.services import record_nominal
    from socmap.threats.models import Membership, Status
    from socmap.threats.services import add_member

    forces = [f for f in context.forces if f.kind == OrganisationKind.FORCE]
    if len(forces) < 2:
        return 0
    wanted = max(6, round(40 * context.scale))
    members = list(
        Membership.objects.filter(
            left_on__isnull=True,
            threat__status=Status.ACTIVE,
            nominal__owner__in=forces,
            nominal__merged_into__isnull=True,
        )
        .select_related("nominal", "nominal__owner", "threat")
        .order_by("nominal_id")
    )
    rng.shuffle(members)
    done = _existing_copies()
    made = 0
    for membership in members:
        if len(done) >= wanted:
            break
        original = membership.nominal
        if original.pk in done or not original.forenames:
            continue
        done.add(original.pk)
        other = next(f for f in rng.sample(forces, len(forces)) if f.pk != original.owner_id)
        mistakes = tuple(
            rng.sample([m for m in MISTAKES if m != "missing_date"], rng.choice((0, 1, 1)))
        )
        aliases = tuple(Alias.objects.filter(nominal=original).values_list("name", flat=True))
        copy = misrecord(
            SyntheticPerson(
                0,
                0,
                0,
                original.surname,
                original.forenames,
                original.date_of_birth,
                original.gender,
                "",
                aliases,
            ),
            rng,
            context.faker,
            mistakes,
        )
        nominal = record_nominal(
            actor=None,
            owner=other,
            aliases=list(copy.aliases),
            surname=copy.surname,
            forenames=copy.forenames,
            date_of_birth=copy.date_of_birth,
            gender=original.gender,
            nationality=original.nationality,
            notes=COPY_NOTE.format(pk=original.pk),
        )
        # Known to the second force through a group of its own, if it has one.
        threat = (
            membership.threat.__class__.objects.filter(
                owner=other, kind="ocg", status=Status.ACTIVE
            )
            .order_by("pk")
            .first()
        )
        if threat is not None:
            add_member(
                actor=None,
                threat=threat,
                nominal=nominal,
                role="peripheral",
                joined_on=timezone.localdate() - dt.timedelta(days=rng.randint(30, 400)),
            )
        made += 1
    return made


def _record_co_offending(context: DemoContext, rng: random.Random) -> int:
    from socmap.disruptions.models import Disruption, Tactic
    from socmap.disruptions.services import load_tactics, record_disruption
    from socmap.threats.models import Status, Threat

    if not Tactic.objects.filter(code="arrest").exists():
        load_tactics()
    tactic = Tactic.objects.get(code="arrest")
    groups = list(
        Threat.objects.filter(owner__in=context.forces, kind="ocg", status=Status.ACTIVE)
        .annotate(n=Count("memberships"))
        .filter(n__gte=3)
        .order_by("pk")
    )
    wanted = max(3, round(30 * context.scale))
    made = 0
    for n, threat in enumerate(groups[:wanted], start=1):
        operation = CO_OFFENDING_OPERATION.format(n=n)
        if Disruption.objects.filter(operation_name=operation).exists():
            continue
        people = list(
            Nominal.objects.filter(
                memberships__threat=threat, memberships__left_on__isnull=True
            ).order_by("pk")
        )
        named = rng.sample(people, min(len(people), rng.randint(2, 4)))
        record_disruption(
            actor=None,
            threats=[threat],
            occurred_on=timezone.localdate() - dt.timedelta(days=rng.randint(10, 500)),
            category="pursue",
            tactic=tactic,
            owner=threat.owner,
            quantities={"arrests": len(named)},
            nominals=named,
            narrative="Demo: members of the group arrested together.",
            operation_name=operation,
        )
        made += 1
    return made


@demo_step(60, "Cross-force duplicates and co-offending")
def create_network_demo(context: DemoContext) -> str:
    from socmap.people.services import find_duplicates

    rng = random.Random(context.seed * 7 + 60)
    copies = _record_copies(context, rng)
    co_offending = _record_co_offending(context, rng)
    run = find_duplicates(actor=None)
    return (
        f"{copies} people recorded again by another force, {co_offending} co-offending "
        f"disruptions; record linkage over {run.records:,} people put {run.new_candidates} "
        "new pairs in the review queue."
    )
