"""The partner card in Python: exactly `partner/includes/partner_card.html` (see
`engagierte_stadt.cards`; the tag is in `engagierte_stadt.templatetags.card_tags`)."""

from engagierte_stadt.cards import capfirst, card, e, label, language_note, listed, t, text_of


def logo(partner, loading=None) -> str:
    """`partner/includes/logo.html`: the logo as stored, with its size."""
    size = ""
    if partner.logo_width and partner.logo_height:
        size = f' width="{e(partner.logo_width)}" height="{e(partner.logo_height)}"'
    return (
        f'<img src="{e(partner.logo.url)}" alt="{e(partner.logo_alt)}"{size} '
        f'loading="{e(loading or "lazy")}" decoding="async">\n'
    )


def partner_card(partner, heading_level=None, show_quartiere=False) -> str:
    if partner.logo:
        sign = logo(partner)
    else:
        sign = (
            '<span class="site-logo-box__initial" aria-hidden="true">'
            f"{e(partner.name[:1].upper())}</span>"
        )
    badge = ""
    if partner.is_cooperation_partner:
        badge = (
            '<p class="site-badges"><span class="kern-badge kern-badge--success">'
            f'<span class="kern-label">{t("Cooperation partner")}</span></span></p>'
        )
    active_in = ""
    if show_quartiere:
        quartiere = list(partner.quartiere.all())
        if quartiere:
            active_in = (
                f'<p class="kern-body kern-body--small site-card__meta">{t("Active in:")} '
                f"{listed(quartier.name for quartier in quartiere)}</p>"
            )
    body = (
        f"{badge}\n"
        f"      {language_note(partner, 'teaser')}"
        f'<p class="kern-body">{text_of(partner, "teaser")}</p>\n'
        f"      {active_in}"
    )
    return card(
        modifiers=" site-partner-card",
        media=f'<div class="kern-card__media site-logo-box">{sign}</div>\n  ',
        preline=capfirst(label(partner, "kind")),
        url=e(partner.get_absolute_url()),
        title=e(partner.name),
        body=body,
        heading_level=heading_level,
    )
