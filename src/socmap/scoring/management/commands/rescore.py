from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from socmap.errors import InvalidInput
from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.scoring.management.commands._output import command_error
from socmap.scoring.services import methodology_version, rescore_active_threats


class Command(BaseCommand):
    help = (
        "Re-score every active threat whose latest assessment used another version of the "
        "methodology, re-using that assessment's inputs, as new assessments. Past assessments "
        "never change; threats already on the version are left alone, so it is safe to run "
        "again. All or nothing: if any threat's inputs do not fit the version, nothing is "
        "saved and the threats are listed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--methodology", required=True, metavar="NAME@VERSION", help="e.g. group-matrix@2"
        )
        add_actor_argument(parser)

    def handle(self, *args, methodology: str, actor, **options):
        user = resolve_actor(actor)
        try:
            version = methodology_version(methodology)
            self.stdout.write(f"Re-scoring active threats with {version.label}...")

            def progress(done: int, total: int) -> None:
                self.stdout.write(f"  {done} of {total} threats scored")

            outcome = rescore_active_threats(actor=user, methodology=version, progress=progress)
        except InvalidInput as invalid:
            raise command_error(self.stderr, invalid, "Nothing was re-scored:") from invalid
        except PermissionDenied as denied:
            raise CommandError(str(denied)) from denied
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-scored {outcome['rescored']} active threat"
                f"{'' if outcome['rescored'] == 1 else 's'} with {version.label}."
            )
        )
        left = [
            (outcome["already_current"], f"already scored with {version.label}"),
            (
                outcome["latest_with_another_methodology"],
                f"last assessed with another methodology (re-assess them with {version.name} "
                "first)",
            ),
            (outcome["skipped_no_previous"], "never assessed"),
        ]
        for count, why in left:
            if count:
                self.stdout.write(f"  left as they were: {count} {why}")
