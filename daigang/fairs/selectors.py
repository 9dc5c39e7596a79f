"""Reads of job fairs: who may run or read them, what seekers see, which bureaus are below."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from daigang.accounts.models import Organisation, User
from daigang.accounts.roles import Power
from daigang.accounts.selectors import organisation_for_member
from daigang.fairs.models import Fair, FairEntry, FairJob, FairRoom
from daigang.jobs.models import Job
from daigang.jobs.selectors import jobs_open
from daigang.live.models import Room
from daigang.live.selectors import room_hidden_q
from daigang.regions.models import Region
from daigang.regions.selectors import region_prefix

PUBLIC_LIST_SIZE = 50


def region_within(*, region: Region, within: Region) -> bool:
    """Is `region` `within` itself or below it (by code prefix)?"""
    return region.code.startswith(region_prefix(region=within))


def bureau_for_member(*, user: User, organisation_id: int, power: Power) -> Organisation:
    """A bureau the user may use `power` for; 404 for anyone else and for a non-bureau."""
    organisation = organisation_for_member(user=user, organisation_id=organisation_id, power=power)
    if organisation.kind != Organisation.Kind.BUREAU:
        raise Http404
    return organisation


def bureaus_below(*, bureau: Organisation) -> QuerySet[Organisation]:
    """The bureau and every bureau in the regions below its own (a province sees its cities
    and counties, a city its counties)."""
    assert bureau.region is not None
    return Organisation.objects.filter(
        kind=Organisation.Kind.BUREAU,
        region__code__startswith=region_prefix(region=bureau.region),
    ).select_related("region")


def fairs_of_bureau(*, bureau: Organisation, below: bool = True) -> QuerySet[Fair]:
    """The bureau's fairs, and with `below` the fairs of every bureau below it."""
    bureaus = bureaus_below(bureau=bureau) if below else Organisation.objects.filter(pk=bureau.pk)
    return Fair.objects.filter(bureau__in=bureaus).select_related("bureau", "region")


def fair_for_bureau_member(*, user: User, fair_id: int, power: Power) -> Fair:
    """The fair if the user has `power` in its bureau, or in a bureau above it (which reads
    its numbers: Power.STATS_SEE); else 404."""
    fair = get_object_or_404(Fair.objects.select_related("bureau", "region"), pk=fair_id)
    if power == Power.FAIRS_RUN:
        bureau_for_member(user=user, organisation_id=fair.bureau_id, power=power)
        return fair
    for bureau in Organisation.objects.filter(
        kind=Organisation.Kind.BUREAU, memberships__user=user
    ).select_related("region"):
        if bureau.region is None:
            continue
        try:
            bureau_for_member(user=user, organisation_id=bureau.pk, power=power)
        except Http404:
            continue
        if fair.bureau_id == bureau.pk or region_within(region=fair.region, within=bureau.region):
            return fair
    raise Http404


def _public_fairs() -> QuerySet[Fair]:
    return Fair.objects.filter(
        status=Fair.Status.PUBLISHED,
        bureau__status=Organisation.Status.VERIFIED,
        bureau__verified_until__gt=timezone.now(),
    ).select_related("bureau", "region")


def fairs_public(*, now: dt.datetime | None = None, limit: int = PUBLIC_LIST_SIZE) -> list[Fair]:
    """Published fairs: running now first, then upcoming by start, then ended (newest)."""
    now = now or timezone.now()
    order = Case(
        When(starts_at__lte=now, ends_at__gt=now, then=Value(0)),
        When(starts_at__gt=now, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    fairs = _public_fairs().filter(parent__isnull=True).annotate(phase_order=order)
    return list(fairs.order_by("phase_order", "starts_at", "-id")[:limit])


def fair_public_get(*, fair_id: int) -> Fair:
    return get_object_or_404(_public_fairs(), pk=fair_id)


def fair_family_ids(*, fair: Fair) -> list[int]:
    """The fair and the fairs inside it, two levels down (province → city → county)."""
    ids = [fair.pk]
    level = [fair.pk]
    for _depth in range(2):
        level = list(Fair.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        ids += level
    return ids


def fair_children_public(*, fair: Fair) -> list[Fair]:
    return list(_public_fairs().filter(parent=fair).order_by("starts_at", "id"))


def fair_rooms(*, fair_ids: list[int]) -> list[Room]:
    """The rooms in the schedule: live now first, then upcoming by start, then ended."""
    order = Case(
        When(state__in=[Room.State.LIVE, Room.State.INTERRUPTED], then=Value(0)),
        When(state=Room.State.SCHEDULED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return list(
        Room.objects.filter(fair_room__fair_id__in=fair_ids)
        .exclude(room_hidden_q())
        .select_related("organisation")
        .annotate(state_order=order)
        .order_by("state_order", "planned_start", "id")
    )


def fair_jobs_public(*, fair_ids: list[int], city: str = "") -> QuerySet[Job]:
    """Open jobs of the approved employers, as each brought them to the fair."""
    jobs = jobs_open().filter(
        fair_jobs__entry__fair_id__in=fair_ids,
        fair_jobs__entry__status=FairEntry.Status.APPROVED,
    )
    if city:
        jobs = jobs.filter(Q(city__icontains=city) | Q(district__icontains=city))
    return jobs.distinct().order_by("-published_at", "-id")


def fair_entries(*, fair: Fair) -> list[FairEntry]:
    return list(
        FairEntry.objects.filter(fair=fair)
        .select_related("organisation")
        .prefetch_related("jobs__job")
        .order_by("status", "created_at", "id")
    )


def fair_entry_for_bureau(*, fair: Fair, entry_id: int) -> FairEntry:
    return get_object_or_404(
        FairEntry.objects.select_related("fair__bureau", "organisation"), pk=entry_id, fair=fair
    )


def fair_entry_of(*, fair: Fair, organisation: Organisation) -> FairEntry | None:
    return (
        FairEntry.objects.filter(fair=fair, organisation=organisation)
        .prefetch_related("jobs")
        .first()
    )


def fair_rooms_addable(*, fair: Fair) -> list[Room]:
    """Rooms the operator may put in the schedule: the bureau's and approved employers'."""
    approved = FairEntry.objects.filter(fair=fair, status=FairEntry.Status.APPROVED).values(
        "organisation_id"
    )
    return list(
        Room.objects.filter(Q(organisation=fair.bureau) | Q(organisation_id__in=approved))
        .exclude(state=Room.State.ENDED)
        .exclude(fair_room__isnull=False)
        .select_related("organisation")
        .order_by("planned_start", "id")
    )


def fair_job_headcounts(*, fair_ids: list[int]) -> dict[int, int]:
    return dict(
        FairJob.objects.filter(
            entry__fair_id__in=fair_ids, entry__status=FairEntry.Status.APPROVED
        ).values_list("job_id", "headcount")
    )


def fair_rooms_of(*, fair: Fair) -> QuerySet[FairRoom]:
    return FairRoom.objects.filter(fair=fair).select_related("room__organisation")
