"""Model instances from a hand-written SELECT, for the few reads every vote makes.

The ORM compiles a query anew for every request; for a lookup by key with a join that costs more
than PostgreSQL's answer. Here the column list is written once per model, and each row is turned
into instances the way the ORM does it: the database backend's and the fields' converters, then
`Model.from_db`. Nothing here knows which query it serves.
"""

from functools import cache

from django.db import connection
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init


def columns(model: type[Model], alias: str, only: tuple[str, ...] | None = None) -> str:
    """`alias."col", …` for every concrete field of `model` (or the fields named in `only`), in the
    order `instance` reads them."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in _fields(model, only))


def instance(model: type[Model], row, start: int = 0, only: tuple[str, ...] | None = None) -> Model:
    """The `model` whose columns begin at `row[start]` (as `columns` listed them). With `only`, the
    other fields are deferred, as `QuerySet.only` leaves them: reading one costs a query.

    The instance is made as `Model.from_db` leaves it, without running `Model.__init__`, which
    sets every field through its descriptor and sends two signals: for the three rows a vote
    reads, that was a tenth of the vote's Python. A model with init signal receivers goes through
    `from_db`."""
    names, converters = _reading(model, connection.vendor, only)
    values = list(row[start : start + len(names)])
    for index, expression, functions in converters:
        for convert in functions:
            values[index] = convert(values[index], expression, connection)
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return model.from_db(connection.alias, names, values)
    made = model.__new__(model)
    state = made._state = ModelState()
    state.adding, state.db = False, connection.alias
    made.__dict__.update(zip(names, values, strict=True))  # a field missing here is deferred, as in from_db
    return made


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
