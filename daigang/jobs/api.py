"""JSON API for jobs: list/search (same filters as the home page) and read one job; and an
organisation's public facts with its open jobs (mounted at /organisations in config/api.py).

Wages are integer fen plus a unit plus the display string a person would read; never floats.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from daigang.core.api import api_error, api_errors
from daigang.core.ids import ObjectId
from daigang.jobs.forms import JobFilterForm
from daigang.jobs.models import Arrangement, Board, Job, PaySchedule, Shift, WageUnit
from daigang.jobs.presenters import job_card
from daigang.jobs.selectors import (
    JOBS_PER_PAGE,
    job_for_public,
    job_is_open,
    jobs_page,
    jobs_search,
    organisation_open_jobs,
    organisation_public,
)

router = Router(tags=["jobs"])
# An organisation's public page is read for its open jobs, so it lives with the jobs (accounts
# sits below jobs and must not import them); config/api.py mounts it at /organisations.
organisations_router = Router(tags=["organisations"])

OPEN_JOBS_LIMIT = 100


class WageOut(Schema):
    min_fen: int = Field(description="最低工价，单位：分")
    max_fen: int = Field(description="最高工价，单位：分")
    unit: str = Field(description="hour | day | month | piece")
    display: str = Field(description='例如 "25-28 元/小时"')


class LocationOut(Schema):
    region: str | None = Field(
        description="地区代码（GB/T 2260，县级或地级，如 441900 东莞市）；早于地区代码的岗位可能为空"
    )
    province: str
    city: str
    district: str
    address: str
    display: str = Field(description='卡片上显示的地点，例如 "东莞市 · 长安镇"')


class OrganisationBriefOut(Schema):
    id: int
    name: str
    kind: str = Field(description="company | agency")
    is_verified: bool
    is_hr_agency: bool = Field(description="人力资源服务机构（持人力资源服务许可证）")
    url: str


class EmployerOut(Schema):
    name: str = Field(description="用工单位名称")
    uscc: str = Field(description="用工单位统一社会信用代码")
    arrangement: str = Field(description="dispatch（劳务派遣） | placement（职业中介）")
    arrangement_label: str


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
    requirements: str = Field(description="任职要求")
    duties: str = Field(description="工作内容")
    employer: EmployerOut | None = Field(
        description="人力资源服务机构代招时的用工单位；企业自招为 null"
    )
    is_dispatch: bool = Field(description="劳务派遣岗位")
    tags: list[str] = Field(description="卡片上显示的标签：食宿、夫妻间、班次、福利、结算方式")
    valid_until: dt.date
    published_at: dt.datetime | None
    status: str
    is_open: bool = Field(description="可报名：已发布、未过有效期、单位认证有效")
    organisation: OrganisationBriefOut


class JobDetailOut(JobOut):
    pass


class JobPageOut(Schema):
    items: list[JobOut]
    count: int
    page: int
    pages: int
    page_size: int


class JobFiltersIn(Schema):
    q: str = Field("", description="关键词，空格分隔；每个词都要匹配，例如“深圳 包吃住”")
    region: str = Field(
        "",
        description=(
            "地区代码（GB/T 2260）：含其下所有地区，如 440000 广东省的全部岗位、441900 东莞市；"
            "优先于 city"
        ),
    )
    city: str = Field(
        "",
        description="城市：代码或名称，“东莞”与“东莞市”相同；含其下所有区县。旧参数，建议用 region",
    )
    room_and_board: bool = Field(False, description="只看包吃住")
    couple_rooms: bool = Field(False, description="只看有夫妻间")
    flexible: bool = Field(False, description="只看零工")
    wage_min: str = Field(
        "", description="最低工价（元），只比较 wage_unit 单位的岗位：最高工价 ≥ 该值"
    )
    wage_unit: WageUnit = WageUnit.MONTH
    page: int = Field(1, ge=1)


def job_out(job: Job, request: HttpRequest) -> dict[str, object]:
    """The API's view of a job; `job.organisation` must be loaded (select_related)."""
    org = job.organisation
    card = job_card(job=job)  # the texts, as the job's page and the live room show them
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
            "display": card.wage,
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
            "region": job.region_id,
            "province": job.province,
            "city": job.city,
            "district": job.district,
            "address": job.address,
            "display": card.place,
        },
        "benefits": list(job.benefits),
        "requirements": job.requirements,
        "duties": job.duties,
        "employer": (
            {
                "name": job.employer_name,
                "uscc": job.employer_uscc,
                "arrangement": job.arrangement,
                "arrangement_label": str(Arrangement(job.arrangement).label),
            }
            if job.employer_name and job.arrangement
            else None
        ),
        "is_dispatch": job.is_dispatch,
        "tags": card.tags,
        "valid_until": job.valid_until,
        "published_at": job.published_at,
        "status": job.status,
        "is_open": job_is_open(job=job),
        "organisation": {
            "id": org.pk,
            "name": org.name,
            "kind": org.kind,
            "is_verified": org.is_verified(),
            "is_hr_agency": org.is_agency,
            "url": request.build_absolute_uri(reverse("jobs:organisation", args=[org.pk])),
        },
    }


@router.get(
    "",
    response={200: JobPageOut, **api_errors(400, 422)},
    summary="List and search open jobs",
    url_name="jobs_list",
)
def jobs_list(request: HttpRequest, filters: Query[JobFiltersIn]) -> object:
    form = JobFilterForm(
        {
            "q": filters.q,
            "city": filters.region or filters.city,
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
            api_error(
                "invalid_filters",
                _("筛选条件有误"),
                errors={field: [str(e) for e in errs] for field, errs in form.errors.items()},
            ),
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


@router.get(
    "/{job_id}",
    response={200: JobDetailOut, **api_errors(404, 422)},
    summary="Read a job",
    url_name="jobs_read",
)
def jobs_read(request: HttpRequest, job_id: ObjectId) -> object:
    """Published jobs, open or ended (see is_open); drafts are not public (404)."""
    return job_out(job_for_public(job_id=job_id, user=None), request)


# Not "OrganisationOut": the live API has a brief schema of that name, and two schemas of one
# name leave one of them documented as the other in the OpenAPI document.
class OrganisationPublicOut(Schema):
    id: int
    url: str
    name: str
    kind: str = Field(description="company | agency")
    kind_label: str
    uscc: str = Field(description="统一社会信用代码")
    address: str
    description: str
    is_verified: bool = Field(description="已认证且未过期（人力资源服务机构还须许可证在有效期内）")
    verified_until: dt.datetime | None
    is_hr_agency: bool = Field(description="人力资源服务机构（持人力资源服务许可证）")
    hr_licence_number: str = Field(description="人力资源服务许可证编号；企业为空")
    hr_licence_issuer: str = Field(description="许可证发证机关；企业为空")
    hr_licence_expires_on: dt.date | None = Field(description="许可证有效期至；企业为 null")
    open_jobs: list[JobOut]


@organisations_router.get(
    "/{organisation_id}",
    response={200: OrganisationPublicOut, **api_errors(404, 422)},
    summary="Read an organisation and its open jobs",
    url_name="organisations_read",
    # The id it had when it lived in accounts/api.py, so generated clients keep their method.
    operation_id="daigang_accounts_api_organisations_read",
)
def organisations_read(request: HttpRequest, organisation_id: ObjectId) -> object:
    """Verified organisations only; pending and rejected ones are not public (404)."""
    org = organisation_public(organisation_id=organisation_id)
    jobs = organisation_open_jobs(organisation=org)[:OPEN_JOBS_LIMIT]
    return {
        "id": org.pk,
        "url": request.build_absolute_uri(reverse("jobs:organisation", args=[org.pk])),
        "name": org.name,
        "kind": org.kind,
        "kind_label": org.get_kind_display(),
        "uscc": org.uscc,
        "address": org.address,
        "description": org.description,
        "is_verified": org.is_verified(),
        "verified_until": org.verified_until,
        "is_hr_agency": org.is_agency,
        "hr_licence_number": org.hr_licence_number,
        "hr_licence_issuer": org.hr_licence_issuer,
        "hr_licence_expires_on": org.hr_licence_expires_on,
        "open_jobs": [job_out(job, request) for job in jobs],
    }
