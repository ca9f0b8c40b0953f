from django.core.management.base import BaseCommand

from socmap.reference import loaders


class Command(BaseCommand):
    help = (
        "Load or refresh all reference data: forces, regions, ROCUs, national agencies and "
        "their reference populations, crime types and scoring methodologies. Safe to run again."
    )

    def handle(self, *args, **options):
        for loader in loaders():
            self.stdout.write(f"{loader.name}: {loader.load(None)}")
        self.stdout.write(self.style.SUCCESS("Reference data loaded."))
