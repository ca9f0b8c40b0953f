from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from socmap.errors import InvalidInput
from socmap.orgs.management.commands._common import resolve_actor
from socmap.performance import pdf
from socmap.performance.management.commands._figures import add_filter_arguments, options_from


class Command(BaseCommand):
    help = (
        "Write the performance pack (OFFICIAL-SENSITIVE) or, with --public, the public "
        "summary of a force or region as a PDF."
    )

    def add_arguments(self, parser):
        add_filter_arguments(parser, area=True)
        parser.add_argument("--public", action="store_true", help="The public summary")
        parser.add_argument("-o", "--output", required=True, metavar="FILE.pdf")

    def handle(self, *args, public, output, **values):
        options = options_from(values)
        if not (options.force or options.region):
            raise CommandError("Choose --force SLUG or --region SLUG.")
        try:
            content, _ = pdf.report_pdf(
                resolve_actor(values.get("actor")), options, "public" if public else "pack"
            )
        except (InvalidInput, PermissionDenied) as wrong:
            raise CommandError(str(wrong)) from wrong
        Path(output).write_bytes(content)
        what = "public summary" if public else "performance pack"
        self.stdout.write(f"Wrote the {what} of {options.force or options.region} to {output}.")
