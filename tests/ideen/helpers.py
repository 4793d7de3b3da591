"""Making ideas for tests: through the service (as the form does) and moved on by staff."""

from ideen import services
from ideen.models import Idea, IdeaStatus

EMAIL = "ida@example.org"


def propose(quartier, *, title="Bänke am Ruhrufer", email=EMAIL, **extra) -> tuple[Idea, str]:
    data = {
        "quartier": quartier,
        "title": title,
        "description": "Drei Bänke zwischen Brücke und Spielplatz.",
        "email": email,
        "name": "Ida Idee",
        **extra,
    }
    result = services.idea_submit(**data)
    return result.idea, result.token


def confirmed(quartier, **kwargs) -> Idea:
    idea, token = propose(quartier, **kwargs)
    services.idea_confirm(token=token, base_url="http://testserver")
    return Idea.objects.get(pk=idea.pk)


def published(quartier, **kwargs) -> Idea:
    idea = confirmed(quartier, **kwargs)
    assert services.idea_move(idea=idea, to=IdeaStatus.PUBLISHED)
    return Idea.objects.get(pk=idea.pk)
