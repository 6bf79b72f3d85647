"""Shared pieces of the format tests: the reference parsers, a generated map, and where the
shared example files are."""

import json
import os
import subprocess
from pathlib import Path

from deliberation.formats.argdown import MODULES, PARSER
from deliberation.models import Relation, Statement, Vote

ROOT = Path(__file__).resolve().parent.parent


def _shared_folder() -> Path:
    """The shared example files live beside the project, in `../shared`. A clone of a local checkout
    (a newcomer's first try, a CI workspace) finds them beside the checkout it was cloned from;
    the SHARED_DIR environment variable overrides both."""
    if os.environ.get("SHARED_DIR"):
        return Path(os.environ["SHARED_DIR"])
    beside = ROOT.parent / "shared"
    if beside.exists():
        return beside
    origin = subprocess.run(
        ["git", "-C", str(ROOT), "remote", "get-url", "origin"], capture_output=True, text=True
    ).stdout.strip()
    if origin and Path(origin).is_dir():
        return Path(origin).resolve().parent / "shared"
    return beside


SHARED = _shared_folder()


def shared_file(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    assert path.exists(), (
        f"{path} is missing: the format tests read the shared examples beside the project (or SHARED_DIR)"
    )
    return path


def argdown_model(text: str) -> dict:
    """Parse with the reference parser @argdown/core (installed by `make test`)."""
    assert (MODULES / "@argdown" / "core").exists(), "run `make test` (it installs @argdown/core)"
    result = subprocess.run(
        ["node", str(PARSER)],
        input=text,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "ARGDOWN_MODULES": str(MODULES)},
        check=True,
    )
    return json.loads(result.stdout)


def generated_map(workshop, size: int) -> None:
    """A map of `size` statements under `workshop`'s question: 10 positions, claims and evidence
    below, one in 20 with a second parent, a few votes."""
    author = workshop.participants.get()
    root = workshop.root()
    rows = []
    for i in range(size):
        kind = "position" if i < 10 else ("evidence" if i % 7 == 0 else "claim")
        rows.append(
            Statement(
                workshop=workshop,
                kind=kind,
                title=f"Generated statement {i}",
                text=f"Statement number {i} <b>&</b> [x]",
                author=author,
                source_citation="A report" if kind == "evidence" else "",
                source_url="https://example.org/r" if kind == "evidence" else "",
            )
        )
    Statement.objects.bulk_create(rows)
    links = []
    for i, row in enumerate(rows):
        if i < 10:
            links.append(Relation(workshop=workshop, source=row, target=root, kind="answers"))
            continue
        parent = rows[(i - 10) // 3] if i >= 13 else rows[i % 10]
        links.append(Relation(workshop=workshop, source=row, target=parent, kind="supports" if i % 2 else "opposes"))
        if i % 20 == 0 and i > 40:
            links.append(Relation(workshop=workshop, source=row, target=rows[i % 10], kind="opposes"))
    Relation.objects.bulk_create(links)
    Vote.objects.bulk_create(
        Vote(workshop=workshop, participant=author, kind="agreement", statement=row, value=(i % 5) - 2)
        for i, row in enumerate(rows[:200])
    )
