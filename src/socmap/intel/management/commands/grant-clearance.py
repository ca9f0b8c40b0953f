import datetime as dt

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from socmap.errors import InvalidInput
from socmap.intel import services
from socmap.intel.models import ClearanceLevel
from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.orgs.models import User


class Command(BaseCommand):
    help = (
        "Clear a user to read original intelligence up to --level until --until (an "
        "administrator's decision: give --as ADMIN; without --as the system operator grants it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--level", required=True, choices=ClearanceLevel.values)
        parser.add_argument("--until", required=True, help="Last day (YYYY-MM-DD)")
        parser.add_argument("--reason", required=True)
        parser.add_argument("--vetting", default="")
        add_actor_argument(parser)

    def handle(self, *args, username, level, until, reason, vetting, actor, **options):
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            raise CommandError(f"There is no user called '{username}'.")
        try:
            expires_on = dt.date.fromisoformat(until)
        except ValueError as bad:
            raise CommandError(f"'{until}' is not a date: use 2027-03-31.") from bad
        try:
            clearance = services.grant_clearance(
                actor=resolve_actor(actor),
                user=user,
                level=level,
                expires_on=expires_on,
                reason=reason,
                vetting=vetting,
            )
        except InvalidInput as invalid:
            raise CommandError(invalid.summary()) from invalid
        except PermissionDenied as denied:
            raise CommandError(str(denied)) from denied
        self.stdout.write(
            self.style.SUCCESS(
                f"{user.username} is cleared {clearance.get_level_display().lower()} until "
                f"{clearance.expires_on:%-d %B %Y}."
            )
        )
