"""What the socmap commands share: who is acting, and how errors are reported."""

from __future__ import annotations

from django.core.management.base import CommandError

from socmap.orgs.models import User


def add_actor_argument(parser) -> None:
    parser.add_argument(
        "--as",
        dest="actor",
        metavar="USERNAME",
        help="Record the change in the audit trail as this user (checks their roles). "
        "Without it the change is recorded as made by the system operator.",
    )


def resolve_actor(username: str | None):
    if not username:
        return None
    user = User.objects.filter(username__iexact=username, is_active=True).first()
    if user is None:
        raise CommandError(f"There is no active user called '{username}'.")
    return user
