"""News feed ("Aktuelles") as RSS 2.0 and Atom 1.0."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from engagierte_stadt.models import Article

FEED_ITEMS = 20


class ArticleFeed(Feed):
    title = _("News")
    link = reverse_lazy("article_list")
    description = _("News from the Engagierte Stadt.")

    def items(self):
        return Article.objects.published().latest_first()[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.teaser

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at


class ArticleAtomFeed(ArticleFeed):
    feed_type = Atom1Feed
    subtitle = ArticleFeed.description
