"""Who is watching: viewers now (在线人数), views (场观) and the peak, across ASGI processes.

Viewers now is a periodic aggregate, never an event per join. Time is cut into periods of
VIEWERS_PERIOD seconds; once per period every process adds the number of sockets it holds for
each room to that period's counter in the cache (atomic `incr`, so processes never overwrite
each other). The previous period's counter is then complete: it is the room's viewers now.
With REDIS_URL the cache is Redis and the sum spans every process; without it the cache is
local memory, which is right for the single process of the embedded default.

Views and the peak are kept in the database (RoomAudience), written by each process's hub as a
delta every period, so an entry costs no query.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.core.cache import cache
from django.db import IntegrityError, connections
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from redis.exceptions import RedisError

from daigang.live.models import RoomAudience

logger = logging.getLogger(__name__)

VIEWERS_PERIOD = 5  # seconds
# Counters outlive the period that reads them, and no longer.
_COUNTER_TTL = VIEWERS_PERIOD * 4

# Called with {room id: [viewer keys]} (daigang.live.viewers.scope_viewer) of the people whose
# view a process counted in the last period: apps above live count unique viewers from it
# (daigang.fairs hooks in from its AppConfig.ready()).
room_viewers_seen_hooks: list[Callable[[dict[int, list[str]]], None]] = []


def _period(now: float) -> int:
    return int(now // VIEWERS_PERIOD)


def _counter_key(room_id: int, period: int) -> str:
    return f"live:viewers:{room_id}:{period}"


def room_viewers_report(*, counts: dict[int, int], now: float) -> dict[int, int]:
    """Add this process's socket counts to the current period; return the last full totals.

    Call once per period per process. Returns, for each room in `counts`, the viewers summed
    over every process in the period before `now`'s (0 when none was counted).
    """
    period = _period(now)
    for room_id, count in counts.items():
        if count <= 0:
            continue
        key = _counter_key(room_id, period)
        cache.add(key, 0, timeout=_COUNTER_TTL)
        try:
            cache.incr(key, count)
        except ValueError:
            # Expired between add and incr (a stalled process): start the period again.
            cache.set(key, count, timeout=_COUNTER_TTL)
    keys = {room_id: _counter_key(room_id, period - 1) for room_id in counts}
    found = cache.get_many(list(keys.values()))
    return {room_id: int(found.get(key, 0)) for room_id, key in keys.items()}


def room_viewers_get(*, room_id: int, now: float | None = None) -> int | None:
    """Viewers now: the last complete period's total (0 when nobody was counted).

    None when the cache cannot be read (Redis down or stalled): pages still answer and show
    the count as unknown, rather than a 500 for a number nobody needs to act on.
    """
    if now is None:
        now = timezone.now().timestamp()
    try:
        return int(cache.get(_counter_key(room_id, _period(now) - 1), 0))
    except (RedisError, OSError):
        logger.warning("viewers of room %s unknown: the cache did not answer", room_id)
        return None


def room_audience_record(*, room_id: int, views_added: int, viewers_now: int) -> None:
    """Add entries to the room's views and raise its peak to `viewers_now` if higher."""
    if views_added <= 0 and viewers_now <= 0:
        return
    try:
        RoomAudience.objects.get_or_create(room_id=room_id)
    except IntegrityError:
        # The room was deleted while people still watched it: nothing left to count for.
        return
    RoomAudience.objects.filter(room_id=room_id).update(
        views=F("views") + max(0, views_added),
        viewers_peak=Greatest(F("viewers_peak"), viewers_now),
        updated_at=timezone.now(),
    )


def room_viewers_seen(*, seen: dict[int, list[str]]) -> None:
    """People who entered rooms (a period's worth from one process) for room_viewers_seen_hooks."""
    for hook in room_viewers_seen_hooks:
        try:
            hook(seen)
        except Exception:
            logger.exception("counting unique viewers failed in %s", hook)


# Counting unique viewers writes a row per new person: off the live database thread, so a
# crowd joining at once does not hold up the chat's writes behind it.
_counting = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-count")


def _room_viewers_seen_closing(seen: dict[int, list[str]]) -> None:
    try:
        room_viewers_seen(seen=seen)
    finally:
        connections.close_all()


async def room_viewers_seen_counted(*, seen: dict[int, list[str]]) -> None:
    """room_viewers_seen in a thread of its own (one per process), for the room hubs."""
    if not room_viewers_seen_hooks:
        return
    await sync_to_async(_room_viewers_seen_closing, thread_sensitive=False, executor=_counting)(
        seen
    )


def room_audience_get(*, room_id: int) -> dict[str, int | None]:
    """Views (场观), peak and viewers now of a room, for pages and statistics."""
    row = RoomAudience.objects.filter(room_id=room_id).values("views", "viewers_peak").first()
    return {
        "views": row["views"] if row else 0,
        "viewers_peak": row["viewers_peak"] if row else 0,
        "viewers_now": room_viewers_get(room_id=room_id),
    }
