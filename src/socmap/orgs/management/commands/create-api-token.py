from django.core.management.base import BaseCommand, CommandError

from socmap.errors import InvalidInput
from socmap.orgs.models import User
from socmap.orgs.services import create_api_token


class Command(BaseCommand):
    help = "Issue an API bearer token to a user; the token is printed once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What the token is for")
        parser.add_argument("--days", type=int, default=90)

    def handle(self, *args, username, name, days, **options):
        user = User.objects.filter(username__iexact=username, is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active user called '{username}'.")
        try:
            token, raw = create_api_token(actor=None, user=user, name=name, days=days)
        except InvalidInput as invalid:
            raise CommandError(invalid.summary()) from invalid
        self.stdout.write(f"Token for {user.username} (expires {token.expires_at:%Y-%m-%d}):")
        self.stdout.write(raw)
