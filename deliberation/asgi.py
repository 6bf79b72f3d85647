"""ASGI entry point (uvicorn deliberation.asgi:application): pages, API and the live event streams.

Event streams are async views: they stay on the event loop, in Django's ASGI handler. Every other
request runs Django's WSGI handler on a fixed pool of threads (a2wsgi). Django's ASGI handler
starts a fresh thread for each request to a sync view and hops between it and the loop several
times; for the short requests that make up a live room (votes, fragments, pages) that overhead
was larger than the view's own work. See docs/benchmarks.md ("A live room under load").
"""

import gc
import os
import re

from a2wsgi import WSGIMiddleware
from django.core.asgi import get_asgi_application
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deliberation.settings")

STREAM_PATH = re.compile(r"^/w/[^/]+/events$")  # deliberation.live.views.workshop_events

streams = get_asgi_application()
# Threads per process for pages and the API; each holds a database connection while it works,
# so keep it at or below the pool's size (DB_POOL_MAX, 10 by default).
pages = WSGIMiddleware(get_wsgi_application(), workers=int(os.environ.get("PAGE_THREADS", "4")))
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
