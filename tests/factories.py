import time

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from factory.django import DjangoModelFactory

from engagierte_stadt.models import Article, Page
from konferenzen.models import (
    ActionItem,
    AgendaItem,
    Conference,
    Decision,
    Meeting,
    Venue,
)
from quartiere.models import Opportunity, Project, ProjectImage, Publication, Quartier, Topic
from tests.images import image_bytes

factory.Faker._DEFAULT_LOCALE = "de_DE"


class QuartierFactory(DjangoModelFactory):
    class Meta:
        model = Quartier
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Stadtteil {n}")
    slug = factory.Sequence(lambda n: f"stadtteil-{n}")
    kind = Quartier.Kind.DISTRICT
    teaser = factory.Faker("sentence")
    description = factory.Faker("paragraph")


class ArticleFactory(DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Neuigkeit {n}")
    slug = factory.Sequence(lambda n: f"neuigkeit-{n}")
    teaser = factory.Faker("sentence")
    body = factory.Faker("paragraph")
    status = Article.Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(hours=1))


class PageFactory(DjangoModelFactory):
    class Meta:
        model = Page
        django_get_or_create = ["slug"]

    slug = Page.Slug.IMPRESSUM
    title = "Impressum"
    body = "Angaben nach § 5 DDG."


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Themenfeld {n}")
    slug = factory.Sequence(lambda n: f"themenfeld-{n}")


class ProjectFactory(DjangoModelFactory):
    """A published project; pass `topics=[...]` to set its topics."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    quartier = factory.SubFactory(QuartierFactory)
    title = factory.Sequence(lambda n: f"Projekt {n}")
    slug = factory.Sequence(lambda n: f"projekt-{n}")
    teaser = factory.Faker("sentence")
    description = factory.Faker("paragraph")
    status = Project.Status.RUNNING
    publication = Publication.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(hours=1))

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)


class ProjectImageFactory(DjangoModelFactory):
    class Meta:
        model = ProjectImage

    project = factory.SubFactory(ProjectFactory)
    image = factory.LazyFunction(lambda: ContentFile(image_bytes(), name="foto.jpg"))
    alt_text = factory.Sequence(lambda n: f"Foto {n} aus dem Projekt")
    credit = "Foto: Stadt Hattingen"
    position = factory.Sequence(lambda n: n)


class OpportunityFactory(DjangoModelFactory):
    """A published, open, flexible opportunity in a project; pass `skills=[...]` to tag it."""

    class Meta:
        model = Opportunity
        skip_postgeneration_save = True

    project = factory.SubFactory(ProjectFactory)
    quartier = factory.LazyAttribute(lambda o: o.project.quartier if o.project else None)
    title = factory.Sequence(lambda n: f"Mitmach-Angebot {n}")
    slug = factory.Sequence(lambda n: f"mitmach-angebot-{n}")
    description = factory.Faker("paragraph")
    commitment = Opportunity.Commitment.FLEXIBLE
    is_open = True
    is_published = True

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        if create and extracted:
            self.skills.set(extracted)


# --- district conferences ------------------------------------------------------------------


class VenueFactory(DjangoModelFactory):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"Gemeindehaus {n}")
    street = factory.Faker("street_address")
    postcode = "45525"
    city = "Hattingen"
    step_free = True
    accessible_toilet = True


class ConferenceFactory(DjangoModelFactory):
    class Meta:
        model = Conference
        django_get_or_create = ["slug"]

    quartier = factory.SubFactory(QuartierFactory)
    title = factory.LazyAttribute(lambda o: f"Stadtteilkonferenz {o.quartier.name}")
    slug = factory.Sequence(lambda n: f"konferenz-{n}")
    description = factory.Faker("paragraph")
    organiser = "Stadt Hattingen"
    contact_name = factory.Faker("name")
    contact_email = factory.Sequence(lambda n: f"konferenz{n}@hattingen.example")
    usual_venue = factory.SubFactory(VenueFactory)
    rhythm = "viermal im Jahr, dienstags um 18 Uhr"
    is_active = True


class MeetingFactory(DjangoModelFactory):
    """A planned meeting in two weeks, 18:00–20:00, without registration."""

    class Meta:
        model = Meeting

    conference = factory.SubFactory(ConferenceFactory)
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + timezone.timedelta(days=14)).replace(
            hour=17, minute=0, second=0, microsecond=0
        )
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timezone.timedelta(hours=2))
    slug = factory.LazyAttribute(lambda o: timezone.localtime(o.starts_at).strftime("%Y-%m-%d"))
    venue = factory.LazyAttribute(lambda o: o.conference.usual_venue)
    room = "Saal"
    status = Meeting.Status.PLANNED


class AgendaItemFactory(DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Tagesordnungspunkt {n}")
    description = factory.Faker("sentence")
    presenter = factory.Faker("name")
    minutes_planned = 15


class DecisionFactory(DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n)
    text = factory.Faker("sentence")


class ActionItemFactory(DjangoModelFactory):
    class Meta:
        model = ActionItem

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Aufgabe {n}")
    responsible = factory.Faker("name")
    status = ActionItem.Status.OPEN


# --- staff logins with the second factor -------------------------------------------------------


def confirmed_app(user) -> TOTPDevice:
    """`user`'s confirmed authenticator app (a django-otp TOTP device), made if missing."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test-App", confirmed=True)


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code `device`'s app shows now (or `steps_ahead` time steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def login_staff(client, user) -> None:
    """Log `user` in on the test `client` with a verified second factor: the one shared way
    for tests that are about what staff do after logging in. Like `force_login`, plus the mark
    django-otp's `login()` puts into the session for a device that passed its code."""
    device = confirmed_app(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
