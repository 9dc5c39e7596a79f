"""POST /api/v1/applications as HTTP: the steps both ways of serving it share.

The endpoint is served two ways (see daigang.hiring.apply.fastpath): under ASGI by a small fast
path in front of Django, and by the django-ninja view in daigang.hiring.apply.api (the documented
operation, also what WSGI and Django's test client reach). Both answer with exactly these
steps, in this order, so they cannot drift:

1. `apply_csrf_refused` — Django's CsrfViewMiddleware (Origin check, X-CSRFToken against the
   csrftoken cookie) → 403;
2. `apply_request_parse` — the JSON body and the Idempotency-Key header → 400;
3. the session's user (Django's session store and auth hash check) → 401;
4. `apply_request_handle` — the business rules (daigang.hiring.apply.services) → 201/200/4xx
   (the fast path's batches run its steps for many applies at once);
5. `apply_response_make` — the JSON response with its headers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.accounts.models import User
from daigang.core.api import refused_body
from daigang.core.ids import id_or_none
from daigang.core.refused import Refused
from daigang.hiring.apply import selectors
from daigang.hiring.apply.services import (
    ApplyArgs,
    application_apply,
    application_consent_resolve,
    idempotency_key_clean,
    source_clean,
)
from daigang.hiring.models import Application, Stage
from daigang.jobs.models import Job
from daigang.live.models import Room

# A real body is under 200 bytes; anything this large is not an apply.
APPLY_BODY_MAX_BYTES = 4096
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"


def apply_refusal(status: int, code: str, message: str, apply_url: str | None = None) -> Refused:
    """An apply refused: every such answer says where a person can finish by hand (or null)."""
    return Refused(code, message, status=status, extra={"apply_url": apply_url})


@dataclass(frozen=True, slots=True)
class ApplyRequest:
    """A well-formed apply request (shape only; the services decide the rest)."""

    job_id: int
    room_id: int | None
    name: str
    consent: bool
    idempotency_key: str
    # Where the tap was ("feed:12", "fair:3"): attribution only, cleaned by source_clean.
    source: str = ""


def apply_request_parse(*, body: bytes, idempotency_key: str | None) -> ApplyRequest:
    """The JSON body {job_id, room_id?, name?, consent?, source?} and the key, or Refused
    (400). A source that is not a well-formed tag is dropped, never refused."""
    if len(body) > APPLY_BODY_MAX_BYTES:
        raise apply_refusal(400, "body_too_large", _("请求内容过大"))
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise apply_refusal(400, "invalid_json", _("请求内容不是有效的 JSON")) from None
    if not isinstance(data, dict):
        raise apply_refusal(400, "invalid_json", _('请求内容应为 JSON 对象，例如 {"job_id": 12}'))
    if data.get("job_id") is None:
        raise apply_refusal(400, "job_id_required", _("缺少岗位编号（job_id）"))
    job_id = id_or_none(data["job_id"])
    if job_id is None:
        raise apply_refusal(400, "job_id_invalid", _("岗位编号（job_id）应为正整数"))
    room_id = None
    if data.get("room_id") is not None:
        room_id = id_or_none(data["room_id"])
        if room_id is None:
            raise apply_refusal(400, "room_id_invalid", _("直播间编号（room_id）应为正整数"))
    name = data.get("name")
    if name is None:
        name = ""
    if not isinstance(name, str):
        raise apply_refusal(400, "name_invalid", _("姓名应为文字"))
    consent = data.get("consent", False)
    if consent is None:
        consent = False
    if not isinstance(consent, bool):
        raise apply_refusal(400, "consent_invalid", _("是否同意（consent）应为 true 或 false"))
    try:
        key = idempotency_key_clean(idempotency_key)
    except ValidationError as exc:
        raise apply_refusal(400, exc.code or "idempotency_key_invalid", exc.messages[0]) from None
    source = data.get("source")
    return ApplyRequest(
        job_id=job_id,
        room_id=room_id,
        name=name,
        consent=consent,
        idempotency_key=key,
        source=source_clean(source) if isinstance(source, str) else "",
    )


def apply_csrf_refused(request: HttpRequest) -> bool:
    """True if Django's CSRF protection refuses `request` (logged as Django logs it).

    Exactly what django-ninja's cookie auth runs (ninja.utils.check_csrf): the middleware's
    own process_request + process_view, so the Origin check against ALLOWED_HOSTS /
    CSRF_TRUSTED_ORIGINS and the X-CSRFToken header against the csrftoken cookie are Django's.
    """
    # A new instance each time, as ninja does: it caches CSRF_TRUSTED_ORIGINS per instance.
    middleware = CsrfViewMiddleware(lambda request: HttpResponseForbidden())
    request.csrf_processing_done = False  # type: ignore[attr-defined]
    middleware.process_request(request)
    # No view (callback None), as ninja passes: the stubs want a callable, Django takes None.
    return middleware.process_view(request, None, (), {}) is not None  # type: ignore[arg-type]


def apply_refused_csrf() -> Refused:
    return apply_refusal(403, "csrf_failed", _("页面已过期或来源不对，请刷新页面后重试"))


def apply_refused_login() -> Refused:
    return apply_refusal(401, "login_required", _("请先登录"))


class ApplyLookups:
    """Jobs (with their organisation) and rooms by id, read once for a batch of applies."""

    def __init__(self) -> None:
        self._jobs: dict[int, Job | None] = {}
        self._rooms: dict[int, Room | None] = {}

    def prefetch(self, *, job_ids: set[int], room_ids: set[int]) -> None:
        # .order_by(): the models' default ordering is compiled but useless here, and
        # compiling it costs about as much as the rest of the query.
        missing = job_ids - self._jobs.keys()
        if missing:
            jobs = Job.objects.select_related("organisation").filter(pk__in=missing).order_by()
            found = {job.pk: job for job in jobs}
            self._jobs.update({pk: found.get(pk) for pk in missing})
        missing = room_ids - self._rooms.keys()
        if missing:
            rooms = {room.pk: room for room in Room.objects.filter(pk__in=missing).order_by()}
            self._rooms.update({pk: rooms.get(pk) for pk in missing})

    def job(self, pk: int) -> Job | None:
        self.prefetch(job_ids={pk}, room_ids=set())
        return self._jobs[pk]

    def room(self, pk: int) -> Room | None:
        self.prefetch(job_ids=set(), room_ids={pk})
        return self._rooms[pk]


def application_out(application: Application) -> dict:
    """The API's view of an application (ApplicationOut in daigang.hiring.apply.api)."""
    return {
        "id": application.pk,
        "job_id": application.job_id,
        "job_title": application.job.title,
        "organisation_id": application.organisation_id,
        "organisation_name": application.job.organisation.name,
        "room_id": application.room_id,
        "name": application.name,
        "stage": application.stage,
        # Stage(...).label, not get_stage_display(): the same text without rebuilding the
        # choices mapping on every call.
        "stage_display": str(Stage(application.stage).label),
        "consented_at": application.consented_at,
        "created_at": application.created_at,
    }


def _apply_url(job_id: int, room_id: int | None, source: str = "") -> str:
    url = reverse("hiring:apply", args=[job_id])
    query: dict[str, str | int] = {"room": room_id} if room_id else {}
    if source:
        query["src"] = source  # the form keeps it (a replay's card: "replay:12")
    return f"{url}?{urlencode(query)}" if query else url


def apply_request_handle(
    *,
    seeker: User,
    apply: ApplyRequest,
    lookups: ApplyLookups | None = None,
) -> tuple[int, dict]:
    """Apply the logged-in `seeker` as `apply` asks; return (HTTP status, JSON payload).

    201 with the new application; 200 with the SAME application when it already exists
    (double tap, retry with the same key, or applying to the same job again); 404 for an
    unknown job or room; 400 (409 for a key reused on another job) with the services' Chinese
    message. Runs in the caller's transaction. The fast path's batches run the same three
    steps, with one insert for many applies: `apply_request_args`, then
    services.applications_apply, then `apply_request_answer`.
    """
    args = apply_request_args(seeker=seeker, apply=apply, lookups=lookups or ApplyLookups())
    if not isinstance(args, ApplyArgs):
        return args
    try:
        outcome: tuple[Application, bool] | ValidationError = application_apply(
            job=args.job,
            seeker=args.seeker,
            name=args.name,
            room=args.room,
            idempotency_key=args.idempotency_key,
            consent_text=args.consent_text,
            consented_at=args.consented_at,
            source=args.source,
            now=args.now,
        )
    except ValidationError as exc:
        outcome = exc
    return apply_request_answer(apply=apply, args=args, outcome=outcome)


def apply_request_args(
    *, seeker: User, apply: ApplyRequest, lookups: ApplyLookups
) -> ApplyArgs | tuple[int, dict]:
    """What to apply with (job, room, consent, name), or the answer refusing it (404, 400)."""
    job = lookups.job(apply.job_id)
    if job is None or job.status == Job.Status.DRAFT:
        return 404, refused_body(apply_refusal(404, "job_not_found", _("没有这个岗位")))
    room = None
    if apply.room_id is not None:
        room = lookups.room(apply.room_id)
        if room is None:
            return 404, refused_body(apply_refusal(404, "room_not_found", _("没有这个直播间")))
    now = timezone.now()
    try:
        consent_text, consented_at = application_consent_resolve(
            seeker=seeker, organisation=job.organisation, consent_given=apply.consent, now=now
        )
    except ValidationError as exc:
        return _refused(exc, job=job, apply=apply)
    return ApplyArgs(
        job=job,
        seeker=seeker,
        name=apply.name or selectors.seeker_name_default(seeker=seeker),
        room=room,
        idempotency_key=apply.idempotency_key,
        source=apply.source,
        consent_text=consent_text,
        consented_at=consented_at,
        now=now,
    )


def apply_request_answer(
    *, apply: ApplyRequest, args: ApplyArgs, outcome: tuple[Application, bool] | ValidationError
) -> tuple[int, dict]:
    """The answer to an apply the services took (201/200) or refused (400/409)."""
    if isinstance(outcome, ValidationError):
        return _refused(outcome, job=args.job, apply=apply)
    application, created = outcome
    if application.job_id == args.job.pk:
        application.job = args.job  # the row read back may carry its own copy; reuse ours
    return (201 if created else 200), application_out(application)


def _refused(exc: ValidationError, *, job: Job, apply: ApplyRequest) -> tuple[int, dict]:
    status = 409 if exc.code == "idempotency_key_reused" else 400
    refused = apply_refusal(
        status,
        exc.code or "invalid",
        exc.messages[0],
        _apply_url(job.pk, apply.room_id, apply.source),
    )
    return status, refused_body(refused)


def apply_response_make(status: int, payload: dict) -> HttpResponse:
    """The JSON response, never cached (it answers for one person's session)."""
    content = json.dumps(payload, cls=DjangoJSONEncoder).encode()
    response = HttpResponse(content, content_type="application/json", status=status)
    response.headers["Content-Length"] = str(len(content))
    # What django.utils.cache.add_never_cache_headers sets, less its Expires date (which
    # Cache-Control overrides): formatting that date and re-parsing the header cost more
    # than the rest of this response.
    response.headers["Cache-Control"] = NEVER_CACHE
    response.headers["Vary"] = "Cookie"  # it answers for the session in the cookie
    return response
