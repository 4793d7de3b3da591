from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeenConfig(AppConfig):
    name = "ideen"
    verbose_name = _("Ideas for my district")

    def ready(self):
        # Published ideas appear on the Quartier page; quartiere does not import ideen, so
        # the section is registered from here.
        from ideen import sections

        sections.register_all()

        # The admin index (and the weekly digest) name the ideas waiting for moderation.
        from engagierte_stadt import dashboard
        from ideen.dashboard import provide

        dashboard.register(order=40, provider=provide)
