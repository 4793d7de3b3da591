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

    def purge_personal_data(self, *, now, days: int, dry_run: bool = False) -> list:
        """Expire unconfirmed applications and delete applicants' personal data past the
        retention period; called by `manage.py purge_personal_data`.

        Returns `(label, expired, purged)` per model, counts only.
        """
        from partner import services
        from partner.models import PartnerApplication

        if dry_run:
            expired = PartnerApplication.objects.expired_unconfirmed(now=now).count()
            purged = services.applications_to_purge(now=now, days=days).count()
        else:
            expired = services.applications_expire(now=now)
            purged = services.applications_purge(now=now, days=days)
        return [(PartnerApplication._meta.label, expired, purged)]
