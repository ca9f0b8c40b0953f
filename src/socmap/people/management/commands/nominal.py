from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from socmap.orgs.management.commands._common import add_actor_argument, resolve_actor
from socmap.people.selectors import nominal_detail
from socmap.threats.management.commands._output import write_json, write_table


class Command(BaseCommand):
    help = (
        "One person (nominal), as their page shows them: details and flags, aliases, "
        "identifiers, addresses, associations and the groups they belong to. As a user sees "
        "them with --as USERNAME (a person outside their scope is not found)."
    )

    def add_arguments(self, parser):
        parser.add_argument("id", type=int, metavar="ID", help="The person's socmap id")
        parser.add_argument("--format", choices=("text", "json"), default="text")
        add_actor_argument(parser)

    def handle(self, *args, id: int, format: str, actor, **options):
        user = resolve_actor(actor)
        try:
            person = nominal_detail(user, id)
        except Http404 as missing:
            raise CommandError(f"There is no person {id} you can see.") from missing
        record = {
            "id": person.pk,
            "name": str(person),
            "recorded_by": person.owner.name,
            "date_of_birth": person.date_of_birth,
            "gender": person.get_gender_display(),
            "nationality": person.nationality,
            "pnc_id": person.pnc_id,
            "flags": person.flags,
            "aliases": [f"{a.name} ({a.get_kind_display()})" for a in person.aliases.all()],
            "identifiers": [str(i) for i in person.identifiers.all()],
            "addresses": [
                {
                    "address": str(a),
                    "force": a.force.name if a.force else "",
                    "from": a.from_date,
                    "to": a.to_date,
                }
                for a in person.addresses.all()
            ],
            "associations": [
                {"label": link.label, "other_id": link.other.pk, "other": str(link.other)}
                for link in person.linked_people
            ],
            "groups": [
                {
                    "threat": m.threat.reference,
                    "name": m.threat.name,
                    "role": m.get_role_display(),
                    "joined_on": m.joined_on,
                    "left_on": m.left_on,
                }
                for m in person.visible_memberships
            ],
            "subject_of": [f"{t.reference} {t.name}" for t in person.visible_threats_as_subject],
        }
        if format == "json":
            write_json(self.stdout, record)
            return
        out = self.stdout
        out.write(f"{record['name']} (id {record['id']}, recorded by {record['recorded_by']})")
        details = [
            ("Gender", record["gender"]),
            ("Nationality", record["nationality"] or "not recorded"),
            ("PNC ID", record["pnc_id"] or "none"),
            ("Flags", ", ".join(record["flags"]) or "none"),
            ("Aliases", "; ".join(record["aliases"]) or "none"),
            ("Identifiers", "; ".join(record["identifiers"]) or "none"),
            ("Subject of", "; ".join(record["subject_of"]) or "none"),
        ]
        width = max(len(label) for label, _ in details)
        for label, value in details:
            out.write(f"{label.ljust(width)}  {value}")
        sections = [
            (
                "Addresses",
                ["address", "force", "from", "to"],
                [
                    [a["address"], a["force"], a["from"] or "", a["to"] or "current"]
                    for a in record["addresses"]
                ],
            ),
            (
                "Associations",
                ["how", "person id", "person"],
                [[a["label"], a["other_id"], a["other"]] for a in record["associations"]],
            ),
            (
                "Groups",
                ["threat", "name", "role", "joined", "left"],
                [
                    [
                        g["threat"],
                        g["name"],
                        g["role"],
                        g["joined_on"] or "",
                        g["left_on"] or "current",
                    ]
                    for g in record["groups"]
                ],
            ),
        ]
        for title, header, rows in sections:
            out.write("")
            out.write(title)
            if rows:
                write_table(out, header, rows)
            else:
                out.write("  none")
