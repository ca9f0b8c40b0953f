from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from socmap.errors import InvalidInput
from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.scoring.management.commands._output import command_error
from socmap.scoring.services import load_methodology_files


class Command(BaseCommand):
    help = (
        "Publish methodology versions from YAML files. Every file is checked first; any "
        "problem in any file publishes nothing. A changed methodology needs a new version "
        "number: past assessments keep the version they were scored with."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE.yaml")
        add_actor_argument(parser)

    def handle(self, *args, files: list[Path], actor, **options):
        missing = [str(f) for f in files if not f.is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(missing)}. Nothing was published.")
        user = resolve_actor(actor)
        try:
            outcome = load_methodology_files(actor=user, paths=files)
        except InvalidInput as invalid:
            raise command_error(self.stderr, invalid, "Nothing was published:") from invalid
        except PermissionDenied as denied:
            raise CommandError(str(denied)) from denied
        for label, state in sorted(outcome.items()):
            self.stdout.write(f"  {label}: {state}")
        published = sum(1 for state in outcome.values() if state == "published")
        self.stdout.write(
            self.style.SUCCESS(
                f"Published {published} new version{'' if published == 1 else 's'}; "
                f"{len(outcome) - published} already published unchanged."
            )
        )
