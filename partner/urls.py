"""Public addresses of the partner directory. (Being built.)"""

from django.urls import path

from partner import views

app_name = "partner"

urlpatterns = [
    path("partner/", views.DirectoryView.as_view(), name="directory"),
]
