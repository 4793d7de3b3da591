"""Pages made for paper: the notice (Aushang) for a meeting, to hang up in the Quartier, and
the attendance list (Anwesenheitsliste) that staff take to the meeting.

Both are ordinary pages of the site on screen; their stylesheet (static/css/notice.css) sets
up an A4 page and hides everything but the sheet itself when printing.
"""

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView

from engagierte_stadt import audit
from engagierte_stadt.admin_scope import restrict
from engagierte_stadt.models import PersonalDataAccess, SiteSettings
from engagierte_stadt.qr import qr_code_svg
from engagierte_stadt.submissions.capacity import SignupStatus
from engagierte_stadt.viewmixins import BreadcrumbMixin
from konferenzen.calendar import meeting_page_url
from konferenzen.models import Meeting, Registration

# Empty rows at the end of the attendance list, for people who come without registering.
BLANK_ROWS = 10


class MeetingPrintMixin(BreadcrumbMixin):
    """Finds the meeting by conference and meeting address, with conference, Quartier and venue
    in the same query."""

    context_object_name = "meeting"
    print_label = ""

    def get_queryset(self):
        return Meeting.objects.select_related("conference__quartier", "venue")

    def get_object(self, queryset=None):
        queryset = self.get_queryset() if queryset is None else queryset
        return get_object_or_404(
            queryset, conference__slug=self.kwargs["conference"], slug=self.kwargs["slug"]
        )

    def get_page_title(self):
        meeting = self.object
        return f"{self.print_label}: {meeting.display_title} – {meeting.conference.title}"

    def get_breadcrumbs(self):
        meeting = self.object
        conference = meeting.conference
        return [
            (_("District conferences"), "konferenzen:overview"),
            (conference.title, conference.get_absolute_url()),
            (meeting.display_title, meeting.get_absolute_url()),
            (self.print_label, None),
        ]


class MeetingNoticeView(MeetingPrintMixin, DetailView):
    """The notice to print and hang up: when, where, agenda, how to take part, QR code."""

    template_name = "konferenzen/meeting_notice.html"
    print_label = _("Notice")

    def get_queryset(self):
        return super().get_queryset().prefetch_related("agenda_items")

    def get_context_data(self, **kwargs):
        meeting = self.object
        url = meeting_page_url(meeting)
        context = super().get_context_data(**kwargs)
        context.update(
            page_url=url,
            qr_code=qr_code_svg(url, _("QR code with the address %(url)s") % {"url": url}),
            contact=meeting.contact(site=SiteSettings.for_request(self.request)),
        )
        return context


@method_decorator(never_cache, name="dispatch")
@method_decorator(staff_member_required, name="dispatch")
class AttendanceListView(MeetingPrintMixin, PermissionRequiredMixin, DetailView):
    """The list to sign at the door: confirmed registrations by name, then the waiting list.

    Staff only, and only names: e-mail addresses and phone numbers stay in the admin. Each
    opening is recorded in the access log (`audit`), by the ids of the registrations. Only
    for meetings in the Quartiere the staff member works on; any other is not found (404).
    """

    template_name = "konferenzen/attendance_list.html"
    print_label = _("Attendance list")
    permission_required = "konferenzen.view_registration"
    raise_exception = True

    def get_queryset(self):
        return restrict(super().get_queryset(), self.request, "conference__quartier", personal=True)

    def get_context_data(self, **kwargs):
        registrations = list(
            Registration.objects.filter(
                meeting=self.object,
                status__in=[SignupStatus.CONFIRMED, SignupStatus.WAITING],
                purged_at__isnull=True,
            )
            .only("pk", "name", "status", "confirmed_at")
            .order_by(Lower("name"), "pk")
        )
        audit.access_record(
            request=self.request,
            kind=PersonalDataAccess.Kind.ATTENDANCE,
            model=Registration,
            ids=[r.pk for r in registrations],
        )
        confirmed = [r for r in registrations if r.takes_place]
        # The waiting list in the engine's order: who confirmed first moves up first.
        waiting = sorted(
            (r for r in registrations if r.is_waiting),
            key=lambda r: (r.confirmed_at is None, r.confirmed_at, r.pk),
        )
        kwargs.update(
            confirmed=confirmed,
            waiting=waiting,
            blank_rows=range(len(confirmed) + 1, len(confirmed) + 1 + BLANK_ROWS),
            # Who organises it, as on the notice and in the mails (`Meeting.contact`).
            contact=self.object.contact(site=SiteSettings.for_request(self.request)),
        )
        return super().get_context_data(**kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
