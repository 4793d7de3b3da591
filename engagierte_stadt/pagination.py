"""A Paginator for lists that count only so far: "mehr als 100", pages without a last one."""

import sys

from django.core.paginator import EmptyPage, Page, Paginator
from django.utils.functional import cached_property


class CappedCountPaginator(Paginator):
    """Pages through a list whose `count()` stops at its `count_limit` + 1.

    Up to the limit it is an ordinary Paginator ("Seite 2 von 4"). Beyond it, `count` is the
    limit, `open_ended` is true and a page reads one row more than it shows: that row tells
    whether there is a next page, so no page needs to know how many there are.
    """

    @cached_property
    def _counted(self) -> int:
        return self.object_list.count()

    @cached_property
    def open_ended(self) -> bool:
        return self._counted > self.object_list.count_limit

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.object_list.count_limit)

    @cached_property
    def num_pages(self) -> int:
        # Unknown: any page number is allowed until a page turns out empty.
        return sys.maxsize if self.open_ended else super().num_pages

    def page(self, number):
        if not self.open_ended:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows:
            raise EmptyPage(self.error_messages["no_results"])
        return OpenEndedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)


class OpenEndedPage(Page):
    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1


class CappedCountList:
    """A queryset for `CappedCountPaginator`: counted only up to `count_limit` + 1 rows (one
    query that stops there), sliced as it is. What the filtered lists page through, so that
    their cost does not grow with the number of rows (issue #17).

    The queryset may also be a `PreparedRows` (engagierte_stadt.prepared): the count is read
    as up to 101 ids rather than asked as a `COUNT(*)` of them, so that it, too, is a row
    query compiled once."""

    ordered = True  # for the Paginator: the queryset's own order
    count_limit = 100

    def __init__(self, queryset):
        self.queryset = queryset
        self._count = None

    def count(self) -> int:
        if self._count is None:
            self._count = len(self.queryset.order_by().values_list("pk")[: self.count_limit + 1])
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        return self.queryset[key]
