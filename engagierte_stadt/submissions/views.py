"""Views of the sign-up engine, for every model built on `SignupBase`.

An app wires them to its model and target (see `quartiere.views`):

- `SignupFormMixin` handles the POST of the sign-up form on the target's page: spam check
  (honeypot, fill time), validation, per-IP rate limit, `signup_submit`, the opt-in mail, then
  Post/Redirect/Get to a "please check your mail" page. Rejected posts store nothing and get
  one neutral message, whichever check failed.
- `SignupConfirmView` is the opt-in link. GET shows a button, POST confirms: mail scanners and
  link previews open links from mails with GET, and must not confirm (or take a place for)
  someone who never clicked. After confirming, the same address states plainly: a place, or the
  waiting list with the position.
- `SignupManageView` is the personal link: what is stored, cancel, delete my data now.
- `ConfirmByCodeMixin` puts a field for the code from the opt-in mail on the "please check
  your e-mail" page of every form of the engine: the form's redirect carries the entry's signed
  reference (`with_reference()`); a correct code confirms exactly as the link's button does
  (the opt-in view's `confirm_entry()`) and leads to the same page (`confirmed_url()`).

Pages behind a personal link send `Referrer-Policy: no-referrer`, `X-Robots-Tag: noindex`
(and a robots meta tag), are never cached, and set no cookie at all: their outcome comes from
the database, not from a message cookie, and their forms need no CSRF token (the personal token
in the address is the secret a forged request would lack).

Signing up again with an address that is already signed up gives the same page as a new
sign-up ("we have sent you an e-mail"), so the form does not tell a stranger whether an address
is signed up. The friendly message goes to the address itself: a new opt-in link if the sign-up
is still unconfirmed, or "you are already signed up" with a fresh personal link.
"""

import ipaddress
import json
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView, View
from django_ratelimit.core import is_ratelimited

from engagierte_stadt.submissions import mails, services
from engagierte_stadt.submissions.capacity import (
    ACTIVE_STATUSES,
    CONFIRMATION_HOURS,
    SignupStatus,
    signup_by_token,
    signup_confirm,
    signup_submit,
)
from engagierte_stadt.submissions.forms import STAMP_USED, TOO_FAST, ConfirmationCodeForm
from engagierte_stadt.submissions.submission import (
    CODE_MAX_TRIES,
    RESEND_AFTER,
    CodeResult,
    entries_of_address,
    find_by_token,
    submission_by_reference,
    submission_check_code,
)

logger = logging.getLogger(__name__)

# A stamp sent twice: a bot's replay, or a person's double click (then the first post went
# through, and the e-mail is on its way).
STAMP_USED_MESSAGE = _(
    "This form has already been sent. If you sent it just now, please look for our e-mail; "
    "otherwise please fill in the form again."
)
NEUTRAL_REJECTION = _(
    "Your sign-up could not be accepted just now. Please wait a moment and try again. "
    "If it still does not work, please contact the person named below."
)


def with_reference(url: str, entry) -> str:
    """The address of a "please check your e-mail" page that knows `entry` (for its code)."""
    if entry is None:
        return url
    return f"{url}?{urlencode({'ref': entry.confirmation_reference()})}"


def client_ip(request) -> str:
    """The visitor's IP address for the rate limit (`RATELIMIT_IP_META_KEY`).

    gunicorn passes the peer's address as REMOTE_ADDR; behind nginx or Apache that is the
    proxy for everyone. When the peer is a trusted proxy (`TRUSTED_PROXIES`, or a Unix socket),
    the visitor is the last X-Forwarded-For entry that is not itself a trusted proxy: the entry
    the proxy added, which a visitor cannot forge by sending the header.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = set(getattr(settings, "TRUSTED_PROXIES", []))
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and (not remote or remote in trusted):
        for entry in reversed(forwarded.split(",")):
            entry = entry.strip()
            if entry in trusted:
                continue
            try:
                return str(ipaddress.ip_address(entry))
            except ValueError:
                break
    try:
        return str(ipaddress.ip_address(remote))
    except ValueError:
        return "127.0.0.1"


class SignupFlowMixin:
    """What every sign-up view needs to know: the model, and who to tell, which is the
    target's contact person (`SignupTarget.contact()`), the same one its page names."""

    signup_model = None

    def get_base_url(self) -> str:
        return self.request.build_absolute_uri("/").rstrip("/")

    def get_reply_to(self, target) -> list[str]:
        """Where a person's reply goes: the contact's address, if it is public."""
        return target.contact().reply_to

    def get_contact_recipients(self, target) -> list[str]:
        """Who is told about a new confirmed sign-up: the contact, public address or not."""
        return target.contact().recipients


class SpamCheckedPostMixin:
    """The POST of every public form that stores personal data (sign-ups, "Partner werden",
    accessibility feedback): spam check (honeypot, fill time), validation, per-IP rate limit,
    then `form_valid()`. Rejected posts store nothing and get one neutral message, whichever
    check failed; a post sent too fast (perhaps autofill) keeps what was typed.

    A view provides `get_posted_form()`, `rebuild_form(data)` (the form again from data),
    `rejection_url()`, `form_invalid(form)` (422 with the errors) and `form_valid(form)`.
    """

    ratelimit_group = "submission-form"
    rejection_message = NEUTRAL_REJECTION

    def post(self, request, *args, **kwargs):
        form = self.get_posted_form()
        if form.is_spam():
            if form.spam_reason == TOO_FAST:
                return self.form_too_fast(form)
            if form.spam_reason == STAMP_USED:
                return self.reject(STAMP_USED_MESSAGE)
            return self.reject()
        if not form.is_valid():
            return self.form_invalid(form)
        if self.is_ratelimited():
            logger.info("%s rejected: rate limit", form.spam_log_name)
            return self.reject()
        return self.form_valid(form)

    def is_ratelimited(self) -> bool:
        """Count this accepted post against the visitor's address (off without Redis)."""
        return is_ratelimited(
            self.request,
            group=self.ratelimit_group,
            key="ip",
            rate=settings.SIGNUP_RATE_LIMIT,
            method="POST",
            increment=True,
        )

    def reject(self, message=None):
        messages.error(self.request, message or self.rejection_message)
        return redirect(self.rejection_url())

    def form_too_fast(self, form):
        """Show the typed form again with a fresh time stamp and the neutral message."""
        data = form.data.copy()
        data[form.add_prefix(form.STAMP)] = form.fill_stamp()
        form = self.rebuild_form(data)
        form.is_valid()
        form.add_error(None, self.rejection_message)
        return self.form_invalid(form)


class SignupFormMixin(SpamCheckedPostMixin, SignupFlowMixin):
    """POST of the sign-up form, on a view that shows the target (`get_object()`).

    The view renders the target's page with the bound form when it has errors (status 422,
    the input kept, errors next to the fields) and redirects after everything else.
    """

    form_class = None
    form_anchor = "anmelden"
    ratelimit_group = "signup-form"
    resend_after = RESEND_AFTER  # a second submit within it sends no new mail

    def get_target(self):
        return self.get_object()

    def get_form_action(self) -> str:
        raise NotImplementedError

    def get_success_url(self) -> str:
        raise NotImplementedError

    def get_signup_form(self, data=None):
        return self.form_class(data, form_action=self.get_form_action() + f"#{self.form_anchor}")

    def get_posted_form(self):
        return self.get_signup_form(self.request.POST)

    def rebuild_form(self, data):
        return self.get_signup_form(data)

    def target_accepts_signups(self, target) -> bool:
        return target.accepts_signups

    def target_page_url(self, target) -> str:
        return target.get_absolute_url() + f"#{self.form_anchor}"

    def get(self, request, *args, **kwargs):
        return redirect(self.target_page_url(self.get_target()))

    def post(self, request, *args, **kwargs):
        self.object = target = self.get_target()
        if not self.target_accepts_signups(target):
            messages.warning(request, _("Sign-up for this offer is closed."))
            return redirect(target.get_absolute_url())
        return super().post(request, *args, **kwargs)

    def rejection_url(self) -> str:
        """Where a rejected post goes: the top of the page, where the message is shown (and
        read out: role="alert")."""
        return self.object.get_absolute_url()

    def form_invalid(self, form):
        # 422: the page shows the form with its errors; nothing was stored.
        context = self.get_context_data(object=self.object, signup_form=form)
        return self.render_to_response(context, status=422)

    def form_valid(self, form):
        result = signup_submit(model=self.signup_model, target=self.object, **form.signup_data())
        self.notify_submitted(result)
        return HttpResponseRedirect(with_reference(self.get_success_url(), result.signup))

    def notify_submitted(self, result) -> None:
        """Mail the opt-in link, or for a repeated sign-up what the person needs now."""
        signup = result.signup
        base_url = self.get_base_url()
        reply_to = self.get_reply_to(signup.target)
        if result.created:
            mails.mail_signup_confirm_request(
                signup=signup, token=result.token, base_url=base_url, reply_to=reply_to
            )
            return
        if signup.status == SignupStatus.UNCONFIRMED:
            if signup.created_at > timezone.now() - self.resend_after:
                logger.info("sign-up %s submitted again at once: no new mail", signup.pk)
                return
            token = signup.personal_token()
            mails.mail_signup_confirm_request(
                signup=signup, token=token, base_url=base_url, again=True, reply_to=reply_to
            )
        else:
            token = signup.personal_token()
            mails.mail_signup_already(
                signup=signup, token=token, base_url=base_url, reply_to=reply_to
            )


class PersonalLinkMixin(SignupFlowMixin):
    """A page behind a personal link (token in the address)."""

    invalid_template_name = "signups/invalid_link.html"

    # No CSRF token: the unguessable token in the address does its job (a forged request from
    # another site would have to know it), and with `Referrer-Policy: no-referrer` browsers
    # send `Origin: null` with the form, which Django's origin check would refuse.
    @method_decorator(csrf_exempt)
    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        # The address holds the personal link: it must not leak as a referrer, get indexed
        # or stay in a shared cache.
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
        add_never_cache_headers(response)
        return response

    def get_signup(self):
        return signup_by_token(model=self.signup_model, token=self.kwargs["token"])

    def invalid_link(self):
        return self.response_class(
            request=self.request,
            template=[self.invalid_template_name],
            context={"page_title": _("This link is not valid")},
            status=404,
        )

    def link_expired(self, signup) -> bool:
        return signup.link_expired

    # The opt-in view of a model (its `<ROUTES>_confirm`) provides these two, so that a
    # correct code on the "check your e-mail" page confirms as its button does.

    def confirm_entry(self):
        """Confirm the entry of `self.kwargs["token"]` and send what follows (mails)."""
        raise NotImplementedError

    def confirmed_url(self) -> str:
        """Where the person sees the outcome after confirming."""
        raise NotImplementedError

    def confirm_step(self, context: dict, *, action: str, entry=None, entry_key: str = ""):
        """Ask once more before cancelling or deleting `entry` (or everything): a page with
        one button that sends the same request again, confirmed."""
        titles = {
            "cancel": _("Do you really want to cancel?"),
            "erase": _("Do you really want to delete your data?"),
            "erase_all": _("Do you really want to delete everything?"),
        }
        context = {
            **context,
            "page_title": titles[action],
            "action": action,
            "subject": entry.subject if entry is not None else "",
            "entry_key": entry_key,
            "back_url": self.request.path,
        }
        return self.response_class(
            request=self.request, template=["signups/confirm_step.html"], context=context
        )

    def confirmed_by_person(self) -> bool:
        return self.request.POST.get("confirmed") == "yes"

    def signup_context(self, signup, page_title) -> dict:
        target = signup.target
        return {
            "signup": signup,
            "target": target,
            "position": signup.waiting_position(),
            "is_active": signup.status in ACTIVE_STATUSES,
            "link_expired": self.link_expired(signup),
            "confirmation_hours": CONFIRMATION_HOURS,
            "page_title": page_title,
            "breadcrumbs": [
                (_("Home"), reverse("home")),
                (str(target), target.get_absolute_url()),
                (page_title, None),
            ],
            "confirm_url": reverse(
                mails.signup_route(self.signup_model, "confirm"), kwargs=self.kwargs
            ),
            "manage_url": reverse(
                mails.signup_route(self.signup_model, "manage"), kwargs=self.kwargs
            ),
            "personal_data_url": reverse("personal_data", kwargs=self.kwargs),
        }


class SignupConfirmView(PersonalLinkMixin, TemplateView):
    """The opt-in link: GET shows a button, POST confirms (see the module docstring)."""

    template_name = "signups/confirm.html"

    def get(self, request, *args, **kwargs):
        signup = self.get_signup()
        if signup is None or signup.purged_at:
            return self.invalid_link()
        title = (
            _("Confirm your sign-up")
            if signup.status == SignupStatus.UNCONFIRMED and not self.link_expired(signup)
            else _("Your sign-up")
        )
        return self.render_to_response(self.signup_context(signup, title))

    def post(self, request, *args, **kwargs):
        signup = self.get_signup()
        if signup is None or signup.purged_at:
            return self.invalid_link()
        self.confirm_entry()
        return redirect(self.confirmed_url())

    def confirm_entry(self):
        confirmed = signup_confirm(model=self.signup_model, token=self.kwargs["token"])
        # Of two clicks at once only the one that confirmed mails (the engine decides under
        # its lock).
        if confirmed is not None and confirmed.confirmed_now:
            self.notify_confirmed(confirmed)
        return confirmed

    def confirmed_url(self) -> str:
        return reverse(mails.signup_route(self.signup_model, "confirm"), kwargs=self.kwargs)

    def notify_confirmed(self, signup) -> None:
        base_url = self.get_base_url()
        mails.mail_signup_result(
            signup=signup,
            token=self.kwargs["token"],
            base_url=base_url,
            reply_to=self.get_reply_to(signup.target),
        )
        recipients = self.get_contact_recipients(signup.target)
        if recipients:
            mails.mail_signup_to_contact(signup=signup, recipients=recipients, base_url=base_url)
        else:
            logger.warning("sign-up %s confirmed, but its target has no contact address", signup.pk)


class SignupManageView(PersonalLinkMixin, TemplateView):
    """The personal link: what is stored, cancel (POST), delete my data now (POST)."""

    template_name = "signups/manage.html"

    def get(self, request, *args, **kwargs):
        signup = self.get_signup()
        if signup is None:
            return self.invalid_link()
        return self.render_to_response(self.signup_context(signup, _("Your sign-up")))

    def post(self, request, *args, **kwargs):
        signup = self.get_signup()
        if signup is None:
            return self.invalid_link()
        action = request.POST.get("action")
        if action == "cancel" and signup.can_cancel:
            if not self.confirmed_by_person():
                context = self.signup_context(signup, "")
                return self.confirm_step(context, action=action, entry=signup)
            services.entry_cancel(entry=signup, base_url=self.get_base_url())
        elif action == "erase" and not signup.purged_at:
            if not self.confirmed_by_person():
                context = self.signup_context(signup, "")
                return self.confirm_step(context, action=action, entry=signup)
            services.entry_erase(entry=signup, base_url=self.get_base_url())
        return redirect(request.path)


class ConfirmByCodeMixin:
    """The "please check your e-mail" page of a form of the engine: besides the link, the
    person may type the code from the mail here.

    The page knows the entry by the signed reference in its address (`?ref=`, from
    `with_reference()`) and in its form; `code_models` are the models it accepts. A correct
    code confirms as the opt-in link's button does (`confirm_view_class().confirm_entry()`)
    and redirects to the same page; a wrong one is said next to the field (422, the typed code
    kept), and after `CODE_MAX_TRIES` wrong ones only the link works (429). Without a valid
    reference (an old bookmark) the page shows no field, only the way by the link.
    """

    code_models: tuple = ()
    confirm_view_class = None
    code_submit_label = _("Confirm sign-up")

    def get_code_models(self):
        return self.code_models

    def dispatch(self, request, *args, **kwargs):
        # The page belongs to one entry (its reference): never kept by a cache, the page
        # cache included.
        response = super().dispatch(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    def code_reference(self) -> str:
        data = self.request.POST if self.request.method == "POST" else self.request.GET
        return (data.get("ref") or "")[:200]

    def code_entry(self):
        return submission_by_reference(self.code_reference(), among=self.get_code_models())

    def get_code_form(self, data=None):
        reference = self.code_reference()
        return ConfirmationCodeForm(
            data,
            initial={"ref": reference},
            form_action=self.request.path + "?" + urlencode({"ref": reference}),
            submit_label=self.code_submit_label,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "code_form" not in context and self.code_entry() is not None:
            context["code_form"] = self.get_code_form()
        context["code_max_tries"] = CODE_MAX_TRIES
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_code_form(request.POST)
        entry = self.code_entry()
        if entry is None:
            form.is_valid()
            form.add_error(
                "code" if "code" not in form.errors else None,
                _(
                    "This page is too old to confirm with a code. Please use the link in our "
                    "e-mail."
                ),
            )
            return self.code_refused(form, status=400)
        if not form.is_valid():
            return self.code_refused(form, status=422)
        check = submission_check_code(entry=entry, code=form.cleaned_data["code"])
        if check.result == CodeResult.CORRECT:
            return self.confirm_by_code(entry)
        status = 422
        if check.result == CodeResult.WRONG and check.tries_left:
            message = _(
                "This code is not right. Please check the 6 digits in our e-mail and try again."
            )
        elif check.result in (CodeResult.WRONG, CodeResult.LOCKED):
            message = _("Too many wrong codes. Please confirm with the link in our e-mail instead.")
            status = 429
        elif check.result == CodeResult.EXPIRED:
            message = _("This code has expired. Please fill in the form again.")
        else:
            message = _(
                "This code is no longer valid. If you have confirmed already, nothing more is "
                "needed; otherwise please use the link in our newest e-mail."
            )
        form.add_error("code", message)
        return self.code_refused(form, status=status)

    def code_refused(self, form, *, status: int):
        return self.render_to_response(self.get_context_data(code_form=form), status=status)

    def confirm_by_code(self, entry):
        """Confirm as the opt-in link's button would, and show the same page afterwards."""
        view = self.confirm_view_class()
        view.setup(self.request, token=entry.personal_token())
        view.confirm_entry()
        return redirect(view.confirmed_url())


class SignupCheckMailView(ConfirmByCodeMixin, SignupFlowMixin, TemplateView):
    """After the form: "please confirm with the code or the link in our e-mail". A concrete
    view names its opt-in view (`confirm_view_class`)."""

    def get_code_models(self):
        return (self.signup_model,)

    template_name = "signups/check_mail.html"

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def get_target(self):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        target = self.get_target()
        title = _("Please confirm your sign-up")
        context.update(
            target=target,
            page_title=title,
            confirmation_hours=CONFIRMATION_HOURS,
            resend_minutes=int(SignupFormMixin.resend_after.total_seconds() // 60),
            breadcrumbs=[
                (_("Home"), reverse("home")),
                (str(target), target.get_absolute_url()),
                (title, None),
            ],
        )
        return context


class PersonalDataView(PersonalLinkMixin, TemplateView):
    """/meine-daten/<token>/: everything the portal holds under the address a personal link
    proves — every sign-up, registration, wish, application and feedback — with cancel or
    delete per entry, "delete everything", and the downloads. Each step that cancels or deletes
    asks once more."""

    template_name = "signups/personal_data.html"

    def get_entry(self):
        return find_by_token(self.kwargs["token"])

    def get(self, request, *args, **kwargs):
        entry = self.get_entry()
        if entry is None:
            return self.invalid_link()
        return self.render_to_response(self.page_context(entry))

    def page_context(self, entry) -> dict:
        title = _("Your data")
        entries = [] if entry.purged_at else entries_of_address(entry.email)
        return {
            "page_title": title,
            "email": entry.email if not entry.purged_at else "",
            "entries": [(entry_key(item), item) for item in entries],
            "breadcrumbs": [(_("Home"), reverse("home")), (title, None)],
            "personal_data_url": self.request.path,
            "json_url": reverse("personal_data_download", kwargs={**self.kwargs, "fmt": "json"}),
            "csv_url": reverse("personal_data_download", kwargs={**self.kwargs, "fmt": "csv"}),
        }

    def post(self, request, *args, **kwargs):
        entry = self.get_entry()
        if entry is None:
            return self.invalid_link()
        if entry.purged_at:
            return redirect(request.path)
        action = request.POST.get("action")
        entries = {entry_key(item): item for item in entries_of_address(entry.email)}
        base_url = self.get_base_url()
        if action == "erase_all" and entries:
            if not self.confirmed_by_person():
                return self.confirm_step(self.page_context(entry), action=action)
            services.address_erase(email=entry.email, base_url=base_url)
        elif action in ("cancel", "erase"):
            key = request.POST.get("entry", "")
            chosen = entries.get(key)  # only entries of this address can be chosen
            if chosen is not None and (action == "erase" or chosen.can_cancel):
                if not self.confirmed_by_person():
                    return self.confirm_step(
                        self.page_context(entry), action=action, entry=chosen, entry_key=key
                    )
                if action == "cancel":
                    services.entry_cancel(entry=chosen, base_url=base_url)
                else:
                    services.entry_erase(entry=chosen, base_url=base_url)
        return redirect(request.path)


class PersonalDataDownloadView(PersonalLinkMixin, View):
    """…/daten.json and …/daten.csv: the person's data to take away (DSGVO Art. 15, 20)."""

    def get(self, request, *args, **kwargs):
        entry = find_by_token(self.kwargs["token"])
        if entry is None or entry.purged_at:
            return self.invalid_link()
        exported = [item.export() for item in entries_of_address(entry.email)]
        stem = f"meine-daten-{timezone.localdate():%Y-%m-%d}"
        if self.kwargs["fmt"] == "json":
            response = HttpResponse(
                json.dumps(
                    {
                        "email": entry.email,
                        "exported_at": timezone.localtime().isoformat(),
                        "entries": exported,
                    },
                    ensure_ascii=False,
                    indent=2,
                    cls=DjangoJSONEncoder,
                ),
                content_type="application/json; charset=utf-8",
            )
            response["Content-Disposition"] = f'attachment; filename="{stem}.json"'
        else:
            response = HttpResponse(
                services.export_csv(exported), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        logger.info("personal data of one address downloaded (%d entries)", len(exported))
        return response

    def invalid_link(self):
        return TemplateResponse(
            self.request,
            [self.invalid_template_name],
            {"page_title": _("This link is not valid")},
            status=404,
        )


def entry_key(entry) -> str:
    """How the personal page names an entry in its forms: model and number."""
    return f"{entry._meta.label_lower}.{entry.pk}"
