"""The meeting card in Python: exactly `konferenzen/includes/meeting_card.html` (see
`engagierte_stadt.cards`; the tag is in `engagierte_stadt.templatetags.card_tags`)."""

from engagierte_stadt.cards import card, date, e, label, t, text_of
from engagierte_stadt.templatetags.content_tags import marked
from konferenzen.templatetags.konferenzen_tags import meeting_time


def meeting_card(meeting, heading_level=None, show_conference=False) -> str:
    """Conference (or, on the conference's own page, the meeting's title), date and time,
    venue, whether to register."""
    cancelled = meeting.is_cancelled
    if show_conference:
        quartier = meeting.conference.quartier
        preline = e(quartier.name if quartier else None)
        title = text_of(meeting.conference, "title")
    else:
        preline = date(meeting.starts_at)
        title = marked(meeting.display_title)
    badge = ""
    if cancelled:
        badge = (
            '<p class="kern-body"><span class="kern-badge kern-badge--danger">'
            f'<span class="kern-label">{e(label(meeting, "status"))}</span></span></p>'
        )
    own_title = ""
    if show_conference and meeting.title:
        own_title = f"<li>{text_of(meeting, 'title')}</li>"
    venue = meeting.venue
    if venue:
        where = e(venue.name) + (f", {e(meeting.room)}" if meeting.room else "")
    else:
        where = t("Venue to be announced")
    registration = ""
    if not cancelled:
        if meeting.registration_enabled:
            registration = f"<li>{t('Registration required')}</li>"
        else:
            registration = f"<li>{t('No registration – just come along')}</li>"
    body = (
        f"{badge}\n"
        '      <ul class="site-facts">\n'
        f"        {own_title}\n"
        f"        <li>{meeting_time(meeting)}</li>\n"
        f"        <li>{where}</li>\n"
        f"        {registration}\n"
        "      </ul>"
    )
    return card(
        modifiers=" site-card--cancelled" if cancelled else "",
        preline=preline,
        url=e(meeting.get_absolute_url()),
        title=title,
        body=body,
        heading_level=heading_level,
    )
