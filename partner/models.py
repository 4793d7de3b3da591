"""The partner network: organisations and businesses, their roles in projects, applications to
join ("Partner werden"), and the national network of Engagierte Städte."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engagierte_stadt.images import CleanImageField
from engagierte_stadt.models import PublicContactMixin
from engagierte_stadt.prepared import PreparedPrefetch
from engagierte_stadt.search import SearchableModel
from engagierte_stadt.sharing import ShareableMixin, organisation_data
from engagierte_stadt.submissions.submission import SubmissionBase, SubmissionQuerySet
from engagierte_stadt.translations import TranslatableMixin, english_version
from engagierte_stadt.urlwords import PublicAddressMixin
from quartiere.models import Opportunity, Project, Quartier

# Logos are fitted into this box (width × height, never enlarged), so the directory stays calm.
LOGO_BOX = (600, 300)


class PartnerKind(models.TextChoices):
    ASSOCIATION = "verein", _("association")
    INITIATIVE = "initiative", _("initiative")
    INSTITUTION = "institution", _("institution")
    FEDERATION = "verband", _("federation")
    FOUNDATION = "stiftung", _("foundation")
    BUSINESS = "unternehmen", _("business")
    HOUSING = "wohnungswirtschaft", _("housing company")
    ADMINISTRATION = "verwaltung", _("public administration")


# The kinds that count as business (Wirtschaft) on the page "Für Unternehmen".
BUSINESS_KINDS = (PartnerKind.BUSINESS, PartnerKind.HOUSING)


class PartnerQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def businesses(self):
        return self.filter(kind__in=BUSINESS_KINDS)

    def active_in_quartier(self, quartier):
        """Partners active in the Quartier or in a Quartier inside it (no duplicate rows)."""
        links = Partner.quartiere.through.objects.filter(
            models.Q(quartier=quartier) | models.Q(quartier__parent=quartier)
        )
        return self.filter(pk__in=links.values("partner_id"))

    def active_in_quartier_slug(self, slug):
        """`active_in_quartier()` by the Quartier's address, as a filter link carries it."""
        links = Partner.quartiere.through.objects.filter(
            models.Q(quartier__slug=slug) | models.Q(quartier__parent__slug=slug)
        )
        return self.filter(pk__in=links.values("partner_id"))

    def directory_order(self):
        """Cooperation partners of the Engagierte Stadt first, then A–Z."""
        return self.order_by("-is_cooperation_partner", Lower("name"), "pk")

    # The columns a partner card reads: name, address, kind, logo, teaser, the cooperation
    # badge. Not the description, contact, address nor the search index (issue #17).
    CARD_FIELDS = (
        "name",
        "slug",
        "kind",
        "logo",
        "logo_width",
        "logo_height",
        "teaser",
        "teaser_en",
        "is_cooperation_partner",
    )

    def card_columns(self):
        """Only the columns of a partner card (a card without its Quartiere)."""
        return self.only(*self.CARD_FIELDS)

    def for_cards(self):
        """What a partner card shows: the Quartiere where it is active, in one more query."""
        return self.card_columns().prefetch_related(_PARTNER_CARD_QUARTIERE)


class Partner(
    TranslatableMixin, ShareableMixin, PublicContactMixin, PublicAddressMixin, SearchableModel
):
    """An organisation in the network: association, institution, business, …"""

    Kind = PartnerKind
    DETAIL_ROUTE = "partner:detail"
    contact_source_label = _("partner “%(title)s”")

    TRANSLATED_FIELDS = ("teaser", "description")

    name = models.CharField(
        _("name"), max_length=200, help_text=_("The organisation's name as it wants to be written.")
    )
    slug = models.SlugField(
        _("address"),
        max_length=150,
        unique=True,
        help_text=_("Part of the web address: /partner/<address>/. Printed on flyers: keep it."),
    )
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=PartnerKind.choices,
        help_text=_("E.g. association, business, church: the directory can be filtered by it."),
    )
    logo = CleanImageField(
        _("logo"),
        upload_to="partner/",
        blank=True,
        renditions=False,
        box=LOGO_BOX,
        width_field="logo_width",
        height_field="logo_height",
        help_text=_(
            "PNG (ideally with a transparent background), JPEG or WebP. Large logos are "
            "scaled down to fit 600 × 300 pixels."
        ),
    )
    logo_width = models.PositiveIntegerField(editable=False, null=True)
    logo_height = models.PositiveIntegerField(editable=False, null=True)
    teaser = models.CharField(
        _("short description"),
        max_length=300,
        help_text=_("One or two sentences for the directory."),
    )
    teaser_en = english_version(teaser)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown is allowed.")
    )
    description_en = english_version(description, markdown=True)
    website = models.URLField(
        _("website"),
        blank=True,
        help_text=_("The full address of their own website, e.g. https://www.example.org."),
    )
    contact_name = models.CharField(
        _("contact person"),
        max_length=150,
        blank=True,
        help_text=_("The person at the organisation; shown only if ticked below."),
    )
    contact_role = models.CharField(
        _("contact role"),
        max_length=150,
        blank=True,
        help_text=_("Their role, e.g. “Quartiersmanagerin”. Shown after the name."),
    )
    contact_email = models.EmailField(
        _("contact e-mail"), blank=True, help_text=_("Shown only if ticked below.")
    )
    contact_phone = models.CharField(
        _("contact phone"),
        max_length=50,
        blank=True,
        help_text=_("With the area code, e.g. 02324 204-0."),
    )
    # Nothing personal is public unless staff tick it (an accepted application starts private).
    show_contact_name = models.BooleanField(
        _("show name publicly"),
        default=False,
        help_text=_("Tick to show the name on the public page."),
    )
    show_contact_email = models.BooleanField(
        _("show e-mail publicly"),
        default=False,
        help_text=_("Tick to show the e-mail address on the public page."),
    )
    show_contact_phone = models.BooleanField(
        _("show phone publicly"),
        default=False,
        help_text=_("Tick to show the phone number on the public page."),
    )
    street = models.CharField(
        _("street and number"), max_length=200, blank=True, help_text=_("Street and house number.")
    )
    postcode = models.CharField(
        _("postcode"), max_length=10, blank=True, help_text=_("Five digits, e.g. 45525.")
    )
    city = models.CharField(
        _("town"), max_length=100, blank=True, help_text=_("The town, e.g. Hattingen.")
    )
    quartiere = models.ManyToManyField(
        Quartier,
        verbose_name=_("active in"),
        blank=True,
        related_name="partners",
        help_text=_("The districts and neighbourhoods where the partner is active."),
    )
    is_cooperation_partner = models.BooleanField(
        _("cooperation partner of the Engagierte Stadt"),
        default=False,
        help_text=_("Tick for the cooperation partners named on the programme page."),
    )
    cooperation_since = models.DateField(
        _("cooperation partner since"), null=True, blank=True, help_text=_("Optional: since when.")
    )
    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Only published partners appear in the directory."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cooperation_since__isnull=True)
                | models.Q(is_cooperation_partner=True),
                name="partner_cooperation_since_needs_cooperation",
            )
        ]
        indexes = [
            # `published().directory_order()`: the directory's pages and the home page's
            # partners are the first entries of this index, not a sort of every partner.
            models.Index(
                models.F("is_cooperation_partner").desc(),
                Lower("name"),
                models.F("id"),
                name="partner_directory_order",
                condition=models.Q(is_published=True),
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = self.address_errors()
        if self.cooperation_since and not self.is_cooperation_partner:
            errors["cooperation_since"] = _(
                "Only a cooperation partner has a date since when it is one. Tick "
                "“cooperation partner” or leave the date empty."
            )
        if errors:
            raise ValidationError(errors)

    SEARCH_KIND = "partner"
    SEARCH_LABEL = _("Partners")
    SEARCH_ORDER = 50
    SEARCH_TITLE_FIELD = "name"

    @classmethod
    def search_queryset(cls):
        return cls.objects.published()

    def search_texts(self):
        return {"A": [self.name], "B": [self.teaser, self.city], "C": [self.description]}

    @property
    def logo_alt(self) -> str:
        return _("Logo %(name)s") % {"name": self.name}

    @property
    def has_address(self) -> bool:
        return bool(self.street or self.postcode or self.city)

    def share_description(self) -> str:
        return self.in_language("teaser")

    def share_picture(self):
        return self.logo or None

    def share_picture_alt(self) -> str:
        return self.logo_alt

    def structured_data(self, *, site, absolute) -> dict:
        """schema.org Organization, with what the partner's page shows (its published
        contact only)."""
        data = {
            "@context": "https://schema.org",
            "@type": "Organization",
            "name": self.name,
            "description": self.in_language("teaser"),
            "url": absolute(self.get_absolute_url()),
            "memberOf": organisation_data(site, absolute),
        }
        if self.website:
            data["sameAs"] = [self.website]
        if self.logo:
            data["logo"] = absolute(self.logo.url)
        if self.has_address:
            data["address"] = {
                "@type": "PostalAddress",
                "streetAddress": self.street,
                "postalCode": self.postcode,
                "addressLocality": self.city,
                "addressCountry": "DE",
            }
        public = self.public_contact
        if public["email"]:
            data["email"] = public["email"]
        if public["phone"]:
            data["telephone"] = public["phone"]
        return data


class ProjectRole(models.TextChoices):
    RESPONSIBLE = "traeger", _("responsible body")
    COOPERATION = "kooperationspartner", _("cooperation partner")
    FUNDER = "foerderer", _("funder")
    SUPPORTER = "unterstuetzer", _("supporter")


ROLE_ORDER = list(ProjectRole.values)


class ProjectPartnerQuerySet(models.QuerySet):
    def by_role(self):
        """Responsible body first, then cooperation partners, funders, supporters."""
        rank = models.Case(
            *[models.When(role=role, then=models.Value(n)) for n, role in enumerate(ROLE_ORDER)],
            default=models.Value(len(ROLE_ORDER)),
            output_field=models.IntegerField(),
        )
        return self.annotate(role_rank=rank).order_by("role_rank", Lower("partner__name"), "pk")


class ProjectPartner(models.Model):
    """The role a partner plays in a project (Träger, Kooperationspartner, …)."""

    Role = ProjectRole

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="partner_roles",
        help_text=_("The project the organisation takes part in."),
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="project_roles"
    )
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=ProjectRole.choices,
        help_text=_("E.g. “Träger”, “Unterstützer”, “Raumgeber”."),
    )

    objects = ProjectPartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("role in a project")
        verbose_name_plural = _("roles in projects")
        ordering = ["project__title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "partner"], name="partner_one_role_per_project"
            )
        ]

    def __str__(self):
        return f"{self.partner} – {self.get_role_display()} – {self.project}"


# --- the national network ----------------------------------------------------------------


class ProgrammeSupporter(models.Model):
    """A body that carries the national programme "Engagierte Stadt"."""

    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_("E.g. the name of a foundation supporting the programme."),
    )
    website = models.URLField(
        _("website"),
        blank=True,
        help_text=_("The full address of their own website, e.g. https://www.example.org."),
    )
    note = models.CharField(
        _("note"),
        max_length=300,
        blank=True,
        help_text=_("Optional: what it contributes to the programme."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Smaller numbers come first.")
    )

    class Meta:
        verbose_name = _("programme supporter")
        verbose_name_plural = _("programme supporters")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class NetworkCity(models.Model):
    """Another Engagierte Stadt, or the partner city Hattingen exchanges with."""

    name = models.CharField(
        _("name"), max_length=150, help_text=_("The town in the national network Engagierte Stadt.")
    )
    state = models.CharField(
        _("federal state"),
        max_length=100,
        blank=True,
        help_text=_("The federal state, e.g. Nordrhein-Westfalen."),
    )
    website = models.URLField(
        _("website"),
        blank=True,
        help_text=_("The full address of their own website, e.g. https://www.example.org."),
    )
    is_partner_city = models.BooleanField(
        _("partner city"), default=False, help_text=_("Tick for the partner city of the exchange.")
    )
    note = models.TextField(
        _("note"), blank=True, help_text=_("Optional: what connects us with this town.")
    )

    class Meta:
        verbose_name = _("city in the network")
        verbose_name_plural = _("cities in the network")
        ordering = ["-is_partner_city", "name"]

    def __str__(self):
        return self.name


class ExchangeTopic(models.Model):
    """A topic the town exchanges about with the network and its partner city."""

    title = models.CharField(
        _("title"), max_length=200, help_text=_("A topic for the exchange with the partner city.")
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("A few sentences on what the exchange is about.")
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Smaller numbers come first.")
    )

    class Meta:
        verbose_name = _("topic of exchange")
        verbose_name_plural = _("topics of exchange")
        ordering = ["position", "title"]

    def __str__(self):
        return self.title


# --- applications ("Partner werden") -------------------------------------------------------


class ApplicationStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("not yet confirmed")
    EXPIRED = "expired", _("expired")
    NEW = "new", _("new")
    IN_REVIEW = "in_review", _("in review")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")


# Confirmed by the applicant, waiting for a decision.
PENDING_STATUSES = (ApplicationStatus.NEW, ApplicationStatus.IN_REVIEW)
# Finished: the retention period runs from `decided_at`.
DECIDED_STATUSES = (
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.REJECTED,
    ApplicationStatus.WITHDRAWN,
)
LAPSED_STATUSES = (ApplicationStatus.UNCONFIRMED, ApplicationStatus.EXPIRED)


class PartnerApplicationQuerySet(SubmissionQuerySet):
    def confirmed(self):
        """Applications the applicant confirmed by the mail link (the ones staff review)."""
        return self.exclude(status__in=LAPSED_STATUSES)

    def pending(self):
        return self.filter(status__in=PENDING_STATUSES)

    def due_for_purge(self, cutoff):
        """Applications whose personal data is due for deletion and still there.

        Due are those decided (accepted, rejected, withdrawn) before `cutoff`, and unconfirmed
        or expired ones whose link ran out before it. Pending ones wait for their decision.
        """
        decided = models.Q(status__in=DECIDED_STATUSES, decided_at__lt=cutoff)
        return self.not_purged().filter(decided | self.lapsed_before(cutoff))

    def for_personal_page(self):
        return self.prefetch_related("quartiere")


class PartnerApplication(SubmissionBase):
    """An organisation's application to join the network, with the minimum of personal data.

    On the submission engine: stored unconfirmed with a personal link, double opt-in, expiry
    and purge like every other entry of personal data; staff see it once the applicant has
    confirmed ("new"). Decisions go through `partner.services`; the contact person's details
    and the free text are deleted a retention period after the decision. The organisation's
    name stays.
    """

    Status = ApplicationStatus
    PERSONAL_FIELDS = ("contact_name", "email", "phone", "offer")
    ROUTES = "partner:application"
    KIND_LABEL = _("Application to become a partner")
    MAIL_PREFIX = "mail/partner_application"
    CONFIRMED_STATUS = ApplicationStatus.NEW

    organisation = models.CharField(_("organisation"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    website = models.URLField(_("website"), blank=True)
    offer = models.TextField(_("what the organisation offers"), blank=True)
    quartiere = models.ManyToManyField(
        Quartier,
        verbose_name=_("active in"),
        blank=True,
        related_name="partner_applications",
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.UNCONFIRMED,
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner created from it"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
    )
    review_started_at = models.DateTimeField(_("review started at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = PartnerApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner application")
        verbose_name_plural = _("partner applications")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.organisation

    @property
    def is_open(self) -> bool:
        """Not yet decided: unconfirmed, new or in review."""
        return self.status in (ApplicationStatus.UNCONFIRMED, *PENDING_STATUSES)

    # One question per status, so that templates need not know the stored values.

    @property
    def is_new(self) -> bool:
        """Confirmed by the applicant, not yet looked at."""
        return self.status == ApplicationStatus.NEW

    @property
    def is_in_review(self) -> bool:
        return self.status == ApplicationStatus.IN_REVIEW

    @property
    def is_accepted(self) -> bool:
        return self.status == ApplicationStatus.ACCEPTED

    @property
    def is_rejected(self) -> bool:
        return self.status == ApplicationStatus.REJECTED

    @property
    def is_withdrawn(self) -> bool:
        return self.status == ApplicationStatus.WITHDRAWN

    @property
    def is_expired(self) -> bool:
        """Marked expired by the daily run; `link_expired` is true already before that."""
        return self.status == ApplicationStatus.EXPIRED

    # -- the submission contract -----------------------------------------------------------

    @property
    def subject(self) -> str:
        return self.organisation

    @property
    def can_cancel(self) -> bool:
        return self.is_open and not self.purged_at

    def cancel_submission(self) -> list:
        """Withdraw the application (the applicant asked)."""
        PartnerApplication.objects.filter(pk=self.pk).update(
            status=ApplicationStatus.WITHDRAWN, decided_at=timezone.now()
        )
        return []

    def erase_submission(self) -> None:
        """Delete the applicant's data; an open application is withdrawn. The organisation's
        name stays for the record; a partner already made from it stays as it is."""
        if self.is_open:
            self.cancel_submission()
        super().erase_submission()

    def export_fields(self) -> list[str]:
        return [
            "organisation",
            "kind",
            "contact_name",
            "email",
            "phone",
            "website",
            "offer",
            "quartiere",
        ]


# --- partner organisations as editors of their own opportunities ---------------------------

# A partner's own opportunities: those of the projects it is the responsible body (Träger) of.
OWN_OPPORTUNITY_ROLES = (ProjectRole.RESPONSIBLE,)


class PartnerAssignmentQuerySet(models.QuerySet):
    def partners_opportunities(self):
        """The opportunities of the projects the assigned partners are responsible for."""
        return Opportunity.objects.filter(
            project__partner_roles__partner__in=self.values("partner_id"),
            project__partner_roles__role__in=OWN_OPPORTUNITY_ROLES,
        )

    def opportunity_ids(self) -> frozenset[int]:
        """Ids of `partners_opportunities()`, in one query (see `admin_scope`)."""
        return frozenset(self.partners_opportunities().values_list("pk", flat=True))


class PartnerAssignment(models.Model):
    """A staff account of a partner organisation's contact person, made an editor of exactly
    the partner's own opportunities (`OWN_OPPORTUNITY_ROLES`) and their sign-ups.

    The admin shows them nothing else (`engagierte_stadt.admin_scope`): not the other offers
    of the same Quartier, no projects, conferences or other personal data. Give the account
    the role "Partnerorganisation" for the permissions.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact person's account"),
        on_delete=models.CASCADE,
        related_name="partner_assignments",
        help_text=_(
            "A staff account with the role “Partnerorganisation”; like every staff account it "
            "logs in with a second factor."
        ),
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="assignments",
        help_text=_(
            "The account works on the opportunities of the projects this partner is the "
            "responsible body of, and on their sign-ups."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PartnerAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner assignment")
        verbose_name_plural = _("partner assignments")
        ordering = ["partner__name", "user__username", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "partner"], name="partner_assignment_once")
        ]

    def __str__(self):
        return str(
            _("%(user)s for %(partner)s")
            % {"user": self.user.get_username(), "partner": self.partner.name}
        )


# The Quartiere of a partner card, made once: a prepared list query runs it as a query
# compiled once (engagierte_stadt.prepared.PreparedPrefetch).
_PARTNER_CARD_QUARTIERE = PreparedPrefetch(
    "quartiere", queryset=Quartier.objects.order_by("name").only("name")
)
