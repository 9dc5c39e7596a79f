from __future__ import annotations

import pytest
from channels.layers import get_channel_layer

from daigang.live.hub import hub_get
from daigang.live.models import Room
from daigang.live.testing import room_make
from daigang.live.tests.chat_fixtures import communicator, joined, run


def group_members(group: str) -> set[str]:
    """Channel names in a group, from this process's side of the configured layer."""
    layer = get_channel_layer()
    if hasattr(layer, "_get_layer"):  # channels_redis RedisPubSubChannelLayer, per event loop
        inner = layer._get_layer()
        return set(inner.groups.get(inner._get_group_channel_name(group), set()))
    return set(layer.groups.get(group, {}))


@pytest.mark.django_db(transaction=True)
def test_many_sockets_in_a_room_share_one_group_membership_per_process():
    # given one room
    room = room_make(state=Room.State.LIVE)
    group = f"room.{room.pk}"

    async def scenario():
        # when eight viewers join it in this process
        viewers = [communicator(room.pk) for _ in range(8)]
        for comm in viewers:
            await joined(comm)
        with_all = group_members(group)
        hub_channel = hub_get().channel_name
        # and all but one leave
        for comm in viewers[:-1]:
            await comm.disconnect()
        with_one = group_members(group)
        await viewers[-1].disconnect()
        with_none = group_members(group)
        return with_all, hub_channel, with_one, with_none

    with_all, hub_channel, with_one, with_none = run(scenario)

    # then the group had exactly one member, the hub's channel, until the last one left
    assert with_all == {hub_channel}
    assert with_one == {hub_channel}
    assert with_none == set()


@pytest.mark.django_db(transaction=True)
def test_one_hub_channel_serves_every_room_of_the_process():
    first, second = room_make(state=Room.State.LIVE), room_make(state=Room.State.LIVE)

    async def scenario():
        viewers = [communicator(first.pk), communicator(second.pk), communicator(second.pk)]
        for comm in viewers:
            await joined(comm)
        members = (group_members(f"room.{first.pk}"), group_members(f"room.{second.pk}"))
        for comm in viewers:
            await comm.disconnect()
        return members

    in_first, in_second = run(scenario)

    assert len(in_first) == 1
    assert in_first == in_second
