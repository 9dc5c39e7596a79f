"""Applications in the JSON API: one-tap apply for a logged-in seeker, and their own list.

POST /api/v1/applications needs the session cookie, the CSRF token (X-CSRFToken header) and
an Idempotency-Key header. The first request answers 201; any replay (same key, or the same
seeker and job again) answers 200 with the same application. Seekers without an account
apply through the form at /jobs/<id>/apply/, which verifies their phone by SMS code.

Under ASGI the apply is served by daigang.hiring.apply.fastpath, in front of Django; the view here
is the documented operation and what WSGI, Django's test client and the fast path's own
fallback (an unusual session) reach. Both run the same steps from daigang.hiring.apply.http.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.security import APIKeyCookie

from daigang.accounts.api_auth import session_auth
from daigang.accounts.http import AuthenticatedApiRequest
from daigang.core.api import ApiError, api_errors, refused_body
from daigang.core.refused import Refused
from daigang.hiring.apply import selectors
from daigang.hiring.apply.http import application_out as _application_out
from daigang.hiring.apply.http import (
    apply_csrf_refused,
    apply_refused_csrf,
    apply_refused_login,
    apply_request_handle,
    apply_request_parse,
    apply_response_make,
)
from daigang.hiring.apply.services import IDEMPOTENCY_KEY_RE

router = Router(tags=["applications"])


class SessionCookieAuth(APIKeyCookie):
    """Documents the session cookie. The view checks CSRF and the session itself, with the
    same steps (and the same answers) as the fast path, so this lets every request through."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None) -> bool:
        return True


class ApplyIn(Schema):
    job_id: int
    room_id: int | None = None
    # Empty: the name on the seeker's account or last application is used.
    name: str = ""
    # True: the seeker ticked "share my phone with this organisation" now. False is accepted
    # only if they consented to this organisation before (once per organisation).
    consent: bool = False
    # Where the tap was, e.g. "feed:12" (the 刷岗位 card of job 12): attribution only; a
    # value that is not such a tag is ignored.
    source: str = ""


class ApplicationOut(Schema):
    id: int
    job_id: int
    job_title: str
    organisation_id: int
    organisation_name: str
    room_id: int | None
    name: str
    stage: str
    stage_display: str
    consented_at: dt.datetime
    created_at: dt.datetime


class ApplyErrorOut(ApiError):
    # Where a person can finish applying when the API cannot (e.g. consent not yet given).
    apply_url: str | None = None


@router.post(
    "",
    response={
        200: ApplicationOut,
        201: ApplicationOut,
        **api_errors(400, 401, 403, 404, 409, schema=ApplyErrorOut),
    },
    auth=SessionCookieAuth(csrf=False),
    summary="One-tap apply (一键报名) to a job",
    url_name="application_create",
    # The body and the key are parsed by apply_request_parse (shared with the fast path), not
    # by ninja, so that both answer a bad body or a missing key with the same 400; documented
    # here as what they are: the key is required (a request without one is refused).
    openapi_extra={
        "parameters": [
            {
                "in": "header",
                "name": "Idempotency-Key",
                "required": True,
                "description": "A fresh random value (e.g. a UUID) per apply; the same on retries.",
                "schema": {"type": "string", "pattern": IDEMPOTENCY_KEY_RE.pattern},
            }
        ],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": ApplyIn.model_json_schema()}},
        },
    },
)
def application_create(request: HttpRequest) -> HttpResponse:
    """Apply the logged-in seeker to a job, exactly once.

    201 with the new application; 200 with the SAME application when it already exists
    (double tap, retry with the same Idempotency-Key, or applying to the same job again).
    403 for a failed CSRF check, 400 for a bad body or key, 401 without a valid session.
    """
    try:
        if apply_csrf_refused(request):
            raise apply_refused_csrf()
        apply = apply_request_parse(
            body=request.body, idempotency_key=request.headers.get("Idempotency-Key")
        )
        if not request.user.is_authenticated:
            raise apply_refused_login()
    except Refused as refused:
        return apply_response_make(refused.status, refused_body(refused))
    with transaction.atomic():
        status, payload = apply_request_handle(seeker=request.user, apply=apply)
    return apply_response_make(status, payload)


@router.get(
    "/mine",
    response={200: list[ApplicationOut], **api_errors(401)},
    auth=session_auth,
    summary="My applications (我的报名), newest first",
    url_name="application_mine",
)
def application_mine(request: AuthenticatedApiRequest):
    applications = selectors.applications_of_seeker(seeker=request.auth).select_related(
        "job__organisation"
    )
    return [_application_out(application) for application in applications[:200]]
