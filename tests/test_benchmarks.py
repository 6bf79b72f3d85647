"""The load benchmarks still run: a tiny room end to end (following the live stream), and a short vote budget, so a change to
how people join or vote cannot leave `benchmarks/load.py` or `benchmarks/vote_budget.py` measuring
errors (the full runs stay out of the suite)."""

import os
import re
import subprocess
import sys

import pytest

from tests import servers


def run_benchmark(module: str, *arguments: str) -> str:
    """Run `python -m benchmarks.<module>` against the test database; its report."""
    result = subprocess.run(
        [sys.executable, "-m", f"benchmarks.{module}", *arguments],
        cwd=servers.ROOT,
        env={**os.environ, "DATABASE_URL": servers.current_database_url()},
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.mark.django_db(transaction=True)
def test_the_load_benchmark_runs_a_small_room_end_to_end():
    report = run_benchmark(
        "load",
        "--participants",
        "6",
        "--duration",
        "3",
        "--ramp",
        "1",
        "--statements",
        "3",
        "--concurrency",
        "2",
        "--probe-seconds",
        "1",
        "--rounds",
        "2",
        "--follow",
    )
    floor, ceiling = re.search(r"floor /healthz: ([\d.]+)/s; vote ceiling: ([\d.]+)/s", report).groups()
    assert float(floor) > 0 and float(ceiling) > 0
    assert re.search(r"\(rounds: \d+%, \d+%\)", report), report  # the floor and the ceiling in turn, twice
    votes = int(re.search(r"^\| vote \| (\d+) \|", report, re.M).group(1))
    assert votes >= 6, report  # every participant voted at least once
    assert "; errors 0:" in report, report
    assert "tallies exact: True" in report, report
    # the participants followed the stream as pages do: messages came, with the tallies they set in place
    assert int(re.search(r"stream messages received: (\d+)", report).group(1)) >= votes, report
    assert int(re.search(r"tallies set in place: (\d+)", report).group(1)) >= 1, report


@pytest.mark.django_db(transaction=True)
def test_the_vote_budget_benchmark_measures_every_step_without_errors():
    report = run_benchmark("vote_budget", "--seconds", "1", "--rounds", "1", "--statements", "3", "--concurrency", "2")
    rates = dict(re.findall(r"^\| (floor|post|write|checked|vote) \| (\d+)/s \|", report, re.M))
    assert set(rates) == {"floor", "post", "write", "checked", "vote"}, report
    assert all(int(rate) > 0 for rate in rates.values()), report
    assert "errors: 0" in report, report
