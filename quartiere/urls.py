from django.urls import path

from quartiere import views

app_name = "quartiere"

urlpatterns = [
    path("", views.QuartierListView.as_view(), name="list"),
    path("<slug:slug>/", views.QuartierDetailView.as_view(), name="detail"),
]
