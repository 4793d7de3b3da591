"""Template tags of the district conferences: a meeting's date in words, its schema.org data
for search engines, and absolute portal addresses for calendars and printed notices."""

from django import template
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from engagierte_stadt.formats import date_text, local_format
from engagierte_stadt.memo import Table
from engagierte_stadt.sharing import jsonld_script
from engagierte_stadt.templatetags.content_tags import translated
from engagierte_stadt.templatetags.site_tags import machine_time, weekday_date
from engagierte_stadt.urlwords import address
from konferenzen import calendar

register = template.Library()


@register.simple_tag(takes_context=True)
def meeting_jsonld(context, meeting):
    """`<script type="application/ld+json">` with the meeting as a schema.org Event (the page
    itself gets it through `base.html`, like every shareable row)."""
    data = meeting.structured_data(site=context.get("site_settings"), absolute=calendar.portal_url)
    return jsonld_script(data)


@register.filter
def meeting_when(meeting) -> str:
    """The date and time in words: "Dienstag, 9. März 2027, 18:00 bis 20:00 Uhr", in English
    "Tuesday 9 March 2027, 18:00 to 20:00"."""
    start = calendar.local(meeting.starts_at)
    day = date_format(start, local_format("WEEKDAY_DATE_FORMAT"))
    if meeting.ends_at is None:
        return _("%(day)s, from %(start)s") % {"day": day, "start": date_format(start, "H:i")}
    end = calendar.local(meeting.ends_at)
    if end.date() != start.date():
        return _("%(start_day)s, %(start)s to %(end_day)s, %(end)s") % {
            "start_day": day,
            "start": date_format(start, "H:i"),
            "end_day": date_format(end, local_format("WEEKDAY_DATE_FORMAT")),
            "end": date_format(end, "H:i"),
        }
    return _("%(day)s, %(start)s to %(end)s") % {
        "day": day,
        "start": date_format(start, "H:i"),
        "end": date_format(end, "H:i"),
    }


@register.simple_tag
def portal_url(path: str) -> str:
    """`path` as an absolute address on the portal (`SITE_URL`)."""
    return calendar.portal_url(path)


@register.simple_tag
def webcal_url(path: str) -> str:
    """`path` on the portal with the webcal scheme, which opens a calendar's "subscribe"."""
    url = calendar.portal_url(path)
    return "webcal://" + url.split("://", 1)[-1]


@register.simple_tag
def meeting_time(meeting):
    """Date and time of a meeting as `<time>` in words ("Dienstag, 9. März 2027, 18:00 bis
    20:00 Uhr"), for cards and the meeting page. A tag rather than an included template:
    a list shows it on every card; its dates are formatted once per value and language
    (`formats.date_text`)."""
    zone = timezone.get_current_timezone()
    start = meeting.starts_at.astimezone(zone)
    end = meeting.ends_at.astimezone(zone) if meeting.ends_at else None
    if end is None:
        text = _("from %(start)s o'clock") % {"start": date_text(start, "H:i", time=True)}
    elif end.date() == start.date():
        text = _("%(start)s to %(end)s o'clock") % {
            "start": date_text(start, "H:i", time=True),
            "end": date_text(end, "H:i", time=True),
        }
    else:
        text = _("%(start)s until %(end_day)s, %(end)s o'clock") % {
            "start": date_text(start, "H:i", time=True),
            "end_day": conditional_escape(date_text(end, "DATE_FORMAT")),
            "end": date_text(end, "H:i", time=True),
        }
    return mark_safe(  # noqa: S308 - a trusted translation with escaped values, as blocktranslate
        f'<time datetime="{conditional_escape(machine_time(start))}">'
        f"{conditional_escape(weekday_date(start))}, {text}</time>"
    )


# --- The meeting card (konferenzen/cards.py), after `meeting_time` that it uses ---------------

from engagierte_stadt.cards import card_tag, checked  # noqa: E402
from konferenzen import cards  # noqa: E402

card_tag(register, "konferenzen/includes/meeting_card.html")(cards.meeting_card)


@register.simple_tag
def next_date(conference):
    """`konferenzen/includes/next_date.html` (the reference, compared under `CARDS_CHECK`):
    "Nächster Termin: <link>Dienstag, 9. März 2027, 18:00 Uhr</link>" of a conference from
    `annotate_next_meeting()`. Lists show it for every conference."""
    starts = conference.next_starts_at
    if not starts:
        html = conditional_escape(_("Next date to be announced"))
    else:
        local = timezone.template_localtime(starts)
        url = address(
            "konferenzen:meeting_detail",
            {"conference": conference.slug, "slug": conference.next_slug},
        )
        # As {% blocktranslate %}: the value escaped, the translation as it is.
        clock = _("%(start)s o'clock") % {
            "start": conditional_escape(date_text(local, "H:i", time=True))
        }
        e = conditional_escape
        html = mark_safe(  # noqa: S308 - every value escaped, the translation as it is
            f'{e(_("Next date:"))} <a class="kern-link" href="{e(url)}">'
            f'<time datetime="{e(machine_time(local))}">'
            f"{e(weekday_date(local))}, {clock}</time></a>"
        )
    return checked(html, "konferenzen/includes/next_date.html", {"conference": conference})


@register.simple_tag
def conference_link(conference, here):
    """`konferenzen/includes/conference_link.html` (the reference, compared under
    `CARDS_CHECK`): the overview and a Quartier page list a conference per row."""
    e = conditional_escape
    html = f'<a class="kern-link" href="{e(conference.get_absolute_url())}">'
    html += f"{translated(conference, 'title')}</a>"
    if conference.quartier_id != here:
        quartier = conference.quartier
        html += " " + _("(in %(name)s)") % {"name": e(quartier.name if quartier else "")}
    return checked(
        html,
        "konferenzen/includes/conference_link.html",
        {"conference": conference, "here": here},
    )


@register.simple_tag
def coverage_table(coverage):
    """The overview's table of every Stadtteil (`konferenzen/includes/coverage_table.html`),
    rendered once per content, language and time zone: its rows are the same for every
    visitor until a conference, meeting, wish or Quartier changes, and their content is the
    key (`DistrictCoverage.content`), so a change is a new key, never a stale table. About
    half of the overview's work at 10x data was this table's template."""
    key = (
        get_language(),
        timezone.get_current_timezone_name(),
        get_script_prefix(),
        tuple(row.content() for row in coverage),
    )
    html = _COVERAGE.kept(
        key,
        lambda: get_template("konferenzen/includes/coverage_table.html").render(
            {"coverage": coverage}
        ),
    )
    return mark_safe(html)  # noqa: S308 - a rendered template


_COVERAGE = Table(maxsize=16)
