"""What partner adds to the admin dashboard (`engagierte_stadt.dashboard`): applications
waiting for a decision, and the partners by kind. A fixed number of queries each."""

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from engagierte_stadt.dashboard import Figure, Row, Scope, Task
from partner.models import (
    BUSINESS_KINDS,
    PENDING_STATUSES,
    Partner,
    PartnerApplication,
    PartnerKind,
)


def application_task(scope: Scope):
    """Applications confirmed by the applicant and not yet decided: only for staff who may
    read them (they hold personal data)."""
    if not scope.can_view(PartnerApplication):
        return
    count = PartnerApplication.objects.pending().count()
    yield Task(
        ngettext(
            "%(count)d partner application waits for a decision",
            "%(count)d partner applications wait for a decision",
            count,
        )
        % {"count": count},
        count,
        scope.changelist(PartnerApplication, status__in=",".join(PENDING_STATUSES)),
        key="partner-applications",
    )


def kinds_figure(scope: Scope):
    """Partners by kind; an editor counts the partners active in their Quartiere."""
    if not scope.can_view(Partner):
        return
    partners = scope.restrict(Partner.objects.all(), "quartiere")
    counts = dict(
        partners.order_by()
        .values("kind")
        .annotate(n=models.Count("pk", distinct=True))
        .values_list("kind", "n")
    )
    ids = scope.quartier_ids()
    scope_filter = (
        {} if ids is None else {"quartiere__id__in": ",".join(map(str, sorted(ids))) or "0"}
    )
    rows = [
        Row(label, counts.get(kind, 0), scope.changelist(Partner, kind__exact=kind, **scope_filter))
        for kind, label in PartnerKind.choices
    ]
    businesses = sum(counts.get(kind, 0) for kind in BUSINESS_KINDS)
    yield Figure(
        title=_("Partners by kind"),
        summary=ngettext(
            "%(count)d of them is a business or housing company.",
            "%(count)d of them are businesses or housing companies.",
            businesses,
        )
        % {"count": businesses},
        label_heading=_("Kind"),
        value_heading=_("Partners"),
        rows=rows,
        url=scope.changelist(Partner, **scope_filter),
        link_text=_("All partners"),
        key="partners-by-kind",
    )


def provide(scope: Scope):
    yield from application_task(scope)
    yield from kinds_figure(scope)
