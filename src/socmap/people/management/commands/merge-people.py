from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from socmap.errors import InvalidInput
from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.people import selectors, services


class Command(BaseCommand):
    help = (
        "Merge two records of the same person: DUPLICATE is shown as SURVIVOR to everyone who "
        "may see both. Both records are kept; undo with unmerge-people. With --pair, confirm a "
        "pair from the review queue instead (--reject to record different people)."
    )

    def add_arguments(self, parser):
        parser.add_argument("duplicate", type=int, nargs="?", help="The record to merge")
        parser.add_argument("survivor", type=int, nargs="?", help="The record to show it as")
        parser.add_argument("--pair", type=int, help="A pair from the review queue")
        parser.add_argument(
            "--keep",
            choices=("left", "right"),
            default="left",
            help="With --pair: which record of the pair to show them as",
        )
        parser.add_argument(
            "--reject", action="store_true", help="With --pair: they are different people"
        )
        parser.add_argument("--reason", required=True, help="Why (kept in the audit trail)")
        parser.add_argument(
            "--confirm-different-dates-of-birth",
            action="store_true",
            help="Merge even though the dates of birth differ",
        )
        add_actor_argument(parser)

    def handle(
        self,
        *args,
        duplicate,
        survivor,
        pair,
        keep,
        reject,
        reason,
        confirm_different_dates_of_birth,
        actor,
        **options,
    ):
        user = resolve_actor(actor)
        try:
            if pair is not None:
                candidate = selectors.visible_candidate(user, pair)
                if reject:
                    services.reject_candidate(actor=user, candidate=candidate, reason=reason)
                    self.stdout.write(self.style.SUCCESS(f"Pair {pair}: different people."))
                    return
                merge = services.confirm_candidate(
                    actor=user,
                    candidate=candidate,
                    reason=reason,
                    survivor=candidate.left if keep == "left" else candidate.right,
                    confirm_different_dates_of_birth=confirm_different_dates_of_birth,
                )
            else:
                if duplicate is None or survivor is None:
                    raise CommandError("Give DUPLICATE and SURVIVOR ids, or --pair.")
                records = {}
                for name, pk in (("duplicate", duplicate), ("survivor", survivor)):
                    records[name] = selectors.visible_nominal(user, pk)
                    if records[name] is None:
                        raise CommandError(f"There is no person with id {pk} you can see.")
                merge = services.merge_people(
                    actor=user,
                    reason=reason,
                    confirm_different_dates_of_birth=confirm_different_dates_of_birth,
                    **records,
                )
        except InvalidInput as invalid:
            raise CommandError(invalid.summary()) from invalid
        except (PermissionDenied, Http404) as refused:
            raise CommandError(str(refused) or "Not found.") from refused
        self.stdout.write(
            self.style.SUCCESS(
                f"Merge {merge.pk}: {merge.duplicate} (id {merge.duplicate_id}) is shown as "
                f"{merge.survivor} (id {merge.survivor_id})."
            )
        )
