from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from socmap.errors import InvalidInput
from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.orgs.models import LocalArea, Organisation, Region
from socmap.profiles import exports, selectors, services
from socmap.profiles.models import AreaKind
from socmap.web.tables import exported_by_line


class Command(BaseCommand):
    help = (
        "Export a SOC local profile as PDF or DOCX: the latest profile of the area (--force, "
        "--local-area or --region) or --profile ID; one is generated if the area has none, or "
        "with --generate. --edition partner writes the partner edition."
    )

    def add_arguments(self, parser):
        area = parser.add_mutually_exclusive_group(required=True)
        area.add_argument("--force", help="Force slug, e.g. wiltshire")
        area.add_argument("--local-area", help="Local policing area: id or 'Force/Area name'")
        area.add_argument("--region", help="Region slug, e.g. south-west")
        area.add_argument("--profile", type=int, help="A profile's id")
        parser.add_argument("--format", choices=list(exports.FORMATS), default="pdf")
        parser.add_argument("--edition", choices=selectors.EDITIONS, default=selectors.FULL)
        parser.add_argument("--generate", action="store_true", help="Generate a new profile")
        parser.add_argument("-o", "--output", required=True, help="The file to write")
        add_actor_argument(parser)

    def handle(self, *args, actor, **o):
        user = resolve_actor(actor)
        try:
            profile = self._profile(user, o)
            edition = selectors.edition(user, profile, requested=o["edition"])
            content, _, _ = exports.export(edition, o["format"], exported_by_line(user))
        except InvalidInput as invalid:
            raise CommandError(invalid.summary()) from invalid
        except PermissionDenied as denied:
            raise CommandError(str(denied)) from denied
        Path(o["output"]).write_bytes(content)
        self.stdout.write(
            self.style.SUCCESS(
                f"{profile.reference} version {edition.version.number} ({edition.edition} "
                f"edition) written to {o['output']} ({len(content):,} bytes)."
            )
        )

    def _profile(self, user, o):
        from django.http import Http404

        if o["profile"]:
            try:
                return selectors.profile_detail(user, o["profile"])
            except Http404 as missing:
                raise CommandError(f"There is no profile {o['profile']} you may see.") from missing
        kind, fields = self._area(o)
        existing = selectors.profiles_for(user).filter(area_kind=kind, **fields)
        latest = existing.order_by("-updated_at", "-id").first()
        if latest is not None and not o["generate"]:
            return latest
        self.stdout.write("Generating the profile from the data...")
        return services.create_profile(actor=user, area_kind=kind, **fields)

    def _area(self, o):
        if o["force"]:
            force = Organisation.objects.filter(slug=o["force"], kind="force").first()
            if force is None:
                raise CommandError(f"There is no force '{o['force']}'.")
            return AreaKind.FORCE, {"force": force}
        if o["region"]:
            region = Region.objects.filter(slug=o["region"]).first()
            if region is None:
                raise CommandError(f"There is no region '{o['region']}'.")
            return AreaKind.REGION, {"region": region}
        raw = o["local_area"]
        area = None
        if raw.isdigit():
            area = LocalArea.objects.filter(pk=int(raw)).first()
        elif "/" in raw:
            force_name, name = raw.split("/", 1)
            area = LocalArea.objects.filter(
                force__name__iexact=force_name.strip(), name__iexact=name.strip()
            ).first()
        if area is None:
            raise CommandError(f"There is no local area '{raw}' (give its id or Force/Name).")
        return AreaKind.LOCAL_AREA, {"local_area": area}
