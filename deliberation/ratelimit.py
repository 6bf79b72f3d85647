"""A small rate limiter on Django's cache (Redis when `REDIS_URL` is set).

Pages and the API call `check_rate` with a key naming who does what, e.g. `join:browser:<hash>` or
`statement:participant:<id>`; past the limit it raises the domain's `RateLimited` (status 429).
The named limits below are the defaults the participant pages use; `settings.RATE_LIMITS` may
override any of them as `{"name": (limit, window_seconds)}`. The vote limit alone is counted in
the database (`check_vote_rate`), where a vote counts itself in the statement that writes it.

Joining is limited twice (`check_join_code_guesses`, `check_join`): tightly per browser, and
loosely per address, sized for a room of 1,000 behind one venue's NAT. An address alone cannot
tell a room from one person, and a browser alone cannot be trusted (a script sheds its cookies),
so the per-address ceilings bound what a script can do and the per-browser limits stop one
browser without holding up the rest of its room. See docs/security.md for the arithmetic.
"""

import hashlib
import ipaddress
import time
import weakref
from contextlib import suppress
from functools import lru_cache

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache

from deliberation.domain.errors import RateLimited
from deliberation.domain.votes import count_vote

DEFAULT_LIMITS = {
    "join": (30, 600),  # seats taken per browser (per address for a client without a CSRF cookie)
    "join_ip": (1200, 600),  # seats taken in one workshop per address: a room of 1,000 and its second devices
    "join_code_guess": (12, 600),  # wrong join codes per browser (per address without a CSRF cookie)
    "join_code_guess_ip": (2000, 600),  # wrong join codes per address: two typos each for a room of 1,000
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


def check_join_code_guesses(request, cost: int = 0) -> None:
    """The limits on wrong join codes, per browser and per address. Check with `cost=0` before the
    code is looked up, so that past a limit even a right code is refused (otherwise the refusal
    itself would tell a guesser which code is right); count a wrong code with `cost=1`."""
    for name, who in (("join_code_guess", browser_key(request)), ("join_code_guess_ip", f"ip:{client_ip(request)}")):
        check_named(name, who, cost=cost)


def check_join(request, workshop_id: int) -> None:
    """Count one seat taken in a workshop: per browser, then per address in that workshop. A
    browser past its own limit is refused before it counts against its room's address."""
    check_named("join", browser_key(request))
    check_named("join_ip", f"ip:{client_ip(request)}:workshop:{workshop_id}")


def browser_key(request) -> str:
    """Who a request is for the per-browser limits: its CSRF secret, hashed (every browser that
    posts a form holds one), or its address for a client that sent none, such as a script on the
    API. The secret is the browser's own word, so these limits stop a browser, not a script: a
    script can send a new one each time, and the per-address limits are what hold it."""
    secret = request.META.get("CSRF_COOKIE")
    if secret and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # not one made up for this request
        return "browser:" + hashlib.blake2b(secret.encode(), digest_size=12).hexdigest()
    return f"ip:{client_ip(request)}"


def client_ip(request) -> str:
    """The address the request came from.

    Behind a reverse proxy the connection is the proxy's, and the client's address is the last
    one the proxy appended to X-Forwarded-For. uvicorn (`--proxy-headers`, its default) already
    puts it in REMOTE_ADDR for a proxy listed in `FORWARDED_ALLOW_IPS`; a WSGI server such as
    gunicorn does not. So here too, only when REMOTE_ADDR is a trusted proxy, the header is read
    from the right, past any trusted proxies: entries further left are whatever the client sent.
    Anyone else's X-Forwarded-For is ignored, so without a proxy it cannot choose its address."""
    remote = request.META.get("REMOTE_ADDR") or "unknown"
    if not _is_trusted_proxy(remote):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted_proxy(hop):
            return hop
    return hops[0] if hops else remote  # every hop a trusted proxy: the first is the client, as uvicorn takes it


def _is_trusted_proxy(address: str) -> bool:
    allowed = tuple(getattr(settings, "FORWARDED_ALLOW_IPS", ()))
    if "*" in allowed:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address in allowed
    return any(ip in network for network in _networks(allowed))


@lru_cache(maxsize=8)
def _networks(allowed: tuple[str, ...]) -> tuple:
    networks = []
    for entry in allowed:
        with suppress(ValueError):  # not an address: `_is_trusted_proxy` compares it as written
            networks.append(ipaddress.ip_network(entry, strict=False))
    return tuple(networks)
