"""An anchor removed from the organisation can no longer publish: the key they knew is
replaced, and the publisher on air is dropped (the room waits its grace for the new key)."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async

from daigang.accounts.models import Membership, User
from daigang.accounts.services import membership_remove
from daigang.live.models import Room
from daigang.streaming.relay import relay_get
from daigang.streaming.testing import Publisher, wait_until

from .conftest import room_make

pytestmark = [pytest.mark.webrtc, pytest.mark.usefixtures("relay_reset", "relay_mode")]


def _room_with_anchor() -> tuple[Room, User, Membership]:
    room = room_make()
    owner = User.objects.create_user(phone="13900000001", name="王经理")
    anchor = User.objects.create_user(phone="13900000002", name="主播小李")
    Membership.objects.create(
        organisation=room.organisation, user=owner, role=Membership.Role.OWNER
    )
    membership = Membership.objects.create(
        organisation=room.organisation, user=anchor, role=Membership.Role.ANCHOR
    )
    room.anchors.set([anchor])
    return room, owner, membership


def _publisher_gone(room_id: int) -> bool:
    relayed = relay_get().rooms.get(room_id)
    return relayed is None or relayed.publisher is None


def test_removing_the_anchor_drops_their_whip_session_and_their_key_is_refused(
    asgi_server, settings
):
    # given the anchor publishing with the room's key
    settings.STREAM_PUBLISHER_GRACE_SECONDS = 30
    room, owner, membership = _room_with_anchor()
    old_key = room.stream_key
    url = f"{asgi_server}/stream/rooms/{room.pk}/whip"
    publisher = Publisher(url, token=old_key)

    async def scenario():
        started = await publisher.start()
        await wait_until(lambda: publisher.pc.connectionState == "connected", 10)
        # when the owner removes the anchor
        await sync_to_async(membership_remove)(membership=membership, by=owner)
        dropped = await wait_until(lambda: _publisher_gone(room.pk), 10)
        # then the old key is refused, and the owner can go on with the new one
        again = Publisher(url, token=old_key)
        with_old_key = await again.start()
        await again.pc.close()
        new_key = await sync_to_async(lambda: Room.objects.get(pk=room.pk).stream_key)()
        resumed = Publisher(url, token=new_key)
        with_new_key = await resumed.start()
        await resumed.stop()
        await publisher.pc.close()
        return started, dropped, with_old_key, with_new_key

    started, dropped, with_old_key, with_new_key = asyncio.run(scenario())

    assert started.status == 201
    assert dropped
    assert with_old_key.status == 401
    assert with_new_key.status == 201
