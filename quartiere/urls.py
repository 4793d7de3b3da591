"""Public addresses of the Quartiere, projects and opportunities.

They are printed on posters, so each section keeps its own short German path; the
project package includes this module at the root.
"""

from django.urls import path

from quartiere import alert_views, calendar, views

app_name = "quartiere"

urlpatterns = [
    path("quartiere/", views.QuartierListView.as_view(), name="list"),
    path("quartiere/<slug:slug>/", views.QuartierDetailView.as_view(), name="detail"),
    path("projekte/", views.ProjectListView.as_view(), name="project_list"),
    path("projekte/<slug:slug>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("mitmachen/", views.OpportunityListView.as_view(), name="opportunity_list"),
    path("mitmachen/finden/", views.FinderView.as_view(), name="finder"),
    # Personal links from the sign-up mails (see engagierte_stadt.submissions).
    path(
        "mitmachen/anmeldung/<str:token>/bestaetigen/",
        views.OpportunitySignupConfirmView.as_view(),
        name="signup_confirm",
    ),
    path(
        "mitmachen/anmeldung/<str:token>/",
        views.OpportunitySignupManageView.as_view(),
        name="signup_manage",
    ),
    # Alerts for new offers: the form, and the personal links from its mails.
    path(
        "mitmachen/benachrichtigung/",
        alert_views.AlertSubscribeView.as_view(),
        name="alert_subscribe",
    ),
    path(
        "mitmachen/benachrichtigung/danke/",
        alert_views.AlertSentView.as_view(),
        name="alert_sent",
    ),
    path(
        "mitmachen/benachrichtigung/<str:token>/bestaetigen/",
        alert_views.AlertConfirmView.as_view(),
        name="alert_confirm",
    ),
    path(
        "mitmachen/benachrichtigung/<str:token>/abmelden/",
        alert_views.AlertUnsubscribeView.as_view(),
        name="alert_unsubscribe",
    ),
    path(
        "mitmachen/benachrichtigung/<str:token>/",
        alert_views.AlertManageView.as_view(),
        name="alert_manage",
    ),
    path(
        "mitmachen/<slug:slug>/anmelden/",
        views.OpportunitySignupView.as_view(),
        name="opportunity_signup",
    ),
    path(
        "mitmachen/<slug:slug>/anmelden/danke/",
        views.OpportunitySignupSentView.as_view(),
        name="opportunity_signup_sent",
    ),
    path("mitmachen/<slug:slug>/termin.ics", calendar.opportunity_ics, name="opportunity_ics"),
    path(
        "mitmachen/<slug:slug>/",
        views.OpportunityDetailView.as_view(),
        name="opportunity_detail",
    ),
]
