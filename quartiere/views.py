from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView, TemplateView

from engagierte_stadt.models import SiteSettings
from engagierte_stadt.prepared import Prepared, PreparedPrefetch
from engagierte_stadt.preview import DraftPreviewMixin
from engagierte_stadt.submissions.views import (
    SignupCheckMailView,
    SignupConfirmView,
    SignupFormMixin,
    SignupManageView,
)
from engagierte_stadt.viewmixins import BreadcrumbMixin, FilteredListMixin
from quartiere import finder, sections
from quartiere.alert_views import alert_url
from quartiere.filters import OpportunityFilter, ProjectFilter, finder_list_query
from quartiere.forms import FinderForm, OpportunitySignupForm
from quartiere.models import (
    OpenFirstList,
    Opportunity,
    Project,
    ProjectQuerySet,
    Quartier,
    Signup,
)

# How many projects and opportunities a Quartier page shows before linking to the full list.
QUARTIER_PAGE_LIMIT = 6
MORE_PROJECTS_LIMIT = 3


class QuartierListView(BreadcrumbMixin, ListView):
    template_name = "quartiere/quartier_list.html"
    context_object_name = "districts"
    page_title = _("Districts and neighbourhoods")

    def get_queryset(self):
        return DISTRICTS()


# A Quartier's neighbourhoods as the pages link them: name and address (and the parent the
# prefetch sorts them by), not their texts and contacts.
CHILD_LINKS = Quartier.objects.only("name", "slug", "parent").order_by("name")
# ... read by a query compiled once where the page's own query is prepared.
CHILDREN = PreparedPrefetch("children", queryset=CHILD_LINKS)
# The overview's districts with their neighbourhoods, compiled once per process.
DISTRICTS = Prepared(
    lambda p: (
        Quartier.objects.filter(parent__isnull=True)
        .only("name", "slug", "kind", "teaser", "teaser_en")
        .prefetch_related(CHILDREN)
        .order_by("name")
    ),
    generic=True,
)


# The Quartier page's own queries, each compiled once per process (engagierte_stadt.prepared).
QUARTIER_PROJECTS = Prepared(
    lambda p: (
        Project.objects.published()
        .in_quartier(Quartier(pk=p.quartier_id))
        .for_cards()
        .order_by("-publish_at", "pk")[: QUARTIER_PAGE_LIMIT + 1]
    ),
    generic=True,
)
QUARTIER_OPPORTUNITIES = Prepared(
    lambda p: (
        Opportunity.objects.published_row_by_row()
        .in_quartier_ids(p.quartier_ids)
        .open_free_places_first()
        .for_cards()[: QUARTIER_PAGE_LIMIT + 1]
    ),
    generic=True,
)


class QuartierDetailView(BreadcrumbMixin, DetailView):
    template_name = "quartiere/quartier_detail.html"
    context_object_name = "quartier"
    # Read through BreadcrumbMixin's prepared lookup (a keyed lookup for the page cache).
    queryset = Quartier.objects.with_parent().prefetch_related(CHILDREN)

    def get_breadcrumbs(self):
        crumbs = [(_("Districts and neighbourhoods"), "quartiere:list")]
        if self.object.parent:
            crumbs.append((self.object.parent.name, self.object.parent.get_absolute_url()))
        crumbs.append((self.object.name, None))
        return crumbs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # One row more than shown tells whether to link to the full list, without a count.
        projects = QUARTIER_PROJECTS(quartier_id=self.object.pk)
        opportunities = QUARTIER_OPPORTUNITIES(quartier_ids=self.object.own_and_inner_ids())
        context.update(
            projects=projects[:QUARTIER_PAGE_LIMIT],
            more_projects=len(projects) > QUARTIER_PAGE_LIMIT,
            opportunities=opportunities[:QUARTIER_PAGE_LIMIT],
            more_opportunities=len(opportunities) > QUARTIER_PAGE_LIMIT,
            filter_query=urlencode({"quartier": self.object.slug}),
            sections=sections.render_list("quartier", self.object),
            # Its own contact person, else the portal's (Quartiersentwicklung); the site
            # settings are the header's, so no second query.
            contact=self.object.contact(site=SiteSettings.for_request(self.request)),
            has_own_contact=bool(self.object.own_contact()),
        )
        return context


class ProjectListView(BreadcrumbMixin, FilteredListMixin, ListView):
    template_name = "quartiere/project_list.html"
    context_object_name = "projects"
    filterset_class = ProjectFilter
    page_title = _("Projects")

    def get_base_queryset(self):
        return Project.objects.published().for_cards().order_by("title", "pk")


# The project page's lists, compiled once per process (engagierte_stadt.prepared).
MORE_PROJECTS = Prepared(
    lambda p: (
        Project.objects.published()
        .in_quartier(Quartier(pk=p.quartier_id))
        .exclude(pk=p.project_id)
        .select_related("quartier")
        .only(*ProjectQuerySet.CARD_FIELDS)
        .order_by("-publish_at", "pk")[:MORE_PROJECTS_LIMIT]
    ),
    generic=True,
)
PROJECT_OPPORTUNITIES = Prepared(
    lambda p: (
        Opportunity.objects.published_row_by_row()
        .filter(project_id=p.project_id)
        .free_places_first()
        .for_cards()
    ),
    generic=True,
)


class ProjectDetailView(DraftPreviewMixin, BreadcrumbMixin, DetailView):
    model = Project
    template_name = "quartiere/project_detail.html"
    context_object_name = "project"
    preview_quartier_path = "quartier"

    def get_queryset(self):
        return self.visible(Project.objects.select_related("quartier"))

    def get_breadcrumbs(self):
        return [(_("Projects"), "quartiere:project_list"), (self.object.in_language("title"), None)]

    def get_context_data(self, **kwargs):
        project = self.object
        more_projects = MORE_PROJECTS(quartier_id=project.quartier_id, project_id=project.pk)
        # Topics and pictures of this project and of the "more" cards in one go.
        Project.objects.prefetch_cards([project, *more_projects])
        context = super().get_context_data(**kwargs)
        context.update(
            more_projects=more_projects,
            opportunities=PROJECT_OPPORTUNITIES(project_id=project.pk),
            quartier_query=urlencode({"quartier": project.quartier.slug}),
            sections=sections.render_list("project", project),
        )
        return context


class OpportunityListView(BreadcrumbMixin, FilteredListMixin, ListView):
    template_name = "quartiere/opportunity_list.html"
    context_object_name = "opportunities"
    filterset_class = OpportunityFilter
    page_title = _("Get involved")

    def get_base_queryset(self):
        return Opportunity.objects.published_row_by_row().for_cards()

    def get_queryset(self):
        # Open offers first, then the closed ones, each part read in index order.
        return OpenFirstList(super().get_queryset())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # "Benachrichtigen Sie mich" for the same filters (no query: the summary is there).
        context["alert_url"] = alert_url(context["query"])
        context["alert_description"] = context["filter_summary"]
        return context


class FinderView(BreadcrumbMixin, TemplateView):
    """GET /mitmachen/finden/: the Engagement-Finder's questions and, once asked, its results.

    The answers are GET parameters, so the address reproduces the results; the ranking is
    `quartiere.finder.find()`.
    """

    template_name = "quartiere/finder.html"
    page_title = _("Find a way to help")

    def get_breadcrumbs(self):
        return [(_("Get involved"), "quartiere:opportunity_list"), (self.page_title, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        choices = finder.Choices.load()
        form = FinderForm.state(self.request.GET, choices)
        context.update(form_html=form.html, form_has_errors=form.has_errors)
        if form.answers is not None:
            answers = form.answers
            result = finder.find(answers, choices, page_number=self.request.GET.get("page"))
            other_ways = []
            if result.few and result.place is not None:
                place = result.place
                quartier = Quartier(
                    pk=place.pk, slug=place.slug, name=place.name, parent_id=place.parent_id
                )
                other_ways = sections.render_list("finder", quartier)
                context["place_quartier"] = quartier
            context.update(
                answers=answers,
                result=result,
                other_ways=other_ways,
                alert_url=alert_url(finder_list_query(answers)),
                page_query=urlencode(
                    [
                        (key, value)
                        for key in self.request.GET
                        if key != "page"
                        for value in self.request.GET.getlist(key)
                    ]
                ),
            )
        return context


class OpportunityDetailView(DraftPreviewMixin, BreadcrumbMixin, DetailView):
    model = Opportunity
    template_name = "quartiere/opportunity_detail.html"
    context_object_name = "opportunity"
    preview_quartier_path = "quartier"

    def get_queryset(self):
        return self.visible(Opportunity.objects.for_detail())

    def visible(self, queryset):
        # One offer by its address: its own project row decides, not a list of every
        # published project's id (`published_row_by_row()`, issue #17).
        if not self.preview:
            return queryset.published_row_by_row()
        return super().visible(queryset)

    def get_breadcrumbs(self):
        return [
            (_("Get involved"), "quartiere:opportunity_list"),
            (self.object.in_language("title"), None),
        ]

    def get_context_data(self, **kwargs):
        # The preview of a draft shows no form: its sign-up address is not public yet.
        if self.object.accepts_signups and not self.preview and "signup_form" not in kwargs:
            kwargs["signup_form"] = OpportunitySignupForm(
                form_action=reverse("quartiere:opportunity_signup", args=[self.object.slug])
                + "#anmelden"
            )
        # The same contact the mails use; the site settings are the header's (no 2nd query).
        kwargs["contact"] = self.object.contact(site=SiteSettings.for_request(self.request))
        return super().get_context_data(**kwargs)


# --- sign-up (the shared engine's views, wired to opportunities) -----------------------------


class OpportunitySignupMixin:
    # Replies and "new sign-up" mails go to `Opportunity.contact()` (the engine asks it).
    signup_model = Signup


class OpportunitySignupView(OpportunitySignupMixin, SignupFormMixin, OpportunityDetailView):
    """POST /mitmachen/<slug>/anmelden/: the sign-up form of the opportunity page."""

    form_class = OpportunitySignupForm
    http_method_names = ["get", "post"]

    def get_form_action(self) -> str:
        return reverse("quartiere:opportunity_signup", args=[self.kwargs["slug"]])

    def get_success_url(self) -> str:
        return reverse("quartiere:opportunity_signup_sent", args=[self.kwargs["slug"]])


class OpportunitySignupConfirmView(OpportunitySignupMixin, SignupConfirmView):
    pass


class OpportunitySignupSentView(OpportunitySignupMixin, SignupCheckMailView):
    """After the form: please confirm with the code or the link in the mail."""

    confirm_view_class = OpportunitySignupConfirmView

    def get_target(self):
        return get_object_or_404(
            Opportunity.objects.published_row_by_row().select_related("project", "quartier"),
            slug=self.kwargs["slug"],
        )


class OpportunitySignupManageView(OpportunitySignupMixin, SignupManageView):
    pass
