"""The conference demo: current dates, gaps in coverage, idempotent, and fast bulk data."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.utils import timezone

from bench import scale_data
from engagierte_stadt.documents import validate_pdf
from engagierte_stadt.submissions.capacity import SignupStatus
from konferenzen import demo
from konferenzen.models import (
    ActionItem,
    AgendaItem,
    Conference,
    ConferenceWish,
    Decision,
    Meeting,
    Registration,
    Venue,
)
from quartiere.models import Quartier
from tests.factories import QuartierFactory

WITH_CONFERENCE = {"blankenstein", "welper", "hattingen-mitte", "winz-baak", "holthausen"}
WITHOUT_CONFERENCE = {
    "niederwenigern",
    "bredenscheid-stueter",
    "niederbonsfeld",
    "oberelfringhausen",
    "oberstueter",
    "niederelfringhausen",
}


@pytest.fixture
def quartiere(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for slug in sorted(WITH_CONFERENCE | WITHOUT_CONFERENCE):
        QuartierFactory(slug=slug, name=slug.replace("-", " ").title())
    QuartierFactory(
        slug="rauendahl",
        name="Rauendahl",
        kind=Quartier.Kind.NEIGHBOURHOOD,
        parent=Quartier.objects.get(slug="hattingen-mitte"),
    )


@pytest.fixture
def loaded(quartiere):
    return demo.load()


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in [
            Venue,
            Conference,
            Meeting,
            AgendaItem,
            Decision,
            ActionItem,
            Registration,
            ConferenceWish,
        ]
    }


def blankenstein_next():
    return Meeting.objects.filter(conference__slug="blankenstein").upcoming().first()


def test_loading_twice_adds_nothing_the_second_time(loaded):
    before = counts()
    assert loaded["conferences"] == 6 and loaded["meetings"] == before["Meeting"]
    again = demo.load(stdout=io.StringIO())
    assert set(again.values()) == {0}
    assert counts() == before


def test_staff_edits_survive_a_reload(loaded):
    meeting = blankenstein_next()
    meeting.title = "Von der Redaktion geändert"
    meeting.save()
    meeting.agenda_items.first().delete()
    items = meeting.agenda_items.count()
    Conference.objects.filter(slug="welper").update(description="Eigener Text")
    demo.load()
    meeting.refresh_from_db()
    assert meeting.title == "Von der Redaktion geändert"
    assert meeting.agenda_items.count() == items
    assert Conference.objects.get(slug="welper").description == "Eigener Text"


def test_some_stadtteile_have_a_conference_and_others_do_not(loaded):
    with_conference = set(
        Quartier.objects.filter(conferences__isnull=False).values_list("slug", flat=True)
    )
    assert with_conference == WITH_CONFERENCE | {"rauendahl"}
    assert not Conference.objects.filter(quartier__slug__in=WITHOUT_CONFERENCE).exists()


def test_blankenstein_has_an_upcoming_meeting_open_for_registration_with_agenda(loaded):
    meeting = blankenstein_next()
    assert meeting.starts_at > timezone.now()
    assert meeting.accepts_signups and meeting.places
    free = meeting.places - meeting.registrations.filter(status=SignupStatus.CONFIRMED).count()
    assert free > 10
    titles = list(meeting.agenda_items.values_list("title", flat=True))
    assert len(titles) >= 4 and titles[0] == "Begrüßung und Vorstellungsrunde"
    assert meeting.venue.name == "Gemeindehaus am Burgberg" and meeting.venue.step_free


def test_open_action_items_of_the_last_meeting_show_on_the_next_one(loaded):
    open_items = ActionItem.objects.open_before(blankenstein_next())
    assert open_items.count() >= 2
    assert ActionItem.objects.filter(
        meeting__conference__slug="blankenstein", status=ActionItem.Status.DONE
    ).exists()


def test_past_meetings_have_published_minutes_with_decisions(loaded):
    past = Meeting.objects.past()
    published = [m for m in past if m.minutes_published]
    assert len(published) >= 6
    assert all(m.minutes_summary and m.status == Meeting.Status.HELD for m in published)
    assert Decision.objects.filter(meeting__in=published).count() >= 6
    # One set of minutes is written but not published yet.
    assert any(not m.minutes_published and m.minutes_summary for m in past)


def test_demo_minutes_are_real_pdf_files(loaded):
    with_file = Meeting.objects.exclude(minutes_file="")
    assert with_file.count() >= 2
    for meeting in with_file:
        assert meeting.minutes_file.name.startswith("konferenzen/")
        with meeting.minutes_file.open("rb") as file:
            content = file.read()
        assert content.startswith(b"%PDF-1.4") and content.rstrip().endswith(b"%%EOF")
        assert b"Protokoll" in content
        # The same check an upload in the admin must pass.
        validate_pdf(SimpleUploadedFile("p.pdf", content, "application/pdf"))


def test_upcoming_meetings_cover_the_cases_the_pages_show(loaded):
    upcoming = list(Meeting.objects.upcoming().annotate_places())
    assert any(m.status == Meeting.Status.CANCELLED for m in upcoming)
    assert any(not m.registration_enabled for m in upcoming)
    assert any(m.registration_enabled and m.places is None for m in upcoming)
    few = [m for m in upcoming if m.free_places is not None and 0 < m.free_places <= 3]
    assert few, "one meeting should have only a few places left"


def test_wishes_are_confirmed_and_only_where_no_conference_meets(loaded):
    wishes = ConferenceWish.objects.all()
    assert wishes.count() >= 4
    assert {w.quartier.slug for w in wishes} <= WITHOUT_CONFERENCE
    for wish in wishes:
        assert wish.status == SignupStatus.CONFIRMED
        assert wish.consent_at and wish.confirmed_at and len(wish.token_hash) == 64
        assert wish.email.endswith("@hattingen.example")
    assert wishes.filter(would_help=True).exists() and wishes.filter(would_help=False).exists()


def test_demo_registrations_stay_within_the_places(loaded):
    for meeting in Meeting.objects.filter(places__isnull=False).annotate(
        taken=Count("registrations")
    ):
        assert meeting.taken <= meeting.places


def test_missing_quartier_is_skipped_with_a_note(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    QuartierFactory(slug="blankenstein", name="Blankenstein")
    out = io.StringIO()
    created = demo.load(stdout=out)
    assert created["conferences"] == 1
    assert "Skipped conference welper" in out.getvalue()


def test_load_demo_command_includes_the_conferences(demo):
    assert Conference.objects.filter(slug="blankenstein").exists()
    assert blankenstein_next().agenda_items.exists()
    assert not Conference.objects.filter(quartier__slug="niederwenigern").exists()


# --- bulk data ----------------------------------------------------------------------------


def test_bulk_creates_at_least_two_thousand_meetings_with_agendas(loaded):
    before = Meeting.objects.count()
    out = io.StringIO()
    result = scale_data.conferences(1, stdout=out)
    assert result["meetings"] >= 2000
    assert Meeting.objects.count() - before == result["meetings"]
    bulk_meetings = Meeting.objects.filter(conference__slug__startswith=result["prefix"] + "-")
    assert not bulk_meetings.annotate(n=Count("agenda_items")).filter(n=0).exists()
    assert bulk_meetings.filter(starts_at__gt=timezone.now()).exists()
    assert bulk_meetings.filter(minutes_published_at__isnull=False).exists()
    # The conferences go to Stadtteile that have one, so the gaps stay.
    assert not Conference.objects.filter(quartier__slug__in=WITHOUT_CONFERENCE).exists()
    assert "2000 meetings" in out.getvalue()


def test_bulk_twice_adds_a_second_run(loaded):
    first = scale_data.conferences(1)
    second = scale_data.conferences(1)
    assert first["prefix"] != second["prefix"]
    assert Conference.objects.filter(slug__startswith="bulk-").count() == 2 * first["conferences"]
