"""``socmap require-two-factor --organisation SLUG [--role CODE] --as ADMIN``."""

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from socmap.errors import InvalidInput
from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.orgs.models import Organisation
from socmap.security import two_factor


class Command(BaseCommand):
    help = "Require a second factor of an organisation's users (or of one role in it)."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", help="Slug; leave out for every organisation.")
        parser.add_argument("--role", default="", help="Role code; leave out for every role.")
        add_actor_argument(parser)

    def handle(self, *args, organisation=None, role="", actor=None, **options):
        org = None
        if organisation:
            org = Organisation.objects.filter(slug=organisation).first()
            if org is None:
                raise CommandError(f"There is no organisation '{organisation}'.")
        try:
            found = two_factor.require_second_factor(
                actor=resolve_actor(actor), organisation=org, role=role
            )
        except (InvalidInput, PermissionDenied) as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(f"Second factor required: {found}.")
