"""Server-side prepared statements for the prepared queries (engagierte_stadt/pgstatements.py,
issue #17): PostgreSQL keeps each prepared shape's statement per connection and runs it by
name with each call's values; what it refuses runs as a plain query, a failing query fails as
before, and the transaction around it stays usable."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from engagierte_stadt import pgstatements
from engagierte_stadt.prepared import Prepared
from quartiere.models import Project, Quartier
from tests.factories import ProjectFactory, QuartierFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
    ),
]


@pytest.fixture(autouse=True)
def no_statements_yet():
    """Each test starts without the statements that earlier tests left on the connection."""
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    connection.connection.prepared_statements.clear()


def server_statements() -> dict[str, str]:
    """{name: statement} of the prepared statements of this connection on the server."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, statement FROM pg_prepared_statements")
        return dict(cursor.fetchall())


def raw_cursor():
    connection.ensure_connection()
    return connection.connection.cursor()


IN_QUARTIER = Prepared(
    lambda p: (
        Project.objects.published()
        .in_quartier(Quartier(pk=p.quartier_id))
        .only("title")
        .order_by("title")
    )
)


def test_settings_give_postgresql_the_preparing_connection():
    connection.ensure_connection()
    assert isinstance(connection.connection, pgstatements.PreparingConnection)
    with connection.cursor() as cursor:
        assert isinstance(cursor.cursor, pgstatements.PreparingCursor)


def test_a_prepared_query_runs_as_a_statement_with_each_calls_values():
    welper, blankenstein = QuartierFactory(slug="welper"), QuartierFactory(slug="blankenstein")
    ProjectFactory(title="In Welper", quartier=welper)
    ProjectFactory(title="In Blankenstein", quartier=blankenstein)

    before = set(server_statements())  # earlier tests' statements on this connection
    with CaptureQueriesContext(connection) as captured:
        first = [p.title for p in IN_QUARTIER(quartier_id=welper.pk)]
        second = [p.title for p in IN_QUARTIER(quartier_id=blankenstein.pk)]
    assert first == ["In Welper"]
    assert second == ["In Blankenstein"]
    # Django (and the page cache's notes) see the usual SQL, once per call.
    assert len(captured) == 2
    assert captured[0]["sql"].startswith("SELECT") and "EXECUTE" not in captured[0]["sql"]

    statements = [
        text
        for name, text in server_statements().items()
        if name not in before and "quartiere_project" in text
    ]
    assert len(statements) == 1, statements  # prepared once, run twice
    assert "$1" in statements[0] and "%s" not in statements[0]

    # A new row shows at once: nothing but the plan is kept.
    ProjectFactory(title="Also in Welper", quartier=welper)
    assert [p.title for p in IN_QUARTIER(quartier_id=welper.pk)] == [
        "Also in Welper",
        "In Welper",
    ]


def test_what_the_server_refuses_to_prepare_runs_plain_and_the_transaction_goes_on():
    # "$1 + $2" has no types PostgreSQL can tell; the literals 1 + 2 have.
    sql = "SELECT %s + %s"
    pgstatements.register(sql)
    try:
        with transaction.atomic():
            cursor = raw_cursor()
            cursor.execute(sql, (1, 2))
            assert cursor.fetchone() == (3,)
            cursor.execute("SELECT 41 + 1")  # the transaction is not aborted
            assert cursor.fetchone() == (42,)
            cursor.execute(sql, (2, 2))  # refused once: plain from now on
            assert cursor.fetchone() == (4,)
        assert not [s for s in server_statements().values() if "$1 + $2" in s]
    finally:
        pgstatements._shapes.pop(sql, None)
        pgstatements._refused.discard(sql)


def test_a_failing_query_fails_as_usual_and_stays_prepared():
    sql = "SELECT 100 / %s"
    pgstatements.register(sql)
    try:
        cursor = raw_cursor()
        cursor.execute(sql, (4,))
        assert cursor.fetchone() == (25,)
        with pytest.raises(Exception, match="division by zero"):
            with transaction.atomic():
                connection.cursor().execute(sql, (0,))
        cursor = raw_cursor()
        cursor.execute(sql, (5,))
        assert cursor.fetchone() == (20,)
        assert sql not in pgstatements._refused
        assert [s for s in server_statements().values() if "100 / $1" in s]
    finally:
        pgstatements._shapes.pop(sql, None)


def test_a_literal_percent_sign_survives_preparing():
    sql = "SELECT %s || '%%'"
    pgstatements.register(sql)
    try:
        for value in ("50", "75"):
            cursor = raw_cursor()
            cursor.execute(sql, (value,))
            assert cursor.fetchone() == (value + "%",)
        assert sql not in pgstatements._refused
    finally:
        pgstatements._shapes.pop(sql, None)


def test_statements_per_connection_are_bounded(monkeypatch):
    monkeypatch.setattr(pgstatements, "MAX_STATEMENTS", 3)
    texts = [f"SELECT %s::int + {n}" for n in range(7)]
    try:
        for n, sql in enumerate(texts):
            pgstatements.register(sql)
            cursor = raw_cursor()
            cursor.execute(sql, (n,))
            assert cursor.fetchone() == (2 * n,)
        assert 1 <= len(server_statements()) <= 3
        assert len(connection.connection.prepared_statements) <= 3
    finally:
        for sql in texts:
            pgstatements._shapes.pop(sql, None)


def test_sql_that_is_no_prepared_shape_is_sent_as_it_is():
    before = set(server_statements())
    cursor = raw_cursor()
    cursor.execute("SELECT %s::int * 2", (21,))
    assert cursor.fetchone() == (42,)
    assert set(server_statements()) == before


def statement_with(text: str) -> dict:
    """The server's statement that contains `text`, with how often it was planned how."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            ["%" + text + "%"],
        )
        rows = cursor.fetchall()
    assert len(rows) == 1, rows
    return dict(zip(("statement", "generic_plans", "custom_plans"), rows[0], strict=True))


def test_a_shapes_constants_are_literals_and_other_values_get_a_statement_of_their_own():
    welper = QuartierFactory(slug="welper")
    ProjectFactory(title="Published", quartier=welper)
    ProjectFactory(title="Draft", quartier=welper, publication="draft")
    sql = (
        "SELECT title FROM quartiere_project WHERE publication = %s AND quartier_id = %s"
        " ORDER BY title"
    )
    pgstatements.register(sql, constants=[0])
    try:
        cursor = raw_cursor()
        cursor.execute(sql, ("published", welper.pk))
        assert cursor.fetchall() == [("Published",)]
        # The same SQL with another value where the shape has its constant (code that is no
        # prepared shape, say) never runs the statement with the wrong literal.
        cursor.execute(sql, ("draft", welper.pk))
        assert cursor.fetchall() == [("Draft",)]
        cursor.execute(sql, ("published", welper.pk))
        assert cursor.fetchall() == [("Published",)]

        published = statement_with("publication = 'published'")
        assert "quartier_id = $1" in published["statement"]
        assert statement_with("publication = 'draft'")
    finally:
        pgstatements._shapes.pop(sql, None)


def test_a_constant_is_only_a_literal_where_every_shape_of_the_sql_has_it():
    sql = "SELECT %s::text || %s::text || '%%'"
    pgstatements.register(sql, constants=[0, 1])
    pgstatements.register(sql, constants=[1])  # the same SQL, its first value a variable
    try:
        for first in ("50", "75"):
            cursor = raw_cursor()
            cursor.execute(sql, (first, "%"))
            assert cursor.fetchone() == (first + "%%",)
        statement = statement_with("::text || '%'")["statement"]
        assert "$1::text" in statement and "'%'::text" in statement
        assert sql not in pgstatements._refused
    finally:
        pgstatements._shapes.pop(sql, None)


def test_a_prepared_querys_constants_let_postgresql_keep_one_plan():
    """`status IN (…)` as parameters hid the public ideas' index from a plan made once for
    all values: PostgreSQL planned the Quartier page's queries again on every run."""
    welper = QuartierFactory(slug="welper")
    ProjectFactory(title="Published", quartier=welper)
    for _ in range(8):
        assert [p.title for p in IN_QUARTIER(quartier_id=welper.pk)] == ["Published"]
    statement = statement_with('FROM "quartiere_project"')
    assert "'published'" in statement["statement"]
    assert statement["generic_plans"] >= 1, statement


def test_equal_values_of_other_types_get_statements_of_their_own():
    # True == 1 in Python; in SQL the literal true is no 1.
    sql = "SELECT %s::text"
    pgstatements.register(sql, constants=[0])
    try:
        cursor = raw_cursor()
        cursor.execute(sql, (True,))
        assert cursor.fetchone() == ("true",)
        cursor.execute(sql, (1,))
        assert cursor.fetchone() == ("1",)
    finally:
        pgstatements._shapes.pop(sql, None)


# A fixed list whose only values are the time and an id: one plan for all values.
GENERIC_IN_QUARTIER = Prepared(
    lambda p: (
        Project.objects.published()
        .in_quartier(Quartier(pk=p.quartier_id))
        .only("slug")
        .order_by("slug")
    ),
    generic=True,
)


def test_a_generic_shape_is_planned_once_for_all_values_from_its_first_run():
    welper, blankenstein = QuartierFactory(slug="welper"), QuartierFactory(slug="blankenstein")
    ProjectFactory(slug="in-welper", quartier=welper)
    ProjectFactory(slug="in-blankenstein", quartier=blankenstein)
    assert [p.slug for p in GENERIC_IN_QUARTIER(quartier_id=welper.pk)] == ["in-welper"]
    statement = statement_with('"quartiere_project"."slug" FROM')
    # PostgreSQL's own choice plans the first five runs for their values.
    assert (statement["generic_plans"], statement["custom_plans"]) == (1, 0), statement
    assert [p.slug for p in GENERIC_IN_QUARTIER(quartier_id=blankenstein.pk)] == ["in-blankenstein"]
    assert statement_with('"quartiere_project"."slug" FROM')["custom_plans"] == 0


def test_a_shape_without_generic_keeps_postgresqls_choice_after_a_generic_one():
    welper = QuartierFactory(slug="welper")
    ProjectFactory(title="Published", slug="published", quartier=welper)
    GENERIC_IN_QUARTIER(quartier_id=welper.pk)
    assert [p.title for p in IN_QUARTIER(quartier_id=welper.pk)] == ["Published"]
    # Planned for its values, as PostgreSQL does the first runs: the session's mode is back.
    assert statement_with('"quartiere_project"."title" FROM')["custom_plans"] == 1
    GENERIC_IN_QUARTIER(quartier_id=welper.pk)
    assert statement_with('"quartiere_project"."slug" FROM')["custom_plans"] == 0


def test_a_generic_shape_stays_generic_after_a_rolled_back_transaction():
    welper = QuartierFactory(slug="welper")
    ProjectFactory(slug="published", quartier=welper)
    IN_QUARTIER(quartier_id=welper.pk)
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        GENERIC_IN_QUARTIER(quartier_id=welper.pk)  # sets the mode inside the savepoint
        raise ZeroDivisionError  # … whose rollback takes it back
    assert [p.slug for p in GENERIC_IN_QUARTIER(quartier_id=welper.pk)] == ["published"]
    assert statement_with('"quartiere_project"."slug" FROM')["custom_plans"] == 0


def test_the_same_sql_is_generic_only_if_every_shape_of_it_is():
    sql = "SELECT %s::int + 1"
    pgstatements.register(sql, generic=True)
    try:
        assert sql in pgstatements._generic
        pgstatements.register(sql)
        assert sql not in pgstatements._generic
        pgstatements.register(sql, generic=True)
        assert sql not in pgstatements._generic
    finally:
        pgstatements._shapes.pop(sql, None)
        pgstatements._generic.discard(sql)
