"""Reading participant input the domain functions do not check themselves (links, field sizes)."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from deliberation.domain import InvalidInput
from deliberation.models import SourceDocument, Statement, Workshop

SOURCE_LIMITS = {"source_citation": 500, "source_url": 500, "source_quote": 2000}
http_url = URLValidator(schemes=["http", "https"])


def source_fields(data, workshop: Workshop, kind: str) -> dict:
    """The evidence source from a form: a citation, a web link (http/https only), a quoted passage,
    a source kind and optionally one of the workshop's documents. Empty for other kinds."""
    if kind != Statement.Kind.EVIDENCE:
        return {}
    source = {
        name: " ".join(data.get(name, "").split()) if name != "source_quote" else data.get(name, "").strip()
        for name in SOURCE_LIMITS
    }
    for name, limit in SOURCE_LIMITS.items():
        if len(source[name]) > limit:
            raise InvalidInput(_("Keep this under %(n)d characters.") % {"n": limit}, field=name)
    if source["source_url"]:
        try:
            http_url(source["source_url"])
        except ValidationError:
            raise InvalidInput(_("Give a full web address starting with https://."), field="source_url") from None
    source_kind = data.get("source_kind", "")
    if source_kind and source_kind not in Statement.SourceKind.values:
        raise InvalidInput(_("Choose a kind of source from the list."), field="source_kind")
    source["source_kind"] = source_kind
    document_id = data.get("source_document", "")
    if document_id:
        document = SourceDocument.objects.filter(workshop=workshop, pk=_int(document_id)).first()
        if document is None:
            raise InvalidInput(_("That source document is not part of this workshop."), field="source_document")
        source["source_document"] = document
    return source


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def statement_number(value, field: str = "parent") -> int:
    """Statements are shown as #123; accept `123` or `#123`."""
    number = _int(str(value or "").strip().lstrip("#"))
    if number <= 0:
        raise InvalidInput(_("Give the number of a statement, as shown next to it (#123)."), field=field)
    return number
