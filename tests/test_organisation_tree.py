import pytest
from django.core.exceptions import ValidationError

from organisations.models import Organisation, OrganisationKind
from organisations.services import organisation_create, organisation_move
from plans.models import Activity


@pytest.fixture
def party(db):
    root = organisation_create(name="Testpartiet", slug="tp", kind=OrganisationKind.NATIONAL)
    county = organisation_create(
        name="Testpartiet Viken", slug="tp-viken", kind=OrganisationKind.COUNTY, parent=root
    )
    branch = organisation_create(
        name="Testpartiet Drammen", slug="tp-drammen", kind=OrganisationKind.BRANCH, parent=county
    )
    return root, county, branch


def test_ancestors_and_descendants_are_one_query_each(party, django_assert_num_queries):
    root, county, branch = party
    branch = Organisation.objects.with_tree_fields().get(pk=branch.pk)
    with django_assert_num_queries(1):
        assert [o.slug for o in Organisation.objects.ancestors(branch)] == ["tp", "tp-viken"]
    with django_assert_num_queries(1):
        assert {o.slug for o in Organisation.objects.descendants(root)} == {
            "tp-viken",
            "tp-drammen",
        }


def test_moving_a_county_under_its_own_branch_is_refused(party):
    root, county, branch = party
    with pytest.raises(ValidationError) as error:
        organisation_move(organisation=county, parent=branch)
    assert "kan ikke plasseres under seg selv" in error.value.message_dict["parent"][0]
    county.refresh_from_db()
    assert county.parent_id == root.pk


def test_an_organisation_cannot_be_its_own_parent(party):
    _, county, _ = party
    with pytest.raises(ValidationError):
        organisation_move(organisation=county, parent=county)


def test_a_second_national_root_under_a_party_is_refused(party):
    root, county, _ = party
    with pytest.raises(ValidationError) as error:
        organisation_create(
            name="Testpartiet nasjonalt 2",
            slug="tp-2",
            kind=OrganisationKind.NATIONAL,
            parent=county,
        )
    assert "parent" in error.value.message_dict
    assert not Organisation.objects.filter(slug="tp-2").exists()


def test_a_branch_without_parent_is_refused(db):
    with pytest.raises(ValidationError) as error:
        organisation_create(name="Løst lag", slug="lost", kind=OrganisationKind.BRANCH)
    assert "parent" in error.value.message_dict


def test_duplicate_slug_is_refused(party):
    with pytest.raises(ValidationError) as error:
        organisation_create(
            name="Kopi", slug="tp-viken", kind=OrganisationKind.COUNTY, parent=party[0]
        )
    assert "slug" in error.value.message_dict


def test_creating_and_moving_write_the_activity_log(party):
    root, county, branch = party
    organisation_move(organisation=branch, parent=root)
    actions = list(Activity.objects.filter(organisation=branch).values_list("action", flat=True))
    assert sorted(actions) == ["organisation.create", "organisation.move"]
