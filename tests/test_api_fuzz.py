"""The API against its own schema: schemathesis generates requests for every operation (valid and
invalid ones, a fixed seed, a bounded number of examples) and sends them to a real uvicorn server
on the test database. No answer may be a 5xx, and every answer must match the schema: a documented
status code, the documented content type and a body of the documented shape."""

import subprocess
import sys

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from deliberation.api.tokens import create_token
from deliberation.domain import add_statement, annotate, cast_vote, join_workshop
from deliberation.models import Relation, SourceDocument, Statement
from tests.servers import ROOT, uvicorn_server

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 6
SEED = 20261128


def test_it_builds_a_schema_without_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def quiet_server_url(transactional_db):
    """A real uvicorn server that logs errors only: thousands of refused requests would otherwise
    fill the unread output pipe and stall it."""
    with uvicorn_server(LOG_LEVEL="ERROR") as url:
        yield url


@pytest.fixture
def fuzz_world(quiet_server_url, make_workshop, moderator_user):
    """A contributing workshop with a small map, a document and people, and the credentials to use."""
    live_server_url = quiet_server_url
    workshop = make_workshop()
    alice = join_workshop(workshop, "Alice")
    position = add_statement(alice, workshop.root(), Statement.Kind.POSITION, "Share the data openly.")
    claim = add_statement(alice, position, Statement.Kind.CLAIM, "Openness builds trust.", relation="supports")
    cast_vote(alice, "agreement", 2, statement=claim)
    comment = annotate(alice, "comment", "Which data exactly?", statement=position)
    document = SourceDocument.objects.create(workshop=workshop, title="Report", text="Trust grows with openness.")
    bob = join_workshop(workshop, "Bob")
    _token, key = create_token(moderator_user, "fuzz")
    ids = {
        "slug": workshop.slug,
        "statement_id": claim.pk,
        "relation_id": Relation.objects.get(source=claim).pk,
        "annotation_id": comment.pk,
        "document_id": document.pk,
        "participant_id": bob.pk,
    }
    return {"url": live_server_url, "ids": ids, "alice": alice, "key": key}


def _fuzz(schema, base_url: str, headers: dict, ids: dict) -> list[str]:
    failures, statuses = [], {}
    for result in schema.get_all_operations():
        operation = result.ok()
        # Real objects in the path, so the generated bodies reach the domain rather than a 404.
        fixed = {p.name: ids[p.name] for p in operation.path_parameters if p.name in ids} or None
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @hypothesis.seed(SEED)
            @hypothesis.settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=False,
                database=None,
                suppress_health_check=list(HealthCheck),
                phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
            )
            @hypothesis.given(case=operation.as_strategy(generation_mode=mode, path_parameters=fixed))
            def run(case):
                response = case.call(base_url=base_url, headers=headers)
                statuses[response.status_code // 100] = statuses.get(response.status_code // 100, 0) + 1
                case.validate_response(response, checks=CHECKS)

            try:
                run()
            except Exception as error:  # collect them all, then fail with every operation named
                failures.append(f"{operation.method.upper()} {operation.path} ({mode.value}): {error}")
    # The credentials work: a fair share of the generated requests gets through to the domain.
    assert statuses.get(2, 0) >= 10, statuses
    return failures


def test_it_survives_schemathesis_as_a_moderator_and_as_a_participant(fuzz_world):
    base = fuzz_world["url"]
    schema = schemathesis.openapi.from_url(f"{base}/api/schema/")
    ids = fuzz_world["ids"]
    failures = _fuzz(schema, base, {"X-Participant-Token": fuzz_world["alice"].resume_token}, ids)
    failures += _fuzz(schema, base, {"Authorization": f"Bearer {fuzz_world['key']}"}, ids)
    assert not failures, "\n\n".join(failures)
