"""The disruption pages, as an analyst, a validator and a performance lead use them."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from socmap.disruptions import services
from socmap.disruptions.models import Disruption, GradeGuidance
from socmap.disruptions.rules import DisruptionStatus
from socmap.threats.models import Threat
from tests.threat_page import as_shown

from .conftest import days_ago, noon_days_ago
from .test_import import csv_bytes, row

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def record_post(threat, **overrides) -> dict:
    data = {
        "threats": threat.reference,
        "occurred_on": days_ago(2).isoformat(),
        "acting_organisation": str(threat.owner_id),
        "category": "pursue",
        "tactic": "arrest",
        "arrests": "2",
        "grade": "moderate",
        "rationale": "Two core members remanded.",
        "operation_name": "Kestrel",
        "narrative": "Warrant at a trap house.",
        "evidence": "CR/2026/01234\nhttps://evidence.example/7",
        "nominals": "",
        "action": "submit",
    }
    data.update(overrides)
    return data


# --------------------------------------------------------------------------- recording


def test_the_record_form_shows_the_guidance_beside_each_grade(client_for, wiltshire_analyst):
    page = text(client_for(wiltshire_analyst).get(reverse("disruptions:record")))
    for guidance in GradeGuidance.objects.all():
        assert escape(guidance.summary) in page
        assert f'id="guidance-{guidance.grade}"' in page
        assert f'aria-describedby="guidance-{guidance.grade}"' in page
    assert "Not graded yet" in page
    assert '<label for="id_threats">' in page
    assert "Save and submit for validation" in page and "Save as a draft" in page


def test_recording_from_the_threat_page_names_the_threat_and_its_people(
    client_for, wiltshire_analyst, wiltshire_threat, member
):
    response = client_for(wiltshire_analyst).get(
        reverse("disruptions:record"), {"threat": wiltshire_threat.pk}
    )
    page = text(response)
    assert f'value="{wiltshire_threat.reference}"' in page
    assert f"Recording against <strong>{wiltshire_threat.reference}" in page
    assert f"(id {member.pk})" in page


def test_an_analyst_records_and_submits_a_claim_from_the_form(
    client_for, wiltshire_analyst, wiltshire_threat
):
    response = client_for(wiltshire_analyst).post(
        reverse("disruptions:record"), record_post(wiltshire_threat), follow=True
    )
    disruption = Disruption.objects.get()
    assert response.redirect_chain[-1][0] == reverse("disruptions:detail", args=[disruption.pk])
    assert disruption.status == DisruptionStatus.SUBMITTED
    assert disruption.evidence == ["CR/2026/01234", "https://evidence.example/7"]
    page = text(response)
    assert f"Recorded {disruption.reference} and submitted it for validation." in page
    assert '<a href="https://evidence.example/7" rel="noopener noreferrer">' in page


def test_a_draft_is_saved_without_a_grade(client_for, wiltshire_analyst, wiltshire_threat):
    client_for(wiltshire_analyst).post(
        reverse("disruptions:record"),
        record_post(wiltshire_threat, grade="", rationale="", action="draft"),
    )
    assert Disruption.objects.get().status == DisruptionStatus.DRAFT


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"threats": ""}, "This field is required."),
        ({"threats": "OCG-999999"}, "There is no threat OCG-999999 that you can see."),
        ({"occurred_on": days_ago(-2).isoformat()}, "The date cannot be in the future"),
        ({"rationale": ""}, "Give the rationale for the impact grade"),
        ({"category": "protect", "tactic": "arrest"}, "Arrest is a Pursue tactic"),
        ({"action": "submit", "grade": ""}, "Grade the disruption&#x27;s impact before submitting"),
        ({"tactic": "drugs-seizure", "arrests": "3"}, "Arrests does not apply to Drugs seizure"),
    ],
)
def test_a_bad_claim_comes_back_with_the_message_and_nothing_is_saved(
    client_for, wiltshire_analyst, wiltshire_threat, overrides, message
):
    if overrides.get("grade") == "":
        overrides["rationale"] = ""
    response = client_for(wiltshire_analyst).post(
        reverse("disruptions:record"), record_post(wiltshire_threat, **overrides)
    )
    assert response.status_code == 400
    assert message in text(response)
    assert not Disruption.objects.exists()


def test_the_tactic_list_follows_the_chosen_category(client_for, wiltshire_analyst):
    client = client_for(wiltshire_analyst)
    protect = text(
        client.get(
            reverse("disruptions:tactic-fields"), {"category": "protect", "tactic": "arrest"}
        )
    )
    assert 'value="victim-safeguarding"' in protect
    assert 'value="arrest"' not in protect  # arrest is not a Protect tactic: choose again
    chosen = text(
        client.get(
            reverse("disruptions:tactic-fields"), {"category": "pursue", "tactic": "cash-seizure"}
        )
    )
    assert 'name="cash"' in chosen and 'name="arrests"' not in chosen
    assert "What applies to cash seizure" in chosen


@pytest.mark.parametrize("persona", ["wiltshire_validator", "inspector", "council_partner"])
def test_only_recorders_may_open_the_record_form(request, client_for, persona):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse("disruptions:record")).status_code == 403


# --------------------------------------------------------------------------- changing


def test_a_returned_claim_is_corrected_and_resubmitted_from_the_edit_page(
    client_for, submitted, wiltshire_validator, wiltshire_analyst
):
    services.return_disruption(
        actor=wiltshire_validator, disruption=submitted, reasons="Attach the custody record."
    )
    client = client_for(wiltshire_analyst)
    page = text(client.get(reverse("disruptions:detail", args=[submitted.pk])))
    assert "Reasons: Attach the custody record." in page
    assert "Change or regrade" in page
    edit = reverse("disruptions:edit", args=[submitted.pk])
    form = text(client.get(edit))
    assert "Returned by the validator." in form and "Why are you changing it?" in form
    response = client.post(
        edit,
        record_post(
            submitted.threats.get(),
            evidence="CR/2026/55",
            grade="minor",
            rationale="One arrest linked.",
            reason="Custody record attached",
        ),
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.grade, submitted.evidence) == (
        "submitted",
        "minor",
        ["CR/2026/55"],
    )


def test_a_submitted_claim_cannot_be_edited_and_says_why(client_for, submitted, wiltshire_analyst):
    response = client_for(wiltshire_analyst).get(
        reverse("disruptions:edit", args=[submitted.pk]), follow=True
    )
    assert "only a draft or a returned claim can be changed" in text(response)


def test_a_draft_is_submitted_from_its_page_and_an_ungraded_one_is_refused(
    client_for, record, wiltshire_analyst, wiltshire_threat
):
    client = client_for(wiltshire_analyst)
    ungraded = record(wiltshire_analyst, [wiltshire_threat], grade="", rationale="")
    response = client.post(reverse("disruptions:submit", args=[ungraded.pk]), follow=True)
    assert "Grade the disruption" in text(response)
    assert Disruption.objects.get(pk=ungraded.pk).status == DisruptionStatus.DRAFT
    graded = record(wiltshire_analyst, [wiltshire_threat])
    response = client.post(reverse("disruptions:submit", args=[graded.pk]), follow=True)
    assert "has been submitted for validation" in text(response)
    assert client.get(reverse("disruptions:submit", args=[graded.pk])).status_code == 405


# --------------------------------------------------------------------------- validation


def test_the_validator_validates_from_the_claims_page_and_the_threat_is_flagged(
    client_for, record, wiltshire_analyst, wiltshire_validator, wiltshire_threat
):
    claim = record(wiltshire_analyst, [wiltshire_threat], grade="major", submit=True)
    client = client_for(wiltshire_validator)
    page = text(client.get(reverse("disruptions:detail", args=[claim.pk])))
    assert reverse("disruptions:validate", args=[claim.pk]) in page
    assert "Return to the claimant" in page
    form = text(client.get(reverse("disruptions:validate", args=[claim.pk])))
    assert "Claimed grade" in form and 'value="major" checked' in form
    response = client.post(
        reverse("disruptions:validate", args=[claim.pk]),
        {"grade": "major", "rationale": "", "note": "Charge sheet seen."},
        follow=True,
    )
    assert (
        f"{claim.reference} is validated, graded major. Re-assessment requested for "
        f"{wiltshire_threat.reference}." in text(response)
    )
    assert Threat.objects.get(pk=wiltshire_threat.pk).reassessment_requested


def test_a_validator_who_changes_the_grade_without_a_rationale_gets_the_form_back(
    client_for, submitted, wiltshire_validator
):
    response = client_for(wiltshire_validator).post(
        reverse("disruptions:validate", args=[submitted.pk]), {"grade": "minor"}
    )
    assert response.status_code == 400
    assert "Give the rationale for the new grade." in text(response)


def test_the_claimant_sees_why_they_cannot_validate(
    client_for, make_user, org, record, wiltshire_threat
):
    both = make_user(org("Wiltshire"), "analyst", "validator")
    claim = record(both, [wiltshire_threat], submit=True)
    client = client_for(both)
    page = text(client.get(reverse("disruptions:detail", args=[claim.pk])))
    assert "You cannot validate this claim: You made or changed this claim" in page
    assert reverse("disruptions:validate", args=[claim.pk]) not in page
    assert client.get(reverse("disruptions:validate", args=[claim.pk])).status_code == 403


def test_an_analyst_cannot_open_the_validation_pages(client_for, submitted, make_user, org):
    client = client_for(make_user(org("Wiltshire"), "analyst"))
    for name in ("validate", "return", "regrade"):
        assert client.get(reverse(f"disruptions:{name}", args=[submitted.pk])).status_code == 403


def test_a_claim_is_returned_with_reasons(client_for, submitted, wiltshire_validator):
    client = client_for(wiltshire_validator)
    url = reverse("disruptions:return", args=[submitted.pk])
    assert client.post(url, {"reasons": ""}).status_code == 400
    response = client.post(url, {"reasons": "Which member was arrested?"}, follow=True)
    assert "has been returned to the claimant" in text(response)
    assert Disruption.objects.get(pk=submitted.pk).status == DisruptionStatus.RETURNED


def test_a_validated_disruption_is_regraded_and_the_history_keeps_both(
    client_for, validated, make_user, org
):
    client = client_for(make_user(org("Wiltshire"), "validator"))
    url = reverse("disruptions:regrade", args=[validated.pk])
    response = client.post(url, {"grade": "major", "rationale": "All convicted."}, follow=True)
    assert "is now graded major" in text(response)
    page = text(client.get(reverse("disruptions:detail", args=[validated.pk])))
    assert page.index("Regraded by a validator") > page.index("Validated")
    assert "Rationale: All convicted." in page


def test_the_wrong_step_redirects_with_a_warning(client_for, validated, wiltshire_validator):
    response = client_for(wiltshire_validator).get(
        reverse("disruptions:validate", args=[validated.pk]), follow=True
    )
    assert f"{validated.reference} is validated." in text(response)


# --------------------------------------------------------------------------- lists


def test_the_list_filters_sorts_and_exports_the_same_rows(
    client_for, record, wiltshire_analyst, wiltshire_threat, tactic
):
    kestrel = record(wiltshire_analyst, [wiltshire_threat], operation_name="Kestrel")
    heron = record(
        wiltshire_analyst,
        [wiltshire_threat],
        category="protect",
        tactic=tactic("victim-safeguarding"),
        quantities={"people_safeguarded": 1},
        operation_name="Heron",
        occurred_on=days_ago(9),
    )
    client = client_for(wiltshire_analyst)
    page = text(client.get(reverse("disruptions:list")))
    assert 'Disruptions <span class="muted">(2)</span>' in page
    assert page.index(kestrel.reference) < page.index(heron.reference)
    filtered = text(client.get(reverse("disruptions:list"), {"category": "protect"}))
    assert heron.reference in filtered and kestrel.reference not in filtered
    assert "Clear filters" in filtered
    exported = client.get(reverse("disruptions:list"), {"category": "protect", "format": "csv"})
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    assert [r[0] for r in rows[1:]] == [heron.reference]
    xlsx = client.get(reverse("disruptions:list"), {"q": "kestrel", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content))["Disruptions"]
    assert sheet.cell(2, 1).value == kestrel.reference and sheet.max_row == 2
    by_date = text(client.get(reverse("disruptions:list"), {"sort": "date"}))
    assert by_date.index(heron.reference) < by_date.index(kestrel.reference)
    # a filter the page does not know is ignored rather than refused
    assert client.get(reverse("disruptions:list"), {"grade": "huge"}).status_code == 200


def test_each_row_shows_the_claim_its_threats_tactic_grade_status_and_who_acted(
    client_for, record, wiltshire_analyst, wiltshire_threat
):
    graded = record(wiltshire_analyst, [wiltshire_threat], operation_name="Kestrel <1>")
    ungraded = record(wiltshire_analyst, [wiltshire_threat], grade="", rationale="")
    page = text(client_for(wiltshire_analyst).get(reverse("disruptions:list")))

    def row_of(disruption):
        start = page.index(f">{disruption.reference}</a>")
        return page[page.rindex("<tr>", 0, start) : page.index("</tr>", start)]

    row = row_of(graded)
    day = graded.occurred_on
    assert f'<a href="{reverse("disruptions:detail", args=[graded.pk])}">' in row
    assert f'<time datetime="{day.isoformat()}">{day.day} {day:%b %Y}</time>' in row
    assert f"<td>{wiltshire_threat.reference}</td>" in row
    assert 'Arrest <span class="muted">(Op Kestrel &lt;1&gt;)</span>' in row
    assert '<span class="grade grade--moderate">Moderate</span>' in row
    assert '<span class="status status--draft">Draft</span>' in row
    assert row.count(f"<td>{graded.owner.display_short_name}</td>") == 2  # owner, and who acted
    assert '<span class="grade grade--ungraded">Not graded</span>' in row_of(ungraded)


def test_an_export_escapes_text_a_spreadsheet_would_run(
    client_for, record, wiltshire_analyst, wiltshire_threat
):
    record(wiltshire_analyst, [wiltshire_threat], narrative='=HYPERLINK("http://x")')
    exported = client_for(wiltshire_analyst).get(reverse("disruptions:list"), {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert rows[0]["narrative"] == '\'=HYPERLINK("http://x")'


def test_empty_lists_say_so(client_for, dorset_analyst):
    client = client_for(dorset_analyst)
    assert "There are no disruptions you can see yet." in text(
        client.get(reverse("disruptions:list"))
    )
    assert "No disruptions match these filters." in text(
        client.get(reverse("disruptions:list"), {"category": "prepare"})
    )
    assert "Every disruption you can see has been validated." in text(
        client.get(reverse("disruptions:unvalidated"))
    )
    assert "No claims are overdue for validation." in text(
        client.get(reverse("disruptions:overdue"))
    )


def test_the_list_is_paginated(client_for, wiltshire_analyst, wiltshire_threat, record):
    for _ in range(51):
        record(wiltshire_analyst, [wiltshire_threat])
    client = client_for(wiltshire_analyst)
    first = text(client.get(reverse("disruptions:list")))
    assert "(page 1 of 2)" in first
    assert "(page 2 of 2)" in text(client.get(reverse("disruptions:list"), {"page": 2}))


def test_the_unvalidated_and_overdue_pages_count_and_mark_the_waiting(
    client_for, submitted, record, wiltshire_analyst, wiltshire_threat, wiltshire_validator
):
    record(wiltshire_analyst, [wiltshire_threat], grade="", rationale="")
    client = client_for(wiltshire_validator)
    page = text(client.get(reverse("disruptions:unvalidated")))
    assert "Submitted for validation (1)" in page and "Draft (1)" in page
    only = text(client.get(reverse("disruptions:unvalidated"), {"status": "submitted"}))
    assert "<strong>Submitted for validation (1)</strong>" in only
    Disruption.objects.filter(pk=submitted.pk).update(
        submitted_at=noon_days_ago(30)
    )
    overdue = text(client.get(reverse("disruptions:overdue")))
    assert submitted.reference in overdue and "30 days ago" in overdue and "Overdue" in overdue
    detail = text(client.get(reverse("disruptions:detail", args=[submitted.pk])))
    assert "Overdue for validation: submitted 30 days ago" in detail
    exported = client.get(reverse("disruptions:overdue"), {"format": "csv"})
    assert submitted.reference in exported.content.decode()


def test_the_figures_page_counts_validated_disruptions_per_thousand_with_the_year(
    client_for, validated, submitted, wiltshire_analyst
):
    client = client_for(wiltshire_analyst)
    page = text(client.get(reverse("disruptions:figures")))
    assert "population year 2019" in page
    assert "Validated disruptions," in page
    assert '<td class="num">1</td>' in page  # the validated one, not the submitted one
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("disruptions:figures"), {"format": "csv"}).content.decode()
            )
        )
    )
    assert rows[0][0] == "force" and rows[1][:2] == ["Wiltshire", "1"]
    assert client.get(reverse("disruptions:figures"), {"format": "xlsx"}).status_code == 200
    one_year = text(client.get(reverse("disruptions:figures"), {"years": "1", "end": "2020-01-01"}))
    assert "2 January 2019 to 1 January 2020" in one_year


def test_the_guidance_page_lists_tactics_categories_and_grades(client_for, council_partner):
    page = text(client_for(council_partner).get(reverse("disruptions:guidance")))
    assert "Safeguarding of a victim" in page and "Ancillary order obtained" in page
    assert "Pursue, Prevent, Protect" in page  # the ancillary order's categories
    for guidance in GradeGuidance.objects.all():
        assert escape(guidance.summary) in page


# --------------------------------------------------------------------------- import


def test_the_import_page_imports_a_file_and_lists_the_columns(
    client_for, wiltshire_analyst, wiltshire_threat
):
    client = client_for(wiltshire_analyst)
    page = text(client.get(reverse("disruptions:import")))
    assert "<code>validated_by</code>" in page and "Download the template" in page
    upload = SimpleUploadedFile("return.csv", csv_bytes([row(wiltshire_threat)] * 2))
    response = client.post(
        reverse("disruptions:import"), {"file": upload, "status": "submitted"}, follow=True
    )
    assert "Imported 2 disruptions (DIS-" in text(response)
    assert Disruption.objects.count() == 2


def test_a_bad_file_shows_each_problem_and_saves_nothing(
    client_for, wiltshire_analyst, wiltshire_threat
):
    upload = SimpleUploadedFile(
        "return.csv",
        csv_bytes([row(wiltshire_threat), row(wiltshire_threat, category="prepare")]),
    )
    response = client_for(wiltshire_analyst).post(
        reverse("disruptions:import"), {"file": upload, "status": "submitted"}
    )
    assert response.status_code == 400
    page = text(response)
    assert "Nothing was imported: problems found in the file" in page
    assert "<td>3</td><td><code>tactic</code></td>" in page
    assert not Disruption.objects.exists()


def test_a_dry_run_from_the_page_saves_nothing(client_for, wiltshire_analyst, wiltshire_threat):
    upload = SimpleUploadedFile("return.csv", csv_bytes([row(wiltshire_threat)]))
    response = client_for(wiltshire_analyst).post(
        reverse("disruptions:import"),
        {"file": upload, "status": "submitted", "dry_run": "on"},
        follow=True,
    )
    assert "The file is correct: 1 disruptions would be imported" in text(response)
    assert not Disruption.objects.exists()


def test_the_template_downloads(client_for, wiltshire_analyst):
    client = client_for(wiltshire_analyst)
    xlsx = client.get(reverse("disruptions:template"), {"format": "xlsx"})
    assert 'filename="disruptions-template.xlsx"' in xlsx["Content-Disposition"]
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames[0] == "Disruptions"
    assert client.get(reverse("disruptions:template"), {"format": "csv"}).content.startswith(
        b"threats,date,category,tactic"
    )
    assert client.get(reverse("disruptions:template"), {"format": "pdf"}).status_code == 404


@pytest.mark.parametrize("persona", ["wiltshire_validator", "inspector", "council_partner"])
def test_only_importers_open_the_import_page(request, client_for, persona):
    assert (
        client_for(request.getfixturevalue(persona)).get(reverse("disruptions:import")).status_code
        == 403
    )


# --------------------------------------------------------------------------- elsewhere


def test_the_threat_page_counts_its_validated_disruptions(
    client_for, validated, record, wiltshire_analyst, wiltshire_threat
):
    record(wiltshire_analyst, [wiltshire_threat], submit=True)
    page = as_shown(client_for(wiltshire_analyst), wiltshire_threat)
    assert "<div><dt>Validated</dt><dd>1</dd></div>" in page
    assert "<div><dt>Waiting for validation</dt><dd>1</dd></div>" in page
    assert f"All disruptions against {wiltshire_threat.reference}" in page
    assert reverse("disruptions:record") + f"?threat={wiltshire_threat.pk}" in page


def test_the_dashboard_shows_each_role_its_disruption_panel(
    client_for, submitted, wiltshire_validator, wiltshire_analyst, make_user, org
):
    validator = text(client_for(wiltshire_validator).get("/"))
    assert "Disruptions waiting for validation" in validator
    assert submitted.reference in validator
    analyst = text(client_for(wiltshire_analyst).get("/"))
    assert "Your disruption claims" in analyst
    performance = text(client_for(make_user(org("Wiltshire"), "performance_lead")).get("/"))
    assert "Validated disruptions" in performance


def test_each_row_names_every_threat_its_claim_is_against(
    client_for, make_threat, wiltshire_analyst, record
):
    # Given a claim against two threats and a claim against one of them
    ours = make_threat(wiltshire_analyst, "Kettering firm")
    other = make_threat(wiltshire_analyst, "Swindon crew")
    both = record(wiltshire_analyst, [ours, other])
    single = record(wiltshire_analyst, [ours])
    # When the list is read
    page = text(client_for(wiltshire_analyst).get(reverse("disruptions:list")))
    # Then each row names its claim's threats by reference, and only those
    rows = {row for row in page.split("<tr") if both.reference in row or single.reference in row}
    assert len(rows) == 2
    both_row = next(r for r in rows if both.reference in r)
    single_row = next(r for r in rows if single.reference in r)
    assert ours.reference in both_row and other.reference in both_row
    assert ours.reference in single_row and other.reference not in single_row
