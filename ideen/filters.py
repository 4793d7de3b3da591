"""Filters of the idea list, read from GET parameters (`?quartier=welper&topic=umwelt`), as
on the project list: readable values, unknown ones left out and explained at the field."""

import django_filters
from django.utils.translation import gettext_lazy as _

from ideen.models import PUBLIC_STATUSES, Idea, IdeaStatus
from quartiere.filters import UNKNOWN_VALUE, ChoicesFromDatabaseMixin, quartier_filter


class IdeaFilter(ChoicesFromDatabaseMixin, django_filters.FilterSet):
    quartier = quartier_filter()
    topic = django_filters.ChoiceFilter(
        label=_("Topic"),
        empty_label=_("All topics"),
        field_name="topic__slug",
        error_messages={"invalid_choice": UNKNOWN_VALUE},
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        empty_label=_("Any status"),
        choices=[(status.value, status.label) for status in map(IdeaStatus, PUBLIC_STATUSES)],
        error_messages={"invalid_choice": UNKNOWN_VALUE},
    )

    class Meta:
        model = Idea
        fields = []
