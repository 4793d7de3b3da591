from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KonferenzenConfig(AppConfig):
    name = "konferenzen"
    verbose_name = _("District conferences")
