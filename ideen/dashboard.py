"""What ideen adds to the admin dashboard (`engagierte_stadt.dashboard`): ideas of the
editor's Quartiere that wait for moderation. One query."""

from django.utils.translation import ngettext

from engagierte_stadt.dashboard import Scope, Task
from ideen.models import Idea, IdeaStatus


def moderation_task(scope: Scope):
    if not scope.can_view(Idea):
        return
    ideas = scope.restrict(Idea.objects.awaiting_moderation(), "quartier", personal=True)
    count = ideas.count()
    yield Task(
        ngettext(
            "%(count)d idea waits for moderation",
            "%(count)d ideas wait for moderation",
            count,
        )
        % {"count": count},
        count,
        scope.changelist(Idea, status__exact=IdeaStatus.NEW),
        key="ideas-waiting",
    )


def provide(scope: Scope):
    yield from moderation_task(scope)
