"""Replays (回放) of rooms: the recording's rows and the pin timeline placed on it.

The relay (daigang.streaming.recorder, in whatever process serves the room) writes the file
and calls `replay_recording_begin` / `replay_recording_finish` from its own thread. The pages
(daigang.replays) read `replay_chapters`.

Placing the pins: the recording has no gaps (a publisher back after an interruption continues
after the last frame), the wall clock does. Each publish segment's start is noted as (unix
time, seconds into the recording); a pin at wall time t falls in the last segment started
before t, at its start + (t - its wall start), never past the next segment's start.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from daigang.live.models import Replay, ReplayView, Room, RoomPinEvent


def replay_path(replay: Replay) -> Path:
    return Path(settings.REPLAY_ROOT) / replay.file


def replay_recording_begin(*, room_id: int) -> tuple[int, Path] | None:
    """A new recording of the room: its row (state recording) and where to write the file.
    None when replays are off or the room is gone (nothing is recorded then)."""
    if not settings.REPLAYS_ENABLED or not Room.objects.filter(pk=room_id).exists():
        return None
    name = f"room-{room_id}/{timezone.now():%Y%m%d-%H%M%S}-{secrets.token_hex(4)}.webm"
    replay = Replay.objects.create(room_id=room_id, file=name)
    return replay.pk, replay_path(replay)


def replay_recording_finish(
    *,
    replay_id: int,
    ok: bool,
    duration: float,
    size: int,
    segments: list[tuple[float, float]],
) -> None:
    """The file is complete (ready) or could not be written (failed). Idempotent; a replay
    the organisation hid or deleted meanwhile stays so."""
    with transaction.atomic():
        replay = Replay.objects.select_for_update().filter(pk=replay_id).first()
        if replay is None or replay.state != Replay.State.RECORDING:
            return
        replay.state = Replay.State.READY if ok and duration > 0 else Replay.State.FAILED
        replay.duration = duration
        replay.size = size
        replay.segments = [[round(t, 3), round(s, 3)] for t, s in segments]
        replay.finished_at = timezone.now()
        replay.save()


def replay_recordings_unfinished_room_ids() -> list[int]:
    return list(
        Replay.objects.filter(state=Replay.State.RECORDING).values_list("room_id", flat=True)
    )


def replay_recordings_abandoned_fail(*, room_ids: list[int] | None = None) -> int:
    """Recordings a killed relay never finished (no cues, maybe no header): failed."""
    rows = Replay.objects.filter(state=Replay.State.RECORDING)
    if room_ids is not None:
        rows = rows.filter(room_id__in=room_ids)
    return rows.update(state=Replay.State.FAILED, finished_at=timezone.now())


@dataclass(frozen=True)
class Chapter:
    job_id: int
    start: float  # seconds into the recording
    end: float


def replay_offset(replay: Replay, at: dt.datetime) -> float:
    """Where wall time `at` falls in the recording, in seconds (see the module's text)."""
    segments = [(float(t), float(s)) for t, s in replay.segments] or [
        (replay.started_at.timestamp(), 0.0)
    ]
    moment = at.timestamp()
    offset = 0.0
    for index, (wall, start) in enumerate(segments):
        if moment < wall:
            break
        limit = segments[index + 1][1] if index + 1 < len(segments) else replay.duration
        offset = min(start + moment - wall, limit)
    return max(0.0, min(offset, replay.duration))


def replay_chapters(*, replay: Replay) -> list[Chapter]:
    """The jobs pinned during the recording, in order, each with where it starts and ends
    (a job pinned before the recording started opens it at 0). A card taken down (unpin)
    ends its chapter; a chapter shorter than a second is dropped."""
    until = replay.finished_at or timezone.now()
    before = (
        RoomPinEvent.objects.filter(room_id=replay.room_id, at__lt=replay.started_at)
        .order_by("-at", "-pk")
        .first()
    )
    events = list(
        RoomPinEvent.objects.filter(
            room_id=replay.room_id, at__gte=replay.started_at, at__lte=until
        ).order_by("at", "pk")
    )
    marks: list[tuple[float, int | None]] = []
    if before is not None:
        marks.append((0.0, before.job_id))
    marks += [(replay_offset(replay, event.at), event.job_id) for event in events]
    chapters: list[Chapter] = []
    for index, (start, job_id) in enumerate(marks):
        end = marks[index + 1][0] if index + 1 < len(marks) else replay.duration
        if job_id is not None and end - start >= 1.0:
            chapters.append(Chapter(job_id=job_id, start=round(start, 2), end=round(end, 2)))
    return chapters


def replay_view_count(*, replay: Replay, viewer: str, day: dt.date | None = None) -> bool:
    """Count `viewer` (daigang.live.viewers key) once per replay per day; True if new."""
    if not viewer:
        return False
    _, created = ReplayView.objects.get_or_create(
        replay=replay, viewer=viewer, day=day or timezone.localdate()
    )
    return created


def replay_delete(*, replay: Replay) -> None:
    """The row, and the file once that commits (a rolled-back delete keeps both).
    Idempotent (a missing file is fine)."""
    path = replay_path(replay)
    Replay.objects.filter(pk=replay.pk).delete()
    transaction.on_commit(lambda: path.unlink(missing_ok=True))


def replays_expire(*, now: dt.datetime | None = None) -> int:
    """Delete replays older than REPLAY_RETENTION_DAYS (files and rows); the count."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.REPLAY_RETENTION_DAYS)
    expired = list(Replay.objects.filter(started_at__lt=cutoff).exclude(state="recording"))
    for replay in expired:
        replay_delete(replay=replay)
    return len(expired)
