"""Record-level restrictions: a threat or an intelligence report restricted to the people and
teams of a sensitive operation is invisible to everyone else - in lists, counts, single-record
reads and everything hanging off it - even to users whose scope would otherwise cover it, and
even to national users (need to know). Enforced in orgs/scoping.py, so every caller of
``visible_to`` obeys it without changes.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from socmap.audit.models import AuditEvent
from socmap.errors import InvalidInput
from socmap.orgs.models import Team
from socmap.orgs.scoping import can_see, get_visible_or_404, restriction_paths, visible_to
from socmap.orgs.services import share_record
from socmap.security import services as security
from socmap.threats.models import Membership, StatusChange, Threat

pytestmark = pytest.mark.django_db


def _visible_threats(user):
    return set(visible_to(user, Threat.objects.all()).values_list("name", flat=True))


def _arrest(actor, threats, day):
    """One arrest claimed by ``actor`` against ``threats`` on ``day``, through the service."""
    from socmap.disruptions.models import Tactic
    from socmap.disruptions.services import record_disruption

    return record_disruption(
        actor=actor,
        threats=threats,
        occurred_on=day,
        category="pursue",
        tactic=Tactic.objects.get(pk="arrest"),
        grade="minor",
        rationale="One arrest.",
        quantities={"arrests": 1},
    )


# --------------------------------------------------------------------------- who sees it


@pytest.mark.parametrize(
    "persona",
    [
        "wiltshire_analyst",
        "wiltshire_admin",
        "swrocu_officer",
        "nca_officer",
        "nca_admin",
        "inspector",
        "dorset_analyst",
        "council_partner",
    ],
)
def test_a_restricted_threat_is_invisible_to_everyone_not_named(
    request, persona, restricted_threat, make_threat, wiltshire_analyst
):
    # Given Operation Kestrel's threat, restricted, beside an ordinary Wiltshire threat
    make_threat(wiltshire_analyst, "Ordinary firm")
    user = request.getfixturevalue(persona)
    # When someone not named lists, counts and opens threats
    # Then the restricted one is not there at all, and opening it is a 404 like a typo
    assert "Kestrel network" not in _visible_threats(user)
    assert not can_see(user, restricted_threat)
    with pytest.raises(Http404):
        get_visible_or_404(user, Threat, pk=restricted_threat.pk)


def test_the_named_officer_sees_the_restricted_threat(restricted_threat, kestrel_officer):
    assert "Kestrel network" in _visible_threats(kestrel_officer)
    assert get_visible_or_404(kestrel_officer, Threat, pk=restricted_threat.pk)


def test_members_of_a_named_team_see_it(restricted_threat, kestrel_officer, make_user, org):
    # Given the Kestrel team named in the restriction, and an analyst who joins the team
    team = Team.objects.create(organisation=org("Wiltshire"), name="Kestrel team")
    joiner = make_user(org("Wiltshire"), "analyst", team=team)
    assert not can_see(joiner, restricted_threat)
    security.change_restriction(
        actor=kestrel_officer,
        restriction=restricted_threat.restriction,
        people=[kestrel_officer],
        teams=[team],
        reason="The team takes the operation on",
    )
    # Then the team member sees it; leaving the team takes it away again
    assert can_see(joiner, restricted_threat)
    joiner.team = None
    joiner.save()
    assert not can_see(joiner, restricted_threat)


def test_counts_leave_the_restricted_threat_out(restricted_threat, make_threat, wiltshire_analyst):
    make_threat(wiltshire_analyst, "Ordinary firm")
    from socmap.threats.selectors import crime_type_breakdown, threats_per_million

    assert visible_to(wiltshire_analyst, Threat.objects.all()).count() == 1
    assert sum(r["threats"] for r in crime_type_breakdown(wiltshire_analyst)) == 1
    forces, _ = threats_per_million(wiltshire_analyst)
    assert [r.threats for r in forces] == [1]


def test_a_share_does_not_open_a_restricted_threat(
    restricted_threat, kestrel_officer, council_partner, wiltshire_council
):
    # Given the restricted threat shared with the council
    share_record(actor=kestrel_officer, record=restricted_threat, organisation=wiltshire_council)
    # Then the council still does not see it: the restriction comes on top of the share
    assert not can_see(council_partner, restricted_threat)


def test_naming_someone_outside_the_records_scope_is_refused(
    restricted_threat, kestrel_officer, dorset_analyst
):
    # A restriction only narrows: a Dorset analyst cannot be given a Wiltshire threat by it
    with pytest.raises(InvalidInput, match="Outside the scope"):
        security.change_restriction(
            actor=kestrel_officer,
            restriction=restricted_threat.restriction,
            people=[kestrel_officer, dorset_analyst],
            teams=[],
            reason="Joint operation",
        )
    assert not can_see(dorset_analyst, restricted_threat)


# --------------------------------------------------------------------------- what hangs off it


def test_paths_are_derived_from_the_owner_path():
    from socmap.disruptions.models import Disruption
    from socmap.intel.models import ReportGrading
    from socmap.plans.models import Action, Plan
    from socmap.scoring.models import Assessment

    assert restriction_paths(Threat) == ("restriction",)
    assert restriction_paths(Plan) == ("threat__restriction",)
    assert restriction_paths(Action) == ("plan__threat__restriction",)
    assert restriction_paths(Assessment) == ("threat__restriction",)
    assert restriction_paths(Membership) == ("threat__restriction",)
    assert restriction_paths(Disruption) == ("threats__restriction",)
    assert restriction_paths(ReportGrading) == (
        "report__restriction",
        "report__threats__restriction",
    )


def test_records_of_a_restricted_threat_are_hidden_with_it(
    restricted_threat, wiltshire_analyst, kestrel_officer
):
    from socmap.people.services import record_nominal
    from socmap.scoring.models import Assessment
    from socmap.threats.services import add_member

    nominal = record_nominal(actor=kestrel_officer, surname="Hawk", forenames="Kit")
    add_member(actor=kestrel_officer, threat=restricted_threat, nominal=nominal, role="core")
    for model in (Membership, StatusChange, Assessment):
        assert visible_to(kestrel_officer, model.objects.all()).exists()
        assert not visible_to(wiltshire_analyst, model.objects.all()).exists()
    # the person stays visible (they may be known for other reasons); their membership does not
    assert can_see(wiltshire_analyst, nominal)


def test_a_national_user_does_not_see_a_restricted_group_in_a_persons_network(
    restricted_threat, kestrel_officer, nca_officer
):
    # Regression: the network's batch visibility took "sees every owner" for "sees everything"
    from socmap.networks.graph import NodeKind
    from socmap.networks.selectors import network_for, node_key
    from socmap.people.services import record_nominal
    from socmap.threats.services import add_member

    nominal = record_nominal(actor=kestrel_officer, surname="Hawk", forenames="Kit")
    add_member(actor=kestrel_officer, threat=restricted_threat, nominal=nominal, role="core")
    restricted = node_key(NodeKind.THREAT, restricted_threat.pk)
    named = network_for(kestrel_officer, NodeKind.NOMINAL, nominal.pk)
    assert named.node(restricted) is not None
    national = network_for(nca_officer, NodeKind.NOMINAL, nominal.pk)
    assert national.node(restricted) is None
    assert national.threats == 0


def test_a_disruption_is_hidden_only_if_every_threat_it_is_against_is_hidden(
    restricted_threat, make_threat, kestrel_officer, wiltshire_analyst
):
    from socmap.disruptions.models import Disruption

    ordinary = make_threat(wiltshire_analyst, "Ordinary firm")
    day = restricted_threat.created_at.date()
    only_restricted = _arrest(kestrel_officer, [restricted_threat], day)
    both = _arrest(kestrel_officer, [restricted_threat, ordinary], day)
    seen = set(visible_to(wiltshire_analyst, Disruption.objects.all()).values_list("pk", flat=True))
    assert only_restricted.pk not in seen
    assert both.pk in seen
    assert visible_to(kestrel_officer, Disruption.objects.all()).count() == 2


def test_the_disruption_list_names_only_the_threats_the_user_may_see(
    restricted_threat, make_threat, kestrel_officer, wiltshire_analyst, client_for
):
    # Given a disruption against the restricted threat and an ordinary one
    from django.urls import reverse

    ordinary = make_threat(wiltshire_analyst, "Ordinary firm")
    both = _arrest(
        kestrel_officer, [restricted_threat, ordinary], restricted_threat.created_at.date()
    )

    def row(user):
        page = client_for(user).get(reverse("disruptions:list")).content.decode()
        start = page.index(f">{both.reference}</a>")
        return page[start : page.index("</tr>", start)]

    # Then an analyst not named sees the claim against the ordinary firm only, with no hint
    # of the restricted threat; the named officer sees both
    assert ordinary.reference in row(wiltshire_analyst)
    assert restricted_threat.reference not in row(wiltshire_analyst)
    assert restricted_threat.reference in row(kestrel_officer)


def test_a_validator_not_named_sees_the_claim_without_the_restricted_threat(
    restricted_threat, make_threat, kestrel_officer, wiltshire_analyst, wiltshire_validator,
    client_for,
):  # fmt: skip
    # Given a claim against the restricted threat and an ordinary one, submitted for validation
    from django.urls import reverse

    from socmap.disruptions.services import submit_disruption

    ordinary = make_threat(wiltshire_analyst, "Ordinary firm")
    claim = _arrest(kestrel_officer, [restricted_threat, ordinary], ordinary.created_at.date())
    submit_disruption(actor=kestrel_officer, disruption=claim)
    # When a validator outside the restriction opens it to validate, return or regrade it
    for page in ("validate", "return"):
        html = (
            client_for(wiltshire_validator)
            .get(reverse(f"disruptions:{page}", args=[claim.pk]))
            .content.decode()
        )
        # Then the claim's summary names the ordinary firm only
        assert "Ordinary firm" in html and ordinary.reference in html, page
        assert restricted_threat.reference not in html and "Kestrel" not in html, page


def test_a_restricted_report_and_a_report_only_on_a_restricted_threat_are_hidden(
    restricted_threat, make_report, kestrel_officer, wiltshire_analyst, make_threat
):
    from socmap.intel.models import IntelligenceReport

    ordinary = make_threat(wiltshire_analyst, "Ordinary firm")
    make_report(kestrel_officer, threats=[restricted_threat])
    on_both = make_report(kestrel_officer, threats=[restricted_threat, ordinary])
    own = make_report(kestrel_officer)
    security.restrict_record(
        actor=kestrel_officer,
        record=own,
        name="Source protection",
        reason="Protects the identity of a source",
    )
    seen = set(
        visible_to(wiltshire_analyst, IntelligenceReport.objects.all()).values_list("pk", flat=True)
    )
    assert seen == {on_both.pk}
    assert visible_to(kestrel_officer, IntelligenceReport.objects.all()).count() == 3


# --------------------------------------------------------------------------- who may restrict


def test_restricting_and_lifting_are_audited_with_the_reason(
    restricted_threat, kestrel_officer, wiltshire_analyst
):
    created = AuditEvent.objects.get(action="record.restricted")
    assert created.target_id == str(restricted_threat.pk)
    assert created.reason == "Covert operation: need to know only"
    security.lift_restriction(
        actor=kestrel_officer, record=restricted_threat, reason="Operation concluded, charges laid"
    )
    assert can_see(wiltshire_analyst, restricted_threat)
    lifted = AuditEvent.objects.get(action="record.unrestricted")
    assert lifted.reason == "Operation concluded, charges laid"
    assert lifted.actor == kestrel_officer


def test_someone_not_named_cannot_change_or_lift_it(
    restricted_threat, wiltshire_analyst, nca_admin
):
    restriction = restricted_threat.restriction
    for actor in (wiltshire_analyst, nca_admin):
        with pytest.raises(PermissionDenied):
            security.lift_restriction(actor=actor, record=restricted_threat, reason="Curious, no")
        with pytest.raises(PermissionDenied):
            security.change_restriction(
                actor=actor,
                restriction=restriction,
                people=[actor],
                teams=[],
                reason="Let me in please",
            )
    restricted_threat.refresh_from_db()
    assert restricted_threat.restriction_id == restriction.pk


def test_the_owning_administrator_may_break_glass(
    restricted_threat, wiltshire_admin, wiltshire_analyst
):
    # Given the owner's administrator, not named, who cannot see the threat
    assert not can_see(wiltshire_admin, restricted_threat)
    # When they name a colleague because the officer has left (a break-glass step, audited)
    security.change_restriction(
        actor=wiltshire_admin,
        restriction=restricted_threat.restriction,
        people=[wiltshire_analyst],
        teams=[],
        reason="Kestrel officer has left the force",
    )
    # Then the colleague sees it, the administrator still does not, and it is on record
    assert can_see(wiltshire_analyst, restricted_threat)
    assert not can_see(wiltshire_admin, restricted_threat)
    event = AuditEvent.objects.get(action="restriction.changed")
    assert event.actor == wiltshire_admin and "left" in event.reason


def test_a_partner_cannot_restrict_what_was_shared_with_it(
    make_threat, wiltshire_analyst, council_partner, wiltshire_council
):
    threat = make_threat(wiltshire_analyst)
    share_record(actor=wiltshire_analyst, record=threat, organisation=wiltshire_council)
    with pytest.raises(PermissionDenied):
        security.restrict_record(
            actor=council_partner, record=threat, name="Mine", reason="Want to hide it"
        )


def test_an_inspector_cannot_restrict(make_threat, wiltshire_analyst, inspector):
    threat = make_threat(wiltshire_analyst)
    with pytest.raises(PermissionDenied):
        security.restrict_record(
            actor=inspector, record=threat, name="Mine", reason="Want to hide it"
        )


def test_a_restriction_needs_a_reason_and_a_name(make_threat, wiltshire_analyst):
    threat = make_threat(wiltshire_analyst)
    with pytest.raises(InvalidInput, match="reason|Say why"):
        security.restrict_record(actor=wiltshire_analyst, record=threat, name="Op", reason="")
    with pytest.raises(InvalidInput, match="Name"):
        security.restrict_record(
            actor=wiltshire_analyst, record=threat, name=" ", reason="A perfectly good reason"
        )
    threat.refresh_from_db()
    assert threat.restriction_id is None
    assert not AuditEvent.objects.filter(action__startswith="restriction.").exists()


def test_restricting_twice_is_refused(restricted_threat, kestrel_officer):
    with pytest.raises(InvalidInput, match="Already restricted"):
        security.restrict_record(
            actor=kestrel_officer,
            record=restricted_threat,
            name="Again",
            reason="A perfectly good reason",
        )


def test_the_last_person_cannot_be_removed_without_lifting(restricted_threat, kestrel_officer):
    with pytest.raises(InvalidInput, match="at least one"):
        security.change_restriction(
            actor=kestrel_officer,
            restriction=restricted_threat.restriction,
            people=[],
            teams=[],
            reason="Removing everyone now",
        )


# --------------------------------------------------------------------------- read once a request


def test_a_page_that_remembers_the_scope_hides_exactly_what_each_query_hides(
    restricted_threat, make_threat, make_report, kestrel_officer, wiltshire_analyst, nca_officer
):
    # Given a restricted threat, an ordinary one, a disruption only against the restricted one
    # and one against both, and reports on each
    from socmap.disruptions.models import Disruption
    from socmap.intel.models import IntelligenceReport
    from socmap.orgs.scoping import remembering

    ordinary = make_threat(wiltshire_analyst, "Ordinary firm")
    for threats in ([restricted_threat], [restricted_threat, ordinary]):
        _arrest(kestrel_officer, threats, restricted_threat.created_at.date())
        make_report(kestrel_officer, threats=threats)
    models = (Threat, Membership, StatusChange, Disruption, IntelligenceReport)

    def seen(user):
        return {m.__name__: set(visible_to(user, m.objects.all()).values_list("pk", flat=True))
                for m in models}  # fmt: skip

    for user in (wiltshire_analyst, kestrel_officer, nca_officer):
        # When the same reads are made query by query and as a page does, remembering the scope
        each_query = seen(user)
        with remembering():
            remembered, again = seen(user), seen(user)
        # Then they find the same records, twice over
        assert remembered == each_query == again, user.username
    assert restricted_threat.pk not in seen(wiltshire_analyst)["Threat"]


def test_a_restriction_made_after_a_remembered_read_is_obeyed_by_the_next_request(
    make_threat, kestrel_officer, wiltshire_analyst
):
    # Given a Wiltshire threat the analyst saw while a page remembered the scope
    from socmap.orgs.scoping import remembering

    threat = make_threat(kestrel_officer, "Soon restricted")
    with remembering():
        assert "Soon restricted" in _visible_threats(wiltshire_analyst)
    # When it is restricted to Operation Kestrel afterwards
    security.restrict_record(
        actor=kestrel_officer, record=threat, name="Kestrel", reason="A sensitive operation"
    )
    # Then the next read, remembered or not, no longer finds it
    assert "Soon restricted" not in _visible_threats(wiltshire_analyst)
    with remembering():
        assert "Soon restricted" not in _visible_threats(wiltshire_analyst)
