from django.core.management.base import BaseCommand

from socmap.orgs.services import load_reference


class Command(BaseCommand):
    help = (
        "Load or refresh the reference organisations: 43 forces, 9 ROCU regions and London, "
        "ROCUs, national agencies and the reference (2019) populations. Safe to run again."
    )

    def handle(self, *args, **options):
        summary = load_reference()
        self.stdout.write(
            self.style.SUCCESS(
                f"Reference data loaded: {summary.regions} new regions, {summary.rocus} new "
                f"ROCUs, {summary.forces} new forces, {summary.national} new national agencies, "
                f"{summary.populations} new population figures."
            )
        )
