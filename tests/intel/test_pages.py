"""The intelligence pages, and who may see what: the original text only for cleared users in
scope, on request and audited; sanitised copies for partners they are shared with."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from socmap.audit.models import AuditEvent
from socmap.intel import services
from socmap.intel.models import (
    ForeignNationalArrest,
    IntelClearance,
    IntelligenceReport,
    SanitisedCopy,
    SuspiciousActivityReport,
    TriggerReport,
)
from tests.threat_page import as_shown

from .conftest import ORIGINAL, clear

DAY = dt.timedelta(days=1)
SECRET_WORDS = "Red Lion car wash"
CLEAN = "Subject COLE is storing cocaine in Chippenham."


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def made(report, cleared_analyst, council_partner):
    """A report, a sanitised copy shared with Wiltshire Council, and one not shared."""
    original = report()
    shared = services.sanitise_report(actor=cleared_analyst, report=original, text=CLEAN)
    services.share_copy(
        actor=cleared_analyst, copy=shared, organisation=council_partner.organisation
    )
    kept = services.sanitise_report(actor=cleared_analyst, report=original, text=CLEAN + " Kept.")
    return {"report": original, "shared": shared, "kept": kept}


# --------------------------------------------------------------------------- the original


def test_a_cleared_analyst_reads_the_original_on_request(client_for, cleared_analyst, made):
    client = client_for(cleared_analyst)
    url = reverse("intel:report", args=[made["report"].pk])
    page = client.get(url).content.decode()
    assert SECRET_WORDS not in page and "Read the original" in page
    read = client.post(url).content.decode()
    assert SECRET_WORDS in read and "your reading is recorded" in read
    assert (
        AuditEvent.objects.filter(action="intel.original_read", actor=cleared_analyst).count() == 1
    )


def test_an_uncleared_analyst_sees_the_grading_and_the_sanitised_copy_only(
    client_for, uncleared_analyst, made
):
    client = client_for(uncleared_analyst)
    url = reverse("intel:report", args=[made["report"].pk])
    page = client.get(url).content.decode()
    assert "The original is withheld" in page and "2BC" in page
    assert CLEAN in page and SECRET_WORDS not in page
    assert client.post(url).status_code == 403
    assert not AuditEvent.objects.filter(action="intel.original_read").exists()


def test_searching_never_reveals_what_an_uncleared_user_cannot_read(
    client_for, uncleared_analyst, cleared_analyst, made
):
    term = {"q": "Red Lion"}
    uncleared = client_for(uncleared_analyst).get(reverse("intel:list"), term).content.decode()
    assert "No reports match these filters" in uncleared
    cleared = client_for(cleared_analyst).get(reverse("intel:list"), term).content.decode()
    assert made["report"].reference in cleared
    by_copy = client_for(uncleared_analyst).get(reverse("intel:list"), {"q": "Chippenham"})
    assert made["report"].reference in by_copy.content.decode()


def test_exports_carry_gradings_never_the_original(client_for, cleared_analyst, made):
    response = client_for(cleared_analyst).get(reverse("intel:list"), {"format": "csv"})
    body = response.content.decode()
    assert SECRET_WORDS not in body and ORIGINAL not in body
    rows = _csv(response)
    assert rows[0][0] == "reference" and rows[1][6] == "2BC"


# --------------------------------------------------------------------------- scoping matrix


@pytest.mark.parametrize(
    "who, sees_report, reads",
    [
        ("cleared_analyst", True, True),
        ("uncleared_analyst", True, False),
        ("cleared_rocu", True, True),
        ("swrocu_officer", True, True),
        ("nca_officer", True, False),
        ("inspector", True, False),
        ("dorset_analyst", False, False),
        ("council_partner", False, False),
        ("other_partner", False, False),
    ],
)
def test_who_sees_a_report_and_who_reads_it(
    request, client_for, made, who, sees_report, reads, make_user, org
):
    if who == "other_partner":
        from socmap.orgs.models import Organisation, OrganisationKind

        hmrc = Organisation.objects.filter(kind=OrganisationKind.PARTNER).exclude(
            slug="wiltshire-council"
        ).first() or Organisation.objects.create(
            name="HM Revenue and Customs",
            slug="hmrc",
            kind=OrganisationKind.PARTNER,
            sector="hmrc",
        )
        user = make_user(hmrc, "partner")
    else:
        user = request.getfixturevalue(who)
        if who == "swrocu_officer":
            clear(user)
    client = client_for(user)
    report_url = reverse("intel:report", args=[made["report"].pk])
    assert client.get(report_url).status_code == (200 if sees_report else 404)
    if sees_report:
        assert client.post(report_url).status_code == (200 if reads else 403)
    listed = client.get(reverse("intel:list")).content.decode()
    assert (made["report"].reference in listed) == sees_report
    shared_ok = sees_report or who == "council_partner"
    assert client.get(reverse("intel:copy", args=[made["shared"].pk])).status_code == (
        200 if shared_ok else 404
    )
    assert client.get(reverse("intel:copy", args=[made["kept"].pk])).status_code == (
        200 if sees_report else 404
    )


def test_a_partner_reads_the_shared_copy_with_its_conditions(client_for, council_partner, made):
    client = client_for(council_partner)
    page = client.get(reverse("intel:shared")).content.decode()
    assert made["shared"].reference in page and made["kept"].reference not in page
    assert "Not to be used in evidence" in page
    detail = client.get(reverse("intel:copy", args=[made["shared"].pk])).content.decode()
    assert CLEAN in detail and made["report"].reference not in detail
    home = client.get(reverse("intel:list")).content.decode()
    assert "Partner agencies see sanitised intelligence" in home
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Intelligence shared with you" in dashboard and made["shared"].reference in dashboard


def test_anonymous_visitors_are_sent_to_sign_in(client, made):
    for url in (
        reverse("intel:list"),
        reverse("intel:report", args=[made["report"].pk]),
        reverse("intel:copy", args=[made["shared"].pk]),
        reverse("intel:triggers"),
        reverse("intel:measures"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response.url


# --------------------------------------------------------------------------- recording, sanitising


def _report_post(**overrides) -> dict:
    data = {
        "reported_on": (dt.date.today() - DAY).isoformat(),
        "source_type": "public",
        "grading_system": "3x5x2",
        "source_evaluation": "2",
        "intelligence_assessment": "C",
        "handling_code": "C",
        "handling_conditions": "",
        "classification": "official_sensitive",
        "text": "Seen at [[number 4]] dealing.",
    }
    data.update(overrides)
    return data


def test_recording_a_report_on_the_page_refuses_code_c_without_conditions(
    client_for, cleared_analyst
):
    client = client_for(cleared_analyst)
    refused = client.post(reverse("intel:record"), _report_post())
    assert refused.status_code == 400
    assert "Handling code C permits sharing only subject to conditions" in refused.content.decode()
    assert not IntelligenceReport.objects.exists()
    mixed = client.post(
        reverse("intel:record"), _report_post(source_evaluation="B", handling_conditions="x")
    )
    assert "is a 5x5x5 source evaluation" in mixed.content.decode()
    done = client.post(reverse("intel:record"), _report_post(handling_conditions="Police only"))
    assert done.status_code == 302
    assert IntelligenceReport.objects.get().handling_conditions == "Police only"


def test_an_uncleared_analyst_is_told_why_they_cannot_record(client_for, uncleared_analyst):
    response = client_for(uncleared_analyst).post(
        reverse("intel:record"), _report_post(handling_conditions="Police only")
    )
    assert response.status_code == 400 and "you need clearance" in response.content.decode()


def test_the_sanitise_page_drafts_without_the_marked_passages(client_for, cleared_analyst, made):
    client = client_for(cleared_analyst)
    url = reverse("intel:sanitise", args=[made["report"].pk])
    draft = client.get(url).content.decode()
    assert "source-identifying detail removed" in draft and SECRET_WORDS not in draft
    refused = client.post(
        url,
        {
            "text": "From the Red Lion car wash",
            "classification": "official",
            "handling_conditions": "x",
        },
    )
    assert refused.status_code == 400 and "marked as source-identifying" in refused.content.decode()
    before = SanitisedCopy.objects.count()
    client.post(
        url,
        {"text": "Clean text", "classification": "official", "handling_conditions": "Police only"},
    )
    assert SanitisedCopy.objects.count() == before + 1


def test_an_uncleared_analyst_cannot_sanitise(client_for, uncleared_analyst, made):
    assert (
        client_for(uncleared_analyst)
        .get(reverse("intel:sanitise", args=[made["report"].pk]))
        .status_code
        == 403
    )


def test_sharing_a_copy_from_its_page(client_for, cleared_analyst, made, org):
    client = client_for(cleared_analyst)
    response = client.post(
        reverse("intel:share", args=[made["kept"].pk]), {"organisation": org("Dorset").pk}
    )
    assert response.status_code == 302
    page = client.get(reverse("intel:copy", args=[made["kept"].pk])).content.decode()
    assert "Dorset" in page


# --------------------------------------------------------------------------- clearance


def test_an_administrator_grants_and_withdraws_clearance_on_the_page(
    client_for, wiltshire_admin, uncleared_analyst
):
    client = client_for(wiltshire_admin)
    page = client.get(reverse("intel:clearances")).content.decode()
    assert "No one in your organisations is cleared" in page
    response = client.post(
        reverse("intel:clearances"),
        {
            "user": uncleared_analyst.pk,
            "level": "secret",
            "expires_on": (dt.date.today() + 100 * DAY).isoformat(),
            "reason": "SOC unit",
        },
    )
    assert response.status_code == 302
    clearance = IntelClearance.objects.get()
    assert (
        uncleared_analyst.display_name in client.get(reverse("intel:clearances")).content.decode()
    )
    client.post(reverse("intel:revoke", args=[clearance.pk]), {"reason": "Moved on"})
    clearance.refresh_from_db()
    assert clearance.revoked_at is not None


def test_only_administrators_open_the_clearance_page(client_for, cleared_analyst, inspector):
    assert client_for(cleared_analyst).get(reverse("intel:clearances")).status_code == 403
    assert client_for(inspector).get(reverse("intel:clearances")).status_code == 403


def test_an_administrator_cannot_see_clearances_of_another_force(
    client_for, wiltshire_admin, dorset_analyst, make_user, org
):
    clear(dorset_analyst)
    page = client_for(wiltshire_admin).get(reverse("intel:clearances")).content.decode()
    assert dorset_analyst.username not in page
    dorset_admin = make_user(org("Dorset"), "administrator")
    clearance = IntelClearance.objects.get()
    assert (
        client_for(wiltshire_admin)
        .post(reverse("intel:revoke", args=[clearance.pk]), {"reason": "x"})
        .status_code
        == 404
    )
    assert (
        dorset_analyst.username
        in client_for(dorset_admin).get(reverse("intel:clearances")).content.decode()
    )


# --------------------------------------------------------------------------- trigger reports


def test_a_partner_sends_a_trigger_report_and_the_rocu_accepts_it(
    client_for, council_partner, swrocu_officer, wiltshire_analyst
):
    partner = client_for(council_partner)
    response = partner.post(
        reverse("intel:submit-trigger"),
        {
            "title": "Cuckooed flat at Broadway",
            "summary": "Dealing from a tenant's flat.",
            "suggested_kind": "ocg",
            "crime_type": "drugs",
        },
    )
    trigger = TriggerReport.objects.get()
    assert response.status_code == 302
    rocu = client_for(swrocu_officer)
    queue = rocu.get(reverse("intel:triggers")).content.decode()
    assert trigger.reference in queue
    assert (
        trigger.reference
        not in client_for(wiltshire_analyst).get(reverse("intel:triggers")).content.decode()
    )
    accepted = rocu.post(
        reverse("intel:accept-new", args=[trigger.pk]),
        {
            "name": "Broadway cuckooing",
            "kind": "ocg",
            "crime_type": "drugs",
            "tier": "local",
        },
    )
    assert accepted.status_code == 302
    trigger.refresh_from_db()
    assert trigger.status == "accepted_new"
    seen = partner.get(reverse("intel:trigger", args=[trigger.pk])).content.decode()
    assert "Accepted as a new threat" in seen and "a threat the assessing unit manages" in seen


def test_declining_without_a_reason_is_shown_back(client_for, council_partner, swrocu_officer):
    trigger = services.submit_trigger_report(actor=council_partner, title="x", summary="y")
    response = client_for(swrocu_officer).post(
        reverse("intel:decline", args=[trigger.pk]), {"reason": "insufficient", "note": ""}
    )
    assert response.status_code == 400
    trigger.refresh_from_db()
    assert trigger.status == "received"


def test_the_sender_sees_no_decision_buttons(client_for, council_partner):
    trigger = services.submit_trigger_report(actor=council_partner, title="x", summary="y")
    client = client_for(council_partner)
    page = client.get(reverse("intel:trigger", args=[trigger.pk])).content.decode()
    assert "Accept as a new threat" not in page
    assert (
        client.post(
            reverse("intel:decline", args=[trigger.pk]), {"reason": "other", "note": "z"}
        ).status_code
        == 403
    )


def test_another_region_sees_no_trigger_report(client_for, council_partner, make_user, org):
    trigger = services.submit_trigger_report(actor=council_partner, title="x", summary="y")
    outsider = make_user(org("Thames Valley"), "analyst")
    assert client_for(outsider).get(reverse("intel:trigger", args=[trigger.pk])).status_code == 404


def test_the_queue_exports(client_for, council_partner, swrocu_officer):
    services.submit_trigger_report(actor=council_partner, title="=cmd|' /C calc'!A0", summary="y")
    rows = _csv(client_for(swrocu_officer).get(reverse("intel:triggers"), {"format": "csv"}))
    assert rows[0][0] == "reference" and rows[1][4].startswith("'=")


# --------------------------------------------------------------------------- SARs, ACRO, measures


def test_sars_are_recorded_and_triaged_on_the_page(client_for, wiltshire_analyst):
    client = client_for(wiltshire_analyst)
    client.post(
        reverse("intel:record-sar"),
        {
            "reference": "UKFIU-1",
            "received_on": dt.date.today().isoformat(),
            "reporter_sector": "bank",
            "amount": "12,000",
        },
    )
    sar = SuspiciousActivityReport.objects.get()
    client.post(reverse("intel:triage", args=[sar.pk]), {"outcome": "intelligence"})
    sar.refresh_from_db()
    assert sar.status == "intelligence"
    page = client.get(reverse("intel:sars")).content.decode()
    assert "UKFIU-1" in page
    package = client.post(
        reverse("intel:package"),
        {
            "sars": "UKFIU-1",
            "produced_on": dt.date.today().isoformat(),
            "summary": "Layering",
        },
    )
    assert package.status_code == 302
    sar.refresh_from_db()
    assert sar.status == "package"


def test_a_package_of_sars_the_user_cannot_see_is_refused(
    client_for, wiltshire_analyst, dorset_analyst
):
    services.record_sar(
        actor=dorset_analyst, reference="D-1", received_on=dt.date.today(), reporter_sector="bank"
    )
    response = client_for(wiltshire_analyst).post(
        reverse("intel:package"),
        {
            "sars": "D-1",
            "produced_on": dt.date.today().isoformat(),
            "summary": "x",
        },
    )
    assert response.status_code == 400 and "No SARs you can see" in response.content.decode()


def test_arrests_and_acro_checks_on_the_page(client_for, wiltshire_analyst, dorset_analyst):
    client = client_for(wiltshire_analyst)
    client.post(
        reverse("intel:record-arrest"),
        {
            "custody_reference": "WI/123",
            "arrested_on": dt.date.today().isoformat(),
            "nationality": "Romanian",
            "acro_result": "not_requested",
        },
    )
    arrest = ForeignNationalArrest.objects.get()
    client.post(
        reverse("intel:acro-check", args=[arrest.pk]),
        {"result": "requested", "requested_on": dt.date.today().isoformat()},
    )
    arrest.refresh_from_db()
    assert arrest.acro_result == "requested"
    assert "WI/123" not in client_for(dorset_analyst).get(reverse("intel:acro")).content.decode()
    assert (
        client_for(dorset_analyst)
        .post(reverse("intel:acro-check", args=[arrest.pk]), {"result": "no_trace"})
        .status_code
        == 404
    )


def test_the_measures_page_shows_rates_with_what_they_are_from(client_for, wiltshire_analyst):
    today = dt.date.today()
    for n in range(4):
        services.record_sar(
            actor=wiltshire_analyst,
            reference=f"S{n}",
            received_on=today - DAY,
            reporter_sector="bank",
        )
    services.record_arrest(
        actor=wiltshire_analyst,
        arrested_on=today,
        custody_reference="A",
        nationality="Polish",
        acro_result="requested",
        requested_on=today,
    )
    services.record_arrest(
        actor=wiltshire_analyst, arrested_on=today, custody_reference="B", nationality="Polish"
    )
    client = client_for(wiltshire_analyst)
    page = client.get(reverse("intel:measures")).content.decode()
    assert "— (no SARs)" not in page and "50.0%" in page
    rows = _csv(client.get(reverse("intel:measures"), {"format": "csv"}))
    assert rows[1][:2] == ["Wiltshire", "4"] and rows[1][9] == "50.0"


# --------------------------------------------------------------------------- imports


def test_the_import_page_reports_every_bad_row_and_saves_nothing(client_for, cleared_analyst):
    content = (
        b"reported_on,source_type,grading_system,source_evaluation,intelligence_assessment,"
        b"handling_code,classification,text\n"
        b"2025-10-01,public,3x5x2,2,C,P,official,Fine\n"
        b"2025-10-02,public,3x5x2,B,C,P,official,Mixed up\n"
    )
    response = client_for(cleared_analyst).post(
        reverse("intel:import"),
        {
            "kind": "reports",
            "file": SimpleUploadedFile("intel.csv", content, "text/csv"),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was imported" in page and "5x5x5 source evaluation" in page
    assert not IntelligenceReport.objects.exists()


def test_empty_lists_say_so(client_for, cleared_analyst):
    client = client_for(cleared_analyst)
    assert (
        "There are no intelligence reports you can see yet"
        in client.get(reverse("intel:list")).content.decode()
    )
    assert (
        "No trigger reports are waiting" in client.get(reverse("intel:triggers")).content.decode()
    )
    assert (
        "No suspicious activity reports you can see"
        in client.get(reverse("intel:sars")).content.decode()
    )
    assert "No SARs or arrests" in client.get(reverse("intel:measures")).content.decode()


def test_the_threat_page_lists_its_intelligence_by_grading_only(
    client_for, uncleared_analyst, report, map_threat_for, cleared_analyst
):
    threat = map_threat_for(cleared_analyst)
    linked = report(threats=[threat])
    text = as_shown(client_for(uncleared_analyst), threat)
    assert linked.reference in text and "graded 2BC" in text
    assert SECRET_WORDS not in text


def test_the_threat_page_lists_the_latest_five_reports_and_counts_them_all(
    client_for, uncleared_analyst, report, map_threat_for, cleared_analyst, today
):
    threat = map_threat_for(cleared_analyst)
    made = [report(threats=[threat], reported_on=today - n * DAY) for n in range(1, 8)]
    text = as_shown(client_for(uncleared_analyst), threat)
    assert "<dt>Intelligence reports</dt><dd>7</dd>" in text
    assert all(r.reference in text for r in made[:5])  # the latest five
    assert made[5].reference not in text and made[6].reference not in text
    assert f"All 7 reports on {threat.reference}" in text


def test_the_threat_page_counts_every_trigger_report_accepted_into_it(
    client_for, cleared_analyst, map_threat_for
):
    threat = map_threat_for(cleared_analyst)
    org = cleared_analyst.organisation
    for n in range(7):
        TriggerReport.objects.create(
            owner=org, submitted_by_organisation=org, title=f"Tip {n}", summary="A tip.",
            status="accepted_existing", threat=threat,
        )  # fmt: skip
    text = as_shown(client_for(cleared_analyst), threat)
    assert "<dt>Trigger reports</dt><dd>7</dd>" in text


def test_a_threat_with_few_reports_counts_those_it_lists(
    client_for, uncleared_analyst, report, map_threat_for, cleared_analyst, today
):
    threat = map_threat_for(cleared_analyst)
    report(threats=[threat])
    report(threats=[threat], reported_on=today - 5 * DAY)
    text = as_shown(client_for(uncleared_analyst), threat)
    assert "<dt>Intelligence reports</dt><dd>2</dd>" in text and "All 2 reports" not in text


@pytest.mark.parametrize(
    "who, sees",
    [
        ("wiltshire_analyst", True),
        ("swrocu_officer", True),
        ("nca_officer", True),
        ("dorset_analyst", False),
        ("council_partner", False),
    ],
)
def test_sars_arrests_and_measures_show_only_what_the_user_may_see(
    request, client_for, wiltshire_analyst, who, sees
):
    today = dt.date.today()
    services.record_sar(
        actor=wiltshire_analyst, reference="SCOPED-SAR", received_on=today, reporter_sector="bank"
    )
    services.record_arrest(
        actor=wiltshire_analyst,
        arrested_on=today,
        custody_reference="SCOPED/ARREST",
        nationality="Polish",
    )
    client = client_for(request.getfixturevalue(who))
    assert ("SCOPED-SAR" in client.get(reverse("intel:sars")).content.decode()) == sees
    assert ("SCOPED/ARREST" in client.get(reverse("intel:acro")).content.decode()) == sees
    measures = _csv(client.get(reverse("intel:measures"), {"format": "csv"}))
    assert any(row[0] == "Wiltshire" and row[1] == "1" for row in measures) == sees


def test_the_5x5x5_cut_over_day_is_a_setting(settings, report):
    settings.SOCMAP_INTEL_3X5X2_FROM = "2030-01-01"
    old = report(
        grading_system="5x5x5",
        source_evaluation="B",
        intelligence_assessment="2",
        handling_code="2",
        handling_conditions="",
    )
    assert services.legacy_until() == dt.date(2030, 1, 1) and old.grading_system == "5x5x5"


def test_a_report_shared_with_another_force_names_only_the_people_it_may_see(
    client_for, report, nominal, person_factory, dorset_analyst, wiltshire_admin
):
    # Given a Wiltshire report about two people, shared with Dorset with only one of them
    from socmap.orgs.services import share_record

    hidden = person_factory(surname="Hiddenperson")
    made = report(nominals=[nominal, hidden])
    clear(dorset_analyst)
    share_record(actor=wiltshire_admin, record=made, organisation=dorset_analyst.organisation)
    share_record(actor=wiltshire_admin, record=nominal, organisation=dorset_analyst.organisation)
    # When the Dorset analyst opens it
    page = client_for(dorset_analyst).get(reverse("intel:report", args=[made.pk]))
    text = page.content.decode()
    # Then the shared person is named and the other is neither named nor hinted at
    assert page.status_code == 200
    assert "COLE" in text.upper()
    assert "HIDDENPERSON" not in text.upper() and "not shared with you" not in text
