from django.core.management.base import BaseCommand, CommandError

from socmap import demo


class Command(BaseCommand):
    help = (
        "Generate realistic synthetic demo data (deterministic for a given --seed) and print "
        "the demo log-ins. Safe to run again: what exists is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--forces",
            type=int,
            default=6,
            help="How many forces get synthetic staff and records (2 to 43)",
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--scale",
            type=float,
            default=None,
            help="Volume of people and threats: 1 (the default, or $SOCMAP_DEMO_SCALE) gives "
            "thousands of people and hundreds of threats; 0.1 a tenth of that",
        )

    def handle(self, *args, forces: int, seed: int, scale: float | None = None, **options):
        if not 2 <= forces <= 43:
            raise CommandError(
                "--forces must be between 2 and 43 (Wiltshire and Dorset are "
                "always included for the demo log-ins)."
            )
        if scale is not None and not 0 < scale <= 5:
            raise CommandError("--scale must be more than 0 and at most 5 (1 is the default).")
        context = demo.generate(forces=forces, seed=seed, out=self.stdout, scale=scale)
        self.stdout.write(
            self.style.SUCCESS(f"\nDemo log-ins (password for all: {context.password}):")
        )
        width = max(len(u) for u in context.personas)
        for username, (organisation, _roles, title) in context.personas.items():
            self.stdout.write(f"  {username:<{width}}  {organisation.display_short_name}: {title}")
