"""Regression tests for what fuzzing found: each input once crashed socmap (a server error)
and now gets a clear 400 and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from socmap.intel.models import IntelligenceReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def cleared(wiltshire_analyst):
    from socmap.intel.services import grant_clearance
    from socmap.reference import ensure_all

    ensure_all()
    grant_clearance(
        actor=None,
        user=wiltshire_analyst,
        level="secret",
        reason="Officer",
        expires_on=timezone.localdate() + dt.timedelta(days=30),
    )
    return wiltshire_analyst


REPORT = {
    "reported_on": "2026-01-05",
    "text": "Subject seen at the lock-up.",
    "source_type": "officer",
    "grading_system": "3x5x2",
    "source_evaluation": "1",
    "intelligence_assessment": "A",
    "handling_code": "P",
    "classification": "official_sensitive",
}


@pytest.mark.parametrize("threat", ["", "OCG-99999999999999999999999", "OCG-²", "  "])
def test_a_report_linked_to_a_blank_or_impossible_threat_is_a_field_error(
    client_for, cleared, threat
):
    # Found by schemathesis: a blank threat reference reached the scoping module as None
    # (500); a reference with a huge or non-ASCII number overflowed or failed int() (500).
    response = client_for(cleared).post(
        "/api/intel/reports", {**REPORT, "threats": [threat]}, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert "threats" in response.json()["errors"]
    assert not IntelligenceReport.objects.exists()


HUGE = 10**30


def test_a_number_beyond_the_databases_range_is_bad_input_not_a_crash(
    client_for, wiltshire_analyst
):
    # Found by schemathesis: ids and day counts beyond 64 bits reached the database or date
    # arithmetic (OverflowError on SQLite, DataError on PostgreSQL: 500).
    client = client_for(wiltshire_analyst)
    mine = client.get(f"/api/plans/mine?within={HUGE}")
    assert mine.status_code == 400
    assert "too large" in mine.json()["detail"]
    package = client.post(
        "/api/intel/packages",
        {"sars": [HUGE], "produced_on": "2026-01-01", "summary": "Package"},
        content_type="application/json",
    )
    assert package.status_code == 400


def test_a_nul_character_is_refused_everywhere(client_for, wiltshire_analyst):
    # PostgreSQL cannot store NUL; on SQLite it would be stored and shown. Refused up front.
    client = client_for(wiltshire_analyst)
    api = client.post(
        "/api/people/nominals", '{"surname": "Co\\u0000le"}', content_type="application/json"
    )
    assert api.status_code == 400 and "NUL" in api.json()["detail"]
    page = client.post("/people/new/", {"surname": "Co\x00le", "forenames": "Jay"})
    assert page.status_code == 400 and b"ull characters are not allowed" in page.content
    urlencoded = client.post(
        "/people/new/",
        "surname=Co%00le&forenames=Jay",
        content_type="application/x-www-form-urlencoded",
    )
    assert urlencoded.status_code == 400
    query = client.get("/threats/?q=a%00b")
    assert query.status_code == 400
    from socmap.people.models import Nominal

    assert not Nominal.objects.exists()


def test_a_request_body_beyond_the_limit_is_refused_before_it_is_read(
    client_for, wiltshire_analyst, settings
):
    settings.SOCMAP_MAX_REQUEST_BYTES = 2_000
    response = client_for(wiltshire_analyst).post(
        "/api/people/nominals",
        '{"surname": "' + "x" * 5_000 + '"}',
        content_type="application/json",
    )
    assert response.status_code == 413
    assert "the limit is 2,000" in response.json()["detail"]


@pytest.fixture
def importer(make_user, org):
    from socmap.reference import ensure_all

    ensure_all()
    user = make_user(org("Wiltshire"), "analyst", "performance_lead", "administrator")
    from socmap.intel.services import grant_clearance

    grant_clearance(
        actor=None,
        user=user,
        level="secret",
        reason="Officer",
        expires_on=timezone.localdate() + dt.timedelta(days=30),
    )
    return user


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/populations/import", "file"),
        ("/api/disruptions/import", "file"),
        ("/api/intel/imports/reports", "file"),
        ("/populations/import/", "file"),
        ("/disruptions/import/", "file"),
        ("/intel/import/", "file"),
    ],
)
def test_an_import_file_over_the_limit_is_refused_with_the_limit(
    client_for, importer, settings, url, field
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.SOCMAP_MAX_UPLOAD_BYTES = 1_000
    upload = SimpleUploadedFile("big.csv", b"threats,date\n" + b"x," * 2_000, "text/csv")
    response = client_for(importer).post(
        url, {field: upload, "kind": "reports", "status": "submitted"}
    )
    assert response.status_code == 400, response.content[:300]
    assert b"the limit is 1,000" in response.content


@pytest.mark.parametrize("url", ["/api/disruptions/import", "/api/intel/imports/reports"])
def test_a_malformed_csv_is_a_clear_rejection(client_for, importer, url):
    # Found by hypothesis: a carriage return inside an unquoted field made the csv module
    # raise (500); now the file is rejected with what is wrong.
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("odd.csv", b'threats,date\n"OCG-1\r,2026', "text/csv")
    response = client_for(importer).post(url, {"file": upload})
    assert response.status_code == 400, response.content[:300]
    assert "Nothing was imported" in response.json()["detail"]


def test_a_population_row_with_more_cells_than_the_header_is_not_a_crash():
    # Found by hypothesis: the extra cells came back under a key None, as a list.
    from socmap.orgs.services import parse_population_csv

    rows = parse_population_csv("force,year,population\nWiltshire,2024,700000,extra,cells\n")
    assert rows == [{"force": "Wiltshire", "year": "2024", "population": "700000"}]


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-inf", "sNaN"])
def test_a_sar_amount_that_is_not_a_number_is_a_row_error_not_a_crash(cleared, amount):
    from socmap.errors import ImportRejected
    from socmap.intel.models import SuspiciousActivityReport
    from socmap.intel.services import import_sars

    row = {
        "reference": "UKFIU-000123",
        "received_on": "2026-01-05",
        "reporter_sector": "bank",
        "amount": amount,
        "subject": "Cash deposits",
        "status": "",
        "triaged_on": "",
    }
    with pytest.raises(ImportRejected) as rejected:
        import_sars(actor=cleared, rows=[row], owner=cleared.organisation)
    assert "is not an amount of money" in str([e.__dict__ for e in rejected.value.row_errors])
    assert not SuspiciousActivityReport.objects.exists()
