from __future__ import annotations

import pytest

from daigang.accounts.models import Membership
from daigang.accounts.testing import member_make, organisation_make
from daigang.jobs.testing import job_make
from daigang.live.testing import room_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def rooms():
    organisation = organisation_make(name="苏州精密电子")
    anchor = member_make(organisation=organisation, name="小李", role=Membership.Role.ANCHOR)
    job = job_make(
        organisation=organisation, title="电子厂普工", wage_min_fen=2300, wage_max_fen=2600
    )
    live = room_make(
        organisation=organisation, anchors=[anchor], jobs=[job], title="直播中", state="live"
    )
    live.pinned_job = job
    live.save()
    upcoming = room_make(organisation=organisation, anchors=[anchor], title="即将开播的")
    room_make(organisation=organisation, anchors=[anchor], title="结束了", state="ended")
    return live, upcoming, job


def test_the_api_lists_live_rooms(client, rooms):
    live, _, _ = rooms
    response = client.get("/api/v1/rooms?state=live")
    assert response.status_code == 200
    [room] = response.json()
    assert room["id"] == live.pk
    assert room["state"] == "live"
    assert room["state_display"] == "直播中"
    assert room["organisation"]["name"] == "苏州精密电子"
    assert room["url"] == f"http://testserver/live/{live.pk}/"


def test_the_api_lists_upcoming_rooms(client, rooms):
    _, upcoming, _ = rooms
    response = client.get("/api/v1/rooms?state=scheduled")
    assert [room["id"] for room in response.json()] == [upcoming.pk]


def test_the_api_lists_live_then_upcoming_without_a_state(client, rooms):
    live, upcoming, _ = rooms
    assert [r["id"] for r in client.get("/api/v1/rooms").json()] == [live.pk, upcoming.pk]


def test_the_api_refuses_an_unknown_state(client, rooms):
    assert client.get("/api/v1/rooms?state=ended").status_code == 422


def test_room_detail_gives_state_viewers_pinned_job_and_whep_url(client, rooms):
    live, _, job = rooms
    response = client.get(f"/api/v1/rooms/{live.pk}")
    assert response.status_code == 200
    room = response.json()
    assert room["state"] == "live"
    assert room["viewers"] == 0
    assert room["pinned_job"]["id"] == job.pk
    assert room["pinned_job"]["wage"] == "23-26 元/小时"
    assert room["whep_url"] == f"http://testserver/stream/rooms/{live.pk}/whep"
    assert [j["title"] for j in room["jobs"]] == ["电子厂普工"]


def test_room_detail_of_an_unknown_room_is_404(client, rooms):
    assert client.get("/api/v1/rooms/999999").status_code == 404


def test_the_rooms_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/rooms" in paths
    assert "/api/v1/rooms/{room_id}" in paths


def test_room_detail_reports_the_viewers_the_hubs_last_counted(client, rooms):
    # given the hubs counted 7 sockets in the room during the last full period
    # (the clock stands still, so the request cannot cross into the next period)
    import time

    import time_machine

    from daigang.live import audience

    live, _, _ = rooms
    with time_machine.travel(time.time(), tick=False):
        audience.room_viewers_report(counts={live.pk: 7}, now=time.time() - audience.VIEWERS_PERIOD)
        # when / then
        assert client.get(f"/api/v1/rooms/{live.pk}").json()["viewers"] == 7
