"""Mic link (连麦) pages: the viewer's hand and consent, the console's queue."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from daigang.accounts.models import Membership
from daigang.accounts.testing import member_make, organisation_make, user_make
from daigang.jobs.testing import job_make
from daigang.live import mic
from daigang.live.models import MicRequest, Room
from daigang.live.testing import room_make

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def live_room():
    organisation = organisation_make()
    anchor = member_make(organisation=organisation, name="主播小李", role=Membership.Role.ANCHOR)
    room = room_make(organisation=organisation, anchors=[anchor], state=Room.State.LIVE)
    return room, anchor


def test_a_viewer_raises_a_hand_once_however_often_they_tap(client, live_room):
    # given
    room, _anchor = live_room
    viewer = user_make(name="张小明")
    client.force_login(viewer)
    url = reverse("live:mic_raise", args=[room.pk])
    # when
    first = client.post(url, **JSON)
    second = client.post(url, **JSON)
    # then
    assert first.status_code == second.status_code == 200
    assert first.json()["mic"]["state"] == "raised"
    assert first.json()["mic"]["id"] == second.json()["mic"]["id"]
    assert MicRequest.objects.filter(room=room).count() == 1


def test_an_anonymous_visitor_is_sent_to_log_in_and_the_page_offers_it(client, live_room):
    # given
    room, _anchor = live_room
    # when
    response = client.post(reverse("live:mic_raise", args=[room.pk]))
    page = client.get(reverse("live:room", args=[room.pk])).content.decode()
    # then
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "登录后申请连麦" in page


def test_the_console_shows_the_queue_masked_and_the_anchor_accepts_in_place(client, live_room):
    # given
    room, anchor = live_room
    viewer = user_make(name="张小明", phone="13812345678")
    request = mic.mic_hand_raise(room=room, by=viewer)
    client.force_login(anchor)
    # when
    console = client.get(reverse("live:console", args=[room.pk])).content.decode()
    panel = client.post(
        reverse("live:mic_act", args=[room.pk, request.pk]),
        {"action": "accept", "turn_seconds": "60"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    # then
    assert 'id="console-mic"' in console and "张**" in console
    assert "张小明" not in console.split('id="console-mic"')[1].split("</section>")[0]
    assert "13812345678" not in console
    assert "等待对方确认上麦" in panel
    request.refresh_from_db()
    assert (request.state, request.turn_seconds) == ("accepted", 60)


def test_a_third_guest_is_refused_in_words_on_the_panel(client, live_room):
    # given two guests accepted
    room, anchor = live_room
    for _ in range(2):
        raised = mic.mic_hand_raise(room=room, by=user_make())
        mic.mic_accept(room=room, request_id=raised.pk, by=anchor)
    third = mic.mic_hand_raise(room=room, by=user_make())
    client.force_login(anchor)
    # when
    panel = client.post(
        reverse("live:mic_act", args=[room.pk, third.pk]),
        {"action": "accept", "turn_seconds": "180"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    # then
    assert "最多同时连麦 2 人" in panel
    third.refresh_from_db()
    assert third.state == "raised"


def test_a_viewer_cannot_act_on_the_queue(client, live_room):
    # given
    room, _anchor = live_room
    viewer = user_make()
    request = mic.mic_hand_raise(room=room, by=viewer)
    client.force_login(viewer)
    # when
    response = client.post(
        reverse("live:mic_act", args=[room.pk, request.pk]), {"action": "accept"}
    )
    # then
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.state == "raised"


def test_consenting_before_being_accepted_is_refused_with_a_reason(client, live_room):
    # given
    room, _anchor = live_room
    viewer = user_make()
    mic.mic_hand_raise(room=room, by=viewer)
    client.force_login(viewer)
    # when
    response = client.post(reverse("live:mic_consent", args=[room.pk]), **JSON)
    # then
    assert response.status_code == 409
    assert response.json()["code"] == "mic_not_accepted"


def test_the_room_page_tells_the_guest_their_own_request(client, live_room):
    # given an accepted guest reloading the room page
    room, anchor = live_room
    viewer = user_make()
    request = mic.mic_hand_raise(room=room, by=viewer)
    mic.mic_accept(room=room, request_id=request.pk, by=anchor)
    client.force_login(viewer)
    # when
    page = client.get(reverse("live:room", args=[room.pk])).content.decode()
    # then
    config = json.loads(page.split('id="mic-config" type="application/json">')[1].split("<")[0])
    assert config["me"]["state"] == "accepted"
    assert config["guest_url"] == f"/stream/rooms/{room.pk}/guest"


def test_the_queue_says_which_job_the_viewer_asks_about(client, live_room):
    # given a hand raised while a job was pinned
    room, anchor = live_room
    job = job_make(organisation=room.organisation, title="电子厂普工")
    room.jobs.add(job)
    viewer = user_make()
    client.force_login(viewer)
    client.post(reverse("live:mic_raise", args=[room.pk]), {"job": str(job.pk)}, **JSON)
    client.force_login(anchor)
    # when
    panel = client.get(reverse("live:mic_panel", args=[room.pk]), HTTP_HX_REQUEST="true")
    # then
    assert panel.status_code == 200
    assert "想问：电子厂普工" in panel.content.decode()
