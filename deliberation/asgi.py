"""ASGI entry point (uvicorn deliberation.asgi:application): pages, API and the live event streams.

Event streams are async views: they stay on the event loop, in Django's ASGI handler. Every other
request runs Django's WSGI handler on a fixed pool of threads (a2wsgi). Django's ASGI handler
starts a fresh thread for each request to a sync view and hops between it and the loop several
times; for the short requests that make up a live room (votes, fragments, pages) that overhead
was larger than the view's own work. See docs/benchmarks.md ("A live room under load").

The request body is read on the event loop before the request goes to a thread (up to
`READ_AHEAD_BYTES`; a larger upload reads the rest from its thread as a2wsgi does): a page thread
never waits for a slow client's body, and a vote's form costs no hop between thread and loop.
"""

import gc
import os
import re

from a2wsgi import WSGIMiddleware
from a2wsgi.wsgi import Body, WSGIResponder, build_environ
from django.core.asgi import get_asgi_application
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deliberation.settings")

STREAM_PATH = re.compile(r"^/w/[^/]+/events$")  # deliberation.live.views.workshop_events

READ_AHEAD_BYTES = 256 * 1024


async def read_ahead(body: Body, receive, limit: int = READ_AHEAD_BYTES) -> None:
    """Fill a2wsgi's `body` from `receive` on the loop, until the body ends or `limit` is held."""
    while body._has_more and len(body.buffer) < limit:
        message = await receive()
        body.buffer.extend(message.get("body", b""))
        body._has_more = message.get("more_body", False)


class ReadAheadResponder(WSGIResponder):
    """a2wsgi's `WSGIResponder.__call__` (a2wsgi 1.10), with the body read ahead on the loop and
    the request run in its thread's own context."""

    async def __call__(self, scope, receive, send) -> None:
        body = Body(self.loop, receive)
        await read_ahead(body, receive)
        environ = build_environ(scope, body)
        sender = None
        try:
            sender = self.loop.create_task(self.sender(send))
            # In the page thread's own context, as a threaded WSGI server runs Django. a2wsgi runs
            # each request in a copy of the loop's context instead, where Django's per-thread
            # state (`asgiref.local.Local`: the cache backends, and with them the Redis
            # connections) started empty on every request and was thrown away after it.
            await self.loop.run_in_executor(self.executor, self.wsgi, environ, self.start_response)
            await self.send_queue.put(None)
            await sender
            if self.exc_info is not None:
                raise self.exc_info[0].with_traceback(self.exc_info[1], self.exc_info[2])
        finally:
            if sender and not sender.done():
                sender.cancel()


class Pages(WSGIMiddleware):
    """a2wsgi's WSGI-on-threads adapter, answering with `ReadAheadResponder`."""

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            await ReadAheadResponder(self.app, self.executor, self.send_queue_size)(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)


streams = get_asgi_application()
# Threads per process for pages and the API; each holds a database connection while it works,
# so keep it at or below the pool's size (DB_POOL_MAX, 10 by default).
pages = Pages(get_wsgi_application(), workers=int(os.environ.get("PAGE_THREADS", "4")))
# Import every view (and the analysis libraries they use) now, not during the first request.
get_resolver().url_patterns  # noqa: B018 - the access imports them
# What is loaded now lives as long as the process: keep the garbage collector from walking it
# again on every full collection (about a tenth of a vote's time with the analysis libraries loaded).
gc.freeze()


async def application(scope, receive, send):
    if scope["type"] == "http" and not STREAM_PATH.match(scope["path"]):
        await pages(scope, receive, send)
    else:
        await streams(scope, receive, send)
