"""What the plan commands share: the output formats and the acting user."""

from __future__ import annotations

from django.core.management.base import CommandError

from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.orgs.models import Organisation
from socmap.plans import exports
from socmap.threats.management.commands._output import FORMATS, write_csv, write_json, write_table


def add_common(parser, *, owner: bool = True) -> None:
    parser.add_argument("--format", choices=FORMATS, default="table")
    if owner:
        parser.add_argument(
            "--owner", default="", metavar="SLUG", help="Only threats owned by this organisation"
        )
    parser.add_argument(
        "--as",
        dest="actor",
        metavar="USERNAME",
        help="See what this user sees; without it, every record (the system operator's view).",
    )


def check_owner(slug: str) -> None:
    if slug and not Organisation.objects.filter(slug=slug).exists():
        raise CommandError(f"There is no organisation with the slug '{slug}'.")


def output(
    command, records: list[dict], header: list[str], fmt: str, noun: str, plural: str = ""
) -> None:
    plural = plural or f"{noun}s"
    rows = [exports.rows([r], list(r))[0] for r in records]
    if fmt == "json":
        write_json(command.stdout, records)
    elif fmt == "csv":
        write_csv(command.stdout, header, rows)
    elif not rows:
        command.stdout.write(f"No {plural}.")
    else:
        write_table(command.stdout, header, rows)
        command.stdout.write(f"{len(rows)} {noun if len(rows) == 1 else plural}.")


__all__ = ["add_actor_argument", "add_common", "check_owner", "output", "resolve_actor"]
