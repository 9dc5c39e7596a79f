"""schemathesis against the live API: the real ASGI app on 127.0.0.1, its own OpenAPI document.

The document is read from the running server (/api/v1/openapi.json), so an operation added
later is fuzzed too. Every operation is called as anonymous, as a logged-in seeker and as an
organisation's owner (session cookie + CSRF token, as a browser sends them), with

- positive data (valid by the document) drawn at random, and again with the path parameters
  fixed to objects that exist (so the 200 answers are exercised, not only 404s);
- negative data (invalid by the document): it must be refused with a 4xx.

Each answer must be no 5xx, a documented status, a documented content type, a body valid by
the documented schema. The run is bounded (examples per operation, no deadline, no shrinking,
derandomized) and talks to 127.0.0.1 only: any other connection fails the test.
"""

from __future__ import annotations

import secrets
import socket
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from daigang.hiring.tests.pipeline_world import world_make
from tests.conftest import orm

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES_PER_OPERATION = 8
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@pytest.fixture
def loopback_only_connections(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any socket connection from this process to an address other than loopback fails.

    (requests would follow a proxy from the environment; `trust_env` is off too, but this
    guard holds whatever the library does. Unix sockets, e.g. a local PostgreSQL, are fine.)
    """
    connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0] if isinstance(address, tuple) else address
            if host not in LOOPBACK:
                raise AssertionError(f"the API fuzz run tried to connect to {address!r}")
        return connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)
    yield


@dataclass(frozen=True)
class Caller:
    name: str
    session_id: str | None


@dataclass(frozen=True)
class Objects:
    path_values: dict[str, int]
    callers: list[Caller]


def _world() -> Objects:
    from django.test import Client

    from daigang.live.testing import room_make

    world = world_make()
    room = room_make(organisation=world.organisation, jobs=[world.job])

    def session_of(user) -> str:  # type: ignore[no-untyped-def]
        client = Client()
        client.force_login(user)
        return client.cookies["sessionid"].value

    return Objects(
        path_values={
            "application_id": world.application.pk,
            "job_id": world.job.pk,
            "organisation_id": world.organisation.pk,
            "room_id": room.pk,
        },
        callers=[
            Caller("anonymous", None),
            # The owner first: the seeker's run withdraws the application it advances.
            Caller("owner", session_of(world.owner)),
            Caller("seeker", session_of(world.seeker)),
        ],
    )


def _credentials(caller: Caller) -> tuple[dict[str, str], dict[str, str]]:
    """What a browser sends: the session cookie (if any), a CSRF cookie and its header."""
    token = secrets.token_hex(16)
    cookies = {"csrftoken": token}
    if caller.session_id:
        cookies["sessionid"] = caller.session_id
    return cookies, {"X-CSRFToken": token}


def _run(strategy, *, headers: dict[str, str], server: str, label: str) -> list[str]:
    """Draw cases from `strategy`, call the server, return the failures (not only the first)."""
    failures: list[str] = []
    session = requests.Session()
    session.trust_env = False  # no proxy from the environment: straight to 127.0.0.1

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case) -> None:  # type: ignore[no-untyped-def]
        try:
            # (schemathesis clears the session's headers per call: they are passed each time)
            case.call_and_validate(
                base_url=server,
                session=session,
                headers=headers,
                checks=CHECKS,
                timeout=30,
            )
        except (AssertionError, BaseExceptionGroup) as failure:
            if len(failures) < 5:
                failures.append(f"{label}: {failure}")

    try:
        run()
    except Unsatisfiable:
        # Negative data for an operation with nothing left to break (its only parameter, the
        # session cookie, is fixed): nothing to send.
        assert "negative" in label, label
    finally:
        session.close()
    return failures


def test_every_api_operation_answers_as_documented_to_every_caller_and_any_input(
    asgi_server, loopback_only_connections
):
    # given the objects the API serves, and the document the server publishes
    objects = orm(_world)
    schema = schemathesis.openapi.from_url(
        f"{asgi_server}/api/v1/openapi.json", headers={"Accept": "application/json"}
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 11

    failures: list[str] = []
    for caller in objects.callers:
        # The cookies are fixed in the cases, so that negative data never drops the session
        # (the anonymous caller's "sessionid" is generated, valid or not, by the document).
        cookies, headers = _credentials(caller)
        for operation in operations:
            label = f"{caller.name} {operation.label}"
            known = {
                name: value
                for name, value in objects.path_values.items()
                if f"{{{name}}}" in operation.path
            }
            strategies = [
                ("positive", operation.as_strategy(GenerationMode.POSITIVE, cookies=cookies)),
                ("negative", operation.as_strategy(GenerationMode.NEGATIVE, cookies=cookies)),
            ]
            if operation.label == "POST /api/v1/applications":
                body = {"job_id": objects.path_values["job_id"], "consent": True}
                strategies.append(
                    (
                        "positive, real job",
                        operation.as_strategy(GenerationMode.POSITIVE, body=body, cookies=cookies),
                    )
                )
            if known:
                strategies.append(
                    (
                        "positive, real ids",
                        operation.as_strategy(
                            GenerationMode.POSITIVE, path_parameters=known, cookies=cookies
                        ),
                    )
                )
            # when
            for mode, strategy in strategies:
                failures += _run(
                    strategy, headers=headers, server=asgi_server, label=f"{label} ({mode})"
                )

    # then
    assert failures == [], "\n\n".join(failures)
