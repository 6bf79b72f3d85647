"""`{% live_stream workshop %}`: the element that keeps a page connected to its workshop's events."""

from django import template

from deliberation.models import Event

register = template.Library()


@register.inclusion_tag("live/_stream.html", takes_context=True)
def live_stream(context, workshop):
    """Connect from the last event the page has seen, so nothing between render and connect is lost.
    The request travels along so the script tag carries the page's CSP nonce."""
    latest = Event.objects.filter(workshop=workshop).order_by("-id").values_list("id", flat=True).first()
    return {"workshop": workshop, "last_event_id": latest or 0, "request": context.get("request")}
