"""Job card numbers (#17): impressions (a card on screen), video plays and card opens, per job
and day, for jobs with a video and without — so an organisation sees on its own jobs whether
a video raises the click-through (opens ÷ impressions).

Cheap writes: the page batches what it saw into one beacon every few seconds (and when the
page is left); `card_counts_add` folds the beacon into one row per job and day with one
`UPDATE … SET impressions = impressions + k` (an INSERT only for the first beacon of the day,
a race on that insert retried as an UPDATE). A page counts each card once per visit, and each
beacon carries a random batch id: a beacon the browser sends again is counted once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from daigang.accounts.models import Organisation
from daigang.jobs.models import CardCount, Job, Video

KINDS = {"i": "impressions", "p": "plays", "o": "opens"}
# More than a page shows in a few seconds is not a person scrolling: the rest is dropped.
EVENTS_MAX = 200
# A beacon's batch id is remembered this long (a browser resends within seconds, not hours).
BATCH_SEEN_SECONDS = 6 * 3600
BATCH_ID = re.compile(r"[0-9A-Za-z_-]{8,40}")


def card_events_parse(raw: str) -> list[tuple[str, int]]:
    """ "i:12,p:12,o:13" → [("i", 12), ("p", 12), ("o", 13)]; junk entries are skipped."""
    events = []
    for item in raw.split(",")[:EVENTS_MAX]:
        kind, _, job_id = item.strip().partition(":")
        if kind in KINDS and job_id.isdigit() and len(job_id) <= 12:
            events.append((kind, int(job_id)))
    return events


def card_counts_add(
    *, events: list[tuple[str, int]], batch: str = "", day: dt.date | None = None
) -> int:
    """Add a beacon's events to the day's rows; how many rows were written. Events for jobs
    that are not published are ignored; a batch id already counted adds nothing."""
    if (
        batch
        and BATCH_ID.fullmatch(batch)
        and not cache.add(f"jobs:counts:{batch}", 1, BATCH_SEEN_SECONDS)
    ):
        return 0
    day = day or timezone.localdate()
    per_job: dict[int, Counter[str]] = {}
    for kind, job_id in events[:EVENTS_MAX]:
        per_job.setdefault(job_id, Counter())[KINDS[kind]] += 1
    if not per_job:
        return 0
    known = set(
        Job.objects.filter(pk__in=per_job, status=Job.Status.PUBLISHED).values_list("pk", flat=True)
    )
    with_video = set(
        Video.objects.filter(job_id__in=known, state=Video.State.READY).values_list(
            "job_id", flat=True
        )
    )
    written = 0
    for job_id in sorted(known):
        counts = per_job[job_id]
        key = {"job_id": job_id, "day": day, "with_video": job_id in with_video}
        update = {name: F(name) + n for name, n in counts.items()}
        if not CardCount.objects.filter(**key).update(**update):
            try:
                with transaction.atomic():
                    CardCount.objects.create(**key, **counts)
            except IntegrityError:  # another beacon inserted the day's row first
                CardCount.objects.filter(**key).update(**update)
        written += 1
    return written


@dataclass(frozen=True)
class ClickThrough:
    impressions: int
    plays: int
    opens: int

    @property
    def rate(self) -> float | None:
        """Opens per impression, or None before any impression."""
        return self.opens / self.impressions if self.impressions else None

    @property
    def percent(self) -> str:
        return "—" if self.rate is None else f"{self.rate * 100:.1f}%"


@dataclass(frozen=True)
class VideoClickThrough:
    with_video: ClickThrough
    without_video: ClickThrough
    days: int

    @property
    def lift(self) -> str:
        """How much higher (or lower) the click-through is with a video: "+50%"."""
        a, b = self.with_video.rate, self.without_video.rate
        if a is None or not b:
            return "—"
        return f"{(a / b - 1) * 100:+.0f}%"


def card_click_through(
    *, organisation: Organisation, days: int = 30, today: dt.date | None = None
) -> VideoClickThrough:
    """The organisation's job cards over the last `days` days, with a video and without."""
    today = today or timezone.localdate()
    rows = (
        CardCount.objects.filter(
            job__organisation=organisation, day__gt=today - dt.timedelta(days=days)
        )
        .values("with_video")
        .annotate(i=Sum("impressions"), p=Sum("plays"), o=Sum("opens"))
    )
    found = {
        row["with_video"]: ClickThrough(row["i"] or 0, row["p"] or 0, row["o"] or 0) for row in rows
    }
    empty = ClickThrough(0, 0, 0)
    return VideoClickThrough(
        with_video=found.get(True, empty), without_video=found.get(False, empty), days=days
    )
