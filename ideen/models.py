"""Ideas for my district (Ideen für mein Quartier): citizens propose, staff moderate.

Its own app above `quartiere` (and later `konferenzen`): an idea belongs to a Quartier and,
once it reaches the agenda, to a meeting of that Stadtteil's conference, and `quartiere` may
import neither. The proposer's data stands on the submission engine (double opt-in, personal
link, personal page, purge); the idea's public life is its status, each change recorded in
`IdeaStatusChange` with plain words the public reads.
"""

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engagierte_stadt.images import CleanImageField
from engagierte_stadt.search import SearchableModel
from engagierte_stadt.submissions.submission import SubmissionBase, SubmissionQuerySet
from konferenzen.models import AgendaItem, Conference, Decision
from quartiere.models import InQuartierQuerySetMixin, Project, Quartier, Topic


class IdeaStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("not yet confirmed")
    EXPIRED = "expired", _("expired")
    NEW = "new", _("new, waiting for moderation")
    PUBLISHED = "published", _("published")
    AGENDA = "agenda", _("on the agenda")
    TAKEN_UP = "taken_up", _("taken up")
    NOT_TAKEN_UP = "not_taken_up", _("not taken up")
    HIDDEN = "hidden", _("hidden")


# What the public may see: moderated and not hidden.
PUBLIC_STATUSES = (
    IdeaStatus.PUBLISHED,
    IdeaStatus.AGENDA,
    IdeaStatus.TAKEN_UP,
    IdeaStatus.NOT_TAKEN_UP,
)
# The end of an idea's way: the retention of the proposer's data runs from `decided_at`.
FINAL_STATUSES = (IdeaStatus.TAKEN_UP, IdeaStatus.NOT_TAKEN_UP, IdeaStatus.HIDDEN)
LAPSED_STATUSES = (IdeaStatus.UNCONFIRMED, IdeaStatus.EXPIRED)
# These steps need a reason, which the proposer reads (and, except for hiding, the public).
NEEDS_REASON = (IdeaStatus.NOT_TAKEN_UP, IdeaStatus.HIDDEN)

# Which step may follow which. Moderation starts at "new" (the proposer confirmed).
TRANSITIONS = {
    IdeaStatus.NEW: (IdeaStatus.PUBLISHED, IdeaStatus.HIDDEN),
    IdeaStatus.PUBLISHED: (
        IdeaStatus.AGENDA,
        IdeaStatus.TAKEN_UP,
        IdeaStatus.NOT_TAKEN_UP,
        IdeaStatus.HIDDEN,
    ),
    IdeaStatus.AGENDA: (IdeaStatus.TAKEN_UP, IdeaStatus.NOT_TAKEN_UP, IdeaStatus.HIDDEN),
    IdeaStatus.TAKEN_UP: (IdeaStatus.HIDDEN,),
    IdeaStatus.NOT_TAKEN_UP: (IdeaStatus.HIDDEN,),
    IdeaStatus.HIDDEN: (IdeaStatus.PUBLISHED,),
}

# The plain words of each step, as the idea page and the mails say them.
HISTORY_WORDS = {
    IdeaStatus.PUBLISHED: _("The idea was checked and published."),
    IdeaStatus.AGENDA: _("The idea is on the agenda of the district conference."),
    IdeaStatus.TAKEN_UP: _("The idea has been taken up as a project."),
    IdeaStatus.NOT_TAKEN_UP: _("The idea has not been taken up."),
    IdeaStatus.HIDDEN: _("The idea has been hidden by the editorial team."),
}


class IdeaQuerySet(InQuartierQuerySetMixin, SubmissionQuerySet):
    def public(self):
        """Ideas anyone may see: moderated, not hidden."""
        return self.filter(status__in=PUBLIC_STATUSES)

    def awaiting_moderation(self):
        return self.filter(status=IdeaStatus.NEW)

    def confirmed(self):
        """Ideas their proposer confirmed (the ones staff moderate)."""
        return self.exclude(status__in=LAPSED_STATUSES)

    def latest_first(self):
        return self.order_by("-published_at", "-pk")

    def annotate_backers(self):
        """`backer_count`: how many confirmed "Ich mache mit" (never who), in the same query."""
        return self.annotate(
            backer_count=models.Count(
                "backers", filter=models.Q(backers__status=BackerStatus.CONFIRMED)
            )
        )

    # The columns an idea card reads: title, text, picture, status, the names of its
    # Quartier and topic. Not the proposer's data nor the search index: a list would compile,
    # fetch and build them into every row for nothing (issue #17).
    CARD_FIELDS = (
        "quartier",
        "topic",
        "title",
        "description",
        "picture",
        "picture_width",
        "picture_height",
        "picture_alt",
        "status",
        "quartier__name",
        "topic__name",
    )

    def for_cards(self):
        """What an idea card shows: its Quartier and topic, joined (no query per card)."""
        return self.select_related("quartier", "topic").only(*self.CARD_FIELDS)

    def for_detail(self):
        """The idea page: Quartier (with its Stadtteil), topic, the number of confirmed
        backers and the public history."""
        return (
            self.annotate_backers()
            .select_related(
                "quartier__parent", "topic", "agenda_item__meeting__conference", "project"
            )
            .prefetch_related(
                models.Prefetch(
                    "changes",
                    queryset=IdeaStatusChange.objects.filter(public=True).order_by(
                        "created_at", "pk"
                    ),
                    to_attr="public_history",
                )
            )
        )

    def due_for_purge(self, cutoff):
        """Proposers' data due for deletion: ideas that reached their end (taken up, not
        taken up, hidden) before `cutoff`, and lapsed opt-ins. Ideas on their way keep the
        address, so the proposer hears of each step."""
        decided = models.Q(status__in=FINAL_STATUSES, decided_at__lt=cutoff)
        return self.not_purged().filter(decided | self.lapsed_before(cutoff))


class Idea(SubmissionBase, SearchableModel):
    """An idea for a Stadtteil or Quartier, proposed by a citizen (see the module docstring)."""

    Status = IdeaStatus
    PERSONAL_FIELDS = ("email", "name", "show_name")
    ROUTES = "ideen:idea"
    MAIL_PREFIX = "mail/idea"
    KIND_LABEL = _("Idea for my district")
    CONFIRMED_STATUS = IdeaStatus.NEW

    quartier = models.ForeignKey(
        Quartier,
        verbose_name=_("district or neighbourhood"),
        on_delete=models.PROTECT,
        related_name="ideas",
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("topic"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
    )
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("what and where"))
    helpers = models.TextField(_("who could help"), blank=True)
    would_help = models.BooleanField(_("would help to make it happen"), default=False)
    name = models.CharField(_("name"), max_length=150, blank=True)
    show_name = models.BooleanField(_("show the name with the idea"), default=False)
    picture = CleanImageField(
        _("picture"),
        upload_to="ideen/",
        blank=True,
        width_field="picture_width",
        height_field="picture_height",
    )
    picture_width = models.PositiveIntegerField(editable=False, null=True)
    picture_height = models.PositiveIntegerField(editable=False, null=True)
    picture_alt = models.CharField(_("what the picture shows"), max_length=250, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=IdeaStatus.choices, default=IdeaStatus.UNCONFIRMED
    )
    reason = models.TextField(
        _("public reason"),
        blank=True,
        help_text=_("Why it was not taken up or hidden, in the words the proposer reads."),
    )
    # Where the idea went: the agenda item of the meeting it was put on ("Auf die
    # Tagesordnung") and the project it became ("Als Projekt übernehmen"). The links live on
    # this side: `konferenzen` and `quartiere` import nothing of the ideas.
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
        editable=False,
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
        editable=False,
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IdeaQuerySet.as_manager()

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="idea_public_order"),
            # `public().latest_first()` (a Quartier's newest ideas): several statuses, so
            # the index above gives no single order; this one does.
            models.Index(
                models.F("published_at").desc(),
                models.F("id").desc(),
                name="idea_public_latest",
                condition=models.Q(status__in=PUBLIC_STATUSES),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("ideen:detail", kwargs={"pk": self.pk})

    # -- status questions (templates ask these, never compare values) ------------------------

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def is_waiting(self) -> bool:
        """Confirmed, not yet moderated."""
        return self.status == IdeaStatus.NEW

    @property
    def is_on_agenda(self) -> bool:
        return self.status == IdeaStatus.AGENDA

    @property
    def is_taken_up(self) -> bool:
        return self.status == IdeaStatus.TAKEN_UP

    @property
    def is_not_taken_up(self) -> bool:
        return self.status == IdeaStatus.NOT_TAKEN_UP

    @property
    def is_hidden(self) -> bool:
        return self.status == IdeaStatus.HIDDEN

    @property
    def accepts_backers(self) -> bool:
        """ "Ich mache mit" is open while the idea is on its way (published, on the agenda)."""
        return self.status in (IdeaStatus.PUBLISHED, IdeaStatus.AGENDA)

    @property
    def shows_reason(self) -> bool:
        """The latest reason belongs on the public page (never the reason for hiding)."""
        return self.is_public and bool(self.reason)

    @property
    def meeting(self):
        """The meeting whose agenda carries the idea, or None."""
        return self.agenda_item.meeting if self.agenda_item_id else None

    def decisions(self) -> list:
        """What the conference decided on the idea's agenda item, once its minutes are
        published (one query; none without an agenda item)."""
        meeting = self.meeting
        if meeting is None or not meeting.minutes_published:
            return []
        return list(Decision.objects.filter(agenda_item_id=self.agenda_item_id))

    @property
    def public_project(self):
        """The project the idea became, once that project is published."""
        if self.project_id and self.project.is_published:
            return self.project
        return None

    def has_conference(self) -> bool:
        """Whether an active conference covers the idea's Stadtteil (one query)."""
        return Conference.objects.covering(self.quartier).exists()

    def next_statuses(self) -> tuple:
        return TRANSITIONS.get(self.status, ())

    @property
    def proposer_label(self) -> str:
        """Who proposed it, as the public page says: the name only if they chose so."""
        if self.show_name and self.name and not self.purged_at:
            return self.name
        return ""

    # -- search (published ideas only) ------------------------------------------------------

    SEARCH_KIND = "ideen"
    SEARCH_LABEL = _("Ideas")
    SEARCH_ORDER = 35
    # A hit shows title, Quartier and text: the proposer's data and the tokens stay unread.
    SEARCH_DEFER = (
        *PERSONAL_FIELDS,
        "consent_at",
        "token_hash",
        "link_key",
        "code_hash",
        "code_tries",
    )

    @classmethod
    def search_queryset(cls):
        return cls.objects.public().select_related("quartier")

    def search_texts(self):
        return {"A": [self.title], "B": [self.quartier.name], "C": [self.description]}

    # -- the submission contract ------------------------------------------------------------

    @property
    def subject(self) -> str:
        return self.title

    def subject_url(self) -> str | None:
        return self.get_absolute_url() if self.is_public else None

    def export_fields(self) -> list[str]:
        return [
            "quartier",
            "topic",
            "title",
            "description",
            "helpers",
            "would_help",
            "name",
            "show_name",
            "email",
        ]


class IdeaStatusChange(models.Model):
    """One step in an idea's history: its new status, when, and the reason given."""

    idea = models.ForeignKey(
        Idea, verbose_name=_("idea"), on_delete=models.CASCADE, related_name="changes"
    )
    status = models.CharField(_("status"), max_length=12, choices=IdeaStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    # Hiding is between staff and proposer: never on the public page.
    public = models.BooleanField(_("shown publicly"), default=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status history")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_status_display()} ({self.created_at:%d.%m.%Y})"

    @property
    def words(self) -> str:
        """The step in plain words."""
        return str(HISTORY_WORDS.get(self.status, self.get_status_display()))

    @property
    def shows_reason(self) -> bool:
        return bool(self.reason)


class BackerStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("not yet confirmed")
    CONFIRMED = "confirmed", _("confirmed")
    CANCELLED = "cancelled", _("withdrawn")
    EXPIRED = "expired", _("expired")


class IdeaBackerQuerySet(SubmissionQuerySet):
    def confirmed(self):
        return self.filter(status=BackerStatus.CONFIRMED)

    def due_for_purge(self, cutoff):
        """Backers' addresses due for deletion: withdrawn before `cutoff`, backers of an idea
        that reached its end before `cutoff`, and lapsed opt-ins."""
        cancelled = models.Q(status=BackerStatus.CANCELLED, cancelled_at__lt=cutoff)
        ended = models.Q(idea__status__in=FINAL_STATUSES, idea__decided_at__lt=cutoff)
        return self.not_purged().filter(cancelled | ended | self.lapsed_before(cutoff))

    def for_personal_page(self):
        return self.select_related("idea")


class IdeaBacker(SubmissionBase):
    """ "Ich mache mit": someone who would help with a published idea. Only an e-mail address;
    the idea shows how many confirmed backers it has, never who. When the idea is taken up,
    each confirmed backer gets one mail."""

    Status = BackerStatus
    PERSONAL_FIELDS = ("email",)
    ROUTES = "ideen:backer"
    MAIL_PREFIX = "mail/idea_backer"
    KIND_LABEL = _("“I'm in” for an idea")

    idea = models.ForeignKey(
        Idea, verbose_name=_("idea"), on_delete=models.CASCADE, related_name="backers"
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=BackerStatus.choices,
        default=BackerStatus.UNCONFIRMED,
    )
    cancelled_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    told_taken_up_at = models.DateTimeField(
        _("told that it was taken up at"), null=True, blank=True
    )

    objects = IdeaBackerQuerySet.as_manager()

    class Meta:
        verbose_name = _("backer of an idea")
        verbose_name_plural = _("backers of ideas")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["idea", "email"],
                condition=models.Q(status__in=["unconfirmed", "confirmed"]) & ~models.Q(email=""),
                name="idea_one_active_backer_per_email",
            )
        ]

    def __str__(self):
        return str(self.idea)

    @property
    def subject(self) -> str:
        return self.idea.title

    def subject_url(self) -> str | None:
        return self.idea.get_absolute_url() if self.idea.is_public else None

    @property
    def is_confirmed(self) -> bool:
        return self.status == BackerStatus.CONFIRMED

    @property
    def can_cancel(self) -> bool:
        return self.status in (BackerStatus.UNCONFIRMED, BackerStatus.CONFIRMED)

    def cancel_submission(self) -> list:
        IdeaBacker.objects.filter(pk=self.pk).update(
            status=BackerStatus.CANCELLED, cancelled_at=timezone.now()
        )
        return []

    def export_fields(self) -> list[str]:
        return ["email"]
