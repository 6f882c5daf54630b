"""Whole model rows read with hand-written SQL, turned into instances exactly as the ORM turns them.

On every sync request, composing an ORM query, even a one-row look-up by key, costs ten to twenty times what
SQLite takes to run it (bench/ingest.py: 0.2 to 0.6 ms per query against 0.03 ms). The few reads on that path
write their SQL once: `RowShape.columns()` lists a model's columns under an alias, `RowShape.instance()` turns
the selected values back into an instance with the database's and the fields' own converters (what
`Model.from_db` gets from a queryset), so callers get what the ORM would have returned. `insert()` does the
same for writing one new row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import signals


class RowShape:
    """The concrete columns of a model (all of them, or all but `defer`) selected under a table alias."""

    def __init__(self, model: type[models.Model], alias: str, *, defer: Sequence[str] = ()) -> None:
        self.model = model
        self.alias = alias
        self.fields = [f for f in model._meta.concrete_fields if f.attname not in defer]
        self.attnames = [f.attname for f in self.fields]
        # Model.from_db looks each concrete field up in this when some are deferred: a set, not a list.
        self._field_names = frozenset(self.attnames) if defer else self.attnames
        self.width = len(self.fields)
        self._columns: dict[str, str] = {}
        self._converters: dict[str, list[tuple[int, list[Callable], Any]]] = {}

    def columns(self, connection: BaseDatabaseWrapper) -> str:
        """`alias."col", …` for a SELECT list, in the order `instance()` expects."""
        if connection.vendor not in self._columns:
            quote = connection.ops.quote_name
            self._columns[connection.vendor] = ", ".join(f"{self.alias}.{quote(f.column)}" for f in self.fields)
        return self._columns[connection.vendor]

    def _converters_for(self, connection: BaseDatabaseWrapper) -> list[tuple[int, list[Callable], Any]]:
        # As SQLCompiler.get_converters: the backend's converters for the column, then the field's.
        if connection.vendor not in self._converters:
            found = []
            for index, field in enumerate(self.fields):
                column = field.get_col(self.alias)
                converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
                if converters:
                    found.append((index, converters, column))
            self._converters[connection.vendor] = found
        return self._converters[connection.vendor]

    def instance(self, values: Sequence[Any], connection: BaseDatabaseWrapper) -> models.Model:
        """An instance from this shape's values (a slice of a fetched row), as a queryset would build it. Pass the
        connection itself (`connections[alias]`), not the `django.db.connection` proxy, which costs a look-up per
        attribute."""
        values = list(values)
        for index, converters, column in self._converters_for(connection):
            value = values[index]
            for converter in converters:
                value = converter(value, column, connection)
            values[index] = value
        return self.model.from_db(connection.alias, self._field_names, values)


_INSERTS: dict[tuple[type[models.Model], str], tuple[list[models.Field], str]] = {}


def insert(instance: models.Model, connection: BaseDatabaseWrapper) -> None:
    """Write a new instance as `instance.save(force_insert=True)` does (each field's `pre_save` and
    `get_db_prep_save`, the generated primary key set on the instance), with the INSERT written once per model
    rather than compiled on every call. When something listens to the model's pre_save or post_save signals (or
    the primary key is already set) it is simply `save(force_insert=True)`, so that no receiver is skipped."""
    model = type(instance)
    if instance.pk is not None or signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model):
        instance.save(force_insert=True, using=connection.alias)
        return
    meta = model._meta
    key = (model, connection.vendor)
    if key not in _INSERTS:
        fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field and not f.generated]
        quote = connection.ops.quote_name
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(meta.db_table), ", ".join(quote(f.column) for f in fields), ", ".join(["%s"] * len(fields))
        )
        if meta.auto_field is not None and connection.features.can_return_columns_from_insert:
            sql += f" RETURNING {quote(meta.auto_field.column)}"
        _INSERTS[key] = fields, sql
    fields, sql = _INSERTS[key]
    values = [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        if meta.auto_field is not None:
            if connection.features.can_return_columns_from_insert:
                new_id = cursor.fetchone()[0]
            else:
                new_id = connection.ops.last_insert_id(cursor, meta.db_table, meta.auto_field.column)
            setattr(instance, meta.auto_field.attname, new_id)
    instance._state.adding = False
    instance._state.db = connection.alias
