"""Site search: what a searchable model stores, how a query becomes a search, the vocabulary
behind "Meinten Sie …?".

A shared building block: it imports no app. A model takes part by inheriting
`SearchableModel` and saying what its texts are (`search_texts()`), which rows the public may
find (`search_queryset()`) and under which kind its hits are listed (`SEARCH_KIND`,
`SEARCH_LABEL`, `SEARCH_ORDER`). The search page finds the kinds through the app registry, so it
names no app either.

What is stored, per row: `search_text` (the row's readable text without Markdown, for the
snippets and the SQLite fallback) and, on PostgreSQL, `search_vector` (a weighted tsvector with
the German configuration: titles A, teasers B, bodies C; GIN-indexed by a migration of each
app). Both are a derived copy of the row, like an `auto_now` date, so they are written in
`save()` (`update_search_index()`): every write through the ORM – admin, services, demo – keeps
them current without each caller having to remember. Writes that skip `save()` (bulk loads,
`QuerySet.update()`) and texts that become visible with time (minutes with a future
publication date) are caught up by `manage.py rebuild_search_index`, safe to run daily.

Umlauts and ß: PostgreSQL's German stemmer already turns "ü" into "u" and "ß" into "ss", so
"Strasse" and "Straße" meet; the spelling with "ue" ("Buergerzentrum") does not. So the indexed
text also carries the folded spelling (ä→ae, é→e, …) of every word that has one, and a query
word is searched in its own spelling, folded and with "ae/oe/ue" turned back into umlauts.
Every query word is a prefix ("Nachbarn" → nachbar:* finds "Nachbarschaft").
"""

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from itertools import product
from typing import ClassVar

from django.apps import apps
from django.conf import settings
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.core.paginator import Paginator
from django.db import connection, migrations, models
from django.db.models import Count, F, Q, Value, Window
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from engagierte_stadt import pgstatements
from engagierte_stadt.prepared import Prepared

CONFIG = "german"

# Query words beyond these are ignored: a search box is no place for a paragraph.
MAX_QUERY_WORDS = 8
MAX_WORD_LENGTH = 40
# Spelling variants per query word ("Muellabfuhr" → Müllabfuhr, Muellabfuhr, …).
MAX_VARIANTS = 8
# Snippet markers: control characters that no query word can contain; turned into <mark>
# only after the staff text around them has been escaped.
_START, _STOP = "\x02", "\x03"

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_UNFOLD = {"ae": "ä", "oe": "ö", "ue": "ü"}
_WORD = re.compile(r"\w+")
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_LINE_MARKS = re.compile(r"^[ \t]{0,3}(?:#{1,6}|>+|[-+*]|\d+\.)[ \t]+", re.MULTILINE)
_MARKDOWN_EMPHASIS = re.compile(r"\*{1,3}|_{2,3}|`+")
_VOCABULARY_TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_QUERY_TOKEN = re.compile(r"\w+(?:-\w+)*")


def fold(text: str) -> str:
    """Lower case, umlauts and ß spelt out (ä→ae, ß→ss), other accents dropped (é→e)."""
    text = text.lower().translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def fold_compact(text: str) -> str:
    """`fold()` without anything but letters and digits: "Repair-Café" → "repaircafe"."""
    return "".join(_WORD.findall(fold(text))).replace("_", "")


def plain_text(text: str) -> str:
    """Markdown reduced to its words (links to their text, no emphasis or heading marks)."""
    text = _MARKDOWN_LINK.sub(r"\1", text or "")
    text = _MARKDOWN_LINE_MARKS.sub("", text)
    text = _MARKDOWN_EMPHASIS.sub("", text)
    return " ".join(text.split())


def with_folded_words(text: str) -> str:
    """The text, followed by the folded spelling of each word that has a different one."""
    extra = []
    for word in _WORD.findall(text):
        folded = fold(word)
        if folded != word.lower():
            extra.append(folded)
    return f"{text} {' '.join(extra)}" if extra else text


def query_words(query: str) -> list[str]:
    """The words of a search query, lower case, at most `MAX_QUERY_WORDS`, none shorter than 2."""
    words = [word.lower()[:MAX_WORD_LENGTH] for word in _WORD.findall(query.replace("_", " "))]
    return [word for word in words if len(word) >= 2][:MAX_QUERY_WORDS]


def spelling_variants(word: str) -> list[str]:
    """The word, its folded spelling and the folded one with ae/oe/ue back as umlauts."""
    variants = [word, fold(word)]
    folded = fold(word)
    parts = re.split(r"(ae|oe|ue)", folded)
    choices = [(part, _UNFOLD[part]) if part in _UNFOLD else (part,) for part in parts]
    for combination in product(*choices):
        variants.append("".join(combination))
        if len(variants) >= MAX_VARIANTS + 2:
            break
    unique = []
    for variant in variants:
        if variant and variant not in unique:
            unique.append(variant)
    return unique[:MAX_VARIANTS]


# Inflection endings cut off a query word before it becomes a prefix, so that "Nachbarn" also
# finds "Nachbarschaft" (the German stemmer keeps "nachbarn" whole). Longest first; the rest
# must keep `MIN_STEM` letters, or short words would match half the portal.
ENDINGS = ("innen", "ern", "en", "er", "es", "e", "n", "s")
MIN_STEM = 5


def word_forms(word: str) -> list[str]:
    """The prefixes a query word is searched with: each spelling, and each without its
    inflection ending."""
    forms = []
    for variant in spelling_variants(word):
        forms.append(variant)
        for ending in ENDINGS:
            if variant.endswith(ending) and len(variant) - len(ending) >= MIN_STEM:
                forms.append(variant[: -len(ending)])
                break
    return list(dict.fromkeys(forms))


def tsquery_text(words: list[str]) -> str:
    """A `to_tsquery` text: every word must match, in one of its forms, as a prefix.

    Only letters and digits get in (`query_words`), so no operator of the user's can.
    """
    groups = []
    for word in words:
        alternatives = " | ".join(f"{form}:*" for form in word_forms(word))
        groups.append(f"({alternatives})")
    return " & ".join(groups)


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def highlighted(snippet: str) -> SafeString:
    """A snippet from `ts_headline` as safe HTML: the text escaped, only our <mark> added."""
    escaped = escape(snippet)
    marked = re.sub(f"{_START}([^{_START}{_STOP}]*){_STOP}", r"<mark>\1</mark>", escaped)
    return mark_safe(marked.replace(_START, "").replace(_STOP, ""))  # noqa: S308 - escaped above


class SearchableModel(models.Model):
    """A model whose published rows the site search finds (see the module docstring)."""

    SEARCH_KIND: ClassVar[str]  # the kind's filter value in the address: ?art=projekte
    SEARCH_LABEL: ClassVar[str]  # plural, for the group heading and the filter
    SEARCH_ORDER: ClassVar[int] = 100
    SEARCH_TITLE_FIELD: ClassVar[str] = "title"
    # Columns a hit never shows and the search does not read (personal data, tokens).
    SEARCH_DEFER: ClassVar[tuple[str, ...]] = ()

    search_text = models.TextField(editable=False, blank=True, default="")
    search_vector = SearchVectorField(editable=False, null=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.update_search_index()

    @classmethod
    def search_queryset(cls):
        """The rows the public may find, with what `get_absolute_url()` needs joined."""
        raise NotImplementedError

    def search_texts(self) -> dict[str, list[str]]:
        """The row's texts by weight: {"A": titles, "B": teasers, "C": bodies}."""
        raise NotImplementedError

    def english_search_texts(self) -> dict[str, list[str]]:
        """The row's English texts by weight (`translations.TranslatableMixin`): indexed
        beside the German ones, so a search on the English pages finds them too."""
        return {}

    def search_title(self) -> str:
        """The title in the page's language where the model has translations."""
        if self.SEARCH_TITLE_FIELD in getattr(self, "TRANSLATED_FIELDS", ()):
            return self.in_language(self.SEARCH_TITLE_FIELD)
        return str(self)

    def update_search_index(self, *, vocabulary: bool = True):
        """Write `search_text` and (PostgreSQL) `search_vector` of this row; add its words to
        the vocabulary if the public can see it."""
        texts = {
            weight: [plain_text(t) for t in parts if t]
            for weight, parts in self.search_texts().items()
        }
        english = {
            weight: [plain_text(t) for t in parts if t]
            for weight, parts in self.english_search_texts().items()
        }
        # The English body after the German one: German snippets start as before.
        body = " ".join(
            text
            for part in (texts, english)
            for weight in ("B", "C")
            for text in part.get(weight, [])
        )
        for weight, parts in english.items():
            texts[weight] = [*texts.get(weight, []), *parts]
        values = {"search_text": body}
        if uses_full_text():
            vector = None
            for weight in ("A", "B", "C", "D"):
                if not texts.get(weight):
                    continue
                part = SearchVector(
                    Value(with_folded_words(" ".join(texts[weight]))), weight=weight, config=CONFIG
                )
                vector = part if vector is None else vector + part
            values["search_vector"] = vector
        type(self)._base_manager.filter(pk=self.pk).update(**values)
        self.search_text = body
        if vocabulary and type(self).search_queryset().filter(pk=self.pk).exists():
            vocabulary_add(" ".join(" ".join(parts) for parts in texts.values()))


def searchable_models() -> list[type[SearchableModel]]:
    """Every searchable model, in the order of their groups on the result page."""
    found = [model for model in apps.get_models() if issubclass(model, SearchableModel)]
    return sorted(found, key=lambda model: (model.SEARCH_ORDER, model._meta.label))


# Vocabulary -------------------------------------------------------------------------------


def vocabulary_tokens(text: str) -> set[str]:
    """Words worth suggesting: letters (hyphenated compounds kept whole), at least 4 long."""
    return {token for token in _VOCABULARY_TOKEN.findall(text) if 4 <= len(token) <= 60}


def vocabulary_add(text: str):
    from engagierte_stadt.models import SearchTerm

    terms = [SearchTerm(word=word, folded=fold_compact(word)) for word in vocabulary_tokens(text)]
    SearchTerm.objects.bulk_create(terms, ignore_conflicts=True)


def rebuild_search_index() -> dict[str, int]:
    """Rewrite every row's search index and the vocabulary from the published texts."""
    from engagierte_stadt.models import SearchTerm

    counts, words = {}, set()
    for model in searchable_models():
        visible = set(model.search_queryset().values_list("pk", flat=True))
        rows = 0
        for row in model._base_manager.all().iterator(chunk_size=500):
            row.update_search_index(vocabulary=False)
            if row.pk in visible:
                texts = [*row.search_texts().values(), *row.english_search_texts().values()]
                words |= vocabulary_tokens(" ".join(" ".join(parts) for parts in texts if parts))
            rows += 1
        counts[model._meta.label] = rows
    SearchTerm.objects.all().delete()
    SearchTerm.objects.bulk_create(
        [SearchTerm(word=word, folded=fold_compact(word)) for word in words],
        batch_size=1000,
        ignore_conflicts=True,
    )
    counts["vocabulary"] = len(words)
    return counts


def suggest(query: str) -> str | None:
    """The query with its words replaced by the closest words of the portal's vocabulary, or
    None when no word has a better spelling there. Trigram similarity on PostgreSQL, a
    substring match elsewhere. At most 4 words are looked up (one query each)."""
    from engagierte_stadt.models import SearchTerm

    words = _QUERY_TOKEN.findall(query)[:MAX_QUERY_WORDS]
    if not words:
        return None
    changed, result = False, []
    for position, word in enumerate(words):
        key = fold_compact(word)
        best = None
        if position < 4 and len(key) >= 3:
            best = SearchTerm.objects.closest(key)
        if best and best.lower() != word.lower():
            result.append(best)
            changed = True
        else:
            result.append(word)
    return " ".join(result) if changed else None


# Searching --------------------------------------------------------------------------------


@dataclass
class Hit:
    title: str
    url: str
    snippet: str
    snippet_language: str = ""  # set when the snippet is German on a page in another language


@dataclass
class KindResult:
    kind: str
    label: str
    count: int
    hits: list[Hit] = field(default_factory=list)
    page_obj: object = None
    # More matches than `count`: only the newest ones were looked at (see `site_search`).
    more: bool = False

    @property
    def count_label(self) -> str:
        """The count as the page shows it: "12", or "mehr als 20"."""
        return more_than(self.count) if self.more else str(self.count)


def more_than(count: int) -> str:
    return gettext("more than %(count)s") % {"count": count}


# How many matches of one kind are ranked. Ranking every match costs more the more the portal
# holds (issue #17: "Nachbar" is in a third of 20 000 meetings). A kind with no more than
# `RECENT_ROWS` rows ranks and counts all its matches, which costs as little as reading those
# rows. A larger one ranks its newest matches: on the overview the newest `OVERVIEW_WINDOW`
# (counted up to there: "mehr als 20"), on its own pages the newest `KIND_WINDOW`, read
# backwards along the primary key and no further back than its newest `RECENT_ROWS` rows: a
# rare (or misspelt) word would otherwise send that read through the whole table. Where the
# recent rows hold fewer matches than that, the kind has few: all of them are ranked.
OVERVIEW_WINDOW = 20
KIND_WINDOW = 100
RECENT_ROWS = 1000


def _matching(model, words: list[str], *, text: str | None = None):
    """The public rows of `model` that match all words (unordered), and the full-text query
    to rank them by (None on SQLite). `text`: the words' `tsquery_text()`, if known."""
    queryset = model.search_queryset()
    if uses_full_text():
        query = SearchQuery(
            tsquery_text(words) if text is None else text, search_type="raw", config=CONFIG
        )
        return queryset.filter(search_vector=query), query
    # SQLite (make run): substrings of title and text, in the spellings a German writer uses.
    condition = Q()
    for word in words:
        either = Q()
        for variant in sqlite_variants(word):
            either |= Q(**{f"{model.SEARCH_TITLE_FIELD}__icontains": variant})
            either |= Q(search_text__icontains=variant)
        condition &= either
    return queryset.filter(condition), None


def recent_floors(models) -> dict:
    """The lowest of the newest `RECENT_ROWS` + 1 ids of each model's table (0 where its
    ids span no more: all its rows are recent), in one query of two index probes per table.

    Ids, not rows: where rows were deleted the recent ones are fewer. Counting the rows
    (OFFSET 1000 along the primary key) cost 0.2 ms per table at 10x the demo data.
    """
    if not models:
        return {}
    with connection.cursor() as cursor:
        # With (no) parameters: on PostgreSQL a statement planned once (pgstatements).
        cursor.execute(_recent_floors_sql(tuple(models), connection.vendor), ())
        row = cursor.fetchone()
    floors = {}
    for number, model in enumerate(models):
        newest, oldest = row[2 * number], row[2 * number + 1]
        floor = (newest or 0) - RECENT_ROWS
        floors[model] = floor if oldest is not None and floor >= oldest else 0
    return floors


@functools.cache
def _recent_floors_sql(models: tuple, vendor: str) -> str:
    """The SQL of `recent_floors()`: the same on every search, so built once."""
    quote = connection.ops.quote_name
    parts = []
    for model in models:
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        parts += [f"(SELECT MAX({pk}) FROM {table})", f"(SELECT MIN({pk}) FROM {table})"]
    sql = f"SELECT {', '.join(parts)}"
    if vendor == "postgresql":
        pgstatements.register(sql)  # planning its 16 subqueries took longer than running them
    return sql


def _rows(model, ids):
    """The rows of `ids` (public matches already) with `search_queryset()`'s joins, without
    its filters a second time and without the search vector no page shows."""
    rows = model._base_manager.filter(pk__in=ids).defer("search_vector", *model.SEARCH_DEFER)
    rows.query.select_related = model.search_queryset().query.select_related
    return rows


def _ranked(model, words: list[str], *, floor: int, window: int, snippets: bool = True, text=None):
    """The matches of `model`, best first (by rank; on SQLite by title), with their `snippet`
    on PostgreSQL: the newest `window` + 1 of them from the rows from id `floor` on (one more
    than are ranked tells whether there are more), or all of them where `floor` is 0."""
    matching, query = _matching(model, words, text=text)
    if floor:
        recent = matching.filter(pk__gte=floor).order_by("-pk")
        rows = _rows(model, recent.values("pk")[: window + 1])
    else:
        rows = matching.defer("search_vector", *model.SEARCH_DEFER)
    if query is None:
        return rows.order_by(model.SEARCH_TITLE_FIELD, "pk")
    rows = rows.annotate(rank=SearchRank(F("search_vector"), query)).order_by("-rank", "pk")
    return rows.annotate(snippet=_headline(query)) if snippets else rows


def _headline(query):
    return SearchHeadline(
        "search_text",
        query,
        config=CONFIG,
        start_sel=_START,
        stop_sel=_STOP,
        max_words=30,
        min_words=12,
        max_fragments=2,
        fragment_delimiter=" … ",
    )


def sqlite_variants(word: str) -> list[str]:
    """Spellings for a substring search: the word, umlauts spelt out, ae/oe/ue/ss as ä/ö/ü/ß."""
    variants = spelling_variants(word)
    for variant in list(variants):
        if "ss" in variant:
            variants.append(variant.replace("ss", "ß"))
    # SQLite's LIKE folds only ASCII case: umlauts at the start of a word need both cases.
    variants += [variant.capitalize() for variant in variants if not variant[:1].isascii()]
    return list(dict.fromkeys(variants))


def _hit(row) -> Hit:
    snippet = getattr(row, "snippet", None)
    german = settings.LANGUAGE_CODE
    language = (get_language() or german).split("-")[0]
    english = row.english_search_texts() if language != german else {}
    english_body = " ".join(
        plain_text(t) for weight in ("B", "C") for t in english.get(weight, []) if t
    )
    if snippet is not None:
        text = highlighted(snippet)
    else:
        text = english_body or row.search_text
        text = text if len(text) <= 200 else text[:200].rsplit(" ", 1)[0] + " …"
    # On a page in another language a snippet without a version in it is German (marked).
    snippet_language = german if language != german and not english_body else ""
    return Hit(
        title=row.search_title(),
        url=row.get_absolute_url(),
        snippet=text,
        snippet_language=snippet_language,
    )


@dataclass
class SearchResults:
    query: str
    words: list[str]
    groups: list[KindResult]
    kind: str | None = None

    @property
    def total(self) -> int:
        return sum(group.count for group in self.groups)

    @property
    def more(self) -> bool:
        """More matches than `total`: some kind has more than were looked at."""
        return any(group.more for group in self.groups)

    @property
    def selected(self) -> KindResult | None:
        """The kind shown with its own pages, if any."""
        return next((group for group in self.groups if group.page_obj is not None), None)

    @property
    def total_label(self) -> str:
        return more_than(self.total) if self.more else str(self.total)


def kinds() -> list[tuple[str, str]]:
    return [(model.SEARCH_KIND, model.SEARCH_LABEL) for model in searchable_models()]


def site_search(query: str, *, kind: str | None = None, page=1, per_group=5, per_page=20):
    """Search every kind (a few hits each) or one kind (paginated).

    What a kind costs does not grow with its number of rows or matches (see `RECENT_ROWS`).
    One query for the recent rows of all kinds, then one per kind: on the overview its hits
    with how many it looked at, beside one kind its count; the kind itself takes two (its
    ranked ids, its page's rows). A large kind with few recent matches takes one more.
    """
    words = query_words(query)
    if not words:
        return SearchResults(query=query, words=words, groups=[], kind=kind)
    models = searchable_models()
    floors = recent_floors(models)
    groups = []
    for model in models:
        floor = floors[model]
        if kind and kind == model.SEARCH_KIND:
            groups.append(_kind_page(model, words, floor, page=page, per_page=per_page))
        elif not kind:
            groups.append(_overview_group(model, words, floor, per_group=per_group))
        else:
            groups.append(_kind_count(model, words, floor))
    return SearchResults(query=query, words=words, groups=groups, kind=kind)


def _overview_group(model, words: list[str], floor: int, *, per_group: int) -> KindResult:
    """A kind's best few hits, and how many matches it looked at."""
    window = OVERVIEW_WINDOW
    shown = _best_hits(model, words, floor, per_group)
    found = shown[0].found if shown else 0
    more = bool(floor) and found > window
    if floor and not more:
        # Few matches among the recent rows: all of them.
        shown = _best_hits(model, words, 0, per_group)
        found = shown[0].found if shown else 0
    return KindResult(
        kind=model.SEARCH_KIND,
        label=model.SEARCH_LABEL,
        count=window if more else found,
        hits=[_hit(row) for row in shown],
        more=more,
    )


def _best_hits(model, words: list[str], floor: int, per_group: int) -> list:
    """The best `per_group` hits of a kind on the overview, each with `found` (the matches
    looked at). On PostgreSQL through a query compiled once per kind and shape
    (engagierte_stadt.prepared): the words go in as the one tsquery text (issue #17: the
    overview compiled eight ranking queries on every search)."""
    if not uses_full_text():
        ranked = _ranked(model, words, floor=floor, window=OVERVIEW_WINDOW)
        return list(ranked.annotate(found=Window(Count("*")))[:per_group])
    values = {"text": tsquery_text(words)}
    if floor:
        values["floor"] = floor
    return _best_hits_query(model, bool(floor), per_group, OVERVIEW_WINDOW)(**values)


@functools.cache
def _best_hits_query(model, from_floor: bool, per_group: int, window: int):
    return Prepared(
        lambda p: _ranked(
            model, [], floor=p.floor if from_floor else 0, window=window, text=p.text
        ).annotate(found=Window(Count("*")))[:per_group]
    )


def _kind_count(model, words: list[str], floor: int) -> KindResult:
    """A kind's number of matches, as the overview counts them."""
    matching = _matching(model, words)[0]
    found = None
    if floor:
        recent = matching.filter(pk__gte=floor).order_by("-pk")
        found = recent.values("pk")[: OVERVIEW_WINDOW + 1].count()
    more = found is not None and found > OVERVIEW_WINDOW
    if not more:
        found = matching.count()
    return KindResult(
        model.SEARCH_KIND, model.SEARCH_LABEL, OVERVIEW_WINDOW if more else found, more=more
    )


def _kind_page(model, words: list[str], floor: int, *, page, per_page: int) -> KindResult:
    """One kind's page of hits, best first, among its newest `KIND_WINDOW` matches."""
    window = KIND_WINDOW
    ids = list(
        _ranked(model, words, floor=floor, window=window, snippets=False).values_list(
            "pk", flat=True
        )
    )
    more = bool(floor) and len(ids) > window
    if more:
        # The one more than the window is the oldest of them: it only tells there are more.
        ids.remove(min(ids))
    elif floor:
        # Few matches among the recent rows: the best of all of them.
        everything = _ranked(model, words, floor=0, window=window, snippets=False)
        ids = list(everything.values_list("pk", flat=True)[: window + 1])
        more = len(ids) > window
        ids = ids[:window]
    page_obj = Paginator(ids, per_page).get_page(page)
    shown = list(page_obj.object_list)
    hits = []
    if shown:
        rows = _rows(model, shown)
        query = _matching(model, words)[1]
        if query is not None:
            rows = rows.annotate(snippet=_headline(query))
        by_pk = {row.pk: row for row in rows}
        hits = [_hit(by_pk[pk]) for pk in shown if pk in by_pk]
    return KindResult(
        kind=model.SEARCH_KIND,
        label=model.SEARCH_LABEL,
        count=page_obj.paginator.count,
        hits=hits,
        page_obj=page_obj,
        more=more,
    )


# Migrations -------------------------------------------------------------------------------


def gin_index(model_name: str, app_label: str, index_name: str, column: str = "search_vector"):
    """A migration operation that adds a GIN index on PostgreSQL and does nothing elsewhere
    (SQLite has no GIN; the column itself is created by the ordinary field operation)."""
    opclass = " gin_trgm_ops" if column == "folded" else ""

    def forwards(migration_apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = migration_apps.get_model(app_label, model_name)._meta.db_table
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{index_name}" ON "{table}" '
            f'USING gin ("{column}"{opclass})'
        )

    def backwards(migration_apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f'DROP INDEX IF EXISTS "{index_name}"')

    return migrations.RunPython(forwards, backwards, elidable=False)
