from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from engagierte_stadt import views
from engagierte_stadt.feeds import ArticleAtomFeed, ArticleFeed
from engagierte_stadt.sitemaps import ModelSitemap, RouteSitemap, content_sitemaps
from engagierte_stadt.submissions import views as submission_views
from quartiere.feeds import OpportunityAtomFeed, OpportunityFeed
from quartiere.models import Quartier

admin.site.site_header = _("Engagierte Stadt – administration")
admin.site.site_title = _("Engagierte Stadt")
admin.site.index_title = _("Portal content")

handler400 = "engagierte_stadt.views.bad_request"
handler403 = "engagierte_stadt.views.permission_denied"
handler404 = "engagierte_stadt.views.page_not_found"

SITEMAPS = {
    "uebersichten": RouteSitemap(
        [
            "home",
            "quartiere:list",
            "quartiere:project_list",
            "quartiere:opportunity_list",
            "konferenzen:overview",
            "partner:directory",
            "ideen:list",
            "article_list",
        ]
    ),
    "quartiere": ModelSitemap(Quartier.objects.all, lastmod_field=None),
    **content_sitemaps(),
}

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    # /quartiere/, /projekte/ and /mitmachen/ with the pages below them.
    path("", include("quartiere.urls")),
    path("", include("konferenzen.urls")),
    path("", include("partner.urls")),
    path("", include("ideen.urls")),
    path("aktuelles/", views.ArticleListView.as_view(), name="article_list"),
    path("aktuelles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("suche/", views.SearchView.as_view(), name="search"),
    path("aktuelles/rss.xml", ArticleFeed(), name="article_feed"),
    path("aktuelles/atom.xml", ArticleAtomFeed(), name="article_atom"),
    path("mitmachen/rss.xml", OpportunityFeed(), name="opportunity_feed"),
    path("mitmachen/atom.xml", OpportunityAtomFeed(), name="opportunity_atom"),
    # An index of one file per section: each stays under the 50 000 addresses a file may hold.
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", views.robots_txt, name="robots_txt"),
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
