from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from socmap.errors import InvalidInput
from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.people import selectors, services


class Command(BaseCommand):
    help = (
        "Undo a merge: the two records are shown as two people again. Give the merge id, or "
        "--duplicate ID for the current merge of that record."
    )

    def add_arguments(self, parser):
        parser.add_argument("merge", type=int, nargs="?", help="The merge's id")
        parser.add_argument("--duplicate", type=int, help="The merged record's id instead")
        parser.add_argument("--reason", required=True, help="Why (kept in the audit trail)")
        add_actor_argument(parser)

    def handle(self, *args, merge, duplicate, reason, actor, **options):
        user = resolve_actor(actor)
        try:
            if merge is not None:
                record = selectors.visible_merge(user, merge)
            elif duplicate is not None:
                record = (
                    selectors.merges_visible_to(user)
                    .filter(duplicate_id=duplicate, undone_at__isnull=True)
                    .first()
                )
                if record is None:
                    raise CommandError(f"Record {duplicate} is not merged into one you can see.")
            else:
                raise CommandError("Give the merge id or --duplicate ID.")
            services.unmerge_people(actor=user, merge=record, reason=reason)
        except InvalidInput as invalid:
            raise CommandError(invalid.summary()) from invalid
        except (PermissionDenied, Http404) as refused:
            raise CommandError(str(refused) or "Not found.") from refused
        self.stdout.write(
            self.style.SUCCESS(
                f"Merge {record.pk} undone: {record.duplicate} and {record.survivor} are two "
                "people again."
            )
        )
