"""Public addresses of the district conferences (Stadtteilkonferenzen).

They are printed on notices (with a QR code), so they are short, German and stable: a meeting
keeps its address when it moves. Fixed words (archiv, anmeldung, wunsch, …) come before the
conference addresses; `Conference.clean()` refuses them as a conference's address (read from
these routes by `engagierte_stadt.urlwords`).
"""

from django.urls import path

from konferenzen import calendar, print_views, registration_views, views

app_name = "konferenzen"

urlpatterns = [
    path("stadtteilkonferenzen/", views.OverviewView.as_view(), name="overview"),
    path("stadtteilkonferenzen/archiv/", views.ArchiveIndexView.as_view(), name="archive"),
    path(
        "stadtteilkonferenzen/archiv/<int:year>/",
        views.ArchiveYearView.as_view(),
        name="archive_year",
    ),
    path("stadtteilkonferenzen/kalender.ics", calendar.all_meetings_feed, name="feed"),
    path(
        "stadtteilkonferenzen/quartier/<slug:slug>/kalender.ics",
        calendar.quartier_feed,
        name="quartier_feed",
    ),
    # Wishes for a new conference, and their personal links.
    path(
        "stadtteilkonferenzen/wunsch/<slug:slug>/",
        registration_views.WishView.as_view(),
        name="wish",
    ),
    path(
        "stadtteilkonferenzen/wunsch/<slug:slug>/danke/",
        registration_views.WishSentView.as_view(),
        name="wish_sent",
    ),
    path(
        "stadtteilkonferenzen/mein-wunsch/<str:token>/bestaetigen/",
        registration_views.WishConfirmView.as_view(),
        name="wish_confirm",
    ),
    path(
        "stadtteilkonferenzen/mein-wunsch/<str:token>/",
        registration_views.WishManageView.as_view(),
        name="wish_manage",
    ),
    # Personal links of registrations (from the mails).
    path(
        "stadtteilkonferenzen/anmeldung/<str:token>/bestaetigen/",
        registration_views.RegistrationConfirmView.as_view(),
        name="registration_confirm",
    ),
    path(
        "stadtteilkonferenzen/anmeldung/<str:token>/",
        registration_views.RegistrationManageView.as_view(),
        name="registration_manage",
    ),
    path(
        "stadtteilkonferenzen/<slug:slug>/",
        views.ConferenceDetailView.as_view(),
        name="conference_detail",
    ),
    path(
        "stadtteilkonferenzen/<slug:slug>/kalender.ics",
        calendar.conference_feed,
        name="conference_feed",
    ),
    path(
        "stadtteilkonferenzen/<slug:conference>/<slug:slug>/",
        views.MeetingDetailView.as_view(),
        name="meeting_detail",
    ),
    path(
        "stadtteilkonferenzen/<slug:conference>/<slug:slug>/termin.ics",
        calendar.meeting_ics,
        name="meeting_ics",
    ),
    path(
        "stadtteilkonferenzen/<slug:conference>/<slug:slug>/aushang/",
        print_views.MeetingNoticeView.as_view(),
        name="meeting_notice",
    ),
    path(
        "stadtteilkonferenzen/<slug:conference>/<slug:slug>/anwesenheitsliste/",
        print_views.AttendanceListView.as_view(),
        name="attendance_list",
    ),
    path(
        "stadtteilkonferenzen/<slug:conference>/<slug:slug>/anmelden/",
        registration_views.MeetingRegisterView.as_view(),
        name="meeting_register",
    ),
    path(
        "stadtteilkonferenzen/<slug:conference>/<slug:slug>/anmelden/danke/",
        registration_views.MeetingRegisterSentView.as_view(),
        name="meeting_register_sent",
    ),
]
