"""The pin timeline: every pin and unpin is recorded, and a replay places them on its own
clock, which has no gap where the room was interrupted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from daigang.accounts.models import Membership
from daigang.accounts.testing import member_make, organisation_make
from daigang.jobs.testing import job_make
from daigang.live import services
from daigang.live.models import Replay, Room, RoomPinEvent
from daigang.live.replays import replay_chapters
from daigang.live.testing import room_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def room_with_jobs():
    organisation = organisation_make()
    anchor = member_make(organisation=organisation, role=Membership.Role.ANCHOR)
    first = job_make(organisation=organisation, title="电子厂普工")
    second = job_make(organisation=organisation, title="仓库分拣员")
    room = room_make(
        organisation=organisation, anchors=[anchor], jobs=[first, second], state=Room.State.LIVE
    )
    return room, anchor, first, second


def test_each_pin_and_unpin_is_written_once_in_order(room_with_jobs):
    # given
    room, anchor, first, second = room_with_jobs
    # when: pinned, pinned again (no change), another pinned, taken down
    services.room_pin(room=room, job=first, by=anchor)
    services.room_pin(room=room, job=first, by=anchor)
    services.room_pin(room=room, job=second, by=anchor)
    services.room_unpin(room=room, by=anchor)
    services.room_unpin(room=room, by=anchor)
    # then
    assert list(RoomPinEvent.objects.filter(room=room).values_list("job_id", flat=True)) == [
        first.pk,
        second.pk,
        None,
    ]


def pin_at(room, job, at):
    RoomPinEvent.objects.create(room=room, job=job, at=at)


def test_chapters_follow_the_pins_on_the_recordings_clock_across_an_interruption(room_with_jobs):
    # given a recording that started at t0: 60 s on air, 5 minutes off air, 60 s more
    room, _, first, second = room_with_jobs
    t0 = timezone.now().replace(microsecond=0) - dt.timedelta(hours=1)
    back = t0 + dt.timedelta(seconds=360)
    replay = Replay.objects.create(
        room=room,
        file="x.webm",
        state=Replay.State.READY,
        duration=120,
        started_at=t0,
        finished_at=back + dt.timedelta(seconds=60),
        segments=[[t0.timestamp(), 0.0], [back.timestamp(), 60.0]],
    )
    # the first job pinned before the recording, the second 30 s after the anchor came back
    pin_at(room, first, t0 - dt.timedelta(seconds=10))
    pin_at(room, second, back + dt.timedelta(seconds=30))
    # when
    chapters = replay_chapters(replay=replay)
    # then: the second chapter starts at 60 + 30 s of the recording, not 390 s
    assert [(c.job_id, c.start, c.end) for c in chapters] == [
        (first.pk, 0.0, 90.0),
        (second.pk, 90.0, 120.0),
    ]


def test_an_unpinned_card_ends_its_chapter_and_a_pin_during_the_break_starts_at_the_return(
    room_with_jobs,
):
    # given
    room, _, first, second = room_with_jobs
    t0 = timezone.now().replace(microsecond=0) - dt.timedelta(hours=1)
    back = t0 + dt.timedelta(seconds=300)
    replay = Replay.objects.create(
        room=room,
        file="x.webm",
        state=Replay.State.READY,
        duration=100,
        started_at=t0,
        finished_at=back + dt.timedelta(seconds=40),
        segments=[[t0.timestamp(), 0.0], [back.timestamp(), 60.0]],
    )
    pin_at(room, first, t0 + dt.timedelta(seconds=10))
    RoomPinEvent.objects.create(room=room, job=None, at=t0 + dt.timedelta(seconds=20))
    # pinned while off air (120 s after t0, the anchor came back at 300 s)
    pin_at(room, second, t0 + dt.timedelta(seconds=120))
    # when
    chapters = replay_chapters(replay=replay)
    # then
    assert [(c.job_id, c.start, c.end) for c in chapters] == [
        (first.pk, 10.0, 20.0),
        (second.pk, 60.0, 100.0),
    ]
