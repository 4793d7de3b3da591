"""Public pages read only the columns they show (issue #17).

A list compiles, fetches and builds every column it selects into each row, and sorts them all
before it cuts out a page; so cards select their own columns (`for_cards()`), and no list reads
the search index. (A detail page reads its one row whole: leaving out a few columns of a wide
row costs Django more than it saves.) A deferred column that a page does read after all costs
a query per row: the English pages, which read the `_en` columns, must need exactly the queries
of the German ones.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engagierte_stadt.models import Article
from konferenzen.models import Conference, Meeting
from partner.models import Partner
from quartiere.models import Opportunity, Project

LISTS = [
    "/",
    "/mitmachen/",
    "/mitmachen/?quartier=welper",
    "/projekte/",
    "/quartiere/",
    "/quartiere/welper/",
    "/stadtteilkonferenzen/",
    "/partner/",
    "/partner/fuer-unternehmen/",
    "/aktuelles/",
    "/ideen/",
    "/mitmachen/finden/?stadtteil=welper&nachbarn=on&thema=nachbarschaft&kann=handwerk",
]

# Columns no list or card shows: the search index of every searchable row, and the long texts
# and private data of the rows cards stand for.
NEVER_IN_LISTS = [
    '"search_vector"',
    '"search_text"',
    '"quartiere_project"."description"',
    '"quartiere_project"."contact_email"',
    '"quartiere_opportunity"."description"',
    '"quartiere_opportunity"."requirements"',
    '"quartiere_opportunity"."contact_email"',
    '"konferenzen_meeting"."minutes_summary"',
    '"konferenzen_conference"."description"',
    '"partner_partner"."description"',
    '"partner_partner"."contact_email"',
    '"engagierte_stadt_article"."body"',
    '"ideen_idea"."email"',
    '"ideen_idea"."token_hash"',
]


def detail_pages() -> list[str]:
    """A page of each kind of row that shows other rows as cards or lists them."""
    meeting = Meeting.objects.upcoming().select_related("conference").first()
    return [
        Project.objects.published().order_by("pk").first().get_absolute_url(),
        Opportunity.objects.published().order_by("pk").first().get_absolute_url(),
        Conference.objects.order_by("pk").first().get_absolute_url(),
        meeting.get_absolute_url(),
        Partner.objects.published().order_by("pk").first().get_absolute_url(),
        Article.objects.published().order_by("pk").first().get_absolute_url(),
    ]


def read(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("url", LISTS)
def test_lists_read_neither_search_index_nor_long_texts(demo, client, url):
    for sql in read(client, url):
        for column in NEVER_IN_LISTS:
            assert column not in sql, (url, column, sql)


def test_english_pages_need_the_queries_of_the_german_ones(demo, client):
    """The English cards read the `_en` columns: loaded with the rows, never one by one."""
    for url in [*LISTS, *detail_pages()]:
        german = read(client, url)
        english = read(client, "/en" + url)
        assert len(english) == len(german), (url, english[len(german) :])
