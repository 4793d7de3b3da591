"""Quartier list and detail pages."""

import pytest

from quartiere.models import Quartier
from tests.factories import QuartierFactory
from tests.html import parse


def test_list_shows_districts_with_their_neighbourhoods(db, client):
    mitte = QuartierFactory(name="Hattingen-Mitte", slug="hattingen-mitte")
    QuartierFactory(
        name="Rauendahl", slug="rauendahl", kind=Quartier.Kind.NEIGHBOURHOOD, parent=mitte
    )
    html = client.get("/quartiere/").content.decode()
    assert 'href="/quartiere/hattingen-mitte/"' in html
    assert 'href="/quartiere/rauendahl/"' in html


def test_detail_shows_description_contact_and_parent(db, client):
    mitte = QuartierFactory(name="Hattingen-Mitte", slug="hattingen-mitte")
    QuartierFactory(
        name="Rauendahl",
        slug="rauendahl",
        kind=Quartier.Kind.NEIGHBOURHOOD,
        parent=mitte,
        description="Ein **lebendiges** Quartier.",
        population=4200,
        contact_name="Erika Muster",
        contact_email="quartier@hattingen.example",
    )
    response = client.get("/quartiere/rauendahl/")
    html = response.content.decode()
    assert parse(html).h1_texts == ["Rauendahl"]
    assert "<strong>lebendiges</strong>" in html
    assert "4200" in html
    assert "Erika Muster" in html and "mailto:quartier@hattingen.example" in html
    assert 'href="/quartiere/hattingen-mitte/"' in html


def test_unknown_quartier_gets_404(db, client):
    assert client.get("/quartiere/gibt-es-nicht/").status_code == 404


def test_empty_list_says_so(db, client):
    html = client.get("/quartiere/").content.decode()
    assert "Noch keine Stadtteile" in html


def test_quartier_cannot_be_its_own_ancestor(db):
    from django.core.exceptions import ValidationError

    a = QuartierFactory()
    b = QuartierFactory(parent=a)
    a.parent = b
    with pytest.raises(ValidationError):
        a.full_clean()


@pytest.mark.parametrize("count", [5, 200])
def test_list_query_budget_does_not_grow_with_rows(
    db, client, count, django_assert_max_num_queries
):
    parents = QuartierFactory.create_batch(count)
    for parent in parents[: count // 2]:
        QuartierFactory(parent=parent, kind=Quartier.Kind.NEIGHBOURHOOD)
    with django_assert_max_num_queries(10):
        assert client.get("/quartiere/").status_code == 200


@pytest.mark.parametrize("count", [5, 200])
def test_detail_query_budget_does_not_grow_with_children(
    db, client, count, django_assert_max_num_queries
):
    parent = QuartierFactory(slug="gross")
    for _ in range(count):
        QuartierFactory(parent=parent, kind=Quartier.Kind.NEIGHBOURHOOD)
    with django_assert_max_num_queries(10):
        assert client.get("/quartiere/gross/").status_code == 200
