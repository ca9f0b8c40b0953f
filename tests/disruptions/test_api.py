"""Scripts record, validate, list, export and import disruptions through the JSON API, with
the rules and messages of the pages (the same service functions)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client
from openpyxl import load_workbook

from socmap.disruptions.models import Disruption, DisruptionStep
from socmap.disruptions.rules import DisruptionStatus
from socmap.orgs.services import create_api_token

from .conftest import days_ago, noon_days_ago
from .test_import import HEADER, csv_bytes, row

pytestmark = pytest.mark.django_db

API = "/api/disruptions"


def post(client, path, payload):
    return client.post(path, json.dumps(payload, default=str), content_type="application/json")


def patch(client, path, payload):
    return client.patch(path, json.dumps(payload, default=str), content_type="application/json")


def claim(threat, **overrides):
    payload = {
        "threats": [threat.reference],
        "occurred_on": days_ago(2).isoformat(),
        "category": "pursue",
        "tactic": "arrest",
        "grade": "major",
        "rationale": "Principal charged and remanded.",
        "quantities": {"arrests": 3},
        "operation_name": "Kestrel",
        "evidence": ["CR/2026/77"],
    }
    payload.update(overrides)
    return payload


# --------------------------------------------------------------------------- the workflow


def test_a_claim_is_recorded_submitted_and_validated_by_another_user(
    client_for, wiltshire_analyst, wiltshire_validator, wiltshire_threat, member
):
    analyst, validator = client_for(wiltshire_analyst), client_for(wiltshire_validator)

    # When the analyst records and submits a claim through the API
    response = post(analyst, API, claim(wiltshire_threat, nominals=[member.pk], submit=True))

    # Then it is created, submitted, with its people and history
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["reference"].startswith("DIS-")
    assert body["threats"] == [wiltshire_threat.reference]
    assert body["nominals"] == [member.pk]
    assert body["quantities"]["arrests"] == 3 and body["quantities"]["cash"] is None
    assert [s["action"] for s in body["history"]] == ["recorded", "submitted"]
    assert body["may"] == []  # the claimant cannot validate it, nor change it now

    # And the validator sees it as one they may validate
    path = f"{API}/{body['id']}"
    assert validator.get(path).json()["may"] == ["validate", "return"]
    validated = post(validator, f"{path}/validate", {"note": "Charge sheet seen."})
    assert validated.status_code == 200, validated.content
    assert validated.json()["status"] == "validated"
    assert validated.json()["validated_by"] == "wiltshire.validator"
    assert validated.json()["history"][-1]["changes"] == {
        "reassessment_requested": [wiltshire_threat.reference]
    }
    wiltshire_threat.refresh_from_db()
    assert wiltshire_threat.reassessment_requested


def test_the_claimant_cannot_validate_their_own_claim(make_user, org, client_for, wiltshire_threat):
    both = make_user(org("Wiltshire"), "analyst", "validator")
    client = client_for(both)
    body = post(client, API, claim(wiltshire_threat, submit=True)).json()
    assert body["validation_problem"].startswith("You made or changed this claim")
    response = post(client, f"{API}/{body['id']}/validate", {})
    assert response.status_code == 403
    assert "someone else must validate it" in response.json()["detail"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"threats": []}, "threats"),
        ({"occurred_on": days_ago(-2).isoformat()}, "occurred_on"),
        ({"rationale": ""}, "rationale"),
        ({"category": "prevent"}, "tactic"),
        ({"quantities": {"arrests": 1, "drugs_kg": 4}}, "drugs_kg"),
        ({"tactic": "kneecapping"}, "tactic"),
        ({"threats": ["OCG-999999"]}, "threats"),
        ({"nominals": [999999]}, "nominals"),
        ({"acting_organisation": "atlantis"}, "acting_organisation"),
    ],
)
def test_bad_claims_get_field_errors_and_nothing_is_saved(
    client_for, wiltshire_analyst, wiltshire_threat, overrides, field
):
    response = post(client_for(wiltshire_analyst), API, claim(wiltshire_threat, **overrides))
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Disruption.objects.exists()


def test_a_threat_reference_of_the_wrong_kind_is_not_found(
    client_for, wiltshire_analyst, wiltshire_threat
):
    wrong = wiltshire_threat.reference.replace("OCG", "PI")
    response = post(client_for(wiltshire_analyst), API, claim(wiltshire_threat, threats=[wrong]))
    assert response.json()["errors"]["threats"] == [f"There is no threat {wrong} that you can see."]
    # and a bare id works
    response = post(
        client_for(wiltshire_analyst), API, claim(wiltshire_threat, threats=[wiltshire_threat.pk])
    )
    assert response.status_code == 201


def test_a_draft_is_changed_then_submitted_returned_corrected_and_regraded(
    client_for, wiltshire_analyst, wiltshire_validator, wiltshire_threat, make_user, org
):
    analyst, validator = client_for(wiltshire_analyst), client_for(wiltshire_validator)
    body = post(analyst, API, claim(wiltshire_threat, grade="", rationale="")).json()
    path = f"{API}/{body['id']}"
    assert body["status"] == "draft" and body["may"] == ["change", "submit"]

    # Submitting ungraded is refused
    refused = post(analyst, f"{path}/submit", {})
    assert refused.status_code == 400 and "grade" in refused.json()["errors"]

    # Changing it (with a grade) and submitting in one call
    changed = patch(
        analyst,
        path,
        {"grade": "moderate", "rationale": "Two remanded.", "reason": "Graded", "submit": True},
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["status"] == "submitted"

    # A submitted claim can no longer be changed
    assert patch(analyst, path, {"narrative": "More"}).status_code == 400

    # Returned without reasons is refused; with reasons it goes back
    assert post(validator, f"{path}/return", {"reasons": " "}).status_code == 400
    returned = post(validator, f"{path}/return", {"reasons": "Link the custody record."})
    assert returned.json()["status"] == "returned"
    assert returned.json()["history"][-1]["note"] == "Link the custody record."

    # The claimant corrects and resubmits; the validator validates with another grade
    patch(analyst, path, {"evidence": ["CR/1", "CR/2"], "submit": True})
    no_reason = post(validator, f"{path}/validate", {"grade": "minor"})
    assert no_reason.status_code == 400 and "rationale" in no_reason.json()["errors"]
    done = post(validator, f"{path}/validate", {"grade": "minor", "rationale": "Bailed."})
    assert (done.json()["status"], done.json()["grade"]) == ("validated", "minor")

    # And another validator regrades it later; the history keeps every grade
    later = client_for(make_user(org("Wiltshire"), "validator"))
    regraded = post(later, f"{path}/regrade", {"grade": "major", "rationale": "Convicted."})
    assert regraded.status_code == 200
    grades = [
        s["grade"] for s in regraded.json()["history"] if s["action"] in ("graded", "regraded")
    ]
    assert grades == ["moderate", "minor", "major"]


def test_unknown_or_read_only_changes_are_refused(
    client_for, wiltshire_analyst, wiltshire_threat, inspector
):
    body = post(client_for(wiltshire_analyst), API, claim(wiltshire_threat)).json()
    path = f"{API}/{body['id']}"
    assert patch(client_for(wiltshire_analyst), path, {"tactic": "nothing"}).status_code == 400
    assert patch(client_for(inspector), path, {"narrative": "x"}).status_code == 403
    assert post(client_for(inspector), API, claim(wiltshire_threat)).status_code == 403


# --------------------------------------------------------------------------- lists


@pytest.fixture
def three(record, wiltshire_analyst, wiltshire_threat, tactic, wiltshire_validator):
    from socmap.disruptions import services

    first = record(wiltshire_analyst, [wiltshire_threat], occurred_on=days_ago(30), submit=True)
    services.validate_disruption(actor=wiltshire_validator, disruption=first)
    second = record(
        wiltshire_analyst,
        [wiltshire_threat],
        category="protect",
        tactic=tactic("victim-safeguarding"),
        quantities={"people_safeguarded": 2},
        operation_name="Heron",
        occurred_on=days_ago(10),
        submit=True,
    )
    third = record(wiltshire_analyst, [wiltshire_threat], grade="", rationale="")
    return first, second, third


def test_the_list_is_filtered_sorted_and_paginated_like_the_page(
    client_for, wiltshire_analyst, three
):
    first, second, third = three
    client = client_for(wiltshire_analyst)
    everything = client.get(API).json()
    assert everything["count"] == 3
    assert [d["id"] for d in everything["items"]] == [third.pk, second.pk, first.pk]
    assert [d["id"] for d in client.get(API, {"category": "protect"}).json()["items"]] == [
        second.pk
    ]
    unvalidated = client.get(API, {"status": "unvalidated", "sort": "date"}).json()["items"]
    assert [d["id"] for d in unvalidated] == [second.pk, third.pk]
    window = client.get(API, {"from": days_ago(15).isoformat(), "to": days_ago(5).isoformat()})
    assert [d["id"] for d in window.json()["items"]] == [second.pk]
    assert client.get(API, {"q": "heron"}).json()["count"] == 1
    assert client.get(API, {"threat": first.threats.get().reference}).json()["count"] == 3
    assert client.get(API, {"force": "wiltshire", "grade": "moderate"}).json()["count"] == 2
    page = client.get(API, {"page_size": 2, "page": 2}).json()
    assert page["count"] == 3 and len(page["items"]) == 1


def test_unrecognised_filters_are_refused_by_name(client_for, wiltshire_analyst):
    response = client_for(wiltshire_analyst).get(
        API,
        {
            "category": "punish",
            "grade": "huge",
            "force": "atlantis",
            "sort": "colour",
            "status": "lost",
            "threat": "GANG-1",
            "tactic": "magic",
        },
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {
        "category",
        "grade",
        "force",
        "sort",
        "status",
        "threat",
        "tactic",
    }
    assert client_for(wiltshire_analyst).get(API, {"from": "yesterday"}).status_code == 422


def test_the_export_has_the_filters_of_the_list(client_for, wiltshire_analyst, three):
    first, second, _ = three
    client = client_for(wiltshire_analyst)
    response = client.get(f"{API}/export", {"format": "csv", "status": "submitted"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["reference", "date", "threats"]
    assert [r[0] for r in rows[1:]] == [second.reference]
    xlsx = client.get(f"{API}/export", {"format": "xlsx", "grade": "moderate", "sort": "date"})
    sheet = load_workbook(io.BytesIO(xlsx.content))["Disruptions"]
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        first.reference,
        second.reference,
    ]
    assert client.get(f"{API}/export", {"format": "pdf"}).status_code == 400


def test_the_unvalidated_and_overdue_lists(client_for, wiltshire_validator, three):
    first, second, third = three
    client = client_for(wiltshire_validator)
    waiting = client.get(f"{API}/unvalidated").json()
    assert {d["id"] for d in waiting["items"]} == {second.pk, third.pk}
    submitted = client.get(f"{API}/unvalidated", {"status": "submitted"}).json()["items"]
    assert [d["id"] for d in submitted] == [second.pk]
    assert submitted[0]["days_waiting"] == 0 and submitted[0]["overdue"] is False
    assert client.get(f"{API}/unvalidated", {"status": "validated"}).status_code == 400
    assert client.get(f"{API}/overdue").json()["count"] == 0
    # When the claim has waited longer than the validation period
    Disruption.objects.filter(pk=second.pk).update(submitted_at=noon_days_ago(40))
    overdue = client.get(f"{API}/overdue").json()["items"]
    assert [(d["id"], d["overdue"], d["days_waiting"]) for d in overdue] == [(second.pk, True, 40)]


def test_the_figures_count_validated_disruptions_per_thousand(client_for, wiltshire_analyst, three):
    body = client_for(wiltshire_analyst).get(f"{API}/figures").json()
    assert body["years"] == 2 and body["population_years"] == "2019"
    assert [(f["slug"], f["validated"], f["population_year"]) for f in body["forces"]] == [
        ("wiltshire", 1, 2019)
    ]
    assert body["forces"][0]["per_thousand"] == "0.00"
    pursue = next(b for b in body["breakdown"] if b["code"] == "pursue")
    assert pursue["grades"]["moderate"] == 1 and pursue["total"] == 1
    client = client_for(wiltshire_analyst)
    assert client.get(f"{API}/figures", {"years": 9}).status_code == 400
    assert client.get(f"{API}/figures", {"end": days_ago(-5).isoformat()}).status_code == 400


def test_tactics_and_grade_guidance_are_listed(client_for, council_partner):
    client = client_for(council_partner)
    tactics = {t["code"]: t for t in client.get(f"{API}/tactics").json()}
    assert tactics["arrest"]["categories"] == ["pursue"]
    assert tactics["victim-safeguarding"]["quantities"] == ["people_safeguarded"]
    grades = client.get(f"{API}/grade-guidance").json()
    assert [g["grade"] for g in grades] == ["major", "moderate", "minor", "none", "negative"]
    assert all(g["guidance"] and g["summary"] for g in grades)


# --------------------------------------------------------------------------- import


def upload(client, data: bytes, name="return.csv", **form):
    return client.post(f"{API}/import", {"file": io_file(data, name), **form})


def io_file(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_a_file_is_imported_through_the_api(client_for, wiltshire_analyst, wiltshire_threat):
    client = client_for(wiltshire_analyst)
    data = csv_bytes(
        [row(wiltshire_threat), row(wiltshire_threat, status="draft", grade="", rationale="")]
    )
    checked = upload(client, data, dry_run="true")
    assert checked.status_code == 200, checked.content
    assert checked.json()["dry_run"] is True and not Disruption.objects.exists()
    response = upload(client, data)
    body = response.json()
    assert (body["rows"], body["created"]) == (2, 2)
    assert body["by_status"] == {"submitted": 1, "draft": 1}
    assert body["first"].startswith("DIS-") and body["last"] != body["first"]


def test_one_bad_row_saves_nothing_and_the_400_lists_each_problem(
    client_for, wiltshire_analyst, wiltshire_threat
):
    data = csv_bytes(
        [
            row(wiltshire_threat),
            row(wiltshire_threat, category="prevent"),
            row(wiltshire_threat, date="2099-01-01"),
        ]
    )
    response = upload(client_for(wiltshire_analyst), data)
    assert response.status_code == 400
    body = response.json()
    assert body["rows_read"] == 3
    assert [(e["line"], e["column"]) for e in body["row_errors"]] == [(3, "tactic"), (4, "date")]
    assert body["detail"] == "Nothing was imported: 2 problems found in 3 rows."
    assert not Disruption.objects.exists() and not DisruptionStep.objects.exists()


def test_an_xlsx_file_and_its_template_through_the_api(
    client_for, wiltshire_analyst, wiltshire_threat
):
    client = client_for(wiltshire_analyst)
    template = client.get(f"{API}/import/template", {"format": "xlsx"})
    assert template.status_code == 200
    workbook = load_workbook(io.BytesIO(template.content))
    values = row(wiltshire_threat)
    workbook["Disruptions"].append([values[c] for c in HEADER])
    out = io.BytesIO()
    workbook.save(out)
    assert upload(client, out.getvalue(), name="return.xlsx").json()["created"] == 1
    header = client.get(f"{API}/import/template", {"format": "csv"}).content.decode()
    assert header.strip().split(",") == HEADER


def test_an_owner_and_status_for_the_rows_can_be_given(
    client_for, swrocu_officer, wiltshire_threat
):
    response = upload(
        client_for(swrocu_officer),
        csv_bytes([row(wiltshire_threat)]),
        owner="wiltshire",
        status="draft",
    )
    assert response.status_code == 200, response.content
    assert Disruption.objects.get().owner.slug == "wiltshire"
    assert Disruption.objects.get().status == DisruptionStatus.DRAFT
    bad = upload(client_for(swrocu_officer), csv_bytes([row(wiltshire_threat)]), owner="atlantis")
    assert bad.status_code == 400 and "owner" in bad.json()["errors"]


# --------------------------------------------------------------------------- access


def test_a_bearer_token_works_and_anonymous_callers_are_refused(
    wiltshire_analyst, wiltshire_threat
):
    assert Client().get(API).status_code == 401
    assert post(Client(), API, claim(wiltshire_threat)).status_code == 401
    _, raw = create_api_token(actor=None, user=wiltshire_analyst, name="returns")
    scripted = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert post(scripted, API, claim(wiltshire_threat)).status_code == 201
    assert scripted.get(API).json()["count"] == 1


def test_the_openapi_description_lists_every_disruption_operation(client_for, wiltshire_analyst):
    paths = client_for(wiltshire_analyst).get("/api/openapi.json").json()["paths"]
    ours = {p: sorted(v) for p, v in paths.items() if p.startswith(API)}
    assert ours == {
        API: ["get", "post"],
        f"{API}/export": ["get"],
        f"{API}/figures": ["get"],
        f"{API}/grade-guidance": ["get"],
        f"{API}/import": ["post"],
        f"{API}/import/template": ["get"],
        f"{API}/overdue": ["get"],
        f"{API}/tactics": ["get"],
        f"{API}/unvalidated": ["get"],
        f"{API}/{{disruption_id}}": ["get", "patch"],
        f"{API}/{{disruption_id}}/regrade": ["post"],
        f"{API}/{{disruption_id}}/return": ["post"],
        f"{API}/{{disruption_id}}/submit": ["post"],
        f"{API}/{{disruption_id}}/validate": ["post"],
    }
