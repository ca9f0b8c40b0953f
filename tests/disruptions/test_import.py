"""A performance lead loads a force's disruption return from the published template (CSV or
XLSX): every row is checked by the rules a page applies, and one bad row saves nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook, load_workbook

from socmap.audit.models import AuditEvent
from socmap.disruptions import files, services
from socmap.disruptions.models import Disruption, DisruptionStep, StepAction, Tactic
from socmap.disruptions.rules import DisruptionStatus
from socmap.errors import ImportRejected, InvalidInput

from .conftest import days_ago

pytestmark = pytest.mark.django_db

HEADER = list(services.IMPORT_COLUMN_NAMES)


def row(threat, **values) -> dict[str, str]:
    fields = dict.fromkeys(HEADER, "")
    fields.update(
        threats=threat.reference,
        date=days_ago(5).isoformat(),
        category="pursue",
        tactic="arrest",
        grade="moderate",
        rationale="Two core members remanded.",
        arrests="2",
    )
    fields.update({k: str(v) for k, v in values.items()})
    return fields


def csv_bytes(rows: list[dict], header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def load(actor, data: bytes, name="return.csv", **options):
    rows, lines = files.read_table(name, data)
    return services.import_disruptions(
        actor=actor, rows=rows, lines=lines, source_name=name, **options
    )


@pytest.fixture
def performance_lead(make_user, org):
    return make_user(org("Wiltshire"), "performance_lead", username="wiltshire.performance")


# --------------------------------------------------------------------------- all rows


def test_a_return_is_imported_with_each_claims_history_and_one_audit_event(
    performance_lead, wiltshire_threat, member, make_threat, wiltshire_analyst, wiltshire_council
):
    other = make_threat(wiltshire_analyst, "Westlea crew")
    data = csv_bytes(
        [
            row(wiltshire_threat, nominals=member.pk, operation="Kestrel", evidence="CR/1; CR/2"),
            row(
                other,
                tactic="Drugs seizure",  # a tactic's name works as well as its code
                arrests="",
                drugs_kg="1.5",
                acting_organisation="Wiltshire Council",
            ),
            row(
                wiltshire_threat,
                category="protect",
                tactic="victim-safeguarding",
                arrests="",
                people_safeguarded="3",
                grade="",
                rationale="",
                status="draft",
            ),
        ]
    )

    result = load(performance_lead, data)

    assert (result.rows, result.created) == (3, 3)
    assert result.by_status == {"submitted": 2, "draft": 1}
    first, second, third = Disruption.objects.order_by("id")
    assert result.references == f"{first.reference} to {third.reference}"
    assert (first.status, first.arrests, first.operation_name) == ("submitted", 2, "Kestrel")
    assert first.evidence == ["CR/1", "CR/2"]
    assert list(first.nominals.all()) == [member]
    assert first.recorded_by == first.submitted_by == performance_lead
    assert first.source == "return.csv"
    assert (second.tactic_id, str(second.drugs_kg)) == ("drugs-seizure", "1.500")
    assert second.acting_organisation == wiltshire_council
    assert list(second.threats.all()) == [other]
    assert (third.status, third.people_safeguarded, third.grade) == ("draft", 3, "")
    assert [s.action for s in first.steps.all()] == [StepAction.IMPORTED]
    assert first.steps.get().to_status == DisruptionStatus.SUBMITTED
    event = AuditEvent.objects.get(action="disruptions.imported")
    assert event.changes["rows"] == 3 and event.changes["by_owner"] == {"wiltshire": 3}


def test_an_xlsx_return_is_read_like_a_csv_one(performance_lead, wiltshire_threat):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Disruptions"
    sheet.append(HEADER)
    values = row(wiltshire_threat)
    values["date"] = dt.datetime.combine(days_ago(4), dt.time())  # Excel stores a date time
    values["arrests"] = 3  # and numbers as numbers
    sheet.append([values[c] for c in HEADER])
    sheet.append([None] * len(HEADER))  # a blank line is skipped
    values = row(wiltshire_threat, tactic="cash-seizure", arrests="", cash=12500.5)
    sheet.append([values[c] for c in HEADER])
    out = io.BytesIO()
    workbook.save(out)

    result = load(performance_lead, out.getvalue(), name="return.xlsx")

    assert result.created == 2
    first, second = Disruption.objects.order_by("id")
    assert (first.occurred_on, first.arrests) == (days_ago(4), 3)
    assert str(second.cash) == "12500.50"


def test_the_published_xlsx_template_filled_in_imports(performance_lead, wiltshire_threat):
    template = files.template_xlsx(services.IMPORT_COLUMNS, list(Tactic.objects.all()), [])
    workbook = load_workbook(io.BytesIO(template))
    assert workbook.sheetnames == ["Disruptions", "Columns", "Tactics", "Impact grades"]
    sheet = workbook["Disruptions"]
    assert [c.value for c in sheet[1]] == HEADER
    values = row(wiltshire_threat)
    sheet.append([values[c] for c in HEADER])
    out = io.BytesIO()
    workbook.save(out)
    assert load(performance_lead, out.getvalue(), name="filled.xlsx").created == 1


def test_the_csv_template_is_the_header_row(performance_lead, wiltshire_threat):
    header = files.template_csv(services.IMPORT_COLUMNS)
    assert header.strip().split(",") == HEADER
    data = header.encode() + csv_bytes([row(wiltshire_threat)]).split(b"\n", 1)[1]
    assert load(performance_lead, data).created == 1


# --------------------------------------------------------------------------- or none


def test_one_bad_row_saves_nothing_and_every_problem_is_listed_by_line_and_column(
    performance_lead, wiltshire_threat, dorset_threat
):
    good = row(wiltshire_threat)
    data = csv_bytes(
        [
            good,
            row(wiltshire_threat, date=days_ago(-2).isoformat()),  # line 3: in the future
            good,
            row(wiltshire_threat, rationale=""),  # line 5: a grade without rationale
            row(wiltshire_threat, category="prevent"),  # line 6: arrest is not Prevent
            row(dorset_threat),  # line 7: a threat Wiltshire cannot see
            row(wiltshire_threat, threats=""),  # line 8: no threat
            row(wiltshire_threat, tactic="kneecapping"),  # line 9: no such tactic
            row(wiltshire_threat, arrests="two"),  # line 10
            good,
        ]
    )

    with pytest.raises(ImportRejected) as rejected:
        load(performance_lead, data)

    problems = {(e.line, e.column): e.message for e in rejected.value.row_errors}
    assert "cannot be in the future" in problems[(3, "date")]
    assert "Give the rationale" in problems[(5, "rationale")]
    assert problems[(6, "tactic")] == (
        "Arrest is a Pursue tactic: it cannot be recorded under Prevent."
    )
    assert (
        problems[(7, "threats")]
        == f"There is no threat {dorset_threat.reference} that you can see."
    )
    assert "Say which threat" in problems[(8, "threats")]
    assert "'kneecapping' is not a tactic" in problems[(9, "tactic")]
    assert problems[(10, "arrests")] == "'two' is not a number."
    assert len(rejected.value.row_errors) == 7
    assert rejected.value.rows_read == 10
    assert str(rejected.value) == "Nothing was imported: 7 problems found in 10 rows."
    assert not Disruption.objects.exists()
    assert not DisruptionStep.objects.exists()
    assert not AuditEvent.objects.filter(action="disruptions.imported").exists()


def test_line_numbers_count_blank_lines_and_the_header(performance_lead, wiltshire_threat):
    data = (
        csv_bytes([row(wiltshire_threat)])
        + b"\n\n"
        + csv_bytes([row(wiltshire_threat, grade="colossal")]).split(b"\n", 1)[1]
    )
    with pytest.raises(ImportRejected) as rejected:
        load(performance_lead, data)
    assert [(e.line, e.column) for e in rejected.value.row_errors] == [(5, "grade")]


def test_a_file_with_the_wrong_columns_is_refused_before_any_row(performance_lead):
    data = b"threats,date,colour\nOCG-000001,2026-01-01,red\n"
    with pytest.raises(ImportRejected) as rejected:
        load(performance_lead, data)
    messages = [str(e) for e in rejected.value.row_errors]
    assert "line 1, column 'category': The header has no 'category' column." in messages
    assert any("Unknown column 'colour'" in m for m in messages)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("return.csv", b"", "The file is empty"),
        ("return.csv", b"threats,date,category,tactic\n", "has no disruptions in it"),
        ("return.xlsx", b"not a workbook", "not a valid XLSX workbook"),
        ("return.pdf", b"%PDF", "neither a .csv nor a .xlsx file"),
    ],
)
def test_empty_broken_or_foreign_files_are_refused(performance_lead, name, data, message):
    with pytest.raises(ImportRejected) as rejected:
        load(performance_lead, data, name=name)
    assert message in rejected.value.row_errors[0].message


def test_a_row_longer_than_the_header_is_refused(performance_lead, wiltshire_threat):
    data = csv_bytes([row(wiltshire_threat)]).rstrip(b"\n") + b",surplus\n"
    with pytest.raises(ImportRejected, match="1 problem"):
        load(performance_lead, data)


def test_a_dry_run_checks_everything_and_saves_nothing(performance_lead, wiltshire_threat):
    result = load(performance_lead, csv_bytes([row(wiltshire_threat)] * 3), dry_run=True)
    assert (result.rows, result.created, result.dry_run) == (3, 0, True)
    assert not Disruption.objects.exists()


def test_progress_is_reported_while_checking_and_saving(performance_lead, wiltshire_threat):
    seen = []
    load(
        performance_lead,
        csv_bytes([row(wiltshire_threat)] * 5),
        progress=lambda stage, done, total: seen.append((stage, done, total)),
    )
    assert ("checking", 5, 5) in seen and seen[-1] == ("saving", 5, 5)


# --------------------------------------------------------------------------- validated before


def test_rows_validated_before_the_import_arrive_validated_and_flag_their_threats(
    performance_lead, wiltshire_threat, wiltshire_validator
):
    data = csv_bytes(
        [
            row(
                wiltshire_threat,
                grade="major",
                status="validated",
                validated_by="wiltshire.validator",
            )
        ]
    )
    result = load(performance_lead, data)
    disruption = Disruption.objects.get()
    assert disruption.status == DisruptionStatus.VALIDATED
    assert disruption.validated_by == wiltshire_validator
    assert [s.action for s in disruption.steps.all()] == [StepAction.IMPORTED, StepAction.VALIDATED]
    wiltshire_threat.refresh_from_db()
    assert wiltshire_threat.reassessment_requested
    assert "(imported)" in wiltshire_threat.reassessment_reason
    assert result.reassessments_requested == [wiltshire_threat.reference]


@pytest.mark.parametrize(
    ("values", "column", "message"),
    [
        ({"status": "validated"}, "validated_by", "needs the log-in name of its validator"),
        ({"validated_by": "wiltshire.validator"}, "status", "must have the status validated"),
        ({"status": "validated", "validated_by": "nobody"}, "validated_by", "no active user"),
        (
            {"status": "validated", "validated_by": "wiltshire.performance"},
            "validated_by",
            "You are importing it, so someone else must validate it.",
        ),
        ({"status": "approved"}, "status", "Use draft, submitted or validated."),
        ({"status": "submitted", "grade": "", "rationale": ""}, "grade", "needs its impact grade"),
    ],
)
def test_a_validation_before_the_import_follows_the_independence_rule(
    performance_lead,
    wiltshire_threat,
    wiltshire_validator,
    make_user,
    org,
    values,
    column,
    message,
):
    if values.get("validated_by") == "wiltshire.performance":
        performance_lead.roles.add(*wiltshire_validator.roles.all())
    with pytest.raises(ImportRejected) as rejected:
        load(performance_lead, csv_bytes([row(wiltshire_threat, **values)]))
    assert [(e.column, message in e.message) for e in rejected.value.row_errors] == [(column, True)]


def test_a_validator_of_the_importers_team_is_refused_where_the_force_requires_another(
    performance_lead, wiltshire_threat, wiltshire_validator, team, org
):
    wiltshire = org("Wiltshire")
    wiltshire.separate_validation_team = True
    wiltshire.save()
    team(performance_lead, "Performance")
    team(wiltshire_validator, "Performance")
    data = csv_bytes(
        [row(wiltshire_threat, status="validated", validated_by="wiltshire.validator")]
    )
    with pytest.raises(ImportRejected, match="1 problem") as rejected:
        load(performance_lead, data)
    assert "separate team" in rejected.value.row_errors[0].message
    assert "wiltshire.validator and" in rejected.value.row_errors[0].message


# --------------------------------------------------------------------------- who imports


@pytest.mark.parametrize("persona", ["wiltshire_validator", "inspector", "council_partner"])
def test_only_analysts_and_performance_leads_import(request, persona, wiltshire_threat):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        load(user, csv_bytes([row(wiltshire_threat)]))
    assert not Disruption.objects.exists()


def test_rows_for_another_force_are_refused_for_a_force_but_allowed_for_the_rocu(
    wiltshire_analyst, swrocu_officer, wiltshire_threat, dorset_threat, org
):
    data = csv_bytes([row(dorset_threat, owner="Dorset")])
    with pytest.raises(ImportRejected) as rejected:
        load(wiltshire_analyst, data)
    columns = {e.column for e in rejected.value.row_errors}
    assert columns == {"threats", "owner"}
    # The South West ROCU imports its region's return, for each force
    data = csv_bytes([row(dorset_threat, owner="Dorset"), row(wiltshire_threat, owner="wiltshire")])
    load(swrocu_officer, data)
    assert sorted(Disruption.objects.values_list("owner__name", flat=True)) == [
        "Dorset",
        "Wiltshire",
    ]


def test_the_owner_for_rows_without_one_can_be_chosen(swrocu_officer, wiltshire_threat, org):
    load(swrocu_officer, csv_bytes([row(wiltshire_threat)]), owner=org("Wiltshire"))
    assert Disruption.objects.get().owner == org("Wiltshire")


def test_imported_rows_are_submitted_or_drafts_unless_they_say_otherwise(
    performance_lead, wiltshire_threat
):
    load(performance_lead, csv_bytes([row(wiltshire_threat)]), status="draft")
    assert Disruption.objects.get().status == DisruptionStatus.DRAFT
    with pytest.raises(InvalidInput):
        load(performance_lead, csv_bytes([row(wiltshire_threat)]), status="validated")


def test_an_imported_claim_goes_through_the_same_validation(
    performance_lead, wiltshire_threat, wiltshire_validator
):
    load(performance_lead, csv_bytes([row(wiltshire_threat)]))
    claim = Disruption.objects.get()
    with pytest.raises(PermissionDenied):
        services.validate_disruption(actor=performance_lead, disruption=claim)
    services.validate_disruption(actor=wiltshire_validator, disruption=claim)
    claim.refresh_from_db()
    assert claim.status == DisruptionStatus.VALIDATED
