"""Unique viewers through the real room hub: people, not sockets or entries, and a person who
watched two of a fair's rooms counts once in the fair."""

from __future__ import annotations

import time

import pytest

from daigang.accounts.testing import user_make
from daigang.fairs import stats
from daigang.fairs.services import fair_room_add
from daigang.fairs.testing import LANZHOU, bureau_make, fair_make, operator_make
from daigang.live.hub import hub_get
from daigang.live.models import Room
from daigang.live.testing import room_make
from daigang.live.tests.chat_fixtures import communicator, joined, run, session_cookie
from daigang.live.tests.test_hub_audience import _clear_counters

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_person_in_two_tabs_and_two_rooms_of_a_fair_is_one_unique_viewer_of_the_fair():
    # given a fair with two live rooms
    bureau = bureau_make(region=LANZHOU)
    operator = operator_make(bureau=bureau)
    fair = fair_make(bureau=bureau, by=operator)
    rooms = [room_make(organisation=bureau, state=Room.State.LIVE) for _ in range(2)]
    for room in rooms:
        fair_room_add(fair=fair, room=room, by=operator)
        _clear_counters(room.pk, time.time())
    same, other = session_cookie(user_make()), session_cookie(user_make())

    async def scenario():
        # when one person opens the first room in two tabs and the second room once, and
        # another person opens the first room
        sockets = [
            communicator(rooms[0].pk, cookie=same, address="198.51.100.1"),
            communicator(rooms[0].pk, cookie=same, address="198.51.100.1"),
            communicator(rooms[1].pk, cookie=same, address="198.51.100.1"),
            communicator(rooms[0].pk, cookie=other, address="198.51.100.2"),
        ]
        for comm in sockets:
            await joined(comm)
        # and the hub's periodic count runs
        await hub_get()._audience_once()
        for comm in sockets:
            await comm.disconnect()

    run(scenario)

    # then the first room had two people, the second one, and the fair two
    by_room = {row["room"].pk: row["viewers"] for row in stats.fair_rooms_numbers(fair=fair)}
    assert by_room == {rooms[0].pk: 2, rooms[1].pk: 1}
    assert stats.fair_numbers(fair=fair)["viewers"] == 2
    assert stats.fair_numbers_raw(fair=fair)["viewers"] == 2
