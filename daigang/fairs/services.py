"""Writes of job fairs: a bureau creates and publishes a fair, employers register with their
jobs, the bureau approves them and puts rooms in the schedule; the report freezes at the end.

Every write checks the member's power at the moment of the request (accounts.roles) and is
safe to repeat: registering twice updates the one registration, approving twice is a no-op.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.accounts.models import Organisation, User
from daigang.accounts.roles import Power
from daigang.accounts.selectors import membership_has
from daigang.accounts.uploads import IMAGE_TYPES, CheckedUpload, image_upload_check
from daigang.core.refused import Refused
from daigang.fairs import counters
from daigang.fairs.models import Fair, FairEntry, FairInvite, FairJob, FairRoom
from daigang.fairs.selectors import region_within
from daigang.fairs.stats import fair_numbers
from daigang.jobs.models import Job
from daigang.live.models import Room
from daigang.regions.models import Region
from daigang.rules.refusals import fields_errors
from daigang.rules.terms import PUBLIC_RULES

TITLE_MAX = 80
DESCRIPTION_MAX = 2000
NOTE_MAX = 200
LABEL_MAX = 60
JOBS_MAX = 50
HEADCOUNT_MAX = 100_000


def _power_check(*, user: User, organisation: Organisation, power: Power) -> None:
    if not membership_has(user=user, organisation_id=organisation.pk, power=power):
        raise Refused("forbidden", _("您没有这个操作的权限"), status=403)


def _bureau_check(bureau: Organisation) -> None:
    if bureau.kind != Organisation.Kind.BUREAU or bureau.region_id is None:
        raise Refused("not_a_bureau", _("只有公共就业服务机构可以举办招聘会"), status=403)
    if not bureau.is_verified():
        raise Refused("unverified", _("单位通过平台认证后才能举办招聘会"), status=403)


def fair_save(
    *,
    bureau: Organisation,
    by: User,
    title: str,
    target_group: str,
    region: Region,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    description: str = "",
    parent: Fair | None = None,
    fair: Fair | None = None,
    poster: File | None = None,
) -> Fair:
    """Create a fair of `bureau` (or change `fair`). Its region must be the bureau's or one
    below it; a parent fair (三级联动) must be of a region containing it. A `poster` (JPEG or
    PNG) replaces the old one, re-encoded; without one the old poster stays. Nothing is saved
    when anything is refused."""
    _power_check(user=by, organisation=bureau, power=Power.FAIRS_RUN)
    _bureau_check(bureau)
    title, description = title.strip(), description.replace("\r\n", "\n").strip()
    errors: dict[str, list[ValidationError]] = {}
    if not title or len(title) > TITLE_MAX:
        errors["title"] = [ValidationError(_("请填写招聘会名称（80字以内）"))]
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = [ValidationError(_("简介请控制在2000字以内"))]
    if ends_at <= starts_at:
        errors["ends_at"] = [ValidationError(_("结束时间要晚于开始时间"))]
    elif ends_at - starts_at > dt.timedelta(days=90):
        errors["ends_at"] = [ValidationError(_("一场招聘会最长90天"))]
    assert bureau.region is not None
    if not region_within(region=region, within=bureau.region):
        errors["region"] = [ValidationError(_("只能在本机构所辖地区内举办招聘会"))]
    if parent is not None and (
        parent.pk == getattr(fair, "pk", None)
        or not region_within(region=region, within=parent.region)
    ):
        errors["parent"] = [ValidationError(_("联动的上级招聘会须覆盖本招聘会的地区"))]
    for name, messages in fields_errors(
        fields={"title": (_("招聘会名称"), title), "description": (_("简介"), description)},
        rules=PUBLIC_RULES,
    ).items():
        errors.setdefault(name, []).extend(messages)
    checked = None
    if poster is not None:
        try:
            checked = image_upload_check(file=poster)
        except ValidationError as exc:
            errors["poster"] = [exc]
    if errors:
        raise ValidationError(errors)
    values = {
        "title": title,
        "target_group": target_group,
        "region": region,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "description": description,
        "parent": parent,
    }
    with transaction.atomic():
        if fair is None:
            fair = Fair.objects.create(bureau=bureau, created_by=by, **values)
        else:
            for name, value in values.items():
                setattr(fair, name, value)
            fair.save(update_fields=list(values))
        if checked is not None:
            _poster_store(fair, checked)
    return fair


def _poster_store(fair: Fair, checked: CheckedUpload) -> None:
    """Store the checked poster under a name made of the fair and the image's hash. The file is
    written inside the caller's transaction; if that rolls back, the file stays unreferenced
    and the same poster sent again finds it and uses it: never a second copy."""
    old = fair.poster.name if fair.poster else ""
    fair.poster_sha256 = checked.sha256
    fair.poster_content_type = checked.content_type
    storage = fair.poster.storage
    name = fair.poster.field.generate_filename(fair, f"poster.{IMAGE_TYPES[checked.content_type]}")
    if not storage.exists(name):
        name = storage.save(name, ContentFile(checked.content))
    fair.poster.name = name
    fair.save(update_fields=["poster", "poster_sha256", "poster_content_type"])
    if old and old != name:
        transaction.on_commit(lambda: storage.delete(old))


def fair_publish(*, fair: Fair, by: User) -> Fair:
    """Show the fair to seekers. Publishing a published fair changes nothing."""
    _power_check(user=by, organisation=fair.bureau, power=Power.FAIRS_RUN)
    _bureau_check(fair.bureau)
    Fair.objects.filter(pk=fair.pk, status=Fair.Status.DRAFT).update(status=Fair.Status.PUBLISHED)
    fair.refresh_from_db(fields=["status"])
    return fair


def fair_entry_register(
    *,
    fair: Fair,
    organisation: Organisation,
    by: User,
    jobs: Sequence[tuple[Job, int]],
    now: dt.datetime | None = None,
) -> FairEntry:
    """Register `organisation` for `fair` with (job, headcount) pairs.

    Registering again replaces the jobs of a pending registration (a retry or a correction);
    an approved one keeps its status and takes the new list; a rejected one goes back to
    pending, as a new request.
    """
    _power_check(user=by, organisation=organisation, power=Power.FAIRS_JOIN)
    now = now or timezone.now()
    if not fair.is_public() or fair.phase(now) == "ended":
        raise Refused("fair_closed", _("这场招聘会已结束或未开放报名"))
    if organisation.kind == Organisation.Kind.BUREAU:
        raise Refused("bureau", _("公共就业服务机构不以用人单位身份参会"))
    if not organisation.is_verified(now):
        raise Refused("unverified", _("单位通过平台认证后才能报名参加招聘会"))
    if not jobs:
        raise Refused("no_jobs", _("请至少选择一个岗位"), field="jobs")
    if len(jobs) > JOBS_MAX:
        raise Refused("too_many_jobs", _("一次最多带%(n)d个岗位") % {"n": JOBS_MAX}, field="jobs")
    for job, headcount in jobs:
        if job.organisation_id != organisation.pk or job.status != Job.Status.PUBLISHED:
            raise Refused("job", _("只能选择本单位已发布的岗位"), field="jobs")
        if not 1 <= headcount <= HEADCOUNT_MAX:
            raise Refused("headcount", _("每个岗位的招聘人数须为1到100000"), field="jobs")
    with transaction.atomic():
        try:
            with transaction.atomic():
                entry, _created = FairEntry.objects.get_or_create(
                    fair=fair,
                    organisation=organisation,
                    defaults={"registered_by": by, "created_at": now},
                )
        except IntegrityError:
            entry = FairEntry.objects.get(fair=fair, organisation=organisation)
        entry = FairEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.status == FairEntry.Status.REJECTED:
            entry.status = FairEntry.Status.PENDING
            entry.decided_at = entry.decided_by = None
            entry.save(update_fields=["status", "decided_at", "decided_by"])
        entry.jobs.all().delete()
        FairJob.objects.bulk_create(
            [FairJob(entry=entry, job=job, headcount=headcount) for job, headcount in jobs]
        )
        _bureau_rooms_jobs_sync(fair=fair)
    return entry


def _bureau_rooms_jobs_sync(*, fair: Fair) -> None:
    """The bureau's own rooms in the fair carry every approved employer's fair jobs, so its
    anchor can pin any of them (an apply there goes to the job's employer, the room its
    source). Jobs of an employer no longer approved come off; the bureau's own stay."""
    approved = set(
        FairJob.objects.filter(
            entry__fair=fair, entry__status=FairEntry.Status.APPROVED
        ).values_list("job_id", flat=True)
    )
    for fair_room in FairRoom.objects.filter(
        fair=fair, room__organisation=fair.bureau
    ).select_related("room"):
        room = fair_room.room
        others = set(room.jobs.exclude(organisation=fair.bureau).values_list("pk", flat=True))
        room.jobs.remove(*(others - approved))
        room.jobs.add(*(approved - others))


def fair_entry_decide(
    *, entry: FairEntry, by: User, approve: bool, note: str = "", now: dt.datetime | None = None
) -> FairEntry:
    """The bureau approves or rejects a registration; deciding the same way again is a no-op."""
    _power_check(user=by, organisation=entry.fair.bureau, power=Power.FAIRS_RUN)
    note = note.strip()[:NOTE_MAX]
    status = FairEntry.Status.APPROVED if approve else FairEntry.Status.REJECTED
    with transaction.atomic():
        locked = FairEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.status != status:
            locked.status = status
            locked.note = note
            locked.decided_by = by
            locked.decided_at = now or timezone.now()
            locked.save(update_fields=["status", "note", "decided_by", "decided_at"])
            _bureau_rooms_jobs_sync(fair=locked.fair)
    return locked


def fair_room_add(*, fair: Fair, room: Room, by: User) -> FairRoom:
    """Put `room` in the fair's schedule: the bureau's own room, or one of an approved
    employer's. Adding it again returns the same row; a room is in one fair at most."""
    _power_check(user=by, organisation=fair.bureau, power=Power.FAIRS_RUN)
    if room.state == Room.State.ENDED:
        raise Refused("room_ended", _("这个直播间已结束"), field="room")
    approved = FairEntry.objects.filter(
        fair=fair, organisation_id=room.organisation_id, status=FairEntry.Status.APPROVED
    ).exists()
    if room.organisation_id != fair.bureau_id and not approved:
        raise Refused("room", _("只能加入本机构或已通过审核的参会单位的直播间"), field="room")
    existing = FairRoom.objects.filter(room=room).select_related("fair").first()
    if existing is not None:
        if existing.fair_id != fair.pk:
            raise Refused("room_taken", _("这个直播间已在另一场招聘会中"), field="room")
        return existing
    try:
        with transaction.atomic():
            fair_room = FairRoom.objects.create(fair=fair, room=room, added_by=by)
            _bureau_rooms_jobs_sync(fair=fair)
            # What happened in the room before it joined now counts for the fair too.
            counters.room_joined_fair(room_id=room.pk)
            return fair_room
    except IntegrityError:
        return FairRoom.objects.get(room=room, fair=fair)


def fair_invite_create(*, fair: Fair, by: User, label: str) -> FairInvite:
    """An invite link for a school or department; the same label again returns the same link."""
    _power_check(user=by, organisation=fair.bureau, power=Power.FAIRS_RUN)
    label = label.strip()
    if not label or len(label) > LABEL_MAX:
        raise Refused("label", _("请填写学校或院系名称（60字以内）"), field="label")
    invite, _created = FairInvite.objects.get_or_create(fair=fair, label=label)
    return invite


def fair_report_freeze(*, fair: Fair, now: dt.datetime | None = None) -> Fair:
    """Freeze the fair's numbers once it has ended: what the bureau reports upward must not
    change when someone withdraws later. Freezing again changes nothing."""
    now = now or timezone.now()
    if fair.report_frozen_at is not None or fair.phase(now) != "ended":
        return fair
    numbers = fair_numbers(fair=fair)
    Fair.objects.filter(pk=fair.pk, report_frozen_at__isnull=True).update(
        report=numbers, report_frozen_at=now
    )
    fair.refresh_from_db(fields=["report", "report_frozen_at"])
    return fair
