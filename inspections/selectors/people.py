"""Reads of users for authentication."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from ..models import Profile, TokenRevocation
from ..rows import RowShape

_SHAPES: dict[str, tuple[RowShape, RowShape, RowShape, str]] = {}


def _shapes(id_field: str, connection: BaseDatabaseWrapper) -> tuple[RowShape, RowShape, RowShape, str]:
    if id_field not in _SHAPES:
        user_model = get_user_model()
        users, profiles, revocations = (
            RowShape(user_model, "u"), RowShape(Profile, "p"), RowShape(TokenRevocation, "r")
        )
        quote = connection.ops.quote_name
        by_user = user_model._meta.pk.column

        def joined(model: type, alias: str) -> str:
            column = model._meta.get_field("user").column
            return f"LEFT JOIN {quote(model._meta.db_table)} {alias} ON {alias}.{quote(column)} = u.{quote(by_user)}"

        sql = (
            f"SELECT {users.columns(connection)}, {profiles.columns(connection)}, {revocations.columns(connection)}"
            f" FROM {quote(user_model._meta.db_table)} u {joined(Profile, 'p')} {joined(TokenRevocation, 'r')}"
            f" WHERE u.{quote(user_model._meta.get_field(id_field).column)} = %s"
        )
        _SHAPES[id_field] = users, profiles, revocations, sql
    return _SHAPES[id_field]


def user_with_profile(id_field: str, value: Any) -> AbstractBaseUser | None:
    """The user whose `id_field` is `value`, with `profile` and `token_revocation` loaded (or known to be
    absent), in one query: what `select_related("profile", "token_revocation")` returns, without composing a
    queryset on every request (inspections/rows.py). None when there is no such user."""
    db = connections[DEFAULT_DB_ALIAS]
    users, profiles, revocations, sql = _shapes(id_field, db)
    field = users.model._meta.get_field(id_field)
    with db.cursor() as cursor:
        cursor.execute(sql, [field.get_db_prep_value(value, db)])
        row = cursor.fetchone()
    if row is None:
        return None
    user = users.instance(row[: users.width], db)
    for shape, start in ((profiles, users.width), (revocations, users.width + profiles.width)):
        values = row[start : start + shape.width]
        related = None if values[shape.attnames.index(shape.model._meta.pk.attname)] is None else (
            shape.instance(values, db)
        )
        link = shape.model._meta.get_field("user")
        link.remote_field.set_cached_value(user, related)  # user.profile / user.token_revocation
        if related is not None:
            link.set_cached_value(related, user)  # profile.user without a query
    return user
