"""An analyst generates Wiltshire's SOC local profile from socmap's data, edits it with
partners (every save a version), and a colliding edit is refused with a clear message and
changes nothing. A tasking chair records the strategic assessment, its control strategy and
its six-month review."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from socmap.audit.models import AuditEvent
from socmap.errors import InvalidInput
from socmap.profiles import exports, selectors, services
from socmap.profiles.models import ProfileVersion
from socmap.threats.models import CrimeType


def test_a_profile_is_generated_from_the_area_s_data(profile, world):
    figures = profile.versions.get(number=1).figures
    assert figures["area"] == "Wiltshire"
    assert figures["headline"]["active_threats"] == 1  # Dorset's and Durham's are elsewhere
    assert (
        figures["threats"]["by_crime_type"] == [["Drugs supply", 1]]
        or figures["threats"]["by_crime_type"][0][1] == 1
    )
    pursue = next(row for row in figures["disruptions"]["by_category"] if row[0] == "Pursue")
    assert pursue[1:] == [1, 100.0]
    assert figures["top_threats"][0]["name"] == "Kettering firm"
    assert figures["top_threats"][0]["operations"] == "Kestrel"
    assert figures["intelligence"]["reports"] == 1
    assert len(figures["trends"]) == 8
    assert AuditEvent.objects.filter(action="profile.created", target_id=str(profile.pk)).exists()


def test_a_local_area_profile_counts_the_threats_touching_the_area(world, wiltshire_analyst):
    profile = services.create_profile(
        actor=wiltshire_analyst, area_kind="local_area", local_area=world["swindon"]
    )
    assert profile.area_name == "Swindon (Wiltshire)"
    assert profile.versions.get().figures["headline"]["active_threats"] == 1


def test_a_region_profile_is_kept_by_the_rocu(world, swrocu_officer):
    profile = services.create_profile(
        actor=swrocu_officer, area_kind="region", region=swrocu_officer.organisation.region
    )
    assert profile.owner == swrocu_officer.organisation
    assert profile.versions.get().figures["headline"]["active_threats"] == 2


def test_each_edit_is_a_new_version_and_the_old_ones_stay(profile, wiltshire_analyst):
    v2 = services.edit_profile(
        actor=wiltshire_analyst,
        profile=profile,
        base_version=1,
        sections={"partner_data": "Housing: 31 cuckooed addresses."},
        note="Council figures",
    )
    assert v2.number == 2 and v2.created_by == wiltshire_analyst
    profile.refresh_from_db()
    assert profile.version == 2
    first = profile.versions.get(number=1)
    assert "partner_data" not in first.sections
    assert v2.sections["summary"] == "County lines remain the main threat."
    diff = selectors.version_diff(wiltshire_analyst, profile, 2)
    assert [c["key"] for c in diff["changes"]] == ["partner_data"]


def test_an_edit_that_collides_with_another_is_refused_and_changes_nothing(
    profile, wiltshire_analyst, wiltshire_chair
):
    services.edit_profile(
        actor=wiltshire_chair, profile=profile, base_version=1, sections={"summary": "Chair's"}
    )
    with pytest.raises(services.EditConflict) as raised:
        services.edit_profile(
            actor=wiltshire_analyst,
            profile=profile,
            base_version=1,
            sections={"summary": "Analyst's"},
        )
    message = raised.value.field_errors["version"][0]
    assert "you started from version 1" in message
    assert "Test User saved version 2" in message and "Nothing of yours was saved" in message
    profile.refresh_from_db()
    assert profile.version == 2
    assert ProfileVersion.objects.filter(profile=profile).count() == 2
    assert profile.versions.get(number=2).sections["summary"] == "Chair's"


def test_edits_are_checked(profile, wiltshire_analyst):
    with pytest.raises(InvalidInput) as raised:
        services.edit_profile(
            actor=wiltshire_analyst,
            profile=profile,
            base_version="one",
            sections={"gossip": "x", "summary": "y" * 20_001},
        )
    assert "version" not in raised.value.field_errors  # sections are checked first
    assert raised.value.field_errors["sections"][0].startswith("Unknown section 'gossip'")
    assert "20,000 characters" in raised.value.field_errors["sections.summary"][0]
    with pytest.raises(InvalidInput, match="Nothing changed"):
        services.edit_profile(
            actor=wiltshire_analyst,
            profile=profile,
            base_version=1,
            sections={"summary": "County lines remain the main threat."},
        )
    assert profile.versions.count() == 1


def test_regenerating_draws_the_figures_again_and_keeps_the_text(profile, wiltshire_analyst, world):
    from tests.search.world import adopted_threat

    adopted_threat(wiltshire_analyst, "Second firm")
    version = services.regenerate_profile(actor=wiltshire_analyst, profile=profile, base_version=1)
    assert version.figures["headline"]["active_threats"] == 2
    assert version.sections == profile.versions.get(number=1).sections
    with pytest.raises(services.EditConflict):
        services.regenerate_profile(actor=wiltshire_analyst, profile=profile, base_version=1)


def test_partners_inspectors_and_other_forces_may_not_write_profiles(
    profile, council_partner, inspector, dorset_analyst, wiltshire_analyst
):
    for actor in (council_partner, inspector):
        with pytest.raises(PermissionDenied):
            services.create_profile(
                actor=actor, area_kind="force", force=wiltshire_analyst.organisation
            )
    with pytest.raises(PermissionDenied):
        services.create_profile(
            actor=dorset_analyst, area_kind="force", force=wiltshire_analyst.organisation
        )
    with pytest.raises(PermissionDenied):
        services.edit_profile(
            actor=dorset_analyst, profile=profile, base_version=1, sections={"summary": "x"}
        )


def test_the_partner_edition_withholds_names_intelligence_and_operations(
    profile, wiltshire_analyst, council_partner, wiltshire_council
):
    from socmap.orgs.services import share_record

    share_record(actor=wiltshire_analyst, record=profile, organisation=wiltshire_council)
    edition = selectors.edition(council_partner, profile, requested="full")
    assert edition.is_partner  # a partner cannot ask for the full edition
    text = repr(edition.figures) + repr(edition.sections)
    for secret in ("Kettering firm", "Kestrel", "KETTERING", "intelligence"):
        assert secret not in text
    assert [s["key"] for s in edition.sections] == ["summary", "partner_data", "recommendations"]
    assert any("operation names" in w for w in edition.withheld)
    assert edition.figures["headline"]["active_threats"] == 1  # aggregate figures stay
    full = selectors.edition(wiltshire_analyst, profile)
    assert not full.is_partner and "Kestrel" in repr(full.figures) + repr(full.sections)


@pytest.mark.parametrize("edition_name", ["full", "partner"])
def test_exports_are_real_pdf_and_docx_files(profile, wiltshire_analyst, edition_name):
    edition = selectors.edition(wiltshire_analyst, profile, requested=edition_name)
    pdf, content_type, name = exports.export(edition, "pdf")
    assert pdf.startswith(b"%PDF") and content_type == "application/pdf"
    assert name == f"lp-{profile.pk:06d}-v1{'-partner' if edition_name == 'partner' else ''}"
    docx, _, _ = exports.export(edition, "docx")
    document = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()
    assert "Headline figures" in document
    assert ("Kettering firm" in document) is (edition_name == "full")
    assert ("what is withheld" in document) is (edition_name == "partner")
    with pytest.raises(InvalidInput, match="Choose a format from pdf, docx"):
        exports.export(edition, "odt")


# --------------------------------------------------------------------------- control strategy


def test_a_strategic_assessment_falls_due_for_review_six_months_on(assessment):
    from socmap.profiles.rules import six_month_review_due

    assert assessment.review_due == six_month_review_due(assessment.approved_on)
    state = selectors.assessment_detail(None, assessment.pk).review_state
    assert state == "overdue"


def test_one_assessment_per_organisation_and_year(assessment, wiltshire_analyst):
    with pytest.raises(InvalidInput) as raised:
        services.record_assessment(
            actor=wiltshire_analyst, year=assessment.year, approved_on=assessment.approved_on
        )
    assert raised.value.field_errors["year"] == [
        f"Wiltshire already has a strategic assessment for {assessment.year}."
    ]
    with pytest.raises(InvalidInput) as raised:
        services.record_assessment(actor=wiltshire_analyst, year="twenty", approved_on="soon")
    assert set(raised.value.field_errors) == {"year", "approved_on"}


def test_priorities_are_recorded_with_dates_and_checked(assessment, wiltshire_analyst, world):
    drugs = CrimeType.objects.get(code="drugs")
    p = services.add_priority(
        actor=wiltshire_analyst, assessment=assessment, kind="crime_type", crime_type=drugs
    )
    assert p.added_on == timezone.localdate()
    with pytest.raises(InvalidInput, match="already in the control strategy"):
        services.add_priority(
            actor=wiltshire_analyst, assessment=assessment, kind="crime_type", crime_type=drugs
        )
    from socmap.orgs.models import LocalArea

    poole = LocalArea.objects.create(force=world["dorset_threat"].owner, name="Poole")
    with pytest.raises(InvalidInput, match=r"Poole \(Dorset\) is not in Wiltshire's area"):
        services.add_priority(
            actor=wiltshire_analyst, assessment=assessment, kind="area", local_area=poole
        )
    with pytest.raises(InvalidInput, match="Choose a threat you can see"):
        services.add_priority(
            actor=wiltshire_analyst,
            assessment=assessment,
            kind="threat",
            threat=world["dorset_threat"],
        )
    with pytest.raises(InvalidInput, match="Say why the priority ends"):
        services.remove_priority(actor=wiltshire_analyst, priority=p, reason="")
    services.remove_priority(actor=wiltshire_analyst, priority=p, reason="Fewer groups")
    p.refresh_from_db()
    assert p.removed_on == timezone.localdate() and not p.is_current(
        timezone.localdate() + dt.timedelta(days=1)
    )


def test_the_six_month_review_is_recorded_once(assessment, wiltshire_analyst):
    with pytest.raises(InvalidInput, match="cannot be in the future"):
        services.record_review(
            actor=wiltshire_analyst,
            assessment=assessment,
            reviewed_on=timezone.localdate() + dt.timedelta(days=1),
            summary="Fine",
        )
    services.record_review(actor=wiltshire_analyst, assessment=assessment, summary="Confirmed")
    assert selectors.assessment_detail(None, assessment.pk).review_state == "reviewed"
    with pytest.raises(InvalidInput, match="already recorded"):
        services.record_review(actor=wiltshire_analyst, assessment=assessment, summary="Again")
    assert not selectors.reviews_due(wiltshire_analyst).exists()


def test_a_threat_shows_how_it_relates_to_the_control_strategies(
    assessment, wiltshire_analyst, swrocu_officer, dorset_analyst, world
):
    drugs = CrimeType.objects.get(code="drugs")
    services.add_priority(
        actor=wiltshire_analyst, assessment=assessment, kind="crime_type", crime_type=drugs
    )
    services.add_priority(
        actor=wiltshire_analyst, assessment=assessment, kind="area", local_area=world["swindon"]
    )
    services.add_priority(
        actor=wiltshire_analyst, assessment=assessment, kind="threat", threat=world["threat"]
    )
    threat = world["threat"]
    year = assessment.year
    texts = [
        r.text for r in selectors.control_strategy_links(wiltshire_analyst, [threat])[threat.pk]
    ]
    assert texts == [
        f"Named priority: {threat.reference} (Wiltshire {year})",
        f"Priority crime type: Drugs supply (Wiltshire {year})",
        f"Priority area: Swindon (Wiltshire {year})",
    ]
    # Dorset's threat is drugs too, but Wiltshire's strategy is not Dorset's
    dorset = world["dorset_threat"]
    assert selectors.control_strategy_links(swrocu_officer, [dorset])[dorset.pk] == []
    # a Dorset analyst does not see Wiltshire's strategy at all
    assert selectors.control_strategy_links(dorset_analyst, [dorset])[dorset.pk] == []


def test_a_profile_never_counts_a_restricted_operation_even_when_its_officer_generates_it(
    world, wiltshire_analyst, make_user, org
):
    # Given the Kettering firm restricted to an officer of a sensitive operation
    from socmap.security.services import restrict_record

    officer = make_user(org("Wiltshire"), "analyst", username="kestrel.officer")
    restrict_record(
        actor=officer,
        record=world["threat"],
        name="Operation Kestrel",
        reason="Covert operation: need to know",
    )
    # When that officer generates Wiltshire's profile, which everyone it is shared with reads
    profile = services.create_profile(actor=officer, area_kind="force", force=officer.organisation)
    figures = selectors.edition(officer, profile).figures
    # Then the operation is in none of its figures, and an analyst's profile says the same
    assert "Kettering firm" not in repr(figures)
    other = services.create_profile(
        actor=wiltshire_analyst, area_kind="force", force=wiltshire_analyst.organisation
    )
    mine, theirs = figures["headline"], selectors.edition(wiltshire_analyst, other).figures
    assert mine == theirs["headline"]
    assert mine["active_threats"] == 0 and mine["disruptions"] == 0
