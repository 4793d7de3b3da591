"""What quartiere adds to the admin dashboard (`engagierte_stadt.dashboard`): offers whose
places or date need a look, sign-ups per month and Stadtteil, free places, alert
subscriptions per topic. A fixed number of queries each, whatever the amount of data."""

from datetime import date, datetime

from django.db import models
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from engagierte_stadt.dashboard import Figure, Row, Scope, Task
from engagierte_stadt.submissions.capacity import SignupStatus
from quartiere.models import AlertSubscription, Opportunity, Quartier, Signup, Topic

MONTHS = 12


def months_back(today: date, count: int) -> list[date]:
    """The first days of the last `count` months, the oldest first, this month last."""
    year, month = today.year, today.month
    firsts = []
    for _step in range(count):
        firsts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


def opportunity_tasks(scope: Scope):
    if not scope.can_view(Opportunity):
        return
    opportunities = scope.restrict(Opportunity.objects.all(), "quartier", opportunity_path="pk")
    accepting = opportunities.accepting(scope.now)
    full = accepting.full().count()
    yield Task(
        ngettext(
            "%(count)d opportunity is full",
            "%(count)d opportunities are full",
            full,
        )
        % {"count": full},
        full,
        scope.changelist(Opportunity, handlungsbedarf="voll"),
        key="opportunities-full",
    )
    nearly = accepting.nearly_full().count()
    yield Task(
        ngettext(
            "%(count)d opportunity is nearly full (80 %% of the places taken)",
            "%(count)d opportunities are nearly full (80 %% of the places taken)",
            nearly,
        )
        % {"count": nearly},
        nearly,
        scope.changelist(Opportunity, handlungsbedarf="fast-voll"),
        key="opportunities-nearly-full",
    )
    past = opportunities.past_but_open(scope.now).count()
    yield Task(
        ngettext(
            "%(count)d opportunity is past its date but still open for sign-ups",
            "%(count)d opportunities are past their date but still open for sign-ups",
            past,
        )
        % {"count": past},
        past,
        scope.changelist(Opportunity, handlungsbedarf="vorbei-offen"),
        key="opportunities-past-open",
    )


def _confirmed_signups(scope: Scope, since: date):
    start = timezone.make_aware(datetime(since.year, since.month, 1))
    return scope.restrict(
        Signup.objects.confirmed().filter(confirmed_at__gte=start),
        "opportunity__quartier",
        personal=True,
        opportunity_path="opportunity",
    )


def signup_figures(scope: Scope, districts: dict[int, Quartier]):
    """Confirmed sign-ups of the last twelve months: per month, and per Stadtteil."""
    if not scope.can_view(Signup):
        return
    months = months_back(timezone.localdate(scope.now), MONTHS)
    signups = _confirmed_signups(scope, months[0])
    per_month = dict(
        signups.annotate(month=TruncMonth("confirmed_at"))
        .order_by()
        .values("month")
        .annotate(n=models.Count("pk"))
        .values_list("month", "n")
    )
    per_month = {(moment.year, moment.month): n for moment, n in per_month.items()}
    yield Figure(
        title=_("Confirmed sign-ups per month"),
        summary=_("Sign-ups for opportunities confirmed in the last twelve months."),
        label_heading=_("Month"),
        value_heading=_("Sign-ups"),
        rows=[
            Row(
                date_format(first, "F Y"),
                per_month.get((first.year, first.month), 0),
                scope.changelist(
                    Signup,
                    status__exact=SignupStatus.CONFIRMED,
                    confirmed_at__year=first.year,
                    confirmed_at__month=first.month,
                ),
            )
            for first in months
        ],
        url=scope.changelist(Signup, status__exact=SignupStatus.CONFIRMED),
        link_text=_("All confirmed sign-ups"),
        key="signups-per-month",
    )
    per_quartier = (
        signups.order_by()
        .values("opportunity__quartier")
        .annotate(n=models.Count("pk"))
        .values_list("opportunity__quartier", "n")
    )
    yield Figure(
        title=_("Confirmed sign-ups per district"),
        key="signups-per-district",
        summary=_("The same sign-ups by the district of the opportunity."),
        label_heading=_("District"),
        value_heading=_("Sign-ups"),
        rows=_per_district(
            scope,
            districts,
            per_quartier,
            personal=True,
            link=lambda ids: scope.changelist(
                Signup,
                status__exact=SignupStatus.CONFIRMED,
                opportunity__quartier__id__in=",".join(map(str, ids)),
            ),
        ),
    )


def free_places_figure(scope: Scope, districts: dict[int, Quartier]):
    """Free places in the offers open for sign-ups, per Stadtteil."""
    if not scope.can_view(Opportunity):
        return
    accepting = scope.restrict(
        Opportunity.objects.all(), "quartier", opportunity_path="pk"
    ).accepting(scope.now)
    rows = (
        accepting.annotate_places()
        .order_by()
        .values("quartier")
        .annotate(
            free=models.Sum(
                models.Case(
                    models.When(free_places__gt=0, then=models.F("free_places")),
                    default=models.Value(0),
                )
            ),
            unlimited=models.Count("pk", filter=models.Q(places__isnull=True)),
        )
        .values_list("quartier", "free", "unlimited")
    )
    free, unlimited = [], 0
    for quartier_id, places, without_limit in rows:
        free.append((quartier_id, places or 0))
        unlimited += without_limit
    yield Figure(
        title=_("Free places"),
        key="free-places",
        summary=ngettext(
            "Free places in the opportunities open for sign-ups; %(count)d more opportunity "
            "has no limit.",
            "Free places in the opportunities open for sign-ups; %(count)d more opportunities "
            "have no limit.",
            unlimited,
        )
        % {"count": unlimited},
        label_heading=_("District"),
        value_heading=_("Free places"),
        rows=_per_district(
            scope,
            districts,
            free,
            personal=False,
            link=lambda ids: scope.changelist(
                Opportunity, is_open__exact=1, quartier__id__in=",".join(map(str, ids))
            ),
        ),
    )


def alert_figure(scope: Scope):
    """Active alert subscriptions per topic: demand the city can act on (never addresses)."""
    if not scope.can_view(AlertSubscription):
        return
    active = scope.restrict(AlertSubscription.objects.active(), "quartier")
    counts = dict(
        active.order_by().values("topic").annotate(n=models.Count("pk")).values_list("topic", "n")
    )
    rows = [
        Row(
            topic.name,
            counts.get(topic.pk, 0),
            scope.changelist(
                AlertSubscription, status__exact="confirmed", topic__id__exact=topic.pk
            ),
        )
        for topic in Topic.objects.order_by("name")
    ]
    if counts.get(None):
        rows.append(
            Row(
                _("any topic"),
                counts[None],
                scope.changelist(AlertSubscription, status__exact="confirmed", topic__isnull=True),
            )
        )
    yield Figure(
        title=_("Alert subscriptions per topic"),
        summary=_("People waiting for new offers on a topic (active subscriptions)."),
        label_heading=_("Topic"),
        value_heading=_("Subscriptions"),
        rows=rows,
        url=scope.changelist(AlertSubscription, status__exact="confirmed"),
        link_text=_("All alert subscriptions"),
        key="alerts-per-topic",
    )


def new_signups_news(scope: Scope):
    """For the weekly digest: sign-ups confirmed since the last one, per opportunity. Counts
    only, never who; one query."""
    if scope.since is None or not scope.can_view(Signup):
        return
    signups = scope.restrict(
        Signup.objects.confirmed().filter(
            confirmed_at__gt=scope.since, confirmed_at__lte=scope.now
        ),
        "opportunity__quartier",
        personal=True,
        opportunity_path="opportunity",
    )
    counts = (
        signups.order_by()
        .values("opportunity", "opportunity__title")
        .annotate(n=models.Count("pk"))
        .order_by("opportunity__title", "opportunity")
        .values_list("opportunity", "opportunity__title", "n")
    )
    yield Figure(
        title=_("New confirmed sign-ups"),
        summary=_("Sign-ups confirmed since the last overview, per opportunity."),
        label_heading=_("Opportunity"),
        value_heading=_("Sign-ups"),
        rows=[
            Row(
                title,
                n,
                scope.changelist(
                    Signup, status__exact=SignupStatus.CONFIRMED, opportunity__id__exact=pk
                ),
            )
            for pk, title, n in counts
        ],
        url=scope.changelist(Signup, status__exact=SignupStatus.CONFIRMED),
        link_text=_("All confirmed sign-ups"),
        key="new-signups",
        news=True,
    )


def _per_district(scope, districts, counts, *, personal: bool, link) -> list[Row]:
    """Counts per Quartier summed up per Stadtteil; every Stadtteil of the user's Quartiere
    gets a row, also with 0. `link(ids)` is the admin list of one Stadtteil's Quartiere."""
    members: dict[int, list[int]] = {}
    for quartier_id, district in districts.items():
        if scope.in_scope(quartier_id, personal=personal):
            members.setdefault(district.pk, []).append(quartier_id)
    totals = dict.fromkeys(members, 0)
    for quartier_id, n in counts:
        district = districts.get(quartier_id)
        if district is not None and district.pk in totals:
            totals[district.pk] += n
    ordered = sorted(members, key=lambda pk: (districts[pk].name, pk))
    return [Row(districts[pk].name, totals[pk], link(sorted(members[pk]))) for pk in ordered]


def provide(scope: Scope):
    yield from new_signups_news(scope)
    yield from opportunity_tasks(scope)
    if scope.can_view(Signup) or scope.can_view(Opportunity):
        districts = Quartier.objects.districts_by_id()
        yield from signup_figures(scope, districts)
        yield from free_places_figure(scope, districts)
    yield from alert_figure(scope)
