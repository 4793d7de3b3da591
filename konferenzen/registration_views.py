"""Registration for meetings and wishes for a new conference, on the shared sign-up engine.

A registration is an opportunity sign-up with another target: the same engine functions, the
same views (`engagierte_stadt.submissions.views`), the same form base and the same mails. Only the
wiring differs: the meeting is the target, and its contact person (`Meeting.contact()`: the
conference's, else the Quartier's, else the portal's) hears of new registrations and gets the
replies.

A wish ("I wish for a district conference in …") uses the same engine with the Quartier as the
target. A Quartier has no places, so a confirmed wish never waits; the wish has its own page,
mails and wording, and the Quartier's contact (`Quartier.contact()`) hears of it. A Quartier
that already has an active conference (its own, or one of its neighbourhoods') sends visitors
to that conference instead of taking wishes.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from engagierte_stadt.submissions.capacity import CONFIRMATION_HOURS
from engagierte_stadt.submissions.views import (
    SignupCheckMailView,
    SignupConfirmView,
    SignupFormMixin,
    SignupManageView,
)
from engagierte_stadt.viewmixins import BreadcrumbMixin
from konferenzen.forms import RegistrationForm, WishForm
from konferenzen.models import Conference, ConferenceWish, Meeting, Registration
from konferenzen.views import MeetingDetailView
from quartiere.models import Quartier

# --- registration for a meeting ----------------------------------------------------------


class RegistrationMixin:
    signup_model = Registration


class MeetingRegisterView(RegistrationMixin, SignupFormMixin, MeetingDetailView):
    """POST …/<conference>/<meeting>/anmelden/: the registration form of the meeting page."""

    form_class = RegistrationForm
    http_method_names = ["get", "post"]

    def get_form_action(self) -> str:
        return reverse("konferenzen:meeting_register", kwargs=self.kwargs)

    def get_success_url(self) -> str:
        return reverse("konferenzen:meeting_register_sent", kwargs=self.kwargs)

    def post(self, request, *args, **kwargs):
        meeting = self.get_target()
        if not meeting.accepts_signups:
            # Cancelled, begun or registration switched off: nothing is stored.
            messages.warning(request, _("Registration for this meeting is closed."))
            return redirect(meeting.get_absolute_url())
        return super().post(request, *args, **kwargs)

    def get_target(self):
        if not hasattr(self, "_target"):
            self._target = self.get_object()
        return self._target


class RegistrationConfirmView(RegistrationMixin, SignupConfirmView):
    pass


class MeetingRegisterSentView(RegistrationMixin, SignupCheckMailView):
    """After the form: please confirm with the code or the link in the mail."""

    confirm_view_class = RegistrationConfirmView

    def get_target(self):
        return get_object_or_404(
            Meeting.objects.select_related("conference", "venue"),
            conference__slug=self.kwargs["conference"],
            slug=self.kwargs["slug"],
        )


class RegistrationManageView(RegistrationMixin, SignupManageView):
    pass


# --- wishes for a conference ---------------------------------------------------------------


WISH_REJECTION = _(
    "Your wish could not be accepted just now. Please wait a moment and try again. "
    "If it still does not work, please contact us."
)


class WishMixin:
    signup_model = ConferenceWish


class WishPageMixin(BreadcrumbMixin):
    """Title and breadcrumbs of the wish pages (the Quartier is `self.object`)."""

    def get_page_title(self):
        return _("I wish for a district conference in %(name)s") % {"name": self.object.name}

    def get_breadcrumbs(self):
        return [
            (_("District conferences"), "konferenzen:overview"),
            (self.get_page_title(), None),
        ]


class WishView(WishMixin, SignupFormMixin, WishPageMixin, DetailView):
    """/stadtteilkonferenzen/wunsch/<quartier>/: the wish form (GET) and its POST."""

    model = Quartier
    template_name = "konferenzen/wish_form.html"
    context_object_name = "quartier"
    form_class = WishForm
    form_anchor = "wunsch"
    rejection_message = WISH_REJECTION
    http_method_names = ["get", "post"]

    def get_target(self):
        if not hasattr(self, "_target"):
            self._target = self.get_object()
        return self._target

    def get_form_action(self) -> str:
        return reverse("konferenzen:wish", kwargs={"slug": self.kwargs["slug"]})

    def get_success_url(self) -> str:
        return reverse("konferenzen:wish_sent", kwargs={"slug": self.kwargs["slug"]})

    def get(self, request, *args, **kwargs):
        self.object = quartier = self.get_target()
        if conference := Conference.objects.active_for(quartier):
            return redirect(conference)
        return self.render_to_response(self.get_context_data(object=quartier))

    def post(self, request, *args, **kwargs):
        if conference := Conference.objects.active_for(self.get_target()):
            # A conference exists (perhaps founded since the form was shown): no wish needed.
            return redirect(conference)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        if "signup_form" not in kwargs:
            kwargs["signup_form"] = self.get_signup_form()
        # Counted as on the Quartier page: wishes for it and for the Quartiere inside it.
        quartier = self.object
        kwargs["wish_count"] = ConferenceWish.objects.confirmed().in_quartier(quartier).count()
        kwargs["confirmation_hours"] = CONFIRMATION_HOURS
        return super().get_context_data(**kwargs)

    def rejection_url(self) -> str:
        return self.get_form_action()


def _wish_breadcrumbs(quartier, title) -> list:
    return [
        (_("Home"), reverse("home")),
        (_("District conferences"), reverse("konferenzen:overview")),
        (quartier.name, quartier.get_absolute_url()),
        (title, None),
    ]


class WishLinkMixin(WishMixin):
    """The personal-link pages of a wish: wish wording, the same engine behind them."""

    invalid_template_name = "konferenzen/wish_invalid_link.html"

    def wish_title(self, signup):
        return _("Your wish")

    def signup_context(self, signup, page_title) -> dict:
        page_title = self.wish_title(signup)
        context = super().signup_context(signup, page_title)
        quartier = signup.target
        context.update(
            breadcrumbs=_wish_breadcrumbs(quartier, page_title),
            wish_url=reverse("konferenzen:wish", kwargs={"slug": quartier.slug}),
        )
        return context


class WishConfirmView(WishLinkMixin, SignupConfirmView):
    template_name = "konferenzen/wish_confirm.html"

    def wish_title(self, signup):
        if signup.is_unconfirmed and not self.link_expired(signup):
            return _("Confirm your wish")
        return _("Your wish")


class WishSentView(WishMixin, SignupCheckMailView):
    """After the wish form: please confirm with the code or the link in the mail."""

    template_name = "konferenzen/wish_sent.html"
    confirm_view_class = WishConfirmView
    code_submit_label = _("Confirm wish")

    def get_target(self):
        return get_object_or_404(Quartier, slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        title = _("Please confirm your wish")
        context.update(page_title=title, breadcrumbs=_wish_breadcrumbs(context["target"], title))
        return context


class WishManageView(WishLinkMixin, SignupManageView):
    template_name = "konferenzen/wish_manage.html"
