"""A one-view Django app: the yardstick that bench/pages.py compares every page with.

Served by the same gunicorn as the portal (`gunicorn bench.bare.app`), so the ratio page ÷ bare
shows what the portal adds on top of Django, gunicorn and the machine. It has no database,
no templates and no middleware: the cheapest response Django can give.
"""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bare-benchmark-view-without-secrets",  # noqa: S106
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={},
    USE_I18N=False,
)


def hello(request):
    return HttpResponse("Hallo Hattingen", content_type="text/plain; charset=utf-8")


urlpatterns = [path("", hello)]

application = get_wsgi_application()
