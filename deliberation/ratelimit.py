"""A small rate limiter on Django's cache (Redis when `REDIS_URL` is set).

Pages and the API call `check_rate` with a key naming who does what, e.g. `join:ip:<addr>` or
`statement:participant:<id>`; past the limit it raises the domain's `RateLimited` (status 429).
The named limits below are the defaults the participant pages use; `settings.RATE_LIMITS` may
override any of them as `{"name": (limit, window_seconds)}`. The vote limit alone is counted in
the database (`check_vote_rate`), where a vote counts itself in the statement that writes it.
"""

import time
import weakref

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache

from deliberation.domain.errors import RateLimited
from deliberation.domain.votes import count_vote

DEFAULT_LIMITS = {
    "join": (30, 600),  # seats taken per IP address
    "join_code_guess": (12, 600),  # wrong join codes per IP address
    "statement": (30, 300),  # statements added per participant
    "vote": (300, 60),  # votes cast or retracted per seat, counted in the database (check_vote_rate)
    "annotation": (60, 300),  # comments, tags, flags and highlights per participant
}


def limit_for(name: str) -> tuple[int, int]:
    return getattr(settings, "RATE_LIMITS", {}).get(name, DEFAULT_LIMITS[name])


def check_rate(key: str, limit: int, window_seconds: int, cost: int = 1) -> int:
    """Count `cost` hits for `key` in its window; raise `RateLimited` past `limit`.

    A key's window opens at its first hit and lasts `window_seconds`, so the limit holds for any
    run of hits shorter than that. (A window fixed to the wall clock would let twice the limit
    through across its edge.) `cost=0` only checks, for limits that count failures, such as wrong
    join codes. Returns the number of hits in the window so far.
    """
    counter = f"rate:{key}:{window_seconds}"
    count = _count_in_redis if isinstance(caches[DEFAULT_CACHE_ALIAS], RedisCache) else _count_in_cache
    hits, left = count(counter, window_seconds, cost)
    if hits > limit or (cost == 0 and hits >= limit):
        raise RateLimited.wait(left())
    return hits


def _count_in_cache(counter: str, window_seconds: int, cost: int):
    """(hits in the window, a function giving the seconds until it closes) on any Django cache."""
    if cost:
        if cache.add(counter, 0, timeout=window_seconds):
            cache.set(f"{counter}:opened", time.time(), timeout=window_seconds)
        try:
            hits = cache.incr(counter, cost)
        except ValueError:  # the window closed between add and incr: this hit opens the next
            cache.set(counter, cost, timeout=window_seconds)
            cache.set(f"{counter}:opened", time.time(), timeout=window_seconds)
            hits = cost
    else:
        hits = cache.get(counter, 0)

    def left() -> float:
        return cache.get(f"{counter}:opened", time.time()) + window_seconds - time.time()

    return hits, left


# One hit, or with a cost of 0 one look, at a key, and the milliseconds left in its window.
COUNT_IN_REDIS = """
if ARGV[2] == "0" then
    return {tonumber(redis.call("GET", KEYS[1]) or "0"), redis.call("PTTL", KEYS[1])}
end
redis.call("SET", KEYS[1], 0, "EX", ARGV[1], "NX")
return {redis.call("INCRBY", KEYS[1], ARGV[2]), redis.call("PTTL", KEYS[1])}
"""
_scripts = weakref.WeakKeyDictionary()  # cache backend -> its registered COUNT_IN_REDIS


def _count_in_redis(counter: str, window_seconds: int, cost: int):
    """`_count_in_cache` in one command to Redis, the window's end read from the key's own expiry.

    Through Django's cache API a hit took three round trips (add, then incr's exists and incrby),
    and each built a new client: on a vote that was a third of its cost. The key and its integer
    value are the ones the cache API reads and writes."""
    backend = caches[DEFAULT_CACHE_ALIAS]
    script = _scripts.get(backend)
    if script is None:
        script = _scripts[backend] = backend._cache.get_client(write=True).register_script(COUNT_IN_REDIS)
    hits, milliseconds = script(keys=[backend.make_and_validate_key(counter)], args=[window_seconds, cost])
    return int(hits), lambda: max(milliseconds, 0) / 1000


def check_named(name: str, who: str, cost: int = 1) -> int:
    """`check_rate` with one of the named default limits, e.g. `check_named("statement", "participant:7")`."""
    limit, window = limit_for(name)
    return check_rate(f"{name}:{who}", limit, window, cost=cost)


def check_vote_rate(resume_token: str) -> None:
    """The vote limit, per seat, counted in the database (`models.VoteWindow`): a page's vote
    counts itself in the statement that writes it (`domain.votes.cast_vote_by_seat`); every other
    way to vote or retract counts here."""
    count_vote(resume_token, *limit_for("vote"))


def client_ip(request) -> str:
    """The address the request came from. Behind a proxy, configure it to set REMOTE_ADDR."""
    return request.META.get("REMOTE_ADDR") or "unknown"
