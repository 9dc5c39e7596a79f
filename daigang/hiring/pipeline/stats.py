"""Pipeline numbers for an organisation: where applications come from (jobs, rooms, the
matchmakers and labour brokers who referred them), how far they get, how long a hire takes
and why people were turned down.

Each figure is one aggregate query (seven in all), whatever the number of applications.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from daigang.accounts.models import Membership, Organisation
from daigang.hiring.models import (
    REFERRAL_SOURCE_PREFIX,
    STAGE_ROAD,
    Application,
    Stage,
    StageChange,
    referral_membership_id,
    stage_rank,
)


@dataclass(frozen=True)
class CountRow:
    id: int | None
    label: str
    count: int


@dataclass(frozen=True)
class ReferrerRow:
    """A matchmaker or labour broker who referred applications: who, from where, how many,
    and how many of those were hired."""

    label: str
    count: int
    hires: int


@dataclass(frozen=True)
class ConversionRow:
    stage: str
    label: str
    reached: int
    share_of_all: float  # 0..1 of every application
    share_of_previous: float | None  # 0..1 of those that reached the stage before; None first

    @property
    def percent_of_all(self) -> str:
        return f"{self.share_of_all * 100:.1f}%"

    @property
    def percent_of_previous(self) -> str:
        return "" if self.share_of_previous is None else f"{self.share_of_previous * 100:.1f}%"


@dataclass(frozen=True)
class PipelineStats:
    total: int
    per_job: list[CountRow]
    per_room: list[CountRow]
    per_referrer: list[ReferrerRow]
    conversion: list[ConversionRow]
    hires: int
    median_time_to_hire: dt.timedelta | None
    rejection_reasons: list[CountRow]
    now_in_stage: dict[str, int]


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def pipeline_stats(*, organisation: Organisation) -> PipelineStats:
    """The organisation's pipeline numbers (see module docstring)."""
    applications = Application.objects.filter(organisation=organisation).order_by()

    per_job = [
        CountRow(id=row["job_id"], label=row["job__title"], count=row["n"])
        for row in applications.values("job_id", "job__title")
        .annotate(n=Count("pk"))
        .order_by("-n", "job__title")
    ]
    per_room = [
        CountRow(
            id=row["room_id"],
            label=row["room__title"] if row["room_id"] else _("直接报名（不经直播间）"),
            count=row["n"],
        )
        for row in applications.values("room_id", "room__title")
        .annotate(n=Count("pk"))
        .order_by("-n", "room__title")
    ]

    hired_at = STAGE_ROAD.index(Stage.ONBOARDED)
    referred = list(
        applications.filter(source__startswith=REFERRAL_SOURCE_PREFIX)
        .values("source")
        .annotate(n=Count("pk"), hires=Count("pk", filter=Q(stage_reached__gte=hired_at)))
    )
    referrers = Membership.objects.select_related("user", "organisation").in_bulk(
        [m for row in referred if (m := referral_membership_id(row["source"])) is not None]
    )
    per_referrer = []
    for row in referred:
        referrer = referrers.get(referral_membership_id(row["source"]) or 0)
        label = (
            f"{referrer.user.name or _('专员')} · {referrer.organisation.name}"
            if referrer is not None
            else _("已离开的专员")
        )
        per_referrer.append(ReferrerRow(label=label, count=row["n"], hires=row["hires"]))
    per_referrer.sort(key=lambda row: (-row.count, row.label))

    # One row: how many reached each road stage (stage_reached keeps the furthest one even
    # after a rejection), and how many are in each stage now.
    aggregates = {
        f"reached_{stage}": Count("pk", filter=Q(stage_reached__gte=i))
        for i, stage in enumerate(STAGE_ROAD)
    }
    aggregates.update({f"now_{stage}": Count("pk", filter=Q(stage=stage)) for stage in Stage})
    figures = applications.aggregate(**aggregates)
    total = figures[f"reached_{Stage.APPLIED}"]
    conversion = []
    previous: int | None = None
    for stage in STAGE_ROAD:
        reached = figures[f"reached_{stage}"]
        conversion.append(
            ConversionRow(
                stage=stage,
                label=str(Stage(stage).label),
                reached=reached,
                share_of_all=_share(reached, total),
                share_of_previous=None if previous is None else _share(reached, previous),
            )
        )
        previous = reached

    # Time to hire: from applying to the move into 已入职 (there is exactly one per hire).
    hire_times = [
        row["at"] - row["application__created_at"]
        for row in StageChange.objects.filter(
            application__organisation=organisation, to_stage=Stage.ONBOARDED
        )
        .order_by()
        .values("at", "application__created_at")
    ]
    median = (
        dt.timedelta(seconds=statistics.median(t.total_seconds() for t in hire_times))
        if hire_times
        else None
    )

    reasons = [
        CountRow(
            id=row["rejection_reason_id"],
            label=row["rejection_reason__name"] or _("其他（手写原因）"),
            count=row["n"],
        )
        for row in StageChange.objects.filter(
            application__organisation=organisation,
            to_stage=Stage.REJECTED,
            application__stage=Stage.REJECTED,
        )
        .order_by()
        .values("rejection_reason_id", "rejection_reason__name")
        .annotate(n=Count("application_id", distinct=True))
        .order_by("-n", "rejection_reason__name")
    ]
    return PipelineStats(
        total=total,
        per_job=per_job,
        per_room=per_room,
        per_referrer=per_referrer,
        conversion=conversion,
        hires=figures[f"reached_{Stage.ONBOARDED}"],
        median_time_to_hire=median,
        rejection_reasons=reasons,
        now_in_stage={stage: figures[f"now_{stage}"] for stage in Stage},
    )


def applications_reached(*, stage: str) -> Q:
    """Filter for applications that got at least as far as `stage` (e.g. "intention" for
    达成意向, the figure public employment services report), rejected or not since."""
    return Q(stage_reached__gte=stage_rank(stage))
