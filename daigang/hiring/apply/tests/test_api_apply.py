from __future__ import annotations

import pytest
from django.test import Client

from daigang.accounts.testing import organisation_make
from daigang.hiring.models import Application
from daigang.hiring.testing import application_make, seeker_make
from daigang.jobs.models import Job
from daigang.jobs.testing import job_make
from daigang.live.testing import room_make

# The apply endpoint does its database work on its own threads: rows must be committed.
pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/v1/applications"


def _post(client, body, key="api-key-00001", **headers):
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(URL, body, content_type="application/json", headers=headers)


def test_first_apply_answers_201_and_a_replay_200_with_the_same_id(client):
    # given
    job = job_make(organisation=organisation_make(name="东莞电子厂"))
    room = room_make(organisation=job.organisation)
    client.force_login(seeker_make())
    body = {"job_id": job.pk, "room_id": room.pk, "name": "张三", "consent": True}
    # when
    first = _post(client, body)
    replay = _post(client, body)
    # then
    assert first.status_code == 201, first.content
    assert replay.status_code == 200
    assert first.json()["id"] == replay.json()["id"]
    assert first.json()["organisation_name"] == "东莞电子厂"
    assert first.json()["room_id"] == room.pk
    assert first.json()["stage_display"] == "已报名"
    assert Application.objects.count() == 1


def test_a_new_key_for_the_same_job_answers_200_with_the_first_application(client):
    job = job_make(organisation=organisation_make())
    client.force_login(seeker_make())
    body = {"job_id": job.pk, "name": "张三", "consent": True}

    first = _post(client, body, key="api-key-first")
    second = _post(client, body, key="api-key-second")

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["id"] == first.json()["id"]


def test_a_missing_idempotency_key_is_400_with_a_clear_message(client):
    job = job_make(organisation=organisation_make())
    client.force_login(seeker_make())

    response = _post(client, {"job_id": job.pk, "name": "张三", "consent": True}, key=None)

    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_missing"
    assert "Idempotency-Key" in response.json()["detail"]
    assert Application.objects.count() == 0


def test_an_anonymous_request_is_401(client):
    job = job_make(organisation=organisation_make())

    response = _post(client, {"job_id": job.pk, "name": "张三", "consent": True})

    assert response.status_code == 401
    assert Application.objects.count() == 0


def test_without_consent_the_first_apply_is_400_and_points_to_the_form(client):
    job = job_make(organisation=organisation_make())
    room = room_make(organisation=job.organisation)
    client.force_login(seeker_make())

    response = _post(client, {"job_id": job.pk, "room_id": room.pk, "name": "张三"})

    assert response.status_code == 400
    assert response.json()["code"] == "consent_required"
    assert response.json()["apply_url"] == f"/jobs/{job.pk}/apply/?room={room.pk}"


def test_a_closed_job_is_400_job_closed(client):
    job = job_make(organisation=organisation_make(), status=Job.Status.CLOSED)
    client.force_login(seeker_make())

    response = _post(client, {"job_id": job.pk, "name": "张三", "consent": True})

    assert response.status_code == 400
    assert response.json()["code"] == "job_closed"


def test_an_unknown_job_is_404(client):
    client.force_login(seeker_make())

    response = _post(client, {"job_id": 999999, "name": "张三", "consent": True})

    assert response.status_code == 404


def test_a_key_reused_for_another_job_is_409(client):
    organisation = organisation_make()
    client.force_login(seeker_make())
    _post(
        client,
        {"job_id": job_make(organisation=organisation).pk, "name": "张三", "consent": True},
        key="api-key-reuse",
    )

    response = _post(
        client,
        {"job_id": job_make(organisation=organisation).pk, "name": "张三", "consent": True},
        key="api-key-reuse",
    )

    assert response.status_code == 409


def test_the_name_defaults_to_the_account_name(client):
    job = job_make(organisation=organisation_make())
    client.force_login(seeker_make(name="孙八"))

    response = _post(client, {"job_id": job.pk, "consent": True})

    assert response.status_code == 201
    assert response.json()["name"] == "孙八"


def test_mine_lists_only_my_applications_newest_first(client):
    seeker = seeker_make()
    organisation = organisation_make()
    older = application_make(job=job_make(organisation=organisation), seeker=seeker)
    newer = application_make(job=job_make(organisation=organisation), seeker=seeker)
    application_make(job=job_make(organisation=organisation), seeker=seeker_make())
    client.force_login(seeker)

    response = client.get(f"{URL}/mine")

    assert response.status_code == 200
    assert [a["id"] for a in response.json()] == [newer.pk, older.pk]


def test_mine_is_401_for_an_anonymous_request(client):
    assert client.get(f"{URL}/mine").status_code == 401


def test_the_csrf_token_is_required_and_x_csrftoken_is_accepted():
    # given a browser-like client that enforces CSRF, logged in, holding the CSRF cookie
    client = Client(enforce_csrf_checks=True)
    job = job_make(organisation=organisation_make())
    client.force_login(seeker_make())
    client.get(f"/jobs/{job.pk}/apply/")  # any page with a form sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    body = {"job_id": job.pk, "name": "张三", "consent": True}
    # when
    without = _post(client, body)
    with_token = _post(client, body, **{"X-CSRFToken": token})
    # then
    assert without.status_code == 403
    assert with_token.status_code == 201
    assert Application.objects.count() == 1


def test_the_openapi_document_lists_the_application_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert "post" in paths["/api/v1/applications"]
    assert "get" in paths["/api/v1/applications/mine"]
    parameters = paths["/api/v1/applications"]["post"]["parameters"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in parameters)


def test_the_tap_s_source_is_recorded_and_a_malformed_one_is_ignored_not_refused(client):
    # given two jobs and a seeker on the 刷岗位 feed
    org = organisation_make()
    job, other = job_make(organisation=org), job_make(organisation=org)
    client.force_login(seeker_make())
    # when they tap 一键报名 on a feed card, and on another with a junk source
    first = _post(client, {"job_id": job.pk, "consent": True, "source": f"feed:{job.pk}"})
    second = _post(
        client, {"job_id": other.pk, "consent": True, "source": "<x>"}, key="api-key-00002"
    )
    # then both apply; the first carries its source, the junk one none
    assert (first.status_code, second.status_code) == (201, 201), second.content
    assert Application.objects.get(job=job).source == f"feed:{job.pk}"
    assert Application.objects.get(job=other).source == ""
