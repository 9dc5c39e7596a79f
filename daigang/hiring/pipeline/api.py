"""The pipeline in the JSON API (session cookie + CSRF, like the rest of /api/v1/).

Seeker:        GET  /api/v1/applications/{id}            their own application, stage + history
               POST /api/v1/applications/{id}/withdraw   withdraw it (idempotent)
Organisation:  GET  /api/v1/organisations/{organisation_id}/applications?stage=…   its pipeline
               POST /api/v1/applications/{id}/advance    {to_stage, reason}

Anyone who may not see an application or organisation gets 404, never 403: outsiders cannot
learn what exists. Anonymous requests get 401.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from daigang.accounts.api_auth import session_auth
from daigang.accounts.http import AuthenticatedApiRequest
from daigang.accounts.roles import Power
from daigang.accounts.selectors import organisation_for_member
from daigang.core.api import ObjectBody, api_error, api_errors
from daigang.core.ids import ObjectId
from daigang.hiring import phone_views
from daigang.hiring.models import Application, StageChange
from daigang.hiring.pipeline import selectors as pipeline_selectors
from daigang.hiring.pipeline.selectors import TableFilters
from daigang.hiring.pipeline.services import (
    MESSAGE_NO_SUCH_APPLICATION,
    STAGE_REASON_MAX,
    application_advance,
    application_withdraw,
    refusal_unknown_reason,
    stage_next_sentence,
)

router = Router(tags=["pipeline"])
LIST_LIMIT = 500


class StepOut(Schema):
    from_stage: str
    to_stage: str
    from_label: str
    to_label: str
    at: dt.datetime
    reason: str
    # Only members see who made the move.
    by_name: str | None = None


class PipelineApplicationOut(Schema):
    id: int
    job_id: int
    job_title: str
    organisation_id: int
    organisation_name: str
    room_id: int | None
    name: str
    # Full only for members of the organisation applied to; the seeker knows their own.
    phone: str
    stage: str
    stage_key: str
    stage_display: str
    next_step: str
    created_at: dt.datetime
    stage_changed_at: dt.datetime | None
    history: list[StepOut]
    tags: list[str] = Field(default_factory=list)
    other_applications: int | None = None


class OrganisationApplicationOut(Schema):
    id: int
    job_id: int
    job_title: str
    room_id: int | None
    name: str
    phone: str
    stage: str
    stage_key: str
    stage_display: str
    created_at: dt.datetime
    stage_changed_at: dt.datetime | None
    tags: list[str]
    other_applications: int


class AdvanceIn(Schema):
    to_stage: str
    reason: str = Field("", max_length=STAGE_REASON_MAX)
    # Optional: one of the organisation's rejection reasons (its message goes to the seeker).
    rejection_reason_id: ObjectId | None = None


class WithdrawIn(ObjectBody):
    reason: str = Field("", max_length=STAGE_REASON_MAX)


class StageFilter(Schema):
    stage: str | None = None
    job_id: ObjectId | None = None
    room_id: ObjectId | None = None
    tag_id: ObjectId | None = None


def _step_out(change: StageChange, *, for_member: bool) -> dict:
    step = {
        "from_stage": change.from_stage,
        "to_stage": change.to_stage,
        "at": change.at,
    }
    if for_member:
        step.update(
            from_label=change.from_label,
            to_label=change.to_label,
            reason=change.reason,
            by_name=(change.by.name or change.by.masked_phone) if change.by else None,
        )
    else:
        # The seeker sees built-in stages only, and a rejection's reason name only.
        step.update(
            from_label=str(change.get_from_stage_display()),
            to_label=str(change.get_to_stage_display()),
            reason=change.rejection_reason.name if change.rejection_reason else "",
        )
    return step


def _application_out(application: Application, *, for_member: bool) -> dict:
    history = pipeline_selectors.application_history(application=application)
    if not for_member:
        history = [change for change in history if change.from_stage != change.to_stage]
    out = {
        "id": application.pk,
        "job_id": application.job_id,
        "job_title": application.job.title,
        "organisation_id": application.organisation_id,
        "organisation_name": application.organisation.name,
        "room_id": application.room_id,
        "name": application.name,
        # The seeker knows their own number; the organisation's members see it masked once
        # consent is withdrawn.
        "phone": application.phone_for_organisation if for_member else application.phone,
        "stage": application.stage,
        "stage_key": application.stage_key if for_member else application.stage,
        "stage_display": (
            application.stage_label if for_member else str(application.get_stage_display())
        ),
        "next_step": stage_next_sentence(application.stage),
        "created_at": application.created_at,
        "stage_changed_at": application.stage_changed_at,
        "history": [_step_out(change, for_member=for_member) for change in history],
    }
    if for_member:
        out["tags"] = [tag.name for tag in application.tags.order_by("name")]
        out["other_applications"] = len(
            pipeline_selectors.application_others(application=application)
        )
    return out


def _not_found() -> Status:
    return Status(404, api_error("not_found", _(MESSAGE_NO_SUCH_APPLICATION)))


@router.get(
    "/applications/{int:application_id}",
    response={200: PipelineApplicationOut, **api_errors(401, 404, 422)},
    auth=session_auth,
    summary="One application with its stage and history (its seeker, or the organisation)",
    url_name="application_detail",
)
def application_detail(request: AuthenticatedApiRequest, application_id: ObjectId):
    try:
        application, is_member = pipeline_selectors.application_for_viewer(
            user=request.auth, application_id=application_id
        )
    except Http404:
        return _not_found()
    if is_member:
        phone_views.phone_views_record(
            viewer=request.auth,
            organisation_id=application.organisation_id,
            applications=[application],
            source=phone_views.SOURCE_API_APPLICATION,
        )
    return _application_out(application, for_member=is_member)


@router.post(
    "/applications/{int:application_id}/advance",
    response={200: PipelineApplicationOut, **api_errors(400, 401, 403, 404, 422)},
    auth=session_auth,
    summary="Move an application to another stage (members of its organisation)",
    url_name="application_advance",
)
def application_advance_endpoint(
    request: AuthenticatedApiRequest, application_id: ObjectId, payload: AdvanceIn
):
    """`to_stage`: applied, contacted, intention, interview, offer, signed, onboarded,
    rejected, or "custom:<id>" for one of the organisation's own stages. Moving to the
    current stage again answers 200 and changes nothing (safe to retry). "rejected" needs a
    `reason` or a `rejection_reason_id`."""
    try:
        application = pipeline_selectors.application_for_member(
            user=request.auth, application_id=application_id
        )
    except Http404:
        return _not_found()
    rejection_reason = None
    if payload.rejection_reason_id is not None:
        rejection_reason = pipeline_selectors.rejection_reason_of(
            organisation_id=application.organisation_id, reason_id=payload.rejection_reason_id
        )
        if rejection_reason is None:
            raise refusal_unknown_reason()
    # A refused move propagates: config/api.py answers it (400, {code, message, field}).
    moved = application_advance(
        application=application,
        to_stage=payload.to_stage,
        by=request.auth,
        reason=payload.reason,
        rejection_reason=rejection_reason,
    )
    return _application_out(moved, for_member=True)


@router.post(
    "/applications/{int:application_id}/withdraw",
    response={200: PipelineApplicationOut, **api_errors(400, 401, 403, 404, 422)},
    auth=session_auth,
    summary="Withdraw my application (its seeker only; idempotent)",
    url_name="application_withdraw",
)
def application_withdraw_endpoint(
    request: AuthenticatedApiRequest, application_id: ObjectId, payload: WithdrawIn | None = None
):
    try:
        application = pipeline_selectors.application_for_seeker(
            user=request.auth, application_id=application_id
        )
    except Http404:
        return _not_found()
    withdrawn = application_withdraw(
        application=application,
        seeker=request.auth,
        reason=payload.reason if payload else "",
    )
    return _application_out(withdrawn, for_member=False)


@router.get(
    "/organisations/{int:organisation_id}/applications",
    response={200: list[OrganisationApplicationOut], **api_errors(401, 404, 422)},
    auth=session_auth,
    summary="The organisation's pipeline: its applications, newest first (members only)",
    url_name="organisation_applications",
)
def organisation_applications(
    request: AuthenticatedApiRequest, organisation_id: ObjectId, filters: Query[StageFilter]
):
    """At most 500, newest first. `stage` is one of the organisation's stage keys (see
    advance); any other value is refused 422."""
    try:
        organisation = organisation_for_member(
            user=request.auth, organisation_id=organisation_id, power=Power.APPLICATIONS
        )
    except Http404:
        return Status(404, api_error("not_found", _("没有这个单位")))
    # Only the organisation's own stage keys: anything else (an unknown key, or text that the
    # database cannot hold, such as a NUL byte on PostgreSQL) is a bad parameter, not a query.
    if filters.stage and filters.stage not in {
        option.key
        for option in pipeline_selectors.pipeline_stage_options(organisation=organisation)
    }:
        return Status(
            422,
            api_error(
                "validation_error",
                _("请求的参数有误"),
                errors={"stage": [_("没有这个阶段")]},
            ),
        )
    found = pipeline_selectors.applications_for_pipeline(
        organisation=organisation,
        filters=TableFilters(
            stage_key=filters.stage,
            job_id=filters.job_id,
            room_id=filters.room_id,
            tag_id=filters.tag_id,
        ),
    )[:LIST_LIMIT]
    applications = list(found)
    phone_views.phone_views_record(
        viewer=request.auth,
        organisation_id=organisation.pk,
        applications=applications,
        source=phone_views.SOURCE_API_LIST,
    )
    return [
        {
            "id": application.pk,
            "job_id": application.job_id,
            "job_title": application.job.title,
            "room_id": application.room_id,
            "name": application.name,
            "phone": application.phone_for_organisation,
            "stage": application.stage,
            "stage_key": application.stage_key,
            "stage_display": application.stage_label,
            "created_at": application.created_at,
            "stage_changed_at": application.stage_changed_at,
            "tags": [tag.name for tag in application.tags.all()],
            "other_applications": application.other_count,
        }
        for application in applications
    ]
