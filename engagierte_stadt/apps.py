from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagierteStadtConfig(AppConfig):
    name = "engagierte_stadt"
    verbose_name = _("Site content")

    def ready(self):
        from engagierte_stadt import staff_login

        staff_login.connect()

        # The place counters' triggers: dropped before `migrate`, put back after it.
        from engagierte_stadt.submissions import counters

        counters.connect_signals(self)
