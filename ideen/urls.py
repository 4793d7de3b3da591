"""Public addresses of the ideas: /ideen/ and below (short, German, printed on flyers)."""

from django.urls import path

from ideen import views

app_name = "ideen"

urlpatterns = [
    path("ideen/", views.IdeaListView.as_view(), name="list"),
    path("ideen/einreichen/", views.IdeaFormView.as_view(), name="propose"),
    path("ideen/einreichen/danke/", views.IdeaSentView.as_view(), name="propose_sent"),
    path(
        "ideen/einreichen/<slug:quartier>/",
        views.IdeaFormView.as_view(),
        name="propose_in",
    ),
    # Personal links from the mails (the token is the key; only its hash is stored).
    path(
        "ideen/idee/<str:token>/bestaetigen/",
        views.IdeaConfirmView.as_view(),
        name="idea_confirm",
    ),
    path("ideen/idee/<str:token>/", views.IdeaManageView.as_view(), name="idea_manage"),
    path(
        "ideen/mitmachen/<str:token>/bestaetigen/",
        views.BackerConfirmView.as_view(),
        name="backer_confirm",
    ),
    path("ideen/mitmachen/<str:token>/", views.BackerManageView.as_view(), name="backer_manage"),
    path("ideen/<int:pk>/", views.IdeaDetailView.as_view(), name="detail"),
    path("ideen/<int:pk>/mitmachen/", views.BackerFormView.as_view(), name="back"),
    path("ideen/<int:pk>/mitmachen/danke/", views.BackerSentView.as_view(), name="back_sent"),
]
