"""Every pipeline endpoint × every role: the owning organisation's owners and HR see and
change; its anchors, like outsiders, get 404 (roles.Power.APPLICATIONS); the seeker sees (and
withdraws) only their own; everyone else gets 404; anonymous visitors are sent to log in
(pages and forms) or get 401 (API)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from daigang.hiring.models import StageChange
from daigang.hiring.pipeline.settings import rejection_reasons_seed
from daigang.hiring.tests.pipeline_world import ROLES, world_make

pytestmark = pytest.mark.django_db

LOGIN = "login"  # a redirect to the login page

# (name, method, url template, body, expected status per role in ROLES order)
# ROLES: owner, hr, anchor, other_organisation, seeker, other_seeker, anonymous
ENDPOINTS = [
    ("board", "get", "/manage/{org}/pipeline/", None, [200, 200, 404, 404, 404, 404, LOGIN]),
    ("table", "get", "/manage/{org}/pipeline/table/", None, [200, 200, 404, 404, 404, 404, LOGIN]),
    ("stats", "get", "/manage/{org}/pipeline/stats/", None, [200, 200, 404, 404, 404, 404, LOGIN]),
    (
        "settings",
        "get",
        "/manage/{org}/pipeline/settings/",
        None,
        [200, 200, 404, 404, 404, 404, LOGIN],
    ),
    (
        "detail",
        "get",
        "/manage/{org}/applications/{app}/",
        None,
        [200, 200, 404, 404, 404, 404, LOGIN],
    ),
    (
        "move",
        "post",
        "/manage/{org}/applications/{app}/move/",
        {"to_stage": "contacted"},
        [302, 302, 404, 404, 404, 404, LOGIN],
    ),
    (
        "reject",
        "post",
        "/manage/{org}/applications/{app}/reject/",
        {"reason_id": "{reason}"},
        [302, 302, 404, 404, 404, 404, LOGIN],
    ),
    (
        "note",
        "post",
        "/manage/{org}/applications/{app}/notes/",
        {"text": "能吃苦"},
        [302, 302, 404, 404, 404, 404, LOGIN],
    ),
    (
        "tag",
        "post",
        "/manage/{org}/applications/{app}/tags/",
        {"name": "有经验"},
        [302, 302, 404, 404, 404, 404, LOGIN],
    ),
    (
        "bulk",
        "post",
        "/manage/{org}/pipeline/bulk/",
        {"action": "move", "to_stage": "contacted", "ids": "{app}"},
        [302, 302, 404, 404, 404, 404, LOGIN],
    ),
    (
        "settings_post",
        "post",
        "/manage/{org}/pipeline/settings/",
        {"action": "stage_add", "name": "体检", "after_stage": "offer"},
        [302, 302, 404, 404, 404, 404, LOGIN],
    ),
    (
        "withdraw",
        "post",
        "/me/applications/{app}/withdraw/",
        {},
        [404, 404, 404, 404, 302, 404, LOGIN],
    ),
    ("api_detail", "get", "/api/v1/applications/{app}", None, [200, 200, 404, 404, 200, 404, 401]),
    (
        "api_advance",
        "json",
        "/api/v1/applications/{app}/advance",
        {"to_stage": "contacted"},
        [200, 200, 404, 404, 404, 404, 401],
    ),
    (
        "api_reject",
        "json",
        "/api/v1/applications/{app}/advance",
        {"to_stage": "rejected", "reason": "不合适"},
        [200, 200, 404, 404, 404, 404, 401],
    ),
    (
        "api_withdraw",
        "json",
        "/api/v1/applications/{app}/withdraw",
        {},
        [404, 404, 404, 404, 200, 404, 401],
    ),
    (
        "api_org_list",
        "get",
        "/api/v1/organisations/{org}/applications",
        None,
        [200, 200, 404, 404, 404, 404, 401],
    ),
]

CASES = [
    pytest.param(name, method, url, body, role, expected, id=f"{name}-{role}")
    for name, method, url, body, statuses in ENDPOINTS
    for role, expected in zip(ROLES, statuses, strict=True)
]


def _fill(value, world, reason_id):
    if isinstance(value, str):
        return value.format(org=world.organisation.pk, app=world.application.pk, reason=reason_id)
    if isinstance(value, dict):
        return {key: _fill(item, world, reason_id) for key, item in value.items()}
    return value


@pytest.mark.parametrize(("name", "method", "url", "body", "role", "expected"), CASES)
def test_endpoint_answers_each_role(name, method, url, body, role, expected):
    # given
    world = world_make()
    reason_id = rejection_reasons_seed(organisation=world.organisation)[0].pk
    client = Client()
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    url = _fill(url, world, reason_id)
    body = _fill(body, world, reason_id)
    changes_before = StageChange.objects.count()
    # when
    if method == "get":
        response = client.get(url)
    elif method == "post":
        response = client.post(url, body)
    else:
        response = client.post(url, body, content_type="application/json")
    # then
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == expected, response.content[:300]
    if expected in (404, 401, LOGIN):
        assert StageChange.objects.count() == changes_before
        assert b"13800001111" not in response.content


def test_the_api_refuses_a_post_without_the_csrf_token():
    world = world_make()
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)

    response = client.post(
        f"/api/v1/applications/{world.application.pk}/advance",
        {"to_stage": "contacted"},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert not StageChange.objects.exists()
