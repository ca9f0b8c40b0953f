"""Hypothesis on the import parsers and forms: whatever a file or a form holds - random
text, random bytes, values of the right columns drawn at random, hostile strings - the
parser either accepts it or rejects it with a clear error (ImportRejected / InvalidInput /
form errors), never with another exception, and a rejected import changes nothing.

``SOCMAP_HYPOTHESIS_EXAMPLES`` sets the number of examples (``make fuzz`` raises it).
"""

from __future__ import annotations

import contextlib
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socmap.errors import ImportRejected, InvalidInput

pytestmark = pytest.mark.django_db
EXAMPLES = int(os.environ.get("SOCMAP_HYPOTHESIS_EXAMPLES", "15"))
FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)

HOSTILE = st.sampled_from(
    [
        "",
        " ",
        "=1+1",
        "+SUM(A1)",
        "-2",
        "@cmd",
        "<script>alert(1)</script>",
        "'; DROP TABLE x;--",
        "\x00",
        "\u202e",
        "0" * 500,
        "9" * 40,
        "2026-02-30",
        "31/12/1899",
        "NaN",
        "inf",
        "-0",
        "OCG-000001",
        "wiltshire",
        "Wiltshire",
        "1e308",
        "\r\n",
        "\ufeff",
        "é" * 300,
    ]
)
# Rows handed to the importers come from files (decode_csv_bytes refuses a NUL byte) or the
# API (BadInputMiddleware refuses NUL): they never hold one, so the row values leave it out.
VALUE = st.one_of(
    HOSTILE.filter(lambda v: "\x00" not in v),
    st.text(max_size=60, alphabet=st.characters(blacklist_characters="\x00")),
)


def rows_of(columns, max_rows=3):
    return st.lists(
        st.fixed_dictionaries(dict.fromkeys(columns, VALUE)), min_size=1, max_size=max_rows
    )


def _counts(*models):
    return [m.objects.count() for m in models]


@pytest.fixture
def officer(make_user, org):
    from socmap.reference import ensure_all

    ensure_all()
    return make_user(
        org("Wiltshire"), "analyst", "performance_lead", "administrator", username="fuzz.officer"
    )


# --------------------------------------------------------------------------- file readers


@FUZZ
@given(data=st.one_of(st.binary(max_size=400), st.text(max_size=400).map(str.encode)))
def test_reading_any_bytes_as_a_csv_or_xlsx_import_file_is_safe(data):
    from socmap.disruptions.files import read_table
    from socmap.orgs.uploads import decode_csv_bytes

    for name in ("import.csv", "import.xlsx"):
        with contextlib.suppress(ImportRejected):
            read_table(name, data)
    with contextlib.suppress(ImportRejected):
        decode_csv_bytes(data)


@FUZZ
@given(
    text=st.one_of(
        st.text(max_size=300),
        rows_of(["force", "year", "population", "basis"]).map(
            lambda rows: (
                "force,year,population,basis\n"
                + "\n".join(",".join(r.values()).replace("\n", " ") for r in rows)
            )
        ),
    )
)
def test_a_population_file_is_loaded_or_rejected_whole(officer, text):
    from socmap.orgs.models import PopulationFigure
    from socmap.orgs.services import load_populations, parse_population_csv

    before = _counts(PopulationFigure)
    try:
        load_populations(actor=officer, rows=parse_population_csv(text), source_name="fuzz.csv")
    except (ImportRejected, InvalidInput):
        assert _counts(PopulationFigure) == before


# --------------------------------------------------------------------------- row importers


@FUZZ
@given(rows=rows_of(["surname", "forenames", "date_of_birth", "pnc_id", "gender", "aliases"]))
def test_a_nominal_import_is_all_or_nothing(officer, rows):
    from socmap.people.models import Nominal
    from socmap.people.services import import_nominals

    before = _counts(Nominal)
    try:
        import_nominals(actor=officer, rows=rows, owner=officer.organisation)
    except (ImportRejected, InvalidInput):
        assert _counts(Nominal) == before


@FUZZ
@given(
    rows=rows_of(
        [
            "kind",
            "name",
            "predominant_crime_type",
            "tier",
            "status",
            "operation_names",
            "methodology",
        ]
    )
)
def test_a_threat_import_is_all_or_nothing(officer, rows):
    from socmap.threats.models import Threat
    from socmap.threats.services import import_threats

    before = _counts(Threat)
    try:
        import_threats(actor=officer, rows=rows, owner=officer.organisation)
    except (ImportRejected, InvalidInput):
        assert _counts(Threat) == before


@FUZZ
@given(
    rows=rows_of(
        [
            "threats",
            "date",
            "category",
            "tactic",
            "grade",
            "grade_rationale",
            "arrests",
            "cash_seized",
            "narrative",
        ]
    )
)
def test_a_disruption_import_is_all_or_nothing(officer, rows):
    from socmap.disruptions.models import Disruption
    from socmap.disruptions.services import import_disruptions

    before = _counts(Disruption)
    try:
        import_disruptions(actor=officer, rows=rows, owner=officer.organisation)
    except (ImportRejected, InvalidInput):
        assert _counts(Disruption) == before


@pytest.fixture
def cleared_officer(officer):
    import datetime as dt

    from django.utils import timezone

    from socmap.intel.services import grant_clearance

    grant_clearance(
        actor=None,
        user=officer,
        level="secret",
        reason="Officer",
        expires_on=timezone.localdate() + dt.timedelta(days=30),
    )
    return officer


@FUZZ
@given(kind=st.sampled_from(["reports", "sars", "arrests"]), data=st.data())
def test_an_intelligence_import_is_all_or_nothing(cleared_officer, kind, data):
    from socmap.intel import services
    from socmap.intel.models import ForeignNationalArrest, IntelligenceReport
    from socmap.intel.models import SuspiciousActivityReport as Sar

    columns = {
        "reports": services.REPORT_COLUMNS,
        "sars": services.SAR_COLUMNS,
        "arrests": services.ARREST_COLUMNS,
    }[kind]
    rows = data.draw(rows_of(columns))
    importer = {
        "reports": services.import_reports,
        "sars": services.import_sars,
        "arrests": services.import_arrests,
    }[kind]
    before = _counts(IntelligenceReport, Sar, ForeignNationalArrest)
    try:
        importer(actor=cleared_officer, rows=rows, owner=cleared_officer.organisation)
    except (ImportRejected, InvalidInput):
        assert _counts(IntelligenceReport, Sar, ForeignNationalArrest) == before


# --------------------------------------------------------------------------- forms


@FUZZ
@given(
    values=st.fixed_dictionaries(
        {
            "kind": VALUE,
            "name": VALUE,
            "description": VALUE,
            "tier": VALUE,
            "owner": VALUE,
            "status": VALUE,
            "predominant_crime_type": VALUE,
            "operation_names": VALUE,
            "lro": VALUE,
            "methodology": VALUE,
            "forces": VALUE,
        }
    )
)
def test_the_threat_forms_validate_anything_without_crashing(officer, values):
    from socmap.threats.forms import EditThreatForm, MapThreatForm

    for form_class in (MapThreatForm, EditThreatForm):
        form = form_class(values, user=officer)
        form.is_valid()  # errors are fine; an exception is not
        if form.is_valid() and hasattr(form, "threat_fields"):
            form.threat_fields()


@FUZZ
@given(
    values=st.fixed_dictionaries(
        {
            "threats": VALUE,
            "occurred_on": VALUE,
            "category": VALUE,
            "tactic": VALUE,
            "grade": VALUE,
            "rationale": VALUE,
            "acting_organisation": VALUE,
            "arrests": VALUE,
            "narrative": VALUE,
            "evidence": VALUE,
            "nominals": VALUE,
            "version": VALUE,
        }
    )
)
def test_the_disruption_form_validates_anything_without_crashing(officer, values):
    from socmap.disruptions.forms import DisruptionForm

    form = DisruptionForm(values, user=officer)
    if form.is_valid():
        form.disruption_fields()


@FUZZ
@given(
    values=st.fixed_dictionaries(
        {
            "surname": VALUE,
            "forenames": VALUE,
            "date_of_birth": VALUE,
            "gender": VALUE,
            "pnc_id": VALUE,
            "notes": VALUE,
        }
    )
)
def test_the_nominal_form_validates_anything_without_crashing(officer, values):
    from socmap.people.forms import NominalForm

    NominalForm(values, viewer=officer).is_valid()
