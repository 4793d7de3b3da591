"""Stored place counters: how many sign-ups of a target hold a place and how many wait.

A list of 30 000 opportunities sorted by free places cannot count every opportunity's
sign-ups per request. So a target model with limited places subclasses `PlaceCounters` (its
part of the engine's contract, next to `SignupTarget`): its row carries `places_taken`
(confirmed sign-ups) and `places_waiting` (sign-ups on the waiting list), and every page,
list, ordering, dashboard figure and fill mail reads them instead of counting.

Who keeps them right: the database, by a trigger on each sign-up table that adds and
subtracts on every insert, delete and change of status or target. That makes every write
path count alike — the engine's confirm, cancel, move-up and staff entry, the admin's edits
and deletes, erase and purge (which keep the rows and their status: the counts survive as
anonymous numbers), bulk loaders, fixtures, raw updates — and the trigger runs in the
transaction of the change. The engine locks the target row (`SELECT … FOR UPDATE`) before it
changes a status, so the trigger's update of that row happens under the engine's lock and the
capacity decision reads counters no other transaction can move meanwhile.

The triggers are (re)installed after every `migrate` and dropped before it
(`connect_signals`), so no migration of the tables they touch has to know about them (SQLite
rebuilds a table to alter it, which would lose or break a trigger); after installing them the
counters are recounted once. `recount_places()` (`manage.py recount_places`) recounts by hand,
for loaders that write past the database's triggers and as a check. This module imports no app.
"""

import logging

from django.db import connections, models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# The statuses that are counted: a place, the waiting list (the values of `SignupStatus`).
TAKEN, WAITING = "confirmed", "waiting"


class PlaceCounters(models.Model):
    """The counter fields of a target with places (an opportunity, a meeting)."""

    places_taken = models.PositiveIntegerField(
        _("places taken"),
        default=0,
        editable=False,
        help_text=_("Confirmed sign-ups, counted by the database."),
    )
    places_waiting = models.PositiveIntegerField(
        _("on the waiting list"),
        default=0,
        editable=False,
        help_text=_("Sign-ups on the waiting list, counted by the database."),
    )

    class Meta:
        abstract = True


def has_counters(target_model) -> bool:
    return issubclass(target_model, PlaceCounters)


def counted_models() -> list:
    """Every concrete sign-up model whose target keeps `PlaceCounters`."""
    from engagierte_stadt.submissions.capacity import SignupBase
    from engagierte_stadt.submissions.submission import submission_models

    return [
        model
        for model in submission_models()
        if issubclass(model, SignupBase) and has_counters(target_model_of(model))
    ]


def target_model_of(model):
    return model._meta.get_field(model.TARGET_FIELD).related_model


def free_places_expression():
    """`places - places_taken` on a target row, None for unlimited places."""
    return models.Case(
        models.When(places__isnull=True, then=models.Value(None)),
        default=models.F("places") - models.F("places_taken"),
        output_field=models.IntegerField(),
    )


def is_full_expression():
    """True when every place of the row is taken (unlimited ones never are).

    A plain boolean of the row's own columns (never NULL), so that an index can hold it and
    an ordered list can read that index (`quartiere`'s `opportunity_open_order`)."""
    return models.ExpressionWrapper(
        models.Q(places__isnull=False, places__lte=models.F("places_taken")),
        output_field=models.BooleanField(),
    )


def has_free_place_q() -> models.Q:
    """The opposite of `is_full_expression()` as a filter: unlimited, or a place left. Written
    as the condition of an index states it (`opportunity_free_order`), so the planner sees that
    the index fits."""
    return models.Q(places__isnull=True) | models.Q(places__gt=models.F("places_taken"))


# --- the triggers ------------------------------------------------------------------------


def _names(model) -> dict:
    target = target_model_of(model)
    field = model._meta.get_field(model.TARGET_FIELD)
    return {
        "trigger": f"{model._meta.db_table}_place_counters",
        "table": model._meta.db_table,
        "fk": field.column,
        "target": target._meta.db_table,
        "pk": target._meta.pk.column,
    }


def _delta(row: str, sign: str) -> str:
    return (
        f"places_taken = places_taken {sign} CASE WHEN {row}.status = '{TAKEN}' "
        f"THEN 1 ELSE 0 END, "
        f"places_waiting = places_waiting {sign} CASE WHEN {row}.status = '{WAITING}' "
        f"THEN 1 ELSE 0 END"
    )


def trigger_sql(model, vendor: str) -> list[str]:
    """The statements that install the counting triggers of a sign-up model (idempotent)."""
    n = _names(model)
    counted = f"('{TAKEN}', '{WAITING}')"
    minus = f"UPDATE {n['target']} SET {_delta('OLD', '-')} WHERE {n['pk']} = OLD.{n['fk']}"
    plus = f"UPDATE {n['target']} SET {_delta('NEW', '+')} WHERE {n['pk']} = NEW.{n['fk']}"
    if vendor == "postgresql":
        return [
            f"""CREATE OR REPLACE FUNCTION {n["trigger"]}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.status IS NOT DISTINCT FROM NEW.status
     AND OLD.{n["fk"]} IS NOT DISTINCT FROM NEW.{n["fk"]} THEN
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' AND OLD.status IN {counted} THEN
    {minus};
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.status IN {counted} THEN
    {plus};
  END IF;
  RETURN NULL;
END $$""",
            f"CREATE OR REPLACE TRIGGER {n['trigger']} "
            f"AFTER INSERT OR DELETE OR UPDATE OF status, {n['fk']} ON {n['table']} "
            f"FOR EACH ROW EXECUTE FUNCTION {n['trigger']}()",
        ]
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER IF NOT EXISTS {n['trigger']}_insert AFTER INSERT ON {n['table']} "
            f"WHEN NEW.status IN {counted} BEGIN {plus}; END",
            f"CREATE TRIGGER IF NOT EXISTS {n['trigger']}_delete AFTER DELETE ON {n['table']} "
            f"WHEN OLD.status IN {counted} BEGIN {minus}; END",
            f"CREATE TRIGGER IF NOT EXISTS {n['trigger']}_update "
            f"AFTER UPDATE OF status, {n['fk']} ON {n['table']} "
            f"WHEN OLD.status IS NOT NEW.status OR OLD.{n['fk']} IS NOT NEW.{n['fk']} "
            f"BEGIN {minus}; {plus}; END",
        ]
    raise NotImplementedError(f"place counters need triggers for {vendor}")


def drop_sql(model, vendor: str) -> list[str]:
    n = _names(model)
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {n['trigger']} ON {n['table']}",
            f"DROP FUNCTION IF EXISTS {n['trigger']}()",
        ]
    return [
        f"DROP TRIGGER IF EXISTS {n['trigger']}_{event}" for event in ("insert", "delete", "update")
    ]


def _tables_exist(connection, model) -> bool:
    n = _names(model)
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    return {n["table"], n["target"]} <= tables


def _target_columns_exist(connection, model) -> bool:
    n = _names(model)
    with connection.cursor() as cursor:
        columns = {
            column.name
            for column in connection.introspection.get_table_description(cursor, n["target"])
        }
    return {"places_taken", "places_waiting"} <= columns


def install_triggers(using: str = "default") -> int:
    """Install the triggers of every counted sign-up model whose tables are there, then
    recount (what changed while there were none is counted now). Returns how many models."""
    connection = connections[using]
    installed = 0
    for model in counted_models():
        if not (_tables_exist(connection, model) and _target_columns_exist(connection, model)):
            continue
        with connection.cursor() as cursor:
            for sql in trigger_sql(model, connection.vendor):
                cursor.execute(sql)
        installed += 1
    if installed:
        recount_places(using=using)
    return installed


def drop_triggers(using: str = "default") -> None:
    """Remove the triggers (before `migrate`, so schema changes never meet them)."""
    connection = connections[using]
    for model in counted_models():
        if not _tables_exist(connection, model):
            continue
        with connection.cursor() as cursor:
            for sql in drop_sql(model, connection.vendor):
                cursor.execute(sql)


def counted_places(model, status: str):
    """A subquery: the sign-ups of `model` with `status` of the target row outside."""
    return Coalesce(
        models.Subquery(
            model.objects.filter(**{model.TARGET_FIELD: models.OuterRef("pk")}, status=status)
            .order_by()
            .values(model.TARGET_FIELD)
            .annotate(n=models.Count("pk"))
            .values("n"),
            output_field=models.IntegerField(),
        ),
        0,
    )


def recount_places(using: str = "default") -> int:
    """Set every counter that differs from a fresh count of its sign-ups to that count;
    returns how many rows were wrong (0 when the triggers kept them right).

    For loaders that write past the triggers, and as the check of the consistency test.
    """
    wrong = 0
    for label, ids in wrong_counters(using=using).items():
        model = next(m for m in counted_models() if target_model_of(m)._meta.label == label)
        target_model_of(model).objects.using(using).filter(pk__in=ids).update(
            places_taken=counted_places(model, TAKEN),
            places_waiting=counted_places(model, WAITING),
        )
        logger.warning("place counters of %d %s recounted", len(ids), label)
        wrong += len(ids)
    return wrong


def wrong_counters(using: str = "default") -> dict[str, list]:
    """{target label: pks whose counters differ from a fresh count} (empty when right)."""
    found = {}
    for model in counted_models():
        target = target_model_of(model)
        ids = list(
            target.objects.using(using)
            .annotate(
                fresh_taken=counted_places(model, TAKEN),
                fresh_waiting=counted_places(model, WAITING),
            )
            .filter(
                ~models.Q(places_taken=models.F("fresh_taken"))
                | ~models.Q(places_waiting=models.F("fresh_waiting"))
            )
            .values_list("pk", flat=True)
        )
        if ids:
            found[target._meta.label] = ids
    return found


def _before_migrate(sender, using="default", **kwargs):
    drop_triggers(using=using)


def _after_migrate(sender, using="default", **kwargs):
    install_triggers(using=using)


def connect_signals(app_config) -> None:
    """Drop the triggers before `migrate` and put them back after it (once per run: the
    signals are sent for every app, `dispatch_uid` and the sender keep it to one)."""
    from django.db.models.signals import post_migrate, pre_migrate

    pre_migrate.connect(_before_migrate, sender=app_config, dispatch_uid="place-counters-pre")
    post_migrate.connect(_after_migrate, sender=app_config, dispatch_uid="place-counters-post")
    # The triggers write the targets' rows behind the ORM's back: the page cache is told, so a
    # list of opportunities is made anew whenever a sign-up is written (whoever writes it).
    from engagierte_stadt import pagecache

    for model in counted_models():
        pagecache.writes_also_change(model._meta.db_table, target_model_of(model)._meta.db_table)
