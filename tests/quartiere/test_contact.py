"""One contact person per opportunity (`Opportunity.contact()`), named alike everywhere.

The opportunity's own contact, else its project's, else its Quartier's, else the portal's: the
opportunity page, the mails (reply-to and "new sign-up"), the admin and the CSV export all name
the same one, and public places show only what staff made public.
"""

import csv
import io
import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core import mail

from engagierte_stadt.models import SiteSettings
from engagierte_stadt.submissions.capacity import signup_confirm, signup_submit
from quartiere.admin import SignupAdmin
from quartiere.models import Signup
from tests.factories import OpportunityFactory, ProjectFactory, QuartierFactory, login_staff
from tests.signup_helpers import EMAIL, confirm_link, form_data, mails_to

OWN = {
    "contact_name": "Olga Angebot",
    "contact_role": "Koordination Beete",
    "contact_email": "angebot@hattingen.example",
    "contact_phone": "02324 100",
    "show_contact_phone": True,
}
PROJECT = {
    "contact_name": "Peter Projekt",
    "contact_email": "projekt@hattingen.example",
    "contact_phone": "02324 200",
    "show_contact_phone": True,
}
QUARTIER = {
    "contact_name": "Quirin Quartier",
    "contact_role": "Quartiersbüro",
    "contact_email": "quartier@hattingen.example",
    "contact_phone": "02324 300",
}
SITE = {
    "contact_name": "Sabine Portal",
    "contact_organisation": "Stadt Hattingen",
    "contact_email": "portal@hattingen.example",
    "contact_phone": "02324 400",
}

# Who the contact person is, by the level that has one: name, role, e-mail, phone.
EXPECTED = {
    "opportunity": ("Olga Angebot", "Koordination Beete", "angebot@hattingen.example", "02324 100"),
    "project": ("Peter Projekt", "", "projekt@hattingen.example", "02324 200"),
    "quartier": ("Quirin Quartier", "Quartiersbüro", "quartier@hattingen.example", "02324 300"),
    "site": ("Sabine Portal", "Stadt Hattingen", "portal@hattingen.example", "02324 400"),
}
LEVELS = list(EXPECTED)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(params=LEVELS)
def case(request, db):
    """An opportunity in a project whose contact comes from the level named by the param;
    the levels below it have contacts too (which must not win), the ones above have none."""
    level = request.param
    below = LEVELS[LEVELS.index(level) :]
    SiteSettings.objects.create(**SITE)
    quartier = QuartierFactory(
        name="Welper", slug="welper", **(QUARTIER if "quartier" in below else {})
    )
    project = ProjectFactory(quartier=quartier, **(PROJECT if "project" in below else {}))
    offer = OpportunityFactory(
        project=project,
        title="Beete gießen",
        slug="beete-giessen",
        places=3,
        **(OWN if level == "opportunity" else {}),
    )
    return offer, EXPECTED[level]


@pytest.fixture
def superuser_client(client, db):
    login_staff(client, get_user_model().objects.create_superuser("admin", "a@example.org", "pw"))
    return client


def contact_section(html: str) -> str:
    """The sign-up section of the opportunity page, where the contact is named (the footer
    names the portal's contact on every page)."""
    return html.split('id="anmelden"')[1].split("</section>")[0]


def one_line(expected) -> str:
    name, role, email, phone = expected
    person = f"{name}, {role}" if role else name
    return f"{person} · {email} · {phone}"


def signed_up(offer) -> Signup:
    result = signup_submit(model=Signup, target=offer, name="Jo Beispiel", email=EMAIL)
    return signup_confirm(model=Signup, token=result.token)


def test_opportunity_page_names_the_contact(client, case):
    offer, (name, role, email, phone) = case
    section = contact_section(client.get(offer.get_absolute_url()).content.decode())
    text = text_of(section)
    assert (f"{name}, {role}" if role else name) in text
    assert f'href="mailto:{email}"' in section and phone in text
    for other in EXPECTED.values():
        if other[0] != name:
            assert other[0] not in text and other[2] not in section


def test_mails_reply_to_the_contact_and_tell_the_contact(client, case):
    offer, expected = case
    client.post(offer.get_absolute_url() + "anmelden/", form_data())
    (request_mail,) = mail.outbox
    assert request_mail.reply_to == [expected[2]]

    client.post(confirm_link(request_mail))

    assert mails_to(EMAIL)[-1].reply_to == [expected[2]]
    (to_contact,) = mails_to(expected[2])
    assert to_contact.subject == "Neue Anmeldung: Beete gießen"
    assert {address for m in mail.outbox for address in m.to} == {EMAIL, expected[2]}


def test_admin_change_page_shows_the_effective_contact(superuser_client, case):
    offer, expected = case
    html = superuser_client.get(f"/admin/quartiere/opportunity/{offer.pk}/change/")
    html = html.content.decode()
    assert "Ansprechperson (wirksam)" in html
    assert one_line(expected) in html


def test_csv_export_names_the_contact(superuser_client, case):
    offer, expected = case
    response = superuser_client.post(
        "/admin/quartiere/signup/",
        {"action": "export_csv", "_selected_action": [signed_up(offer).pk]},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][-1] == "Ansprechperson"
    assert rows[1][-1] == one_line(expected)


def test_opportunity_without_project_names_its_quartier_contact(client, db):
    SiteSettings.objects.create(**SITE)
    offer = OpportunityFactory(project=None, quartier=QuartierFactory(**QUARTIER))
    section = contact_section(client.get(offer.get_absolute_url()).content.decode())
    assert "Quirin Quartier, Quartiersbüro" in text_of(section)
    assert offer.contact().recipients == [QUARTIER["contact_email"]]


# --- what staff keep private -----------------------------------------------------------------


@pytest.fixture
def private_address(db):
    """The opportunity's own contact shows the name only; project and Quartier have public
    contacts, which must not take over."""
    project = ProjectFactory(quartier=QuartierFactory(**QUARTIER), **PROJECT)
    return OpportunityFactory(
        project=project,
        title="Beete gießen",
        slug="beete-giessen",
        **{**OWN, "show_contact_email": False, "show_contact_phone": False},
    )


def test_page_shows_only_the_public_part_of_the_contact(client, private_address):
    section = contact_section(client.get(private_address.get_absolute_url()).content.decode())
    text = text_of(section)
    assert "Olga Angebot, Koordination Beete" in text
    assert OWN["contact_email"] not in section and OWN["contact_phone"] not in text
    assert "Peter Projekt" not in text and "Quirin Quartier" not in text


def test_private_address_gets_the_signup_mail_but_no_replies(client, private_address):
    client.post(private_address.get_absolute_url() + "anmelden/", form_data())
    client.post(confirm_link(mail.outbox[0]))

    assert all(m.reply_to == [] for m in mails_to(EMAIL))
    (to_contact,) = mails_to(OWN["contact_email"])
    assert to_contact.subject == "Neue Anmeldung: Beete gießen"
    assert not mails_to(PROJECT["contact_email"]) and not mails_to(QUARTIER["contact_email"])


def test_admin_says_which_parts_are_not_public(superuser_client, private_address):
    html = superuser_client.get(f"/admin/quartiere/opportunity/{private_address.pk}/change/")
    html = html.content.decode()
    assert one_line(EXPECTED["opportunity"]) in html
    assert "Mitmach-Angebot „Beete gießen“" in html
    assert "nicht öffentlich: E-Mail, Telefon" in html


def test_mails_after_staff_actions_reply_to_the_contact_too(case):
    """Mails sent from the admin (a phone sign-up, moving up) have no request behind them;
    they reach the same contact."""
    offer, expected = case
    result = signup_submit(model=Signup, target=offer, name="Jo Beispiel", email=EMAIL)
    signup = signup_confirm(model=Signup, token=result.token)
    signup_admin = SignupAdmin(Signup, admin.site)
    signup_admin.send_entered_by_staff(signup, result.token)
    signup_admin.send_moved_up([signup])
    assert [m.reply_to for m in mail.outbox] == [[expected[2]], [expected[2]]]
