"""Model instances from a hand-written SELECT, for the few reads every vote makes.

The ORM compiles a query anew for every request; for a lookup by key with a join that costs more
than PostgreSQL's answer. Here the column list is written once per model, and each row is turned
into instances the way the ORM does it: the database backend's and the fields' converters, then
`Model.from_db`. Nothing here knows which query it serves.
"""

from functools import cache

from django.db import connection
from django.db.models import Model


def columns(model: type[Model], alias: str, only: tuple[str, ...] | None = None) -> str:
    """`alias."col", …` for every concrete field of `model` (or the fields named in `only`), in the
    order `instance` reads them."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in _fields(model, only))


def instance(model: type[Model], row, start: int = 0, only: tuple[str, ...] | None = None) -> Model:
    """The `model` whose columns begin at `row[start]` (as `columns` listed them). With `only`, the
    other fields are deferred, as `QuerySet.only` leaves them: reading one costs a query."""
    names, converters = _reading(model, connection.vendor, only)
    values = list(row[start : start + len(names)])
    for index, expression, functions in converters:
        for convert in functions:
            values[index] = convert(values[index], expression, connection)
    return model.from_db(connection.alias, names, values)


def width(model: type[Model], only: tuple[str, ...] | None = None) -> int:
    return len(_fields(model, only))


@cache
def _fields(model: type[Model], only: tuple[str, ...] | None) -> tuple:
    fields = model._meta.concrete_fields
    return tuple(fields) if only is None else tuple(field for field in fields if field.attname in only)


@cache
def _reading(model: type[Model], vendor: str, only: tuple[str, ...] | None):
    """Field names and, per column that needs them, the converters the ORM would apply."""
    fields = _fields(model, only)
    converters = []
    for index, field in enumerate(fields):
        expression = field.get_col(model._meta.db_table)
        functions = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)
        if functions:
            converters.append((index, expression, functions))
    return [field.attname for field in fields], converters
