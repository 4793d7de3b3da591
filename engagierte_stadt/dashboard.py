"""The dashboard on the admin index: what needs doing, and a few figures, for the person
logged in and their Quartiere.

A shared building block: it imports no app. The apps add to it in their `AppConfig.ready()`:

    dashboard.register(order=10, provider=quartiere_dashboard)

A provider is called with a `Scope` (the request, the user's Quartiere from `admin_scope`,
the time of the request) and yields `Task`s (a to-do entry with its count and the link to the
filtered admin list) and `Figure`s (a chart with its numbers). It checks the user's view
permission itself (`scope.can_view(model)`) and restricts every queryset with
`scope.restrict()`, so an editor of Welper counts only Welper's rows and the superuser all.

Budget: the admin index must cost the same number of queries with ten times the data. So a
provider runs a fixed number of queries – counts and aggregates grouped in the database,
never a query per row – and a figure has a bounded number of rows (months, Stadtteile,
kinds, topics).

The charts are drawn on the server: each figure is a table (caption, row headers, numbers,
a link per row) whose last column holds an SVG bar per row, hidden from screen readers, who
read the numbers instead. No script, no inline style (the CSP forbids both): the bar's length
is an SVG attribute, its colour comes from the stylesheet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from engagierte_stadt import admin_scope


@dataclass(frozen=True)
class Task:
    """One entry of the to-do list: "3 partner applications wait for a decision"."""

    text: str
    count: int
    url: str
    key: str = ""  # names the entry for tests and page anchors ("opportunities-full")


@dataclass(frozen=True)
class Row:
    """One row of a figure: a label, its number, the filtered admin list, an optional note."""

    label: str
    value: int
    url: str = ""
    note: str = ""


@dataclass
class Figure:
    """A chart with its numbers: rendered as a table with an SVG bar in every row."""

    title: str
    label_heading: str  # the heading of the label column ("Monat", "Stadtteil")
    value_heading: str  # the heading of the number column ("Anmeldungen")
    rows: list[Row] = field(default_factory=list)
    summary: str = ""  # one sentence under the title ("4 von 11 Stadtteilen …")
    note_heading: str = ""  # the heading of the note column, if the rows have notes
    url: str = ""  # the full admin list
    link_text: str = ""
    key: str = ""  # names the figure for tests ("signups-per-month")
    # What is new since `Scope.since` (the weekly digest), not a chart of the admin index.
    news: bool = False

    @property
    def total(self) -> int:
        return sum(row.value for row in self.rows)

    @property
    def bars(self) -> list[tuple[Row, int]]:
        """Each row with its bar's length in per cent of the longest (0–100)."""
        top = max((row.value for row in self.rows), default=0)
        return [(row, round(100 * row.value / top) if top else 0) for row in self.rows]


@dataclass
class Dashboard:
    tasks: list[Task]
    figures: list[Figure]


class Scope:
    """What a provider may count: the request's user and their Quartiere.

    `since`: the moment of the last digest. Only the weekly digest sets it; a provider then
    also yields what is new since (a `Figure` with `news=True`), which the admin index never
    shows.
    """

    def __init__(self, request, now=None, since=None):
        self.request = request
        self.user = request.user
        self.now = now or timezone.now()
        self.since = since

    def can_view(self, model) -> bool:
        """The user may open the admin list of `model` (view or change permission)."""
        opts = model._meta
        return self.user.has_perm(f"{opts.app_label}.view_{opts.model_name}") or (
            self.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
        )

    def restrict(
        self, queryset: QuerySet, path: str, *, personal: bool = False, opportunity_path: str = ""
    ) -> QuerySet:
        """`queryset` cut down to the user's Quartiere, and with `opportunity_path` to the
        opportunities of their partner organisation (see `admin_scope.restrict`)."""
        return admin_scope.restrict(
            queryset, self.request, path, personal=personal, opportunity_path=opportunity_path
        )

    def quartier_ids(self, *, personal: bool = False) -> frozenset[int] | None:
        return admin_scope.quartier_ids(self.request, personal=personal)

    def in_scope(self, quartier_id, *, personal: bool = False) -> bool:
        ids = self.quartier_ids(personal=personal)
        return ids is None or quartier_id in ids

    @staticmethod
    def changelist(model, **params) -> str:
        """The admin list of `model`, filtered by `params` (as the list's own filters are)."""
        opts = model._meta
        try:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        except NoReverseMatch:
            return ""
        return f"{url}?{urlencode(params)}" if params else url


Provider = Callable[[Scope], Iterable["Task | Figure"]]

_registry: list[tuple[int, Provider]] = []


def register(*, order: int, provider: Provider) -> None:
    """Add a provider; registering the same one twice changes nothing."""
    if any(existing is provider for _order, existing in _registry):
        return
    _registry.append((order, provider))
    _registry.sort(key=lambda item: item[0])


def build(request, now=None, since=None) -> Dashboard:
    """The dashboard of the user of `request`: tasks with something to do, and the figures
    (with `since`, also what is new since then: see `Scope`)."""
    scope = Scope(request, now=now, since=since)
    tasks, figures = [], []
    if not (request.user.is_active and request.user.is_staff):
        return Dashboard(tasks, figures)
    for _order, provider in _registry:
        for item in provider(scope):
            if isinstance(item, Task):
                if item.count:
                    tasks.append(item)
            else:
                figures.append(item)
    return Dashboard(tasks, figures)
