"""Every answer of /api/v1/ is JSON and documented in the OpenAPI document.

The walk below reads the document itself, so an operation added later is walked too: each is
called as anonymous, as a seeker and as a member of an organisation, with real, unknown and
malformed path values, bad query values and bad bodies. Whatever it answers must be one of the
statuses documented for it, with a JSON body; errors carry `code` and `message`.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from daigang.hiring.tests.pipeline_world import world_make

pytestmark = pytest.mark.django_db

BAD_PATH_VALUES = ["999999", "abc", "-1", "0", "9" * 30, "1.5"]
BAD_BODIES = [None, "not json", "{}", "[]", '{"to_stage": 5, "job_id": "x", "reason": []}']
# "a\x00b": PostgreSQL cannot hold a NUL byte in text; a filter must refuse it, not query it.
BAD_QUERY_VALUES = ["abc", "-1", "", "9" * 30, "a\x00b"]


def _operations(document: dict) -> list[tuple[str, str, dict]]:
    return [
        (path, method, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]


def _assert_documented(response, operation: dict, what: str) -> None:
    documented = {int(status) for status in operation["responses"]}
    assert response.status_code in documented, (
        f"{what}: {response.status_code} not in {sorted(documented)}: {response.content[:300]!r}"
    )
    assert response["Content-Type"].startswith("application/json"), (what, response.content[:300])
    body = response.json()
    if response.status_code >= 400:
        assert isinstance(body.get("code"), str) and body["code"], (what, body)
        assert isinstance(body.get("message"), str) and body["message"], (what, body)
        assert "Traceback" not in response.content.decode(), what


def _fill(path: str, value: str) -> str:
    return re.sub(r"\{[^}]+\}", value, path)


def test_every_operation_answers_documented_json_to_every_caller_and_bad_input():
    # given
    world = world_make()
    anonymous = Client(enforce_csrf_checks=True)
    seeker, member = Client(), Client()
    seeker.force_login(world.seeker)
    member.force_login(world.owner)
    document = anonymous.get("/api/v1/openapi.json").json()
    real_ids = [str(world.application.pk), str(world.organisation.pk), str(world.job.pk)]
    operations = _operations(document)
    assert len(operations) >= 9

    for path, method, operation in operations:
        query_names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
        for name, client in [("anonymous", anonymous), ("seeker", seeker), ("member", member)]:
            for value in [*real_ids, *BAD_PATH_VALUES] if "{" in path else [""]:
                url = _fill(path, value)
                # when: bad bodies (the methods that take one) or no body
                for body in BAD_BODIES if method in ("post", "put", "patch") else [None]:
                    response = getattr(client, method)(
                        url, body or "", content_type="application/json"
                    )
                    # then
                    _assert_documented(response, operation, f"{name} {method} {url} {body!r}")
                # when: each query parameter with a bad value
                for query in query_names:
                    for bad in BAD_QUERY_VALUES:
                        response = getattr(client, method)(url, {query: bad})
                        _assert_documented(response, operation, f"{name} {url}?{query}={bad}")


def test_anonymous_calls_to_session_operations_answer_401_with_a_code():
    # given
    world = world_make()
    client = Client()

    # when
    response = client.get(f"/api/v1/applications/{world.application.pk}")

    # then
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_non_integer_id_is_a_json_404_not_an_html_page(client):
    response = client.get("/api/v1/applications/abc")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"


def test_a_method_not_allowed_is_a_json_405_that_keeps_allow(client):
    response = client.delete("/api/v1/jobs")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_bad_job_filters_answer_400_with_code_message_and_errors(client):
    response = client.get("/api/v1/jobs", {"wage_min": "很多"})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_filters"
    assert body["message"] == body["detail"] == "筛选条件有误"
    assert "wage_min" in body["errors"]


def test_a_bad_parameter_answers_422_naming_the_parameter(client):
    response = client.get("/api/v1/jobs", {"page": "0"})

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert list(body["errors"]) == ["page"]


@pytest.mark.parametrize("debug", [False, True])
def test_an_unhandled_exception_answers_json_500_without_a_traceback(
    client, settings, monkeypatch, debug
):
    # given: a bug deep inside an operation (and, with DEBUG on, Django's traceback page)
    settings.DEBUG = debug
    client.raise_request_exception = False

    def broken(**kwargs):
        raise RuntimeError("secret internals of the bug")

    monkeypatch.setattr("daigang.live.selectors.rooms_by_state", broken)

    # when
    response = client.get("/api/v1/rooms")

    # then
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "server_error"
    assert b"secret internals" not in response.content
    assert b"Traceback" not in response.content


@pytest.mark.parametrize("debug", [False, True])
def test_an_exception_outside_ninja_under_the_api_also_answers_json_500(
    client, settings, monkeypatch, debug
):
    # given: the failure happens in a middleware, before ninja runs
    settings.DEBUG = debug
    client.raise_request_exception = False

    def broken(self, request):
        raise RuntimeError("secret internals of a middleware")

    monkeypatch.setattr("django.middleware.common.CommonMiddleware.process_request", broken)

    # when
    response = client.get("/api/v1/jobs")

    # then
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert b"secret internals" not in response.content
