"""A performance lead keeps population figures current.

They load a CSV file (by the service, the ``load-populations`` command, the web page or the
API). Figures for several years live side by side; a figure for a year already held is a
correction whose old value stays in the audit trail. A file is loaded whole or not at all: one
bad row rejects everything, with a line-by-line report that suggests the force meant.
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from socmap.audit.models import AuditEvent
from socmap.errors import ImportRejected
from socmap.orgs import selectors
from socmap.orgs.models import PopulationFigure, Role
from socmap.orgs.services import load_populations, parse_population_csv

pytestmark = pytest.mark.django_db

HEADER = "force,year,population,basis"
GOOD_ROWS = [
    "Wiltshire,2021,730000,ONS mid-2021 estimate",
    "Wiltshire,2022,735500,ONS mid-2022 estimate",
    "Dorset,2021,780000,ONS mid-2021 estimate",
]


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def figures() -> dict[tuple[str, int], tuple[int, str]]:
    """Every population figure held, to compare before and after a rejected load."""
    return {
        (f.force.name, f.year): (f.population, f.basis)
        for f in PopulationFigure.objects.select_related("force")
    }


@pytest.fixture
def wiltshire_performance_lead(make_user, org):
    return make_user(org("Wiltshire"), Role.PERFORMANCE_LEAD, username="wiltshire.performance")


@pytest.fixture
def nca_performance_lead(make_user, org):
    return make_user(org("NCA"), Role.PERFORMANCE_LEAD, username="nca.performance")


def load(actor, text: str, **defaults):
    return load_populations(actor=actor, rows=parse_population_csv(text, **defaults),
                            source_name="populations.csv")


# --------------------------------------------------------------------------- good files


def test_figures_for_several_years_coexist(org, wiltshire_performance_lead, make_user):
    # Given Wiltshire holds only its 2019 reference figure
    wiltshire = org("Wiltshire")
    assert list(wiltshire.population_figures.values_list("year", flat=True)) == [2019]

    # When Wiltshire's performance lead loads 2021 and 2022 figures for Wiltshire
    result = load(wiltshire_performance_lead, csv_text(*GOOD_ROWS[:2]))

    # Then all three years are held side by side, each with its basis and loader
    assert (result.created, result.updated, result.unchanged, result.rows) == (2, 0, 0, 2)
    held = {f.year: f for f in wiltshire.population_figures.all()}
    assert sorted(held) == [2019, 2021, 2022]
    assert held[2021].population == 730_000
    assert held[2022].basis == "ONS mid-2022 estimate"
    assert held[2022].loaded_by == wiltshire_performance_lead
    assert held[2019].population == 722_217

    # And a rate for a period uses the latest year not after it
    assert selectors.rate_for(wiltshire, 73, 2021).population_year == 2021
    assert selectors.rate_for(wiltshire, 73, 2020).population_year == 2019
    assert selectors.rate_for(wiltshire, 73, 2030).population_year == 2022
    assert selectors.rate_for(wiltshire, 73, 2021).population == 730_000


def test_a_national_performance_lead_may_load_any_force(nca_performance_lead):
    # When the NCA performance lead loads figures for Wiltshire and Dorset
    result = load(nca_performance_lead, csv_text(*GOOD_ROWS))
    # Then they are all created
    assert result.created == 3
    assert figures()[("Dorset", 2021)] == (780_000, "ONS mid-2021 estimate")


def test_a_correction_updates_the_figure_and_the_audit_trail_keeps_the_old_value(
    org, wiltshire_performance_lead
):
    # Given Wiltshire's 2019 figure of 722,217
    # When the performance lead loads a corrected 2019 figure and an unchanged row
    result = load(
        wiltshire_performance_lead,
        csv_text("Wiltshire,2019,\"725,000\",ONS mid-2019 estimate (revised)"),
    )

    # Then the figure is replaced, not duplicated
    assert (result.created, result.updated) == (0, 1)
    figure = PopulationFigure.objects.get(force=org("Wiltshire"), year=2019)
    assert figure.population == 725_000
    assert figure.basis == "ONS mid-2019 estimate (revised)"
    assert PopulationFigure.objects.filter(force=org("Wiltshire"), year=2019).count() == 1

    # And the audit event names who did it and keeps the old value and basis
    event = AuditEvent.objects.filter(action="populations.loaded").latest("id")
    assert event.actor == wiltshire_performance_lead
    assert event.target_repr == "populations.csv"
    assert event.changes["updated"] == 1
    assert event.changes["rows"] == [
        {"force": "Wiltshire", "year": 2019, "old": 722_217, "new": 725_000,
         "old_basis": "ONS mid-2019 estimate", "new_basis": "ONS mid-2019 estimate (revised)"}
    ]


def test_loading_the_same_figures_again_changes_nothing(wiltshire_performance_lead):
    load(wiltshire_performance_lead, csv_text(*GOOD_ROWS[:2]))
    before = figures()
    result = load(wiltshire_performance_lead, csv_text(*GOOD_ROWS[:2]))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert figures() == before


@pytest.mark.parametrize(
    ("written", "force"),
    [
        ("Wiltshire Police", "Wiltshire"),
        ("wiltshire", "Wiltshire"),
        ("WILTSHIRE CONSTABULARY", "Wiltshire"),
        ("Metropolitan Police Service", "Metropolitan Police"),
        ("The Met", "Metropolitan Police"),
        ("Avon & Somerset Constabulary", "Avon and Somerset"),
        ("Devon & Cornwall Police", "Devon and Cornwall"),
        ("Dyfed-Powys Police", "Dyfed-Powys"),
        ("City of London Police", "City of London"),
    ],
)
def test_force_names_are_accepted_as_people_write_them(org, written, force):
    # When the system loads a figure for a force written the way people write it
    load(None, csv_text(f'"{written}",2021,1000000,ONS mid-2021 estimate'))
    # Then it is stored against the right force
    assert PopulationFigure.objects.get(force=org(force), year=2021).population == 1_000_000


def test_column_names_and_basis_aliases_are_forgiving():
    rows = parse_population_csv(
        "\ufeff Force ,Year,Population,Source\nWiltshire,2021,730000,ONS\n"
    )
    assert rows == [{"force": "Wiltshire", "year": "2021", "population": "730000", "basis": "ONS"}]
    rows = parse_population_csv("force,year,population,population_basis\nDorset,2021,1,ONS\n")
    assert rows[0]["basis"] == "ONS"


def test_year_and_basis_for_a_file_without_those_columns():
    # Given a file with only force and population
    text = csv_text("Wiltshire,730000", "Dorset,", header="force,population")
    # When it is read with a default year and basis
    rows = parse_population_csv(text, default_year=2021, default_basis="ONS mid-2021 estimate")
    # Then every row gets them
    assert rows == [
        {"force": "Wiltshire", "population": "730000", "year": "2021",
         "basis": "ONS mid-2021 estimate"},
        {"force": "Dorset", "population": "", "year": "2021", "basis": "ONS mid-2021 estimate"},
    ]


def test_a_row_with_its_own_year_and_basis_keeps_them():
    rows = parse_population_csv(csv_text("Wiltshire,2020,730000,Own basis"),
                                default_year=2021, default_basis="Default basis")
    assert rows[0]["year"] == "2020"
    assert rows[0]["basis"] == "Own basis"


# --------------------------------------------------------------------------- all or nothing

BAD_ROWS = [
    pytest.param("Wilts Constabulary X,2021,700000,ONS", "force",
                 "'Wilts Constabulary X' is not a known force.", id="unknown-force"),
    pytest.param(",2021,700000,ONS", "force", "The force is missing.", id="missing-force"),
    pytest.param("Wiltshire,2020,-5,ONS", "population",
                 "The population must be greater than zero.", id="negative-population"),
    pytest.param("Wiltshire,2020,0,ONS", "population",
                 "The population must be greater than zero.", id="zero-population"),
    pytest.param("Wiltshire,2020,,ONS", "population", "The population is missing.",
                 id="missing-population"),
    pytest.param("Wiltshire,2020,lots,ONS", "population", "'lots' is not a whole number.",
                 id="non-numeric-population"),
    pytest.param("Wiltshire,2020,12.5,ONS", "population", "'12.5' is not a whole number.",
                 id="fractional-population"),
    pytest.param("Wiltshire,2020,25000000,ONS", "population", "larger than any force area",
                 id="implausible-population"),
    pytest.param("Wiltshire Police,2021,730001,ONS", "year",
                 "Wiltshire 2021 is already given on line 2.", id="duplicate-force-and-year"),
    pytest.param("Wiltshire,twenty,700000,ONS", "year", "'twenty' is not a year",
                 id="year-not-a-number"),
    pytest.param("Wiltshire,1900,700000,ONS", "year", "1900 is outside the years accepted",
                 id="year-too-early"),
    pytest.param("Wiltshire,2999,700000,ONS", "year", "2999 is outside the years accepted",
                 id="year-too-late"),
    pytest.param("Wiltshire,,700000,ONS", "year", "The year is missing.", id="missing-year"),
    pytest.param("Wiltshire,2020,700000,", "basis", "Say where the figure comes from",
                 id="missing-basis"),
    pytest.param("Wiltshire,2020,700000," + "x" * 201, "basis", "200 characters or fewer",
                 id="basis-too-long"),
]


@pytest.mark.parametrize(("bad_row", "column", "message"), BAD_ROWS)
def test_one_bad_row_rejects_the_whole_file(nca_performance_lead, bad_row, column, message):
    # Given the figures held now, and a file of good rows with one bad row on line 3
    before = figures()
    events_before = AuditEvent.objects.count()
    text = csv_text(GOOD_ROWS[0], bad_row, *GOOD_ROWS[1:])

    # When the national performance lead loads it
    with pytest.raises(ImportRejected) as rejected:
        load(nca_performance_lead, text)

    # Then nothing at all has changed, not even the good rows
    assert figures() == before
    assert AuditEvent.objects.count() == events_before

    # And the report names line 3, the column and the problem
    errors = rejected.value.row_errors
    assert [(e.line, e.column) for e in errors] == [(3, column)]
    assert message in errors[0].message
    assert str(errors[0]).startswith(f"line 3, column '{column}': ")
    assert rejected.value.rows_read == 4
    assert str(rejected.value) == "Nothing was imported: 1 problem found in 4 rows."


def test_every_problem_in_a_file_is_reported_with_its_line(nca_performance_lead):
    # Given a file with several bad rows among good ones
    text = csv_text(
        "Wiltshire,2021,730000,ONS",
        "Wiltshre Police,2021,700000,ONS",
        "Dorset,2021,-1,ONS",
        "Dorset,2021,780000,",
        "Wiltshire,2021,730000,ONS",
    )
    before = figures()

    # When it is loaded
    with pytest.raises(ImportRejected) as rejected:
        load(nca_performance_lead, text)

    # Then nothing is loaded and each problem is reported once, on its line
    assert figures() == before
    assert [(e.line, e.column) for e in rejected.value.row_errors] == [
        (3, "force"), (4, "population"), (5, "basis"), (6, "year"),
    ]
    assert "Did you mean 'Wiltshire'?" in rejected.value.row_errors[0].message


@pytest.mark.parametrize(
    ("written", "suggestion"),
    [
        ("Wiltshre", "Wiltshire"),
        ("Wiltshre Police", "Wiltshire"),
        ("Glocestershire Constabulary", "Gloucestershire"),
        ("Avon & Somerest Police", "Avon and Somerset"),
        # The suffixes people add ("Constabulary", "Police") must not hide a near miss.
        ("Wilts Constabulary X", "Wiltshire"),
        ("Dorsett Constabulary", "Dorset"),
        ("Wiltshire Constabulary X", "Wiltshire"),
    ],
)
def test_a_near_miss_force_name_gets_a_did_you_mean_suggestion(written, suggestion):
    # When a file names a force slightly wrongly
    with pytest.raises(ImportRejected) as rejected:
        load(None, csv_text(f'"{written}",2021,700000,ONS'))
    # Then the report suggests the force that was meant
    (error,) = rejected.value.row_errors
    assert f"'{written}' is not a known force." in error.message
    assert f"Did you mean '{suggestion}'?" in error.message


def test_a_name_nothing_like_a_force_gets_the_list_hint():
    with pytest.raises(ImportRejected) as rejected:
        load(None, csv_text("Gotham City,2021,700000,ONS"))
    (error,) = rejected.value.row_errors
    assert "Did you mean" not in error.message
    assert "Use one of the 43 force names." in error.message


# --------------------------------------------------------------------------- who may load


def test_a_force_performance_lead_cannot_load_another_forces_figures(
    wiltshire_performance_lead,
):
    # Given the Wiltshire performance lead and a file including a Dorset figure
    before = figures()
    # When they load it
    with pytest.raises(ImportRejected) as rejected:
        load(wiltshire_performance_lead, csv_text(*GOOD_ROWS))
    # Then the Dorset row is refused, and so nothing is loaded
    (error,) = rejected.value.row_errors
    assert (error.line, error.column) == (4, "force")
    assert "You may not load figures for Dorset" in error.message
    assert figures() == before


def test_a_rocu_performance_lead_may_load_its_regions_forces_only(make_user, org):
    swrocu_lead = make_user(org("SWROCU"), Role.PERFORMANCE_LEAD)
    assert load(swrocu_lead, csv_text(*GOOD_ROWS)).created == 3
    with pytest.raises(ImportRejected, match="1 problem"):
        load(swrocu_lead, csv_text("Derbyshire,2021,1000000,ONS"))


@pytest.mark.parametrize("persona", ["wiltshire_analyst", "wiltshire_validator", "inspector"])
def test_only_administrators_and_performance_leads_may_load(request, persona):
    user = request.getfixturevalue(persona)
    before = figures()
    with pytest.raises(PermissionDenied):
        load(user, csv_text(*GOOD_ROWS))
    assert figures() == before


def test_an_administrator_may_load_their_forces_figures(wiltshire_admin):
    assert load(wiltshire_admin, csv_text(*GOOD_ROWS[:2])).created == 2


# --------------------------------------------------------------------------- malformed files


def test_an_empty_file_is_rejected():
    with pytest.raises(ImportRejected) as rejected:
        parse_population_csv("")
    assert [(e.line, e.message) for e in rejected.value.row_errors] == [
        (1, "The file is empty: it needs a header row.")
    ]


def test_a_header_without_rows_is_rejected(nca_performance_lead):
    with pytest.raises(ImportRejected) as rejected:
        load(nca_performance_lead, HEADER + "\n")
    assert [e.message for e in rejected.value.row_errors] == [
        "The file has a header but no rows of figures."
    ]


def test_a_header_without_the_required_columns_is_rejected():
    # Given a file whose header has none of the columns socmap needs
    with pytest.raises(ImportRejected) as rejected:
        parse_population_csv("name,people\nWiltshire,730000\n")
    # Then each missing column is named, on line 1
    assert [(e.line, e.column) for e in rejected.value.row_errors] == [
        (1, "force"), (1, "population"), (1, "year"),
    ]
    assert rejected.value.row_errors[0].message == "The header has no 'force' column."


def test_a_missing_year_column_is_fine_with_a_default_year():
    rows = parse_population_csv("force,population,basis\nWiltshire,1,ONS\n", default_year=2021)
    assert rows[0]["year"] == "2021"


# --------------------------------------------------------------------------- the command


@pytest.fixture
def csv_file(tmp_path):
    def write(text: str, name: str = "populations.csv"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def test_the_command_loads_a_file(csv_file, org):
    # Given a good file on disk
    path = csv_file(csv_text(*GOOD_ROWS))
    out = io.StringIO()
    # When the operator runs the command
    call_command("load-populations", str(path), stdout=out)
    # Then the figures are loaded and the summary printed
    assert "Loaded 3 rows: 3 new, 0 corrected, 0 unchanged." in out.getvalue()
    assert PopulationFigure.objects.filter(year=2021).count() == 2
    event = AuditEvent.objects.filter(action="populations.loaded").latest("id")
    assert event.actor is None
    assert event.actor_name == "system"


def test_the_command_uses_year_and_basis_options(csv_file, org):
    path = csv_file(csv_text("Wiltshire,730000", "Dorset Police,780000",
                             header="force,population"))
    call_command("load-populations", str(path), "--year", "2021",
                 "--basis", "ONS mid-2021 estimate", stdout=io.StringIO())
    figure = PopulationFigure.objects.get(force=org("Dorset"), year=2021)
    assert (figure.population, figure.basis) == (780_000, "ONS mid-2021 estimate")


def test_the_command_without_a_year_for_a_yearless_file_fails(csv_file):
    path = csv_file(csv_text("Wiltshire,730000", header="force,population"))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("load-populations", str(path), "--basis", "ONS", stdout=io.StringIO(),
                     stderr=err)
    assert "The header has no 'year' column." in err.getvalue()


def test_the_command_reports_row_errors_on_stderr_and_loads_nothing(csv_file):
    # Given a file with a bad force name and a negative population
    path = csv_file(csv_text(GOOD_ROWS[0], "Wilts Constabulary X,2021,1,ONS",
                             "Dorset,2021,-4,ONS"))
    before = figures()
    err = io.StringIO()
    # When the command runs
    with pytest.raises(CommandError, match="Nothing was imported: 2 problems found in 3 rows"):
        call_command("load-populations", str(path), stdout=io.StringIO(), stderr=err)
    # Then each problem is printed with its line, and nothing was loaded
    assert "line 3, column 'force': 'Wilts Constabulary X' is not a known force." in (
        err.getvalue()
    )
    assert "line 4, column 'population': The population must be greater than zero." in (
        err.getvalue()
    )
    assert figures() == before


def test_the_command_refuses_an_empty_file(csv_file):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("load-populations", str(csv_file("")), stdout=io.StringIO(), stderr=err)
    assert "line 1: The file is empty" in err.getvalue()


def test_the_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("load-populations", str(tmp_path / "nope.csv"))


def test_the_command_acting_as_an_analyst_is_refused(csv_file, wiltshire_analyst):
    path = csv_file(csv_text(GOOD_ROWS[0]))
    before = figures()
    with pytest.raises(CommandError, match="Performance lead"):
        call_command("load-populations", str(path), "--as", "Wiltshire.Analyst",
                     stdout=io.StringIO())
    assert figures() == before


def test_the_command_acting_as_a_force_lead_applies_their_area(
    csv_file, wiltshire_performance_lead
):
    path = csv_file(csv_text(*GOOD_ROWS))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("load-populations", str(path), "--as", "wiltshire.performance",
                     stdout=io.StringIO(), stderr=err)
    assert "You may not load figures for Dorset" in err.getvalue()
    call_command("load-populations", str(csv_file(csv_text(*GOOD_ROWS[:2]))), "--as",
                 "wiltshire.performance", stdout=io.StringIO())
    event = AuditEvent.objects.filter(action="populations.loaded").latest("id")
    assert event.actor == wiltshire_performance_lead


def test_the_command_refuses_an_unknown_actor(csv_file):
    with pytest.raises(CommandError, match="no active user called 'nobody'"):
        call_command("load-populations", str(csv_file(csv_text(GOOD_ROWS[0]))),
                     "--as", "nobody", stdout=io.StringIO())


def test_the_command_reads_a_spreadsheet_saved_in_windows_encoding(tmp_path, org):
    path = tmp_path / "cp1252.csv"
    path.write_bytes(csv_text("Wiltshire,2021,730000,ONS mid-2021 \u2013 revised")
                     .encode("cp1252"))
    call_command("load-populations", str(path), stdout=io.StringIO())
    assert PopulationFigure.objects.get(force=org("Wiltshire"), year=2021).basis == (
        "ONS mid-2021 \u2013 revised"
    )


# --------------------------------------------------------------------------- the web page


def upload(text: str, name: str = "populations.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_a_performance_lead_uploads_figures_on_the_web(client_for, wiltshire_performance_lead):
    # When the Wiltshire performance lead uploads a good file
    response = client_for(wiltshire_performance_lead).post(
        reverse("orgs:population-import"), {"file": upload(csv_text(*GOOD_ROWS[:2]))}
    )
    # Then they go back to the population list and the figures are there
    assert response.status_code == 302
    assert response.url == reverse("orgs:population-list")
    assert PopulationFigure.objects.filter(year__in=[2021, 2022]).count() == 2


def test_the_web_upload_uses_year_and_basis_fields(client_for, wiltshire_performance_lead, org):
    response = client_for(wiltshire_performance_lead).post(
        reverse("orgs:population-import"),
        {"file": upload(csv_text("Wiltshire,731000", header="force,population")),
         "year": "2021", "basis": "ONS mid-2021 estimate"},
    )
    assert response.status_code == 302
    figure = PopulationFigure.objects.get(force=org("Wiltshire"), year=2021)
    assert (figure.population, figure.basis) == (731_000, "ONS mid-2021 estimate")


def test_a_rejected_web_upload_shows_each_row_error(client_for, wiltshire_performance_lead):
    # Given a file with a near-miss force name
    before = figures()
    # When it is uploaded
    response = client_for(wiltshire_performance_lead).post(
        reverse("orgs:population-import"),
        {"file": upload(csv_text(GOOD_ROWS[0], "Wiltshre,2022,700000,ONS"))},
    )
    # Then the page answers 400, lists the problem with its line, and nothing is loaded
    assert response.status_code == 400
    assert [(e.line, e.column) for e in response.context["row_errors"]] == [(3, "force")]
    content = response.content.decode()
    assert "Did you mean" in content
    assert "Wiltshre" in content
    assert figures() == before


def test_an_analyst_cannot_open_or_post_the_upload_page(client_for, wiltshire_analyst):
    client = client_for(wiltshire_analyst)
    assert client.get(reverse("orgs:population-import")).status_code == 403
    before = figures()
    response = client.post(reverse("orgs:population-import"),
                           {"file": upload(csv_text(*GOOD_ROWS))})
    assert response.status_code == 403
    assert figures() == before


# --------------------------------------------------------------------------- the API


def test_a_national_performance_lead_imports_through_the_api(client_for, nca_performance_lead):
    response = client_for(nca_performance_lead).post(
        "/api/populations/import", {"file": upload(csv_text(*GOOD_ROWS))}
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 3, "updated": 0, "unchanged": 0, "rows": 3}


def test_the_api_takes_year_and_basis_as_form_fields(client_for, nca_performance_lead, org):
    response = client_for(nca_performance_lead).post(
        "/api/populations/import",
        {"file": upload(csv_text("Wiltshire,731000", header="force,population")),
         "year": "2021", "basis": "ONS mid-2021 estimate"},
    )
    assert response.status_code == 200, response.content
    assert PopulationFigure.objects.get(force=org("Wiltshire"), year=2021).basis == (
        "ONS mid-2021 estimate"
    )


def test_a_rejected_api_import_lists_row_errors(client_for, wiltshire_performance_lead):
    before = figures()
    response = client_for(wiltshire_performance_lead).post(
        "/api/populations/import",
        {"file": upload(csv_text(*GOOD_ROWS, "Wiltshire,2023,,ONS"))},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["rows_read"] == 4
    assert body["detail"] == "Nothing was imported: 2 problems found in 4 rows."
    assert body["row_errors"] == [
        {"line": 4, "column": "force",
         "message": "You may not load figures for Dorset: it is outside your organisation's "
                    "area."},
        {"line": 5, "column": "population", "message": "The population is missing."},
    ]
    assert figures() == before


def test_an_analyst_gets_403_from_the_import_api(client_for, wiltshire_analyst):
    before = figures()
    response = client_for(wiltshire_analyst).post(
        "/api/populations/import", {"file": upload(csv_text(*GOOD_ROWS))}
    )
    assert response.status_code == 403
    assert "Performance lead" in response.json()["detail"]
    assert figures() == before


def test_an_empty_upload_is_a_400_not_a_crash(client_for, nca_performance_lead):
    response = client_for(nca_performance_lead).post(
        "/api/populations/import", {"file": upload("", name="empty.csv")}
    )
    assert response.status_code == 400


def test_populations_are_listed_by_the_api(client, client_for, wiltshire_analyst):
    load(None, csv_text(*GOOD_ROWS))
    body = client_for(wiltshire_analyst).get("/api/populations", {"year": 2021}).json()
    assert body["count"] == 2
    assert {(item["force"], item["population"]) for item in body["items"]} == {
        ("Wiltshire", 730_000), ("Dorset", 780_000)
    }
    assert json.loads(client.get("/api/populations").content)["detail"]  # anonymous: refused


def test_the_year_limit_follows_the_calendar():
    # A figure up to five years ahead (a projection) is accepted; six is not.
    this_year = timezone.localdate().year
    load(None, csv_text(f"Wiltshire,{this_year + 5},730000,ONS projection"))
    with pytest.raises(ImportRejected):
        load(None, csv_text(f"Wiltshire,{this_year + 6},730000,ONS projection"))
