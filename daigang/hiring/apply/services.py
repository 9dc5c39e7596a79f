"""Writes about applications: one-tap apply (一键报名), exactly once."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connections, router, transaction
from django.db.models import Q
from django.db.models.constants import OnConflict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from daigang.accounts.models import Organisation, User
from daigang.core.hooks import hooks_on_commit
from daigang.hiring.models import IDEMPOTENCY_KEY_MAX_LENGTH, Application, Stage, StageChange
from daigang.jobs.models import Job
from daigang.live.models import Room

# UUIDs, ULIDs and the like; nothing that needs escaping anywhere it is logged or echoed.
IDEMPOTENCY_KEY_RE = re.compile(rf"^[A-Za-z0-9_.:\-]{{8,{IDEMPOTENCY_KEY_MAX_LENGTH}}}$")
NAME_MAX_LENGTH = 50


def consent_required_error() -> ValidationError:
    """No consent given (now, or before to this organisation): the one sentence saying so."""
    return ValidationError(_("请勾选同意将手机号提供给该单位，才能报名"), code="consent_required")


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
        # Consent withdrawn on 我的报名 is gone: the seeker must tick again to share the number.
        Application.objects.filter(
            seeker=seeker, organisation=organisation, consent_withdrawn_at__isnull=True
        )
        .order_by("consented_at")
        .values_list("consent_text", "consented_at")
        .first()
    )
    if earlier is None:
        raise consent_required_error()
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


SOURCE_MAX_LENGTH = 40
_SOURCE_RE = re.compile(r"^[a-z]{2,12}(?::[0-9]{1,12}){1,2}$")


def source_clean(raw: str | None) -> str:
    """An application's source tag ("fair:12", "fair:12:3") as sent with a link, or "" when
    it is not one (attribution only: a bad tag never refuses an apply)."""
    value = (raw or "").strip()
    return value if len(value) <= SOURCE_MAX_LENGTH and _SOURCE_RE.match(value) else ""


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
    if job.organisation.suspended_at is not None:
        raise ValidationError(
            _("该单位因违规被平台暂停，暂不接受报名"), code="organisation_suspended"
        )
    if job.taken_down_at is not None:
        raise ValidationError(_("该岗位已被平台下架，不能报名了"), code="job_taken_down")
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
        Application.objects.filter(seeker_id=seeker.pk)
        .filter(Q(job_id=job.pk) | Q(idempotency_key=idempotency_key))
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


# Called with the applications just created (never a replay), once their insert commits. Apps
# above hiring add to it from their AppConfig.ready() (daigang.fairs counts them). A hook runs
# on the apply path: it must be cheap (no query) and must not raise.
application_created_hooks: list[Callable[[list[Application]], None]] = []


def _created_on_commit(applications: list[Application]) -> None:
    if applications:
        hooks_on_commit(application_created_hooks, applications)


def application_apply(
    *,
    job: Job,
    seeker: User,
    name: str,
    room: Room | None = None,
    idempotency_key: str,
    consent_text: str,
    consented_at: dt.datetime | None = None,
    source: str = "",
    now: dt.datetime | None = None,
) -> tuple[Application, bool]:
    """Apply `seeker` to `job`; return (application, created).

    Exactly once: a double tap, a retry with the same idempotency key, or a second apply to
    the same job by the same seeker (same phone) returns the FIRST application and
    created=False. The database's unique constraints decide races: the insert runs in its own
    atomic block (a savepoint inside an outer transaction) — on PostgreSQL it is an INSERT ...
    ON CONFLICT DO NOTHING instead — and, if it loses, the winner's row is read back. A replay
    is answered even after the job has closed.

    `consent_text`/`consented_at` are what the seeker agreed to and when (see
    `application_consent_resolve`); `consented_at` defaults to now.

    Raises ValidationError (Chinese message, a `code`) for bad input, a job that is not open,
    an unverified organisation, a room of another organisation, or a key reused for another job.
    """
    made = _application_new(
        ApplyArgs(
            job=job,
            seeker=seeker,
            name=name,
            room=room,
            idempotency_key=idempotency_key,
            consent_text=consent_text,
            consented_at=consented_at,
            source=source,
            now=now,
        )
    )
    if isinstance(made, tuple):
        return made
    application = made
    # Insert first, look later: the common case (a new application) costs one INSERT.
    if connections[router.db_for_write(Application)].vendor == "postgresql":
        if _applications_insert_unless_conflict([application]) == [True]:
            _created_on_commit([application])
            return application, True
        return _application_after_conflict(application)
    try:
        with transaction.atomic():
            application.save(force_insert=True)
    except IntegrityError:
        existing = _application_existing(
            job=application.job, seeker=seeker, idempotency_key=application.idempotency_key
        )
        if existing is None:
            raise  # not a duplicate (e.g. the job was deleted meanwhile): a real error
        return _existing_answer(existing, application), False
    _created_on_commit([application])
    return application, True


@dataclass(frozen=True, slots=True)
class ApplyArgs:
    """One apply, as `application_apply` takes it (for `applications_apply`)."""

    job: Job
    seeker: User
    name: str
    idempotency_key: str
    consent_text: str
    room: Room | None = None
    consented_at: dt.datetime | None = None
    source: str = ""
    now: dt.datetime | None = None


def applications_apply(
    *, applies: Sequence[ApplyArgs]
) -> list[tuple[Application, bool] | Exception]:
    """`application_apply` for many seekers at once: the same rules, one INSERT for all.

    For the fast path's batches (daigang.hiring.apply.writer). Each result is what
    application_apply returns for that apply, or the exception it raises (a ValidationError
    for a refused apply). The applies must be of DIFFERENT seekers: a seeker's second apply
    depends on the first's row (replay, consent given before, name used before), so it goes in
    a later call.

    The new applications are inserted by one `INSERT ... ON CONFLICT DO NOTHING` (SQLite:
    `INSERT OR IGNORE`) in a savepoint, in seeker order; a row held back by a conflict is a
    replay or a lost race, answered as application_apply answers it. If the statement fails
    for any other reason its savepoint is rolled back and each apply runs alone through
    application_apply.
    """
    if len({args.seeker.pk for args in applies}) != len(applies):
        raise ValueError("applications_apply takes one apply per seeker")
    results: list[tuple[Application, bool] | Exception | None] = [None] * len(applies)
    new: list[tuple[int, Application]] = []
    for index, args in enumerate(applies):
        try:
            made = _application_new(args)
        except Exception as exc:
            results[index] = exc
            continue
        if isinstance(made, tuple):
            results[index] = made
        else:
            new.append((index, made))
    # One lock order for every batch: each unique constraint on Application has the seeker.
    new.sort(key=lambda pair: (pair[1].seeker_id, pair[1].job_id, pair[1].idempotency_key))
    inserted: list[bool] | None = []
    if new:
        try:
            with transaction.atomic():
                inserted = _applications_insert_unless_conflict([app for _, app in new])
        except DatabaseError:
            inserted = None
        else:
            _created_on_commit([app for (_, app), made in zip(new, inserted, strict=True) if made])
    for position, (index, application) in enumerate(new):
        try:
            if inserted is None:
                results[index] = application_apply(**_args_of(applies[index]))
            elif inserted[position]:
                results[index] = application, True
            else:
                results[index] = _application_after_conflict(application)
        except Exception as exc:
            results[index] = exc
    return results  # type: ignore[return-value]  # every entry is set above


def _args_of(args: ApplyArgs) -> dict:
    return {name: getattr(args, name) for name in ApplyArgs.__slots__}


def _room_carries(*, room: Room, job: Job) -> bool:
    """A room takes applications for its organisation's jobs, and for the jobs on its list
    that belong to others (a bureau's fair room shows the fair's employers' jobs: the
    application goes to the employer, with the room as its source)."""
    return room.organisation_id == job.organisation_id or room.jobs.filter(pk=job.pk).exists()


def _application_new(args: ApplyArgs) -> Application | tuple[Application, bool]:
    """The checked, unsaved application for `args` — or (existing, False) when the job no
    longer takes applications but this is a replay of one it took. Raises ValidationError."""
    now = args.now or timezone.now()
    job, seeker, room = args.job, args.seeker, args.room
    idempotency_key = idempotency_key_clean(args.idempotency_key)
    name = name_clean(args.name)
    consent_text = (args.consent_text or "").strip()
    if not consent_text:
        raise consent_required_error()
    if room is not None and not _room_carries(room=room, job=job):
        raise ValidationError(_("该直播间不属于这个岗位的单位"), code="room_mismatch")
    try:
        application_check_open(job=job, now=now)
    except ValidationError:
        existing = _application_existing(job=job, seeker=seeker, idempotency_key=idempotency_key)
        # A withdrawn application is not answered as a success: the job is closed, say so.
        if existing is not None and existing.stage != Stage.WITHDRAWN:
            return existing, False
        raise
    return Application(
        seeker=seeker,
        job=job,
        organisation_id=job.organisation_id,
        room=room,
        name=name,
        phone=seeker.phone,
        consent_text=consent_text,
        consented_at=args.consented_at or now,
        idempotency_key=idempotency_key,
        source=source_clean(args.source),
        created_at=now,
    )


def _application_after_conflict(application: Application) -> tuple[Application, bool]:
    """`application` was not inserted because a row holds one of its unique values: that row
    when it is this apply's replay; ValidationError for a key reused on another job."""
    existing = _application_existing(
        job=application.job,
        seeker=application.seeker,
        idempotency_key=application.idempotency_key,
    )
    if existing is None:
        # Another unique constraint held the row back: not a replay, a real error.
        raise IntegrityError("the application conflicts with a row that is not its replay")
    return _existing_answer(existing, application), False


def _existing_answer(existing: Application, attempt: Application) -> Application:
    """What an apply that found the seeker's earlier application to the job answers: that
    application, re-opened first if the seeker had withdrawn it (`attempt` is the unsaved
    application this apply would have made: the name, consent and room given now)."""
    if existing.stage != Stage.WITHDRAWN:
        return existing
    return application_reopen(
        application=existing,
        name=attempt.name,
        room=attempt.room,
        consent_text=attempt.consent_text,
        consented_at=attempt.consented_at,
        now=attempt.created_at,
    )


# Said in the application's history when the seeker applies again after withdrawing.
REOPEN_REASON = gettext_noop("重新报名")

# Called with the application the seeker re-opened (never a repeat), once it commits. Apps
# above hiring add to it from their AppConfig.ready(); cheap, must not raise.
application_reopened_hooks: list[Callable[[Application], None]] = []


def application_reopen(
    *,
    application: Application,
    name: str,
    consent_text: str,
    consented_at: dt.datetime,
    room: Room | None = None,
    now: dt.datetime | None = None,
) -> Application:
    """The seeker applies again to a job whose application they withdrew (重新报名).

    The same application is re-opened, as the pipeline moves one (application_advance's
    pattern): one transaction locks the row, moves it 已撤回 → 已报名, writes the StageChange
    (by the seeker, reason "重新报名") so the organisation's history keeps both moves, and runs
    `application_reopened_hooks` on commit. The name, consent (given again: a withdrawn
    consent is given back by this apply) and room are the ones given now. An application not
    withdrawn (a repeat of this re-apply) is returned unchanged. ValidationError (code
    job_closed, …) when the job no longer takes applications: never a false success.
    """
    now = now or timezone.now()
    job = application.job
    with transaction.atomic():
        locked = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
        locked.job = job
        locked.organisation = job.organisation
        if locked.stage != Stage.WITHDRAWN:
            return locked
        application_check_open(job=job, now=now)
        change = StageChange(
            application=locked,
            from_stage=locked.stage,
            from_custom=None,
            to_stage=Stage.APPLIED,
            by_id=locked.seeker_id,
            reason=REOPEN_REASON,  # stored as the site shows history: zh-hans
            at=now,
        )
        locked.stage = Stage.APPLIED
        locked.custom_stage = None
        locked.stage_changed_at = now
        locked.reopened_at = now
        locked.name = name
        locked.consent_text = consent_text
        locked.consented_at = consented_at
        locked.consent_withdrawn_at = None
        if room is not None:
            locked.room = room
        locked.save(
            update_fields=[
                "stage",
                "custom_stage",
                "stage_changed_at",
                "reopened_at",
                "name",
                "consent_text",
                "consented_at",
                "consent_withdrawn_at",
                "room",
            ]
        )
        change.save(force_insert=True)
        hooks_on_commit(application_reopened_hooks, locked)
    return locked


def _applications_insert_unless_conflict(applications: list[Application]) -> list[bool]:
    """Insert each application unless a row holds one of its unique values; for each, whether
    it was inserted (then its id is set, as save() sets it).

    One `INSERT ... ON CONFLICT DO NOTHING RETURNING ...` for all — Django's own insert, as
    save() and bulk_create() run it (QuerySet._insert), with OnConflict.IGNORE and the
    returned rows matched back by seeker (so at most one application per seeker). It replaces
    a savepoint around each insert: on PostgreSQL those are two more round trips per apply,
    and per-row ORM inserts were the largest cost of a batch (bench/apply_burst.py). A
    conflict leaves the transaction usable. Fields' pre_save() run as in save(); no save
    signals are sent (the project uses none).
    """
    if not applications:
        return []
    meta = Application._meta
    seeker_field = meta.get_field("seeker")
    returning = [*meta.db_returning_fields, seeker_field]
    using = router.db_for_write(Application)
    fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field]
    # What Model.save() calls, plus on_conflict; private, so not in django-stubs.
    rows = Application._base_manager._insert(  # type: ignore[attr-defined]
        applications,
        fields=fields,
        returning_fields=returning,
        using=using,
        on_conflict=OnConflict.IGNORE,
    )
    by_seeker = {row[-1]: row for row in rows if row is not None}
    inserted = []
    for application in applications:
        row = by_seeker.get(application.seeker_id)
        if row is not None:
            for value, field in zip(row, meta.db_returning_fields, strict=False):
                setattr(application, field.attname, value)
            application._state.adding = False
            application._state.db = using
        inserted.append(row is not None)
    return inserted
