"""Room state transitions: go live, end. Idempotent, one state event per real change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from daigang.core.testing import RoomEvents, capture_events
from daigang.live.lifecycle import room_end, room_go_live, room_interrupt, rooms_overdue_end
from daigang.live.models import Room
from daigang.live.testing import room_make

NOW = dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.UTC)


@pytest.fixture
def events() -> Iterator[RoomEvents]:
    with capture_events() as captured:
        yield captured


@pytest.mark.django_db
def test_going_live_sets_state_and_start_and_announces_it_once(
    events, django_capture_on_commit_callbacks
):
    # given
    room = room_make()
    # when
    with (
        time_machine.travel(NOW, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        room_go_live(room=room)
        room_go_live(room=room)  # a retried WHIP request
    # then
    room.refresh_from_db()
    assert room.state == Room.State.LIVE
    assert room.started_at == NOW
    assert [(e.room_id, e.kind, e.data) for e in events] == [(room.pk, "state", {"state": "live"})]


@pytest.mark.django_db
def test_ending_sets_state_and_end_and_announces_it_once(
    events, django_capture_on_commit_callbacks
):
    # given
    room = room_make()
    with django_capture_on_commit_callbacks(execute=True):
        room_go_live(room=room)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        room_end(room=room, now=NOW)
        room_end(room=room, now=NOW + dt.timedelta(minutes=5))
    # then
    room.refresh_from_db()
    assert room.state == Room.State.ENDED
    assert room.ended_at == NOW
    assert [e.data for e in events] == [{"state": "live"}, {"state": "ended"}]


@pytest.mark.django_db
def test_an_ended_room_cannot_go_live_again(events, django_capture_on_commit_callbacks):
    room = room_make(state=Room.State.ENDED)

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError) as error,
    ):
        room_go_live(room=room)

    assert error.value.code == "room_ended"
    assert events == []


@pytest.mark.django_db
def test_an_organisation_whose_verification_lapsed_cannot_go_live(events):
    room = room_make()

    with pytest.raises(ValidationError) as error:
        room_go_live(room=room, now=timezone.now() + dt.timedelta(days=365))

    assert error.value.code == "organisation_unverified"
    room.refresh_from_db()
    assert room.state == Room.State.SCHEDULED


@pytest.mark.django_db
def test_the_event_is_sent_only_after_the_write_commits(django_capture_on_commit_callbacks):
    # given
    room = room_make()
    # when
    with django_capture_on_commit_callbacks() as callbacks:
        room_go_live(room=room)
    # then: nothing was sent inside the transaction, the send waits for the commit
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_a_live_room_whose_publisher_went_away_is_interrupted_and_announced_once(
    events, django_capture_on_commit_callbacks
):
    # given
    room = room_make(state=Room.State.LIVE)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        room_interrupt(room=room)
        room_interrupt(room=room)
    # then
    room.refresh_from_db()
    assert room.state == Room.State.INTERRUPTED
    assert room.ended_at is None
    assert [e.data for e in events] == [{"state": "interrupted"}]


@pytest.mark.django_db
@pytest.mark.parametrize("state", [Room.State.SCHEDULED, Room.State.ENDED])
def test_only_a_live_room_is_interrupted(events, django_capture_on_commit_callbacks, state):
    room = room_make(state=state)

    with django_capture_on_commit_callbacks(execute=True):
        room_interrupt(room=room)

    room.refresh_from_db()
    assert room.state == state
    assert events == []


@pytest.mark.django_db
def test_an_interrupted_room_goes_live_again_and_keeps_its_start(
    events, django_capture_on_commit_callbacks
):
    # given a room that went live at NOW, then was interrupted
    room = room_make()
    with django_capture_on_commit_callbacks(execute=True):
        room_go_live(room=room, now=NOW)
        room_interrupt(room=room)
    # when its publisher is back
    with django_capture_on_commit_callbacks(execute=True):
        room_go_live(room=room, now=NOW + dt.timedelta(minutes=3))
    # then
    room.refresh_from_db()
    assert room.state == Room.State.LIVE
    assert room.started_at == NOW
    assert [e.data["state"] for e in events] == ["live", "interrupted", "live"]


@pytest.mark.django_db
def test_rooms_left_interrupted_long_after_their_planned_start_are_ended(settings):
    # given two interrupted rooms, one planned long ago, and a live one planned long ago
    settings.LIVE_ROOM_END_AFTER_HOURS = 12
    old = room_make(state=Room.State.INTERRUPTED, planned_start=NOW - dt.timedelta(hours=13))
    recent = room_make(state=Room.State.INTERRUPTED, planned_start=NOW - dt.timedelta(hours=2))
    live = room_make(state=Room.State.LIVE, planned_start=NOW - dt.timedelta(hours=13))
    # when
    ended = rooms_overdue_end(now=NOW)
    # then only the old interrupted one ends
    assert ended == 1
    states = {r.pk: r.state for r in Room.objects.filter(pk__in=[old.pk, recent.pk, live.pk])}
    assert states == {
        old.pk: Room.State.ENDED,
        recent.pk: Room.State.INTERRUPTED,
        live.pk: Room.State.LIVE,
    }
