"""Public addresses of the partner directory.

They are printed on flyers, so they are short, German and stable. The fixed words
(fuer-unternehmen, partner-werden, netzwerk, bewerbung) come before the partner addresses;
`Partner.clean()` refuses them as a partner's address (read from these routes by
`engagierte_stadt.urlwords`).
"""

from django.urls import path

from partner import views

app_name = "partner"

urlpatterns = [
    path("partner/", views.DirectoryView.as_view(), name="directory"),
    path("partner/fuer-unternehmen/", views.ForBusinessView.as_view(), name="for_business"),
    path("partner/partner-werden/", views.ApplicationFormView.as_view(), name="apply"),
    path("partner/partner-werden/danke/", views.ApplicationSentView.as_view(), name="apply_sent"),
    path("partner/netzwerk/", views.NetworkView.as_view(), name="network"),
    # Personal links from the application mails (the token is the key; only its hash is stored).
    path(
        "partner/bewerbung/<str:token>/bestaetigen/",
        views.ApplicationConfirmView.as_view(),
        name="application_confirm",
    ),
    path(
        "partner/bewerbung/<str:token>/",
        views.ApplicationManageView.as_view(),
        name="application_manage",
    ),
    path("partner/<slug:slug>/", views.PartnerDetailView.as_view(), name="detail"),
]
