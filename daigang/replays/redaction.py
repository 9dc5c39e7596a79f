"""A 连麦 guest's voice leaves the replays when the guest deletes their account (PIPL art. 47).

A guest on mic is heard in the room's recording, mixed with the anchor (daigang.streaming:
there is one audio track). When the account is deleted (daigang.privacy), every replay that
recorded one of the guest's turns on air gets a `ReplayRedaction` for that turn, in wall-clock
time and a little wider (the guest's audio reaches the mix just after the turn starts and the
mix lags a little behind its end). `manage.py redact_replays` (every minute) places each
stretch on the finished recording (`replay_offset`, through the publish segments) and rewrites
the file with the audio silent there: every Opus packet that overlaps is replaced by encoded
silence of the same length, the video and all other packets are copied as they are
(`webm_audio_silence`). The anchor is silent during those turns too: their voices share the
packets. A replay still recording waits until it is finished.

One rewrite of a file at a time: a run claims the replay (`Replay.redacting_since`, taken back
after an hour if a run died); the stretches it silenced are marked done, and one requested
meanwhile waits for the next run. A file that cannot be rewritten is hidden (the voice is not
served) and tried again on the next run.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db.models import Q
from django.utils import timezone

from daigang.accounts.models import User
from daigang.live.models import MicRequest, Replay, ReplayRedaction
from daigang.live.replays import replay_offset, replay_path
from daigang.streaming.recorder import webm_audio_silence

logger = logging.getLogger(__name__)

BEFORE = dt.timedelta(seconds=1)
AFTER = dt.timedelta(seconds=3)
# A claim older than this belongs to a run that died: another run may take the replay.
CLAIM_STALE = dt.timedelta(hours=1)


def guest_voice_redact(*, user: User) -> int:
    """Ask for every stretch of every replay in which `user` was on air as a 连麦 guest to be
    made silent; how many stretches were added. Idempotent (asked twice, added once)."""
    added = 0
    turns = MicRequest.objects.filter(account=user, on_air_at__isnull=False)
    for turn in turns:
        assert turn.on_air_at is not None
        start = turn.on_air_at - BEFORE
        end = turn.closed_at + AFTER if turn.closed_at else None
        replays = Replay.objects.filter(room_id=turn.room_id).filter(
            Q(finished_at__isnull=True) | Q(finished_at__gte=start)
        )
        if end is not None:
            replays = replays.filter(started_at__lte=end)
        for replay in replays:
            _, created = ReplayRedaction.objects.get_or_create(
                replay=replay, start_at=start, end_at=end
            )
            added += created
    return added


def replays_redact(*, limit: int = 20, now: dt.datetime | None = None) -> int:
    """Silence the stretches asked for in finished replays; how many files were rewritten."""
    now = now or timezone.now()
    waiting = (
        ReplayRedaction.objects.filter(done_at__isnull=True)
        .exclude(replay__state=Replay.State.RECORDING)
        .values_list("replay_id", flat=True)
        .distinct()
        .order_by("replay_id")[:limit]
    )
    rewritten = 0
    for replay_id in list(waiting):
        claimed = (
            Replay.objects.filter(pk=replay_id)
            .filter(Q(redacting_since__isnull=True) | Q(redacting_since__lt=now - CLAIM_STALE))
            .update(redacting_since=timezone.now())
        )
        if not claimed:
            continue  # another run is rewriting it
        try:
            rewritten += _replay_redact(replay_id=replay_id)
        finally:
            Replay.objects.filter(pk=replay_id).update(redacting_since=None)
    return rewritten


def _replay_redact(*, replay_id: int) -> int:
    replay = Replay.objects.get(pk=replay_id)
    pending = list(replay.redactions.filter(done_at__isnull=True))
    path = replay_path(replay)
    spans = []
    for redaction in pending:
        start = replay_offset(replay, redaction.start_at)
        end = replay_offset(replay, redaction.end_at) if redaction.end_at else replay.duration
        if end > start:
            spans.append((start, end))
    if spans and replay.state != Replay.State.FAILED and path.is_file():
        try:
            replaced, size = webm_audio_silence(path, spans)
        except Exception:
            logger.exception(
                "replay %s: its guest's voice could not be silenced; hidden", replay.pk
            )
            Replay.objects.filter(pk=replay.pk, state=Replay.State.READY).update(
                state=Replay.State.HIDDEN
            )
            return 0
        Replay.objects.filter(pk=replay.pk).update(size=size)
        logger.info("replay %s: %d audio packets silenced", replay.pk, replaced)
    ReplayRedaction.objects.filter(pk__in=[r.pk for r in pending]).update(done_at=timezone.now())
    return 1 if spans else 0
