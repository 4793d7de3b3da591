from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from engagierte_stadt import second_factor_views, views
from engagierte_stadt.feeds import ArticleAtomFeed, ArticleFeed
from engagierte_stadt.sitemaps import ModelSitemap, RouteSitemap, content_sitemaps
from engagierte_stadt.submissions import views as submission_views
from partner import views as partner_views
from quartiere import views as quartiere_views
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
            "open_data",
        ]
    ),
    "quartiere": ModelSitemap(Quartier.objects.all, lastmod_field=None),
    **content_sitemaps(),
}

# Addresses for machines and staff: one address each, in no language prefix. The admin stays
# German; sitemap and robots.txt are read by programs and keep one stable address (the
# sitemap lists every page in every language). The feeds are text to read: below, per language.
urlpatterns = [
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
    # Open data: the DCAT-AP.de catalogue and one JSON and CSV file per data set (the page
    # that documents them is a public page below).
    path("offene-daten/katalog.jsonld", views.open_data_catalogue, name="open_data_catalogue"),
    re_path(
        r"^offene-daten/(?P<dataset>[a-z-]+)\.(?P<fmt>json|csv)$",
        views.open_data_export,
        name="open_data_export",
    ),
    path("healthz/", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages without an icon link (the admin).
    path("favicon.ico", views.favicon),
    # The second factor after the password (engagierte_stadt/second_factor.py).
    path(
        "admin/zwei-faktor/",
        second_factor_views.SecondFactorView.as_view(),
        name="staff_second_factor",
    ),
    path(
        "admin/zwei-faktor/einrichten/",
        second_factor_views.EnrolView.as_view(),
        name="staff_second_factor_enrol",
    ),
    path(
        "admin/zwei-faktor/wiederherstellungscodes/",
        second_factor_views.RecoveryCodesView.as_view(),
        name="staff_recovery_codes",
    ),
    path("admin/", admin.site.urls),
]

# The public pages: German at the printed addresses without a prefix, English under /en/…
# (LocaleMiddleware reads the language from the path only; see README "Languages"). New
# public pages go in here; the path words stay German in every language.
urlpatterns += i18n_patterns(
    path("", views.HomeView.as_view(), name="home"),
    # News and new opportunities as feeds, in the language of their address.
    path("aktuelles/rss.xml", ArticleFeed(), name="article_feed"),
    path("aktuelles/atom.xml", ArticleAtomFeed(), name="article_atom"),
    path("mitmachen/rss.xml", OpportunityFeed(), name="opportunity_feed"),
    path("mitmachen/atom.xml", OpportunityAtomFeed(), name="opportunity_atom"),
    # /quartiere/, /projekte/ and /mitmachen/ with the pages below them.
    path("", include("quartiere.urls")),
    path("", include("konferenzen.urls")),
    path("", include("partner.urls")),
    path("", include("ideen.urls")),
    path("aktuelles/", views.ArticleListView.as_view(), name="article_list"),
    path("aktuelles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    # Staff look at a draft as it will appear (engagierte_stadt/preview.py).
    path(
        "vorschau/aktuelles/<int:pk>/",
        views.ArticleDetailView.as_view(preview=True),
        name="preview_article",
    ),
    path(
        "vorschau/projekte/<int:pk>/",
        quartiere_views.ProjectDetailView.as_view(preview=True),
        name="preview_project",
    ),
    path(
        "vorschau/mitmachen/<int:pk>/",
        quartiere_views.OpportunityDetailView.as_view(preview=True),
        name="preview_opportunity",
    ),
    path(
        "vorschau/partner/<int:pk>/",
        partner_views.PartnerDetailView.as_view(preview=True),
        name="preview_partner",
    ),
    path("suche/", views.SearchView.as_view(), name="search"),
    path("offene-daten/", views.OpenDataView.as_view(), name="open_data"),
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
    # Editable pages under their German names: /impressum/, /datenschutz/, … (last: it takes
    # any single word).
    path("<slug:slug>/", views.PageView.as_view(), name="page"),
    prefix_default_language=False,
)

if settings.SERVE_MEDIA:
    urlpatterns.insert(
        0,
        re_path(r"^media/(?P<path>.*)$", views.media, name="media"),
    )
