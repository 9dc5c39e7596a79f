"""Writes about replays (回放): counting a view, and what the organisation does with them."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from daigang.accounts.models import User
from daigang.accounts.roles import Power
from daigang.accounts.selectors import membership_has
from daigang.live.audience import room_audience_record, room_viewers_seen
from daigang.live.models import Replay
from daigang.live.replays import replay_delete, replay_view_count


def replay_viewed(*, replay: Replay, viewer: str) -> bool:
    """A person (daigang.live.viewers key) opened the replay: counted once per day, into the
    room's views (场观) and its unique viewers (a fair's 观看人数), as entering the room is."""
    if not replay_view_count(replay=replay, viewer=viewer):
        return False
    room_audience_record(room_id=replay.room_id, views_added=1, viewers_now=0)
    room_viewers_seen(seen={replay.room_id: [viewer]})
    return True


def _check(*, replay: Replay, by: User) -> None:
    if not membership_has(
        user=by, organisation_id=replay.room.organisation_id, power=Power.ROOMS_SCHEDULE
    ):
        raise PermissionDenied


def replay_hide(*, replay: Replay, by: User, hidden: bool = True) -> Replay:
    """Hide a ready replay from the public (404), or show it again. Idempotent; a replay
    still recording or failed stays as it is."""
    _check(replay=replay, by=by)
    source, target = (
        (Replay.State.READY, Replay.State.HIDDEN)
        if hidden
        else (Replay.State.HIDDEN, Replay.State.READY)
    )
    with transaction.atomic():
        Replay.objects.filter(pk=replay.pk, state=source).update(state=target)
        replay.refresh_from_db(fields=["state"])
    return replay


def replay_remove(*, replay: Replay, by: User) -> None:
    """Delete the replay, file and row. Idempotent (deleting it twice is one deletion)."""
    _check(replay=replay, by=by)
    replay_delete(replay=replay)
