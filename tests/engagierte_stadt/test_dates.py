"""Dates in each language's own way: "Dienstag, 22. Dezember 2026" on German pages,
"Tuesday 22 December 2026" on English ones (engagierte_stadt/formats/)."""

from django.utils import timezone, translation
from django.utils.formats import date_format

from engagierte_stadt.formats import local_format
from konferenzen.models import Meeting


def english_day(moment) -> str:
    day = timezone.localtime(moment)
    return f"{day:%A} {day.day} {day:%B} {day.year}"  # the C locale's English names


def test_formats_per_language():
    moment = timezone.make_aware(timezone.datetime(2026, 12, 22, 18, 0))
    with translation.override("en"):
        assert (
            date_format(moment, local_format("WEEKDAY_DATE_FORMAT")) == "Tuesday 22 December 2026"
        )
        assert date_format(moment, "DATETIME_FORMAT") == "22 December 2026, 18:00"
    with translation.override("de"):
        assert (
            date_format(moment, local_format("WEEKDAY_DATE_FORMAT"))
            == "Dienstag, 22. Dezember 2026"
        )
        assert date_format(moment, "DATE_FORMAT") == "22. Dezember 2026"
    with translation.override("qps-plocm"):  # a language without formats of its own: German's
        assert local_format("WEEKDAY_DATE_FORMAT") == "l, j. F Y"


def test_meeting_page_shows_the_date_the_english_way_on_en(demo, client):
    meeting = Meeting.objects.upcoming().first()
    german = client.get(meeting.get_absolute_url()).content.decode()
    with translation.override("de"):
        assert date_format(timezone.localtime(meeting.starts_at), "l, j. F Y") in german
    english = client.get("/en" + meeting.get_absolute_url()).content.decode()
    assert english_day(meeting.starts_at) in english
    day = timezone.localtime(meeting.starts_at)
    assert f"{day.day}. {day:%B}" not in english  # not the German pattern with English names


def test_date_text_is_djangos_formatting_per_language_and_offset():
    """`date_text` works each text out once (issue #17); it must stay Django's text for the
    active language and for the value's own offset, however often it is asked."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.utils import formats, translation

    from engagierte_stadt.formats import date_text

    moment = dt.datetime(2026, 12, 22, 17, 0, tzinfo=dt.UTC)
    berlin = moment.astimezone(ZoneInfo("Europe/Berlin"))
    for language in ("de", "en", "de"):
        with translation.override(language):
            for value in (moment, berlin, moment.date()):
                assert date_text(value, "DATE_FORMAT") == formats.date_format(value, "DATE_FORMAT")
            assert date_text(berlin, "H:i", time=True) == "18:00"
            assert date_text(moment, "H:i", time=True) == "17:00"
    with translation.override("de"):
        assert date_text(moment.date(), "l, j. F Y") == "Dienstag, 22. Dezember 2026"
    with translation.override("en"):
        assert date_text(moment.date(), "l, j. F Y") == "Tuesday, 22. December 2026"
