"""Pages of the ideas: the list, an idea's page, "Idee einreichen" and the personal links.

The form's POST is the engine's checked POST (honeypot, fill time, single-use stamp, rate
limit); the personal link's pages send the engine's headers (no referrer, not indexed, never
cached, no cookie). Only moderated ideas are public: every public read starts from
`Idea.objects.public()`.
"""

from urllib.parse import quote

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, ListView, TemplateView

from engagierte_stadt.models import SiteSettings
from engagierte_stadt.submissions import services as submission_services
from engagierte_stadt.submissions.submission import CONFIRMATION_HOURS, RESEND_AFTER
from engagierte_stadt.submissions.views import (
    ConfirmByCodeMixin,
    PersonalLinkMixin,
    SpamCheckedPostMixin,
    with_reference,
)
from engagierte_stadt.viewmixins import BreadcrumbMixin, FilteredListMixin
from ideen import notifications, services
from ideen.filters import IdeaFilter
from ideen.forms import BackerForm, IdeaForm
from ideen.models import Idea, IdeaBacker
from quartiere.models import Quartier

IDEAS = (_("Ideas"), "ideen:list")

NEUTRAL_REJECTION = _(
    "Your idea could not be accepted just now. Please wait a moment and try again. "
    "If it still does not work, please write to us."
)


class IdeaListView(BreadcrumbMixin, FilteredListMixin, ListView):
    """/ideen/: published ideas, newest first, filtered by Stadtteil, topic and status."""

    template_name = "ideen/idea_list.html"
    context_object_name = "ideas"
    filterset_class = IdeaFilter
    page_title = _("Ideas for the districts")

    def get_base_queryset(self):
        return Idea.objects.public().for_cards().latest_first()


class IdeaDetailView(BreadcrumbMixin, DetailView):
    """/ideen/<number>/: a published idea with its history in plain words."""

    template_name = "ideen/idea_detail.html"
    context_object_name = "idea"

    def get_queryset(self):
        return Idea.objects.public().for_detail()

    def get_breadcrumbs(self):
        return [IDEAS, (self.object.title, None)]

    def get_context_data(self, **kwargs):
        idea = self.object
        if idea.accepts_backers and "backer_form" not in kwargs:
            kwargs["backer_form"] = BackerForm(form_action=backer_form_action(idea))
        context = super().get_context_data(**kwargs)
        # The way to the conference: its meeting and decision, or (without a conference in
        # the Stadtteil) the wish for one. One query each, only where needed.
        context["decisions"] = idea.decisions()
        context["wish_for_conference"] = idea.meeting is None and not idea.has_conference()
        # "Idee melden": a mail to the Quartier's contact (else the portal's), written in the
        # visitor's own mail program: nothing about the reporter is stored here.
        contact = idea.quartier.contact(site=SiteSettings.for_request(self.request))
        address = contact.public.email
        if address:
            subject = _("Report an idea: %(title)s") % {"title": idea.title}
            body = _("The idea %(url)s is not appropriate because: ") % {
                "url": self.request.build_absolute_uri(idea.get_absolute_url())
            }
            context["report_url"] = (
                f"mailto:{address}?subject={quote(str(subject))}&body={quote(str(body))}"
            )
        return context


class IdeaFormView(SpamCheckedPostMixin, BreadcrumbMixin, FormView):
    """/ideen/einreichen/ and /ideen/einreichen/<Stadtteil>/: the form, the Stadtteil chosen
    already on the second."""

    template_name = "ideen/idea_form.html"
    form_class = IdeaForm
    ratelimit_group = "idea-form"
    rejection_message = NEUTRAL_REJECTION

    def dispatch(self, request, *args, **kwargs):
        self.quartier = None
        if "quartier" in kwargs:
            self.quartier = Quartier.objects.filter(slug=kwargs["quartier"]).first()
            if self.quartier is None:
                raise Http404(_("This district does not exist."))
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        if self.quartier is not None:
            return _("Propose an idea for %(name)s") % {"name": self.quartier.name}
        return _("Propose an idea")

    def get_breadcrumbs(self):
        return [IDEAS, (self.get_page_title(), None)]

    def form_action(self) -> str:
        return self.request.path + "#idee"

    def get_initial(self):
        initial = super().get_initial()
        if self.quartier is not None:
            initial["quartier"] = self.quartier.pk
        return initial

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["form_action"] = self.form_action()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["quartier"] = self.quartier
        return context

    def get_posted_form(self):
        return self.get_form()

    def rebuild_form(self, data):
        return self.form_class(data, self.request.FILES, form_action=self.form_action())

    def rejection_url(self) -> str:
        return self.request.path

    def form_invalid(self, form):
        # 422: the page shows the form with its errors; nothing was stored.
        return self.render_to_response(self.get_context_data(form=form), status=422)

    def form_valid(self, form):
        result = services.idea_submit(**form.idea_data())
        if result.token:
            notifications.mail_confirm_request(
                idea=result.idea,
                token=result.token,
                base_url=self.request.build_absolute_uri("/").rstrip("/"),
                again=not result.created,
            )
        return HttpResponseRedirect(with_reference(reverse("ideen:propose_sent"), result.idea))


class IdeaPersonalLinkMixin(PersonalLinkMixin):
    """A page behind a personal link of the ideas (headers: see `PersonalLinkMixin`); `route`
    names its pair of routes (`ideen:<route>_confirm`, `ideen:<route>_manage`)."""

    route = ""

    def link_context(self, page_title, **entries) -> dict:
        return {
            **entries,
            "page_title": page_title,
            "confirmation_hours": CONFIRMATION_HOURS,
            "breadcrumbs": [
                (_("Home"), reverse("home")),
                (IDEAS[0], reverse(IDEAS[1])),
                (page_title, None),
            ],
            "confirm_url": reverse(f"ideen:{self.route}_confirm", kwargs=self.kwargs),
            "manage_url": reverse(f"ideen:{self.route}_manage", kwargs=self.kwargs),
            "personal_data_url": reverse("personal_data", kwargs=self.kwargs),
        }


class IdeaLinkMixin(IdeaPersonalLinkMixin):
    """A page behind a proposer's personal link."""

    route = "idea"

    def get_idea(self):
        return services.idea_by_token(token=self.kwargs["token"])

    def idea_context(self, idea, page_title) -> dict:
        return self.link_context(page_title, idea=idea)


class IdeaConfirmView(IdeaLinkMixin, TemplateView):
    """The opt-in link: GET shows a button (mail scanners open links), POST confirms."""

    template_name = "ideen/idea_confirm.html"

    def get(self, request, *args, **kwargs):
        idea = self.get_idea()
        if idea is None or idea.purged_at:
            return self.invalid_link()
        if idea.is_unconfirmed and not idea.link_expired:
            title = _("Confirm your idea")
        elif idea.link_expired:
            title = _("This link has expired")
        else:
            title = _("Thank you: your idea is confirmed")
        return self.render_to_response(self.idea_context(idea, title))

    def post(self, request, *args, **kwargs):
        idea = self.get_idea()
        if idea is None or idea.purged_at:
            return self.invalid_link()
        self.confirm_entry()
        return redirect(self.confirmed_url())

    def confirm_entry(self):
        return services.idea_confirm(token=self.kwargs["token"], base_url=self.get_base_url())

    def confirmed_url(self) -> str:
        return reverse("ideen:idea_confirm", kwargs=self.kwargs)


class IdeaSentView(ConfirmByCodeMixin, BreadcrumbMixin, TemplateView):
    """After the form: "please confirm with the code or the link in our e-mail"."""

    confirm_view_class = IdeaConfirmView
    code_models = (Idea,)
    code_submit_label = _("Confirm idea")

    template_name = "ideen/idea_sent.html"
    page_title = _("Please confirm your idea")

    def get_breadcrumbs(self):
        return [IDEAS, (self.page_title, None)]

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            confirmation_hours=CONFIRMATION_HOURS,
            resend_minutes=int(RESEND_AFTER.total_seconds() // 60),
            **kwargs,
        )


class IdeaManageView(IdeaLinkMixin, TemplateView):
    """The personal link: the idea's status, what is stored, and deleting the personal data."""

    template_name = "ideen/idea_manage.html"

    def get(self, request, *args, **kwargs):
        idea = self.get_idea()
        if idea is None:
            return self.invalid_link()
        return self.render_to_response(self.idea_context(idea, _("Your idea")))

    def post(self, request, *args, **kwargs):
        idea = self.get_idea()
        if idea is None:
            return self.invalid_link()
        if request.POST.get("action") == "erase" and not idea.purged_at:
            if not self.confirmed_by_person():
                context = self.idea_context(idea, "")
                return self.confirm_step(context, action="erase", entry=idea)
            submission_services.entry_erase(entry=idea, base_url=self.get_base_url())
        return redirect(request.path)


# --- "Ich mache mit" -------------------------------------------------------------------------


def backer_form_action(idea) -> str:
    return reverse("ideen:back", kwargs={"pk": idea.pk}) + "#mitmachen"


class BackerFormView(SpamCheckedPostMixin, IdeaDetailView):
    """POST /ideen/<number>/mitmachen/: the "Ich mache mit" form of the idea page."""

    http_method_names = ["get", "post"]
    ratelimit_group = "idea-backer-form"
    rejection_message = NEUTRAL_REJECTION

    def get(self, request, *args, **kwargs):
        return redirect(reverse("ideen:detail", kwargs=kwargs) + "#mitmachen")

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not self.object.accepts_backers:
            return redirect(self.object.get_absolute_url())
        return super().post(request, *args, **kwargs)

    def get_posted_form(self):
        return BackerForm(self.request.POST, form_action=backer_form_action(self.object))

    def rebuild_form(self, data):
        return BackerForm(data, form_action=backer_form_action(self.object))

    def rejection_url(self) -> str:
        return self.object.get_absolute_url()

    def form_invalid(self, form):
        # 422: the idea page with the form and its errors; nothing was stored.
        context = self.get_context_data(object=self.object, backer_form=form)
        return self.render_to_response(context, status=422)

    def form_valid(self, form):
        result = services.backer_submit(idea=self.object, email=form.cleaned_data["email"])
        if result.token:
            notifications.mail_backer_confirm_request(
                backer=result.backer,
                token=result.token,
                base_url=self.request.build_absolute_uri("/").rstrip("/"),
                again=not result.created,
            )
        url = reverse("ideen:back_sent", kwargs={"pk": self.object.pk})
        return redirect(with_reference(url, result.backer))


class BackerLinkMixin(IdeaPersonalLinkMixin):
    """A page behind a backer's personal link."""

    route = "backer"

    def get_backer(self):
        return services.backer_by_token(token=self.kwargs["token"])

    def backer_context(self, backer, page_title) -> dict:
        return self.link_context(page_title, backer=backer, idea=backer.idea)


class BackerConfirmView(BackerLinkMixin, TemplateView):
    """The opt-in link: GET shows a button, POST confirms."""

    template_name = "ideen/backer_confirm.html"

    def get(self, request, *args, **kwargs):
        backer = self.get_backer()
        if backer is None or backer.purged_at:
            return self.invalid_link()
        return self.render_to_response(self.backer_context(backer, _("Confirm: I'm in")))

    def post(self, request, *args, **kwargs):
        backer = self.get_backer()
        if backer is None or backer.purged_at:
            return self.invalid_link()
        self.confirm_entry()
        return redirect(self.confirmed_url())

    def confirm_entry(self):
        return services.backer_confirm(token=self.kwargs["token"])

    def confirmed_url(self) -> str:
        return reverse("ideen:backer_confirm", kwargs=self.kwargs)


class BackerSentView(ConfirmByCodeMixin, BreadcrumbMixin, TemplateView):
    """After "Ich mache mit": please confirm with the link in the mail."""

    confirm_view_class = BackerConfirmView
    code_models = (IdeaBacker,)
    code_submit_label = _("Confirm: I'm in")

    template_name = "ideen/backer_sent.html"
    page_title = _("Please confirm that you are in")

    def dispatch(self, request, *args, **kwargs):
        self.idea = get_object_or_404(Idea.objects.public(), pk=kwargs["pk"])
        response = super().dispatch(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def get_breadcrumbs(self):
        return [IDEAS, (self.idea.title, self.idea.get_absolute_url()), (self.page_title, None)]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            idea=self.idea, confirmation_hours=CONFIRMATION_HOURS, **kwargs
        )


class BackerManageView(BackerLinkMixin, TemplateView):
    """The personal link: withdraw, delete my address."""

    template_name = "ideen/backer_manage.html"

    def get(self, request, *args, **kwargs):
        backer = self.get_backer()
        if backer is None:
            return self.invalid_link()
        return self.render_to_response(self.backer_context(backer, _("You are in")))

    def post(self, request, *args, **kwargs):
        backer = self.get_backer()
        if backer is None:
            return self.invalid_link()
        action = request.POST.get("action")
        if action in ("cancel", "erase") and (action == "erase" or backer.can_cancel):
            if backer.purged_at:
                return redirect(request.path)
            if not self.confirmed_by_person():
                context = self.backer_context(backer, "")
                return self.confirm_step(context, action=action, entry=backer)
            if action == "cancel":
                submission_services.entry_cancel(entry=backer, base_url=self.get_base_url())
            else:
                submission_services.entry_erase(entry=backer, base_url=self.get_base_url())
        return redirect(request.path)
