"""Pages: the apply form (一键报名) and the organisation's live 报名 list.

Views parse input, call services/selectors and render; every page works without JS and, when
htmx asks (request.htmx), answers with the named partial instead of the whole page.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from daigang.accounts.clients import device_cookie_set, phone_client_of
from daigang.accounts.http import AuthenticatedRequest
from daigang.accounts.models import Organisation, User
from daigang.accounts.roles import Power
from daigang.accounts.selectors import organisation_for_member
from daigang.accounts.services import PHONE_CODE_RESEND_AFTER, phone_code_send, phone_code_verify
from daigang.accounts.services.profiles import account_name_fill
from daigang.core.http import HtmxRequest
from daigang.core.ids import id_or_none
from daigang.core.phones import phone_mask
from daigang.core.refused import Refused, Throttled, refused_to_form
from daigang.hiring.apply import selectors
from daigang.hiring.apply.forms import AnonymousApplyForm, ApplyForm, SendCodeForm
from daigang.hiring.apply.services import (
    application_apply,
    application_check_open,
    application_consent_resolve,
    application_consent_text,
    consent_required_error,
    name_clean,
    source_clean,
)
from daigang.hiring.models import Application, Stage
from daigang.hiring.phone_views import SOURCE_BACK_OFFICE, phone_views_record
from daigang.jobs.models import Job
from daigang.live.models import Room

# The live list asks for new rows this often (seconds); also the no-JS page's refresh hint.
POLL_SECONDS = 2
# Service error codes that belong to one field of the form (others go on top of the form).
_FIELD_OF_ERROR = {
    "name_required": "name",
    "name_too_long": "name",
    "consent_required": "consent",
}


def _job_for_apply(job_id: int) -> Job:
    # Drafts are nobody's business; closed jobs still render, with a message saying so.
    return get_object_or_404(
        Job.objects.select_related("organisation").exclude(status=Job.Status.DRAFT), pk=job_id
    )


def _room_for(job: Job, room_id: int | None) -> Room | None:
    """The room the seeker came from; an id of a room that does not carry the job (another
    organisation's, not on its list) is ignored."""
    if room_id is None:
        return None
    return (
        Room.objects.filter(pk=room_id)
        .filter(Q(organisation_id=job.organisation_id) | Q(jobs=job))
        .distinct()
        .first()
    )


def _render_apply(request: HtmxRequest, job: Job, **context: Any) -> HttpResponse:
    context.setdefault("form", None)
    context.setdefault("application", None)
    context["job"] = job
    context["organisation"] = job.organisation
    context["consent_text"] = application_consent_text(organisation=job.organisation)
    template = "hiring/_apply_panel.html" if request.htmx else "hiring/apply.html"
    return render(request, template, context)


def _render_success(
    request: HtmxRequest, job: Job, application: Application, *, created: bool
) -> HttpResponse:
    return _render_apply(request, job, application=application, created=created)


def _apply_for(
    request: HtmxRequest, job: Job, form: ApplyForm, *, seeker: Any, room: Room | None
) -> HttpResponse:
    """Apply a known seeker with a valid form; re-render the form on a refused apply."""
    data = form.cleaned_data
    now = timezone.now()
    try:
        consent_text, consented_at = application_consent_resolve(
            seeker=seeker,
            organisation=job.organisation,
            consent_given=data["consent"],
            now=now,
        )
        application, created = application_apply(
            job=job,
            seeker=seeker,
            name=data["name"],
            room=room,
            idempotency_key=data["idempotency_key"],
            consent_text=consent_text,
            consented_at=consented_at,
            source=data.get("source", ""),
            now=now,
        )
    except ValidationError as exc:
        form.add_error(_FIELD_OF_ERROR.get(exc.code or ""), exc)
        return _render_form(request, job, form)
    account_name_fill(user=seeker, name=application.name)
    return _render_success(request, job, application, created=created)


def _render_form(request: HtmxRequest, job: Job, form: ApplyForm, **context: Any) -> HttpResponse:
    consent_needed = True
    if request.user.is_authenticated:
        consent_needed = not selectors.consent_given_before(
            seeker=request.user, organisation=job.organisation
        )
    return _render_apply(request, job, form=form, consent_needed=consent_needed, **context)


@require_http_methods(["GET", "POST"])
def apply_page(request: HtmxRequest, job_id: int) -> HttpResponse:
    """/jobs/<id>/apply/ — one-tap apply; anonymous viewers verify their phone here."""
    job = _job_for_apply(job_id)
    if request.method == "POST":
        if request.user.is_authenticated:
            return _apply_logged_in(request, job)
        if request.POST.get("action") == "send_code":
            return _send_code(request, job)
        return _apply_anonymous(request, job)

    withdrawn = False
    if request.user.is_authenticated:
        earlier = selectors.application_of_seeker_for_job(seeker=request.user, job=job)
        if earlier is not None and earlier.stage != Stage.WITHDRAWN:
            return _render_success(request, job, earlier, created=False)
        # Withdrawn: the form again, to re-open it (apply.services.application_reopen).
        withdrawn = earlier is not None
    try:
        application_check_open(job=job)
    except ValidationError as exc:
        return _render_apply(request, job, closed_message=exc.messages[0])
    initial: dict[str, Any] = {
        "idempotency_key": str(uuid.uuid4()),
        "room": id_or_none(request.GET.get("room")),
        "source": source_clean(request.GET.get("src")),
    }
    if request.user.is_authenticated:
        initial["name"] = selectors.seeker_name_default(seeker=request.user)
        return _render_form(request, job, ApplyForm(initial=initial), withdrawn=withdrawn)
    return _render_form(request, job, AnonymousApplyForm(initial=initial))


def _apply_logged_in(request: HtmxRequest, job: Job) -> HttpResponse:
    form = ApplyForm(request.POST)
    if not form.is_valid():
        return _render_form(request, job, form)
    room = _room_for(job, form.cleaned_data["room"])
    return _apply_for(request, job, form, seeker=request.user, room=room)


def _send_code(request: HtmxRequest, job: Job) -> HttpResponse:
    """ "获取验证码": send the SMS, then show the same form again with what was typed."""
    # Unbound, so fields not filled in yet do not shout "required" at the seeker.
    typed: dict[str, str | bool] = {
        key: request.POST.get(key, "") for key in AnonymousApplyForm.base_fields
    }
    typed["consent"] = request.POST.get("consent") == "on"
    typed["code"] = ""
    form = AnonymousApplyForm(initial=typed)
    sender = SendCodeForm(request.POST)
    if not sender.is_valid():
        return _render_form(request, job, form, phone_error=sender.errors["phone"][0])
    phone = sender.cleaned_data["phone"]
    try:
        phone_code_send(phone=phone, client=phone_client_of(request))
    except Throttled as exc:
        # Too soon after the last code: the button counts down until a resend is allowed.
        resend_in = exc.retry_after if exc.code == "throttled" else 0
        response = _render_form(request, job, form, phone_error=exc.message, resend_in=resend_in)
        response.status_code = 429
        response["Retry-After"] = str(exc.retry_after)
        return response
    except Refused as exc:
        return _render_form(request, job, form, phone_error=exc.message)
    return _render_form(
        request,
        job,
        form,
        code_sent_to=phone_mask(phone),
        resend_in=int(PHONE_CODE_RESEND_AFTER.total_seconds()),
    )


def _apply_anonymous(request: HtmxRequest, job: Job) -> HttpResponse:
    """Verify the SMS code, log in and apply, all in this one request."""
    form = AnonymousApplyForm(request.POST)
    if not form.is_valid():
        return _render_form(request, job, form)
    data = form.cleaned_data
    # Everything that can be refused is refused before the code is spent.
    try:
        name_clean(data["name"])
        if not data["consent"]:
            raise consent_required_error()
        application_check_open(job=job)
    except ValidationError as exc:
        form.add_error(_FIELD_OF_ERROR.get(exc.code or ""), exc)
        return _render_form(request, job, form)
    client = phone_client_of(request)
    try:
        seeker = phone_code_verify(phone=data["phone"], code=data["code"], client=client)
    except Refused as exc:
        # A double-submitted form: the first submission used the code and applied.
        replay = selectors.application_for_replay(
            phone=data["phone"], job=job, idempotency_key=data["idempotency_key"]
        )
        if replay is not None:
            return _render_success(request, job, replay, created=False)
        refused_to_form(form, exc)
        return _render_form(request, job, form)
    login(request, seeker, backend="django.contrib.auth.backends.ModelBackend")
    room = _room_for(job, data["room"])
    response = _apply_for(request, job, form, seeker=seeker, room=room)
    device_cookie_set(response, client)
    return response


def _member_organisation(request: HttpRequest, organisation_id: int) -> Organisation:
    return organisation_for_member(
        user=request.user, organisation_id=organisation_id, power=Power.APPLICATIONS
    )


@login_required
@require_GET
def back_office(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    """/manage/<org>/applications/ — the organisation's 报名 list; new rows arrive live."""
    organisation = _member_organisation(request, organisation_id)
    job_id = id_or_none(request.GET.get("job"))
    room_id = id_or_none(request.GET.get("room"))
    before_id = id_or_none(request.GET.get("before"))
    applications = selectors.applications_of_organisation(
        organisation=organisation, job_id=job_id, room_id=room_id, before_id=before_id
    )
    phone_views_record(
        viewer=request.user,
        organisation_id=organisation.pk,
        applications=applications,
        source=SOURCE_BACK_OFFICE,
    )
    jobs, rooms = selectors.filter_choices(organisation=organisation)
    context = {
        "organisation": organisation,
        "applications": applications,
        "jobs": jobs,
        "rooms": rooms,
        "job_id": job_id,
        "room_id": room_id,
        # Only the first page follows new rows; an older page stays still.
        "live": before_id is None,
        "after": applications[0].id if applications else before_id or 0,
        "older": (
            applications[-1].id if len(applications) == selectors.BACK_OFFICE_PAGE_SIZE else None
        ),
        "poll_seconds": POLL_SECONDS,
    }
    if request.htmx and request.htmx.target == "application-board":
        return render(request, "hiring/_back_office_board.html", context)
    return render(request, "hiring/back_office.html", context)


@require_GET
def back_office_rows(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """The polling partial: only rows newer than ?after=, oldest batch first; 204 if none.

    A fragment, not a page: no login redirect; an anonymous poll is an outsider's (404)."""
    organisation = _member_organisation(request, organisation_id)
    after = id_or_none(request.GET.get("after")) or 0
    job_id = id_or_none(request.GET.get("job"))
    room_id = id_or_none(request.GET.get("room"))
    applications = selectors.applications_new(
        organisation=organisation, after_id=after, job_id=job_id, room_id=room_id
    )
    if not applications:
        return HttpResponse(status=204)
    assert isinstance(request.user, User)  # organisation_for_member found their membership
    phone_views_record(
        viewer=request.user,
        organisation_id=organisation.pk,
        applications=applications,
        source=SOURCE_BACK_OFFICE,
    )
    context = {
        "organisation": organisation,
        "applications": applications,
        "job_id": job_id,
        "room_id": room_id,
        "after": applications[0].id,
        "poll_seconds": POLL_SECONDS,
        "is_new": True,
    }
    return render(request, "hiring/_back_office_new_rows.html", context)


@never_cache
@require_GET
def apply_states(request: HttpRequest) -> JsonResponse:
    """/jobs/apply-states/?jobs=1,2 — the viewer's own state per job ("applied", "withdrawn";
    jobs never applied to are left out), for a room page's cards: a card pinned over the
    room's socket (the same event for every viewer) and a tab coming back to the front read
    it here. Anonymous: {}."""
    job_ids = [
        job_id
        for raw in request.GET.get("jobs", "").split(",")[: selectors.APPLY_STATES_MAX_JOBS]
        if (job_id := id_or_none(raw)) is not None
    ]
    states = selectors.apply_states_of_seeker(seeker=request.user, job_ids=job_ids)  # type: ignore[arg-type]
    return JsonResponse({"states": {str(job_id): state for job_id, state in states.items()}})
