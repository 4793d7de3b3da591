"""A small URLconf for the edge cases of `engagierte_stadt.urlwords` (see test_urlwords.py)."""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.urls import include, path, re_path


def view(request, **kwargs):
    return HttpResponse()


things = [
    path("neu/", view, name="new"),
    path("liste.csv", view),  # not a slug, so no slug can clash with it
    path("<str:token>/", view),  # a converter: no word
    path("<slug:slug>.ics", view),  # starts with a converter: no word
    path("<slug:slug>/", view, name="detail"),
    path("<slug:slug>/bilder/<int:number>/", view, name="picture"),
]

urlpatterns = [
    path("dinge/", include((things, "dinge"))),
    re_path(r"^dinge/archiv/(?P<year>[0-9]{4})/$", view),
    re_path(r"^hilfe\-seite/$", view),
    *i18n_patterns(path("ueber/", view), prefix_default_language=False),
    path("<slug:slug>/", view, name="page"),
]
