"""A fair's numbers, as bureaus report them after every fair (场次, 参会单位, 岗位数, 招聘人数,
观看人次, 投递/报名, 初步意向, 面试, 录用, 签约, 入职), counted over the fair and the fairs
inside it (三级联动), so a province's numbers are its cities' and counties' together.

The dashboard reads them from precomputed counters (daigang.fairs.counters): a few rows per
fair, whatever the number of applications and view events. The `*_raw` functions count the
raw rows with aggregate queries instead (an application's furthest stage is one column,
Application.stage_reached): the rebuild command, the tests and bench/fair_stats.py check the
counters against them. A seeker who applied in two of the fairs counts once among the
applicants, a person who watched two rooms once among the viewers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy

from daigang.accounts.models import SeekerProfile
from daigang.contracts.models import CheckIn
from daigang.fairs import counters
from daigang.fairs.counters import FAIR, ROOM, SEEN_VIEWER
from daigang.fairs.models import (
    Fair,
    FairCounter,
    FairEntry,
    FairInvite,
    FairJob,
    FairRoom,
    FairSeen,
    TargetGroup,
)
from daigang.fairs.selectors import fair_family_ids
from daigang.hiring.models import STAGE_ROAD, Application, Stage
from daigang.jobs.models import Job
from daigang.live.models import Room, RoomAudience
from daigang.regions.models import Region

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The figures in the order the report shows them, with their Chinese names.
FIGURES: tuple[tuple[str, StrOrPromise], ...] = (
    ("sessions", gettext_lazy("直播场次")),
    ("organisations", gettext_lazy("参会单位")),
    ("jobs", gettext_lazy("岗位数")),
    ("headcount", gettext_lazy("招聘人数")),
    ("views", gettext_lazy("观看人次")),
    ("viewers_peak", gettext_lazy("单场最高在线人数")),
    ("applications", gettext_lazy("报名人次")),
    ("applicants", gettext_lazy("报名人数")),
    ("intentions", gettext_lazy("达成意向")),
    ("interviews", gettext_lazy("面试")),
    ("offers", gettext_lazy("录用")),
    ("signed", gettext_lazy("签约")),
    ("hires", gettext_lazy("入职")),
    # Added after the first reports were frozen: at the end, so the figures' places stay.
    ("viewers", gettext_lazy("观看人数")),
)
_REACHED = {
    "intentions": STAGE_ROAD.index(Stage.INTENTION),
    "interviews": STAGE_ROAD.index(Stage.INTERVIEW),
    "offers": STAGE_ROAD.index(Stage.OFFER),
    "signed": STAGE_ROAD.index(Stage.SIGNED),
    "hires": STAGE_ROAD.index(Stage.ONBOARDED),
}


def _source_q(fair_ids: list[int], prefix: str = "") -> Q:
    q = Q()
    for fair_id in fair_ids:
        q |= Q(**{f"{prefix}source": f"fair:{fair_id}"}) | Q(
            **{f"{prefix}source__startswith": f"fair:{fair_id}:"}
        )
    return q


def fair_applications(*, fair_ids: list[int]) -> QuerySet[Application]:
    """Applications the fair brought: from a room in its schedule, or from its pages and
    invite links (Application.source)."""
    rooms = FairRoom.objects.filter(fair_id__in=fair_ids).values("room_id")
    return Application.objects.filter(Q(room_id__in=rooms) | _source_q(fair_ids))


def _fair_structure(ids: list[int]) -> dict[str, int]:
    """Sessions, organisations, jobs, headcount, views and the peak: counted over the fair's
    schedule and registrations (hundreds of rows, not the applications or view events)."""
    rooms = FairRoom.objects.filter(fair_id__in=ids).values("room_id")
    jobs = FairJob.objects.filter(
        entry__fair_id__in=ids, entry__status=FairEntry.Status.APPROVED
    ).aggregate(jobs=Count("job_id", distinct=True), headcount=Sum("headcount"))
    audience = RoomAudience.objects.filter(room_id__in=rooms).aggregate(
        views=Sum("views"), viewers_peak=Max("viewers_peak")
    )
    return {
        "sessions": FairRoom.objects.filter(fair_id__in=ids).count(),
        "organisations": FairEntry.objects.filter(fair_id__in=ids, status=FairEntry.Status.APPROVED)
        .values("organisation_id")
        .distinct()
        .count(),
        "jobs": jobs["jobs"] or 0,
        "headcount": jobs["headcount"] or 0,
        "views": audience["views"] or 0,
        "viewers_peak": audience["viewers_peak"] or 0,
    }


def fair_numbers(*, fair: Fair) -> dict[str, int]:
    """Every figure of FIGURES for the fair and the fairs inside it, from the counters: the
    additive figures summed over the family, the unique ones read from the fair itself (its
    counters already cover the fairs inside it)."""
    counters.flush()
    ids = fair_family_ids(fair=fair)
    numbers = _fair_structure(ids)
    summed = dict(
        FairCounter.objects.filter(
            scope=FAIR, scope_id__in=ids, figure__in=counters.ADDITIVE, bucket=""
        )
        .values_list("figure")
        .annotate(total=Sum("n"))
        .order_by()
    )
    unique = dict(
        FairCounter.objects.filter(
            scope=FAIR, scope_id=fair.pk, figure__in=counters.UNIQUE, bucket=""
        ).values_list("figure", "n")
    )
    for name in counters.ADDITIVE:
        numbers[name] = int(summed.get(name) or 0)
    for name in counters.UNIQUE:
        numbers[name] = int(unique.get(name) or 0)
    return numbers


def fair_viewers_raw(*, ids: list[int]) -> int:
    """Unique viewers of the family's rooms, counted over the raw per-room rows."""
    rooms = FairRoom.objects.filter(fair_id__in=ids).values("room_id")
    return (
        FairSeen.objects.filter(scope=ROOM, scope_id__in=rooms, figure=SEEN_VIEWER)
        .values("person")
        .distinct()
        .count()
    )


def fair_numbers_raw(*, fair: Fair) -> dict[str, int]:
    """fair_numbers counted over the raw rows (applications, the rooms' viewers)."""
    ids = fair_family_ids(fair=fair)
    reached = {
        name: Count("id", filter=Q(stage_reached__gte=index)) for name, index in _REACHED.items()
    }
    applications = fair_applications(fair_ids=ids).aggregate(
        applications=Count("id"), applicants=Count("seeker_id", distinct=True), **reached
    )
    return {
        **_fair_structure(ids),
        **{name: applications[name] or 0 for name in ("applications", "applicants", *_REACHED)},
        "viewers": fair_viewers_raw(ids=ids),
    }


def _organisation_rows(ids: list[int]) -> dict[int, dict[str, Any]]:
    rows: dict[int, dict[str, Any]] = {}
    for entry in (
        FairEntry.objects.filter(fair_id__in=ids, status=FairEntry.Status.APPROVED)
        .select_related("organisation")
        .annotate(jobs_count=Count("jobs"), headcount=Sum("jobs__headcount"))
        .order_by("organisation__name", "id")
    ):
        row = rows.setdefault(
            entry.organisation_id,
            {"organisation": entry.organisation.name, "jobs": 0, "headcount": 0},
        )
        row["jobs"] += entry.jobs_count
        row["headcount"] += entry.headcount or 0
    for row in rows.values():
        row.update({"applications": 0, **dict.fromkeys(_REACHED, 0)})
    return rows


def fair_numbers_by_organisation(*, fair: Fair) -> list[dict[str, Any]]:
    """One row per approved employer: jobs, headcount, applications and how far they got
    (from the counters, bucket "o<organisation>")."""
    ids = fair_family_ids(fair=fair)
    rows = _organisation_rows(ids)
    for figure, bucket, total in (
        FairCounter.objects.filter(
            scope=FAIR, scope_id__in=ids, figure__in=counters.ADDITIVE, bucket__startswith="o"
        )
        .values_list("figure", "bucket")
        .annotate(total=Sum("n"))
        .order_by()
    ):
        row = rows.get(int(bucket[1:]))
        if row is not None:
            row[figure] = int(total)
    return list(rows.values())


def fair_numbers_by_organisation_raw(*, fair: Fair) -> list[dict[str, Any]]:
    """fair_numbers_by_organisation counted over the raw applications."""
    ids = fair_family_ids(fair=fair)
    rows = _organisation_rows(ids)
    reached = {
        name: Count("id", filter=Q(stage_reached__gte=index)) for name, index in _REACHED.items()
    }
    counted = (
        fair_applications(fair_ids=ids)
        .filter(organisation_id__in=list(rows))
        .values("organisation_id")
        .annotate(applications=Count("id"), **reached)
    )
    for item in counted:
        rows[item.pop("organisation_id")].update(item)
    return list(rows.values())


def _days(fair: Fair, counts: dict[dt.date, int]) -> list[tuple[str, int]]:
    first = timezone.localdate(fair.starts_at)
    last = max(timezone.localdate(min(fair.ends_at, timezone.now())), first)
    days = [first + dt.timedelta(days=n) for n in range(min((last - first).days, 89) + 1)]
    return [(day.isoformat(), counts.get(day, 0)) for day in days]


def fair_applications_by_day(*, fair: Fair) -> list[tuple[str, int]]:
    """Applications per local day over the fair's period (days with none included), from the
    counters (bucket "d<date>")."""
    ids = fair_family_ids(fair=fair)
    counts = {
        dt.date.fromisoformat(bucket[1:]): int(total)
        for bucket, total in FairCounter.objects.filter(
            scope=FAIR, scope_id__in=ids, figure="applications", bucket__startswith="d"
        )
        .values_list("bucket")
        .annotate(total=Sum("n"))
        .order_by()
    }
    return _days(fair, counts)


def fair_applications_by_day_raw(*, fair: Fair) -> list[tuple[str, int]]:
    """fair_applications_by_day counted over the raw applications."""
    ids = fair_family_ids(fair=fair)
    counts = dict(
        fair_applications(fair_ids=ids)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values_list("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    return _days(fair, counts)


def fair_numbers_by_invite(*, fair: Fair) -> list[dict[str, Any]]:
    """Applications each campus invite link brought (counters, bucket "i<invite>")."""
    counts = {
        int(bucket[1:]): n
        for bucket, n in FairCounter.objects.filter(
            scope=FAIR, scope_id=fair.pk, figure="applications", bucket__startswith="i"
        ).values_list("bucket", "n")
    }
    return [
        {"invite": invite.label, "applications": counts.get(invite.pk, 0)}
        for invite in FairInvite.objects.filter(fair=fair)
    ]


def fair_numbers_by_invite_raw(*, fair: Fair) -> list[dict[str, Any]]:
    """fair_numbers_by_invite counted over the raw applications."""
    counts = dict(
        Application.objects.filter(source__startswith=f"fair:{fair.pk}:")
        .values_list("source")
        .annotate(n=Count("id"))
    )
    return [
        {"invite": invite.label, "applications": counts.get(f"fair:{fair.pk}:{invite.pk}", 0)}
        for invite in FairInvite.objects.filter(fair=fair)
    ]


def fair_applicants_by_group(*, fair: Fair) -> list[dict[str, Any]]:
    """Unique applicants by the target group of the fair they applied in (a province fair
    with a graduates' county fair inside shows both groups); each group counts a person once."""
    counters.flush()
    counts = {
        bucket[1:]: n
        for bucket, n in FairCounter.objects.filter(
            scope=FAIR, scope_id=fair.pk, figure="applicants", bucket__startswith="g"
        ).values_list("bucket", "n")
    }
    return [
        {"group": str(label), "applicants": counts[value]}
        for value, label in TargetGroup.choices
        if counts.get(value)
    ]


def fair_applicants_by_group_raw(*, fair: Fair) -> list[dict[str, Any]]:
    """fair_applicants_by_group counted over the raw applications, fair by fair."""
    ids = fair_family_ids(fair=fair)
    groups = dict(Fair.objects.filter(pk__in=ids).values_list("pk", "target_group"))
    seekers: dict[str, set[int]] = {}
    for fair_id in ids:
        fair_rooms = FairRoom.objects.filter(fair_id=fair_id).values("room_id")
        mine = Application.objects.filter(Q(room_id__in=fair_rooms) | _source_q([fair_id]))
        seekers.setdefault(groups[fair_id], set()).update(mine.values_list("seeker_id", flat=True))
    return [
        {"group": str(label), "applicants": len(seekers[value])}
        for value, label in TargetGroup.choices
        if seekers.get(value)
    ]


# Applicants by what their profiles say is recounted at most this often: it reads the raw
# applications (the profile can change, so it cannot be a counter), not every 5 s refresh.
PROFILE_FIGURES_CACHE_S = 60


def fair_applicants_by_profile(*, fair: Fair) -> dict[str, Any]:
    """Unique applicants of the fair (and the fairs inside it) by what their optional profile
    (求职资料) says today: the province of their home (家乡) and the groups they declared
    (人员类别, a person in two groups counts in both). `unsaid_home` / `unsaid_group`: the
    applicants whose profile says nothing of it. Counts only: no one is named."""
    key = f"fairs:by-profile:{fair.pk}"
    found = cache.get(key)
    if found is not None:
        return found
    seekers = fair_applications(fair_ids=fair_family_ids(fair=fair)).values("seeker_id")
    total = Application.objects.filter(seeker_id__in=seekers).values("seeker_id").distinct()
    applicants = total.count()
    provinces: dict[str, int] = {}
    groups: dict[str, int] = {}
    homes_said = groups_said = 0
    profiles = SeekerProfile.objects.filter(user_id__in=seekers).values_list(
        "home_region_id", "target_groups"
    )
    for home, declared in profiles.iterator(chunk_size=2000):
        if home:
            homes_said += 1
            province = f"{home[:2]}0000"
            provinces[province] = provinces.get(province, 0) + 1
        if declared:
            groups_said += 1
            for group in set(declared):
                groups[group] = groups.get(group, 0) + 1
    names = dict(Region.objects.filter(code__in=provinces).values_list("code", "name"))
    group_labels = dict(SeekerProfile.TargetGroup.choices)
    found = {
        "applicants": applicants,
        "home": sorted(
            ({"region": names.get(code, code), "applicants": n} for code, n in provinces.items()),
            key=lambda row: (-row["applicants"], row["region"]),
        ),
        "unsaid_home": applicants - homes_said,
        "groups": [
            {"group": str(label), "applicants": groups[value]}
            for value, label in group_labels.items()
            if groups.get(value)
        ],
        "unsaid_group": applicants - groups_said,
    }
    cache.set(key, found, PROFILE_FIGURES_CACHE_S)
    return found


def fair_rooms_numbers(*, fair: Fair) -> list[dict[str, Any]]:
    """Per room of the schedule: views, unique viewers, the peak, applications and the funnel
    of every job pinned in it (viewers present at the pins → card opened → applied →
    intention → hired), all from counters."""
    counters.flush()
    ids = fair_family_ids(fair=fair)
    rooms = list(
        Room.objects.filter(fair_room__fair_id__in=ids)
        .annotate(views=F("audience__views"), peak=F("audience__viewers_peak"))
        .order_by("planned_start", "id")
    )
    room_ids = [room.pk for room in rooms]
    totals: dict[tuple[int, str], int] = {
        (room_id, figure): n
        for room_id, figure, n in FairCounter.objects.filter(
            scope=ROOM, scope_id__in=room_ids, figure__in=("viewers", "applications"), bucket=""
        ).values_list("scope_id", "figure", "n")
    }
    # The funnels of the jobs pinned at least once (not of every job a room carries).
    funnels: dict[tuple[int, int], dict[str, int]] = {
        (room_id, int(bucket[1:])): {"pins": n}
        for room_id, bucket, n in FairCounter.objects.filter(
            scope=ROOM, scope_id__in=room_ids, figure="pins"
        ).values_list("scope_id", "bucket", "n")
    }
    if funnels:
        # One index range per (room, figure), not a probe per room × figure × job.
        for room_id, figure, bucket, n in FairCounter.objects.filter(
            scope=ROOM,
            scope_id__in={room_id for room_id, _job in funnels},
            figure__in=counters.FUNNEL_FIGURES,
            bucket__startswith="j",
        ).values_list("scope_id", "figure", "bucket", "n"):
            row = funnels.get((room_id, int(bucket[1:])))
            if row is not None:
                row[figure] = n
    pinned: dict[int, list[tuple[int, dict[str, int]]]] = {}
    for (room_id, job_id), row in sorted(funnels.items()):
        if row.get("pins"):
            pinned.setdefault(room_id, []).append((job_id, row))
    titles = dict(
        Job.objects.filter(
            pk__in={job_id for rows in pinned.values() for job_id, _row in rows}
        ).values_list("pk", "title")
    )
    out = []
    for room in rooms:
        out.append(
            {
                "room": room,
                "views": room.views or 0,  # type: ignore[attr-defined]
                "viewers": totals.get((room.pk, "viewers"), 0),
                "viewers_peak": room.peak or 0,  # type: ignore[attr-defined]
                "applications": totals.get((room.pk, "applications"), 0),
                "funnel": [
                    {
                        "job": titles.get(job_id, ""),
                        "job_id": job_id,
                        "pins": row.get("pins", 0),
                        **{figure: row.get(figure, 0) for figure in counters.FUNNEL_FIGURES},
                    }
                    for job_id, row in pinned.get(room.pk, [])
                ],
            }
        )
    return out


def fair_funnel(*, rooms: list[dict[str, Any]]) -> dict[str, int]:
    """The pinned jobs' funnels of every room, added up (the dashboard's funnel chart)."""
    total = dict.fromkeys(counters.FUNNEL_FIGURES, 0)
    for room in rooms:
        for row in room["funnel"]:
            for figure in counters.FUNNEL_FIGURES:
                total[figure] += row[figure]
    return total


def fair_retention(*, fair: Fair, today: dt.date | None = None) -> list[dict[str, Any]]:
    """7-day and 30-day retention of the fair's hires: of the hires whose day-7 (day-30)
    check-in (daigang.contracts, 入职回访) is due, how many answered it — the only sign the
    platform has that they are still in the job. Counted over the check-ins, which are as
    few as the hires."""
    today = today or timezone.localdate()
    ids = fair_family_ids(fair=fair)
    rooms = FairRoom.objects.filter(fair_id__in=ids).values("room_id")
    mine = Q(onboarding__application__room_id__in=rooms) | _source_q(
        ids, prefix="onboarding__application__"
    )
    counted = (
        CheckIn.objects.filter(mine, due_on__lte=today)
        .values("day")
        .annotate(due=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False)))
        .order_by()
    )
    by_day = {row["day"]: row for row in counted}
    out = []
    for day in (7, 30):
        row = by_day.get(day, {"due": 0, "answered": 0})
        share = round(100 * row["answered"] / row["due"]) if row["due"] else None
        out.append({"day": day, "due": row["due"], "answered": row["answered"], "share": share})
    return out


def fair_application_rows(*, fair: Fair, chunk: int = 2000) -> Iterator[tuple[Any, ...]]:
    """Every application the fair brought, as export rows, read in chunks of `chunk` (an
    export of 100,000 never holds them all). Phones masked: a bureau's report is numbers."""
    ids = fair_family_ids(fair=fair)
    applications = (
        fair_applications(fair_ids=ids)
        .select_related("organisation", "job")
        .only(
            "id",
            "created_at",
            "phone",
            "stage",
            "stage_reached",
            "source",
            "room_id",
            "organisation__name",
            "job__title",
        )
        .order_by("id")
    )
    for application in applications.iterator(chunk_size=chunk):
        yield (
            application.pk,
            application.created_at,
            application.organisation.name,
            application.job.title,
            application.masked_phone,
            str(Stage(application.stage).label),
            str(Stage(STAGE_ROAD[application.stage_reached]).label),
            "room" if application.room_id else application.source,
        )
