"""Agendas taken over, next meetings planned, minutes published."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from engagierte_stadt.submissions.capacity import signup_confirm, signup_submit
from konferenzen.models import ActionItem, Meeting, Registration
from konferenzen.services import (
    meeting_copy_agenda,
    meeting_create_next,
    meeting_publish_minutes,
    meeting_unique_slug,
    next_meeting_start,
)
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    ConferenceFactory,
    DecisionFactory,
    MeetingFactory,
)


def local(year, month, day, hour=18, minute=0):
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def days_from_now(days: int, hour: int = 18):
    day = timezone.localdate() + timedelta(days=days)
    return local(day.year, day.month, day.day, hour)


@pytest.fixture
def conference(db):
    return ConferenceFactory(title="Stadtteilkonferenz Welper", slug="welper")


def agenda_of(meeting):
    return list(
        meeting.agenda_items.values_list(
            "position", "title", "description", "presenter", "minutes_planned"
        )
    )


# --- taking over an agenda ----------------------------------------------------------------


def test_copy_agenda_takes_the_latest_earlier_meeting_with_an_agenda(conference):
    oldest = MeetingFactory(conference=conference, starts_at=days_from_now(-200), slug="a")
    AgendaItemFactory(meeting=oldest, title="Uralt")
    previous = MeetingFactory(conference=conference, starts_at=days_from_now(-100), slug="b")
    AgendaItemFactory(
        meeting=previous,
        position=2,
        title="Spielplatz",
        description="Was fehlt?",
        presenter="AG Spielplatz",
        minutes_planned=25,
    )
    AgendaItemFactory(meeting=previous, position=1, title="Begrüßung", minutes_planned=10)
    # An earlier meeting without agenda (cancelled at short notice) is skipped.
    MeetingFactory(conference=conference, starts_at=days_from_now(-50), slug="c")
    # A meeting of another conference never counts.
    AgendaItemFactory(meeting=MeetingFactory(starts_at=days_from_now(-10)), title="Fremd")
    meeting = MeetingFactory(conference=conference, starts_at=days_from_now(20), slug="d")

    assert meeting_copy_agenda(meeting=meeting) == 2
    assert [row[:2] for row in agenda_of(meeting)] == [(1, "Begrüßung"), (2, "Spielplatz")]
    assert agenda_of(meeting)[1] == (2, "Spielplatz", "Was fehlt?", "AG Spielplatz", 25)


def test_copy_agenda_ignores_later_meetings(conference):
    meeting = MeetingFactory(conference=conference, starts_at=days_from_now(10), slug="a")
    later = MeetingFactory(conference=conference, starts_at=days_from_now(100), slug="b")
    AgendaItemFactory(meeting=later, title="Zukunft")
    assert meeting_copy_agenda(meeting=meeting) == 0
    assert not meeting.agenda_items.exists()


def test_copy_agenda_appends_after_items_already_there(conference):
    source = MeetingFactory(conference=conference, starts_at=days_from_now(-30), slug="a")
    AgendaItemFactory(meeting=source, position=1, title="Begrüßung")
    AgendaItemFactory(meeting=source, position=3, title="Verschiedenes")
    meeting = MeetingFactory(conference=conference, starts_at=days_from_now(30), slug="b")
    AgendaItemFactory(meeting=meeting, position=4, title="Schon eingetragen")
    assert meeting_copy_agenda(meeting=meeting) == 2
    assert [row[:2] for row in agenda_of(meeting)] == [
        (4, "Schon eingetragen"),
        (5, "Begrüßung"),
        (7, "Verschiedenes"),
    ]


def test_copy_agenda_from_a_chosen_meeting_of_another_conference(conference):
    other = MeetingFactory(starts_at=days_from_now(60))
    AgendaItemFactory(meeting=other, title="Gemeinsames Thema")
    meeting = MeetingFactory(conference=conference, starts_at=days_from_now(30))
    assert meeting_copy_agenda(meeting=meeting, source=other) == 1
    assert [row[1] for row in agenda_of(meeting)] == ["Gemeinsames Thema"]
    assert other.agenda_items.count() == 1


def test_copy_agenda_refuses_the_meeting_itself(conference):
    meeting = MeetingFactory(conference=conference)
    AgendaItemFactory(meeting=meeting)
    with pytest.raises(ValueError):
        meeting_copy_agenda(meeting=meeting, source=meeting)
    assert meeting.agenda_items.count() == 1


# --- the next meeting ---------------------------------------------------------------------


@time_machine.travel(local(2026, 1, 5, 12), tick=False)
def test_next_meeting_keeps_weekday_and_time_one_rhythm_later(conference):
    MeetingFactory(conference=conference, starts_at=local(2025, 9, 9), slug="a")  # Tuesday
    meeting = MeetingFactory(conference=conference, starts_at=local(2025, 12, 9), slug="b")
    starts = timezone.localtime(next_meeting_start(meeting))
    # 13 weeks after 9 December, still a Tuesday at 18:00.
    assert starts == timezone.localtime(local(2026, 3, 10))
    assert starts.weekday() == 1 and (starts.hour, starts.minute) == (18, 0)


@time_machine.travel(local(2026, 3, 20, 12), tick=False)
def test_next_meeting_keeps_the_wall_clock_time_across_daylight_saving(conference):
    MeetingFactory(conference=conference, starts_at=local(2026, 3, 3, 19), slug="a")
    meeting = MeetingFactory(conference=conference, starts_at=local(2026, 3, 17, 19), slug="b")
    starts = timezone.localtime(next_meeting_start(meeting))
    assert (starts.date().isoformat(), starts.hour) == ("2026-03-31", 19)  # after 29 March


@time_machine.travel(local(2026, 1, 5, 12), tick=False)
def test_next_meeting_without_earlier_one_is_about_three_months_later(conference):
    meeting = MeetingFactory(conference=conference, starts_at=local(2026, 1, 14, 17, 30))
    starts = timezone.localtime(next_meeting_start(meeting))
    assert starts == timezone.localtime(local(2026, 4, 15, 17, 30))


@time_machine.travel(local(2026, 6, 1, 12), tick=False)
def test_next_meeting_is_never_in_the_past(conference):
    MeetingFactory(conference=conference, starts_at=local(2025, 11, 4), slug="a")
    meeting = MeetingFactory(conference=conference, starts_at=local(2025, 12, 2), slug="b")
    starts = next_meeting_start(meeting)
    assert starts > timezone.now()
    assert timezone.localtime(starts).date().isoformat() == "2026-06-16"  # 4-week steps


def test_create_next_copies_place_services_and_agenda_but_nothing_personal(conference):
    meeting = MeetingFactory(
        conference=conference,
        title="Frühjahrskonferenz",
        starts_at=days_from_now(-3),
        ends_at=days_from_now(-3) + timedelta(hours=2, minutes=30),
        room="Großer Saal",
        sign_language_on_request=True,
        childcare=True,
        registration_enabled=True,
        places=25,
        status=Meeting.Status.HELD,
        minutes_summary="Es wurde viel besprochen.",
        minutes_published_at=timezone.now(),
    )
    AgendaItemFactory(meeting=meeting, position=1, title="Begrüßung")
    AgendaItemFactory(meeting=meeting, position=2, title="Spielplatz")
    DecisionFactory(meeting=meeting)
    ActionItemFactory(meeting=meeting)
    result = signup_submit(model=Registration, target=meeting, name="A", email="a@example.org")
    signup_confirm(model=Registration, token=result.token)

    new = meeting_create_next(meeting=meeting)

    new.refresh_from_db()
    assert new.pk != meeting.pk and new.conference == conference
    assert new.status == Meeting.Status.PLANNED and new.starts_at > timezone.now()
    assert new.slug == timezone.localtime(new.starts_at).strftime("%Y-%m-%d")
    assert new.ends_at - new.starts_at == timedelta(hours=2, minutes=30)
    assert (new.venue, new.room) == (meeting.venue, "Großer Saal")
    assert new.sign_language_on_request and new.childcare
    assert (new.registration_enabled, new.places) == (True, 25)
    assert [a.title for a in new.agenda_items.all()] == ["Begrüßung", "Spielplatz"]
    assert new.title == "" and new.minutes_summary == "" and new.minutes_published_at is None
    assert not new.registrations.exists()
    assert not new.decisions.exists() and not new.action_items.exists()
    assert new.uid != meeting.uid and new.sequence == 0


def test_create_next_finds_a_free_address_when_the_date_is_taken(conference):
    meeting = MeetingFactory(conference=conference, starts_at=days_from_now(-3), slug="a")
    starts = days_from_now(60, hour=10)
    MeetingFactory(conference=conference, starts_at=starts, slug=f"{starts:%Y-%m-%d}")
    new = meeting_create_next(meeting=meeting, starts_at=starts + timedelta(hours=8))
    assert new.slug == f"{timezone.localtime(starts):%Y-%m-%d}-2"


def test_create_next_takes_an_earlier_agenda_when_the_meeting_has_none(conference):
    earlier = MeetingFactory(conference=conference, starts_at=days_from_now(-100), slug="a")
    AgendaItemFactory(meeting=earlier, title="Begrüßung")
    meeting = MeetingFactory(conference=conference, starts_at=days_from_now(-10), slug="b")
    new = meeting_create_next(meeting=meeting)
    assert [a.title for a in new.agenda_items.all()] == ["Begrüßung"]


def test_unique_slug_counts_up_and_respects_addresses_given_in_the_same_go(conference):
    day = timezone.localdate()
    MeetingFactory(conference=conference, slug=f"{day:%Y-%m-%d}")
    assert meeting_unique_slug(conference=conference, day=day) == f"{day:%Y-%m-%d}-2"
    taken = {f"{day:%Y-%m-%d}-2"}
    assert meeting_unique_slug(conference=conference, day=day, taken=taken) == (f"{day:%Y-%m-%d}-3")
    other = ConferenceFactory()
    assert meeting_unique_slug(conference=other, day=day) == f"{day:%Y-%m-%d}"


# --- publishing minutes -------------------------------------------------------------------


def test_publish_minutes_shows_them_and_marks_the_meeting_held(conference):
    meeting = MeetingFactory(
        conference=conference, starts_at=days_from_now(-2), minutes_summary="Kurzfassung"
    )
    sequence = meeting.sequence
    assert meeting_publish_minutes(meeting=meeting) is True
    meeting.refresh_from_db()
    assert meeting.minutes_published
    assert meeting.status == Meeting.Status.HELD
    assert meeting.sequence == sequence + 1  # calendars learn that it took place


def test_publish_minutes_at_a_later_time(conference):
    meeting = MeetingFactory(
        conference=conference, starts_at=days_from_now(-2), minutes_summary="Kurzfassung"
    )
    later = timezone.now() + timedelta(days=3)
    meeting_publish_minutes(meeting=meeting, when=later)
    meeting.refresh_from_db()
    assert meeting.minutes_published_at == later and not meeting.minutes_published


def test_publish_minutes_keeps_the_first_publication_date(conference):
    first = timezone.now() - timedelta(days=10)
    meeting = MeetingFactory(
        conference=conference,
        starts_at=days_from_now(-20),
        status=Meeting.Status.HELD,
        minutes_summary="Kurzfassung",
        minutes_published_at=first,
    )
    assert meeting_publish_minutes(meeting=meeting) is False
    meeting.refresh_from_db()
    assert meeting.minutes_published_at == first


def test_publish_minutes_needs_minutes(conference):
    meeting = MeetingFactory(conference=conference, starts_at=days_from_now(-2))
    with pytest.raises(ValidationError) as error:
        meeting_publish_minutes(meeting=meeting)
    assert "hat noch kein Protokoll" in error.value.messages[0]
    meeting.refresh_from_db()
    assert meeting.minutes_published_at is None and meeting.status == Meeting.Status.PLANNED


def test_publish_minutes_refuses_a_cancelled_meeting(conference):
    meeting = MeetingFactory(
        conference=conference,
        starts_at=days_from_now(-2),
        status=Meeting.Status.CANCELLED,
        minutes_summary="Irrtum",
    )
    with pytest.raises(ValidationError) as error:
        meeting_publish_minutes(meeting=meeting)
    assert "wurde abgesagt" in error.value.messages[0]
    meeting.refresh_from_db()
    assert meeting.minutes_published_at is None


def test_publish_minutes_before_the_meeting_leaves_it_planned(conference):
    meeting = MeetingFactory(
        conference=conference, starts_at=days_from_now(5), minutes_summary="Einladung"
    )
    meeting_publish_minutes(meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED


def test_action_items_stay_untouched_by_publishing(conference):
    meeting = MeetingFactory(
        conference=conference, starts_at=days_from_now(-2), minutes_summary="Kurzfassung"
    )
    ActionItemFactory(meeting=meeting, status=ActionItem.Status.OPEN)
    meeting_publish_minutes(meeting=meeting)
    assert meeting.action_items.get().status == ActionItem.Status.OPEN
