import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from engagierte_stadt.models import Article, Page
from quartiere.models import Quartier

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
