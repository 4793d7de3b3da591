from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _quartier_section(quartier):
    from konferenzen.views import quartier_section

    return quartier_section(quartier)


class KonferenzenConfig(AppConfig):
    name = "konferenzen"
    verbose_name = _("District conferences")

    def ready(self):
        from quartiere import sections

        # The Quartier page shows its conference (or how to wish for one) without
        # `quartiere` importing this app.
        sections.register(
            "quartier",
            order=10,
            template_name="konferenzen/includes/quartier_section.html",
            context=_quartier_section,
        )
