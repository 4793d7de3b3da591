"""Filters of the partner directory, read from GET parameters.

Readable values, as on the project lists: `?art=unternehmen&quartier=welper`. A value the
portal does not know is left out and explained next to the field; the other filter applies.
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from partner.models import Partner, PartnerKind
from quartiere.filters import UNKNOWN_VALUE, ChoicesFromDatabaseMixin, quartier_filter


class PartnerFilter(ChoicesFromDatabaseMixin, django_filters.FilterSet):
    art = django_filters.ChoiceFilter(
        label=_("Kind of organisation"),
        empty_label=_("All kinds"),
        field_name="kind",
        choices=PartnerKind.choices,
        error_messages={"invalid_choice": UNKNOWN_VALUE},
    )
    quartier = quartier_filter()

    class Meta:
        model = Partner
        fields = []

    # The Quartiere as a list, not a queryset: validating and rendering cost no further query.
    choice_kinds = ("quartier",)

    def filter_quartier(self, queryset, name, value):
        return queryset.active_in_quartier_slug(value)
