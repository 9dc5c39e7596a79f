from __future__ import annotations

import time

import pytest
from django.core.cache import cache

from daigang.live import audience
from daigang.live.hub import hub_get
from daigang.live.models import Room, RoomAudience
from daigang.live.testing import room_make
from daigang.live.tests.chat_fixtures import communicator, events_until, joined, run

PERIOD = audience.VIEWERS_PERIOD


def _clear_counters(room_id: int, now: float) -> None:
    period = int(now // PERIOD)
    cache.delete_many([f"live:viewers:{room_id}:{p}" for p in range(period - 2, period + 3)])


@pytest.mark.django_db(transaction=True)
def test_viewers_now_is_the_sum_of_every_process_for_the_last_full_period():
    # given two processes counting the same room in one period
    room = room_make(state=Room.State.LIVE)
    now = 1_900_000_000.0 + room.pk * 1000
    _clear_counters(room.pk, now)
    audience.room_viewers_report(counts={room.pk: 3}, now=now)
    audience.room_viewers_report(counts={room.pk: 4}, now=now + 1)

    # when the next period's first report comes in
    totals = audience.room_viewers_report(counts={room.pk: 5}, now=now + PERIOD)

    # then it reads the full sum of the period before
    assert totals == {room.pk: 7}
    assert audience.room_viewers_get(room_id=room.pk, now=now + PERIOD + 1) == 7


@pytest.mark.django_db(transaction=True)
def test_the_hub_publishes_the_viewer_count_and_records_views_and_peak():
    # given a room with two viewers' sockets in this process, one of them a reconnect
    room = room_make(state=Room.State.LIVE)
    _clear_counters(room.pk, time.time())

    async def scenario():
        viewers = [
            communicator(room.pk, address="198.51.100.1"),
            communicator(room.pk, after=0, address="198.51.100.2"),
        ]
        for comm in viewers:
            await joined(comm)
        hub = hub_get()
        # when the periodic count runs
        await hub._audience_once()
        # (what a viewer's socket receives, not the hub's log: a tick may already have sent
        # and trimmed it on a busy machine)
        received = await events_until(viewers[0], "viewers", timeout=10)
        for comm in viewers:
            await comm.disconnect()
        return received

    received = run(scenario)

    # then viewers get the count, and one view (the reconnect is not a new entry) is stored
    assert {"kind": "viewers", "data": {"count": 2}} in received
    stats = RoomAudience.objects.get(room=room)
    assert (stats.views, stats.viewers_peak) == (1, 2)


@pytest.mark.django_db(transaction=True)
def test_entries_are_added_to_views_when_the_last_viewer_leaves():
    room = room_make(state=Room.State.LIVE)

    async def scenario():
        for visit in range(2):
            # six different people (a person's second entry within half an hour is one view)
            viewers = [
                communicator(room.pk, address=f"198.51.100.{visit * 3 + i}") for i in range(3)
            ]
            for comm in viewers:
                await joined(comm)
            for comm in viewers:
                await comm.disconnect()

    run(scenario)

    assert audience.room_audience_get(room_id=room.pk)["views"] == 6
