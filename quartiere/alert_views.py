"""Pages of the alerts for new offers ("Benachrichtigen Sie mich").

The list of offers (/mitmachen/) links to the form with its filters (`?suche=`), which the form
carries in a hidden field; the list itself has no form, so it sets no cookie. The POST is the
engine's checked POST (honeypot, fill time, rate limit). The personal link leads to the
subscription's page (what it looks for, unsubscribe); the unsubscribe link in every mail shows
one button, and mail programs that offer one-click unsubscribe (RFC 8058) POST to the same
address. Pages behind the link send the engine's headers (no referrer, not indexed, never
cached, no cookie).
"""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from engagierte_stadt.submissions.submission import CONFIRMATION_HOURS, submission_by_token
from engagierte_stadt.submissions.views import (
    ConfirmByCodeMixin,
    PersonalLinkMixin,
    SpamCheckedPostMixin,
    with_reference,
)
from engagierte_stadt.viewmixins import BreadcrumbMixin
from quartiere import alerts
from quartiere.filters import describe_query
from quartiere.forms import AlertForm
from quartiere.models import AlertStatus, AlertSubscription

OFFERS = (_("Get involved"), "quartiere:opportunity_list")


def alert_url(query: str = "") -> str:
    """The form's page for a list's current filters (`?suche=` carries them)."""
    url = reverse("quartiere:alert_subscribe")
    return f"{url}?{urlencode({'suche': query})}" if query else url


class AlertSubscribeView(SpamCheckedPostMixin, BreadcrumbMixin, FormView):
    """/mitmachen/benachrichtigung/: the form on its own page (GET, with `?suche=` carrying
    the list's filters), and the POST of the form under the list."""

    template_name = "quartiere/alert_form.html"
    form_class = AlertForm
    page_title = _("Notify me about new offers")
    ratelimit_group = "alert-form"
    rejection_message = _(
        "Your request could not be accepted just now. Please wait a moment and try again."
    )

    def get_breadcrumbs(self):
        return [OFFERS, (self.page_title, None)]

    def get_initial(self):
        return {"query": self.request.GET.get("suche", "")[:500]}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        query = form["query"].value() or ""
        context["description"] = describe_query(query)
        context["list_url"] = reverse("quartiere:opportunity_list") + (f"?{query}" if query else "")
        return context

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["form_action"] = reverse("quartiere:alert_subscribe") + "#alarm"
        return kwargs

    def get_posted_form(self):
        return self.get_form()

    def rebuild_form(self, data):
        return self.form_class(data, form_action=reverse("quartiere:alert_subscribe") + "#alarm")

    def rejection_url(self) -> str:
        return reverse("quartiere:alert_subscribe")

    def form_invalid(self, form):
        # 422: the page shows the form with its errors; nothing was stored.
        return self.render_to_response(self.get_context_data(form=form), status=422)

    def form_valid(self, form):
        result = alerts.alert_submit(
            email=form.cleaned_data["email"],
            query=form.cleaned_data.get("query") or "",
            frequency=form.cleaned_data["frequency"],
        )
        subscription = result.subscription
        if result.created or subscription.status == AlertStatus.UNCONFIRMED:
            alerts.mail_confirm_request(
                subscription=subscription,
                base_url=self.request.build_absolute_uri("/").rstrip("/"),
            )
        return redirect(with_reference(reverse("quartiere:alert_sent"), subscription))


class AlertLinkMixin(PersonalLinkMixin):
    """A page behind a subscription's personal link."""

    def get_subscription(self):
        return submission_by_token(model=AlertSubscription, token=self.kwargs["token"])

    def alert_context(self, subscription, page_title) -> dict:
        token = self.kwargs["token"]
        return {
            "subscription": subscription,
            "page_title": page_title,
            "confirmation_hours": CONFIRMATION_HOURS,
            "breadcrumbs": [
                (_("Home"), reverse("home")),
                (OFFERS[0], reverse(OFFERS[1])),
                (page_title, None),
            ],
            "confirm_url": reverse("quartiere:alert_confirm", kwargs={"token": token}),
            "manage_url": reverse("quartiere:alert_manage", kwargs={"token": token}),
            "unsubscribe_url": reverse("quartiere:alert_unsubscribe", kwargs={"token": token}),
            "personal_data_url": reverse("personal_data", kwargs={"token": token}),
        }


class AlertConfirmView(AlertLinkMixin, TemplateView):
    """The opt-in link: GET shows a button, POST confirms (mail scanners open links)."""

    template_name = "quartiere/alert_confirm.html"

    def get(self, request, *args, **kwargs):
        subscription = self.get_subscription()
        if subscription is None or subscription.purged_at:
            return self.invalid_link()
        return self.render_to_response(self.alert_context(subscription, _("Your alert")))

    def post(self, request, *args, **kwargs):
        subscription = self.get_subscription()
        if subscription is None or subscription.purged_at:
            return self.invalid_link()
        self.confirm_entry()
        return redirect(self.confirmed_url())

    def confirm_entry(self):
        return alerts.alert_confirm(token=self.kwargs["token"])

    def confirmed_url(self) -> str:
        return reverse("quartiere:alert_manage", kwargs={"token": self.kwargs["token"]})


class AlertSentView(ConfirmByCodeMixin, BreadcrumbMixin, TemplateView):
    """After the form: "please confirm with the code or the link in our e-mail"."""

    confirm_view_class = AlertConfirmView
    code_models = (AlertSubscription,)
    code_submit_label = _("Confirm alert")

    template_name = "quartiere/alert_sent.html"
    page_title = _("Please confirm your alert")

    def get_breadcrumbs(self):
        return [OFFERS, (self.page_title, None)]

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(confirmation_hours=CONFIRMATION_HOURS, **kwargs)


class AlertManageView(AlertLinkMixin, TemplateView):
    """The subscription's page: what it looks for, how often, unsubscribe, all my data."""

    template_name = "quartiere/alert_manage.html"

    def get(self, request, *args, **kwargs):
        subscription = self.get_subscription()
        if subscription is None:
            return self.invalid_link()
        if not subscription.purged_at:
            alerts.alert_seen(subscription)
        return self.render_to_response(self.alert_context(subscription, _("Your alert")))


class AlertUnsubscribeView(AlertLinkMixin, TemplateView):
    """The unsubscribe link of every mail: GET shows one button, POST unsubscribes at once
    (also the one-click POST of mail programs, RFC 8058)."""

    template_name = "quartiere/alert_unsubscribe.html"

    def get(self, request, *args, **kwargs):
        subscription = self.get_subscription()
        if subscription is None:
            return self.invalid_link()
        return self.render_to_response(self.alert_context(subscription, _("Unsubscribe")))

    def post(self, request, *args, **kwargs):
        subscription = self.get_subscription()
        if subscription is None:
            return self.invalid_link()
        if subscription.can_cancel:
            subscription.cancel_submission()
        return redirect("quartiere:alert_manage", token=self.kwargs["token"])
