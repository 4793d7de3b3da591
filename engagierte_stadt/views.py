"""Site-wide pages: home, news, editable pages, accessibility feedback, errors."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, FormView, ListView, TemplateView
from django.views.static import serve

from engagierte_stadt import health, opendata, search, sharing
from engagierte_stadt.forms import AccessibilityFeedbackForm
from engagierte_stadt.models import AccessibilityStatement, Article, Page, SiteSettings
from engagierte_stadt.prepared import Fixed, Prepared
from engagierte_stadt.preview import DraftPreviewMixin
from engagierte_stadt.services import feedback_submit
from engagierte_stadt.submissions.views import SpamCheckedPostMixin
from engagierte_stadt.urlwords import prefixes_before
from engagierte_stadt.viewmixins import BreadcrumbMixin
from konferenzen.models import Meeting
from partner.models import Partner
from quartiere import models as quartiere_models
from quartiere.filters import quartier_choices
from quartiere.models import Opportunity, Project, Topic

# How many cards each section of the home page shows.
HOME_CARDS = 3
HOME_PARTNERS = 4


# The home page's sections, each compiled once per process (engagierte_stadt.prepared).
HOME_OPPORTUNITIES = Prepared(
    lambda p: (
        Opportunity.objects.published_row_by_row().open_with_free_places().for_cards()[:HOME_CARDS]
    ),
    generic=True,
)
HOME_MEETINGS = Prepared(
    lambda p: Meeting.objects.upcoming().for_cards()[:HOME_CARDS], generic=True
)
HOME_ARTICLES = Prepared(
    lambda p: Article.objects.published().latest_first().for_cards()[:HOME_CARDS],
    generic=True,
)
HOME_PROJECTS = Prepared(
    lambda p: (
        Project.objects.published()
        .featured()
        .for_cards()
        .order_by("-publish_at", "pk")[:HOME_CARDS]
    ),
    generic=True,
)
HOME_PARTNERS_QUERY = Prepared(
    lambda p: Partner.objects.published().card_columns().directory_order()[:HOME_PARTNERS],
    generic=True,
)


class HomeView(TemplateView):
    template_name = "engagierte_stadt/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Composed for the visitor who wants to help but does not know how yet: ways to help
        # with free places, the next district conferences, projects, news, partners. First
        # of all the finder's first questions, which need the Stadtteile (one query).
        context["finder_places"] = tuple(quartier_choices())  # a key of fixed_include
        context["open_opportunities"] = HOME_OPPORTUNITIES()
        context["next_meetings"] = HOME_MEETINGS()
        context["latest_articles"] = HOME_ARTICLES()
        context["featured_projects"] = HOME_PROJECTS()
        context["partners"] = HOME_PARTNERS_QUERY()
        context["structured_data"] = sharing.home_structured_data(
            SiteSettings.for_request(self.request),
            self.request.build_absolute_uri,
            search_url=reverse("search"),
        )
        return context


class ArticleListView(BreadcrumbMixin, ListView):
    template_name = "engagierte_stadt/article_list.html"
    context_object_name = "articles"
    paginate_by = 10
    page_title = _("News")

    def get_queryset(self):
        return Article.objects.published().latest_first().for_cards()


class ArticleDetailView(DraftPreviewMixin, BreadcrumbMixin, DetailView):
    model = Article
    template_name = "engagierte_stadt/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        # Staff may look at drafts and scheduled articles; everybody else sees published ones.
        if self.request.user.is_staff and not self.preview:
            return Article.objects.all()
        return self.visible(Article.objects.all())

    def get_breadcrumbs(self):
        return [(_("News"), "article_list"), (self.object.in_language("title"), None)]


# The search page's topics when it has no hits (compiled once per process).
POPULAR_TOPICS = Prepared(lambda p: Topic.objects.popular(cap=p.cap)[: p.count], generic=True)
PAGE_BY_SLUG = Prepared(lambda p: Page.objects.filter(slug=p.slug).order_by("pk")[:1], generic=True)


class PageView(BreadcrumbMixin, TemplateView):
    """An editable page under its fixed German address.

    A known page that staff have not written yet still answers, with a short notice,
    so that the footer never leads to an error page.
    """

    template_name = "engagierte_stadt/page_detail.html"

    def get_page(self):
        slug = self.kwargs["slug"]
        if slug not in Page.Slug.values:
            raise Http404
        found = PAGE_BY_SLUG(slug=slug)
        page = found[0] if found else None
        if page is None:
            page = Page(slug=slug, title=str(Page.Slug(slug).label))
        return page

    def get(self, request, *args, **kwargs):
        self.object = self.get_page()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs["page"] = self.object
        return super().get_context_data(**kwargs)


class AccessibilityView(SpamCheckedPostMixin, PageView, FormView):
    """Erklärung zur Barrierefreiheit with its feedback form (the engine's checked POST)."""

    template_name = "engagierte_stadt/accessibility.html"
    form_class = AccessibilityFeedbackForm
    ratelimit_group = "accessibility-feedback"
    rejection_message = _(
        "Your message could not be accepted just now. Please wait a moment and try again, "
        "or write to us by e-mail."
    )

    def get_page(self):
        self.kwargs["slug"] = Page.Slug.BARRIEREFREIHEIT
        return super().get_page()

    def post(self, request, *args, **kwargs):
        self.object = self.get_page()
        return super().post(request, *args, **kwargs)

    def get_posted_form(self):
        return self.get_form()

    def rebuild_form(self, data):
        return self.form_class(data)

    def rejection_url(self) -> str:
        return reverse("accessibility") + "#rueckmeldung"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statement"] = AccessibilityStatement.load()
        return context

    def form_invalid(self, form):
        # 422: the page shows the form with its errors; nothing was stored.
        return self.render_to_response(self.get_context_data(form=form), status=422)

    def form_valid(self, form):
        feedback_submit(
            message=form.cleaned_data["message"],
            page_url=form.cleaned_data["page_url"],
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            base_url=self.request.build_absolute_uri("/").rstrip("/"),
        )
        messages.success(
            self.request,
            _("Thank you. Your message has been sent to the editorial team."),
        )
        return redirect(reverse("accessibility") + "#rueckmeldung")


class SearchView(BreadcrumbMixin, TemplateView):
    """/suche/?q=…&art=…: every kind of published content, grouped; one kind paginated.

    A GET form, so a search is a link; suggestions ("Meinten Sie …?") when little is found.
    """

    template_name = "engagierte_stadt/search.html"
    page_title = _("Site search")
    max_query_length = 200
    # "Little": fewer hits than this and the vocabulary is asked for a better spelling.
    suggest_below = 3
    popular_topics = 6

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = " ".join(self.request.GET.get("q", "").split())[: self.max_query_length]
        kinds = dict(search.kinds())
        kind = self.request.GET.get("art", "")
        kind = kind if kind in kinds else None
        results = None
        suggestion = None
        if query:
            results = search.site_search(query, kind=kind, page=self.request.GET.get("page", 1))
            if results.total < self.suggest_below:
                suggestion = search.suggest(query)
        context.update(
            query=query,
            kind=kind,
            kind_label=kinds.get(kind),
            results=results,
            suggestion=suggestion,
            pagination_query=urlencode({"q": query, "art": kind or ""}),
        )
        if results is None or results.total == 0:
            context["topics"] = POPULAR_TOPICS(
                cap=Fixed(quartiere_models.POPULAR_COUNT_CAP), count=Fixed(self.popular_topics)
            )
        return context


class OpenDataView(BreadcrumbMixin, TemplateView):
    """/offene-daten/: the data sets with their fields, the licence and the catalogue."""

    template_name = "engagierte_stadt/open_data.html"
    page_title = _("Open data")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        site = SiteSettings.for_request(self.request)
        context.update(
            datasets=opendata.datasets(),
            licence=site.licence,
            page_size=opendata.PAGE_SIZE,
            list_separator=opendata.LIST_SEPARATOR,
            meta_description=_(
                "Projects, opportunities, district conferences and partners as open data "
                "(JSON and CSV) with documented fields and licence."
            ),
        )
        return context


def open_data_export(request, dataset: str, fmt: str):
    """One page (`?seite=N`, `opendata.PAGE_SIZE` rows) of a data set as JSON or CSV.

    Read-only and public: no cookie, any origin may read it (`Access-Control-Allow-Origin`).
    """
    found = opendata.get_dataset(dataset)
    if found is None:
        raise Http404
    absolute = request.build_absolute_uri
    page_obj, rows = found.page(request.GET.get("seite", 1), absolute)
    path = reverse("open_data_export", kwargs={"dataset": dataset, "fmt": fmt})

    def page_url(number: int) -> str:
        return absolute(f"{path}?seite={number}")

    info, links = opendata.pagination(page_obj, page_url)
    licence = SiteSettings.for_request(request).licence
    if fmt == "json":
        response = JsonResponse(
            {"data": rows, "pagination": info, "links": links, "license": licence.uri},
            json_dumps_params={"ensure_ascii": False, "indent": 1},
        )
    else:
        response = HttpResponse(
            opendata.to_csv(found.field_names, rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'inline; filename="{dataset}-{page_obj.number}.csv"'
        response["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())
    response["Access-Control-Allow-Origin"] = "*"
    return response


def open_data_catalogue(request):
    """The data sets as a DCAT-AP.de catalogue in JSON-LD."""
    site = SiteSettings.for_request(request)
    absolute = request.build_absolute_uri
    data = opendata.catalogue(
        site=site,
        licence=site.licence,
        absolute=absolute,
        page_url=reverse("open_data"),
        catalogue_url=absolute(reverse("open_data_catalogue")),
        export_url=lambda slug, fmt: absolute(
            reverse("open_data_export", kwargs={"dataset": slug, "fmt": fmt})
        ),
    )
    response = JsonResponse(
        data,
        content_type="application/ld+json",
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def robots_txt(request):
    """Crawlers: everything but the admin, search results and the personal links (their
    prefixes read from the URLconf); the sitemap for the rest."""
    lines = ["User-agent: *", "Disallow: /admin/"]
    # The search results in every language (/suche/, /en/suche/); the personal links' routes
    # already come once per language from the URLconf.
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            lines.append(f"Disallow: {reverse('search')}")
    lines += [f"Disallow: {prefix}" for prefix in prefixes_before("token")]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def media(request, path):
    """A file from MEDIA_ROOT (when the app serves /media/ itself), cacheable for
    `MEDIA_CACHE_SECONDS`: uploads get new names when they change (see the setting)."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    patch_cache_control(response, public=True, max_age=settings.MEDIA_CACHE_SECONDS)
    return response


def favicon(request):
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


@never_cache
def healthz(request):
    """200 `ok` when the portal can do its work; else 503 with the checks as JSON.

    See `engagierte_stadt.health`: database (own short-lived connection with timeouts), cache
    when configured, the mail outbox and the periodic jobs. Never slower than a few seconds.
    """
    healthy, checks = health.run_checks()
    if healthy:
        return HttpResponse("ok", content_type="text/plain")
    return JsonResponse({"status": "fail", "checks": checks}, status=503)


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)
