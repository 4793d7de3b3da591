"""The steps of a staff login after the password: the code, the enrolment of an app, and the
recovery codes (engagierte_stadt/second_factor.py says how they fit together)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from engagierte_stadt import second_factor
from engagierte_stadt.forms import SecondFactorCodeForm
from engagierte_stadt.models import RecoveryCodeDevice
from engagierte_stadt.qr import qr_code_svg
from engagierte_stadt.viewmixins import BreadcrumbMixin


@method_decorator(never_cache, name="dispatch")
class StaffStepMixin(BreadcrumbMixin):
    """Only for a logged-in staff member; everybody else goes to the login page."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not (user.is_authenticated and (user.is_staff or user.is_superuser)):
            return redirect(second_factor.with_next(reverse("admin:login"), request.path))
        self.next_url = second_factor.safe_next(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs(self):
        return [(self.get_page_title(), None)]

    def get_context_data(self, **kwargs):
        return super().get_context_data(next_url=self.next_url, **kwargs)

    def step_url(self, route: str) -> str:
        return second_factor.with_next(reverse(route), self.next_url)


class CodeFormMixin(StaffStepMixin):
    form_class = SecondFactorCodeForm

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.helper.form_action = self.request.get_full_path()
        return form

    def form_invalid(self, form):
        # 422: the page shows the form with the message next to the field.
        return self.render_to_response(self.get_context_data(form=form), status=422)


class SecondFactorView(CodeFormMixin, FormView):
    """The code step: the app's code or a recovery code."""

    template_name = "registration/second_factor.html"
    page_title = _("Confirm your login")

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and user.is_staff and user.is_verified():
            return redirect(second_factor.safe_next(request))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if not second_factor.has_confirmed_app(request.user):
            return redirect(self.step_url("staff_second_factor_enrol"))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not second_factor.has_confirmed_app(request.user):
            return redirect(self.step_url("staff_second_factor_enrol"))
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        user = self.request.user
        return {
            **super().get_form_kwargs(),
            "check": lambda code: second_factor.second_factor_check(user, code),
            "throttled": lambda code: second_factor.second_factor_throttled(user, code),
            "allow_recovery": True,
        }

    def form_valid(self, form):
        second_factor.second_factor_login(self.request, form.device)
        if isinstance(form.device, RecoveryCodeDevice):
            left = form.device.codes.count()
            messages.warning(
                self.request,
                ngettext(
                    "You logged in with a recovery code; it is now used up. "
                    "%(count)d recovery code is left.",
                    "You logged in with a recovery code; it is now used up. "
                    "%(count)d recovery codes are left.",
                    left,
                )
                % {"count": left},
            )
        return redirect(self.next_url)


class EnrolView(CodeFormMixin, FormView):
    """Set up the authenticator app: QR code, the key to type, and a code to confirm."""

    template_name = "registration/second_factor_enrol.html"
    page_title = _("Set up the second factor")

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if second_factor.needs_second_factor(user) and second_factor.has_confirmed_app(user):
            # Nobody replaces an app without passing the one they have (or a recovery code).
            return redirect(second_factor.with_next(reverse("staff_second_factor"), request.path))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        self.device = second_factor.pending_app(self.request.user)
        device = self.device
        return {
            **super().get_form_kwargs(),
            "check": lambda code: device if device.verify_token(code.replace(" ", "")) else None,
            "throttled": lambda code: not device.verify_is_allowed()[0],
            "allow_recovery": False,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["qr_code"] = qr_code_svg(
            self.device.config_url,
            _("QR code to scan with your authenticator app"),
            css_class="site-2fa__qr",
        )
        context["manual_key"] = second_factor.manual_key(self.device)
        return context

    def form_valid(self, form):
        second_factor.second_factor_enrol(self.request, device=form.device)
        return redirect(self.step_url("staff_recovery_codes"))


class RecoveryCodesView(StaffStepMixin, TemplateView):
    """The recovery codes, shown once after they are made; a verified staff member may make
    new ones (the old ones stop working)."""

    template_name = "registration/recovery_codes.html"
    page_title = _("Your recovery codes")

    def dispatch(self, request, *args, **kwargs):
        if second_factor.needs_second_factor(request.user):
            return redirect(second_factor.with_next(reverse("staff_second_factor"), request.path))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["codes"] = self.request.session.pop(second_factor.CODES_TO_SHOW, None)
        return context

    def post(self, request, *args, **kwargs):
        request.session[second_factor.CODES_TO_SHOW] = second_factor.recovery_codes_create(
            user=request.user
        )
        return redirect(self.step_url("staff_recovery_codes"))
