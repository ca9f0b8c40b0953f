"""What the performance commands share: the filters of the pages and the API as options,
and the tables of performance.exports printed as a table, CSV or JSON."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError

from socmap.errors import InvalidInput
from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.performance import rules
from socmap.performance import selectors as s
from socmap.threats.management.commands._output import write_csv, write_json, write_table


def add_filter_arguments(parser, *, area: bool = False, by: bool = False) -> None:
    parser.add_argument("--start", default="", metavar="DATE", help="First day counted")
    parser.add_argument("--end", default="", metavar="DATE", help="Last day (default today)")
    parser.add_argument(
        "--months", type=int, default=rules.DEFAULT_MONTHS, help="Months ending on --end"
    )
    parser.add_argument(
        "--all-claims",
        action="store_true",
        help="Count every claim (submitted, returned, validated), not only validated ones",
    )
    parser.add_argument(
        "--forces", default="", metavar="SLUG,SLUG", help="Compare only these forces"
    )
    parser.add_argument("--exclude", default="", metavar="SLUG,SLUG", help="Leave these out")
    parser.add_argument("--region", default="", metavar="SLUG", help="A region")
    parser.add_argument("--population-year", default="", metavar="YEAR")
    if area:
        parser.add_argument("--force", default="", metavar="SLUG", help="One force")
    if by:
        parser.add_argument("--by", choices=("month", "quarter"), default="month")
    add_actor_argument(parser)


def add_output_arguments(parser, tables: tuple[str, ...]) -> None:
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    parser.add_argument(
        "--table",
        choices=tables,
        default="",
        help=f"Which table (default: all as text, {tables[0]} as CSV or JSON)",
    )


def options_from(values: dict) -> s.Options:
    try:
        return s.check_options(
            start=values.get("start", ""),
            end=values.get("end", ""),
            months=values.get("months") or rules.DEFAULT_MONTHS,
            counting="all" if values.get("all_claims") else "validated",
            forces=values.get("forces") or None,
            exclude=values.get("exclude", ""),
            region=values.get("region", ""),
            force=values.get("force", ""),
            population_year=values.get("population_year", ""),
            by=values.get("by", "month"),
            sort=values.get("sort", "rank"),
        )
    except InvalidInput as wrong:
        raise CommandError(wrong.summary()) from wrong


def run(command, compute, values: dict):
    """Resolve the actor, compute the figures and print their tables."""
    actor = resolve_actor(values.get("actor"))
    options = options_from(values)
    try:
        tables = compute(actor, options)
    except InvalidInput as wrong:
        raise CommandError(wrong.summary()) from wrong
    except PermissionDenied as refused:
        raise CommandError(str(refused)) from refused
    write(command.stdout, tables, values.get("format", "table"), values.get("table", ""))


def write(stdout, tables: dict, fmt: str, name: str = "") -> None:
    if fmt in ("csv", "json") or name:
        table = tables[name or next(iter(tables))]
        if fmt == "csv":
            write_csv(stdout, table.header, table.rows)
        elif fmt == "json":
            write_json(stdout, table.records())
        else:
            stdout.write(table.title)
            write_table(stdout, table.header, table.rows)
        return
    for number, table in enumerate(tables.values()):
        if number:
            stdout.write("")
        stdout.write(table.title)
        write_table(stdout, table.header, table.rows)
