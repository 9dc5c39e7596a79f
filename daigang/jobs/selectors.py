"""Reads for jobs: public browsing and search, a member's own jobs, public organisation facts.

What "open" means everywhere (home page, organisation page, API, one-tap apply):
published, valid-until today or later, and the organisation's verification not lapsed.
A job whose organisation lost its verification disappears from every list at once, without
waiting for anybody to close it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from daigang.accounts.models import Organisation, User
from daigang.accounts.roles import Power
from daigang.accounts.selectors import membership_has, organisation_for_member
from daigang.jobs.models import Board, Job, WageUnit
from daigang.jobs.search import search_query_tokens
from daigang.jobs.search_index import (
    search_index_engine,
    search_index_freshness,
    search_index_q,
)
from daigang.regions.models import Region
from daigang.regions.selectors import region_for_filter, region_place, region_prefix

JOBS_PER_PAGE = 20

# Sections an app above jobs adds to the home page of a logged-in user (matchmaking's 为您推荐),
# filled from its AppConfig.ready(): each hook takes the user and gives the URL of a fragment the
# page loads after itself (htmx, hx-trigger="load"), or "" for none. Anonymous visitors never
# reach the hooks, so their home page costs no query more.
home_fragments_hooks: list[Callable[[User], str]] = []


@dataclasses.dataclass(frozen=True, kw_only=True)
class JobFilters:
    """What a seeker can narrow the list by. Empty values mean "any"."""

    q: str = ""
    # A place: a region code ("441900", "440000") or a name ("东莞", "东莞市", "广东"); jobs
    # anywhere below it match (regions.selectors.region_for_filter).
    city: str = ""
    room_and_board: bool = False
    couple_rooms: bool = False
    flexible: bool = False
    # Minimum wage in fen for jobs paid in `wage_unit`. Wages in different units are not
    # compared (an hourly rate says nothing certain about a month), so a minimum only keeps
    # jobs paid in the chosen unit whose top of range reaches it.
    wage_min_fen: int | None = None
    wage_unit: str = WageUnit.MONTH


def _verified_organisation_q(now: dt.datetime) -> Q:
    # Organisation.is_verified() as a query: lapsed, or an agency with an expired licence, hides.
    return Organisation.verified_q(now, prefix="organisation__")


def jobs_open(*, today: dt.date | None = None, now: dt.datetime | None = None) -> QuerySet[Job]:
    """Published jobs not past their date, not taken down by a moderator, of organisations
    whose verification holds and that are not suspended: what the public sees."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    return (
        Job.objects.filter(
            status=Job.Status.PUBLISHED, valid_until__gte=today, taken_down_at__isnull=True
        )
        .filter(_verified_organisation_q(now))
        .select_related("organisation")
        .order_by("-published_at", "-id")
    )


def home_fragments(*, user: User | AnonymousUser) -> list[str]:
    """The URLs of the fragments the home page loads for `user` (home_fragments_hooks)."""
    if not user.is_authenticated:
        return []
    return [url for hook in home_fragments_hooks if (url := hook(user))]


def jobs_search(*, filters: JobFilters, today: dt.date | None = None) -> QuerySet[Job]:
    """Open jobs matching the filters, newest first. Every keyword token must match: through
    the engine's keyword index (search_index.py), or a LIKE per token on an engine without one."""
    jobs = jobs_open(today=today)
    tokens = search_query_tokens(filters.q)
    region = region_for_filter(value=filters.city) if filters.city else None
    if tokens and search_index_engine() and region is not None:
        # The index answers the region's code prefix itself; the rows only tell the jobs
        # without a region (matched by city name) from those with one. A code-prefix test on
        # the rows too would lead PostgreSQL to plan from the region's B-tree and test every
        # job of the city against the keywords.
        jobs = jobs.filter(
            search_index_q(tokens=tokens, place_prefix=region_prefix(region=region))
        ).filter(
            Q(region__isnull=False)
            | Q(region__isnull=True, city__in={region.name, region.short_name})
        )
    elif tokens and search_index_engine():
        jobs = jobs.filter(search_index_q(tokens=tokens))
        if filters.city:
            jobs = jobs.filter(_job_place_q(region=None, value=filters.city))
    else:
        for token in tokens:
            jobs = jobs.filter(search_text__contains=f" {token} ")
        if filters.city:
            jobs = jobs.filter(_job_place_q(region=region, value=filters.city))
    if filters.room_and_board:
        jobs = jobs.filter(board=Board.ROOM_AND_BOARD)
    if filters.couple_rooms:
        jobs = jobs.filter(couple_rooms=True)
    if filters.flexible:
        jobs = jobs.filter(is_flexible=True)
    if filters.wage_min_fen is not None:
        jobs = jobs.filter(wage_unit=filters.wage_unit, wage_max_fen__gte=filters.wage_min_fen)
    if tokens and region is not None and search_index_engine() == "postgresql":
        # A keyword in a place: a few thousand matches at most, sorted rather than found by
        # walking published_at. A keyword alone (普工: a fifth of all jobs) is left to the
        # planner, which walks published_at when the matches are that many.
        jobs = jobs.order_by(*search_index_freshness())
    return jobs


def jobs_page(*, jobs: QuerySet[Job], page: int | str | None) -> Page:
    """One page of jobs; a page number out of range gives the last page, nonsense the first."""
    return Paginator(jobs, JOBS_PER_PAGE).get_page(page)


def job_place_q(*, value: str) -> Q:
    """Jobs in the place `value` names (a code or a name), anywhere below it.

    By code prefix on the job's region, so a province finds its cities' jobs and "东莞" finds
    what was entered as "东莞市". A job saved before regions whose names matched no region is
    found by its city name. A value that names no region finds nothing.
    """
    return _job_place_q(region=region_for_filter(value=value), value=value)


def _job_place_q(*, region: Region | None, value: str) -> Q:
    if region is None:
        return Q(region__isnull=True, city=value)
    return Q(region__code__startswith=region_prefix(region=region)) | Q(
        region__isnull=True, city__in={region.name, region.short_name}
    )


def job_place_code(*, value: str) -> str:
    """The code a place filter value stands for ("东莞" → "441900"), "" when none: the city
    select shows it chosen whichever way it was typed."""
    region = region_for_filter(value=value) if value else None
    return region.code if region is not None else ""


def job_cities(*, today: dt.date | None = None) -> list[Region]:
    """Cities that have open jobs, for the city filter (北京市 for a job in 朝阳区)."""
    codes = jobs_open(today=today).filter(region__isnull=False).order_by().values("region_id")
    regions = Region.objects.filter(code__in=codes).select_related("parent", "parent__parent")
    cities = {region_place(region=region)[1] for region in regions}
    return sorted(cities, key=lambda region: region.code)


def job_for_public(*, job_id: int, user: User | AnonymousUser | None = None) -> Job:
    """A job anybody may read: published (open or past its date) or closed.

    Drafts, jobs a moderator took down and jobs of a suspended organisation are visible only
    to members of their organisation (who see why); others get 404.
    """
    job = Job.objects.select_related("organisation").filter(pk=job_id).first()
    if job is None:
        raise Http404
    if not job_is_public(job=job):
        if not membership_has(
            user=user, organisation_id=job.organisation_id, power=Power.ORGANISATION_SEE
        ):
            raise Http404
    return job


def job_is_public(*, job: Job) -> bool:
    """Anybody may read it (job_for_public): not a draft, not taken down, its organisation
    not suspended. Reads job.organisation."""
    return (
        job.status != Job.Status.DRAFT
        and job.taken_down_at is None
        and job.organisation.suspended_at is None
    )


def job_is_open(*, job: Job, today: dt.date | None = None) -> bool:
    """Open for applications: Job.is_open() and the organisation still verified."""
    return job.is_open(today) and job.organisation.is_verified()


def job_open_get(*, job_id: int, today: dt.date | None = None) -> Job:
    """The job if seekers can apply to it now; Job.DoesNotExist otherwise (for one-tap apply)."""
    return jobs_open(today=today).get(pk=job_id)


def job_for_member(*, user: User, organisation_id: int, job_id: int, power: Power) -> Job:
    """A job of an organisation where `user`'s role has `power` (roles.ROLES_WITH).

    404 for outsiders and for a job of another organisation.
    """
    organisation = organisation_for_member(user=user, organisation_id=organisation_id, power=power)
    job = Job.objects.filter(organisation=organisation, pk=job_id).first()
    if job is None:
        raise Http404
    job.organisation = organisation
    return job


def jobs_of_organisation(*, organisation: Organisation) -> QuerySet[Job]:
    """All of an organisation's jobs for its own back office, drafts included."""
    return organisation.jobs.order_by("-created_at", "-id")


def organisation_public(*, organisation_id: int) -> Organisation:
    """An organisation's public page: only ever-verified organisations have one.

    Pending and rejected organisations are not public at all ("verified before anything is
    public"), so they 404, and so do suspended ones (daigang.safety) until an upheld appeal
    lifts the suspension. A lapsed verification keeps the page, without open jobs.
    """
    organisation = Organisation.objects.filter(
        pk=organisation_id, status=Organisation.Status.VERIFIED, suspended_at__isnull=True
    ).first()
    if organisation is None:
        raise Http404
    return organisation


def organisation_open_jobs(
    *, organisation: Organisation, today: dt.date | None = None
) -> QuerySet[Job]:
    """The organisation's open jobs (none while its verification has lapsed)."""
    return jobs_open(today=today).filter(organisation=organisation)
