"""Public addresses of the Quartiere, projects and opportunities.

They are printed on posters, so each section keeps its own short German path; the
project package includes this module at the root.
"""

from django.urls import path

from quartiere import views

app_name = "quartiere"

urlpatterns = [
    path("quartiere/", views.QuartierListView.as_view(), name="list"),
    path("quartiere/<slug:slug>/", views.QuartierDetailView.as_view(), name="detail"),
    path("projekte/", views.ProjectListView.as_view(), name="project_list"),
    path("projekte/<slug:slug>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("mitmachen/", views.OpportunityListView.as_view(), name="opportunity_list"),
    path(
        "mitmachen/<slug:slug>/",
        views.OpportunityDetailView.as_view(),
        name="opportunity_detail",
    ),
]
