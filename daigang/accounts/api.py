"""JSON API for organisations: public facts only (never the licence file) and open jobs."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema

from daigang.core.ids import Id
from daigang.jobs.api import JobOut, job_out
from daigang.jobs.selectors import organisation_open_jobs, organisation_public

router = Router(tags=["organisations"])

OPEN_JOBS_LIMIT = 100


class OrganisationOut(Schema):
    id: int
    url: str
    name: str
    kind: str = Field(description="company | agency")
    kind_label: str
    uscc: str = Field(description="统一社会信用代码")
    address: str
    description: str
    is_verified: bool = Field(description="已认证且未过期")
    verified_until: dt.datetime | None
    open_jobs: list[JobOut]


@router.get(
    "/{organisation_id}",
    response=OrganisationOut,
    summary="Read an organisation and its open jobs",
    url_name="organisations_read",
)
def organisations_read(request: HttpRequest, organisation_id: Id) -> object:
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
        "open_jobs": [job_out(job, request) for job in jobs],
    }
