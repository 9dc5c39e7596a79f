"""Viewers are people, not sockets: one client cannot inflate 在线人数, 场观 or the peak."""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client
from django.urls import reverse

from daigang.accounts.testing import user_make
from daigang.live import viewers as live_viewers
from daigang.live.hub import hub_get
from daigang.live.models import Room, RoomAudience
from daigang.live.testing import room_make
from daigang.live.tests.chat_fixtures import communicator, joined, run, session_cookie
from daigang.live.tests.test_hub_audience import _clear_counters

pytestmark = pytest.mark.django_db(transaction=True)


def test_three_hundred_anonymous_sockets_from_one_client_are_one_viewer_and_capped(settings):
    # given a per-address cap of 5 and one client opening 300 sockets without any cookie
    settings.LIVE_ROOM_SOCKETS_PER_ADDRESS = 5
    room = room_make(state=Room.State.LIVE)
    _clear_counters(room.pk, time.time())

    async def scenario():
        accepted, refused = [], []
        for _ in range(300):
            comm = communicator(room.pk, address="203.0.113.9")
            connected, _ = await comm.connect(timeout=5)
            assert connected  # accepted first, so the page can say why it was closed
            frame = json.loads(await comm.receive_from(timeout=5))
            kinds = [event["kind"] for event in frame["events"]]
            if "hello" in kinds:
                accepted.append(comm)
            else:
                closed = await comm.receive_output(timeout=3)
                refused.append((frame["events"][0]["data"], closed.get("code")))
        hub = hub_get()
        # when the periodic count runs
        await hub._audience_once()
        pending = hub.rooms[room.pk].viewers
        for comm in accepted:
            await comm.disconnect()
        return len(accepted), refused, pending

    accepted, refused, pending = run(scenario)

    # then five sockets got in, the rest were told why and closed with 4429
    assert accepted == 5
    assert len(refused) == 295
    data, code = refused[0]
    assert code == 4429
    assert data["code"] == "too_many_sockets"
    assert "同一网络" in data["message"]
    # and the five are one viewer, one view, a peak of one
    assert pending == 1
    stats = RoomAudience.objects.get(room=room)
    assert (stats.views, stats.viewers_peak) == (1, 1)


def test_two_tabs_of_one_logged_in_user_are_one_viewer_and_one_view():
    # given one user with the room open in two tabs, and another user
    room = room_make(state=Room.State.LIVE)
    _clear_counters(room.pk, time.time())
    same, other = session_cookie(user_make()), session_cookie(user_make())

    async def scenario():
        tabs = [communicator(room.pk, cookie=same, address="198.51.100.1") for _ in range(2)]
        tabs.append(communicator(room.pk, cookie=other, address="198.51.100.2"))
        for comm in tabs:
            await joined(comm)
        hub = hub_get()
        await hub._audience_once()
        pending = hub.rooms[room.pk].viewers
        for comm in tabs:
            await comm.disconnect()
        return pending

    pending = run(scenario)

    assert pending == 2
    stats = RoomAudience.objects.get(room=room)
    assert (stats.views, stats.viewers_peak) == (2, 2)


def test_a_viewer_who_comes_back_within_half_an_hour_is_one_view():
    room = room_make(state=Room.State.LIVE)
    cookie = session_cookie(user_make())

    async def scenario():
        for _ in range(3):
            comm = communicator(room.pk, cookie=cookie)
            await joined(comm)
            await comm.disconnect()

    run(scenario)

    assert RoomAudience.objects.get(room=room).views == 1


def test_anonymous_viewers_are_told_apart_by_their_signed_viewer_cookie():
    # given the room page gives each anonymous browser a signed viewer id
    room = room_make(state=Room.State.LIVE)
    _clear_counters(room.pk, time.time())
    cookies = []
    for _ in range(2):
        browser = Client()
        browser.get(reverse("live:room", args=[room.pk]))
        value = browser.cookies[live_viewers.VIEWER_COOKIE].value
        cookies.append(f"{live_viewers.VIEWER_COOKIE}={value}".encode())
    forged = f"{live_viewers.VIEWER_COOKIE}=made-up-id:xyz".encode()

    async def scenario():
        # two browsers behind one address (a dormitory's Wi-Fi), and a forged cookie there too
        sockets = [communicator(room.pk, cookie=c, address="192.0.2.7") for c in cookies]
        sockets.append(communicator(room.pk, cookie=forged, address="192.0.2.7"))
        sockets.append(communicator(room.pk, address="192.0.2.7"))
        for comm in sockets:
            await joined(comm)
        hub = hub_get()
        await hub._audience_once()
        pending = hub.rooms[room.pk].viewers
        for comm in sockets:
            await comm.disconnect()
        return pending

    pending = run(scenario)

    # then the two cookies are two people; the forged one counts as the address, like no cookie
    assert pending == 3
