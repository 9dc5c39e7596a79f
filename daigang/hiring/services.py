"""Writes about applications: one-tap apply (一键报名), exactly once."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.accounts.models import Organisation, User
from daigang.hiring.models import IDEMPOTENCY_KEY_MAX_LENGTH, Application
from daigang.jobs.models import Job
from daigang.live.models import Room

# UUIDs, ULIDs and the like; nothing that needs escaping anywhere it is logged or echoed.
IDEMPOTENCY_KEY_RE = re.compile(rf"^[A-Za-z0-9_.:\-]{{8,{IDEMPOTENCY_KEY_MAX_LENGTH}}}$")
NAME_MAX_LENGTH = 50


def application_consent_text(*, organisation: Organisation) -> str:
    """The sentence a seeker agrees to; shown next to the tick box and stored as shown."""
    return _("我同意将我的姓名和手机号提供给“%(organisation)s”，仅用于联系我本次报名的岗位。") % {
        "organisation": organisation.name
    }


def application_consent_resolve(
    *, seeker: User, organisation: Organisation, consent_given: bool, now: dt.datetime
) -> tuple[str, dt.datetime]:
    """The consent to record: given now, or given earlier to the same organisation.

    A seeker ticks "share my phone with this organisation" once per organisation; later
    one-tap applies to the same organisation record that earlier consent (its exact text and
    time) instead of asking again. Consent given to one organisation never covers another.
    """
    if consent_given:
        return application_consent_text(organisation=organisation), now
    earlier = (
        Application.objects.filter(seeker=seeker, organisation=organisation)
        .order_by("consented_at")
        .values_list("consent_text", "consented_at")
        .first()
    )
    if earlier is None:
        raise ValidationError(
            _("请勾选同意将手机号提供给该单位，才能报名"), code="consent_required"
        )
    return earlier


def idempotency_key_clean(raw: str | None) -> str:
    key = (raw or "").strip()
    if not key:
        raise ValidationError(
            _("缺少防重复提交标识（Idempotency-Key），请刷新页面后重试"),
            code="idempotency_key_missing",
        )
    if not IDEMPOTENCY_KEY_RE.match(key):
        raise ValidationError(
            _("防重复提交标识（Idempotency-Key）格式不对：8–64位字母、数字或 - _ . :"),
            code="idempotency_key_invalid",
        )
    return key


def name_clean(raw: str | None) -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise ValidationError(_("请填写姓名"), code="name_required")
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            _("姓名最多%(max)d个字") % {"max": NAME_MAX_LENGTH}, code="name_too_long"
        )
    return name


def application_check_open(*, job: Job, now: dt.datetime | None = None) -> None:
    """Raise ValidationError unless `job` takes applications now.

    Called before anything else is done for an application (e.g. before an SMS code is
    spent) so a closed job is refused early with a message that says why.
    """
    now = now or timezone.now()
    if not job.organisation.is_verified(now):
        raise ValidationError(
            _("该单位尚未通过认证（或认证已过期），暂不接受报名"),
            code="organisation_unverified",
        )
    if not job.is_open(timezone.localdate(now)):
        raise ValidationError(_("该岗位已停止招聘，不能报名了"), code="job_closed")


def _application_existing(*, job: Job, seeker: User, idempotency_key: str) -> Application | None:
    """The application an earlier attempt wrote: same job, or same key, for this seeker."""
    # At most two rows (one per unique constraint). No select_related: the job and its
    # organisation are the caller's, and joining three wide tables cost more to compile than
    # the whole insert it follows (replays are common: retries after a lost response).
    found = list(
        Application.objects.filter(seeker=seeker)
        .filter(Q(job=job) | Q(idempotency_key=idempotency_key))
        .order_by()
    )
    for application in found:
        if application.job_id == job.pk:
            application.job = job
            application.organisation = job.organisation
            application.seeker = seeker
            return application
    if found:
        # The key already names an application to another job: a client bug, never a replay.
        raise ValidationError(
            _("这个防重复提交标识已用于另一个岗位的报名，请刷新页面后重试"),
            code="idempotency_key_reused",
        )
    return None


def application_apply(
    *,
    job: Job,
    seeker: User,
    name: str,
    room: Room | None = None,
    idempotency_key: str,
    consent_text: str,
    consented_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> tuple[Application, bool]:
    """Apply `seeker` to `job`; return (application, created).

    Exactly once: a double tap, a retry with the same idempotency key, or a second apply to
    the same job by the same seeker (same phone) returns the FIRST application and
    created=False. The database's unique constraints decide races: the insert runs in its own
    atomic block (a savepoint inside an outer transaction) and, if it loses, the winner's row
    is read back. A replay is answered even after the job has closed.

    `consent_text`/`consented_at` are what the seeker agreed to and when (see
    `application_consent_resolve`); `consented_at` defaults to now.

    Raises ValidationError (Chinese message, a `code`) for bad input, a job that is not open,
    an unverified organisation, a room of another organisation, or a key reused for another job.
    """
    now = now or timezone.now()
    idempotency_key = idempotency_key_clean(idempotency_key)
    name = name_clean(name)
    consent_text = (consent_text or "").strip()
    if not consent_text:
        raise ValidationError(
            _("请勾选同意将手机号提供给该单位，才能报名"), code="consent_required"
        )
    if room is not None and room.organisation_id != job.organisation_id:
        raise ValidationError(_("该直播间不属于这个岗位的单位"), code="room_mismatch")
    try:
        application_check_open(job=job, now=now)
    except ValidationError:
        existing = _application_existing(job=job, seeker=seeker, idempotency_key=idempotency_key)
        if existing is not None:
            return existing, False
        raise

    application = Application(
        seeker=seeker,
        job=job,
        organisation_id=job.organisation_id,
        room=room,
        name=name,
        phone=seeker.phone,
        consent_text=consent_text,
        consented_at=consented_at or now,
        idempotency_key=idempotency_key,
        created_at=now,
    )
    try:
        # Insert first, look later: the common case (a new application) costs one INSERT.
        with transaction.atomic():
            application.save(force_insert=True)
    except IntegrityError:
        existing = _application_existing(job=job, seeker=seeker, idempotency_key=idempotency_key)
        if existing is None:
            raise  # not a duplicate (e.g. the job was deleted meanwhile): a real error
        return existing, False
    return application, True
