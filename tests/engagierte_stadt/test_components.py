"""The template components under templates/components/: the description-list row (with a
plain value or with markup through its tag) and the card base."""

from django.template import Context, Template
from django.template.loader import render_to_string


def render(source: str, **context) -> str:
    return Template("{% load component_tags %}" + source).render(Context(context))


def test_a_plain_value_is_escaped_with_its_line_breaks_kept():
    html = render(
        '{% include "components/description_item.html" with key="Nachricht" value=text only %}',
        text="<b>Hallo</b>\nzweite Zeile",
    )
    assert '<dt class="kern-description-list-item__key">Nachricht</dt>' in html
    assert "&lt;b&gt;Hallo&lt;/b&gt;<br>zweite Zeile</dd>" in html


def test_an_empty_plain_value_shows_a_dash():
    html = render('{% include "components/description_item.html" with key="Telefon" only %}')
    assert '<dd class="kern-description-list-item__value">–</dd>' in html


def test_a_yes_or_no_value_shows_the_given_words():
    source = (
        '{% include "components/description_item.html" with key="Hilfe" value=v'
        ' yes="ja" no="nein" only %}'
    )
    assert ">ja</dd>" in render(source, v=True)
    assert ">nein</dd>" in render(source, v=False)


def test_markup_through_the_tag_is_shown_as_rendered():
    html = render(
        '{% description_item "Ort" %}<a class="kern-link" href="{{ url }}">{{ name }}</a>'
        "{% enddescription_item %}",
        url="/quartiere/welper/",
        name="Welper & Co",
    )
    assert html == (
        '<div class="kern-description-list-item"><dt class="kern-description-list-item__key">'
        'Ort</dt><dd class="kern-description-list-item__value"><a class="kern-link" '
        'href="/quartiere/welper/">Welper &amp; Co</a></dd></div>\n'
    )


def test_markup_through_the_tag_sees_only_its_key_and_body():
    # The row renders in a context of its own: an outer `value` does not leak into it.
    html = render('{% description_item "Leer" %}{% enddescription_item %}', value="draußen")
    assert '<dd class="kern-description-list-item__value"></dd>' in html


def test_a_card_is_one_stretched_link_with_the_given_heading_level():
    class Article:
        photo = None
        title = "Hattingen ist Engagierte Stadt"
        teaser = "Ein neues Portal."
        publish_at = None

        def get_absolute_url(self):
            return "/aktuelles/hattingen/"

    html = render_to_string(
        "components/article_card.html", {"article": Article(), "heading_level": "h3"}
    )
    assert html.startswith('<article class="kern-card site-card">')
    assert (
        '<h3 class="kern-title"><a class="kern-link kern-link--stretched" '
        'href="/aktuelles/hattingen/">Hattingen ist Engagierte Stadt</a></h3>'
    ) in html
    assert '<p class="kern-body">Ein neues Portal.</p>' in html
