"""Room state transitions: go live, end. Idempotent, one state event per real change."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from daigang.live import lifecycle
from daigang.live.lifecycle import room_end, room_go_live
from daigang.live.models import Room

from .conftest import room_make

NOW = dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.UTC)


@pytest.fixture
def events(monkeypatch, django_capture_on_commit_callbacks):
    sent = []

    def capture(*, room_id, kind, data):
        sent.append((room_id, kind, data))

    monkeypatch.setattr(lifecycle, "room_event_publish", capture)
    return sent


@pytest.mark.django_db
def test_going_live_sets_state_and_start_and_announces_it_once(events):
    # given
    room = room_make()
    # when
    with time_machine.travel(NOW, tick=False):
        room_go_live(room=room)
        room_go_live(room=room)  # a retried WHIP request
    # then
    room.refresh_from_db()
    assert room.state == Room.State.LIVE
    assert room.started_at == NOW
    assert events == [(room.pk, "state", {"state": "live"})]


@pytest.mark.django_db
def test_ending_sets_state_and_end_and_announces_it_once(events):
    # given
    room = room_make()
    room_go_live(room=room)
    # when
    room_end(room=room, now=NOW)
    room_end(room=room, now=NOW + dt.timedelta(minutes=5))
    # then
    room.refresh_from_db()
    assert room.state == Room.State.ENDED
    assert room.ended_at == NOW
    assert [data for _, _, data in events] == [{"state": "live"}, {"state": "ended"}]


@pytest.mark.django_db
def test_an_ended_room_cannot_go_live_again(events):
    room = room_make(state=Room.State.ENDED)

    with pytest.raises(ValidationError) as error:
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
