"""Districts (Stadtteile) and neighbourhoods (Quartiere) of the town."""

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engagierte_stadt.images import CleanImageField
from engagierte_stadt.models import EasyLanguageMixin, PublicContactMixin, site_contact
from engagierte_stadt.prepared import PreparedPrefetch, query_now, query_today
from engagierte_stadt.search import SearchableModel
from engagierte_stadt.sharing import ShareableMixin, image_object, organisation_data
from engagierte_stadt.submissions.capacity import (
    FillLevel,
    SignupBase,
    annotate_places,
    fill_filter,
)
from engagierte_stadt.submissions.counters import (
    PlaceCounters,
    has_free_place_q,
    is_full_expression,
)
from engagierte_stadt.submissions.submission import SubmissionBase, SubmissionQuerySet
from engagierte_stadt.submissions.targets import Contact
from engagierte_stadt.translations import TranslatableMixin, english_version
from engagierte_stadt.urlwords import PublicAddressMixin


class QuartierQuerySet(models.QuerySet):
    def districts(self):
        return self.filter(kind=Quartier.Kind.DISTRICT)

    def with_parent(self):
        return self.select_related("parent")

    def within(self, quartier):
        """The ids of the Quartier and of the Quartiere inside it, as a subquery.

        `quartier_id IN (this)` lets a list stay on its own table (and walk its index in
        order), where "quartier = q OR quartier.parent = q" joins every row to its Quartier.
        """
        return self.filter(models.Q(pk=quartier.pk) | models.Q(parent_id=quartier.pk)).values("pk")

    def districts_by_id(self) -> dict[int, "Quartier"]:
        """{Quartier id: its Stadtteil} for every Quartier (a Stadtteil is its own), in one
        query: counts kept per Quartier are summed up per Stadtteil with it."""
        quartiere = {q.pk: q for q in self.order_by("name", "pk")}
        return {
            pk: q
            if q.kind == Quartier.Kind.DISTRICT or q.parent_id is None
            else quartiere.get(q.parent_id, q)
            for pk, q in quartiere.items()
        }


class Quartier(TranslatableMixin, ShareableMixin, PublicAddressMixin, models.Model):
    """A Stadtteil (district) or a Quartier (neighbourhood), optionally inside another.

    Also the target of wishes for a district conference (`konferenzen.ConferenceWish`), so it
    has the members of `SignupTarget`: no date, no place and no limit of places.
    """

    DETAIL_ROUTE = "quartiere:detail"

    class Kind(models.TextChoices):
        DISTRICT = "stadtteil", _("district")
        NEIGHBOURHOOD = "quartier", _("neighbourhood")

    TRANSLATED_FIELDS = ("teaser", "description")

    name = models.CharField(
        _("name"), max_length=150, help_text=_("E.g. “Welper” or “Quartier Rauendahl”.")
    )
    slug = models.SlugField(
        _("address"),
        max_length=150,
        unique=True,
        help_text=_(
            "Part of the web address, e.g. /projekte/sommerfest/. Filled in from the title; "
            "change it only before the page is printed or shared."
        ),
    )
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=Kind.choices,
        default=Kind.DISTRICT,
        help_text=_("A Stadtteil or a Quartier inside one."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("For a Quartier: the Stadtteil it lies in."),
    )
    teaser = models.CharField(
        _("teaser"), max_length=300, blank=True, help_text=_("One sentence for the district list.")
    )
    teaser_en = english_version(teaser)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown is allowed.")
    )
    description_en = english_version(description, markdown=True)
    population = models.PositiveIntegerField(
        _("population"),
        null=True,
        blank=True,
        help_text=_("Optional: inhabitants, from the city's statistics."),
    )
    contact_name = models.CharField(
        _("contact person"),
        max_length=150,
        blank=True,
        help_text=_(
            "The person responsible for the district; named where nobody closer is entered."
        ),
    )
    contact_role = models.CharField(
        _("contact role"),
        max_length=150,
        blank=True,
        help_text=_("Their role, e.g. “Quartiersmanagerin”. Shown after the name."),
    )
    contact_email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_("Gets the replies and, for offers and meetings, the news of new sign-ups."),
    )
    contact_phone = models.CharField(
        _("contact phone"),
        max_length=50,
        blank=True,
        help_text=_("With the area code, e.g. 02324 204-0."),
    )
    neighbours = models.ManyToManyField(
        "self",
        verbose_name=_("neighbouring districts"),
        blank=True,
        help_text=_(
            "The districts and neighbourhoods that border on this one. The Engagement-Finder "
            "also suggests offers there. Entered here, this one is listed there as well."
        ),
    )

    objects = QuartierQuerySet.as_manager()

    # As a sign-up target (wishes): no date, no place, no limit. Whether it takes wishes now
    # (not when it has a conference) the konferenzen views decide, which this app cannot see.
    starts_at = None
    ends_at = None
    place = ""
    places = None
    accepts_signups = True

    class Meta:
        verbose_name = _("district or neighbourhood")
        verbose_name_plural = _("districts and neighbourhoods")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        errors = self.address_errors()
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                errors["parent"] = _("A district cannot lie inside itself.")
                break
            ancestor = ancestor.parent
        if errors:
            raise ValidationError(errors)

    def own_and_inner_ids(self) -> tuple[int, ...]:
        """The ids of `Quartier.objects.within(self)`: this Quartier's and those of the
        Quartiere inside it (its `children`, prefetched on its page)."""
        return (self.pk, *sorted(child.pk for child in self.children.all()))

    def own_contact(self) -> Contact:
        """The contact person entered for this Quartier (all of it public)."""
        return Contact(
            name=self.contact_name,
            role=self.contact_role,
            email=self.contact_email,
            phone=self.contact_phone,
            source=_("district or neighbourhood “%(title)s”") % {"title": self.name},
        )

    def contact(self, site=None) -> Contact:
        """Who to ask about this Quartier: its own contact person, else the portal's.

        The contact of a wish for a conference here, and the end of the chain of every
        project, opportunity and conference in it.
        """
        return self.own_contact() or site_contact(site)

    def share_description(self) -> str:
        return self.in_language("teaser") or self.in_language("description")


# `Topic.objects.popular()` counts up to this many published projects per topic.
POPULAR_COUNT_CAP = 50


class TopicQuerySet(models.QuerySet):
    def popular(self, cap: int | None = None):
        """Topics by the number of published projects in them, most first, then by name
        (none left out). Each topic's count stops at `POPULAR_COUNT_CAP`: counting every
        project took 28 ms at 10x the demo data (the search page without a query or without
        hits, issue #17), 3 ms this way, and that no longer grows with the number of
        projects. Topics with at least that many projects rank by name among themselves.
        `cap`: another limit than `POPULAR_COUNT_CAP`."""
        counted = (
            Project.topics.through.objects.filter(topic_id=models.OuterRef("pk"))
            .filter(ProjectQuerySet.published_condition("project__"))
            .order_by()
            .values("pk")[: POPULAR_COUNT_CAP if cap is None else cap]
        )
        count = models.Func(
            models.Subquery(counted),
            template="(SELECT COUNT(*) FROM %(expressions)s AS counted)",
            output_field=models.IntegerField(),
        )
        return self.annotate(project_count=count).order_by("-project_count", "name")


class Topic(models.Model):
    """A field of engagement (Themenfeld), e.g. Nachbarschaft or Umwelt und Klima."""

    name = models.CharField(
        _("name"), max_length=100, unique=True, help_text=_("E.g. “Umwelt” or “Nachbarschaft”.")
    )
    slug = models.SlugField(
        _("address"),
        max_length=100,
        unique=True,
        help_text=_(
            "Part of the web address, e.g. /projekte/sommerfest/. Filled in from the title; "
            "change it only before the page is printed or shared."
        ),
    )
    description = models.CharField(
        _("short description"),
        max_length=300,
        blank=True,
        help_text=_("One sentence shown with the topic."),
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Skill(models.Model):
    """A skill or interest that an opportunity asks for (tag)."""

    name = models.CharField(
        _("name"), max_length=100, unique=True, help_text=_("E.g. “Handwerk” or “Sprachen”.")
    )
    slug = models.SlugField(
        _("address"),
        max_length=100,
        unique=True,
        help_text=_(
            "Part of the web address, e.g. /projekte/sommerfest/. Filled in from the title; "
            "change it only before the page is printed or shared."
        ),
    )

    class Meta:
        verbose_name = _("skill or interest")
        verbose_name_plural = _("skills and interests")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Publication(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")


class InQuartierQuerySetMixin:
    """ "In this Quartier" for the rows of a model with a `quartier` (projects, offers,
    ideas): the Quartier and the Quartiere inside it."""

    def in_quartier(self, quartier):
        """Rows in the Quartier and in the Quartiere inside it (a subquery of ids, so that a
        list stays on its own table and its index)."""
        return self.filter(quartier_id__in=Quartier.objects.within(quartier))

    def in_quartier_slug(self, slug):
        """`in_quartier()` by the Quartier's address, as a filter link carries it."""
        return self.filter(models.Q(quartier__slug=slug) | models.Q(quartier__parent__slug=slug))

    def in_quartier_ids(self, ids):
        """`in_quartier()` by the ids of the Quartier and those inside it
        (`Quartier.own_and_inner_ids()`, `ChoicesFromDatabaseMixin.prepared_values()`): with
        one id, a list in the open order of offers reads the Quartier's part of the index
        `opportunity_quartier_order`."""
        return self.filter(quartier_id__in=ids)


class ProjectQuerySet(InQuartierQuerySetMixin, models.QuerySet):
    @staticmethod
    def published_condition(prefix: str = "") -> models.Q:
        """What `published()` asks, for a relation too (`prefix` "projects__")."""
        return models.Q(
            **{
                f"{prefix}publication": Publication.PUBLISHED,
                f"{prefix}publish_at__lte": query_now(),
            }
        )

    def published(self):
        return self.filter(self.published_condition())

    def featured(self):
        return self.filter(featured=True)

    @staticmethod
    def card_prefetches():
        """The prefetches behind a project card (topics, gallery as `project.gallery`): the
        same two objects every time, so that a prepared list query runs them as queries
        compiled once (engagierte_stadt.prepared.PreparedPrefetch)."""
        return _PROJECT_CARD_PREFETCHES

    # The columns a project card reads (title, teaser, status, address, the Quartier's name).
    # Only these: a list sorts all its rows before it cuts out a page, so long texts would be
    # carried through the sort for nothing, and every other column costs compiling and
    # building into each row (issue #17).
    CARD_FIELDS = (
        "quartier",
        "title",
        "title_en",
        "slug",
        "teaser",
        "teaser_en",
        "status",
        "quartier__name",
    )

    def for_cards(self):
        """What a project card shows: Quartier, topics and the first image, in 3 queries."""
        return (
            self.select_related("quartier")
            .only(*self.CARD_FIELDS)
            .prefetch_related(*self.card_prefetches())
        )

    @staticmethod
    def prefetch_cards(projects):
        """Load what `for_cards()` loads for projects fetched separately, in 2 queries.

        The detail page fetches the project and "more from this Quartier" apart; this
        prefetches the topics and galleries of both lists together.
        """
        projects = list(projects)
        for lookup in ProjectQuerySet.card_prefetches():
            lookup.fetch(projects)


class Project(
    TranslatableMixin,
    ShareableMixin,
    PublicContactMixin,
    PublicAddressMixin,
    EasyLanguageMixin,
    SearchableModel,
):
    """A neighbourhood project (Quartiersprojekt)."""

    DETAIL_ROUTE = "quartiere:project_detail"
    contact_source_label = _("project “%(title)s”")

    class Status(models.TextChoices):
        IDEA = "idee", _("idea")
        PLANNED = "geplant", _("planned")
        RUNNING = "laeuft", _("running")
        FINISHED = "abgeschlossen", _("finished")

    TRANSLATED_FIELDS = ("title", "teaser", "description")

    quartier = models.ForeignKey(
        Quartier,
        verbose_name=_("district or neighbourhood"),
        on_delete=models.PROTECT,
        related_name="projects",
        help_text=_("The district or neighbourhood where the project takes place."),
    )
    title = models.CharField(
        _("title"), max_length=200, help_text=_("The project's name, e.g. “Repair-Café Welper”.")
    )
    title_en = english_version(title)
    slug = models.SlugField(
        _("address"),
        max_length=200,
        unique=True,
        help_text=_(
            "Part of the web address, e.g. /projekte/sommerfest/. Filled in from the title; "
            "change it only before the page is printed or shared."
        ),
    )
    teaser = models.CharField(
        _("teaser"),
        max_length=300,
        help_text=_("One or two sentences for the project list and link previews."),
    )
    teaser_en = english_version(teaser)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown is allowed.")
    )
    description_en = english_version(description, markdown=True)
    status = models.CharField(
        _("status"),
        max_length=15,
        choices=Status.choices,
        default=Status.PLANNED,
        help_text=_("Idea, planned, running or finished: shown on the page and in the filters."),
    )
    start_date = models.DateField(
        _("start"), null=True, blank=True, help_text=_("Optional: when the project begins.")
    )
    end_date = models.DateField(
        _("end"), null=True, blank=True, help_text=_("Optional: when it ends.")
    )
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), blank=True, related_name="projects"
    )
    contact_name = models.CharField(
        _("contact person"),
        max_length=150,
        blank=True,
        help_text=_(
            "The person people can ask. Without one, the contact person of the level above is "
            "named."
        ),
    )
    contact_role = models.CharField(
        _("contact role"),
        max_length=150,
        blank=True,
        help_text=_("Their role, e.g. “Quartiersmanagerin”. Shown after the name."),
    )
    contact_email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_("Gets the replies and, for offers and meetings, the news of new sign-ups."),
    )
    contact_phone = models.CharField(
        _("contact phone"),
        max_length=50,
        blank=True,
        help_text=_("With the area code, e.g. 02324 204-0."),
    )
    show_contact_name = models.BooleanField(
        _("show name publicly"),
        default=True,
        help_text=_("Tick to show the name on the public page."),
    )
    show_contact_email = models.BooleanField(
        _("show e-mail publicly"),
        default=True,
        help_text=_("Tick to show the e-mail address on the public page."),
    )
    show_contact_phone = models.BooleanField(
        _("show phone publicly"),
        default=False,
        help_text=_("Tick to show the phone number on the public page."),
    )
    publication = models.CharField(
        _("publication"),
        max_length=10,
        choices=Publication.choices,
        default=Publication.DRAFT,
        help_text=_("Only published projects appear on the website; a draft can be previewed."),
    )
    publish_at = models.DateTimeField(
        _("publish date"),
        default=timezone.now,
        help_text=_("Optional: a future time keeps a published project hidden until then."),
    )
    featured = models.BooleanField(
        _("show on the home page"),
        default=False,
        help_text=_("Tick to show the project on the home page."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="project_ends_after_start",
            )
        ]
        # /projekte/ lists by title: its first pages read this index in order and stop,
        # instead of sorting every published project (60 ms at 10 000 projects).
        indexes = [
            models.Index(fields=["title", "id"], name="project_title_id"),
            # Newest first (`-publish_at`, the home page's featured projects, a Quartier's
            # projects, "more from this Quartier"): read from now backwards in this order
            # rather than sorting every published project.
            models.Index(
                models.F("publish_at").desc(),
                models.F("id"),
                name="project_published_latest",
                condition=models.Q(publication=Publication.PUBLISHED),
            ),
            models.Index(
                models.F("publish_at").desc(),
                models.F("id"),
                name="project_featured_latest",
                condition=models.Q(publication=Publication.PUBLISHED, featured=True),
            ),
        ]

    def __str__(self):
        return self.in_language("title")  # in the active language; the admin is German

    def clean(self):
        errors = self.address_errors()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end cannot be before the start.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_published(self) -> bool:
        return self.publication == Publication.PUBLISHED and self.publish_at <= timezone.now()

    SEARCH_KIND = "projekte"
    SEARCH_LABEL = _("Projects")
    SEARCH_ORDER = 10

    @classmethod
    def search_queryset(cls):
        return cls.objects.published()

    def search_texts(self):
        return {
            "A": [self.title],
            "B": [self.teaser, self.quartier.name],
            "C": [self.description, self.easy_language],
        }

    @property
    def is_running(self) -> bool:
        return self.status == self.Status.RUNNING

    @property
    def cover(self):
        """The first gallery image (prefetched by `for_cards()`), or None."""
        gallery = getattr(self, "gallery", None)
        if gallery is None:
            # The cards' own prefetch: a query compiled once (an offer page's share picture).
            _PROJECT_GALLERY.fetch([self])
            gallery = self.gallery
        return gallery[0] if gallery else None

    def share_description(self) -> str:
        return self.in_language("teaser")

    def share_picture(self):
        return self.cover

    def structured_data(self, *, site, absolute) -> dict:
        """schema.org Project (an Organization for a purpose) in its Quartier."""
        data = {
            "@context": "https://schema.org",
            "@type": "Project",
            "name": self.in_language("title"),
            "description": self.in_language("teaser"),
            "url": absolute(self.get_absolute_url()),
            "areaServed": {"@type": "Place", "name": self.quartier.name},
            "parentOrganization": organisation_data(site, absolute),
        }
        if self.start_date:
            data["foundingDate"] = self.start_date.isoformat()
        if self.end_date:
            data["dissolutionDate"] = self.end_date.isoformat()
        image = image_object(self.cover, absolute)
        if image:
            data["image"] = image
        return data


class ProjectImage(models.Model):
    """One picture of a project's gallery, with required alternative text and credit."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="images"
    )
    image = CleanImageField(
        _("image"),
        upload_to="projekte/",
        width_field="width",
        height_field="height",
        help_text=_("A photo (JPEG or PNG); the portal makes the smaller sizes itself."),
    )
    width = models.PositiveIntegerField(editable=False, null=True)
    height = models.PositiveIntegerField(editable=False, null=True)
    alt_text = models.CharField(
        _("alternative text"),
        max_length=250,
        help_text=_("What the picture shows, for people who cannot see it."),
    )
    caption = models.CharField(
        _("caption"), max_length=250, blank=True, help_text=_("Shown below the picture. Optional.")
    )
    credit = models.CharField(
        _("photo credit"), max_length=150, help_text=_('For example "Foto: Stadt Hattingen".')
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Smaller numbers come first.")
    )

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.alt_text


# How much time a person has, as the finder asks it and the list filters it (`?time=`).
TIME_ONCE, TIME_MONTHLY, TIME_WEEKLY = "once", "monthly", "weekly"
FEW_HOURS = 6  # "a few hours a month": up to this many


def time_fits_q(time: str) -> models.Q:
    """Offers that fit the time a person has: "once" fits one-off and flexible offers; "a few
    hours a month" fits flexible ones and regular ones of at most FEW_HOURS hours a month (or
    without hours given); "weekly" fits regular and flexible ones."""
    Commitment = Opportunity.Commitment
    if time == TIME_ONCE:
        return models.Q(commitment__in=[Commitment.ONCE, Commitment.FLEXIBLE])
    if time == TIME_MONTHLY:
        return models.Q(commitment=Commitment.FLEXIBLE) | models.Q(
            models.Q(hours_per_month__isnull=True) | models.Q(hours_per_month__lte=FEW_HOURS),
            commitment=Commitment.REGULAR,
        )
    return models.Q(commitment__in=[Commitment.REGULAR, Commitment.FLEXIBLE])


def at_times_q(keys) -> models.Q:
    """Offers at one of the chosen times (keys of `Opportunity.TIME_FIELDS`), or by
    arrangement (no time ticked): those fit whenever the person has time."""
    fields = Opportunity.TIME_FIELDS
    chosen = models.Q(**dict.fromkeys(fields.values(), False))
    for key in keys:
        chosen |= models.Q(**{fields[key]: True})
    return chosen


class OpportunityQuerySet(InQuartierQuerySetMixin, models.QuerySet):
    def published(self):
        """Visible opportunities: published, and their project (if any) published too.

        The project's side is a subquery of ids (`project_published_latest` answers it from
        the index), not a join: a count or an ordered page stays on the offers' own table."""
        return self.filter(is_published=True).filter(
            models.Q(project__isnull=True)
            | models.Q(project_id__in=Project.objects.published().values("pk"))
        )

    def published_row_by_row(self):
        """`published()`, with the project's side asked of each offer's joined project row.

        For reads that stop after a few offers (a page of /mitmachen/, its count up to 100, the
        newest matches of the search, the home page, a Quartier's, project's or partner's
        offers): `published()`'s subquery first collects the id of every
        published project, which costs more the more projects there are (issue #17)."""
        return self.filter(is_published=True).filter(
            models.Q(project__isnull=True) | Project.objects.published_condition("project__")
        )

    def open(self):
        """Switched on for sign-ups and the deadline (if any) not passed.

        Asked as `deadline_key() >= today`, not "no deadline or deadline >= today": one
        range on the expression the list index holds, where an OR would be checked row by
        row."""
        return self.filter(is_open=True).filter(
            models.lookups.GreaterThanOrEqual(deadline_key(), query_today())
        )

    def near_quartier_slug(self, slug):
        """`in_quartier_slug()` and the Quartiere next to it (with those inside them); a
        Quartier inside a district also lies next to the rest of that district (as in the
        finder)."""
        near = Quartier.neighbours.through.objects.filter(from_quartier__slug=slug).values(
            "to_quartier_id"
        )
        parent = Quartier.objects.filter(slug=slug, parent__isnull=False).values("parent_id")
        return self.filter(
            models.Q(quartier__slug=slug)
            | models.Q(quartier__parent__slug=slug)
            | models.Q(quartier_id__in=near)
            | models.Q(quartier__parent_id__in=near)
            | models.Q(quartier_id__in=parent)
            | models.Q(quartier__parent_id__in=parent)
        )

    def with_topic_slug(self, slug):
        """Offers with the topic (or one of the topics, given a list of slugs), their own or
        their project's (no duplicate rows)."""
        slugs = [slug] if isinstance(slug, str) else list(slug)
        return self._with_topic(topic__slug__in=slugs)

    def with_topic_ids(self, ids):
        """`with_topic_slug()` by the topics' ids (`OpportunityFilter.prepared_values()`):
        each offer read costs an index probe in each link table, no join to the topics."""
        return self._with_topic(topic_id__in=ids)

    def _with_topic(self, **lookup):
        # One EXISTS over both links (UNION ALL), asked per offer read: a list read in index
        # order stops after a page. Two EXISTS joined by OR made PostgreSQL collect every
        # project of the topic first, on every request (2 500 at 10x the demo data).
        own = Opportunity.topics.through.objects.filter(
            opportunity_id=models.OuterRef("pk"), **lookup
        ).values("topic_id")
        of_project = Project.topics.through.objects.filter(
            project_id=models.OuterRef("project_id"), **lookup
        ).values("topic_id")
        return self.filter(models.Exists(own.union(of_project, all=True)))

    def fits_time(self, time: str):
        """See `time_fits_q()`."""
        return self.filter(time_fits_q(time))

    def at_times(self, keys):
        """See `at_times_q()`."""
        return self.filter(at_times_q(keys))

    def with_skill_slug(self, slug):
        """Offers asking for the skill (or one of the skills, given a list of slugs)."""
        slugs = [slug] if isinstance(slug, str) else list(slug)
        return self.filter(
            models.Exists(
                Opportunity.skills.through.objects.filter(
                    opportunity_id=models.OuterRef("pk"), skill__slug__in=slugs
                )
            )
        )

    def annotate_places(self):
        """`places_taken` and `free_places` (None = unlimited) on every row, in the list's query."""
        return annotate_places(self, Signup)

    def past(self, now=None):
        """One-off dates that are over (`Opportunity.is_past`; one without date never is)."""
        return self.filter(_past_q(now or query_now()))

    def not_past(self, now=None):
        return self.exclude(_past_q(now or query_now()))

    def accepting(self, now=None):
        """Open for sign-ups and not over: the ones whose places still matter."""
        return self.open().not_past(now)

    def past_but_open(self, now=None):
        """Over, yet still switched on for sign-ups: staff should close them."""
        return self.past(now).filter(is_open=True)

    def full(self):
        """Every place taken (unlimited ones never are)."""
        return fill_filter(self._places(), FillLevel.FULL)

    def nearly_full(self):
        """At least `NEARLY_FULL_PERCENT` of the places taken, but not all."""
        return fill_filter(self._places(), FillLevel.NEARLY_FULL)

    def _places(self):
        if "places_taken" in self.query.annotations:
            return self
        return self.annotate_places()

    def free_places_first(self):
        """Unlimited and free places first, full ones next, closed ones last.

        Within each group by deadline and title. Closed offers (switched off or past their
        deadline) go last because nobody can sign up for them, whatever their places say.
        For a list of open offers only, `open_free_places_first()` orders without the
        closed key (constant there) and reads the index instead of sorting.
        """
        today = query_today()
        return (
            self.annotate_places()
            .alias(
                is_closed=models.Case(
                    models.When(is_open=False, then=models.Value(True)),
                    models.When(signup_deadline__lt=today, then=models.Value(True)),
                    default=models.Value(False),
                    output_field=models.BooleanField(),
                ),
            )
            .order_by("is_closed", *open_order())
        )

    def open_free_places_first(self):
        """`open()` in the order of `free_places_first()`: free places (and unlimited
        ones) first, then full ones, each by deadline and title.

        Every key is a column or an expression of the row alone, the same ones the index
        `opportunity_open_order` holds, so a page of it is the first rows of an index scan
        rather than a sort of every open offer (the constant "closed" key is left out)."""
        return self.open().annotate_places().order_by(*open_order())

    def closed(self):
        """The opposite of `open()`: switched off, or past the deadline."""
        return self.filter(
            models.Q(is_open=False)
            | models.Q(models.lookups.LessThan(deadline_key(), query_today()))
        )

    def closed_in_open_order(self):
        """`closed()` in the order of the open offers (`open_order()`): the second part of
        `OpenFirstList`."""
        return self.closed().annotate_places().order_by(*open_order())

    def open_first_window(self, start: int, open_count: int, stop: int):
        """Rows `start`..`stop` of `OpenFirstList` where the open offers (`open_count` of
        them) end and the closed ones begin: the last open and the first closed offers, each
        found by its index, in one query."""
        return self.filter(
            models.Q(pk__in=self.open_free_places_first()[start:open_count].values("pk"))
            | models.Q(pk__in=self.closed_in_open_order()[: stop - open_count].values("pk"))
        ).free_places_first()

    def free_places_first_list(self):
        """The offers in the order of `free_places_first()`, as a list a Paginator pages
        through without sorting all of them: see `OpenFirstList`."""
        return OpenFirstList(self)

    def open_with_free_places(self):
        """Open offers with a free place (or unlimited ones), soonest deadline first: the
        home page's "Jetzt mitmachen", read in index order (`opportunity_free_order`)."""
        return self.open().annotate_places().filter(has_free_place_q()).order_by(*open_order()[1:])

    # The columns an opportunity card reads: title, address, commitment and times, place,
    # places and deadline, suitability, the project's title and the Quartier's name. Only
    # these: /mitmachen/ sorts every open offer by its places before it cuts out a page (with
    # the long texts in the rows, that sort spilled to disk at 30 000 offers), and every
    # column is compiled and built into each row of a list (issue #17). They include
    # `SCHEDULE_FIELDS`, which `from_db` notes.
    CARD_FIELDS = (
        "project",
        "quartier",
        "title",
        "title_en",
        "slug",
        "commitment",
        "starts_at",
        "ends_at",
        "hours_per_month",
        "weekdays",
        "place",
        "place_en",
        "places",
        "places_taken",
        "signup_deadline",
        "is_open",
        # `Opportunity.SUITABILITY_FIELDS` (the badges)
        "suitable_youth",
        "suitable_families",
        "suitable_seniors",
        "suitable_without_german",
        "step_free",
        "project__title",
        "project__title_en",
        "quartier__name",
    )

    def for_cards(self):
        """What an opportunity card shows (project and Quartier), in the list's own query."""
        return self.select_related("quartier", "project").only(*self.CARD_FIELDS)

    def for_detail(self):
        """The opportunity page: places, project, Quartier and skills, in 2 queries."""
        return (
            self.annotate_places()
            .select_related("quartier", "project")
            .prefetch_related(_OPPORTUNITY_SKILLS)
        )


# An offer without a deadline counts as "deadline: the last day there is": then one expression
# answers both "deadline not passed" (`open()`) and "soonest deadline first, none last" (the
# list order), and an index holds it (`opportunity_open_order`).
NO_DEADLINE = date(9999, 12, 31)


def deadline_key():
    """The signup deadline, or NO_DEADLINE when there is none (sorts like NULLS LAST)."""
    return Coalesce("signup_deadline", models.Value(NO_DEADLINE), output_field=models.DateField())


def open_order():
    """The order of open offers: free places first, then by deadline, title and id."""
    return (is_full_expression().asc(), deadline_key().asc(), "title", "pk")


def open_order_index(name: str, *leading) -> models.Index:
    """An index of the published, switched-on offers in `open_order()`, after the
    `leading` keys (a column a list is narrowed to, whose part of the index it reads)."""
    return models.Index(
        *leading,
        is_full_expression(),
        deadline_key(),
        models.F("title"),
        models.F("id"),
        name=name,
        condition=models.Q(is_published=True, is_open=True),
    )


class OpenFirstList:
    """The offers of a queryset in `free_places_first()` order, for a Paginator.

    That order puts the open offers first; among the closed ones (switched off or past
    their deadline) the order is the same as among the open ones. Sorting all of them by
    "closed" (a question of today's date) would sort every offer on every page view, so
    the list is read in its two parts instead, each in index order
    (`open_free_places_first()` and the same keys for the closed ones): a page is one
    query, also where it crosses from the open to the closed offers.

    The two counts are one query that stops after `count_limit` + 1 offers (issue #17:
    counting 30 000 offers costs more than counting 30): beyond that the list says "mehr
    als 100" and pages on without a last page (`engagierte_stadt.pagination
    .CappedCountPaginator`), and where the open offers end is found by reading them: a page
    they do not fill is where they end. Only a page behind the last open offer counts them.
    """

    ordered = True  # for the Paginator: the order is the one above
    count_limit = 100

    def __init__(self, queryset):
        self.queryset = queryset
        self._counts = None
        self._open_count = None

    def _parts(self):
        return [self.queryset.open_free_places_first(), self.queryset.closed_in_open_order()]

    def counts(self) -> tuple[int | None, int]:
        """(open offers, all offers), in one query that stops after `count_limit` + 1 offers:
        beyond that, the number of open ones is not known (None). The offers' two columns
        are read and counted here (not a `COUNT` in SQL): so the query is a row query that a
        `PreparedRows` compiles once, and "open" is `open()`'s question of the same day."""
        if self._counts is None:
            today = timezone.localdate()
            rows = list(
                self.queryset.order_by()
                # Columns of the index `opportunity_published_count`, so that the count reads
                # that narrow index alone, not the wide rows of the table.
                .values_list("is_open", "signup_deadline")[: self.count_limit + 1]
            )
            total = len(rows)
            open_now = sum(
                1 for is_open, deadline in rows if is_open and (deadline or NO_DEADLINE) >= today
            )
            self._counts = (open_now if total <= self.count_limit else None, total)
        return self._counts

    def count(self) -> int:
        """All offers, up to `count_limit` + 1."""
        return self.counts()[1]

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("OpenFirstList takes a slice without step")
        open_count, total = self.counts()
        start = key.start or 0
        stop = key.stop
        if stop is None or total <= self.count_limit:
            stop = total if stop is None else min(stop, total)
        if stop <= start:
            return []  # nothing to read (an empty list, or a slice beyond its end)
        open_part, closed_part = self._parts()
        if open_count is None:
            open_count = self._open_count
        if open_count is None:
            # More offers than counted: the open ones first; where they do not fill the
            # slice, they end in it, and the closed ones follow.
            rows = list(open_part[start:stop])
            if len(rows) == stop - start:
                return rows
            if rows or start == 0:
                self._open_count = start + len(rows)
                return rows + list(closed_part[: stop - self._open_count])
            # A page behind the last open offer: count them to know where the closed begin.
            self._open_count = open_count = self.queryset.open().order_by().count()
        if stop <= open_count:
            return list(open_part[start:stop])
        if start >= open_count:
            return list(closed_part[start - open_count : stop - open_count])
        # The page where the open offers end and the closed ones begin: its rows are the
        # last open and the first closed ones, each found by its index; one query still.
        return list(self.queryset.open_first_window(start, open_count, stop))


def _past_q(now) -> models.Q:
    """A one-off date that ended before `now`; without an end, two hours after its start."""
    return models.Q(commitment=Opportunity.Commitment.ONCE) & (
        models.Q(ends_at__lt=now)
        | models.Q(ends_at__isnull=True, starts_at__lt=now - timedelta(hours=2))
    )


class Opportunity(
    TranslatableMixin,
    ShareableMixin,
    PublicAddressMixin,
    PublicContactMixin,
    EasyLanguageMixin,
    PlaceCounters,
    SearchableModel,
):
    """A way to help (Mitmach-Angebot), in a project or directly in a Quartier.

    The target of volunteers' sign-ups (`Signup`): it has the members of `SignupTarget`.
    """

    contact_source_label = _("opportunity “%(title)s”")

    DETAIL_ROUTE = "quartiere:opportunity_detail"

    class Commitment(models.TextChoices):
        ONCE = "einmalig", _("once, on a date")
        REGULAR = "regelmaessig", _("regularly")
        FLEXIBLE = "flexibel", _("flexible")

    class Weekday(models.TextChoices):
        MON = "mo", _("Monday")
        TUE = "di", _("Tuesday")
        WED = "mi", _("Wednesday")
        THU = "do", _("Thursday")
        FRI = "fr", _("Friday")
        SAT = "sa", _("Saturday")
        SUN = "so", _("Sunday")

    # A change to one of these moves the opportunity in calendars (iCalendar SEQUENCE goes up).
    # Opportunities have no cancelled state; closing the sign-up is the nearest to it.
    SCHEDULE_FIELDS = ("commitment", "starts_at", "ends_at", "place", "title", "is_open")

    # When in the week an opportunity takes place (the finder's and the filter's "when").
    TIME_FIELDS = {
        "weekdays": "on_weekdays",
        "evenings": "in_evenings",
        "weekends": "at_weekends",
    }

    SUITABILITY_FIELDS = {
        "youth": "suitable_youth",
        "families": "suitable_families",
        "seniors": "suitable_seniors",
        "no_german": "suitable_without_german",
        "step_free": "step_free",
    }

    TRANSLATED_FIELDS = ("title", "description", "requirements", "place")
    OPTIONAL_TRANSLATIONS = ("place",)

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="opportunities",
        help_text=_("Optional: the project this offer belongs to."),
    )
    quartier = models.ForeignKey(
        Quartier,
        verbose_name=_("district or neighbourhood"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opportunities",
        help_text=_("Taken from the project when there is one."),
    )
    title = models.CharField(
        _("title"),
        max_length=200,
        help_text=_("What people do, in a few words, e.g. “Lesepate in der Grundschule”."),
    )
    title_en = english_version(title)
    slug = models.SlugField(
        _("address"),
        max_length=200,
        unique=True,
        help_text=_(
            "Part of the web address, e.g. /projekte/sommerfest/. Filled in from the title; "
            "change it only before the page is printed or shared."
        ),
    )
    description = models.TextField(_("what you do"), help_text=_("Markdown is allowed."))
    description_en = english_version(description, markdown=True)
    commitment = models.CharField(
        _("time commitment"),
        max_length=15,
        choices=Commitment.choices,
        default=Commitment.FLEXIBLE,
        help_text=_("How often: once, regularly or flexibly. The search filters by it."),
    )
    starts_at = models.DateTimeField(
        _("date and time"),
        null=True,
        blank=True,
        help_text=_("For a one-off date: when it begins."),
    )
    ends_at = models.DateTimeField(
        _("until"), null=True, blank=True, help_text=_("Optional: when it ends.")
    )
    hours_per_month = models.PositiveSmallIntegerField(
        _("hours per month"),
        null=True,
        blank=True,
        help_text=_(
            "About how many hours a month a volunteer spends, for regular and flexible offers. "
            "A one-off date takes the time between its start and end."
        ),
    )
    weekdays = models.JSONField(
        _("weekdays"), default=list, blank=True, help_text=_("For regular offers: on which days.")
    )
    on_weekdays = models.BooleanField(
        _("on weekdays during the day"),
        default=False,
        help_text=_("Tick every time that fits; none ticked means “by arrangement”."),
    )
    in_evenings = models.BooleanField(
        _("in the evenings"), default=False, help_text=_("Tick if it takes place in the evening.")
    )
    at_weekends = models.BooleanField(
        _("at weekends"), default=False, help_text=_("Tick if it takes place at weekends.")
    )
    topics = models.ManyToManyField(
        Topic,
        verbose_name=_("topics"),
        blank=True,
        related_name="opportunities",
        help_text=_(
            "The offer's own topics. It is also found under its project's topics, so tick "
            "only what the project does not already cover."
        ),
    )
    place = models.CharField(
        _("place"),
        max_length=250,
        blank=True,
        help_text=_("Where, e.g. “Grundschule Welper, Schulstraße 3”."),
    )
    place_en = english_version(place)
    places = models.PositiveIntegerField(
        _("number of places"), null=True, blank=True, help_text=_("Leave empty for unlimited.")
    )
    # The step of places (80 / 100 per cent) the contact person was told of; raised by
    # `capacity.signup_notify_fill`, never lowered.
    fill_notified = models.PositiveSmallIntegerField(
        _("contact told at per cent of places"), default=0, editable=False
    )
    suitable_youth = models.BooleanField(
        _("suitable for young people"),
        default=False,
        help_text=_("Tick if young people under 18 can take part."),
    )
    suitable_families = models.BooleanField(
        _("suitable for families"),
        default=False,
        help_text=_("Tick if families can take part together."),
    )
    suitable_seniors = models.BooleanField(
        _("suitable for older people"), default=False, help_text=_("Tick if it suits older people.")
    )
    suitable_without_german = models.BooleanField(
        _("possible without German skills"),
        default=False,
        help_text=_("Tick if people can take part without speaking German."),
    )
    step_free = models.BooleanField(
        _("step-free access"),
        default=False,
        help_text=_("Tick if the place can be reached without steps."),
    )
    requirements = models.TextField(
        _("requirements"),
        blank=True,
        help_text=_(
            "For example: extended certificate of good conduct (erweitertes Führungszeugnis)."
        ),
    )
    requirements_en = english_version(requirements)
    skills = models.ManyToManyField(
        Skill, verbose_name=_("skills and interests"), blank=True, related_name="opportunities"
    )
    contact_name = models.CharField(
        _("contact person"),
        max_length=150,
        blank=True,
        help_text=_(
            "Only if this offer has a contact person of its own. Empty: the project's contact "
            "person, else the district's, else the portal's."
        ),
    )
    contact_role = models.CharField(
        _("contact role"),
        max_length=150,
        blank=True,
        help_text=_("Their role, e.g. “Quartiersmanagerin”. Shown after the name."),
    )
    contact_email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_("Gets the replies and, for offers and meetings, the news of new sign-ups."),
    )
    contact_phone = models.CharField(
        _("contact phone"),
        max_length=50,
        blank=True,
        help_text=_("With the area code, e.g. 02324 204-0."),
    )
    show_contact_name = models.BooleanField(
        _("show name publicly"),
        default=True,
        help_text=_("Tick to show the name on the public page."),
    )
    show_contact_email = models.BooleanField(
        _("show e-mail publicly"),
        default=True,
        help_text=_("Tick to show the e-mail address on the public page."),
    )
    show_contact_phone = models.BooleanField(
        _("show phone publicly"),
        default=False,
        help_text=_("Tick to show the phone number on the public page."),
    )
    signup_deadline = models.DateField(
        _("sign-up deadline"),
        null=True,
        blank=True,
        help_text=_("Optional: after this day nobody can sign up."),
    )
    is_open = models.BooleanField(
        _("open for sign-ups"),
        default=True,
        help_text=_("Untick to close the sign-up (the offer stays visible)."),
    )
    is_published = models.BooleanField(
        _("published"), default=True, help_text=_("Only published offers appear on the website.")
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(
        _("calendar revision"),
        default=0,
        editable=False,
        help_text=_("Goes up whenever date, place or status change, so calendars update."),
    )
    published_at = models.DateTimeField(
        _("first published at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the offer first went public; alerts announce offers from then on."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["title"]
        indexes = [
            # The order of open offers (`open_order()`) over the published, switched-on ones:
            # a page of the home page, a Quartier page or /mitmachen/ reads its first
            # entries, from today's deadline on, instead of sorting every open offer.
            open_order_index("opportunity_open_order"),
            # The same per Quartier: a Quartier's offers (its page, `/mitmachen/?quartier=…`)
            # are the first entries of its part of this index, wherever they come in the
            # order of all offers. Walking `opportunity_open_order` instead read every offer
            # that comes before the Quartier's last one shown (6 600 rows for 13 at 10x the
            # demo data, where a Quartier's offers sorted late).
            open_order_index("opportunity_quartier_order", models.F("quartier")),
            # The same for the offers with a free place (the home page): without the leading
            # "full" key, which a filter on it does not make constant for the planner.
            models.Index(
                deadline_key(),
                models.F("title"),
                models.F("id"),
                name="opportunity_free_order",
                condition=models.Q(is_published=True, is_open=True) & has_free_place_q(),
            ),
            # The counts of /mitmachen/ (all published offers, the open ones among them) read
            # this narrow index alone (an index-only scan), not the wide rows of the table.
            models.Index(
                fields=["project", "is_open", "signup_deadline"],
                name="opportunity_published_count",
                condition=models.Q(is_published=True),
            ),
            # The finder's count of matches (`quartiere.finder.MatchList`) reads this index
            # alone (an index-only scan): by Stadtteil, with every column its answers and
            # "open, not over" ask about, not the wide rows of the table.
            models.Index(
                fields=["quartier", "signup_deadline"],
                include=[
                    "id",
                    "project",
                    "commitment",
                    "starts_at",
                    "hours_per_month",
                    "on_weekdays",
                    "in_evenings",
                    "at_weekends",
                    "suitable_youth",
                    "suitable_families",
                    "suitable_seniors",
                    "suitable_without_german",
                    "step_free",
                ],
                name="opportunity_finder",
                condition=models.Q(is_published=True, is_open=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(project__isnull=False) | models.Q(quartier__isnull=False),
                name="opportunity_has_project_or_quartier",
            )
        ]

    def __str__(self):
        return self.in_language("title")  # in the active language; the admin is German

    def save(self, *args, **kwargs):
        # The Quartier of an opportunity is always its project's, so filters need no join.
        if self.project_id is not None:
            self.quartier_id = self.project.quartier_id
        # The moment it first goes public: what alert subscriptions announce.
        if self.is_published and self.published_at is None:
            self.published_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "published_at"}
        # The calendar revision: a calendar replaces an event only when SEQUENCE is higher.
        loaded = getattr(self, "_loaded_schedule", None)
        if loaded is not None and loaded != self._schedule():
            self.sequence += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "sequence"}
        super().save(*args, **kwargs)
        self._loaded_schedule = self._schedule()

    def get_calendar_url(self):
        return reverse("quartiere:opportunity_ics", kwargs={"slug": self.slug})

    SEARCH_KIND = "mitmachen"
    SEARCH_LABEL = _("Opportunities")
    SEARCH_ORDER = 20

    @classmethod
    def search_queryset(cls):
        return cls.objects.published_row_by_row()

    def search_texts(self):
        quartier = self.quartier.name if self.quartier_id else ""
        return {
            "A": [self.title],
            "B": [self.place, quartier],
            "C": [self.description, self.requirements, self.easy_language],
        }

    def share_description(self) -> str:
        return self.in_language("description")

    def share_picture(self):
        """The picture of its project (an offer has none of its own)."""
        return self.project.cover if self.project_id else None

    def structured_data(self, *, site, absolute) -> dict:
        """schema.org JobPosting of the employment type VOLUNTEER: what search engines know
        for ways to help."""
        place = {"@type": "Place", "address": {"@type": "PostalAddress", "addressCountry": "DE"}}
        place["address"]["addressLocality"] = getattr(site, "city_name", "") or ""
        if self.quartier_id:
            place["name"] = ", ".join(part for part in (self.place, self.quartier.name) if part)
        elif self.place:
            place["name"] = self.place
        data = {
            "@context": "https://schema.org",
            "@type": "JobPosting",
            "title": self.in_language("title"),
            "description": self.in_language("description"),
            "employmentType": "VOLUNTEER",
            "url": absolute(self.get_absolute_url()),
            "datePosted": timezone.localtime(self.published_at or self.created_at).isoformat(),
            "hiringOrganization": organisation_data(site, absolute),
            "jobLocation": place,
            "directApply": True,
        }
        if self.signup_deadline:
            data["validThrough"] = self.signup_deadline.isoformat()
        if self.project_id:
            data["hiringOrganization"]["department"] = {
                "@type": "Project",
                "name": self.project.in_language("title"),
                "url": absolute(self.project.get_absolute_url()),
            }
        return data

    @property
    def has_date(self) -> bool:
        """A one-off date: only then is the opportunity an event in a calendar. (A regular
        opportunity's `starts_at` is just its first date.)"""
        return self.commitment == self.Commitment.ONCE and self.starts_at is not None

    @property
    def end(self):
        """The end, or two hours after the start when no end is given (None without date)."""
        if self.starts_at is None:
            return None
        return self.ends_at or self.starts_at + timedelta(hours=2)

    @property
    def is_past(self) -> bool:
        """A one-off date that is over (an opportunity without date never is)."""
        return self.has_date and self.end < timezone.now()

    def calendar_event(self):
        """The opportunity as a calendar event, None without a one-off date
        (`engagierte_stadt.ical.CalendarTarget`)."""
        if not self.has_date:
            return None
        from quartiere.calendar import opportunity_calendar_event  # it imports this module

        return opportunity_calendar_event(self)

    def clean(self):
        errors = self.address_errors()
        if self.project_id is None and self.quartier_id is None:
            errors["quartier"] = _("Choose a project or a district.")
        if self.commitment == self.Commitment.ONCE and not self.starts_at:
            errors["starts_at"] = _("A one-off opportunity needs a date.")
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("The end cannot be before the start.")
        unknown = set(self.weekdays or []) - set(self.Weekday.values)
        if unknown:
            errors["weekdays"] = _("Unknown weekday.")
        if errors:
            raise ValidationError(errors)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_schedule = instance._schedule()
        return instance

    def _schedule(self):
        return tuple(self.__dict__.get(name) for name in self.SCHEDULE_FIELDS)

    @property
    def suitability_labels(self) -> list[str]:
        return [
            self._meta.get_field(field).verbose_name
            for field in self.SUITABILITY_FIELDS.values()
            if getattr(self, field)
        ]

    @property
    def time_labels(self) -> list[str]:
        """The labels of the ticked times ("in the evenings" …); none means by arrangement."""
        return [
            self._meta.get_field(field).verbose_name
            for field in self.TIME_FIELDS.values()
            if getattr(self, field)
        ]

    @property
    def hours_per_date(self) -> float | None:
        """How long a one-off date takes, in hours (None for other offers or without end)."""
        if not self.has_date or self.ends_at is None:
            return None
        return round((self.ends_at - self.starts_at).total_seconds() / 3600, 1)

    @property
    def weekday_labels(self) -> list[str]:
        return [label for value, label in self.Weekday.choices if value in (self.weekdays or [])]

    @property
    def accepts_signups(self) -> bool:
        if not self.is_open:
            return False
        return not (self.signup_deadline and self.signup_deadline < timezone.localdate())

    def contact(self, site=None) -> Contact:
        """Who volunteers ask and who hears of their sign-ups, the first of:

        1. the opportunity's own contact person, if staff entered one;
        2. its project's contact person;
        3. its Quartier's contact person (`Quartier.contact`);
        4. the portal's contact (site settings).

        This is what the opportunity page showed before there was one rule, with the
        opportunity's own level in front. A level counts when it has a name, an address or a
        phone number, whether public or not: a contact person who keeps the address private
        still gets the mails, and the page then shows only what they made public (it does not
        name another level's person instead). The Quartier is the opportunity's, which is
        always the project's (see `save`) and loaded with it on every page.
        """
        if own := self.own_contact():
            return own
        if self.project_id is not None and (project_contact := self.project.own_contact()):
            return project_contact
        if self.quartier_id is not None:
            return self.quartier.contact(site)
        if self.project_id is not None:  # rows stored without `save()` (bulk_create)
            return self.project.quartier.contact(site)
        return site_contact(site)


class Signup(SignupBase):
    """A volunteer's sign-up for an opportunity (Anmeldung), through the shared engine."""

    TARGET_FIELD = "opportunity"
    ROUTES = "quartiere:signup"

    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("opportunity"),
        on_delete=models.CASCADE,
        related_name="signups",
    )

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["created_at", "pk"]
        constraints = [
            SignupBase.active_email_constraint("opportunity", "signup_one_active_per_email"),
        ]

    @classmethod
    def target_ended_q(cls, cutoff):
        """Sign-ups whose opportunity ended before `cutoff` (for the retention rule).

        A one-off date ends at its end (or start). A regular or flexible opportunity goes on
        after its first date, so it ends only when it is closed for sign-ups and unchanged
        since; its volunteers' data stays while they may still be helping.
        """
        once = models.Q(opportunity__commitment=Opportunity.Commitment.ONCE)
        ended_once = once & (
            models.Q(opportunity__ends_at__lt=cutoff)
            | models.Q(opportunity__ends_at__isnull=True, opportunity__starts_at__lt=cutoff)
        )
        ended_ongoing = ~once & models.Q(
            opportunity__is_open=False, opportunity__updated_at__lt=cutoff
        )
        return ended_once | ended_ongoing


# How long a subscription lives without any sign of life (confirming, opening its page).
ALERT_MAX_DAYS = 365


class AlertStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("not yet confirmed")
    CONFIRMED = "confirmed", _("active")
    CANCELLED = "cancelled", _("unsubscribed")
    EXPIRED = "expired", _("expired")


class AlertSubscriptionQuerySet(SubmissionQuerySet):
    def active(self):
        return self.not_purged().filter(status=AlertStatus.CONFIRMED)

    def due_for_purge(self, cutoff):
        """Unsubscribed before the cutoff, lapsed opt-ins, and subscriptions without a sign of
        life for `ALERT_MAX_DAYS` (measured from now: cutoff plus the retention)."""
        now = cutoff + timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)
        cancelled = models.Q(status=AlertStatus.CANCELLED, cancelled_at__lt=cutoff)
        silent = models.Q(last_activity_at__lt=now - timedelta(days=ALERT_MAX_DAYS))
        return self.not_purged().filter(cancelled | silent | self.lapsed_before(cutoff))

    def counts_by(self, field: str) -> list[tuple[str, int]]:
        """(name, number) of active subscriptions per Quartier or topic, most first."""
        rows = (
            self.active()
            .order_by()
            .values(f"{field}__name")
            .annotate(n=models.Count("pk"))
            .order_by("-n", f"{field}__name")
        )
        return [(row[f"{field}__name"], row["n"]) for row in rows]


class AlertSubscription(SubmissionBase):
    """ "Benachrichtigen Sie mich": a saved search for new offers (Benachrichtigung bei neuen
    Angeboten). Only an e-mail address is asked for; double opt-in, one-click unsubscribe and
    purge come from the submission engine. The search is kept as the list's query string
    (`?quartier=welper&topic=umwelt`), so a mail can link to the same list; the Quartier and
    topic are kept besides, for counts staff can act on (never addresses)."""

    class Frequency(models.TextChoices):
        IMMEDIATE = "sofort", _("as soon as there is something new")
        WEEKLY = "woechentlich", _("once a week at most")

    Status = AlertStatus
    PERSONAL_FIELDS = ("email",)
    ROUTES = "quartiere:alert"
    MAIL_PREFIX = "mail/alert"
    KIND_LABEL = _("Alert for new offers")

    query = models.CharField(_("search"), max_length=500, blank=True)
    quartier = models.ForeignKey(
        Quartier,
        verbose_name=_("district or neighbourhood"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("topic"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    frequency = models.CharField(
        _("how often"), max_length=12, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    status = models.CharField(
        _("status"), max_length=12, choices=AlertStatus.choices, default=AlertStatus.UNCONFIRMED
    )
    checked_until = models.DateTimeField(
        _("announced offers up to"), null=True, blank=True, editable=False
    )
    last_sent_at = models.DateTimeField(_("last mail sent at"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last sign of life"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)

    objects = AlertSubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert subscription")
        verbose_name_plural = _("alert subscriptions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["email", "query", "frequency"],
                condition=models.Q(status__in=["unconfirmed", "confirmed"]) & ~models.Q(email=""),
                name="alert_one_active_per_email_and_search",
            )
        ]

    def __str__(self):
        return self.describe() or str(_("all offers"))

    def describe(self) -> str:
        """The search in words: "Welper · Umwelt" (empty for all offers)."""
        from quartiere.filters import describe_query  # filters import this module

        return describe_query(self.query)

    @property
    def subject(self) -> str:
        return str(self)

    def subject_url(self) -> str:
        return self.list_path()

    def list_path(self) -> str:
        path = reverse("quartiere:opportunity_list")
        return f"{path}?{self.query}" if self.query else path

    @property
    def is_active(self) -> bool:
        return self.status == AlertStatus.CONFIRMED and not self.purged_at

    @property
    def is_weekly(self) -> bool:
        return self.frequency == self.Frequency.WEEKLY

    @property
    def can_cancel(self) -> bool:
        return self.status in (AlertStatus.UNCONFIRMED, AlertStatus.CONFIRMED)

    def cancel_submission(self) -> list:
        AlertSubscription.objects.filter(pk=self.pk).update(
            status=AlertStatus.CANCELLED, cancelled_at=timezone.now()
        )
        return []

    def export_fields(self) -> list[str]:
        return ["email", "query", "frequency"]


class QuartierAssignmentQuerySet(models.QuerySet):
    def current(self, now=None):
        """Assignments in force at `now`: open-ended ones and those whose date lies ahead.

        A delegation lapses by itself: from `valid_until` on it simply no longer counts.
        """
        now = now or timezone.now()
        return self.filter(models.Q(valid_until__isnull=True) | models.Q(valid_until__gt=now))

    def lapsed(self, now=None):
        return self.filter(valid_until__lte=now or timezone.now())

    def own(self):
        """Assignments given by Administration, not handed on by a colleague."""
        return self.filter(delegated_by__isnull=True)

    def covered_quartier_ids(self) -> frozenset[int] | None:
        """The Quartiere these assignments cover: the assigned ones and everything inside
        them (a Stadtteil's assignment covers its Quartiere). None when one of them is for
        the whole town. Two queries: a town has tens of Quartiere, not thousands."""
        assigned = set(self.values_list("quartier_id", flat=True))
        if None in assigned:
            return None
        if not assigned:
            return frozenset()
        children: dict[int, list[int]] = {}
        for pk, parent_id in Quartier.objects.filter(parent__isnull=False).values_list(
            "pk", "parent_id"
        ):
            children.setdefault(parent_id, []).append(pk)
        covered, frontier = set(assigned), list(assigned)
        while frontier:
            for child in children.get(frontier.pop(), ()):
                if child not in covered:
                    covered.add(child)
                    frontier.append(child)
        return frozenset(covered)


class QuartierAssignment(models.Model):
    """An editor's responsibility for a Quartier (Quartiersentwicklung).

    The admin shows such an editor only the projects, opportunities, sign-ups, conferences,
    meetings, registrations and wishes of the Quartiere they are assigned to (see
    `engagierte_stadt.admin_scope`). A row with `delegated_by` is a Vertretung: a colleague
    handed their rights on until `valid_until`.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("editor"),
        on_delete=models.CASCADE,
        related_name="quartier_assignments",
        help_text=_("The staff member who works on this district."),
    )
    quartier = models.ForeignKey(
        Quartier,
        verbose_name=_("district or neighbourhood"),
        on_delete=models.CASCADE,
        related_name="assignments",
        null=True,
        blank=True,
        help_text=_(
            "A district's assignment covers the neighbourhoods inside it. Empty: the whole "
            "town, all districts (for example the volunteering office)."
        ),
    )
    valid_until = models.DateTimeField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("Empty: without end. From this moment on the rights lapse by themselves."),
    )
    delegated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed on by"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="quartier_delegations",
        help_text=_("Filled in for a Vertretung: who handed on their rights."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    lapse_logged_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = QuartierAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("district assignment")
        verbose_name_plural = _("district assignments")
        ordering = ["quartier__name", "user__username", "pk"]
        permissions = [
            ("work_in_all_quartiere", _("May work on the content of all districts")),
        ]

    def __str__(self):
        text = _("%(user)s for %(quartier)s") % {
            "user": self.user.get_username(),
            "quartier": self.quartier.name if self.quartier_id else _("the whole town"),
        }
        if self.valid_until:
            until = timezone.localtime(self.valid_until).strftime("%d.%m.%Y %H:%M")
            text = _("%(text)s until %(until)s") % {"text": text, "until": until}
        return str(text)

    def is_current(self, now=None) -> bool:
        return self.valid_until is None or self.valid_until > (now or timezone.now())


# The prefetches behind a project card (`ProjectQuerySet.card_prefetches()`), made once.
# An offer page's skills, run as a query compiled once (engagierte_stadt.prepared).
_OPPORTUNITY_SKILLS = PreparedPrefetch("skills")
# A project's pictures as `project.gallery`, in their order.
_PROJECT_GALLERY = PreparedPrefetch(
    "images", queryset=ProjectImage.objects.order_by("position", "pk"), to_attr="gallery"
)
_PROJECT_CARD_PREFETCHES = [
    # A topic's name and address; its description is for the topic filter only.
    PreparedPrefetch("topics", queryset=Topic.objects.only("name", "slug")),
    _PROJECT_GALLERY,
]
