from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from engagierte_stadt.views import BreadcrumbMixin
from quartiere.models import Quartier


class QuartierListView(BreadcrumbMixin, ListView):
    template_name = "quartiere/quartier_list.html"
    context_object_name = "districts"
    page_title = _("Districts and neighbourhoods")

    def get_queryset(self):
        return (
            Quartier.objects.filter(parent__isnull=True)
            .prefetch_related(Prefetch("children", queryset=Quartier.objects.order_by("name")))
            .order_by("name")
        )


class QuartierDetailView(BreadcrumbMixin, DetailView):
    template_name = "quartiere/quartier_detail.html"
    context_object_name = "quartier"
    queryset = Quartier.objects.with_parent().prefetch_related(
        Prefetch("children", queryset=Quartier.objects.order_by("name"))
    )

    def get_breadcrumbs(self):
        crumbs = [(_("Districts and neighbourhoods"), "quartiere:list")]
        if self.object.parent:
            crumbs.append((self.object.parent.name, self.object.parent.get_absolute_url()))
        crumbs.append((self.object.name, None))
        return crumbs
