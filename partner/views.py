"""Partner pages: directory, partner page, "Für Unternehmen", the network, "Partner werden".

"Partner werden" stands on the submission engine (engagierte_stadt.submissions) without taking
a place: the engine's checked POST (honeypot, fill time, validation, per-IP rate limit), the
service, the opt-in mail, then Post/Redirect/Get to "please check your mail". Its personal
links are pages with the same header rules as a sign-up's (`PersonalLinkMixin`: no referrer,
not indexed, never cached, no cookie); the opt-in page confirms only by POST, because mail
scanners open links with GET.
"""

import logging

from django.db.models.functions import Lower
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, ListView, TemplateView

from engagierte_stadt.prepared import Prepared, PreparedPrefetch
from engagierte_stadt.preview import DraftPreviewMixin
from engagierte_stadt.submissions import services as submission_services
from engagierte_stadt.submissions.capacity import CONFIRMATION_HOURS
from engagierte_stadt.submissions.views import (
    ConfirmByCodeMixin,
    PersonalLinkMixin,
    SpamCheckedPostMixin,
    with_reference,
)
from engagierte_stadt.viewmixins import BreadcrumbMixin, FilteredListMixin
from partner import notifications, services
from partner.filters import PartnerFilter
from partner.forms import PartnerApplicationForm
from partner.models import (
    ExchangeTopic,
    NetworkCity,
    Partner,
    PartnerApplication,
    PartnerKind,
    ProgrammeSupporter,
    ProjectPartner,
)
from quartiere.models import Opportunity, Project, Quartier

logger = logging.getLogger(__name__)

DIRECTORY = (_("Partners"), "partner:directory")


class DirectoryView(BreadcrumbMixin, FilteredListMixin, ListView):
    """/partner/: cooperation partners first, then A–Z; filters by kind and Quartier."""

    meta_description = _(
        "Associations, initiatives, institutions and businesses that carry engagement in the "
        "districts."
    )
    template_name = "partner/partner_list.html"
    context_object_name = "partners"
    filterset_class = PartnerFilter
    paginate_by = 24
    page_title = _("Partners")

    def get_base_queryset(self):
        return Partner.objects.published().for_cards().directory_order()


# The partner page's lists, compiled once per process (engagierte_stadt.prepared).
PARTNER_ROLES = Prepared(
    lambda p: (
        ProjectPartner.objects.filter(partner_id=p.partner_id)
        .filter(project__in=Project.objects.published())
        .select_related("project__quartier")
        # The list names each project (title, link) and its Quartier, no more.
        .only(
            "role",
            "partner",
            "project__title",
            "project__title_en",
            "project__slug",
            "project__quartier__name",
        )
        .by_role()
    ),
    generic=True,
)
PROJECTS_OPPORTUNITIES = Prepared(
    lambda p: (
        Opportunity.objects.published_row_by_row()
        .filter(project__in=p.project_ids)
        .open_free_places_first()
        .for_cards()
    ),
    generic=True,
)


# Of a partner page's Quartiere, the names and addresses the page links: a query compiled
# once (engagierte_stadt.prepared.PreparedPrefetch).
PARTNER_QUARTIERE = PreparedPrefetch(
    "quartiere", queryset=Quartier.objects.order_by("name").only("name", "slug")
)


class PartnerDetailView(DraftPreviewMixin, BreadcrumbMixin, DetailView):
    """A partner's page: who they are, their projects and roles, Quartiere, ways to help."""

    model = Partner
    template_name = "partner/partner_detail.html"
    context_object_name = "partner"

    def get_queryset(self):
        # Of its Quartiere, the names and addresses the page links.
        partners = Partner.objects.prefetch_related(PARTNER_QUARTIERE)
        # Staff may look at an unpublished partner (an accepted application) before publishing.
        if self.request.user.is_staff and not self.preview:
            return partners
        return self.visible(partners)

    def get_breadcrumbs(self):
        return [DIRECTORY, (self.object.name, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        roles = PARTNER_ROLES(partner_id=self.object.pk)
        # Each project once (a partner may have two roles in one): `__in` drops repeats.
        projects = tuple(dict.fromkeys(role.project_id for role in roles))
        context.update(
            roles=roles,
            opportunities=PROJECTS_OPPORTUNITIES(project_ids=projects) if roles else [],
        )
        return context


class ForBusinessView(BreadcrumbMixin, TemplateView):
    """/partner/fuer-unternehmen/: how businesses can take part, and who does already."""

    meta_description = _(
        "How businesses can take part in the network: volunteering days, donations in kind, "
        "know-how."
    )
    template_name = "partner/for_business.html"
    page_title = _("For businesses")

    def get_breadcrumbs(self):
        return [DIRECTORY, (self.page_title, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["businesses"] = list(
            Partner.objects.published().businesses().for_cards().order_by(Lower("name"), "pk")
        )
        context["apply_url"] = (
            reverse("partner:apply") + f"?art={PartnerKind.BUSINESS.value}#bewerbung"
        )
        return context


class NetworkView(BreadcrumbMixin, TemplateView):
    """/partner/netzwerk/: the programme, its supporters, other cities, topics of exchange."""

    meta_description = _(
        "The national programme Engagierte Stadt, who carries it, other cities in the network "
        "and our partner city."
    )
    template_name = "partner/network.html"
    page_title = _("The network")

    def get_breadcrumbs(self):
        return [DIRECTORY, (self.page_title, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cities = list(NetworkCity.objects.all())
        context.update(
            supporters=list(ProgrammeSupporter.objects.all()),
            partner_cities=[city for city in cities if city.is_partner_city],
            other_cities=[city for city in cities if not city.is_partner_city],
            topics=list(ExchangeTopic.objects.all()),
        )
        return context


# --- "Partner werden" ------------------------------------------------------------------------

# One neutral message for every rejected post, whichever check failed (as on sign-up forms).
NEUTRAL_APPLICATION_REJECTION = _(
    "Your application could not be accepted just now. Please wait a moment and try again. "
    "If it still does not work, please write to us."
)


class ApplicationFormView(SpamCheckedPostMixin, BreadcrumbMixin, FormView):
    """/partner/partner-werden/: the application form."""

    meta_description = _(
        "Associations, institutions and businesses: join the network of the Engagierte Stadt."
    )
    template_name = "partner/application_form.html"
    form_class = PartnerApplicationForm
    page_title = _("Become a partner")
    success_url = reverse_lazy("partner:apply_sent")
    ratelimit_group = "partner-application"
    rejection_message = NEUTRAL_APPLICATION_REJECTION

    def get_breadcrumbs(self):
        return [DIRECTORY, (self.page_title, None)]

    def get_initial(self):
        initial = super().get_initial()
        kind = self.request.GET.get("art", "")
        if kind in PartnerKind.values:
            initial["kind"] = kind
        return initial

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["form_action"] = reverse("partner:apply") + "#bewerbung"
        return kwargs

    def get_posted_form(self):
        return self.get_form()

    def rebuild_form(self, data):
        return self.form_class(data, form_action=reverse("partner:apply") + "#bewerbung")

    def rejection_url(self) -> str:
        return reverse("partner:apply")

    def form_invalid(self, form):
        # 422: the page shows the form with its errors; nothing was stored.
        return self.render_to_response(self.get_context_data(form=form), status=422)

    def form_valid(self, form):
        result = services.application_submit(**form.application_data())
        if result.token:
            base_url = self.request.build_absolute_uri("/").rstrip("/")
            application = result.application
            if result.created or application.is_unconfirmed:
                notifications.mail_confirm_request(
                    application=application,
                    token=result.token,
                    base_url=base_url,
                    again=not result.created,
                )
            else:
                notifications.mail_already(
                    application=application, token=result.token, base_url=base_url
                )
        return HttpResponseRedirect(with_reference(self.get_success_url(), result.application))


class ApplicationLinkMixin(PersonalLinkMixin):
    """A page behind an applicant's personal link (headers: see `PersonalLinkMixin`)."""

    invalid_template_name = "partner/application_invalid_link.html"

    def get_application(self):
        return services.application_by_token(token=self.kwargs["token"])

    def application_context(self, application, page_title) -> dict:
        return {
            "application": application,
            "page_title": page_title,
            "confirmation_hours": CONFIRMATION_HOURS,
            "breadcrumbs": [
                (_("Home"), reverse("home")),
                (_("Partners"), reverse("partner:directory")),
                (page_title, None),
            ],
            "confirm_url": reverse("partner:application_confirm", kwargs=self.kwargs),
            "manage_url": reverse("partner:application_manage", kwargs=self.kwargs),
            "personal_data_url": reverse("personal_data", kwargs=self.kwargs),
        }


class ApplicationConfirmView(ApplicationLinkMixin, TemplateView):
    """The opt-in link: GET shows a button, POST confirms."""

    template_name = "partner/application_confirm.html"

    def get(self, request, *args, **kwargs):
        application = self.get_application()
        if application is None or application.purged_at:
            return self.invalid_link()
        if application.is_unconfirmed and not application.link_expired:
            title = _("Confirm your application")
        elif application.link_expired:
            title = _("This link has expired")
        else:
            title = _("Thank you: your application is confirmed")
        return self.render_to_response(self.application_context(application, title))

    def post(self, request, *args, **kwargs):
        application = self.get_application()
        if application is None or application.purged_at:
            return self.invalid_link()
        self.confirm_entry()
        return redirect(self.confirmed_url())

    def confirm_entry(self):
        confirmed = services.application_confirm(token=self.kwargs["token"])
        if confirmed is not None and confirmed.confirmed_now:
            notifications.mail_staff_new(application=confirmed, base_url=self.get_base_url())
        return confirmed

    def confirmed_url(self) -> str:
        return reverse("partner:application_confirm", kwargs=self.kwargs)


class ApplicationSentView(ConfirmByCodeMixin, BreadcrumbMixin, TemplateView):
    """After the form: "please confirm with the code or the link in our e-mail"."""

    confirm_view_class = ApplicationConfirmView
    code_models = (PartnerApplication,)
    code_submit_label = _("Confirm application")

    template_name = "partner/application_sent.html"
    page_title = _("Please confirm your application")

    def get_breadcrumbs(self):
        return [DIRECTORY, (_("Become a partner"), "partner:apply"), (self.page_title, None)]

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            confirmation_hours=CONFIRMATION_HOURS,
            resend_minutes=int(services.RESEND_AFTER.total_seconds() // 60),
        )
        return context


class ApplicationManageView(ApplicationLinkMixin, TemplateView):
    """The personal link: the status, what is stored, and deleting it."""

    template_name = "partner/application_manage.html"

    def get(self, request, *args, **kwargs):
        application = self.get_application()
        if application is None:
            return self.invalid_link()
        return self.render_to_response(
            self.application_context(application, _("Your partner application"))
        )

    def post(self, request, *args, **kwargs):
        application = self.get_application()
        if application is None:
            return self.invalid_link()
        if request.POST.get("action") == "erase" and not application.purged_at:
            if not self.confirmed_by_person():
                context = self.application_context(application, "")
                return self.confirm_step(context, action="erase", entry=application)
            submission_services.entry_erase(entry=application, base_url=self.get_base_url())
        return redirect(request.path)
