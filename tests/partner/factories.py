"""Factories of the partner app (tests/factories.py holds the shared ones)."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from engagierte_stadt.submissions.submission import new_link
from partner.models import (
    ApplicationStatus,
    ExchangeTopic,
    NetworkCity,
    Partner,
    PartnerApplication,
    PartnerKind,
    ProgrammeSupporter,
    ProjectPartner,
    ProjectRole,
)
from tests.factories import ProjectFactory


class PartnerFactory(DjangoModelFactory):
    """A published association; pass `quartiere=[...]` to say where it is active."""

    class Meta:
        model = Partner
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Verein {n:04d} e.V.")
    slug = factory.Sequence(lambda n: f"verein-{n}")
    kind = PartnerKind.ASSOCIATION
    teaser = factory.Faker("sentence")
    description = factory.Faker("paragraph")
    is_published = True

    @factory.post_generation
    def quartiere(self, create, extracted, **kwargs):
        if create and extracted:
            self.quartiere.set(extracted)


class ProjectPartnerFactory(DjangoModelFactory):
    class Meta:
        model = ProjectPartner

    project = factory.SubFactory(ProjectFactory)
    partner = factory.SubFactory(PartnerFactory)
    role = ProjectRole.RESPONSIBLE


class ApplicationFactory(DjangoModelFactory):
    """A confirmed application waiting for a decision ("new"); `token` holds its link."""

    class Meta:
        model = PartnerApplication
        skip_postgeneration_save = True

    organisation = factory.Sequence(lambda n: f"Musterfirma {n} GmbH")
    kind = PartnerKind.BUSINESS
    contact_name = "Erika Mustermann"
    email = factory.Sequence(lambda n: f"bewerbung{n}@example.org")
    phone = "02324 12345"
    website = "https://musterfirma.example.org"
    offer = "Ein Freiwilligentag für unser Team im Frühjahr."
    status = ApplicationStatus.NEW
    link = factory.LazyFunction(new_link)  # only the key and the token's hash are stored
    token_hash = factory.LazyAttribute(lambda o: o.link.token_hash)
    link_key = factory.LazyAttribute(lambda o: o.link.key)
    consent_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyFunction(timezone.now)

    class Params:
        unconfirmed = factory.Trait(status=ApplicationStatus.UNCONFIRMED, confirmed_at=None)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        link = kwargs.pop("link")
        application = super()._create(model_class, *args, **kwargs)
        application.token = link.token
        return application

    @factory.post_generation
    def quartiere(self, create, extracted, **kwargs):
        if create and extracted:
            self.quartiere.set(extracted)


class SupporterFactory(DjangoModelFactory):
    class Meta:
        model = ProgrammeSupporter

    name = factory.Sequence(lambda n: f"Stiftung {n}")


class NetworkCityFactory(DjangoModelFactory):
    class Meta:
        model = NetworkCity

    name = factory.Sequence(lambda n: f"Musterstadt {n}")
    state = "Nordrhein-Westfalen"


class ExchangeTopicFactory(DjangoModelFactory):
    class Meta:
        model = ExchangeTopic

    title = factory.Sequence(lambda n: f"Thema {n}")
    description = factory.Faker("sentence")
