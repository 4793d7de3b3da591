"""Newly published opportunities as RSS 2.0 and Atom 1.0, for the whole town or narrowed
with the list's own GET parameters (`?quartier=welper`, `?topic=umwelt-und-klima`)."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from engagierte_stadt.search import plain_text
from quartiere.models import Opportunity, Quartier, Topic

FEED_ITEMS = 30


class OpportunityFeed(Feed):
    description = _("New ways to get involved in the Engagierte Stadt.")

    def get_object(self, request):
        """The narrowing as (Quartier or None, topic or None); an unknown value is a 404."""
        quartier_slug = request.GET.get("quartier", "")
        topic_slug = request.GET.get("topic", "")
        quartier = topic = None
        if quartier_slug:
            quartier = Quartier.objects.filter(slug=quartier_slug).first()
            if quartier is None:
                raise Http404
        if topic_slug:
            topic = Topic.objects.filter(slug=topic_slug).first()
            if topic is None:
                raise Http404
        return quartier, topic

    def title(self, obj):
        quartier, topic = obj
        parts = [str(_("New opportunities"))]
        parts += [part.name for part in (quartier, topic) if part is not None]
        return " – ".join(parts)

    def link(self, obj):
        quartier, topic = obj
        params = {}
        if quartier:
            params["quartier"] = quartier.slug
        if topic:
            params["topic"] = topic.slug
        url = reverse("quartiere:opportunity_list")
        return f"{url}?{urlencode(params)}" if params else url

    def items(self, obj):
        quartier, topic = obj
        opportunities = Opportunity.objects.published()
        if quartier is not None:
            opportunities = opportunities.in_quartier(quartier)
        if topic is not None:
            opportunities = opportunities.filter(project__topics=topic).distinct()
        return opportunities.order_by("-created_at", "-pk")[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return plain_text(item.description)

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at


class OpportunityAtomFeed(OpportunityFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description
