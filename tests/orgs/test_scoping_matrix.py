"""Who may see whose records: the scoping matrix.

A record (here a stand-in ``Dossier``) is owned by one organisation. Whether a user may see it
depends only on the user's organisation - never on their roles - and on explicit shares:

* a force sees its own records;
* a ROCU sees the records of the forces and the ROCU of its region (not partner or NCA records);
* national organisations (NCA, HMICFRS) see everything;
* a partner agency sees its own records and what has been shared with it;
* nobody else (inactive, organisation-less or anonymous users) sees anything.

The expectations are written out by hand in ``SEES`` below, not computed from the rule.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404

from socmap.errors import InvalidInput
from socmap.orgs.models import Organisation, Role, Share, User
from socmap.orgs.scoping import (
    ScopeLevel,
    can_see,
    get_visible_or_404,
    organisations_in_scope,
    scope_for,
    visible_to,
)
from socmap.orgs.services import revoke_share, share_record
from tests.scoping_app.models import Dossier, DossierNote, Unscoped

pytestmark = pytest.mark.django_db

# Owners of the records every scenario starts with (one dossier each, titled by its owner).
OWNERS = ["Wiltshire", "Dorset", "Derbyshire", "SWROCU", "NCA", "Wiltshire Council"]

# Viewer: (organisation of the viewer, whether Wiltshire's dossier is shared with that org).
VIEWERS = {
    "wiltshire-force": ("Wiltshire", False),
    "dorset-force-same-region": ("Dorset", False),
    "derbyshire-force-other-region": ("Derbyshire", False),
    "swrocu-rocu-of-wiltshires-region": ("SWROCU", False),
    "emsou-rocu-of-another-region": ("EMSOU", False),
    "nca-national": ("NCA", False),
    "hmicfrs-national-inspectorate": ("HMICFRS", False),
    "wiltshire-council-partner": ("Wiltshire Council", False),
    "wiltshire-council-partner-with-share": ("Wiltshire Council", True),
}

# What each viewer sees, by owner.  Columns in the order of OWNERS:
#                                          Wilts Dorset Derbys SWROCU NCA  Council
SEES = {
    "wiltshire-force":                      "Y     .      .      .      .    .",
    "dorset-force-same-region":             ".     Y      .      .      .    .",
    "derbyshire-force-other-region":        ".     .      Y      .      .    .",
    "swrocu-rocu-of-wiltshires-region":     "Y     Y      .      Y      .    .",
    "emsou-rocu-of-another-region":         ".     .      Y      .      .    .",
    "nca-national":                         "Y     Y      Y      Y      Y    Y",
    "hmicfrs-national-inspectorate":        "Y     Y      Y      Y      Y    Y",
    "wiltshire-council-partner":            ".     .      .      .      .    Y",
    "wiltshire-council-partner-with-share": "Y     .      .      .      .    Y",
}  # fmt: skip


def expected(viewer: str, owner: str) -> bool:
    return SEES[viewer].split()[OWNERS.index(owner)] == "Y"


NON_PARTNER_ROLES = [(code,) for code in Role.CODES if code != Role.PARTNER]
PARTNER_ROLES = [(Role.PARTNER,)] + [
    (Role.PARTNER, code) for code in (Role.LRO, Role.OFFENDER_MANAGER, Role.ADMINISTRATOR)
]


def _cases():
    for viewer, (org_name, _) in VIEWERS.items():
        roles = PARTNER_ROLES if org_name == "Wiltshire Council" else NON_PARTNER_ROLES
        for role_set in roles:
            yield pytest.param(viewer, role_set, id=f"{viewer}/{'+'.join(role_set)}")


CASES = list(_cases())


@pytest.fixture
def world(org, wiltshire_council, make_user):
    """One dossier per owner; optionally Wiltshire's dossier shared with Wiltshire Council."""

    def build(viewer: str, roles: tuple[str, ...]):
        dossiers = {
            owner: Dossier.objects.create(
                owner=wiltshire_council if owner == "Wiltshire Council" else org(owner),
                title=owner,
            )
            for owner in OWNERS
        }
        org_name, shared = VIEWERS[viewer]
        if shared:
            sharer = make_user(org("Wiltshire"), Role.ANALYST)
            share_record(actor=sharer, record=dossiers["Wiltshire"], organisation=wiltshire_council)
        organisation = wiltshire_council if org_name == "Wiltshire Council" else org(org_name)
        return make_user(organisation, *roles), dossiers

    return build


# --------------------------------------------------------------------------- the matrix


@pytest.mark.parametrize("owner", OWNERS)
@pytest.mark.parametrize(("viewer", "roles"), CASES)
def test_viewer_sees_a_record_only_if_the_table_says_so(world, viewer, roles, owner):
    # Given a user of the viewer's organisation holding these roles, and one dossier per owner
    user, dossiers = world(viewer, roles)
    record = dossiers[owner]
    should_see = expected(viewer, owner)

    # When they look for the record in a list, as one record, and ask whether they can see it
    in_list = visible_to(user, Dossier.objects.all()).filter(pk=record.pk).exists()

    # Then every way of reading gives the answer in the table
    assert in_list is should_see
    assert can_see(user, record) is should_see
    if should_see:
        assert get_visible_or_404(user, Dossier, pk=record.pk) == record
        assert get_visible_or_404(user, Dossier.objects.all(), title=owner) == record
    else:
        with pytest.raises(Http404):
            get_visible_or_404(user, Dossier, pk=record.pk)


@pytest.mark.parametrize(("viewer", "roles"), CASES)
def test_viewer_counts_exactly_the_records_the_table_gives(world, viewer, roles):
    # Given one dossier per owner
    user, _ = world(viewer, roles)

    # When the user's visible dossiers are counted and listed
    visible = visible_to(user, Dossier.objects.all())

    # Then the count and the owners are those of the table's row
    owners_seen = {owner for owner in OWNERS if expected(viewer, owner)}
    assert visible.count() == len(owners_seen)
    assert set(visible.values_list("title", flat=True)) == owners_seen


def test_the_matrix_covers_every_role_valid_for_each_organisation():
    # Given the matrix cases
    roles_by_viewer: dict[str, set[str]] = {}
    for case in CASES:
        viewer, role_set = case.values
        roles_by_viewer.setdefault(viewer, set()).update(role_set)
    # Then every viewer is tested with every role its organisation may hold
    partner_org_roles = {Role.PARTNER, Role.LRO, Role.OFFENDER_MANAGER, Role.ADMINISTRATOR}
    for viewer, (org_name, _) in VIEWERS.items():
        if org_name == "Wiltshire Council":
            assert roles_by_viewer[viewer] == partner_org_roles
        else:
            assert roles_by_viewer[viewer] == set(Role.CODES) - {Role.PARTNER}


# --------------------------------------------------------------------------- roles and users


def test_holding_every_role_sees_no_more_than_holding_one(org, make_user):
    # Given a Wiltshire analyst and a Wiltshire colleague holding every non-partner role
    analyst = make_user(org("Wiltshire"), Role.ANALYST)
    everything = make_user(org("Wiltshire"), *[c for c in Role.CODES if c != Role.PARTNER])
    Dossier.objects.create(owner=org("Wiltshire"), title="ours")
    Dossier.objects.create(owner=org("Dorset"), title="theirs")

    # When both list dossiers
    # Then they see the same thing: roles never widen what a user sees
    assert list(visible_to(analyst, Dossier.objects.all())) == list(
        visible_to(everything, Dossier.objects.all())
    )
    assert visible_to(everything, Dossier.objects.all()).get().title == "ours"


def test_inactive_user_sees_nothing(org, nca_officer, wiltshire_analyst):
    # Given a Wiltshire analyst and an NCA officer who have both been deactivated
    record = Dossier.objects.create(owner=org("Wiltshire"), title="ours")
    for user in (wiltshire_analyst, nca_officer):
        user.is_active = False
        user.save()

        # When they look for records
        # Then they see nothing at all, not even their own organisation's
        assert scope_for(user).level == ScopeLevel.NONE
        assert visible_to(user, Dossier.objects.all()).count() == 0
        assert not can_see(user, record)
        with pytest.raises(Http404):
            get_visible_or_404(user, Dossier, pk=record.pk)


def test_user_without_an_organisation_sees_nothing(org):
    # Given a user who somehow has no organisation
    orphan = User.objects.create(username="orphan", email="orphan@test.example")
    record = Dossier.objects.create(owner=org("Wiltshire"), title="ours")

    # When they look for records
    # Then they see nothing
    assert scope_for(orphan).level == ScopeLevel.NONE
    assert visible_to(orphan, Dossier.objects.all()).count() == 0
    assert not can_see(orphan, record)
    assert organisations_in_scope(orphan).count() == 0


def test_anonymous_visitor_sees_nothing(org):
    # Given records of a force and a ROCU
    record = Dossier.objects.create(owner=org("Wiltshire"), title="ours")
    Dossier.objects.create(owner=org("SWROCU"), title="regional")
    anonymous = AnonymousUser()

    # When someone who has not signed in looks
    # Then nothing is visible and a single record is a 404
    assert visible_to(anonymous, Dossier.objects.all()).count() == 0
    assert not can_see(anonymous, record)
    with pytest.raises(Http404):
        get_visible_or_404(anonymous, Dossier, pk=record.pk)
    assert visible_to(None, Dossier.objects.all()).count() == 0


def test_user_of_a_deactivated_organisation_sees_nothing(org, wiltshire_analyst):
    # Given Wiltshire is marked inactive
    record = Dossier.objects.create(owner=org("Wiltshire"), title="ours")
    Organisation.objects.filter(name="Wiltshire").update(is_active=False)
    wiltshire_analyst.refresh_from_db()

    # When its analyst looks at its records
    # Then they see nothing
    assert not can_see(wiltshire_analyst, record)


def test_unseen_record_gives_the_same_404_as_a_missing_one(org, wiltshire_analyst):
    # Given a Dorset dossier the Wiltshire analyst may not see
    theirs = Dossier.objects.create(owner=org("Dorset"), title="theirs")

    # When the analyst asks for it, and for a record that does not exist
    with pytest.raises(Http404) as unseen:
        get_visible_or_404(wiltshire_analyst, Dossier, pk=theirs.pk)
    with pytest.raises(Http404) as missing:
        get_visible_or_404(wiltshire_analyst, Dossier, pk=theirs.pk + 10_000)

    # Then the two answers cannot be told apart
    assert str(unseen.value) == str(missing.value)


@pytest.mark.parametrize(
    ("persona", "level", "description"),
    [
        ("wiltshire_analyst", ScopeLevel.FORCE, "records of Wiltshire"),
        ("swrocu_officer", ScopeLevel.REGION, "records of the South West region"),
        ("nca_officer", ScopeLevel.NATIONAL, "records of every force and region"),
        ("inspector", ScopeLevel.NATIONAL, "records of every force and region"),
        ("council_partner", ScopeLevel.PARTNER, "records shared with Wiltshire Council"),
    ],
)
def test_each_persona_is_told_their_scope_in_words(request, persona, level, description):
    # Given a persona
    user = request.getfixturevalue(persona)
    # When their scope is worked out
    scope = scope_for(user)
    # Then it has the right level and a description they can be shown
    assert scope.level == level
    assert scope.description == description


def test_rocu_scope_names_the_forces_and_rocu_of_its_region_only(swrocu_officer, wiltshire_council):
    # Given the South West ROCU officer
    # When the organisations whose records they see are listed
    names = set(organisations_in_scope(swrocu_officer).values_list("short_name", flat=True))
    # Then they are the five South West forces and SWROCU, not the council or other regions
    assert names == {
        "Avon and Somerset", "Devon and Cornwall", "Dorset", "Gloucestershire", "Wiltshire",
        "SWROCU",
    }


# --------------------------------------------------------------------------- through a path


def test_notes_are_scoped_through_their_dossier(
    org, wiltshire_analyst, swrocu_officer, nca_officer, council_partner
):
    # Given a note on a Wiltshire dossier and a note on a Derbyshire dossier
    ours = DossierNote.objects.create(
        dossier=Dossier.objects.create(owner=org("Wiltshire"), title="ours"), text="ours"
    )
    far = DossierNote.objects.create(
        dossier=Dossier.objects.create(owner=org("Derbyshire"), title="far"), text="far"
    )

    # When each persona lists notes
    def texts(user):
        return set(visible_to(user, DossierNote.objects.all()).values_list("text", flat=True))

    # Then the owner of the dossier decides who sees the note
    assert texts(wiltshire_analyst) == {"ours"}
    assert texts(swrocu_officer) == {"ours"}
    assert texts(nca_officer) == {"ours", "far"}
    assert texts(council_partner) == set()
    assert get_visible_or_404(wiltshire_analyst, DossierNote, pk=ours.pk) == ours
    with pytest.raises(Http404):
        get_visible_or_404(wiltshire_analyst, DossierNote, pk=far.pk)
    assert can_see(nca_officer, far)


@pytest.mark.parametrize("persona", ["wiltshire_analyst", "nca_officer", "council_partner"])
def test_a_model_without_an_owner_cannot_be_read_at_all(request, persona):
    # Given a model that forgot to say who owns it, with a row in it
    user = request.getfixturevalue(persona)
    row = Unscoped.objects.create(title="forgotten")

    # When anyone, even a national user, reads it through the scoping module
    # Then it fails loudly instead of leaking
    with pytest.raises(ImproperlyConfigured, match="scope_owner"):
        visible_to(user, Unscoped.objects.all())
    with pytest.raises(ImproperlyConfigured):
        get_visible_or_404(user, Unscoped, pk=row.pk)
    with pytest.raises(ImproperlyConfigured):
        can_see(user, row)


def test_a_model_without_an_owner_cannot_be_read_anonymously_either():
    with pytest.raises(ImproperlyConfigured):
        visible_to(AnonymousUser(), Unscoped.objects.all())


# --------------------------------------------------------------------------- sharing


@pytest.fixture
def derbyshire_dossier(org):
    return Dossier.objects.create(owner=org("Derbyshire"), title="Derbyshire county lines")


@pytest.fixture
def derbyshire_analyst(make_user, org):
    return make_user(org("Derbyshire"), Role.ANALYST, username="derbyshire.analyst")


def test_a_share_lets_only_the_recipient_organisation_see_the_record(
    org, derbyshire_dossier, derbyshire_analyst, dorset_analyst, wiltshire_analyst,
    swrocu_officer, council_partner, make_user,
):
    # Given a Dorset colleague with another role and no share yet
    dorset_lro = make_user(org("Dorset"), Role.LRO)
    assert not can_see(dorset_analyst, derbyshire_dossier)

    # When the Derbyshire analyst shares their dossier with Dorset
    share = share_record(
        actor=derbyshire_analyst, record=derbyshire_dossier, organisation=org("Dorset"),
        conditions="Handle as OFFICIAL-SENSITIVE",
    )

    # Then everyone in Dorset sees it, and nobody else newly does - not even Dorset's ROCU
    assert can_see(dorset_analyst, derbyshire_dossier)
    assert can_see(dorset_lro, derbyshire_dossier)
    assert get_visible_or_404(dorset_analyst, Dossier, pk=derbyshire_dossier.pk)
    assert not can_see(wiltshire_analyst, derbyshire_dossier)
    assert not can_see(swrocu_officer, derbyshire_dossier)
    assert not can_see(council_partner, derbyshire_dossier)
    assert share.conditions == "Handle as OFFICIAL-SENSITIVE"
    assert share.shared_by == derbyshire_analyst


def test_revoking_a_share_removes_the_recipients_view(
    org, derbyshire_dossier, derbyshire_analyst, dorset_analyst
):
    # Given a Derbyshire dossier shared with Dorset
    share = share_record(
        actor=derbyshire_analyst, record=derbyshire_dossier, organisation=org("Dorset")
    )
    assert visible_to(dorset_analyst, Dossier.objects.all()).count() == 1

    # When Derbyshire withdraws the share
    revoke_share(actor=derbyshire_analyst, share=share, reason="Operation closed")

    # Then Dorset no longer sees it, and the share is kept as withdrawn
    assert not can_see(dorset_analyst, derbyshire_dossier)
    with pytest.raises(Http404):
        get_visible_or_404(dorset_analyst, Dossier, pk=derbyshire_dossier.pk)
    share.refresh_from_db()
    assert share.revoked_at is not None
    assert share.revoked_by == derbyshire_analyst

    # And withdrawing it again is refused, while sharing afresh works
    with pytest.raises(InvalidInput):
        revoke_share(actor=derbyshire_analyst, share=share)
    share_record(actor=derbyshire_analyst, record=derbyshire_dossier, organisation=org("Dorset"))
    assert can_see(dorset_analyst, derbyshire_dossier)


def test_a_partner_sees_only_its_own_and_shared_records(
    org, wiltshire_council, wiltshire_analyst, council_partner
):
    # Given Wiltshire dossiers, one shared with the council, and one council dossier
    shared = Dossier.objects.create(owner=org("Wiltshire"), title="shared")
    Dossier.objects.create(owner=org("Wiltshire"), title="not shared")
    Dossier.objects.create(owner=wiltshire_council, title="council's own")
    share_record(actor=wiltshire_analyst, record=shared, organisation=wiltshire_council)

    # When the council partner lists dossiers
    titles = set(visible_to(council_partner, Dossier.objects.all()).values_list("title", flat=True))

    # Then they see their own and the shared one only
    assert titles == {"shared", "council's own"}


def test_a_record_shared_with_you_cannot_be_shared_on(
    org, wiltshire_council, wiltshire_analyst, council_partner, derbyshire_dossier,
    derbyshire_analyst, dorset_analyst,
):
    # Given a Wiltshire dossier shared with the council, and a Derbyshire one shared with Dorset
    wiltshire_dossier = Dossier.objects.create(owner=org("Wiltshire"), title="ours")
    share_record(actor=wiltshire_analyst, record=wiltshire_dossier, organisation=wiltshire_council)
    share_record(actor=derbyshire_analyst, record=derbyshire_dossier, organisation=org("Dorset"))

    # When the recipients try to pass them on
    # Then they are refused and nothing is shared further
    with pytest.raises(PermissionDenied):
        share_record(actor=council_partner, record=wiltshire_dossier, organisation=org("Dorset"))
    with pytest.raises(PermissionDenied):
        share_record(
            actor=dorset_analyst, record=derbyshire_dossier, organisation=wiltshire_council
        )
    assert Share.objects.count() == 2
    assert not can_see(council_partner, derbyshire_dossier)


def test_a_recipient_cannot_withdraw_the_owners_share(
    org, derbyshire_dossier, derbyshire_analyst, dorset_analyst
):
    # Given a Derbyshire dossier shared with Dorset
    share = share_record(
        actor=derbyshire_analyst, record=derbyshire_dossier, organisation=org("Dorset")
    )
    # When Dorset tries to withdraw it
    with pytest.raises(PermissionDenied):
        revoke_share(actor=dorset_analyst, share=share)
    # Then the share stands
    share.refresh_from_db()
    assert share.revoked_at is None


def test_inspector_cannot_share_or_withdraw(org, inspector, derbyshire_dossier, derbyshire_analyst):
    # Given the HMICFRS inspector, who can see every record
    assert can_see(inspector, derbyshire_dossier)

    # When they try to share a record, or withdraw someone else's share
    with pytest.raises(PermissionDenied):
        share_record(actor=inspector, record=derbyshire_dossier, organisation=org("Dorset"))
    share = share_record(
        actor=derbyshire_analyst, record=derbyshire_dossier, organisation=org("Dorset")
    )
    with pytest.raises(PermissionDenied):
        revoke_share(actor=inspector, share=share)

    # Then only the owner's share exists, and it is still live
    share.refresh_from_db()
    assert share.revoked_at is None
    assert Share.objects.count() == 1


def test_a_rocu_may_share_records_of_its_regions_forces(
    org, swrocu_officer, derbyshire_analyst, wiltshire_council, council_partner
):
    # Given a Wiltshire dossier
    record = Dossier.objects.create(owner=org("Wiltshire"), title="ours")
    # When the South West ROCU officer shares it with Wiltshire Council
    share_record(actor=swrocu_officer, record=record, organisation=wiltshire_council)
    # Then the council sees it; but a force outside the region may not share it
    assert can_see(council_partner, record)
    with pytest.raises(PermissionDenied):
        share_record(actor=derbyshire_analyst, record=record, organisation=org("Derbyshire"))


def test_sharing_twice_or_with_the_owner_is_refused(org, derbyshire_dossier, derbyshire_analyst):
    # Given a Derbyshire dossier already shared with Dorset
    share_record(actor=derbyshire_analyst, record=derbyshire_dossier, organisation=org("Dorset"))

    # When it is shared with Dorset again, or with Derbyshire itself
    # Then both are refused with a reason
    with pytest.raises(InvalidInput, match="already shared"):
        share_record(
            actor=derbyshire_analyst, record=derbyshire_dossier, organisation=org("Dorset")
        )
    with pytest.raises(InvalidInput, match="already owns"):
        share_record(
            actor=derbyshire_analyst, record=derbyshire_dossier, organisation=org("Derbyshire")
        )
    assert Share.objects.count() == 1


def test_a_share_of_one_record_does_not_reveal_others_of_the_same_owner(
    org, wiltshire_council, wiltshire_analyst, council_partner
):
    # Given two Wiltshire dossiers, the second shared with the council
    first = Dossier.objects.create(owner=org("Wiltshire"), title="first")
    second = Dossier.objects.create(owner=org("Wiltshire"), title="second")
    share_record(actor=wiltshire_analyst, record=second, organisation=wiltshire_council)
    # Then the council sees the second and not the first
    assert can_see(council_partner, second)
    assert not can_see(council_partner, first)


# --------------------------------------------------------------------------- read once a request


@pytest.mark.parametrize(("viewer", "roles"), CASES)
def test_a_page_that_remembers_the_scope_sees_what_the_table_gives(world, viewer, roles):
    # Given one dossier per owner (and Wiltshire's shared with the council, for that viewer)
    from socmap.orgs.scoping import remembering

    user, dossiers = world(viewer, roles)
    owners_seen = {owner for owner in OWNERS if expected(viewer, owner)}
    # When a page reads the dossiers while remembering the scope (twice, as a page's panels do)
    with remembering():
        first = set(visible_to(user, Dossier.objects.all()).values_list("title", flat=True))
        again = set(visible_to(user, Dossier.objects.all()).values_list("title", flat=True))
        counted = visible_to(user, Dossier.objects.all()).count()
    # Then it sees exactly the table's row each time
    assert first == again == owners_seen
    assert counted == len(owners_seen)


def test_only_requests_that_read_remember_the_scope(org, wiltshire_council, make_user, rf):
    # Given the middleware and a view that notes whether scoped reads are being remembered
    from socmap.orgs import scoping
    from socmap.orgs.middleware import RememberScopeMiddleware

    noted = []

    def view(request):
        noted.append((request.method, scoping._remembered.get() is not None))
        from django.http import HttpResponse

        return HttpResponse("ok")

    middleware = RememberScopeMiddleware(view)
    # When a page is read, and a form is posted
    for method in ("get", "head", "post"):
        middleware(getattr(rf, method)("/threats/"))
    # Then only the reads remember, and nothing is remembered once each request is answered
    assert noted == [("GET", True), ("HEAD", True), ("POST", False)]
    assert scoping._remembered.get() is None


def test_a_share_revoked_after_a_remembered_read_is_gone_from_the_next_request(
    org, wiltshire_council, make_user
):
    # Given Wiltshire's dossier shared with the council, seen by a council officer on a page
    from socmap.orgs.scoping import remembering

    dossier = Dossier.objects.create(owner=org("Wiltshire"), title="Shared")
    sharer = make_user(org("Wiltshire"), Role.ANALYST)
    partner = make_user(wiltshire_council, Role.PARTNER)
    share = share_record(actor=sharer, record=dossier, organisation=wiltshire_council)
    with remembering():
        assert visible_to(partner, Dossier.objects.all()).filter(pk=dossier.pk).exists()
    # When the share is revoked
    revoke_share(actor=sharer, share=share, reason="No longer needed")
    # Then the next request does not see it
    with remembering():
        assert not visible_to(partner, Dossier.objects.all()).filter(pk=dossier.pk).exists()
