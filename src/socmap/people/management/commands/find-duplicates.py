from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from socmap.errors import InvalidInput
from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.people.linkage import DEFAULT_THRESHOLD
from socmap.people.services import find_duplicates


class Command(BaseCommand):
    help = (
        "Look for people recorded twice (record linkage with splink, trained on socmap's own "
        "records) and put the likely pairs in the review queue. With --as, over the people "
        "that user may see; without, over everyone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--threshold",
            type=float,
            default=DEFAULT_THRESHOLD,
            help=f"Least match probability for the queue (default {DEFAULT_THRESHOLD})",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Seed for the u sampling")
        parser.add_argument("--show-model", action="store_true", help="Print the m and u values")
        add_actor_argument(parser)

    def handle(self, *args, threshold, seed, show_model, actor, **options):
        user = resolve_actor(actor)
        try:
            run = find_duplicates(
                actor=user, threshold=threshold, seed=seed, progress=self.stdout.write
            )
        except (InvalidInput, PermissionDenied) as refused:
            message = refused.summary() if isinstance(refused, InvalidInput) else str(refused)
            raise CommandError(message) from refused
        for note in run.notes:
            self.stdout.write(f"Note: {note}")
        if show_model:
            self.stdout.write(f"Prior (two random records match): {run.prior:.3g}")
            for p in run.parameters:
                self.stdout.write(
                    f"  {p['comparison']:<20} {p['level'][:60]:<60} m={p['m']} u={p['u']} "
                    f"weight={p['weight']}"
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"Linkage run {run.pk}: {run.pairs_found:,} pairs, {run.new_candidates:,} new "
                "in the review queue (socmap people duplicates, or the Possible duplicates page)."
            )
        )
