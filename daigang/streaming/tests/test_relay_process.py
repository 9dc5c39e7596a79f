"""The relay in its own process (STREAM_RELAY=process): what a web process answers when the
relay or Redis does not, what it tells the relay, and what a relay restart does to rooms."""

from __future__ import annotations

import asyncio
import json

import pytest
import redis

from daigang.core.testing_faults import free_port
from daigang.live.lifecycle import room_end
from daigang.live.models import Room
from daigang.live.testing import room_make
from daigang.streaming import relay_control, services
from daigang.streaming.relay import relay_get
from daigang.streaming.testing import Publisher, room_state_wait, wait_until
from daigang.streaming.tests.conftest import relay_process_serving

RECVONLY_OFFER = (
    "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=recvonly\r\n"
    "a=rtpmap:96 VP8/90000\r\n"
)


@pytest.fixture
def process_mode(settings, relay_redis):
    settings.STREAM_RELAY = "process"
    settings.REDIS_URL = relay_redis.url
    settings.STREAM_RELAY_TIMEOUT_SECONDS = 1
    redis.Redis.from_url(relay_redis.url).flushdb()
    return relay_redis


@pytest.mark.django_db
def test_a_relay_that_does_not_answer_is_a_503_with_retry_after(client, process_mode):
    # given a live room and no relay process taking requests
    room = room_make(state=Room.State.LIVE)

    # when a viewer asks to watch
    response = client.post(
        f"/stream/rooms/{room.pk}/whep", RECVONLY_OFFER, content_type="application/sdp"
    )

    # then a clear 503 the player retries, not a hang or a 500
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "暂时无法连接" in response.content.decode()
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.django_db
def test_redis_down_is_the_same_503(client, settings):
    # given the relay's Redis refuses connections
    settings.STREAM_RELAY = "process"
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    room = room_make(state=Room.State.LIVE)

    # when
    response = client.post(
        f"/stream/rooms/{room.pk}/whep", RECVONLY_OFFER, content_type="application/sdp"
    )

    # then
    assert response.status_code == 503
    assert response["Retry-After"] == "5"


@pytest.mark.django_db
def test_a_request_that_came_too_late_makes_no_session(process_mode):
    # given a publish request whose web process gave up waiting long ago
    room = room_make(state=Room.State.LIVE)
    client = redis.Redis.from_url(process_mode.url)
    late = {"op": "view", "room_id": room.pk, "offer_sdp": RECVONLY_OFFER, "expires": 1.0}
    late["reply_to"] = "daigang:relay:reply:late"
    client.rpush(relay_control.requests_key(0), json.dumps(late))

    # when the relay takes it
    with relay_process_serving() as server:
        asyncio.run(wait_until(lambda: client.llen(relay_control.requests_key(0)) == 0, 5))

    # then it was skipped: no answer, no viewer
    assert client.llen("daigang:relay:reply:late") == 0
    assert server.handled == 0
    assert room.pk not in relay_get().rooms


@pytest.mark.django_db
def test_a_room_ended_in_a_web_process_is_told_to_its_relay(
    process_mode, settings, django_capture_on_commit_callbacks
):
    # given a live room placed on one of 2 relays, and this process is no relay
    settings.STREAM_RELAYS = 2
    room = room_make(state=Room.State.LIVE)
    client = redis.Redis.from_url(process_mode.url)

    # when its anchor ends it
    with django_capture_on_commit_callbacks(execute=True):
        room_end(room=room)

    # then the room's relay is asked to close it
    (raw,) = client.lrange(relay_control.requests_key(room.pk % 2), 0, -1)
    assert json.loads(raw)["op"] == "room_close"
    assert json.loads(raw)["room_id"] == room.pk


@pytest.mark.django_db
def test_a_relay_starting_after_a_crash_interrupts_its_rooms_left_live(settings):
    # given two relays; live rooms on each, and an ended one, after relay 0 was killed
    rooms = [room_make(state=Room.State.LIVE) for _ in range(4)]
    ended = room_make(state=Room.State.ENDED)

    # when relay 0 starts again
    count = services.relay_rooms_orphaned_interrupt(index=0, relays=2)

    # then its rooms are interrupted (their anchors come back), never ended; others untouched
    states = {room.pk: Room.objects.get(pk=room.pk).state for room in rooms}
    mine = [pk for pk in states if pk % 2 == 0]
    assert count == len(mine)
    for pk, state in states.items():
        assert state == (Room.State.INTERRUPTED if pk % 2 == 0 else Room.State.LIVE)
    assert Room.objects.get(pk=ended.pk).state == Room.State.ENDED


@pytest.mark.webrtc
@pytest.mark.usefixtures("relay_reset")
def test_a_relay_restart_interrupts_its_live_rooms_and_the_anchor_comes_back_on_air(
    asgi_server, process_mode, settings
):
    # given a room on air through the relay process
    settings.STREAM_RELAY_TIMEOUT_SECONDS = 10
    room = room_make()
    url = f"{asgi_server}/stream/rooms/{room.pk}/whip"
    first, again = Publisher(url, token=room.stream_key), Publisher(url, token=room.stream_key)

    async def on_air(publisher):
        response = await publisher.start()
        return response.status, await room_state_wait(room.pk, Room.State.LIVE)

    # the publishers' connections live on one loop of the test's own, across the restart
    loop = asyncio.new_event_loop()
    try:
        with relay_process_serving(drain=services.relay_drain):
            started = loop.run_until_complete(on_air(first))
        # when the relay process stops (SIGTERM drains it)
        after_stop = Room.objects.get(pk=room.pk).state
        with relay_process_serving(drain=services.relay_drain):
            # and starts again, and the anchor's console publishes again
            back = loop.run_until_complete(on_air(again))
            loop.run_until_complete(again.stop())
        loop.run_until_complete(first.pc.close())
    finally:
        loop.close()

    # then the room was interrupted, not ended, and went back on air
    assert started == (201, True)
    assert after_stop == Room.State.INTERRUPTED
    assert back == (201, True)
