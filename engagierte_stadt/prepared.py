"""Queries built and compiled once per process, run with each request's values (issue #17).

A list query of a page is the same on every request but for a few values: now, today, the
Quartier's id. Django builds it anew each time (`filter()`, `Q`, joins) and compiles it to
SQL anew; on the home page that was about a third of the time of a request without the page
cache, more than the database itself took. `Prepared` does both once per shape, like a
prepared statement:

    OPEN_OFFERS = Prepared(lambda p: Opportunity.objects.in_quartier_id(p.quartier_id)…[:6])
    offers = OPEN_OFFERS(quartier_id=quartier.pk)        # a list of Opportunity

The first call builds the query with stand-in values (`p.quartier_id`, and `query_now()` /
`query_today()` wherever a queryset method asks for the time), compiles it, and notes which
of the SQL parameters are stand-ins. Every later call with the same kinds of values only
puts the request's values into those places and runs the SQL through Django's own row
building (model instances, `select_related`, `prefetch_related`, annotations as usual).
Nothing read from the database is kept: every call asks the database.

A builder may only pass its values on to the ORM as they are. A stand-in that turns up
changed (a date minus 30 days, a string inside `%…%`) or not at all makes that shape fall
back to building and compiling on every call, which is always correct. With `PREPARED_CHECK`
on (the test settings), every call also builds its query the usual way and fails unless the
SQL and parameters are the same, so a builder that uses a value for anything else than a
parameter (an `if`, a length) shows up in the first test that reaches it.

A value wrapped in `Fixed` is part of the shape instead: the builder gets it as it is and
the query is compiled once per such value (a page's LIMIT and OFFSET, a choice the builder
branches on). `prepared.rows(...)` gives a `PreparedRows`: a queryset-like chain whose
methods and slices are noted as part of the shape and compiled once per chain, for code
that pages and counts a list (engagierte_stadt.pagination, the filtered lists).
"""

from __future__ import annotations

import copy
import datetime
import logging
import threading
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Prefetch
from django.db.models.constants import LOOKUP_SEP
from django.db.models.query import ModelIterable
from django.utils import timezone, translation

from engagierte_stadt import pgstatements

logger = logging.getLogger(__name__)

_local = threading.local()

# Stand-ins: values no page asks for, inside the range of their column types (Django turns
# an integer out of range into an empty query before it compiles it).
_INT_BASE = 1_987_650_000
_DATE_BASE = datetime.date(1001, 1, 1)
_DATETIME_BASE = datetime.datetime(1001, 1, 1, tzinfo=datetime.UTC)
_STRING_MARK = "\u27e6prepared-"
# The most shapes one query keeps compiled (a tuple of ids has one shape per length).
MAX_SHAPES = 256


@dataclass(frozen=True)
class Fixed:
    """A value that is part of a prepared query's shape: given to the builder as it is (not
    as a stand-in) and compiled into the query once per value. It must be hashable."""

    value: object


def query_now() -> datetime.datetime:
    """`timezone.now()` for a queryset method: a stand-in while `Prepared` builds a query."""
    clock = getattr(_local, "clock", None)
    return clock._clock_now() if clock is not None else timezone.now()


def query_today() -> datetime.date:
    """`timezone.localdate()` for a queryset method, as `query_now()`."""
    clock = getattr(_local, "clock", None)
    return clock._clock_today() if clock is not None else timezone.localdate()


class _StandIns:
    """The builder's `p` on the first call: a stand-in for each value, by its type."""

    def __init__(self, values: dict, context=None, chain=()):
        self._values = values
        self._given = {}
        self.context = context  # what the builder needs besides the values; not in the key
        self.chain = chain

    def _stand_in(self, name: str, value):
        if isinstance(value, Fixed):
            return value.value
        if name in self._given:
            return self._given[name]
        number = len(self._given)
        if isinstance(value, tuple):
            # A tuple (the ids of an `__in`): a stand-in for each item, its length is part
            # of the shape. Its items must differ (`__in` drops repeated values).
            stand_in = [self._stand_in(f"{name}[{i}]", item) for i, item in enumerate(value)]
            self._given[name] = stand_in
            return stand_in
        if value is None or isinstance(value, bool):
            stand_in = value  # part of the shape (IS NULL, a flag): the key holds it
        elif isinstance(value, int):
            stand_in = _INT_BASE + number
        elif isinstance(value, str):
            stand_in = f"{_STRING_MARK}{number}\u27e7"
        elif isinstance(value, datetime.datetime):
            stand_in = _DATETIME_BASE + datetime.timedelta(seconds=number)
        elif isinstance(value, datetime.date):
            stand_in = _DATE_BASE + datetime.timedelta(days=number)
        else:
            raise TypeError(f"Prepared: no stand-in for {name}={type(value).__name__}")
        self._given[name] = stand_in
        return stand_in

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            value = self._values[name]
        except KeyError:
            raise AttributeError(f"Prepared: no value {name!r} given") from None
        return self._stand_in(name, value)

    # The clock while building: a value "now" or "today" given to the call is the one the
    # query asks about.
    def _clock_now(self):
        return self._stand_in("now", self._values.get("now") or timezone.now())

    def _clock_today(self):
        return self._stand_in("today", self._values.get("today") or timezone.localdate())


class _Values:
    """The builder's `p` with the request's values, and the clock pinned to them (the
    check builds the usual query with exactly the values the prepared one was given)."""

    def __init__(self, values: dict, context=None, chain=()):
        self._values = values
        self.context = context
        self.chain = chain

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            value = self._values[name]
        except KeyError:
            raise AttributeError(f"Prepared: no value {name!r} given") from None
        return value.value if isinstance(value, Fixed) else value

    def _clock_now(self):
        return self._values.setdefault("now", timezone.now())

    def _clock_today(self):
        return self._values.setdefault("today", timezone.localdate())


class _Clock:
    def __init__(self, source):
        self.source = source

    def __enter__(self):
        self.previous = getattr(_local, "clock", None)
        _local.clock = self.source

    def __exit__(self, *exc):
        _local.clock = self.previous


@dataclass(frozen=True)
class _Compiled:
    queryset: object
    compiler: object
    sql: str
    # One entry per SQL parameter: (value name, adapt, None) for a stand-in, or
    # (None, None, constant).
    slots: tuple
    names: tuple  # the values the SQL needs (including "now"/"today")


def _adapters(ops, stand_in):
    yield (lambda value: value), stand_in
    if isinstance(stand_in, datetime.datetime):
        yield ops.adapt_datetimefield_value, ops.adapt_datetimefield_value(stand_in)
    elif isinstance(stand_in, datetime.date):
        yield ops.adapt_datefield_value, ops.adapt_datefield_value(stand_in)


def _looks_derived(param) -> bool:
    """A parameter near a stand-in but not one: the builder computed with a value."""
    if isinstance(param, bool):
        return False
    if isinstance(param, int):
        return abs(param - _INT_BASE) < 1_000_000
    if isinstance(param, str):
        return _STRING_MARK in param or param.startswith(("1001-", "1000-", "1002-"))
    if isinstance(param, datetime.date):
        return param.year < 1100
    return False


def _shape_of(value):
    """What of a value is part of a query's shape: None and flags themselves, a tuple's
    length, nothing of other values (they become parameters)."""
    if value is None or type(value) is bool:
        return value
    if type(value) is Fixed:
        return ("fixed", value.value)
    if type(value) is tuple:
        return (len(value), tuple(type(item).__name__ for item in value))
    return 0


class Prepared:
    """`generic=True`: on PostgreSQL its statement runs with one plan for all values from the
    first run (pgstatements). For a fixed list whose only values are the time, today and ids
    (a Quartier's lists, the next meetings): PostgreSQL's own choice planned those anew on
    every run, as an unknown time looks dearer to it, although the plan came out the same.
    Not for lists whose filters a visitor chooses: with a date range among them the plan
    for all values took 12 times as long (38.7 against 3.1 ms at 10x the demo data)."""

    def __init__(self, build, *, generic: bool = False):
        self.build = build
        self.generic = generic
        self._compiled: dict = {}
        self._queryset_class = None  # the builder's queryset class (for PreparedRows)

    def _key(self, values: dict, chain: tuple):
        connection = connections[DEFAULT_DB_ALIAS]
        shape = tuple(
            sorted((name, type(value).__name__, _shape_of(value)) for name, value in values.items())
        )
        return (connection.vendor, translation.get_language(), shape, chain)

    def _build(self, p):
        """The builder's queryset, with the steps of a `PreparedRows` chain after it."""
        queryset = self.build(p)
        self._queryset_class = type(queryset)
        for name, args, kwargs in p.chain:
            if name == "slice":
                queryset = queryset[args[0] : args[1]]
            else:
                queryset = getattr(queryset, name)(*args, **dict(kwargs))
        return queryset

    def _compile(self, values: dict, context, chain):
        stand_ins = _StandIns(values, context, chain)
        with _Clock(stand_ins):
            queryset = self._build(stand_ins)
        connection = connections[DEFAULT_DB_ALIAS]
        compiler = queryset.query.get_compiler(using=DEFAULT_DB_ALIAS)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return None
        wanted = {}
        for name, stand_in in stand_ins._given.items():
            if stand_in is None or isinstance(stand_in, bool | list):
                continue
            for adapt, form in _adapters(connection.ops, stand_in):
                wanted[(type(form), form)] = (name, adapt, None)
        slots, found = [], set()
        for param in params:
            slot = wanted.get((type(param), param))
            if slot is not None:
                slots.append(slot)
                found.add(slot[0])
            elif _looks_derived(param):
                return None
            else:
                slots.append((None, None, param))
        needed = {name for name, _adapt, _constant in wanted.values()}
        if found != needed:
            return None
        if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
            # A statement of its own on the server, with the shape's constants in its text.
            pgstatements.register(
                sql,
                [i for i, (name, _adapt, _constant) in enumerate(slots) if name is None],
                generic=self.generic,
            )
        return _Compiled(queryset, compiler, sql, tuple(slots), tuple(sorted(needed)))

    def __call__(self, context=None, **values) -> list:
        """The rows for these values; `context` is given to the builder as `p.context`
        (what it needs besides the values, not in the key), as for `rows()`."""
        return self._call(values, context, ())

    def rows(self, context=None, **values) -> PreparedRows:
        """The rows of the builder's queryset as a `PreparedRows` chain; `context` is given
        to the builder as `p.context` (what it needs besides the values, not in the key)."""
        return PreparedRows(self, values, context)

    def _call(self, values: dict, context, chain: tuple) -> list:
        key = self._key(values, chain)
        try:
            compiled = self._compiled[key]
        except KeyError:
            if len(self._compiled) >= MAX_SHAPES:  # bounded: tuples of many lengths
                self._compiled.clear()
            compiled = self._compiled[key] = self._compile(values, context, chain)
            if compiled is None:
                logger.info("Prepared %s: built on every call", self.build)
        if compiled is None:
            given = _Values(values, context, chain)
            with _Clock(given):
                return list(self._build(given))
        if "now" in compiled.names and "now" not in values:
            values["now"] = timezone.now()
        if "today" in compiled.names and "today" not in values:
            values["today"] = timezone.localdate()
        items = {
            f"{name}[{i}]": item
            for name, value in values.items()
            if type(value) is tuple
            for i, item in enumerate(value)
        }
        params = tuple(
            constant if name is None else adapt(items[name] if name in items else values[name])
            for name, adapt, constant in compiled.slots
        )
        if getattr(settings, "PREPARED_CHECK", False):
            self._check(compiled, values, context, chain, params)
        return self._run(compiled, params)

    def queryset(self, values: dict, context=None, chain: tuple = ()):
        """The usual queryset for these values (built and compiled as Django does)."""
        given = _Values(dict(values), context, chain)
        with _Clock(given):
            return self._build(given)

    @staticmethod
    def _run(compiled: _Compiled, params: tuple) -> list:
        queryset = compiled.queryset._chain()
        compiler = copy.copy(compiled.compiler)
        compiler.connection = connections[DEFAULT_DB_ALIAS]
        sql = compiled.sql
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        lookups = queryset._prefetch_related_lookups
        prepared = [lookup for lookup in lookups if isinstance(lookup, PreparedPrefetch)]
        if not prepared or queryset._iterable_class is not ModelIterable:
            return list(queryset)
        queryset._prefetch_related_lookups = tuple(
            lookup for lookup in lookups if not isinstance(lookup, PreparedPrefetch)
        )
        rows = list(queryset)
        for lookup in prepared:
            lookup.fetch(rows)
        return rows

    def _check(self, compiled: _Compiled, values: dict, context, chain, params: tuple) -> None:
        given = _Values(dict(values), context, chain)
        with _Clock(given):
            usual = self._build(given).query.get_compiler(using=DEFAULT_DB_ALIAS).as_sql()
        if usual != (compiled.sql, params):
            raise AssertionError(
                f"Prepared query {self.build} differs from the usual one.\n"
                f"prepared: {compiled.sql} {params!r}\nusual:    {usual[0]} {usual[1]!r}"
            )


class PreparedRows:
    """The rows of a prepared query as a queryset a paginator can use: a method of the
    model's queryset (`order_by()`, `values_list()`, `open_free_places_first()` …) or a
    slice notes a step, and the chain of steps is part of the shape, so each chain is
    compiled once per process. Iterating (or `len()`) runs it once; `count()` counts with
    the usual query. The steps' arguments must be hashable (names, numbers)."""

    def __init__(self, prepared: Prepared, values: dict, context=None, chain: tuple = ()):
        self._prepared = prepared
        self._values = values
        self._context = context
        self._chain = chain
        self._rows = None

    def _then(self, step) -> PreparedRows:
        return PreparedRows(self._prepared, self._values, self._context, (*self._chain, step))

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        queryset_class = self._prepared._queryset_class or type(self.queryset())
        if not callable(getattr(queryset_class, name, None)):
            raise AttributeError(name)

        def step(*args, **kwargs):
            return self._then((name, args, tuple(sorted(kwargs.items()))))

        return step

    def __getitem__(self, key):
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("PreparedRows takes a slice without step")
        return self._then(("slice", (key.start, key.stop), ()))

    def _fetch(self) -> list:
        if self._rows is None:
            self._rows = self._prepared._call(dict(self._values), self._context, self._chain)
        return self._rows

    def __iter__(self):
        return iter(self._fetch())

    def __len__(self) -> int:
        return len(self._fetch())

    def __bool__(self) -> bool:
        return bool(self._fetch())

    def queryset(self):
        """The usual queryset of this chain (not run)."""
        return self._prepared.queryset(self._values, self._context, self._chain)

    def count(self) -> int:
        return self.queryset().count()


class PreparedPrefetch(Prefetch):
    """A `Prefetch` of a many-to-many or a reverse foreign key relation, one level deep,
    that a prepared query runs as a prepared query of its own, compiled once per model and
    number of rows (`fetch()`); in any other queryset it is an ordinary `Prefetch`. The rows
    are put where Django's own prefetch puts them (the relation's cache or `to_attr`).

    Make one per relation and keep it (a module constant): its compiled queries live in it.
    """

    def __init__(self, lookup, queryset=None, to_attr=None):
        super().__init__(lookup, queryset, to_attr)
        if LOOKUP_SEP in lookup:
            raise ValueError("PreparedPrefetch takes one level (no __ in the lookup)")
        self._query = Prepared(self._build)
        self._relations = {}

    def _relation(self, model):
        """(the reverse foreign key or None for a many-to-many, the value of a related row
        and of an instance to match them by, the relation's cache name), once per model."""
        found = self._relations.get(model)
        if found is None:
            manager = getattr(model(pk=0), self.prefetch_through)
            if hasattr(manager, "through"):  # many-to-many: its own way of matching
                _qs, rel_obj_attr, instance_attr, _single, cache_name, _descriptor = (
                    manager.get_prefetch_querysets([model(pk=0)], None)
                )
                found = (None, rel_obj_attr, instance_attr, cache_name)
            else:
                field = manager.field
                found = (
                    field,
                    field.get_local_related_value,
                    field.get_foreign_related_value,
                    field.remote_field.cache_name,
                )
            self._relations[model] = found
        return found

    def _build(self, p):
        model = p.model
        field = self._relation(model)[0]
        if field is None:  # many-to-many: Django builds it (without running it)
            instances = [model(pk=pk) for pk in p.ids]
            manager = getattr(instances[0], self.prefetch_through)
            querysets = [self.queryset] if self.queryset is not None else None
            return manager.get_prefetch_querysets(instances, querysets)[0]
        queryset = self.queryset if self.queryset is not None else field.model._default_manager
        return queryset.filter(**{f"{field.name}__in": list(p.ids)})

    def fetch(self, instances) -> None:
        """Prefetch this relation for `instances` (rows of one model) in one query."""
        instances = [instance for instance in instances if instance is not None]
        if not instances:
            return
        model = type(instances[0])
        ids = tuple(dict.fromkeys(instance.pk for instance in instances))
        rows = self._query(model=Fixed(model), ids=ids)
        field, rel_obj_attr, instance_attr, cache_name = self._relation(model)
        found = {}
        for row in rows:
            found.setdefault(rel_obj_attr(row), []).append(row)
        for instance in instances:
            values = found.get(instance_attr(instance), [])
            if field is not None:
                for row in values:  # as Django does: the row's own foreign key is the instance
                    if not field.is_cached(row):
                        setattr(row, field.name, instance)
            if self.to_attr:
                setattr(instance, self.to_attr, values)
                continue
            related = getattr(instance, self.prefetch_to)
            if self.queryset is not None:
                queryset = related._apply_rel_filters(self.queryset)
            else:
                queryset = related.get_queryset()
            queryset._result_cache = values
            queryset._prefetch_done = True
            if not hasattr(instance, "_prefetched_objects_cache"):
                instance._prefetched_objects_cache = {}
            instance._prefetched_objects_cache[cache_name] = queryset
