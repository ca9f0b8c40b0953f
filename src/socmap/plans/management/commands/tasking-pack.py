from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.utils import timezone

from socmap.orgs.models import Organisation
from socmap.plans import selectors, services
from socmap.plans.management.commands._common import resolve_actor


class Command(BaseCommand):
    help = (
        "Write the tasking pack of a force's (or a ROCU's region's) tasking meeting to a file: "
        "HTML with print styles, or PDF."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--force", metavar="SLUG", help="A force's slug")
        which.add_argument("--board", metavar="SLUG", help="A ROCU's or the NCA's slug")
        parser.add_argument(
            "--output", "-o", metavar="FILE", help="Default: tasking-pack-SLUG-DATE.html"
        )
        parser.add_argument("--format", choices=("html", "pdf"), default="")
        parser.add_argument("--as", dest="actor", metavar="USERNAME",
                            help="Produce the pack as this user sees it")  # fmt: skip

    def handle(self, *args, force, board, output, format, actor, **options):
        slug = force or board
        user = resolve_actor(actor)
        found = services.boards_for(user).filter(slug=slug).first()
        if found is None:
            exists = Organisation.objects.filter(slug=slug).exists()
            raise CommandError(
                f"'{slug}' has no tasking board you can see."
                if exists
                else f"There is no organisation with the slug '{slug}'."
            )
        if force and found.kind != "force":
            raise CommandError(f"{found} is not a force: use --board {slug}.")
        fmt = format or (Path(output).suffix.lstrip(".").lower() if output else "html")
        if fmt not in ("html", "pdf"):
            raise CommandError("Write the pack as .html or .pdf (or give --format).")
        path = Path(output or f"tasking-pack-{slug}-{timezone.localdate():%Y%m%d}.{fmt}")
        self.stdout.write(f"Gathering the tasking pack of {found}...")
        pack = selectors.tasking_pack(user, found)
        if fmt == "pdf":
            from socmap.plans.pdf import pack_pdf

            path.write_bytes(pack_pdf(pack))
        else:
            path.write_text(
                render_to_string("plans/pack_file.html", {"pack": pack}), encoding="utf-8"
            )
        self.stdout.write(
            f"Wrote {path}: {len(pack.threats)} active threats, {len(pack.proposals)} open "
            f"proposals, {len(pack.decisions)} decisions of the last 90 days."
        )
