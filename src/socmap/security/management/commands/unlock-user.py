"""``socmap unlock-user USERNAME --as ADMIN``: let a locked-out user sign in again (audited)."""

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.orgs.models import User
from socmap.security import two_factor


class Command(BaseCommand):
    help = "Clear a user's failed log-ins (or, with --ip, a client address's) before the cool-off."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?")
        parser.add_argument("--ip", help="Unlock a client address instead of a user.")
        parser.add_argument("--reason", default="", help="Why (kept in the audit trail).")
        add_actor_argument(parser)

    def handle(self, *args, username=None, ip=None, reason="", actor=None, **options):
        acting = resolve_actor(actor)
        try:
            if ip:
                cleared = two_factor.unlock_address(actor=acting, ip_address=ip, reason=reason)
                self.stdout.write(f"{ip} unlocked ({cleared} failed attempts cleared).")
                return
            user = User.objects.filter(username__iexact=username or "").first()
            if user is None:
                raise CommandError(f"There is no user called '{username}'.")
            cleared = two_factor.unlock(actor=acting, user=user, reason=reason)
        except PermissionDenied as denied:
            raise CommandError(str(denied)) from denied
        self.stdout.write(f"{user.username} unlocked ({cleared} failed attempts cleared).")
