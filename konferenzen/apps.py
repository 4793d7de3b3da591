from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KonferenzenConfig(AppConfig):
    name = "konferenzen"
    verbose_name = _("District conferences")

    def ready(self):
        # The Quartier page shows its conference (or how to wish for one); quartiere does not
        # import konferenzen, so the section is registered from here.
        from konferenzen import sections

        sections.register_all()

        # The admin index shows what needs doing in the editor's Quartiere.
        from engagierte_stadt import dashboard
        from konferenzen.dashboard import provide

        dashboard.register(order=20, provider=provide)
