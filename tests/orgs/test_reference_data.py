"""An operator sets socmap up: the reference organisations (43 forces, their regions and ROCUs,
the national agencies) and the roles are loaded once and can be loaded again safely.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from socmap.orgs.models import Organisation, OrganisationKind, PopulationFigure, Region, Role
from socmap.orgs.services import ensure_reference, load_reference

pytestmark = pytest.mark.django_db


def test_the_reference_organisations_are_all_there():
    forces = Organisation.objects.filter(kind=OrganisationKind.FORCE)
    assert forces.count() == 43
    assert Region.objects.count() == 10
    assert Organisation.objects.filter(kind=OrganisationKind.ROCU).count() == 9
    assert set(Organisation.objects.filter(kind=OrganisationKind.NATIONAL)
               .values_list("short_name", flat=True)) == {"NCA", "HMICFRS"}
    assert PopulationFigure.objects.filter(year=2019).count() == 43


def test_every_region_but_london_has_one_rocu():
    for region in Region.objects.all():
        rocus = region.organisations.filter(kind=OrganisationKind.ROCU).count()
        assert rocus == (0 if region.name == "London" else 1), region.name
        assert region.organisations.filter(kind=OrganisationKind.FORCE).exists()


def test_loading_the_reference_again_changes_nothing():
    counts = (Organisation.objects.count(), Region.objects.count(),
              PopulationFigure.objects.count())
    summary = load_reference()
    assert (summary.regions, summary.rocus, summary.forces, summary.national,
            summary.populations) == (0, 0, 0, 0, 0)
    assert (Organisation.objects.count(), Region.objects.count(),
            PopulationFigure.objects.count()) == counts


def test_the_load_reference_command_is_safe_to_run_again():
    counts = (Organisation.objects.count(), PopulationFigure.objects.count())
    out = io.StringIO()
    call_command("load-reference", stdout=out)
    assert "Reference data loaded." in out.getvalue()
    assert (Organisation.objects.count(), PopulationFigure.objects.count()) == counts


def test_a_corrected_population_is_not_overwritten_by_reloading_the_reference(org):
    PopulationFigure.objects.filter(force=org("Wiltshire"), year=2019).update(population=725_000)
    load_reference()
    assert PopulationFigure.objects.get(force=org("Wiltshire"), year=2019).population == 725_000


def test_every_role_code_exists_as_a_role():
    assert set(Role.objects.values_list("code", flat=True)) == set(Role.CODES)


def test_ensuring_the_reference_data_restores_missing_roles():
    # Given the roles table has been emptied (as Django's flush does between transactional
    # tests, since the roles come from a data migration)
    Role.objects.all().delete()
    # When socmap makes sure its reference data is present
    ensure_reference()
    # Then every role exists again, so users can be given roles
    assert set(Role.objects.values_list("code", flat=True)) == set(Role.CODES)
