"""The open data set of the partner directory (see `engagierte_stadt.opendata`)."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from engagierte_stadt.opendata import (
    BOOLEAN,
    DATETIME,
    INTEGER,
    LIST,
    TEXT,
    URL,
    Dataset,
    Field,
    iso,
    register,
)
from partner.models import Partner
from quartiere.models import Quartier
from quartiere.opendata import CONTACT_FIELDS, contact_values


@register
class PartnerDataset(Dataset):
    slug = "partner"
    title = _("Partners")
    description = _("The published partner organisations: kind, address, districts, website.")
    ORDER = 50
    FIELDS = [
        Field("id", INTEGER, _("Stable number of the partner.")),
        Field("url", URL, _("Address of the partner's page.")),
        Field("name", TEXT, _("Name of the organisation.")),
        Field("kind", TEXT, _("Kind of organisation.")),
        Field("teaser", TEXT, _("Short description.")),
        Field("description", TEXT, _("Description (Markdown).")),
        Field("website", URL, _("Website.")),
        Field("street", TEXT, _("Street and number.")),
        Field("postcode", TEXT, _("Postcode.")),
        Field("city", TEXT, _("Town.")),
        Field("quartiere", LIST, _("Districts where it is active.")),
        Field("isCooperationPartner", BOOLEAN, _("Cooperation partner of the Engagierte Stadt.")),
        Field("logo", URL, _("Address of the logo, if any.")),
        *CONTACT_FIELDS,
        Field("modified", DATETIME, _("Last change.")),
    ]

    def queryset(self):
        return (
            Partner.objects.published()
            .prefetch_related(Prefetch("quartiere", queryset=Quartier.objects.order_by("name")))
            .order_by("pk")
        )

    def row(self, obj, absolute):
        return {
            "id": obj.pk,
            "url": absolute(obj.get_absolute_url()),
            "name": obj.name,
            "kind": obj.kind,
            "teaser": obj.teaser,
            "description": obj.description,
            "website": obj.website or None,
            "street": obj.street,
            "postcode": obj.postcode,
            "city": obj.city,
            "quartiere": [quartier.name for quartier in obj.quartiere.all()],
            "isCooperationPartner": obj.is_cooperation_partner,
            "logo": absolute(obj.logo.url) if obj.logo else None,
            **contact_values(obj),
            "modified": iso(obj.updated_at),
        }
