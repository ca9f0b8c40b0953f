import sys

from django.core.management.base import BaseCommand

from socmap.performance import rollup


class Command(BaseCommand):
    help = (
        "Check the disruption rollup behind the rates and rankings against a fresh count of "
        "the disruptions (--check), or recompute it (--rebuild). Triggers keep it in step with "
        "every write, so a difference means something wrote around them."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--check", action="store_true", help="Compare; exit 1 if different")
        group.add_argument("--rebuild", action="store_true", help="Recompute from the disruptions")

    def handle(self, *args, check, rebuild, **options):
        if rebuild:
            rows = rollup.rebuild()
            self.stdout.write(f"Rebuilt the rollup: {rows:,} rows.")
            return
        wrong = rollup.differences()
        if not wrong:
            self.stdout.write("The rollup agrees with the disruptions.")
            return
        for owner_id, day, status, held, counted in wrong[:20]:
            self.stderr.write(
                f"organisation {owner_id}, {day}, {status}: rollup {held}, counted {counted}"
            )
        self.stderr.write(
            f"{len(wrong):,} rollup rows differ: run `socmap performance-rollup --rebuild`."
        )
        sys.exit(1)
