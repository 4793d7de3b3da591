"""Site-wide content: site settings, editable pages, news articles, accessibility feedback;
staff members' recovery codes for the second factor."""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin
from django_otp.plugins.otp_totp.models import TOTPDevice

from engagierte_stadt.images import LOGO_SPEC_ID, CleanImageField, logo_rendition_url
from engagierte_stadt.media_files import (
    VideoField,
    random_captions_name,
    random_video_name,
    validate_captions,
)
from engagierte_stadt.prepared import Prepared, query_now
from engagierte_stadt.search import SearchableModel
from engagierte_stadt.sharing import ShareableMixin, image_object, organisation_data
from engagierte_stadt.submissions.submission import SubmissionBase, SubmissionQuerySet
from engagierte_stadt.submissions.targets import Contact
from engagierte_stadt.translations import TranslatableMixin, english_version
from engagierte_stadt.urlwords import PublicAddressMixin


class PublicContactMixin:
    """For a model with `contact_name/role/email/phone` and the switches
    `show_contact_name/email/phone` that staff set: its own contact person as a `Contact`
    (`own_contact()`), and the parts staff chose to show (`public_contact`)."""

    contact_source_label = ""  # "project %(title)s": whose contact it is, for staff

    def own_contact(self) -> Contact:
        return Contact(
            name=self.contact_name,
            role=self.contact_role,
            email=self.contact_email,
            phone=self.contact_phone,
            show_name=self.show_contact_name,
            show_email=self.show_contact_email,
            show_phone=self.show_contact_phone,
            source=str(self.contact_source_label) % {"title": str(self)},
        )

    @property
    def public_contact(self) -> dict:
        public = self.own_contact().public
        return {
            "name": public.name,
            "role": public.role,
            "email": public.email,
            "phone": public.phone,
        }


class EasyLanguageMixin(models.Model):
    """A version in Leichte Sprache that staff may give a public item (project, opportunity,
    conference). Its page shows it in a section `#leichte-sprache`, linked from the top of the
    page ("In Leichter Sprache"), when there is one."""

    EASY_LANGUAGE_ANCHOR = "leichte-sprache"
    # The same fieldset in every admin that edits such an item.
    EASY_LANGUAGE_FIELDSET = (
        _("Easy language"),
        {
            "fields": ["easy_language"],
            "description": _(
                "Rules for Leichte Sprache: one statement per sentence; common words; explain "
                "every difficult word the first time it appears; no abbreviations; no negations "
                'where avoidable. Write "you" (Sie) directly to the reader.'
            ),
        },
    )

    easy_language = models.TextField(
        _("summary in easy language"),
        blank=True,
        help_text=_(
            "Optional. The same content in Leichte Sprache: short sentences, one statement per "
            "sentence, difficult words explained. Paragraphs are separated by an empty line. "
            'When filled in, the page links to it with "In Leichter Sprache".'
        ),
    )

    class Meta:
        abstract = True

    @property
    def has_easy_language(self) -> bool:
        return bool(self.easy_language.strip())


class DataLicence(models.TextChoices):
    """Licences for open data as the German open-data portals (GovData, DCAT-AP.de) name them."""

    DL_BY = "dl-by-de/2.0", "Datenlizenz Deutschland – Namensnennung – Version 2.0"
    DL_ZERO = "dl-zero-de/2.0", "Datenlizenz Deutschland – Zero – Version 2.0"
    CC_BY = "cc-by/4.0", "Creative Commons Namensnennung – 4.0 International (CC BY 4.0)"
    CC_ZERO = "cc-zero", "Creative Commons Zero (CC0 1.0)"

    @property
    def uri(self) -> str:
        """The licence's URI in the DCAT-AP.de vocabulary."""
        return f"http://dcat-ap.de/def/licenses/{self.value}"

    @property
    def text_url(self) -> str:
        """Where people read the licence."""
        return LICENCE_TEXTS[self.value]


LICENCE_TEXTS = {
    "dl-by-de/2.0": "https://www.govdata.de/dl-de/by-2-0",
    "dl-zero-de/2.0": "https://www.govdata.de/dl-de/zero-2-0",
    "cc-by/4.0": "https://creativecommons.org/licenses/by/4.0/deed.de",
    "cc-zero": "https://creativecommons.org/publicdomain/zero/1.0/deed.de",
}


class SiteSettings(models.Model):
    """The one row that makes the portal a particular town's portal."""

    city_name = models.CharField(
        _("city name"),
        max_length=100,
        default="Hattingen",
        help_text=_("The name of the town, e.g. Hattingen; used in texts throughout the portal."),
    )
    portal_name = models.CharField(
        _("portal name"),
        max_length=150,
        default="Engagierte Stadt Hattingen",
        help_text=_("The portal's name in the header, the browser tab and e-mails."),
    )
    tagline = models.CharField(
        _("tagline"),
        max_length=200,
        blank=True,
        help_text=_("A short line under the portal name in the site header."),
    )
    logo = CleanImageField(
        _("logo"),
        upload_to="site/",
        blank=True,
        renditions=False,
        specs=(LOGO_SPEC_ID,),
        width_field="logo_width",
        height_field="logo_height",
        help_text=_("Shown in the header; SVG or PNG with a transparent background."),
    )
    # Recorded on upload, so the header gives the logo its size without opening the file.
    logo_width = models.PositiveIntegerField(editable=False, null=True)
    logo_height = models.PositiveIntegerField(editable=False, null=True)
    logo_alt = models.CharField(
        _("logo alternative text"),
        max_length=200,
        blank=True,
        help_text=_("Describes the logo for people who cannot see it."),
    )
    header_label = models.CharField(
        _("header bar text"),
        max_length=150,
        default="Ein Angebot der Stadt Hattingen",
        help_text=_("Text in the thin bar at the very top of every page."),
    )
    intro = models.TextField(
        _("home page introduction"), blank=True, help_text=_("Markdown is allowed.")
    )
    programme_text = models.TextField(
        _("programme text"),
        blank=True,
        help_text=_("A short text about the Engagierte Stadt programme. Markdown is allowed."),
    )
    share_image = CleanImageField(
        _("default picture for link previews"),
        upload_to="site/",
        blank=True,
        width_field="share_image_width",
        height_field="share_image_height",
        help_text=_(
            "Shown when a link to a page without a picture of its own is shared (messengers, "
            "social networks). Landscape, at least 800 × 450 pixels."
        ),
    )
    share_image_width = models.PositiveIntegerField(editable=False, null=True)
    share_image_height = models.PositiveIntegerField(editable=False, null=True)
    share_image_alt = models.CharField(
        _("alternative text of the default picture"),
        max_length=250,
        blank=True,
        help_text=_("What the default link preview image shows, for people who cannot see it."),
    )
    data_licence = models.CharField(
        _("licence of the open data"),
        max_length=20,
        choices=DataLicence.choices,
        default=DataLicence.DL_BY,
        help_text=_("The licence under which the portal's open data may be reused."),
    )
    contact_name = models.CharField(
        _("contact name"),
        max_length=150,
        blank=True,
        help_text=_("The portal's contact person, named where nobody closer is entered."),
    )
    contact_organisation = models.CharField(
        _("contact organisation"),
        max_length=200,
        blank=True,
        help_text=_("The office, e.g. “Stadt Hattingen, Fachbereich Soziales”."),
    )
    contact_address = models.TextField(
        _("contact address"), blank=True, help_text=_("Postal address, one line per line.")
    )
    contact_email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_("Gets the replies and the news of sign-ups wherever nobody closer is entered."),
    )
    contact_phone = models.CharField(
        _("contact phone"),
        max_length=50,
        blank=True,
        help_text=_("With the area code, e.g. 02324 204-0."),
    )

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="site_settings_single_row")
        ]

    def __str__(self):
        return self.portal_name

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.share_image and not self.share_image_alt.strip():
            raise ValidationError(
                {"share_image_alt": _("Please describe the picture for people who cannot see it.")}
            )

    @property
    def licence(self) -> DataLicence:
        return DataLicence(self.data_licence)

    # The header shows the logo this many CSS pixels high.
    LOGO_HEIGHT = 56

    @property
    def logo_display_width(self) -> int | None:
        """The logo's width at `LOGO_HEIGHT`, so the browser reserves its box before it loads."""
        if not (self.logo_width and self.logo_height):
            return None
        return round(self.logo_width * self.LOGO_HEIGHT / self.logo_height)

    @property
    def logo_url(self) -> str:
        """The header's logo: its rendition at twice `LOGO_HEIGHT` (see images.py), a few KB
        instead of the upload; built from the stored name, without file access."""
        return logo_rendition_url(self.logo) if self.logo else ""

    @classmethod
    def load(cls) -> "SiteSettings":
        """Return the settings row, or unsaved defaults before staff have saved any."""
        found = _SETTINGS_ROW()
        return found[0] if found else cls(pk=1)

    @classmethod
    def for_request(cls, request) -> "SiteSettings":
        """`load()` once per request: the header and a view that needs the portal's contact
        share one query."""
        cached = request.__dict__.get("_site_settings")
        if cached is None:
            cached = request._site_settings = cls.load()
        return cached

    def contact(self) -> Contact:
        """The portal's contact: the last resort when a target names nobody of its own."""
        return Contact(
            name=self.contact_name,
            role=self.contact_organisation,
            email=self.contact_email,
            phone=self.contact_phone,
            source=str(_("site settings")),
        )


def site_contact(site=None) -> Contact:
    """The portal's contact, from `site` (the site settings at hand) or loaded now."""
    return (site if site is not None else SiteSettings.load()).contact()


# The settings row of every page, compiled once per process (engagierte_stadt.prepared).
_SETTINGS_ROW = Prepared(lambda p: SiteSettings.objects.filter(pk=1)[:1])


class Page(TranslatableMixin, PublicAddressMixin, SearchableModel):
    """An editable page with a fixed German address (Impressum, Datenschutz, …)."""

    DETAIL_ROUTE = "page"

    class Slug(models.TextChoices):
        IMPRESSUM = "impressum", _("Imprint")
        DATENSCHUTZ = "datenschutz", _("Privacy policy")
        BARRIEREFREIHEIT = "barrierefreiheit", _("Accessibility statement")
        LEICHTE_SPRACHE = "leichte-sprache", _("Easy language")
        GEBAERDENSPRACHE = "gebaerdensprache", _("Sign language")
        UEBER = "ueber-das-programm", _("About the programme")
        KONTAKT = "kontakt", _("Contact")

    # /barrierefreiheit/ shows this page together with the feedback form (AccessibilityView).
    SLUGS_WITH_OWN_ROUTE = frozenset({Slug.BARRIEREFREIHEIT})

    TRANSLATED_FIELDS = ("title", "lead", "body")

    slug = models.SlugField(
        _("address"),
        max_length=50,
        unique=True,
        choices=Slug.choices,
        help_text=_("Which fixed page of the portal this is (Impressum, Datenschutz, …)."),
    )
    title = models.CharField(
        _("title"),
        max_length=200,
        help_text=_("The heading of the page and the name in the browser tab."),
    )
    title_en = english_version(title)
    lead = models.TextField(
        _("lead"), blank=True, help_text=_("One or two introductory sentences.")
    )
    lead_en = english_version(lead)
    body = models.TextField(_("text"), blank=True, help_text=_("Markdown is allowed."))
    body_en = english_version(body, markdown=True)

    class Style(models.TextChoices):
        STANDARD = "standard", _("Standard")
        EASY = "easy", _("Easy language: larger text, more space between lines")

    style = models.CharField(
        _("page style"),
        max_length=10,
        choices=Style.choices,
        default=Style.STANDARD,
        help_text=_('Choose "Easy language" for texts in Leichte Sprache.'),
    )
    needs_review = models.BooleanField(
        _("have it checked before publishing"),
        default=False,
        help_text=_(
            "Ticked: this text is a draft by the editorial team that experts have not yet "
            "checked – a text in Leichte Sprache is checked by a review group of people with "
            "learning difficulties. Untick it once the text has been checked."
        ),
    )
    video = VideoField(
        _("video"),
        upload_to=random_video_name,
        blank=True,
        help_text=_(
            "Optional, for example a video in German Sign Language: an MP4 or WebM file of at "
            "most 200 MB. It is stored on the portal's own server."
        ),
    )
    video_captions = models.FileField(
        _("captions of the video"),
        upload_to=random_captions_name,
        blank=True,
        validators=[validate_captions],
        help_text=_("Required with a video: the spoken or signed content as WebVTT file (.vtt)."),
    )
    video_poster = CleanImageField(
        _("preview picture of the video"),
        upload_to="videos/",
        blank=True,
        renditions=False,
        help_text=_("Optional: the picture shown before the video starts."),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["title"]

    def __str__(self):
        return self.in_language("title")  # in the active language; the admin is German

    def clean(self):
        super().clean()
        if self.video and not self.video_captions:
            raise ValidationError(
                {
                    "video_captions": _(
                        "A video needs captions. Please upload them as WebVTT file (.vtt)."
                    )
                }
            )

    @property
    def video_type(self) -> str:
        """The MIME type for the `<source>` element, from the stored name (set by content)."""
        return "video/webm" if self.video.name.endswith(".webm") else "video/mp4"

    @property
    def is_easy_language(self) -> bool:
        return self.style == self.Style.EASY

    SEARCH_KIND = "seiten"
    SEARCH_LABEL = _("Pages")
    SEARCH_ORDER = 70

    @classmethod
    def search_queryset(cls):
        return cls.objects.all()

    def search_texts(self):
        return {"A": [self.title], "B": [self.lead], "C": [self.body]}


class AccessibilityStatement(models.Model):
    """The structured part of the Erklärung zur Barrierefreiheit (BITV NRW)."""

    class Conformance(models.TextChoices):
        FULL = "full", _("fully compliant")
        PARTIAL = "partial", _("partially compliant")
        NONE = "none", _("not compliant")

    conformance = models.CharField(
        _("conformance status"),
        max_length=10,
        choices=Conformance.choices,
        default=Conformance.PARTIAL,
        help_text=_(
            "How far the portal meets the accessibility requirements (BITV 2.0); shown at the "
            "top of the statement."
        ),
    )
    known_gaps = models.TextField(
        _("known gaps"),
        blank=True,
        help_text=_("Parts that are not yet accessible, and why. Markdown is allowed."),
    )
    method = models.TextField(
        _("how the statement was prepared"),
        blank=True,
        help_text=_("For example: self-assessment with automated and manual tests."),
    )
    prepared_on = models.DateField(
        _("prepared on"),
        default=timezone.localdate,
        help_text=_("The day the statement was first written."),
    )
    reviewed_on = models.DateField(
        _("last reviewed on"),
        default=timezone.localdate,
        help_text=_("The day of the last check; review the statement at least once a year."),
    )
    enforcement = models.TextField(
        _("enforcement procedure"),
        blank=True,
        help_text=_("Contact details of the NRW ombudsman office. Markdown is allowed."),
    )

    class Meta:
        verbose_name = _("accessibility statement")
        verbose_name_plural = _("accessibility statement")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pk=1), name="accessibility_statement_single_row"
            )
        ]

    def __str__(self):
        return str(_("Accessibility statement"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "AccessibilityStatement":
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class AccessibilityFeedbackQuerySet(SubmissionQuerySet):
    def due_for_purge(self, cutoff):
        """Feedback older than the retention that still carries a name or an address. The
        report itself stays (the barrier is what matters); only who sent it goes."""
        return self.not_purged().filter(created_at__lt=cutoff).exclude(name="", email="")


class AccessibilityFeedback(SubmissionBase):
    """A barrier reported through the feedback form of the accessibility statement.

    On the submission engine without opt-in: the report reaches the editorial team at once.
    Name and address are optional; who gives an address gets a receipt with the personal
    link, and finds the report on the personal page with their other entries.
    """

    PERSONAL_FIELDS = ("name", "email")
    REQUIRES_OPT_IN = False
    KIND_LABEL = _("Feedback on accessibility")

    message = models.TextField(_("message"))
    page_url = models.CharField(_("page concerned"), max_length=500, blank=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    handled = models.BooleanField(_("handled"), default=False)

    objects = AccessibilityFeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("accessibility feedback")
        verbose_name_plural = _("accessibility feedback")
        ordering = ["-created_at"]

    def __str__(self):
        return _("Feedback of %(date)s") % {
            "date": timezone.localtime(self.created_at).strftime("%d.%m.%Y %H:%M")
        }

    @property
    def subject(self) -> str:
        return Truncator(" ".join(self.message.split())).chars(60)

    def manage_path(self) -> str:
        """Feedback has no page of its own: its link leads to the personal page."""
        return self.personal_page_path()

    @property
    def status(self) -> str:
        """Feedback needs no opt-in: it is received, then handled by staff."""
        return "handled" if self.handled else "received"

    @property
    def status_label(self) -> str:
        return str(_("handled") if self.handled else _("received"))

    def export_fields(self) -> list[str]:
        return ["message", "page_url", "name", "email"]


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Article.Status.PUBLISHED, publish_at__lte=query_now())

    def latest_first(self):
        return self.order_by("-publish_at", "-pk")

    def for_cards(self):
        """Only the columns of an article card (photo, date, title, teaser): not the body
        nor the search index, which a list would fetch and build into every row."""
        return self.only(
            "title",
            "title_en",
            "slug",
            "teaser",
            "teaser_en",
            "photo",
            "photo_width",
            "photo_height",
            "publish_at",
        )


class Article(TranslatableMixin, ShareableMixin, PublicAddressMixin, SearchableModel):
    """A news item ("Aktuelles")."""

    DETAIL_ROUTE = "article_detail"

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    TRANSLATED_FIELDS = ("title", "teaser", "body")

    title = models.CharField(
        _("title"),
        max_length=200,
        help_text=_("The headline: short and concrete, e.g. “Sommerfest in Welper”."),
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
    teaser = models.TextField(
        _("teaser"),
        max_length=400,
        help_text=_("One or two sentences for the news list and link previews."),
    )
    teaser_en = english_version(teaser)
    body = models.TextField(_("text"), help_text=_("Markdown is allowed."))
    body_en = english_version(body, markdown=True)
    photo = CleanImageField(
        _("photo"),
        upload_to="aktuelles/",
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
        help_text=_("A landscape photo (JPEG or PNG); the portal makes the smaller sizes itself."),
    )
    photo_width = models.PositiveIntegerField(editable=False, null=True)
    photo_height = models.PositiveIntegerField(editable=False, null=True)
    photo_alt = models.CharField(
        _("alternative text"),
        max_length=250,
        blank=True,
        help_text=_("What the photo shows, for people who cannot see it. Required with a photo."),
    )
    photo_caption = models.CharField(
        _("caption"), max_length=250, blank=True, help_text=_("Shown below the photo. Optional.")
    )
    photo_credit = models.CharField(
        _("photo credit"),
        max_length=150,
        blank=True,
        help_text=_('For example "Foto: Stadt Hattingen". Required with a photo.'),
    )
    publish_at = models.DateTimeField(
        _("publish date"),
        default=timezone.now,
        help_text=_("The date shown with the article; a future date keeps it hidden until then."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_("Only published articles appear on the website."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news")
        ordering = ["-publish_at", "-pk"]

    def __str__(self):
        return self.in_language("title")  # in the active language; the admin is German

    def clean(self):
        errors = self.address_errors()
        if self.photo and not self.photo_alt.strip():
            errors["photo_alt"] = _("Please describe the photo for people who cannot see it.")
        if self.photo and not self.photo_credit.strip():
            errors["photo_credit"] = _(
                'Please name who took the photo, e.g. "Foto: Stadt Hattingen".'
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.publish_at <= timezone.now()

    SHARE_TYPE = "article"

    def share_description(self) -> str:
        return self.in_language("teaser")

    def share_picture(self):
        return self.photo or None

    def share_picture_alt(self) -> str:
        return self.photo_alt

    def structured_data(self, *, site, absolute) -> dict:
        """schema.org NewsArticle."""
        url = absolute(self.get_absolute_url())
        title, teaser = self.in_language("title"), self.in_language("teaser")
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": Truncator(title).chars(110),
            "description": teaser,
            "url": url,
            "mainEntityOfPage": url,
            "datePublished": timezone.localtime(self.publish_at).isoformat(),
            "dateModified": timezone.localtime(self.updated_at).isoformat(),
            "inLanguage": self.in_language("body").language,
            "publisher": organisation_data(site, absolute),
            "author": organisation_data(site, absolute),
        }
        image = image_object(self.share_picture(), absolute)
        if image:
            data["image"] = [image]
        return data

    SEARCH_KIND = "aktuelles"
    SEARCH_LABEL = _("News")
    SEARCH_ORDER = 60

    @classmethod
    def search_queryset(cls):
        return cls.objects.published()

    def search_texts(self):
        return {"A": [self.title], "B": [self.teaser], "C": [self.body]}


class JobRun(models.Model):
    """When a periodic job (`engagierte_stadt.jobs.JOBS`) last ran, and how it went.

    Written by `manage.py run_jobs`; read by the health check, which answers 503 when a job
    has not succeeded for too long. The error is the exception's class only, never its text,
    which could hold personal data.
    """

    name = models.CharField(_("job"), max_length=50, unique=True)
    last_started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_failure_at = models.DateTimeField(_("last failure"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    last_duration = models.FloatField(_("duration of the last run (seconds)"), null=True)

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")
        ordering = ["name"]

    def __str__(self):
        return self.name


class UsedFormStamp(models.Model):
    """A fill-time stamp that a form has accepted once (`submissions.forms`): only its hash,
    kept until the stamp would have expired anyway, so that it cannot be sent again."""

    stamp_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("used form stamp")
        verbose_name_plural = _("used form stamps")

    def __str__(self):
        return self.stamp_hash[:12]


class MailToAddress(models.Model):
    """One opt-in mail sent to a person, for the limit per address and hour
    (`engagierte_stadt.mails.send_to_person`). Only a keyed hash of the address is stored,
    and only for an hour."""

    address_hash = models.CharField(max_length=64, db_index=True)
    sent_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("mail to an address")
        verbose_name_plural = _("mails to an address")

    def __str__(self):
        return f"{self.address_hash[:12]} {self.sent_at:%Y-%m-%d %H:%M}"


class SearchTermQuerySet(models.QuerySet):
    def closest(self, key: str) -> str | None:
        """The word whose spelling comes closest to `key` (a `fold_compact()`ed word), or None.

        A word spelt the same way comes first. Then, on PostgreSQL: trigram similarity
        (pg_trgm, at least its threshold of 0.3), the most similar first; elsewhere: a word
        that contains `key`, the shortest first.
        """
        if connection.vendor == "postgresql":
            # Compiled once per process (engagierte_stadt.prepared), as the search's queries.
            return next(iter(_CLOSEST_TERM(key=key)), None)
        return self.closest_rows(key).first()

    def closest_rows(self, key: str):
        """The words of `closest()`, the closest first."""
        same = models.Case(models.When(folded=key, then=models.Value(0)), default=models.Value(1))
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import TrigramSimilarity

            rows = (
                self.filter(folded__trigram_similar=key)
                .annotate(similarity=TrigramSimilarity("folded", key))
                .order_by(same, "-similarity", Length("word"), "word")
            )
        else:
            rows = self.filter(folded__contains=key).order_by(same, Length("word"), "word")
        return rows.values_list("word", flat=True)


class SearchTerm(models.Model):
    """A word of the portal's published texts: the vocabulary behind "Meinten Sie …?".

    Filled when a published row is saved and rebuilt by `manage.py rebuild_search_index`.
    """

    word = models.CharField(_("word"), max_length=60, unique=True)
    folded = models.CharField(_("folded spelling"), max_length=60, db_index=True)

    objects = SearchTermQuerySet.as_manager()

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")
        ordering = ["word"]

    def __str__(self):
        return self.word


# "Meinten Sie …?" on PostgreSQL: the closest word of the vocabulary to a searched one.
_CLOSEST_TERM = Prepared(lambda p: SearchTerm.objects.closest_rows(p.key)[:1])


class RecoveryCodeDevice(ThrottlingMixin, Device):
    """A staff member's recovery codes as a django-otp device: the way in when the phone with
    the authenticator app is lost.

    django-otp's own static device keeps its codes in clear text; here only a SHA-256 digest
    of each code is stored (`RecoveryCode`), and a code is deleted when it is used, so each
    works once. The codes are random (80 bits), so a plain digest cannot be guessed back;
    wrong guesses are throttled like wrong app codes.
    """

    class Meta(Device.Meta):
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")

    def get_throttle_factor(self) -> int:
        return 1

    def verify_token(self, token) -> bool:
        allowed, _info = self.verify_is_allowed()
        if not allowed:
            return False
        used, _rows = self.codes.filter(digest=RecoveryCode.digest_of(str(token))).delete()
        if used:
            self.throttle_reset()
            return True
        self.throttle_increment()
        return False


class RecoveryCode(models.Model):
    """One recovery code, kept only as the digest of its normalised text."""

    # Unambiguous letters and digits (no 0/O, 1/I/L), in groups of four: easy to type.
    ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    LENGTH = 16  # 16 × log2(31) ≈ 79 bits

    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64, db_index=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self):
        return str(self.pk)

    @classmethod
    def normalise(cls, text: str) -> str:
        return "".join(ch for ch in text.upper() if ch.isalnum())

    @classmethod
    def digest_of(cls, text: str) -> str:
        return hashlib.sha256(cls.normalise(text).encode()).hexdigest()

    @classmethod
    def new_text(cls) -> str:
        """A fresh code as shown to the person: XXXX-XXXX-XXXX-XXXX."""
        raw = "".join(secrets.choice(cls.ALPHABET) for _i in range(cls.LENGTH))
        return "-".join(raw[i : i + 4] for i in range(0, cls.LENGTH, 4))


class AuthenticatorApp(TOTPDevice):
    """A staff member's authenticator app (django-otp's TOTP device) as Administration sees it
    in the admin: who has one, since when, last used; deleting it makes the person set up a
    new one at their next login (a lost phone)."""

    class Meta:
        proxy = True
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")


class PersonalDataAccess(models.Model):
    """One access of staff to personal data (`engagierte_stadt.audit`): who, when, what kind
    of access and which rows, by model and id. Never a name, an address or a search term:
    a search is stored as a keyed hash of the term, so the log leaves nothing behind when the
    purge has emptied the rows. Kept `ACCESS_LOG_RETENTION_DAYS` (`manage.py
    purge_access_log`, a job of `run_jobs`); read-only, for Administration."""

    class Kind(models.TextChoices):
        VIEW = "view", _("detail page opened")
        SEARCH = "search", _("searched")
        EXPORT = "export", _("exported as CSV")
        ATTENDANCE = "attendance", _("attendance list opened")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("access"), max_length=20, choices=Kind.choices)
    model_label = models.CharField(_("kind of data"), max_length=100)
    object_ids = models.JSONField(_("ids of the rows"), default=list, blank=True)
    count = models.PositiveIntegerField(_("number of rows"), default=0)
    search_digest = models.CharField(
        _("keyed hash of the search term"), max_length=64, blank=True, default=""
    )

    class Meta:
        verbose_name = _("access to personal data")
        verbose_name_plural = _("accesses to personal data")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.model_label} ({self.count})"


class EditorDigest(models.Model):
    """A staff member's weekly digest (`engagierte_stadt.digest`): whether they want it, and
    when the last one went out (at most one a week). No row: the digest is on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="editor_digest",
        help_text=_("The staff member who gets (or does not get) the weekly overview."),
    )
    enabled = models.BooleanField(
        _("weekly overview by e-mail"),
        default=True,
        help_text=_(
            "Once a week, an e-mail with what is new and what needs doing in your districts "
            "(only when there is something). Untick to receive none."
        ),
    )
    last_sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("weekly overview")
        verbose_name_plural = _("weekly overviews")
        ordering = ["user__username"]

    def __str__(self):
        return str(_("Weekly overview for %(user)s") % {"user": self.user.get_username()})
