"""The load benchmark still runs: a tiny room end to end, so a change to how people join or vote
cannot leave `benchmarks/load.py` measuring errors (the full runs stay out of the suite)."""

import os
import re
import subprocess
import sys

import pytest

from tests import servers


@pytest.mark.django_db(transaction=True)
def test_the_load_benchmark_runs_a_small_room_end_to_end():
    command = [sys.executable, "-m", "benchmarks.load", "--participants", "6", "--duration", "3", "--ramp", "1"]
    command += ["--statements", "3", "--concurrency", "2", "--probe-seconds", "1"]
    result = subprocess.run(
        command,
        cwd=servers.ROOT,
        env={**os.environ, "DATABASE_URL": servers.test_database_url()},
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = result.stdout
    floor, ceiling = re.search(r"floor /healthz: ([\d.]+)/s; vote ceiling: ([\d.]+)/s", report).groups()
    assert float(floor) > 0 and float(ceiling) > 0
    votes = int(re.search(r"^\| vote \| (\d+) \|", report, re.M).group(1))
    assert votes >= 6, report  # every participant voted at least once
    assert "; errors 0:" in report, report
    assert "tallies exact: True" in report, report
