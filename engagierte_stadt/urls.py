from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from engagierte_stadt import views
from engagierte_stadt.submissions import views as submission_views

admin.site.site_header = _("Engagierte Stadt – administration")
admin.site.site_title = _("Engagierte Stadt")
admin.site.index_title = _("Portal content")

handler400 = "engagierte_stadt.views.bad_request"
handler403 = "engagierte_stadt.views.permission_denied"
handler404 = "engagierte_stadt.views.page_not_found"


urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    # /quartiere/, /projekte/ and /mitmachen/ with the pages below them.
    path("", include("quartiere.urls")),
    path("", include("konferenzen.urls")),
    path("", include("partner.urls")),
    path("aktuelles/", views.ArticleListView.as_view(), name="article_list"),
    path("aktuelles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("suche/", views.SearchView.as_view(), name="search"),
    path("barrierefreiheit/", views.AccessibilityView.as_view(), name="accessibility"),
    # Everything stored under the address a personal link proves (from every mail).
    path(
        "meine-daten/<str:token>/",
        submission_views.PersonalDataView.as_view(),
        name="personal_data",
    ),
    re_path(
        r"^meine-daten/(?P<token>[^/]+)/daten\.(?P<fmt>json|csv)$",
        submission_views.PersonalDataDownloadView.as_view(),
        name="personal_data_download",
    ),
    path("healthz/", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages without an icon link (the admin).
    path("favicon.ico", views.favicon),
    path("admin/", admin.site.urls),
    # Editable pages under their German names: /impressum/, /datenschutz/, …
    path("<slug:slug>/", views.PageView.as_view(), name="page"),
]

if settings.SERVE_MEDIA:
    urlpatterns.insert(
        0,
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    )
