"""A fair's numbers, as bureaus report them after every fair (场次, 参会单位, 岗位数, 招聘人数,
观看人次, 投递/报名, 初步意向, 面试, 录用, 签约, 入职), counted over the fair and the fairs
inside it (三级联动), so a province's numbers are its cities' and counties' together.

Each figure is one aggregate query over indexed columns (an application's furthest stage is
one column, Application.stage_reached), never a row per viewer or per application in Python.
A seeker who applied in two of the fairs counts once among the applicants.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy

from daigang.fairs.models import Fair, FairEntry, FairInvite, FairJob, FairRoom
from daigang.fairs.selectors import fair_family_ids
from daigang.hiring.models import STAGE_ROAD, Application, Stage
from daigang.live.models import RoomAudience

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
)
_REACHED = {
    "intentions": STAGE_ROAD.index(Stage.INTENTION),
    "interviews": STAGE_ROAD.index(Stage.INTERVIEW),
    "offers": STAGE_ROAD.index(Stage.OFFER),
    "signed": STAGE_ROAD.index(Stage.SIGNED),
    "hires": STAGE_ROAD.index(Stage.ONBOARDED),
}


def _source_q(fair_ids: list[int]) -> Q:
    q = Q()
    for fair_id in fair_ids:
        q |= Q(source=f"fair:{fair_id}") | Q(source__startswith=f"fair:{fair_id}:")
    return q


def fair_applications(*, fair_ids: list[int]) -> QuerySet[Application]:
    """Applications the fair brought: from a room in its schedule, or from its pages and
    invite links (Application.source)."""
    rooms = FairRoom.objects.filter(fair_id__in=fair_ids).values("room_id")
    return Application.objects.filter(Q(room_id__in=rooms) | _source_q(fair_ids))


def fair_numbers(*, fair: Fair) -> dict[str, int]:
    """Every figure of FIGURES for the fair and the fairs inside it."""
    ids = fair_family_ids(fair=fair)
    rooms = FairRoom.objects.filter(fair_id__in=ids).values("room_id")
    jobs = FairJob.objects.filter(
        entry__fair_id__in=ids, entry__status=FairEntry.Status.APPROVED
    ).aggregate(jobs=Count("job_id", distinct=True), headcount=Sum("headcount"))
    audience = RoomAudience.objects.filter(room_id__in=rooms).aggregate(
        views=Sum("views"), viewers_peak=Max("viewers_peak")
    )
    reached = {
        name: Count("id", filter=Q(stage_reached__gte=index)) for name, index in _REACHED.items()
    }
    applications = fair_applications(fair_ids=ids).aggregate(
        applications=Count("id"), applicants=Count("seeker_id", distinct=True), **reached
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
        **{name: applications[name] or 0 for name in ("applications", "applicants", *_REACHED)},
    }


def fair_numbers_by_organisation(*, fair: Fair) -> list[dict[str, Any]]:
    """One row per approved employer: jobs, headcount, applications and how far they got."""
    ids = fair_family_ids(fair=fair)
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
    reached = {
        name: Count("id", filter=Q(stage_reached__gte=index)) for name, index in _REACHED.items()
    }
    counted = (
        fair_applications(fair_ids=ids)
        .filter(organisation_id__in=list(rows))
        .values("organisation_id")
        .annotate(applications=Count("id"), **reached)
    )
    for row in rows.values():
        row.update({"applications": 0, **dict.fromkeys(_REACHED, 0)})
    for item in counted:
        rows[item.pop("organisation_id")].update(item)
    return list(rows.values())


def fair_applications_by_day(*, fair: Fair) -> list[tuple[str, int]]:
    """Applications per local day over the fair's period (days with none included)."""
    ids = fair_family_ids(fair=fair)
    counts = dict(
        fair_applications(fair_ids=ids)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values_list("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    first = timezone.localdate(fair.starts_at)
    last = max(timezone.localdate(min(fair.ends_at, timezone.now())), first)
    days = [first + dt.timedelta(days=n) for n in range(min((last - first).days, 89) + 1)]
    return [(day.isoformat(), counts.get(day, 0)) for day in days]


def fair_numbers_by_invite(*, fair: Fair) -> list[dict[str, Any]]:
    """Applications each campus invite link brought."""
    counts = dict(
        Application.objects.filter(source__startswith=f"fair:{fair.pk}:")
        .values_list("source")
        .annotate(n=Count("id"))
    )
    return [
        {"invite": invite.label, "applications": counts.get(f"fair:{fair.pk}:{invite.pk}", 0)}
        for invite in FairInvite.objects.filter(fair=fair)
    ]


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
