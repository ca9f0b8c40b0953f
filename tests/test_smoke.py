from socmap.orgs.models import Organisation


def test_reference_data_has_43_forces(db):
    assert Organisation.objects.filter(kind="force").count() == 43


def test_personas_exist(wiltshire_analyst, council_partner):
    assert wiltshire_analyst.organisation.name == "Wiltshire"
    assert council_partner.has_role("partner")
