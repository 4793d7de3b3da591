"""Server-side prepared statements for the portal's prepared queries on PostgreSQL (issue #17).

`engagierte_stadt.prepared` compiles a page's queries to SQL once per shape; PostgreSQL still
parsed and planned each of them on every request: 0.7 to 2.6 ms of planning per page at 10x
the demo data, more than executing them took. Here each connection turns the SQL of a
prepared shape into a statement of its own (`PREPARE`, on its first use, in the same round
trip) and runs it by name afterwards (`EXECUTE name (values)`). PostgreSQL plans the first
five runs for their values and then keeps a generic plan where that is not dearer
(`plan_cache_mode`, default `auto`): it then neither parses nor plans. Where a generic plan
would be dearer (a Quartier's lists, the filtered lists: the values decide the plan) it
still plans for each run's values but no longer parses. Forcing generic plans on every
statement was measured and made the home page and /mitmachen/ ten times slower at 10x (before
constants became literals), and a /mitmachen/ filtered by dates still 12 times slower after.

A shape registered `generic` (a fixed list whose only values are the time, today and ids:
`Prepared(..., generic=True)`) runs with `plan_cache_mode = force_generic_plan` instead, from
its first run: for those PostgreSQL came to the same plan for all values but, as an unknown
time looks dearer to it, kept planning them anew (0.2 to 1 ms each; a Quartier page had 1.7
ms of such planning at 10x). The session's mode is switched by a `SET` sent in the same round
trip as the statement, only when the next statement wants the other mode.

A shape's constants (a status, a flag, a choice: the same on every call, but parameters to
Django) are written into the statement as literals, so the plan made once for all calls sees
them: with `status IN ($1, $2)` PostgreSQL could not use an index made for the public rows in
a generic plan and planned the Quartier page's lists again on every run (1.4 ms of its
database time at 10x). Each statement belongs to its SQL *and* the values of its constants:
the same SQL run with other values there gets a statement of its own.

Only SQL that `register()` names is prepared (`prepared.Prepared` names each shape's SQL, a
bounded set of texts); everything else, named (server-side) cursors and the admin's queries,
goes to the database as before.
The SQL Django's wrappers see (debug logging, the page cache's table notes, the tests'
query capture) is the usual text: this happens below them, in the psycopg2 cursor.

A statement PostgreSQL refuses to prepare (a parameter whose type it cannot tell) runs as a
plain query, and its SQL is never prepared again in this process. A statement that fails to
run fails as the plain query would. Inside a transaction the `PREPARE` is guarded by a
savepoint, so a refused one leaves the transaction usable. At most `MAX_STATEMENTS` per
connection (then `DEALLOCATE ALL`).

Off with DJANGO_DB_SERVER_PREPARE=off, e.g. behind PgBouncer in transaction mode, which does
not keep a session's prepared statements (docs/betrieb.md).
"""

import logging
import re

import psycopg2
import psycopg2.extensions

logger = logging.getLogger(__name__)

# SQL texts of prepared shapes (`register`), bounded: emptied when full.
MAX_SHAPES = 4096
# Statements kept per connection before `DEALLOCATE ALL`.
MAX_STATEMENTS = 512

# SQL texts of prepared shapes (`register`), each with the positions of its parameters that
# are constants of the shape; bounded: emptied when full.
_shapes: dict[str, tuple[int, ...]] = {}
# SQL texts of shapes whose plan is made once for all values from the first run (`register`).
_generic: set[str] = set()
_refused: set[str] = set()
# The two settings of `plan_cache_mode` a statement runs with.
GENERIC, AUTO = "force_generic_plan", "auto"
_PLACEHOLDER = re.compile(r"%[s%]")


def register(sql: str, constants=(), *, generic: bool = False) -> None:
    """Name `sql` (with psycopg2's `%s` placeholders) as the SQL of a prepared shape.

    `constants`: the positions of parameters that are the same on every call of the shape
    (a status, a flag, a choice: Django sends them as parameters all the same). They are
    written into the statement as literals, so PostgreSQL sees them when it plans it once for
    all calls: a generic plan with `status = $1` cannot use an index made for
    `status = 'published'`, and PostgreSQL planned such statements again on every run. The
    same SQL registered with other constants keeps only the positions constant in both.

    `generic`: run with one plan for all values from the first run on (`GENERIC`), where
    PostgreSQL's own choice (`AUTO`) would plan it anew on every run: a fixed list whose
    only values are the time and ids (see `prepared.Prepared`). The same SQL registered
    once without it is not generic."""
    if len(_shapes) >= MAX_SHAPES:
        _shapes.clear()
        _generic.clear()
    positions = frozenset(constants)
    known = _shapes.get(sql)
    if known is not None:
        positions &= frozenset(known)
        generic = generic and sql in _generic  # generic only if every shape of it is
    _shapes[sql] = tuple(sorted(positions))
    if generic:
        _generic.add(sql)
    else:
        _generic.discard(sql)


def statement(sql: str, literals: dict[int, str] | None = None) -> tuple[str, int]:
    """`sql` with `$1`, `$2` … for its placeholders (a literal `%` stays `%%`, as the text
    is sent through psycopg2's formatting), and the number of placeholders. A placeholder
    whose position is in `literals` becomes that SQL literal instead (its `%` doubled)."""
    count = 0
    position = -1
    literals = literals or {}

    def number(match):
        nonlocal count, position
        if match.group() == "%%":
            return "%%"
        position += 1
        if position in literals:
            return literals[position].replace("%", "%%")
        count += 1
        return f"${count}"

    return _PLACEHOLDER.sub(number, sql), count


class PreparingConnection(psycopg2.extensions.connection):
    """A connection that remembers which statements it has prepared."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # SQL (with the values of its constants) -> its EXECUTE
        self.prepared_statements: dict = {}
        self.prepared_count = 0
        # This session's `plan_cache_mode` as last set here (None: not known, so set it
        # before the next statement; a rolled back transaction takes a SET back). A wrong
        # guess costs time, never rows: a plan does not change what a query finds.
        self.plan_mode = None

    def rollback(self):
        self.plan_mode = None
        return super().rollback()


class PreparingCursor(psycopg2.extensions.cursor):
    """Runs the SQL of a prepared shape as a server-side prepared statement."""

    _usual = None

    @property
    def query(self):
        """The query as psycopg2 would have sent it without a statement (what Django's debug
        log and the tests' query capture show), not `EXECUTE name (...)`."""
        if self._usual is not None:
            return self.mogrify(*self._usual)
        return super().query

    def execute(self, query, vars=None):
        constants = _shapes.get(query) if vars is not None and self.name is None else None
        if constants is None:
            self._usual = None
            if isinstance(query, str) and query.startswith("ROLLBACK"):
                _forget_mode(self.connection)  # a savepoint's SET is taken back too
            return super().execute(query, vars)
        self._usual = (query, vars)
        known = getattr(self.connection, "prepared_statements", None)
        if known is None:  # not a PreparingConnection
            return super().execute(query, vars)
        # One statement per SQL and values of its constants: whatever runs this SQL with
        # other values there gets a statement of its own, never one with the wrong literals.
        try:
            # With the types: True == 1 in Python, not in SQL.
            key = (
                (query, tuple((type(vars[i]), vars[i]) for i in constants)) if constants else query
            )
            run = known.get(key)
        except (TypeError, IndexError, KeyError):  # a value without a hash (a list), …
            return super().execute(query, vars)
        if constants:
            variable = tuple(value for i, value in enumerate(vars) if i not in constants)
        else:
            variable = vars
        if run is not None:
            return self._run(query, run, variable)
        if query in _refused:
            return super().execute(query, vars)
        return self._prepare(query, vars, key, constants, variable, known)

    def _run(self, query, sql, variable):
        """`sql` (the statement's EXECUTE, or its PREPARE and EXECUTE), after the SET that
        makes this session plan `query`'s statement as registered (generic or PostgreSQL's
        choice) if the session is not set so already: in the same round trip."""
        connection = self.connection
        mode = GENERIC if query in _generic else AUTO
        if connection.plan_mode != mode:
            sql = f"SET plan_cache_mode = {mode}; {sql}"
        try:
            result = super().execute(sql, variable)
        except psycopg2.Error:
            connection.plan_mode = None
            raise
        connection.plan_mode = mode
        return result

    def _prepare(self, query, vars, key, constants, variable, known):
        connection = self.connection
        status = connection.get_transaction_status()
        if status == psycopg2.extensions.TRANSACTION_STATUS_INERROR:
            return super().execute(query, vars)
        if _PLACEHOLDER.findall(query).count("%s") != len(vars):
            return super().execute(query, vars)
        literals = {i: self.mogrify("%s", (vars[i],)).decode() for i in constants}
        text, count = statement(query, literals)
        if len(known) >= MAX_STATEMENTS:
            super().execute("DEALLOCATE ALL")
            known.clear()
        connection.prepared_count += 1
        name = f"es_{connection.prepared_count}"
        run = f"EXECUTE {name}" + (f" ({', '.join(['%s'] * count)})" if count else "")
        in_transaction = (
            not connection.autocommit or status != psycopg2.extensions.TRANSACTION_STATUS_IDLE
        )
        if in_transaction:
            try:
                prepare = f"PREPARE {name} AS {text}"
                super().execute(
                    f"SAVEPOINT es_prepare; {prepare}; RELEASE SAVEPOINT es_prepare", ()
                )
            except psycopg2.Error:
                super().execute("ROLLBACK TO SAVEPOINT es_prepare; RELEASE SAVEPOINT es_prepare")
                self._refuse(query)
                return super().execute(query, vars)
            known[key] = run
            return self._run(query, run, variable)
        try:
            # One round trip: the statement, and its first run.
            result = self._run(query, f"PREPARE {name} AS {text}; {run}", variable)
        except psycopg2.Error:
            # Refused, or the query itself failed: the plain query tells which.
            result = super().execute(query, vars)
            self._refuse(query)
            return result
        known[key] = run
        return result

    @staticmethod
    def _refuse(query):
        _refused.add(query)
        logger.info("Not prepared on the server (runs as a plain query): %.200s", query)


def _forget_mode(connection) -> None:
    if isinstance(connection, PreparingConnection):
        connection.plan_mode = None
