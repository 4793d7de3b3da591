from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagierteStadtConfig(AppConfig):
    name = "engagierte_stadt"
    verbose_name = _("Site content")

    def ready(self):
        from engagierte_stadt import pagecache, staff_login

        staff_login.connect()
        pagecache.connect()

        # django-imagekit's post_init receiver for the models with pictures only.
        from engagierte_stadt.images import narrow_imagekit_receiver

        narrow_imagekit_receiver()

        # Each staff member switches their weekly digest on or off in the admin.
        from engagierte_stadt import digest_admin  # noqa: F401

        # The place counters' triggers: dropped before `migrate`, put back after it.
        from engagierte_stadt.submissions import counters

        counters.connect_signals(self)
