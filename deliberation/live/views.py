"""The event stream of a workshop: `GET /w/<slug>/events` as Server-Sent Events.

A client that reconnects sends `Last-Event-ID` and first receives every event it missed, from the
Event table, then the live ones: no gaps, no duplicates, in order.

A page opens its stream with `?last_event_id=`, the newest event committed when it was rendered.
An event with a lower id may still have been committing then, so the page does not show it either:
such a stream starts no later than its workshop's feed has settled (`Hub.settled`). It may be sent
an event the page already shows (its region is fetched twice), never left without one.
"""

import asyncio
import os

from asgiref.sync import sync_to_async
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from deliberation.models import Event, Workshop
from deliberation.views.seats import current_participant

from .hub import Hub, Subscription
from .messages import HEARTBEAT, sse_unnumbered

HEARTBEAT_SECONDS = float(os.environ.get("LIVE_HEARTBEAT_SECONDS", "15"))  # proxies drop silent streams
RETRY_MILLISECONDS = 1000


@require_GET
async def workshop_events(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = await Workshop.objects.filter(slug=slug).afirst()
    if workshop is None:
        raise Http404
    participant = await sync_to_async(current_participant)(request, workshop)
    if participant is None:
        return HttpResponse(_("Join this workshop to follow it live."), status=403, content_type="text/plain")
    latest = await latest_event_id(workshop.pk)
    position, reconnected = _position(request)
    # A client cannot skip ahead of the log (an id from another database would silence its stream).
    position = latest if position is None else min(position, latest)
    # A stream lasts as long as the visit: give this request's database connection back to the
    # pool now, or a room full of open streams would hold every connection. The hub reads for all.
    await sync_to_async(_release_connection)()
    hub = Hub.get()
    if not reconnected:
        position = hub.settled(workshop.pk, position)
    subscription = hub.subscribe(workshop.pk, position, participant.pk)
    response = StreamingHttpResponse(_stream(hub, subscription), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache, no-transform"
    response["X-Accel-Buffering"] = "no"  # nginx: do not buffer the stream
    return response


async def _stream(hub: Hub, subscription: Subscription):
    feed = subscription.feed
    try:
        yield f"retry: {RETRY_MILLISECONDS}\n\n"
        while True:
            changed = feed.changed
            messages = feed.after(subscription.position)
            if messages is None:  # further behind than the buffer: read the table
                messages = await hub.replay(feed.workshop_id, subscription.position, feed.base)
                if not messages:
                    subscription.position = feed.base
                    continue
            if messages:
                subscription.position = messages[-1].id
                yield "".join(message.text for message in messages)
                continue
            if subscription.presence_seen != feed.presence_version:
                subscription.presence_seen = feed.presence_version
                yield sse_unnumbered("presence", feed.presence)
                continue
            try:
                await asyncio.wait_for(changed.wait(), HEARTBEAT_SECONDS)
            except TimeoutError:
                yield HEARTBEAT
    finally:  # the client left, or the server is shutting down
        hub.unsubscribe(subscription)


def _release_connection() -> None:
    # `connection` must be looked up in the thread that runs this, not in the event loop's thread.
    connection.close()


def _position(request: HttpRequest) -> tuple[int | None, bool]:
    """Where the client stands, and whether it says so as a reconnecting stream (`Last-Event-ID`,
    exact) rather than as a page (`?last_event_id=`)."""
    header = request.headers.get("Last-Event-ID")
    raw = header or request.GET.get("last_event_id") or ""
    try:
        return max(0, int(raw)), bool(header)
    except ValueError:
        return None, False


async def latest_event_id(workshop_id: int) -> int:
    event = await Event.objects.filter(workshop_id=workshop_id).order_by("-id").only("id").afirst()
    return event.pk if event else 0
