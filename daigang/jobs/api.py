"""JSON API for jobs: list/search (same filters as the home page) and read one job.

Wages are integer fen plus a unit plus the display string a person would read; never floats.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from daigang.core.ids import Id
from daigang.jobs.forms import JobFilterForm
from daigang.jobs.jsonld import job_benefit_tags
from daigang.jobs.models import Board, Job, PaySchedule, Shift, WageUnit
from daigang.jobs.selectors import (
    JOBS_PER_PAGE,
    job_for_public,
    job_is_open,
    jobs_page,
    jobs_search,
)
from daigang.jobs.wages import wage_display

router = Router(tags=["jobs"])


class WageOut(Schema):
    min_fen: int = Field(description="最低工价，单位：分")
    max_fen: int = Field(description="最高工价，单位：分")
    unit: str = Field(description="hour | day | month | piece")
    display: str = Field(description='例如 "25-28 元/小时"')


class LocationOut(Schema):
    province: str
    city: str
    district: str
    address: str


class OrganisationBriefOut(Schema):
    id: int
    name: str
    is_verified: bool
    url: str


class JobOut(Schema):
    id: int
    url: str
    title: str
    kind_of_work: str
    headcount: int
    wage: WageOut
    pay_schedule: str
    pay_schedule_label: str
    shift: str
    shift_label: str
    board: str
    board_label: str
    couple_rooms: bool
    assembly_line: bool
    is_flexible: bool
    age_min: int
    age_max: int
    location: LocationOut
    benefits: list[str]
    tags: list[str] = Field(description="卡片上显示的标签：食宿、夫妻间、班次、福利")
    valid_until: dt.date
    published_at: dt.datetime | None
    status: str
    is_open: bool = Field(description="可报名：已发布、未过有效期、单位认证有效")
    organisation: OrganisationBriefOut


class JobDetailOut(JobOut):
    description: str


class JobPageOut(Schema):
    items: list[JobOut]
    count: int
    page: int
    pages: int
    page_size: int


class JobFiltersIn(Schema):
    q: str = Field("", description="关键词，空格分隔；每个词都要匹配，例如“深圳 包吃住”")
    city: str = ""
    room_and_board: bool = Field(False, description="只看包吃住")
    couple_rooms: bool = Field(False, description="只看有夫妻间")
    flexible: bool = Field(False, description="只看零工")
    wage_min: str = Field(
        "", description="最低工价（元），只比较 wage_unit 单位的岗位：最高工价 ≥ 该值"
    )
    wage_unit: WageUnit = WageUnit.MONTH
    page: int = Field(1, ge=1)


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(default_factory=dict)


def job_out(job: Job, request: HttpRequest) -> dict[str, object]:
    """The API's view of a job; `job.organisation` must be loaded (select_related)."""
    org = job.organisation
    return {
        "id": job.pk,
        "url": request.build_absolute_uri(reverse("jobs:detail", args=[job.pk])),
        "title": job.title,
        "kind_of_work": job.kind_of_work,
        "headcount": job.headcount,
        "wage": {
            "min_fen": job.wage_min_fen,
            "max_fen": job.wage_max_fen,
            "unit": job.wage_unit,
            "display": wage_display(
                min_fen=job.wage_min_fen, max_fen=job.wage_max_fen, unit=job.wage_unit
            ),
        },
        "pay_schedule": job.pay_schedule,
        "pay_schedule_label": str(PaySchedule(job.pay_schedule).label),
        "shift": job.shift,
        "shift_label": str(Shift(job.shift).label),
        "board": job.board,
        "board_label": str(Board(job.board).label),
        "couple_rooms": job.couple_rooms,
        "assembly_line": job.assembly_line,
        "is_flexible": job.is_flexible,
        "age_min": job.age_min,
        "age_max": job.age_max,
        "location": {
            "province": job.province,
            "city": job.city,
            "district": job.district,
            "address": job.address,
        },
        "benefits": list(job.benefits),
        "tags": job_benefit_tags(job),
        "valid_until": job.valid_until,
        "published_at": job.published_at,
        "status": job.status,
        "is_open": job_is_open(job=job),
        "organisation": {
            "id": org.pk,
            "name": org.name,
            "is_verified": org.is_verified(),
            "url": request.build_absolute_uri(reverse("jobs:organisation", args=[org.pk])),
        },
        "description": job.description,
    }


@router.get(
    "",
    response={200: JobPageOut, 400: ErrorOut},
    summary="List and search open jobs",
    url_name="jobs_list",
)
def jobs_list(request: HttpRequest, filters: Query[JobFiltersIn]) -> object:
    form = JobFilterForm(
        {
            "q": filters.q,
            "city": filters.city,
            "room_and_board": filters.room_and_board,
            "couple_rooms": filters.couple_rooms,
            "flexible": filters.flexible,
            "wage_min": filters.wage_min,
            "wage_unit": filters.wage_unit.value,
        }
    )
    if not form.is_valid():
        return Status(
            400,
            {
                "detail": _("筛选条件有误"),
                "errors": {field: [str(e) for e in errs] for field, errs in form.errors.items()},
            },
        )
    page = jobs_page(jobs=jobs_search(filters=form.to_filters()), page=filters.page)
    return Status(
        200,
        {
            "items": [job_out(job, request) for job in page.object_list],
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "page_size": JOBS_PER_PAGE,
        },
    )


@router.get("/{job_id}", response=JobDetailOut, summary="Read a job", url_name="jobs_read")
def jobs_read(request: HttpRequest, job_id: Id) -> object:
    """Published jobs, open or ended (see is_open); drafts are not public (404)."""
    return job_out(job_for_public(job_id=job_id, user=None), request)
