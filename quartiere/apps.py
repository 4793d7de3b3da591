from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuartiereConfig(AppConfig):
    name = "quartiere"
    verbose_name = _("Districts and neighbourhoods")

    def ready(self):
        # Alerts for new offers run with the other periodic work (`manage.py run_jobs`).
        from engagierte_stadt.jobs import Job, register

        register(Job("send_alerts", "send_alerts", timedelta(minutes=10)))

        # The admin index shows what needs doing in the editor's Quartiere.
        from engagierte_stadt import dashboard
        from quartiere.dashboard import provide

        dashboard.register(order=10, provider=provide)
