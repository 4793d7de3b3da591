"""Filters of the project and opportunity lists, read from GET parameters.

A filtered list is a link people share, so the values are readable addresses
(`?quartier=welper&topic=umwelt`), never database ids. A value the portal does not know is
left out and explained next to the field; the rest of the filters still apply.
"""

import functools

import django_filters
from django import forms
from django.db import models
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from engagierte_stadt.prepared import Prepared
from quartiere.models import (
    TIME_MONTHLY,
    TIME_ONCE,
    TIME_WEEKLY,
    Opportunity,
    Project,
    Quartier,
    Skill,
    Topic,
)

UNKNOWN_VALUE = _("We do not know this value, so this filter has not been applied.")


# The small tables whose rows the lists and the finder offer as choices.
CHOICE_MODELS = {"quartier": Quartier, "skill": Skill, "topic": Topic}


def choice_rows(*kinds: str) -> dict[str, list[tuple]]:
    """{kind: [(pk, slug, name, parent_id, parent's name), …] by name} of the Quartiere,
    topics and skills (`CHOICE_MODELS`) asked for, in one query: a filter form or the
    finder's questions need two or three of them on every page, and each in a query of its
    own cost a round trip (issue #17). A topic or a skill has no parent (None)."""
    found = {kind: [] for kind in kinds}
    if not kinds:
        return found
    for kind, *row in _choice_query(kinds)():
        found[kind].append(tuple(row))
    return found


@functools.cache
def _choice_query(kinds: tuple[str, ...]) -> Prepared:
    """The query of `choice_rows()` for these kinds, compiled once per process
    (engagierte_stadt.prepared)."""
    return Prepared(lambda p: _choice_rows_queryset(kinds))


def _choice_rows_queryset(kinds: tuple[str, ...]):
    parts = []
    for kind in kinds:
        rows = CHOICE_MODELS[kind].objects.order_by().annotate(choice=models.Value(kind))
        if kind == "quartier":
            rows = rows.values_list("choice", "pk", "slug", "name", "parent_id", "parent__name")
        else:
            rows = rows.annotate(
                no_parent=models.Value(None, output_field=models.IntegerField()),
                no_parent_name=models.Value(None, output_field=models.CharField()),
            ).values_list("choice", "pk", "slug", "name", "no_parent", "no_parent_name")
        parts.append(rows)
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return rows.order_by("choice", "name")


def labelled(kind: str, rows) -> list[tuple[str, str]]:
    """(slug, label) of `choice_rows()` rows; a neighbourhood names its district."""
    if kind != "quartier":
        return [(slug, name) for _pk, slug, name, _parent_id, _parent in rows]
    return [
        (slug, f"{name} ({parent})" if parent else name)
        for _pk, slug, name, _parent_id, parent in rows
    ]


def quartier_choices():
    """(slug, name) of every Quartier; a neighbourhood names its district."""
    return labelled("quartier", choice_rows("quartier")["quartier"])


# The finder's time questions, so a list (and an alert) can keep every finder answer.
TIME_CHOICES = [
    (TIME_ONCE, _("once")),
    (TIME_MONTHLY, _("a few hours a month")),
    (TIME_WEEKLY, _("every week")),
]
WHEN_CHOICES = [
    ("weekdays", _("on weekdays during the day")),
    ("evenings", _("in the evenings")),
    ("weekends", _("at weekends")),
]


def _up_to_hours(hours: int) -> str:
    return gettext("up to %(hours)d hours a month") % {"hours": hours}


# Lazy: the labels are read in the language of each request, not once at import.
HOURS_CHOICES = [(str(hours), lazy(_up_to_hours, str)(hours)) for hours in (2, 5, 10)]


class SelectOfMany(forms.Select):
    """A single select whose value is every value of its parameter (see `AnyOfField`)."""

    def value_from_datadict(self, data, files, name):
        getlist = getattr(data, "getlist", None)
        return getlist(name) if getlist else data.get(name)


class AnyOfField(forms.MultipleChoiceField):
    """One `<select>` on the page, but every value of its parameter counts (any of them): a
    saved search from the finder may carry several topics (`?topic=umwelt&topic=kultur`).
    The empty choice ("All topics") means no filter."""

    widget = SelectOfMany

    def to_python(self, value):
        return [item for item in super().to_python(value) if item != ""]


class AnyOfFilter(django_filters.MultipleChoiceFilter):
    """`AnyOfField` with an empty first choice (`empty_label`), as a `ChoiceFilter` has."""

    field_class = AnyOfField

    def __init__(self, *args, empty_label, **kwargs):
        self.empty_label = empty_label
        super().__init__(*args, **kwargs)

    @property
    def field(self):
        if not hasattr(self, "_field"):
            self.extra["choices"] = [("", self.empty_label), *self.extra.get("choices", ())]
        return super().field


class ChoicesFromDatabaseMixin:
    """Loads the Quartier and topic choices (and those of `choice_kinds`) once per request,
    in one query.

    The choices are a list, not a queryset: validating the value and rendering the
    `<select>` then cost no further query, filtered or not.
    """

    # The filters whose choices are rows of `CHOICE_MODELS`, named as those are.
    choice_kinds = ("quartier", "topic")
    # The filters whose values go into a prepared list query as parameters (any address of
    # a row); the others are few choices and part of its shape (engagierte_stadt.prepared).
    prepared_params = ("quartier", "topic", "skill")

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if choices is None:
            choices = self.choice_data()
        for kind, rows in choices.items():
            self.filters[kind].extra["choices"] = labelled(kind, rows)

    @classmethod
    def choice_data(cls) -> dict[str, list[tuple]]:
        """The rows the choices are made of (`choice_rows()`): with the query and the
        language, what the form looks like depends on (`FilteredListMixin`)."""
        return choice_rows(*cls.choice_kinds)

    # The filters whose addresses a prepared list query gets as ids (`prepared_values()`);
    # their filter methods take either.
    ids_for = ()

    @classmethod
    def prepared_values(cls, values: dict, choices) -> dict:
        """The values a prepared list query gets (`FilteredListMixin`): for the filters of
        `ids_for`, the ids their addresses stand for, found in the choice rows this request
        read (an address nobody knows stays as it is).

        A Quartier becomes its id and those of the Quartiere inside it: the list does not
        join every row to its Quartier and, with one id, reads that Quartier's part of its
        index in order (`opportunity_quartier_order`), however late its offers come among
        all of them. Topics become their ids: no join to the topics in each probe."""
        if not choices:
            return values
        values = dict(values)
        slug = values.get("quartier")
        if "quartier" in cls.ids_for and isinstance(slug, str) and not values.get("neighbours"):
            rows = choices.get("quartier", ())
            own = [pk for pk, row_slug, _name, _parent, _parent_name in rows if row_slug == slug]
            inner = sorted(pk for pk, _slug, _name, parent, _parent_name in rows if parent in own)
            if own:
                values["quartier"] = (*own, *inner)
        slugs = values.get("topic")
        if "topic" in cls.ids_for and slugs and all(isinstance(slug, str) for slug in slugs):
            ids = {row_slug: pk for pk, row_slug, *_rest in choices.get("topic", ())}
            if all(slug in ids for slug in slugs):
                values["topic"] = tuple(ids[slug] for slug in slugs)
        return values

    def filter_quartier(self, queryset, name, value):
        if isinstance(value, tuple | list):  # ids (`prepared_values()`)
            return queryset.in_quartier_ids(value)
        return queryset.in_quartier_slug(value)


def quartier_filter():
    return django_filters.ChoiceFilter(
        label=_("District / neighbourhood"),
        empty_label=_("All districts"),
        method="filter_quartier",
        error_messages={"invalid_choice": UNKNOWN_VALUE},
    )


class ProjectFilter(ChoicesFromDatabaseMixin, django_filters.FilterSet):
    ids_for = ("quartier",)
    quartier = quartier_filter()
    topic = django_filters.ChoiceFilter(
        label=_("Topic"),
        empty_label=_("All topics"),
        field_name="topics__slug",
        error_messages={"invalid_choice": UNKNOWN_VALUE},
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        empty_label=_("Any status"),
        choices=Project.Status.choices,
        error_messages={"invalid_choice": UNKNOWN_VALUE},
    )

    class Meta:
        model = Project
        fields = []


class OpportunityFilter(ChoicesFromDatabaseMixin, django_filters.FilterSet):
    ids_for = ("quartier", "topic")
    quartier = quartier_filter()
    neighbours = django_filters.BooleanFilter(
        label=_("also in neighbouring districts"),
        widget=forms.CheckboxInput,
        method="filter_neighbours",
    )
    topic = AnyOfFilter(
        label=_("Topic"),
        empty_label=_("All topics"),
        method="filter_topic",
        error_messages={"invalid_choice": UNKNOWN_VALUE, "invalid_list": UNKNOWN_VALUE},
    )
    commitment = django_filters.ChoiceFilter(
        label=_("Time commitment"),
        empty_label=_("Any"),
        field_name="commitment",
        choices=Opportunity.Commitment.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": UNKNOWN_VALUE},
    )
    hours = django_filters.ChoiceFilter(
        label=_("Hours a month"),
        empty_label=_("Any"),
        choices=HOURS_CHOICES,
        method="filter_hours",
        help_text=_("Regular and flexible offers that take at most this much time."),
        error_messages={"invalid_choice": UNKNOWN_VALUE},
    )
    time = django_filters.ChoiceFilter(
        label=_("How much time do you have?"),
        empty_label=_("Any"),
        choices=TIME_CHOICES,
        method="filter_time",
        widget=forms.RadioSelect,
        help_text=_("Flexible offers fit every answer."),
        error_messages={"invalid_choice": UNKNOWN_VALUE},
    )
    when = django_filters.MultipleChoiceFilter(
        label=_("When?"),
        choices=WHEN_CHOICES,
        method="filter_when",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Offers by arrangement fit every answer."),
        error_messages={"invalid_choice": UNKNOWN_VALUE},
    )
    date_from = django_filters.DateFilter(
        label=_("With a date from"),
        field_name="starts_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Only offers with a date in this period."),
        error_messages={"invalid": UNKNOWN_VALUE},
    )
    date_until = django_filters.DateFilter(
        label=_("until"),
        field_name="starts_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": UNKNOWN_VALUE},
    )
    skill = AnyOfFilter(
        label=_("Skill or interest"),
        empty_label=_("Any"),
        method="filter_skill",
        error_messages={"invalid_choice": UNKNOWN_VALUE, "invalid_list": UNKNOWN_VALUE},
    )
    suitable = django_filters.MultipleChoiceFilter(
        label=_("Suitability"),
        help_text=_("Shows only offers that fit everything you tick."),
        choices=[
            (key, capfirst(Opportunity._meta.get_field(field).verbose_name))
            for key, field in Opportunity.SUITABILITY_FIELDS.items()
        ],
        widget=forms.CheckboxSelectMultiple,
        method="filter_suitability",
        error_messages={"invalid_choice": UNKNOWN_VALUE},
    )

    choice_kinds = ("quartier", "topic", "skill")

    class Meta:
        model = Opportunity
        fields = []

    def filter_quartier(self, queryset, name, value):
        if self.form.cleaned_data.get("neighbours"):
            return queryset.near_quartier_slug(value)
        return super().filter_quartier(queryset, name, value)

    def filter_neighbours(self, queryset, name, value):
        return queryset  # read by filter_quartier

    def filter_topic(self, queryset, name, value):
        if value and isinstance(value[0], int):  # ids (`prepared_values()`)
            return queryset.with_topic_ids(value)
        return queryset.with_topic_slug(value)

    def filter_skill(self, queryset, name, value):
        return queryset.with_skill_slug(value)

    def filter_hours(self, queryset, name, value):
        return queryset.filter(hours_per_month__lte=int(value)).exclude(
            commitment=Opportunity.Commitment.ONCE
        )

    def filter_time(self, queryset, name, value):
        return queryset.fits_time(value)

    def filter_when(self, queryset, name, value):
        return queryset.at_times(value)

    def filter_suitability(self, queryset, name, value):
        return queryset.filter(**{Opportunity.SUITABILITY_FIELDS[key]: True for key in value})


# --- saved searches (alert subscriptions) ----------------------------------------------------


def clean_query(data) -> tuple[str, dict]:
    """The known, valid filter values of a query (a QueryDict), as a sorted query string, and
    the cleaned values. Unknown parameters and values are dropped: a saved search keeps only
    what the list understands."""
    from django.http import QueryDict

    filterset = OpportunityFilter(data, queryset=Opportunity.objects.none())
    form = filterset.form
    form.is_valid()
    kept = QueryDict(mutable=True)
    cleaned = {}
    for name in sorted(filterset.filters):
        if name in form.errors:
            continue
        value = form.cleaned_data.get(name)
        if not value:
            continue
        cleaned[name] = value
        kept.setlist(name, sorted(value) if isinstance(value, list | tuple) else [value])
    return kept.urlencode(), cleaned


def describe_query(query: str) -> str:
    """A saved search in words: "Welper · Umwelt · regelmäßig" (empty: all offers)."""
    from django.http import QueryDict

    filterset = OpportunityFilter(QueryDict(query), queryset=Opportunity.objects.none())
    form = filterset.form
    form.is_valid()
    parts = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name) if name not in form.errors else None
        if not value:
            continue
        if value is True:  # a checkbox: its label says what it means
            parts.append(str(field.label))
        elif hasattr(value, "strftime"):  # a date: "from 1 March"
            parts.append(f"{field.label} {date_format(value, 'DATE_FORMAT')}")
        else:
            labels = dict(getattr(field, "choices", ()))
            values = value if isinstance(value, list | tuple) else [value]
            parts.extend(str(labels.get(item, item)) for item in values)
    return " · ".join(parts)


def matching_opportunities(query: str, queryset):
    """The opportunities of `queryset` that the saved search finds."""
    from django.http import QueryDict

    return OpportunityFilter(QueryDict(query), queryset=queryset).qs


def finder_list_query(answers) -> str:
    """The list's filters for the finder's answers (for an alert from the finder): every
    answer – the Stadtteil with its neighbours, the time and when, the topics and skills (any
    of them), what suits – so the alert announces exactly what the finder would match."""
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    if answers.place:
        query["quartier"] = answers.place
        if answers.neighbours:
            query["neighbours"] = "on"
    if answers.time:
        query["time"] = answers.time
    if answers.when:
        query.setlist("when", sorted(answers.when))
    if answers.topics:
        query.setlist("topic", sorted(answers.topics))
    if answers.skills:
        query.setlist("skill", sorted(answers.skills))
    if answers.suits:
        query.setlist("suitable", sorted(answers.suits))
    return query.urlencode()
