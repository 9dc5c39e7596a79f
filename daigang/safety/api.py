"""举报 in the JSON API (session cookie + CSRF, like the rest of /api/v1/).

Seeker:        POST /api/v1/reports                 report a thing (Idempotency-Key header)
               POST /api/v1/reports/{report_id}/screenshot   its screenshot, while it is open
               GET  /api/v1/reports/mine            my reports with their outcome
Organisation:  GET  /api/v1/organisations/{organisation_id}/cases            decisions, evidence
               POST /api/v1/organisations/{organisation_id}/cases/{case_id}/appeal   once
               POST .../cases/{case_id}/appeal/evidence   its evidence, until it is decided

Reports and appeals are JSON; the screenshot and the evidence follow as multipart uploads
(field `file`), checked as on the pages (daigang.safety.services). Sending the same file again
changes nothing; another one replaces it. Outsiders get 404, never 403; anonymous requests 401.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Header, Router, Schema, Status, UploadedFile

from daigang.accounts.api_auth import session_auth
from daigang.accounts.http import AuthenticatedApiRequest
from daigang.accounts.roles import Power
from daigang.accounts.selectors import organisation_for_member
from daigang.core.api import api_error, api_errors
from daigang.core.ids import ObjectId
from daigang.safety import selectors, services
from daigang.safety.models import Case, Category, Kind, Report
from daigang.safety.targets import target_resolve

router = Router(tags=["reports"])


class ReportIn(Schema):
    kind: str = Field(description="job, room, organisation, message or clause")
    target_id: ObjectId
    category: str = Field(description=", ".join(Category.values))
    text: str = Field("", max_length=services.TEXT_MAX)
    # For a contract (kind clause): which clause (1-based), whole contract when absent.
    clause: int | None = None


class ReportOut(Schema):
    id: int
    case_id: int
    kind: str
    target_id: int
    about: str
    category: str
    text: str
    created_at: dt.datetime
    status: str
    outcome: str
    outcome_display: str
    reason: str
    appeal_outcome: str
    has_screenshot: bool


class EvidenceOut(Schema):
    category: str
    text: str
    snapshot_text: str
    snapshot_version: str
    created_at: dt.datetime
    has_screenshot: bool


class CaseOut(Schema):
    id: int
    kind: str
    target_id: int
    about: str
    action: str
    action_display: str
    reason: str
    decided_at: dt.datetime | None
    report_count: int
    evidence: list[EvidenceOut]
    appealable: bool
    appeal_text: str
    has_appeal_evidence: bool
    appealed_at: dt.datetime | None
    appeal_outcome: str
    appeal_reason: str


class AppealIn(Schema):
    text: str = Field(max_length=services.REASON_MAX)


def _report_out(report: Report) -> dict:
    case = report.case
    return {
        "id": report.pk,
        "case_id": case.pk,
        "kind": case.kind,
        "target_id": case.target_id,
        "about": case.label,
        "category": report.category,
        "text": report.text,
        "created_at": report.created_at,
        "status": case.status,
        "outcome": case.action,
        "outcome_display": str(case.get_action_display()) if case.action else "",
        "reason": case.reason,
        "appeal_outcome": case.appeal_outcome,
        "has_screenshot": bool(report.screenshot),
    }


def _case_out(case: Case) -> dict:
    reports = selectors.case_reports(case=case)
    return {
        "id": case.pk,
        "kind": case.kind,
        "target_id": case.target_id,
        "about": case.label,
        "action": case.action,
        "action_display": str(case.get_action_display()),
        "reason": case.reason,
        "decided_at": case.decided_at,
        "report_count": len(reports),
        "evidence": [
            {
                "category": report.category,
                "text": report.text,
                "snapshot_text": report.snapshot_text,
                "snapshot_version": report.snapshot_version,
                "created_at": report.created_at,
                "has_screenshot": bool(report.screenshot),
            }
            for report in reports
        ],
        "appealable": case.appealable,
        "appeal_text": case.appeal_text,
        "has_appeal_evidence": bool(case.appeal_evidence),
        "appealed_at": case.appealed_at,
        "appeal_outcome": case.appeal_outcome,
        "appeal_reason": case.appeal_reason,
    }


def _not_found() -> Status:
    return Status(404, api_error("not_found", _("没有找到")))


@router.post(
    "/reports",
    response={200: ReportOut, 201: ReportOut, **api_errors(400, 401, 403, 404, 409, 422)},
    auth=session_auth,
    summary="Report (举报) a job, room, organisation, chat message or contract clause",
    url_name="report_create",
)
def report_create_endpoint(
    request: AuthenticatedApiRequest,
    payload: ReportIn,
    idempotency_key: str = Header("", alias="Idempotency-Key"),
):
    """201 with the new report; 200 with the SAME report for a repeat (same thing by the same
    person while its case is open, or the same Idempotency-Key)."""
    if payload.kind not in Kind.values:
        return Status(404, api_error("not_found", _("没有找到")))
    try:
        target = target_resolve(
            kind=payload.kind,
            target_id=payload.target_id,
            user=request.auth,
            clause=payload.clause,
        )
    except Http404:
        return _not_found()
    report, created = services.report_create(
        reporter=request.auth,
        target=target,
        category=payload.category,
        text=payload.text,
        idempotency_key=idempotency_key or "",
    )
    report = Report.objects.select_related("case").get(pk=report.pk)
    return Status(201 if created else 200, _report_out(report))


@router.post(
    "/reports/{int:report_id}/screenshot",
    # 413: a body over REQUEST_UPLOAD_MAX_BYTES, answered before Django (core.body_limit).
    response={200: ReportOut, **api_errors(400, 401, 403, 404, 409, 413, 422)},
    auth=session_auth,
    summary="Add a screenshot (JPG/PNG) to my report while its case is open",
    url_name="report_screenshot",
)
def report_screenshot(
    request: AuthenticatedApiRequest, report_id: ObjectId, file: File[UploadedFile]
) -> HttpResponse | Status | dict:
    """The reporter's own report only (anyone else: 404), while the case is open (decided:
    409). The picture is checked and re-encoded as on the report form; not a readable JPG or
    PNG: 400, and the report keeps the screenshot it had. The same picture again answers 200
    with the same report and changes nothing; a different one replaces the first."""
    try:
        report = selectors.report_of_reporter(user=request.auth, report_id=report_id)
    except Http404:
        return _not_found()
    report, _changed = services.report_screenshot_attach(
        report=report, by=request.auth, screenshot=file
    )
    return _report_out(report)


@router.get(
    "/reports/mine",
    response={200: list[ReportOut], **api_errors(401)},
    auth=session_auth,
    summary="My reports (我的举报) with their outcome, newest first",
    url_name="report_mine",
)
def report_mine(request: AuthenticatedApiRequest):
    return [_report_out(report) for report in selectors.reports_of_reporter(user=request.auth)]


@router.get(
    "/organisations/{int:organisation_id}/cases",
    response={200: list[CaseOut], **api_errors(401, 404, 422)},
    auth=session_auth,
    summary="Moderators' decisions about the organisation, with the evidence (owner, HR)",
    url_name="organisation_cases",
)
def organisation_cases(request: AuthenticatedApiRequest, organisation_id: ObjectId):
    try:
        organisation = organisation_for_member(
            user=request.auth, organisation_id=organisation_id, power=Power.CASES
        )
    except Http404:
        return _not_found()
    return [_case_out(case) for case in selectors.cases_of_organisation(organisation=organisation)]


@router.post(
    "/organisations/{int:organisation_id}/cases/{int:case_id}/appeal",
    response={200: CaseOut, **api_errors(400, 401, 403, 404, 409, 422)},
    auth=session_auth,
    summary="Appeal a decision, once (owner, HR); a second moderator decides it",
    url_name="case_appeal",
)
def case_appeal(
    request: AuthenticatedApiRequest,
    organisation_id: ObjectId,
    case_id: ObjectId,
    payload: AppealIn,
) -> HttpResponse | Status | dict:
    try:
        case = selectors.case_for_member(
            user=request.auth, organisation_id=organisation_id, case_id=case_id
        )
    except Http404:
        return _not_found()
    case = services.appeal_submit(case=case, by=request.auth, text=payload.text)
    return _case_out(case)


@router.post(
    "/organisations/{int:organisation_id}/cases/{int:case_id}/appeal/evidence",
    response={200: CaseOut, **api_errors(400, 401, 403, 404, 409, 413, 422)},
    auth=session_auth,
    summary="Add evidence (JPG/PNG/PDF) to the appeal until it is decided (owner, HR)",
    url_name="case_appeal_evidence",
)
def case_appeal_evidence(
    request: AuthenticatedApiRequest,
    organisation_id: ObjectId,
    case_id: ObjectId,
    file: File[UploadedFile],
) -> HttpResponse | Status | dict:
    """After the appeal (none yet: 409) and until a second moderator decides it (decided: 409).
    The file is checked as on the cases page: a JPG or PNG re-encoded, or a PDF without
    scripts; anything else 400, and the appeal keeps the evidence it had. The same file again
    answers 200 with the same case and changes nothing; a different one replaces the first."""
    try:
        case = selectors.case_for_member(
            user=request.auth, organisation_id=organisation_id, case_id=case_id
        )
    except Http404:
        return _not_found()
    case, _changed = services.appeal_evidence_attach(case=case, by=request.auth, evidence=file)
    return _case_out(case)
