from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnerConfig(AppConfig):
    name = "partner"
    verbose_name = _("Partners")

    def ready(self):
        # The partners of a project and of a Quartier appear on their pages; quartiere does
        # not import partner, so the sections are registered from here.
        from partner import sections

        sections.register_all()

        # The admin index shows waiting applications and the partners by kind.
        from engagierte_stadt import dashboard
        from partner.dashboard import provide

        dashboard.register(order=30, provider=provide)

        # Administration makes a partner's contact an editor of the partner's opportunities.
        from partner import admin_assignments  # noqa: F401
