"""`{% export_formats as formats %}`: the registry's formats, so `formats/_export_menu.html` can be
included in any page that has a `workshop`, without its view knowing about formats."""

from django import template

from deliberation.formats import FORMATS

register = template.Library()


@register.simple_tag
def export_formats():
    return list(FORMATS.values())
