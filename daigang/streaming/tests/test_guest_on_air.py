"""A mic-link guest on air: every viewer hears the anchor and the guest in the room's one
Opus stream, and stops hearing the guest as soon as the anchor ends the turn."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections
from django.test import Client
from django.utils import timezone

from daigang.accounts.models import Membership
from daigang.accounts.testing import member_make, organisation_make, user_make
from daigang.live import mic
from daigang.live.models import MicRequest, Room
from daigang.live.testing import room_make
from daigang.streaming.loop import relay_await
from daigang.streaming.relay import relay_get
from daigang.streaming.testing import (
    GuestPublisher,
    Publisher,
    Viewer,
    room_state_wait,
    tone_level,
    wait_until,
)

pytestmark = [pytest.mark.webrtc, pytest.mark.usefixtures("relay_reset")]

ANCHOR_HZ, GUEST_HZ = 440, 1000
# A tone of amplitude 8000 reads ~0.24; Opus and the mix keep it well above this.
HEARD = 0.05


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def in_thread(function, **kwargs):
    def call():
        try:
            return function(**kwargs)
        finally:
            connections.close_all()

    return await sync_to_async(call, thread_sensitive=False)()


async def listen(viewer: Viewer, seconds: float = 1.0) -> dict[int, float]:
    viewer.audio_pcm.clear()
    await asyncio.sleep(seconds)
    pcm = bytes(viewer.audio_pcm)[-48_000 * 4 // 2 :]  # the last half second
    return {hz: tone_level(pcm, hz) for hz in (ANCHOR_HZ, GUEST_HZ)}


def test_viewers_hear_the_guest_beside_the_anchor_until_the_turn_ends(asgi_server, relay_mode):
    # given a live room and a viewer on air
    organisation = organisation_make()
    anchor = member_make(organisation=organisation, role=Membership.Role.ANCHOR)
    room = room_make(organisation=organisation, anchors=[anchor])
    guest_user = user_make(name="张三")
    base = f"{asgi_server}/stream/rooms/{room.pk}"
    publisher = Publisher(f"{base}/whip", token=room.stream_key)
    viewer = Viewer(f"{base}/whep", keep_audio=True)
    guest = GuestPublisher(f"{base}/guest", session_cookie=session_cookie(guest_user))

    async def scenario():
        await publisher.start()
        assert await room_state_wait(room.pk, Room.State.LIVE)
        live = await in_thread(Room.objects.get, pk=room.pk)
        request = await in_thread(mic.mic_hand_raise, room=live, by=guest_user)
        await in_thread(mic.mic_accept, room=live, request_id=request.pk, by=anchor)
        await in_thread(mic.mic_consent, room=live, by=guest_user)
        await viewer.start()
        assert await viewer.wait_for(audio=25)
        alone = await listen(viewer)
        # when the guest publishes
        response = await guest.start()
        assert response.status == 201, response.body
        assert await wait_until(lambda: relay_get().rooms[room.pk].mixer.guests() != [])
        await asyncio.sleep(1.0)
        together = await listen(viewer)
        # and the anchor ends the turn
        await in_thread(mic.mic_turn_end, room=live, request_id=request.pk, by=anchor)
        assert await wait_until(lambda: not relay_get().rooms[room.pk].mixer.active())
        await asyncio.sleep(0.3)
        after = await listen(viewer)
        stats = await relay_await(_stats(room.pk))
        await guest.close()
        await viewer.close()
        await publisher.pc.close()
        return alone, together, after, stats

    alone, together, after, stats = asyncio.run(scenario())

    # then
    assert alone[ANCHOR_HZ] > HEARD and alone[GUEST_HZ] < HEARD / 5
    assert together[ANCHOR_HZ] > HEARD and together[GUEST_HZ] > HEARD
    assert after[ANCHOR_HZ] > HEARD and after[GUEST_HZ] < HEARD / 5
    assert stats["counters"]["audio_frames_mixed"] > 25
    assert stats["guests"] == []


async def _stats(room_id):
    return relay_get().stats(room_id)


def test_a_viewer_not_on_air_cannot_publish_into_the_room(asgi_server):
    # given a live room and a viewer whose hand is only raised
    organisation = organisation_make()
    anchor = member_make(organisation=organisation, role=Membership.Role.ANCHOR)
    room = room_make(organisation=organisation, anchors=[anchor])
    raiser = user_make()
    base = f"{asgi_server}/stream/rooms/{room.pk}"
    publisher = Publisher(f"{base}/whip", token=room.stream_key)
    guest = GuestPublisher(f"{base}/guest", session_cookie=session_cookie(raiser))

    async def scenario():
        await publisher.start()
        assert await room_state_wait(room.pk, Room.State.LIVE)
        live = await in_thread(Room.objects.get, pk=room.pk)
        await in_thread(mic.mic_hand_raise, room=live, by=raiser)
        # when
        response = await guest.start()
        await guest.close()
        await publisher.pc.close()
        return response

    response = asyncio.run(scenario())

    # then
    assert response.status == 403
    assert "连麦" in response.body


def test_the_relay_cuts_a_guest_at_the_turn_limit_and_ends_the_turn(asgi_server, relay_mode):
    # given a guest on air whose 60-second turn has 2 seconds left
    organisation = organisation_make()
    anchor = member_make(organisation=organisation, role=Membership.Role.ANCHOR)
    room = room_make(organisation=organisation, anchors=[anchor])
    guest_user = user_make()
    base = f"{asgi_server}/stream/rooms/{room.pk}"
    publisher = Publisher(f"{base}/whip", token=room.stream_key)
    guest = GuestPublisher(f"{base}/guest", session_cookie=session_cookie(guest_user))

    def nearly_over(request_id):
        MicRequest.objects.filter(pk=request_id).update(
            on_air_at=timezone.now() - dt.timedelta(seconds=58)
        )

    async def scenario():
        await publisher.start()
        assert await room_state_wait(room.pk, Room.State.LIVE)
        live = await in_thread(Room.objects.get, pk=room.pk)
        request = await in_thread(mic.mic_hand_raise, room=live, by=guest_user)
        await in_thread(
            mic.mic_accept, room=live, request_id=request.pk, by=anchor, turn_seconds=60
        )
        await in_thread(mic.mic_consent, room=live, by=guest_user)
        await in_thread(nearly_over, request_id=request.pk)
        # when the guest publishes and the limit passes
        response = await guest.start()
        assert response.status == 201, response.body
        assert await wait_until(lambda: relay_get().rooms[room.pk].mixer.guests() != [])
        cut = await wait_until(lambda: relay_get().rooms[room.pk].mixer.guests() == [], 6)
        ended = await wait_until_state(request.pk, MicRequest.State.ENDED)
        await guest.close()
        await publisher.pc.close()
        return cut, ended

    cut, ended = asyncio.run(scenario())

    # then the relay stopped mixing the guest and the turn is over in the database
    assert cut
    assert ended


async def wait_until_state(request_id: int, state: str, timeout: float = 5.0) -> bool:
    def read() -> str:
        return MicRequest.objects.get(pk=request_id).state

    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if await in_thread(read) == state:
            return True
        await asyncio.sleep(0.1)
    return False
