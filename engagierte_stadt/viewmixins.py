"""View mixins every app uses: breadcrumbs and page title, filtered and paginated lists.

A shared building block (see "Architecture" in the design notes): it imports no app, so
`quartiere`, `konferenzen` and `partner` can all build on it without importing each other or
the site-wide views in `engagierte_stadt.views`.
"""

import threading
from dataclasses import dataclass

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404, QueryDict
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from engagierte_stadt import pagecache
from engagierte_stadt.memo import Table, interned
from engagierte_stadt.pagination import CappedCountList, CappedCountPaginator
from engagierte_stadt.prepared import Fixed, Prepared
from engagierte_stadt.search import SearchableModel

# Django's own message (and translation) for a detail page without its row.
NOT_FOUND = "No %(verbose_name)s found matching the query"
# The detail lookups of visitors, one per view class and URL argument (`_get_object`).
_LOOKUPS: dict = {}
_building = threading.local()


def _object_lookup(p):
    """The query of `DetailView.get_object()` for the view being served: by pk or slug."""
    view = _building.view
    rows = view.get_queryset()
    if issubclass(rows.model, SearchableModel):
        # The search's own columns (its text and vector): no page shows them.
        rows = rows.defer("search_text", "search_vector")
    if view.pk_url_kwarg in view.kwargs:
        rows = rows.filter(pk=p.value)
    else:
        rows = rows.filter(**{view.get_slug_field(): p.value})
    return rows[:2]


class BreadcrumbMixin:
    """Adds `page_title`, `meta_description` and `breadcrumbs` (label, url) pairs to the context.

    `get_breadcrumbs()` returns pairs of label and URL, route name or None for the
    current page; "Startseite" is always first.
    """

    page_title = None
    # The page's meta and link-preview description, when it has no row to describe it.
    meta_description = None

    def get_object(self, queryset=None):
        """A detail page's object, read as a keyed lookup: the page cache keeps the page until
        this row (or what came with it, or a row pointing to it) changes, not any row of its
        table (`engagierte_stadt.pagecache`)."""
        return pagecache.lookup(lambda: self._get_object(queryset))

    def _get_object(self, queryset):
        """`DetailView.get_object()`; for a visitor (not logged in, not a preview) through a
        lookup compiled once per view class (engagierte_stadt.prepared), with the same
        queryset, the same 404 and the same error for more than one row."""
        key = self.slug_url_kwarg if self.slug_url_kwarg in self.kwargs else None
        if self.pk_url_kwarg in self.kwargs:
            key = self.pk_url_kwarg
        if (
            queryset is not None
            or key is None
            or getattr(self, "preview", False)
            or self.request.user.is_authenticated
        ):
            return super().get_object(queryset)
        prepared = _LOOKUPS.get((type(self), key))
        if prepared is None:
            prepared = _LOOKUPS[(type(self), key)] = Prepared(_object_lookup)
        _building.view = self
        try:
            found = prepared(value=self.kwargs[key])
        finally:
            _building.view = None
        if not found:
            model = self.get_queryset().model
            raise Http404(gettext(NOT_FOUND) % {"verbose_name": model._meta.verbose_name})
        if len(found) > 1:
            raise found[0].MultipleObjectsReturned
        return found[0]

    def get_page_title(self):
        if self.page_title:
            return self.page_title
        obj = getattr(self, "object", None)
        if "title" in getattr(obj, "TRANSLATED_FIELDS", ()):
            return obj.in_language("title")  # in the page's language, or marked as German
        return str(obj or "")

    def get_breadcrumbs(self):
        return [(self.get_page_title(), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        crumbs = [(_("Home"), reverse("home"))]
        for label, target in self.get_breadcrumbs():
            url = target
            if target and not target.startswith("/"):
                try:
                    url = reverse(target)
                except NoReverseMatch:
                    url = target
            crumbs.append((label, url))
        context["breadcrumbs"] = crumbs
        context.setdefault("page_title", self.get_page_title())
        if self.meta_description:
            context.setdefault("meta_description", self.meta_description)
        return context


@dataclass(frozen=True)
class FilterState:
    """What a list page needs of its filters for one query: the same for every request with
    that query, language and choice rows (`FilteredListMixin.get_filter_state()`)."""

    data: object  # the filter parameters of the query (a QueryDict), or None: no query
    applied: tuple  # ((name, value), …): the valid values that filter, in the form's order
    summary: str  # the labels of the applied filters ("Welper, läuft")
    has_errors: bool
    form_html: str  # the form's fields as `{{ form|crispy }}` renders them


# The filter states by filter class, language, choice rows and query: building a FilterSet
# and its form, validating and rendering it took about a quarter of /mitmachen/ without the
# page cache (issue #17). Bounded: any query a visitor makes up only replaces entries.
_FILTER_STATES = Table(maxsize=256)
# A filtered list's query per view class, compiled once per shape (engagierte_stadt.prepared).
_FILTERED_ROWS: dict = {}


def _filtered_rows(p):
    """The filtered list of the view being served (`p.context`): its base queryset with the
    filters of its state applied, each given its value from `p`."""
    view = p.context
    state = view.filter_state
    # The choice rows this request read: building the query asks the database nothing.
    kwargs = {} if view.filter_choices is None else {"choices": view.filter_choices}
    filterset = view.filterset_class(
        state.data, queryset=view.get_base_queryset(), request=view.request, **kwargs
    )
    filterset.form.cleaned_data = {name: getattr(p, name) for name, _value in state.applied}
    return filterset.filter_queryset(filterset.queryset.all())


class FilteredListMixin:
    """A paginated list narrowed by a FilterSet from the GET parameters.

    Values the filter does not know are left out (the form explains them); a page
    "number" that is no number shows the first page, one beyond the end is a 404.

    The form (validated and rendered) and the applied values come from a `FilterState`
    kept per query (`get_filter_state()`), the list from a query compiled once per view
    and shape (`PreparedRows`): the filters named in the FilterSet's `prepared_params`
    are parameters of it, the others part of its shape.
    """

    filterset_class = None
    paginate_by = 12

    def get_base_queryset(self):
        raise NotImplementedError

    def get_filter_state(self) -> FilterState:
        filterset_class = self.filterset_class
        get = self.request.GET
        data = None
        if get:
            data = QueryDict(mutable=True)
            for name in filterset_class.base_filters:
                if name in get:
                    data.setlist(name, get.getlist(name))
        choices = None
        choice_key = ()
        if hasattr(filterset_class, "choice_data"):
            choices = filterset_class.choice_data()
            choice_key = interned(tuple((kind, tuple(rows)) for kind, rows in choices.items()))
        self.filter_choices = choices
        query = None if data is None else tuple((name, tuple(data.getlist(name))) for name in data)
        key = (filterset_class, get_language(), choice_key, query)
        return _FILTER_STATES.kept(key, lambda: self._filter_state(data, choices))

    def _filter_state(self, data, choices) -> FilterState:
        kwargs = {} if choices is None else {"choices": choices}
        filterset = self.filterset_class(
            data, queryset=self.filterset_class._meta.model.objects.none(), **kwargs
        )
        form = filterset.form
        applied, labels = [], []
        if form.is_bound:
            form.is_valid()  # unknown values drop out of cleaned_data
            for name, value in form.cleaned_data.items():
                if value in EMPTY_VALUES:
                    continue
                applied.append(
                    (name, tuple(dict.fromkeys(value)) if isinstance(value, list) else value)
                )
                field = form.fields[name]
                if not hasattr(field, "choices"):
                    continue
                choices = dict(field.choices)
                for item in value if isinstance(value, list) else [value]:
                    if item in choices:
                        labels.append(str(choices[item]))
        return FilterState(
            data=data,
            applied=tuple(applied),
            summary=", ".join(labels),
            has_errors=bool(form.errors),
            form_html=str(as_crispy_form(form)),
        )

    def get_queryset(self):
        self.filter_state = state = self.get_filter_state()
        params = getattr(self.filterset_class, "prepared_params", ())
        values = dict(state.applied)
        prepared_values = getattr(self.filterset_class, "prepared_values", None)
        if prepared_values is not None:
            values = prepared_values(values, self.filter_choices)
        values = {name: value if name in params else Fixed(value) for name, value in values.items()}
        # Without filters a fixed list: one plan for all values (see `Prepared`); with the
        # filters a visitor chose, PostgreSQL plans for their values.
        key = (type(self), not values)
        prepared = _FILTERED_ROWS.get(key)
        if prepared is None:
            prepared = _FILTERED_ROWS[key] = Prepared(_filtered_rows, generic=not values)
        return prepared.rows(context=self, **values)

    # Counted up to 100 rows ("mehr als 100"), then paged on without a last page: the count
    # of a long list no longer grows with it (engagierte_stadt/pagination.py).
    paginator_class = CappedCountPaginator

    def paginate_queryset(self, queryset, page_size):
        if not hasattr(queryset, "count_limit"):
            queryset = CappedCountList(queryset)
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        try:
            number = paginator.validate_number(self.request.GET.get(self.page_kwarg, 1))
        except PageNotAnInteger:
            number = 1
        except EmptyPage as error:
            raise Http404(_("This page does not exist.")) from error
        try:
            # A paginator that counts only so far finds the end of the list here.
            page = paginator.page(number)
        except EmptyPage as error:
            raise Http404(_("This page does not exist.")) from error
        return paginator, page, page.object_list, page.has_other_pages()

    def get_filter_query(self):
        """The filters as a query string without the page, for the pagination links."""
        return urlencode(
            [
                (key, value)
                for key in self.request.GET
                if key != self.page_kwarg
                for value in self.request.GET.getlist(key)
                if value
            ]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.get_filter_query()
        state = self.filter_state
        context.update(
            filter_summary=state.summary,
            filter_form_html=mark_safe(state.form_html),  # noqa: S308 - rendered by crispy
            filter_has_errors=state.has_errors,
            query=query,
            is_filtered=bool(query),
            result_count=context["paginator"].count,
        )
        return context
