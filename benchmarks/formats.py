"""How fast do large workshops export to every format and import back?

Builds a 10,000-statement workshop (bulk-created: ~40 positions, claims and evidence below them up
to many levels deep, one in 25 with a second parent, 150 agreement votes from each of 50
participants), then measures
1. `export_workshop` for every key in the format registry (target: under 2 s each), and
2. `import_file` of the native JSON and the AIF export (target: under 5 s each),
each as the median of a few runs, with the peak Python memory of one more run (tracemalloc, which
slows the code down, so it is measured apart from the timings).

Run against a scratch PostgreSQL database (it migrates, and deletes every workshop it made):

    createdb -h 127.0.0.1 -U postgres deliberation_bench   # once
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/deliberation_bench \
        .venv/bin/python -m benchmarks.formats --statements 10000
"""

import argparse
import os
import resource
import statistics
import sys
import time
import tracemalloc

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deliberation.settings")
os.environ.setdefault("DEBUG", "1")

EXPORT_TARGET, IMPORT_TARGET = 2.0, 5.0
IMPORTED = ("json", "aif")


def cpu_seconds() -> float:
    spent = os.times()
    return spent.user + spent.system + spent.children_user + spent.children_system


def timed(action, runs: int) -> tuple[float, float, object]:
    """Median wall-clock and CPU seconds of this process and its children (Graphviz) — CPU time shows
    the work itself when other processes share the machine; the database's time is only in the wall clock."""
    timings, cpu, result = [], [], None
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), cpu_seconds()
        result = action()
        timings.append(time.perf_counter() - started)
        cpu.append(cpu_seconds() - started_cpu)
    return statistics.median(timings), statistics.median(cpu), result


def peak_memory(action) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def row(what: str, seconds: float, cpu: float, target: float, peak: int, size: str) -> str:
    verdict = "ok" if seconds < target else f"SLOW (target {target:.0f} s)"
    return f"| {what} | {seconds:.2f} s | {cpu:.2f} s | {peak / 2**20:.0f} MiB | {size} | {verdict} |"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--statements", type=int, default=10_000)
    parser.add_argument("--voters", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3, help="timed runs per export (imports: one fewer, at least 1)")
    parser.add_argument("--only", nargs="*", help="format keys to measure (default: all)")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from benchmarks.map_page import build_large_workshop
    from deliberation.formats import FORMATS, ExportOptions, export_workshop, import_file
    from deliberation.models import Statement, Vote, Workshop

    call_command("migrate", verbosity=0)
    # A run that was killed leaves its workshops behind: clear them first.
    leftovers = get_user_model().objects.filter(username__startswith="bench-formats-")
    Workshop.objects.filter(owner__in=leftovers).delete()
    leftovers.delete()
    user, _ = get_user_model().objects.get_or_create(username=f"bench-formats-{int(time.time())}")
    made = []
    try:
        started = time.perf_counter()
        workshop, _people = build_large_workshop(user, args.statements, voters=args.voters)
        made.append(workshop.pk)
        statements = Statement.objects.filter(workshop=workshop).count()
        votes = Vote.objects.filter(workshop=workshop).count()
        print(f"built {statements} statements, {votes} votes in {time.perf_counter() - started:.1f} s")

        options = ExportOptions(include_hidden=True, include_votes=True, anonymise=False)
        keys = args.only or list(FORMATS)
        lines = [
            "| what | median wall time | CPU time | peak Python memory | output | verdict |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        exports, slow = {}, []
        for key in keys:
            seconds, cpu, content = timed(lambda key=key: export_workshop(workshop, key, options), args.runs)
            peak = peak_memory(lambda key=key: export_workshop(workshop, key, options))
            exports[key] = content
            lines.append(row(f"export `{key}`", seconds, cpu, EXPORT_TARGET, peak, f"{len(content) / 2**20:.1f} MiB"))
            if seconds >= EXPORT_TARGET:
                slow.append(f"export {key}: {seconds:.2f} s")
            print(lines[-1], flush=True)

        import deliberation.formats as formats

        too_big = {
            key: len(exports[key])
            for key in IMPORTED
            if key in exports and len(exports[key]) > formats.MAX_IMPORT_BYTES
        }
        for key, size in too_big.items():
            print(
                f"note: the {key} export is {size / 2**20:.1f} MiB, over the upload limit of "
                f"{formats.MAX_IMPORT_BYTES / 2**20:.0f} MiB; the limit is raised for this measurement only"
            )
        if too_big:
            formats.MAX_IMPORT_BYTES = max(too_big.values()) + 1

        def import_once(key):
            created, summary = import_file(exports[key], key, user)
            made.append(created.pk)
            return summary

        for key in (k for k in IMPORTED if k in exports):
            try:
                seconds, cpu, summary = timed(lambda key=key: import_once(key), max(1, args.runs - 1))
                peak = peak_memory(lambda key=key: import_once(key))
            except Exception as error:  # a format that cannot take its own export is a finding, not a crash
                lines.append(f"| import `{key}` | failed: {error} | | | | FAILED |")
                slow.append(f"import {key}: failed ({error})")
                print(lines[-1], flush=True)
                continue
            counts = ", ".join(f"{n} {name}" for name, n in summary["counts"].items() if n)
            lines.append(row(f"import `{key}`", seconds, cpu, IMPORT_TARGET, peak, counts))
            if seconds >= IMPORT_TARGET:
                slow.append(f"import {key}: {seconds:.2f} s")
            print(lines[-1], flush=True)

        load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print()
        print("\n".join(lines))
        print(
            f"\nprocess peak resident memory (ru_maxrss): {maxrss:.0f} MiB; load average {load} on {os.cpu_count()} CPUs"
        )
        print("missed targets: " + ("; ".join(slow) if slow else "none"))
    finally:
        for pk in made:
            Workshop.objects.filter(pk=pk).delete()
        user.delete()
        connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
