"""One hub per process: it listens, reads new events once per workshop, and feeds every open stream.

- PostgreSQL: one `LISTEN deliberation_events` connection per process (never one per client);
  a trigger on the Event table `NOTIFY`s each new row at commit, except votes, which a process
  announces after they commit, at most every `domain.events.ANNOUNCE_SECONDS` per workshop. So
  a hub that has read new events of a workshop keeps reading it for `FOLLOW_UP_SECONDS`. A slow
  safety poll also runs, so a lost notification or a dropped connection delays an update but
  never loses it.
- SQLite (the single-process default): the hub polls the Event table.

Event ids are assigned when a transaction inserts the row, but transactions commit in any order.
So the hub only moves past an id once every lower id is visible, or once it is sure the id will
never appear (a rolled-back insert leaves a permanent hole): the id has stayed missing for a grace
period and every transaction that was running when the hole was first seen has ended. Each hole keeps
the time it was first seen, so many holes at once (a killed process leaves one per open vote) are
passed after one grace period, not one each. That keeps streams gap-free and in order even when a
commit stalls for seconds on a busy machine.

A new feed starts at its first stream's position, not at the newest committed event: an event with
a lower id may still be committing, and only the feed's reading in id order can wait for it.
"""

import asyncio
import logging
import os
import socket
import time
import uuid
from bisect import bisect_right
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial

from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from deliberation.domain.events import ANNOUNCE_SECONDS, NOTIFY_CHANNEL
from deliberation.models import Event, Statement, StreamPresence, Vote, Workshop

from .messages import category, payload, sse_event

log = logging.getLogger(__name__)

COALESCE_SECONDS = int(os.environ.get("LIVE_COALESCE_MS", "250")) / 1000
# PostgreSQL: catch up even if a notification was lost
SAFETY_POLL_SECONDS = int(os.environ.get("LIVE_SAFETY_POLL_MS", "2000")) / 1000
# Keep reading a workshop this long after its last new event: longer than a process waits between
# two announcements of a workshop's votes, so a vote committed in between is read without an
# announcement of its own.
FOLLOW_UP_SECONDS = 4 * ANNOUNCE_SECONDS
SQLITE_POLL_SECONDS = 0.5
GAP_GRACE_SECONDS = 3.0
GAP_MAX_SECONDS = 30.0  # past this, a hole is skipped even if an old transaction is still open
BUFFER_SIZE = 5000
FETCH_LIMIT = 1000
PRESENCE_SECONDS = 5.0
PRESENCE_STALE_SECONDS = 20.0
FEED_IDLE_SECONDS = 60.0
PROCESS_ID = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class Message:
    id: int
    text: str


@dataclass
class Feed:
    """The recent events of one workshop in this process, shared by all of its streams."""

    workshop_id: int
    cursor: int  # every event of this workshop up to here is in the buffer or older than `base`
    base: int = 0  # events at or below `base` are not buffered; streams replay them from the table
    messages: list[Message] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)  # the ids of `messages`, for bisecting
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    streams: Counter = field(default_factory=Counter)  # participant id -> open streams
    presence: dict = field(default_factory=lambda: {"connected": 0, "streams": 0})
    presence_version: int = 0
    holes: dict[int, tuple[float, int | None]] = field(default_factory=dict)
    # missing id -> when it was first seen missing, and (PostgreSQL) the first transaction id not yet started then
    idle_since: float | None = None
    follow_until: float = 0.0  # keep reading until then (`FOLLOW_UP_SECONDS` after the last new event)

    def __post_init__(self):
        self.base = self.cursor

    def after(self, position: int) -> list[Message] | None:
        """Buffered messages after `position`, or None when the stream must replay from the table."""
        if position < self.base:
            return None
        return self.messages[bisect_right(self.ids, position) :]

    def publish(self, messages: list[Message]) -> None:
        self.messages.extend(messages)
        self.ids.extend(message.id for message in messages)
        if len(self.messages) > BUFFER_SIZE:
            half = len(self.messages) // 2
            self.base = self.ids[half - 1]
            del self.messages[:half], self.ids[:half]
        self.wake()

    def wake(self) -> None:
        self.changed.set()
        self.changed = asyncio.Event()


@dataclass
class Subscription:
    feed: Feed
    participant_id: int
    position: int
    presence_seen: int = -1


class Hub:
    _instances: dict[int, "Hub"] = {}

    @classmethod
    def get(cls) -> "Hub":
        """The hub of the running event loop (one per process under uvicorn)."""
        loop = asyncio.get_running_loop()
        hub = cls._instances.get(id(loop))
        if hub is None or hub.loop is not loop:
            hub = cls._instances[id(loop)] = cls(loop)
        return hub

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.feeds: dict[int, Feed] = {}
        self.pending: set[int] = set()
        self.wakeup = asyncio.Event()
        self.presence_dirty = True
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-db")
        self.postgres = connection.vendor == "postgresql"
        self.tasks = [
            loop.create_task(self._refresher()),
            loop.create_task(self._ticker()),
            loop.create_task(self._presence()),
        ]
        if self.postgres:
            self.tasks.append(loop.create_task(self._listener()))

    # --- streams --------------------------------------------------------------------------
    def subscribe(self, workshop_id: int, position: int, participant_id: int) -> Subscription:
        """Follow a workshop from `position` (a new feed starts there too, see the module docstring)."""
        feed = self.feeds.get(workshop_id)
        if feed is None:
            feed = self.feeds[workshop_id] = Feed(workshop_id, cursor=position)
        feed.streams[participant_id] += 1
        self.presence_dirty = True
        self.poke(workshop_id)
        return Subscription(feed, participant_id, position)

    def settled(self, workshop_id: int, position: int) -> int:
        """`position`, or earlier if this process's feed of the workshop has not settled that far:
        an event below it may still commit (see `live.views` on a page's position)."""
        feed = self.feeds.get(workshop_id)
        return position if feed is None else min(position, feed.cursor)

    def unsubscribe(self, subscription: Subscription) -> None:
        feed = subscription.feed
        feed.streams[subscription.participant_id] -= 1
        if feed.streams[subscription.participant_id] <= 0:
            del feed.streams[subscription.participant_id]
        self.presence_dirty = True

    def poke(self, workshop_id: int) -> None:
        self.pending.add(workshop_id)
        self.wakeup.set()

    async def replay(self, workshop_id: int, after: int, upto: int) -> list[Message]:
        rows = await self._db(_events_between, workshop_id, after, upto)
        return [_message(row) for row in rows]

    # --- background tasks -----------------------------------------------------------------
    async def _refresher(self) -> None:
        while True:
            await self.wakeup.wait()
            self.wakeup.clear()
            await asyncio.sleep(COALESCE_SECONDS)  # a burst of writes becomes one read and one send
            pending, self.pending = self.pending, set()
            for workshop_id in pending:
                feed = self.feeds.get(workshop_id)
                if feed is not None:
                    try:
                        if await self._refresh(feed):
                            feed.follow_until = time.monotonic() + FOLLOW_UP_SECONDS
                    except DatabaseError:
                        log.warning("Could not read events of workshop %s; will retry", workshop_id, exc_info=True)
                        self.poke(workshop_id)
                    if feed.follow_until > time.monotonic():
                        self.poke(workshop_id)  # read it again after the next coalescing period

    async def _refresh(self, feed: Feed) -> bool:
        """Read and publish the feed's new events; True if there were any."""
        found = False
        while True:
            rows, visible, (xmin, xmax), tallies = await self._db(_events_after, feed.workshop_id, feed.cursor)
            if not rows:
                return found
            found = True
            ready, position, now = [], feed.cursor, time.monotonic()
            by_id = {row["id"]: row for row in rows}
            span = range(feed.cursor + 1, rows[-1]["id"] + 1)
            for event_id in span:
                if event_id not in visible:  # not committed yet, or rolled back
                    feed.holes.setdefault(event_id, (now, xmax))
            for event_id in span:
                if event_id not in visible:
                    seen, seen_xmax = feed.holes[event_id]
                    waited = now - seen
                    # A transaction already running when the hole was seen may still commit the id.
                    may_commit = xmin is not None and seen_xmax is not None and xmin < seen_xmax
                    if waited < GAP_GRACE_SECONDS or (may_commit and waited < GAP_MAX_SECONDS):
                        break
                    log.warning("Event %s did not appear within %.0f s: taken as rolled back", event_id, waited)
                elif event_id in by_id:
                    ready.append(_message(by_id[event_id], tallies))
                position = event_id
            feed.cursor = position
            feed.holes = {hole: seen for hole, seen in feed.holes.items() if hole > position}
            if ready:
                feed.publish(ready)
            if position < rows[-1]["id"]:  # stopped at a gap: look again shortly
                self.loop.call_later(0.1, self.poke, feed.workshop_id)
                return found
            if len(rows) < FETCH_LIMIT:
                return found

    async def _ticker(self) -> None:
        interval = SAFETY_POLL_SECONDS if self.postgres else SQLITE_POLL_SECONDS
        while True:
            await asyncio.sleep(interval)
            now = time.monotonic()
            for workshop_id, feed in list(self.feeds.items()):
                if feed.streams:
                    feed.idle_since = None
                    self.poke(workshop_id)
                elif feed.idle_since is None:
                    feed.idle_since = now
                elif now - feed.idle_since > FEED_IDLE_SECONDS:
                    del self.feeds[workshop_id]  # nobody has listened here for a while

    async def _listener(self) -> None:
        import psycopg

        delay = 0.5
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(_conninfo(), autocommit=True)
                async with conn:
                    await conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    delay = 0.5
                    for workshop_id in list(self.feeds):  # catch up on what was missed while away
                        self.poke(workshop_id)
                    async for note in conn.notifies():
                        workshop_id = int(note.payload.split(":", 1)[0])
                        if workshop_id in self.feeds:
                            self.poke(workshop_id)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("LISTEN connection lost; reconnecting in %.1f s", delay, exc_info=True)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10)

    async def _presence(self) -> None:
        while True:
            await asyncio.sleep(PRESENCE_SECONDS if not self.presence_dirty else 0.5)
            self.presence_dirty = False
            counts = {
                workshop_id: (sum(feed.streams.values()), sorted(feed.streams))
                for workshop_id, feed in self.feeds.items()
            }
            try:
                totals = await self._db(_write_and_read_presence, counts)
            except DatabaseError:
                log.warning("Could not update presence", exc_info=True)
                continue
            for workshop_id, total in totals.items():
                feed = self.feeds.get(workshop_id)
                if feed is not None and total != feed.presence:
                    feed.presence = total
                    feed.presence_version += 1
                    feed.wake()

    async def _db(self, function, *args):
        return await self.loop.run_in_executor(self.executor, partial(_guarded, function, *args))


def _guarded(function, *args):
    """Run a query on the hub's own thread; a broken connection is dropped so the next call reconnects."""
    try:
        return function(*args)
    except DatabaseError:
        connection.close()
        raise


def _events_after(workshop_id: int, after: int):
    """This workshop's next events, every committed id (any workshop) up to the last of them, the
    snapshot's oldest running and first unstarted transaction ids (None, None on SQLite), and the
    outline tallies of the statements the events voted on (`_tallies_to_send`).

    The reads must see the same snapshot: an event committed between them would count as
    another workshop's (visible, but not among the rows) and be skipped for good. The tallies then
    count every vote whose event is sent, so the last message about a statement is exact.
    """
    horizon = (None, None)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute(
                    "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint,"
                    " pg_snapshot_xmax(pg_current_snapshot())::text::bigint"
                )
                horizon = tuple(cursor.fetchone())
        rows = list(
            Event.objects.filter(workshop_id=workshop_id, id__gt=after)
            .order_by("id")
            .values("id", "verb", "statement_id", "payload")[:FETCH_LIMIT]
        )
        if not rows:
            return rows, set(), horizon, {}
        visible = set(Event.objects.filter(id__gt=after, id__lte=rows[-1]["id"]).values_list("id", flat=True))
        voted_on = {row["statement_id"] for row in rows if _moves_a_tally(row)}
        tallies = _tallies_to_send(workshop_id, voted_on) if voted_on else {}
    return rows, visible, horizon, tallies


def _moves_a_tally(row: dict) -> bool:
    """A vote cast or taken back about a statement. A link's strength vote is about the link's
    source: its figures are sent too, unchanged by it but current, so the page need not ask."""
    return row["verb"].startswith("vote.") and bool(row["statement_id"])


def _tallies_to_send(workshop_id: int, statement_ids: set[int]) -> dict[int, dict]:
    """{statement id: {"agree": n, "unsure": n, "disagree": n}}, the agreement figures of the
    outline's tally and the vote widget, for visible statements of a workshop that shows results to
    everyone. A page sets them in place instead of asking for them: in a voting room, every open
    page re-fetching its tallies after each burst of votes cost the server more than the votes did.
    Where results wait for a viewer's own vote, nothing is sent and pages fetch their own view
    (`views.workshop.tallies_fragment`, `votes_fragment`)."""
    if not Workshop.objects.filter(pk=workshop_id, hide_results_until_voted=False).exists():
        return {}
    counts = (
        Vote.objects.filter(
            statement_id__in=statement_ids,
            statement__workshop_id=workshop_id,
            statement__status=Statement.Status.VISIBLE,
            kind=Vote.Kind.AGREEMENT,
        )
        .values("statement_id")
        .annotate(
            agree=Count("id", filter=Q(value__gt=0)),
            unsure=Count("id", filter=Q(value=0)),
            disagree=Count("id", filter=Q(value__lt=0)),
        )
    )
    return {row.pop("statement_id"): row for row in counts}


def _events_between(workshop_id: int, after: int, upto: int):
    return list(
        Event.objects.filter(workshop_id=workshop_id, id__gt=after, id__lte=upto)
        .order_by("id")
        .values("id", "verb", "statement_id", "payload")
    )


def _write_and_read_presence(counts: dict[int, tuple[int, list[int]]]) -> dict[int, dict]:
    now = timezone.now()
    for workshop_id, (streams, participants) in counts.items():
        StreamPresence.objects.update_or_create(
            process=PROCESS_ID,
            workshop_id=workshop_id,
            defaults={"connections": streams, "participants": participants, "heartbeat_at": now},
        )
    fresh = StreamPresence.objects.filter(
        workshop_id__in=list(counts), heartbeat_at__gte=now - timezone.timedelta(seconds=PRESENCE_STALE_SECONDS)
    )
    totals: dict[int, dict] = {}
    people: dict[int, set] = {}
    for workshop_id, streams, participants in fresh.values_list("workshop_id", "connections", "participants"):
        people.setdefault(workshop_id, set()).update(participants or [])
        totals.setdefault(workshop_id, {"connected": 0, "streams": 0})["streams"] += streams
    for workshop_id, members in people.items():
        totals[workshop_id]["connected"] = len(members)
    return totals


def connected_count(workshop_id: int) -> int:
    """People with an open stream to this workshop, across all processes (for page renders)."""
    since = timezone.now() - timezone.timedelta(seconds=PRESENCE_STALE_SECONDS)
    members = set()
    for participants in StreamPresence.objects.filter(workshop_id=workshop_id, heartbeat_at__gte=since).values_list(
        "participants", flat=True
    ):
        members.update(participants or [])
    return len(members)


def _message(row: dict, tallies: dict[int, dict] | None = None) -> Message:
    event = Event(id=row["id"], verb=row["verb"], statement_id=row["statement_id"], payload=row["payload"])
    data = payload(event)
    if tallies and _moves_a_tally(row) and row["statement_id"] in tallies:
        data["tally"] = tallies[row["statement_id"]]
    return Message(row["id"], sse_event(row["id"], category(row["verb"]), data))


def _conninfo() -> str:
    """Where to LISTEN: the database itself, or `LIVE_LISTEN_URL` when requests go through a pooler
    in transaction mode (PgBouncer), which cannot hold a LISTEN; it must reach the primary."""
    from psycopg.conninfo import make_conninfo

    if os.environ.get("LIVE_LISTEN_URL"):
        return os.environ["LIVE_LISTEN_URL"]
    db = connection.settings_dict
    params = {
        "dbname": db["NAME"],
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": str(db["PORT"]) if db.get("PORT") else None,
    }
    return make_conninfo(**{k: v for k, v in params.items() if v})
