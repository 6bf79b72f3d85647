"""Export and import formats, one module each, behind one registry.

Adding a format: write a module with KEY, LABEL, MEDIA_TYPE, EXTENSION, `export(data) -> bytes`
and optionally `parse(raw) -> ImportPlan`; add one line to FORMATS; add one test file.
Views, the API and the `export_map` / `import_map` commands all go through `export_workshop` and
`import_file`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

from deliberation.domain import DomainError

from . import aif, argdown, csv_bundle, dot, graphml, kialo, native_json, report
from .base import MAX_IMPORT_BYTES, ExportOptions, FormatError, ImportPlan, MapData, load_map_data
from .importer import import_plan


@dataclass(frozen=True)
class Format:
    key: str
    label: str
    media_type: str
    extension: str
    export: Callable[[MapData], bytes]
    parse: Callable[[bytes], ImportPlan] | None = None

    @property
    def can_import(self) -> bool:
        return self.parse is not None


def _format(module, export=None, **overrides) -> Format:
    fields = {
        "key": module.KEY,
        "label": module.LABEL,
        "media_type": module.MEDIA_TYPE,
        "extension": module.EXTENSION,
        "export": export or module.export,
        "parse": getattr(module, "parse", None),
    }
    return Format(**{**fields, **overrides})


FORMATS: dict[str, Format] = {
    f.key: f
    for f in (
        _format(native_json),
        _format(aif),
        _format(argdown),
        _format(kialo),
        _format(graphml),
        _format(csv_bundle),
        _format(dot),
        _format(
            dot, dot.export_svg, key="svg", label="SVG image", media_type="image/svg+xml", extension="svg", parse=None
        ),
        _format(dot, dot.export_png, key="png", label="PNG image", media_type="image/png", extension="png", parse=None),
        _format(report),
    )
}


def get_format(key: str) -> Format:
    try:
        return FORMATS[key]
    except KeyError:
        known = ", ".join(FORMATS)
        raise FormatError(f"Unknown format {key!r}. Known formats: {known}.") from None


def export_workshop(workshop, key: str, options: ExportOptions | None = None) -> bytes:
    chosen = get_format(key)
    return chosen.export(load_map_data(workshop, options or ExportOptions()))


def import_file(raw: bytes, key: str, owner):
    """Read `raw` as format `key` into a new workshop owned by `owner`; all or nothing."""
    chosen = get_format(key)
    if not chosen.can_import:
        raise FormatError(f"{chosen.label} files can be exported but not imported.")
    if len(raw) > MAX_IMPORT_BYTES:
        raise FormatError(f"The file is {len(raw) // 1024} KB; at most {MAX_IMPORT_BYTES // 1024} KB can be imported.")
    plan = chosen.parse(raw)
    try:
        with transaction.atomic():
            return import_plan(plan, owner)
    except IntegrityError as error:
        raise FormatError(
            f"The file breaks a rule of the map and nothing was imported ({error.__class__.__name__})."
        ) from None
    except ValidationError as error:
        fields = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
        raise FormatError(f"Workshop settings in the file are not valid ({fields}).") from None
    except DomainError as error:
        raise FormatError(error.message) from None
    except DataError:  # a NUL character, say, in a field the checks do not read one by one
        raise FormatError("The file holds a value the database cannot store, and nothing was imported.") from None


__all__ = ["FORMATS", "ExportOptions", "Format", "FormatError", "export_workshop", "get_format", "import_file"]
