from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from socmap.disruptions import selectors, services
from socmap.disruptions.management.commands._listing import add_output_arguments, write_disruptions
from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor


class Command(BaseCommand):
    help = (
        "Disruption claims waiting for validation: those overdue (submitted more than the "
        "validation period ago, SOCMAP_DISRUPTION_VALIDATION_DAYS), oldest first, or with "
        "--all every claim not validated yet. With --as, only those the user may see."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Overdue after this many days (default: {services.validation_days()})",
        )
        parser.add_argument(
            "--all",
            action="store_true",
            help="Every claim not validated yet (submitted, returned and drafts)",
        )
        add_output_arguments(parser)
        add_actor_argument(parser)

    def handle(self, *args, days, all, actor, format, output, **options):
        if days is not None and days < 0:
            raise CommandError("--days must be 0 or more.")
        user = resolve_actor(actor)
        days = services.validation_days() if days is None else days
        if all:
            queryset = selectors.unvalidated(user)
            title, empty = "Unvalidated", "Every disruption in view has been validated."
        else:
            queryset = selectors.overdue_for_validation(user, days=days)
            title, empty = "Overdue", f"No claims have waited more than {days} days."
        if format == "table":
            count = queryset.count()
            what = "not validated yet" if all else f"overdue for validation (over {days} days)"
            self.stdout.write(
                f"{count:,} claim{'s' if count != 1 else ''} {what}, "
                f"as of {timezone.localdate():%-d %B %Y}."
            )
            if count:
                today = timezone.localdate()
                for disruption in queryset[:500]:
                    waiting = selectors.days_waiting(disruption, today)
                    self.stdout.write(
                        f"  {disruption.reference}  {disruption.owner.display_short_name:<14} "
                        f"{disruption.get_status_display():<26} "
                        + (f"waiting {waiting} days" if waiting is not None else "")
                    )
                if count > 500:
                    self.stdout.write(f"  ... and {count - 500:,} more (use --format csv).")
            return
        write_disruptions(
            self, queryset, user=user, fmt=format, output=output, title=title, empty=empty
        )
