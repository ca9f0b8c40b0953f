import sys

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from socmap.errors import InvalidInput
from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.orgs.models import Organisation, Role, Team
from socmap.orgs.services import create_user


class Command(BaseCommand):
    help = "Create a socmap user in one organisation with one or more roles."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", required=True)
        parser.add_argument("--first-name", required=True)
        parser.add_argument("--last-name", required=True)
        parser.add_argument(
            "--organisation", required=True, help="Organisation slug, e.g. wiltshire"
        )
        parser.add_argument(
            "--role",
            action="append",
            dest="roles",
            default=[],
            choices=Role.CODES,
            help="Repeat for several roles",
        )
        parser.add_argument("--team", default="")
        parser.add_argument("--job-title", default="")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from standard input (otherwise a temporary "
            "one is printed and must be changed at first log-in)",
        )
        parser.add_argument(
            "--superuser", action="store_true", help="Also allow access to the Django admin site"
        )
        add_actor_argument(parser)

    def handle(self, *args, **o):
        organisation = Organisation.objects.filter(slug=o["organisation"]).first()
        if organisation is None:
            raise CommandError(f"'{o['organisation']}' is not an organisation slug.")
        team = None
        if o["team"]:
            team = Team.objects.filter(organisation=organisation, name__iexact=o["team"]).first()
            if team is None:
                raise CommandError(f"{organisation} has no team called '{o['team']}'.")
        password = sys.stdin.readline().rstrip("\n") if o["password_stdin"] else None
        try:
            created = create_user(
                actor=resolve_actor(o["actor"]),
                username=o["username"],
                email=o["email"],
                first_name=o["first_name"],
                last_name=o["last_name"],
                organisation=organisation,
                roles=o["roles"],
                team=team,
                job_title=o["job_title"],
                password=password,
            )
        except InvalidInput as invalid:
            raise CommandError(f"The user was not created. {invalid.summary()}") from invalid
        except PermissionDenied as denied:
            raise CommandError(str(denied)) from denied
        if o["superuser"]:
            created.user.is_staff = created.user.is_superuser = True
            created.user.save(update_fields=["is_staff", "is_superuser"])
        self.stdout.write(self.style.SUCCESS(f"Created {created.user}."))
        if created.temporary_password:
            self.stdout.write(f"Temporary password (shown once): {created.temporary_password}")
