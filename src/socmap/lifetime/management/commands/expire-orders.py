from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from socmap.lifetime import services
from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor


class Command(BaseCommand):
    help = (
        "Record the expiry of every order past its last day in force (run it daily). With "
        "--as USERNAME, only the orders that user may see, recorded as made by them."
    )

    def add_arguments(self, parser):
        add_actor_argument(parser)

    def handle(self, *args, actor, **options):
        user = resolve_actor(actor)
        try:
            expired = services.expire_orders(actor=user)
        except PermissionDenied as denied:
            raise CommandError(str(denied)) from denied
        for order in expired:
            self.stdout.write(
                f"  {order.reference} {order.order_type.short_name}: last day "
                f"{order.ends_on:%-d %B %Y}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Recorded the expiry of {len(expired)} order{'s' if len(expired) != 1 else ''}."
            )
        )
