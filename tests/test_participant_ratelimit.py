"""The cache-based rate limiter the pages and the API share, on per-process memory and on Redis."""

import time

import pytest
from django.core.cache import cache

from deliberation.domain import RateLimited
from deliberation.ratelimit import check_named, check_rate


def test_it_allows_up_to_the_limit_then_refuses_with_429(any_cache):
    assert [check_rate("t:a", 3, 60) for _ in range(3)] == [1, 2, 3]
    with pytest.raises(RateLimited) as refused:
        check_rate("t:a", 3, 60)
    assert refused.value.status == 429 and "Please wait" in refused.value.message


def test_it_counts_each_key_apart(any_cache):
    check_rate("t:b", 1, 60)
    assert check_rate("t:c", 1, 60) == 1


def test_it_only_checks_with_cost_zero(any_cache):
    check_rate("t:d", 2, 60)
    assert check_rate("t:d", 2, 60, cost=0) == 1
    check_rate("t:d", 2, 60)
    with pytest.raises(RateLimited):
        check_rate("t:d", 2, 60, cost=0)


def test_it_reads_named_limits_from_settings(any_cache, settings):
    settings.RATE_LIMITS = {"statement": (1, 60)}
    check_named("statement", "participant:1")
    with pytest.raises(RateLimited):
        check_named("statement", "participant:1")


class Clock:
    """A wall clock the test moves by hand; the cache's expiry reads it too."""

    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_window_opens_at_the_first_hit_so_the_limit_holds_across_the_clocks_minute(monkeypatch):
    clock = Clock(599.0)  # one second before a whole minute of the wall clock
    monkeypatch.setattr("time.time", clock)
    assert [check_rate("t:e", 2, 60) for _ in range(2)] == [1, 2]
    clock.now = 600.5
    with pytest.raises(RateLimited) as refused:
        check_rate("t:e", 2, 60)
    assert "Please wait 59 seconds" in refused.value.message
    clock.now = 659.5  # the window opened at 599 has closed
    assert check_rate("t:e", 2, 60) == 1


def test_on_redis_a_window_opens_at_the_first_hit_and_says_how_long_is_left(redis_cache):
    assert [check_rate("t:f", 2, 2) for _ in range(2)] == [1, 2]
    with pytest.raises(RateLimited) as refused:
        check_rate("t:f", 2, 2)
    assert "Please wait 2 seconds" in refused.value.message
    assert cache.get("rate:t:f:2") == 3  # the count is the cache's own key and value
    time.sleep(2.1)  # the window opened at the first hit has closed
    assert check_rate("t:f", 2, 2) == 1
