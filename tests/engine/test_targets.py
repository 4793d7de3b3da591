"""The target contract of the engine (`SignupTarget`) and the `Contact` every target names."""

import pytest

from engagierte_stadt.submissions.targets import Contact, SignupTarget
from konferenzen.models import ConferenceWish, Meeting, Registration
from quartiere.models import Opportunity, Quartier, Signup
from tests.factories import MeetingFactory, OpportunityFactory, QuartierFactory

# Every model built on the engine, with a factory for its target.
TARGETS = [
    pytest.param(Signup, OpportunityFactory, id="opportunity"),
    pytest.param(Registration, MeetingFactory, id="meeting"),
    pytest.param(ConferenceWish, QuartierFactory, id="quartier"),
]


@pytest.mark.parametrize(("signup_model", "factory"), TARGETS)
def test_every_target_model_satisfies_the_protocol(db, signup_model, factory):
    target = factory()
    target_model = signup_model._meta.get_field(signup_model.TARGET_FIELD).related_model

    assert isinstance(target, target_model)
    assert isinstance(target, SignupTarget)
    assert isinstance(target.contact(), Contact)
    assert isinstance(target.accepts_signups, bool)
    assert target.places is None or isinstance(target.places, int)
    assert isinstance(target.place, str)
    assert target.get_absolute_url().startswith("/")
    assert str(target)


@pytest.mark.parametrize("model", [Opportunity, Meeting, Quartier])
def test_target_classes_declare_every_member_of_the_protocol(model):
    """Declared on the class (a field, a property, a method or a plain value), not left to a
    `getattr` default: a model losing one fails here, not in a mail at run time."""
    members = ["starts_at", "ends_at", "place", "places", "accepts_signups"]
    members += ["get_absolute_url", "contact"]
    declared = {f.name for f in model._meta.get_fields()} | set(dir(model))
    assert [m for m in members if m not in declared] == []


def test_a_quartier_takes_wishes_without_date_place_or_limit(db):
    quartier = QuartierFactory()
    assert (quartier.starts_at, quartier.ends_at, quartier.place, quartier.places) == (
        None,
        None,
        "",
        None,
    )
    assert quartier.accepts_signups is True


def test_an_object_without_contact_is_no_target():
    class Incomplete:
        places = None
        starts_at = ends_at = None
        place = ""
        accepts_signups = True

        def get_absolute_url(self):
            return "/"

    assert not isinstance(Incomplete(), SignupTarget)


# --- Contact -------------------------------------------------------------------------------


def test_contact_with_a_name_address_or_phone_counts_a_role_alone_does_not():
    assert not Contact()
    assert not Contact(role="Quartiersmanagerin")
    assert Contact(name="Erika Muster")
    assert Contact(email="a@example.org")
    assert Contact(phone="02324 1")


def test_public_part_leaves_out_what_staff_keep_private():
    contact = Contact(
        name="Erika Muster",
        role="Quartiersmanagerin",
        email="erika@example.org",
        phone="02324 1",
        show_name=False,
        show_email=True,
        show_phone=False,
    )
    assert contact.public == Contact(email="erika@example.org")


def test_replies_go_only_to_a_public_address_the_new_signup_mail_to_any():
    private = Contact(name="Erika Muster", email="erika@example.org", show_email=False)
    public = Contact(name="Erika Muster", email="erika@example.org")

    assert private.reply_to == [] and private.recipients == ["erika@example.org"]
    assert public.reply_to == ["erika@example.org"] == public.recipients
    assert Contact(name="Nur ein Name").recipients == []


def test_contact_as_one_line_for_staff():
    contact = Contact(name="Erika Muster", role="Büro", email="e@example.org", phone="02324 1")
    assert contact.as_text() == "Erika Muster, Büro · e@example.org · 02324 1"
    assert Contact(email="e@example.org").as_text() == "e@example.org"
