"""What konferenzen adds to the admin dashboard (`engagierte_stadt.dashboard`): wishes for a
conference, meetings without agenda or minutes, and the coverage of the Stadtteile with
conferences. A fixed number of queries each, whatever the amount of data."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from engagierte_stadt.dashboard import Figure, Row, Scope, Task
from engagierte_stadt.submissions.capacity import SignupStatus
from konferenzen.models import AGENDA_DAYS, Conference, ConferenceWish, Meeting
from quartiere.models import Quartier


def wish_task(scope: Scope):
    if not scope.can_view(ConferenceWish):
        return
    wishes = scope.restrict(ConferenceWish.objects.confirmed(), "quartier", personal=True)
    count = wishes.count()
    yield Task(
        ngettext(
            "%(count)d wish for a district conference",
            "%(count)d wishes for a district conference",
            count,
        )
        % {"count": count},
        count,
        scope.changelist(ConferenceWish, status__exact=SignupStatus.CONFIRMED),
        key="wishes",
    )


def meeting_tasks(scope: Scope):
    if not scope.can_view(Meeting):
        return
    meetings = scope.restrict(Meeting.objects.all(), "conference__quartier")
    soon = meetings.without_agenda_soon(scope.now).count()
    yield Task(
        ngettext(
            "%(count)d meeting in the next %(days)d days has no agenda",
            "%(count)d meetings in the next %(days)d days have no agenda",
            soon,
        )
        % {"count": soon, "days": AGENDA_DAYS},
        soon,
        scope.changelist(Meeting, tagesordnung="fehlt"),
        key="meetings-without-agenda",
    )
    missing = meetings.minutes_missing(scope.now).count()
    yield Task(
        ngettext(
            "%(count)d past meeting has no published minutes",
            "%(count)d past meetings have no published minutes",
            missing,
        )
        % {"count": missing},
        missing,
        scope.changelist(Meeting, minutes="missing"),
        key="meetings-without-minutes",
    )


def coverage_figure(scope: Scope):
    """Which of the user's Stadtteile have an active conference, and the wishes for one.

    Four queries: the Quartiere, the active conferences, the wishes (and the permissions,
    read once per request)."""
    if not scope.can_view(Conference):
        return
    districts = Quartier.objects.districts_by_id()
    shown: dict[int, list[int]] = {}
    for quartier_id, district in districts.items():
        if district.kind == Quartier.Kind.DISTRICT and scope.in_scope(quartier_id):
            shown.setdefault(district.pk, []).append(quartier_id)
    with_conference = set()
    active = scope.restrict(Conference.objects.active(), "quartier")
    for quartier_id in active.values_list("quartier", flat=True).distinct():
        district = districts.get(quartier_id)
        if district is not None:
            with_conference.add(district.pk)
    wishes: dict[int, int] = dict.fromkeys(shown, 0)
    can_see_wishes = scope.can_view(ConferenceWish)
    if can_see_wishes:
        confirmed = scope.restrict(ConferenceWish.objects.confirmed(), "quartier", personal=True)
        for quartier_id, count in confirmed.counts_by_quartier().items():
            district = districts.get(quartier_id)
            if district is not None and district.pk in wishes:
                wishes[district.pk] += count
    rows = []
    for pk in sorted(shown, key=lambda pk: (districts[pk].name, pk)):
        ids = ",".join(map(str, sorted(shown[pk])))
        if can_see_wishes:
            url = scope.changelist(
                ConferenceWish, status__exact=SignupStatus.CONFIRMED, quartier__id__in=ids
            )
        else:
            url = scope.changelist(Conference, quartier__id__in=ids)
        note = _("yes") if pk in with_conference else _("no")
        rows.append(Row(districts[pk].name, wishes[pk], url, note))
    covered = sum(1 for pk in shown if pk in with_conference)
    yield Figure(
        title=_("District conferences and wishes"),
        summary=ngettext(
            "Active district conference in %(covered)d of %(total)d district.",
            "Active district conference in %(covered)d of %(total)d districts.",
            len(shown),
        )
        % {"covered": covered, "total": len(shown)},
        label_heading=_("District"),
        note_heading=_("Conference"),
        value_heading=_("Wishes"),
        rows=rows,
        url=scope.changelist(Conference, is_active__exact=1),
        link_text=_("All active conferences"),
        key="conference-coverage",
    )


def provide(scope: Scope):
    yield from wish_task(scope)
    yield from meeting_tasks(scope)
    yield from coverage_figure(scope)
