"""Rules of one partner and the chainable reads of the directory."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from engagierte_stadt.urlwords import reserved_words
from partner.models import Partner, PartnerApplication, PartnerKind, ProjectPartner, ProjectRole
from tests.factories import ProjectFactory, QuartierFactory
from tests.partner.factories import PartnerFactory, ProjectPartnerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("slug", ["fuer-unternehmen", "partner-werden", "netzwerk", "bewerbung"])
def test_fixed_words_under_partner_are_refused_as_address(slug):
    partner = PartnerFactory.build(slug=slug)
    with pytest.raises(ValidationError) as error:
        partner.full_clean()
    assert "vom Portal selbst verwendet" in str(error.value.message_dict["slug"])


def test_every_fixed_word_is_a_page_of_its_own(client):
    # The reserved words are exactly the fixed pages (bewerbung has only personal links).
    words = reserved_words(Partner.DETAIL_ROUTE)
    assert words == {"fuer-unternehmen", "partner-werden", "netzwerk", "bewerbung"}
    for slug in sorted(words - {"bewerbung"}):
        assert client.get(f"/partner/{slug}/").status_code == 200, slug


def test_cooperation_date_needs_the_cooperation_tick():
    partner = PartnerFactory.build(cooperation_since="2025-07-01", is_cooperation_partner=False)
    with pytest.raises(ValidationError) as error:
        partner.full_clean()
    assert "cooperation_since" in error.value.message_dict


def test_database_refuses_a_cooperation_date_without_cooperation():
    with pytest.raises(IntegrityError):
        PartnerFactory(cooperation_since="2025-07-01", is_cooperation_partner=False)


def test_a_partner_has_one_role_per_project():
    role = ProjectPartnerFactory()
    with pytest.raises(IntegrityError):
        ProjectPartner.objects.create(
            project=role.project, partner=role.partner, role=ProjectRole.FUNDER
        )


def test_directory_order_puts_cooperation_partners_first_then_a_to_z():
    PartnerFactory(name="zebra-Verein")
    PartnerFactory(name="Anker e.V.")
    PartnerFactory(name="Mitte hilft", is_cooperation_partner=True)
    PartnerFactory(name="Bürgerverein", is_cooperation_partner=True)
    names = list(Partner.objects.directory_order().values_list("name", flat=True))
    assert names == ["Bürgerverein", "Mitte hilft", "Anker e.V.", "zebra-Verein"]


def test_active_in_a_district_includes_its_neighbourhoods_once():
    mitte = QuartierFactory(name="Mitte", slug="mitte")
    rauendahl = QuartierFactory(name="Rauendahl", slug="rauendahl", parent=mitte)
    welper = QuartierFactory(name="Welper", slug="welper")
    both = PartnerFactory(quartiere=[mitte, rauendahl])
    inside = PartnerFactory(quartiere=[rauendahl])
    PartnerFactory(quartiere=[welper])
    found = list(Partner.objects.active_in_quartier(mitte))
    assert sorted(p.pk for p in found) == sorted([both.pk, inside.pk])
    assert list(Partner.objects.active_in_quartier_slug("rauendahl").order_by("pk")) == [
        both,
        inside,
    ]


def test_public_contact_shows_only_what_staff_ticked():
    partner = PartnerFactory.build(
        contact_name="Erika Muster",
        contact_email="erika@example.org",
        contact_phone="02324 1",
        show_contact_email=True,
    )
    assert partner.public_contact == {
        "name": "",
        "role": "",
        "email": "erika@example.org",
        "phone": "",
    }


def test_new_partners_show_no_contact_details_by_default():
    partner = Partner(contact_name="A", contact_email="a@example.org", contact_phone="1")
    assert not any(partner.public_contact.values())


@pytest.mark.django_db
def test_businesses_are_businesses_and_housing_companies():
    business = PartnerFactory(kind=PartnerKind.BUSINESS)
    housing = PartnerFactory(kind=PartnerKind.HOUSING)
    PartnerFactory(kind=PartnerKind.ASSOCIATION)
    assert set(Partner.objects.businesses()) == {business, housing}


def test_roles_sort_by_role_then_partner_name():
    project = ProjectFactory()
    ProjectPartnerFactory(project=project, partner__name="Zeta", role=ProjectRole.SUPPORTER)
    ProjectPartnerFactory(project=project, partner__name="Beta", role=ProjectRole.FUNDER)
    ProjectPartnerFactory(project=project, partner__name="Alpha", role=ProjectRole.SUPPORTER)
    ProjectPartnerFactory(project=project, partner__name="Omega", role=ProjectRole.RESPONSIBLE)
    names = [r.partner.name for r in ProjectPartner.objects.filter(project=project).by_role()]
    assert names == ["Omega", "Beta", "Alpha", "Zeta"]


# Templates ask these questions instead of comparing stored status values.
APPLICATION_QUESTIONS = {
    "unconfirmed": "is_unconfirmed",
    "expired": "is_expired",
    "new": "is_new",
    "in_review": "is_in_review",
    "accepted": "is_accepted",
    "rejected": "is_rejected",
    "withdrawn": "is_withdrawn",
}


def test_every_application_status_has_its_question():
    assert set(APPLICATION_QUESTIONS) == set(PartnerApplication.Status.values)


@pytest.mark.parametrize("status", PartnerApplication.Status.values)
def test_an_application_answers_yes_to_its_own_status_only(status):
    application = PartnerApplication(status=status)
    questions = APPLICATION_QUESTIONS.values()
    yes = [question for question in questions if getattr(application, question)]
    assert yes == [APPLICATION_QUESTIONS[status]]
