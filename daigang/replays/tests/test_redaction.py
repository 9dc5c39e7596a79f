"""A 连麦 guest who deletes their account is not heard in the replays any more: their turns on
mic are made silent by the redact_replays job, the rest of each replay plays as before."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import av
import pytest
from django.core.management import call_command
from django.utils import timezone

from daigang.hiring.testing import seeker_make
from daigang.live.models import MicRequest, Replay, ReplayRedaction, Room
from daigang.live.replays import replay_path
from daigang.live.testing import room_make
from daigang.privacy.services.deletion import account_delete
from daigang.replays.redaction import replays_redact
from daigang.replays.testing import audio_levels, replay_make

pytestmark = pytest.mark.django_db

SECONDS = 12.0


def on_mic(*, room: Room, seeker, start: dt.datetime, end: dt.datetime | None) -> MicRequest:
    return MicRequest.objects.create(
        room=room,
        account=seeker,
        state=MicRequest.State.ENDED if end else MicRequest.State.ON_AIR,
        raised_at=start - dt.timedelta(seconds=30),
        on_air_at=start,
        closed_at=end,
    )


def loud(levels: list[tuple[float, float]], start: float, end: float) -> list[bool]:
    return [level > 0.05 for at, level in levels if start <= at < end]


def digest(replay: Replay) -> str:
    return hashlib.sha256(replay_path(replay).read_bytes()).hexdigest()


def video_frames(replay: Replay) -> int:
    with av.open(str(replay_path(replay))) as container:
        return sum(1 for _ in container.decode(video=0))


def test_a_deleted_guests_turn_on_mic_goes_silent_in_the_replay_and_the_rest_still_plays():
    # given a 12 s replay with sound all through, a guest on mic from 3 s to 5 s into it,
    # and another guest's turn in another room
    room = room_make(state=Room.State.ENDED)
    replay = replay_make(room=room, seconds=SECONDS, tone=True)
    t0 = replay.started_at
    guest = seeker_make(phone="13800001111")
    on_mic(
        room=room,
        seeker=guest,
        start=t0 + dt.timedelta(seconds=3),
        end=t0 + dt.timedelta(seconds=5),
    )
    elsewhere = replay_make(room=room_make(state=Room.State.ENDED), seconds=SECONDS, tone=True)
    frames = video_frames(replay)
    # when the guest deletes their account
    account_delete(user=guest)
    # then the stretch is asked for (a second before the turn to three after) and nothing
    # changes until the job runs
    [redaction] = ReplayRedaction.objects.all()
    assert redaction.replay == replay and redaction.done_at is None
    assert all(loud(audio_levels(replay_path(replay)), 0, SECONDS))
    # when the job runs
    out = io.StringIO()
    call_command("redact_replays", stdout=out)
    # then the turn is silent, before and after it the replay sounds as it did, its picture
    # is whole, and the other room's replay is untouched
    assert "1 replay(s) rewritten" in out.getvalue()
    levels = audio_levels(replay_path(replay))
    assert all(loud(levels, 0.2, 1.9))
    assert not any(loud(levels, 2.1, 7.9))
    assert all(loud(levels, 8.2, SECONDS - 0.2))
    assert video_frames(replay) == frames
    replay.refresh_from_db()
    assert replay.size == replay_path(replay).stat().st_size
    assert replay.redacting_since is None
    redaction.refresh_from_db()
    assert redaction.done_at is not None
    assert all(loud(audio_levels(replay_path(elsewhere)), 0, SECONDS))
    # and a second run (or a second deletion) changes nothing
    before = digest(replay)
    account_delete(user=guest)
    assert replays_redact() == 0
    assert digest(replay) == before and ReplayRedaction.objects.count() == 1


def test_a_replay_still_recording_waits_and_a_guest_still_on_air_is_silent_to_its_end():
    # given a guest on mic since 8 s into a recording still being made
    room = room_make(state=Room.State.LIVE)
    replay = replay_make(room=room, seconds=SECONDS, tone=True, state=Replay.State.RECORDING)
    guest = seeker_make(phone="13800002222")
    on_mic(room=room, seeker=guest, start=replay.started_at + dt.timedelta(seconds=8), end=None)
    # when they delete their account
    account_delete(user=guest)
    # then the job waits for the recording to finish
    assert replays_redact() == 0
    assert ReplayRedaction.objects.get().done_at is None
    # and once it has, the replay is silent from their turn to its end
    Replay.objects.filter(pk=replay.pk).update(state=Replay.State.READY)
    assert replays_redact() == 1
    levels = audio_levels(replay_path(replay))
    assert all(loud(levels, 0.2, 6.9)) and not any(loud(levels, 7.1, SECONDS))


def deleted_guest_heard_in(replay: Replay) -> None:
    """A guest on mic for the replay's first 2 s, who then deleted their account."""
    guest = seeker_make(phone="13800003333")
    start = replay.started_at
    on_mic(room=replay.room, seeker=guest, start=start, end=start + dt.timedelta(seconds=2))
    account_delete(user=guest)


def test_a_replay_another_run_is_rewriting_is_left_to_it_until_its_claim_is_stale():
    replay = replay_make(room=room_make(state=Room.State.ENDED), seconds=SECONDS, tone=True)
    deleted_guest_heard_in(replay)
    now = timezone.now()
    Replay.objects.filter(pk=replay.pk).update(redacting_since=now)

    assert replays_redact(now=now) == 0
    assert replays_redact(now=now + dt.timedelta(hours=2)) == 1


def test_a_replay_whose_file_cannot_be_rewritten_is_hidden_and_tried_again():
    # given a deleted guest's turn in a replay whose file is damaged
    replay = replay_make(room=room_make(state=Room.State.ENDED), seconds=SECONDS)
    replay_path(replay).write_bytes(b"not a webm")
    deleted_guest_heard_in(replay)
    # when the job runs
    assert replays_redact() == 0
    # then the replay is no longer served, and the stretch is still to do
    replay.refresh_from_db()
    assert replay.state == Replay.State.HIDDEN and replay.redacting_since is None
    assert ReplayRedaction.objects.get().done_at is None
