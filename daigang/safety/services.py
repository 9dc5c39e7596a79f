"""Writes about reports and takedowns. Like hiring's application_advance: each locks its row,
writes the record (Decision), tells people once the write commits, and a repeat is a no-op.

- report_create: a logged-in person reports a thing; joins the thing's open case (one per
  thing), snapshotting its text and version; the same person reporting it again, or a retry
  with the same Idempotency-Key, gives back the first report.
- report_screenshot_attach: the reporter adds (or replaces) the screenshot while the case is
  open; the same picture again is a no-op.
- case_decide: a moderator dismisses, warns, takes the job down, ends and blocks the room, or
  suspends the organisation (its jobs and rooms hidden at once, live rooms ended on every
  screen, its members told why, its USCC on the suspended list).
- appeal_submit: the organisation (owner/HR) appeals a decision once, with its text/evidence.
- appeal_evidence_attach: it adds (or replaces) the appeal's evidence until the appeal is
  decided; the same file again is a no-op.
- appeal_decide: a second moderator (not the one who decided) upholds (the takedown is undone)
  or rejects it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.accounts.models import Membership, Organisation, User
from daigang.accounts.roles import Power, roles_with
from daigang.accounts.selectors import membership_has
from daigang.accounts.uploads import CheckedUpload, document_upload_check, image_upload_check
from daigang.contracts.models import CheckIn
from daigang.core.languages import site_language
from daigang.core.realtime import room_event_publish
from daigang.core.refused import Refused
from daigang.hiring.notifications import notification_send
from daigang.jobs.models import Job
from daigang.live.lifecycle import room_end
from daigang.live.models import Room
from daigang.safety.models import (
    TAKEDOWNS,
    Action,
    Case,
    Category,
    Decision,
    Kind,
    Report,
    SuspendedDocument,
    SuspensionListing,
)
from daigang.safety.targets import Target

TEXT_MAX = 500
REASON_MAX = 1000
IDEMPOTENCY_KEY_MAX = 64
# The room event that takes a room off every viewer's screen (static/js/live.js).
EVENT_TAKEN_DOWN = "taken_down"


def _moderator_check(by: User) -> None:
    if not (by.is_authenticated and by.is_moderator):
        raise Refused("not_found", _("没有找到"), status=404)


@dataclass
class _StagedFile:
    name: str
    kept: bool = False


@contextmanager
def _file_staged(*, storage: Storage, name: str, content: bytes) -> Iterator[_StagedFile]:
    """Write `content` before the transaction that points a row at it (a file cannot be part
    of the transaction). Unless the caller marks it kept once that transaction is done, the
    file is deleted again: a refusal, a repeat or a rollback of that transaction leaves no
    orphan file behind. (Inside a caller's own outer transaction that later rolls back, the
    file stays: the API calls these services outside any transaction.)"""
    staged = _StagedFile(name=storage.save(name, ContentFile(content)))
    try:
        yield staged
    finally:
        if not staged.kept:
            storage.delete(staged.name)


def _file_drop_on_commit(storage: Storage, name: str) -> None:
    """Delete the file a row pointed at before, once the row points elsewhere for good."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- reports ---------------------------------------------------------------------------------


def _screenshot_check(file: File) -> tuple[bytes, str, str]:
    """(content, content type, sha256) of a JPG or PNG, decoded and re-encoded; else Refused.
    Anything that is not a picture by its content (a PDF, text) is refused before it is
    parsed, with one message saying what is accepted."""
    try:
        checked = image_upload_check(file=file)
    except ValidationError as exc:
        if exc.code == "bad_type":
            raise Refused(
                "screenshot_not_image", _("截图只能是 JPG 或 PNG 图片"), field="screenshot"
            ) from exc
        raise Refused(
            exc.code or "screenshot_invalid", exc.messages[0], field="screenshot"
        ) from exc
    return checked.content, checked.content_type, checked.sha256


def _case_open_get(*, target: Target, now: dt.datetime) -> Case:
    """The thing's open case, locked; created when there is none."""
    for _attempt in range(2):
        case = (
            Case.objects.select_for_update()
            .filter(kind=target.kind, target_id=target.target_id, status=Case.Status.OPEN)
            .first()
        )
        if case is not None:
            return case
        try:
            with transaction.atomic():
                return Case.objects.create(
                    kind=target.kind,
                    target_id=target.target_id,
                    organisation=target.organisation,
                    job_id=target.job_id,
                    room_id=target.room_id,
                    label=target.label[:200],
                    opened_at=now,
                )
        except IntegrityError:
            continue  # another report opened it at the same moment: join that one
    raise Refused("busy", _("请稍后再试"), status=503)


def report_create(
    *,
    reporter: User,
    target: Target,
    category: str,
    text: str = "",
    screenshot: File | None = None,
    idempotency_key: str = "",
    source: str = Report.Source.SEEKER,
    now: dt.datetime | None = None,
) -> tuple[Report, bool]:
    """Report `target`; (report, created). Idempotent per person and thing while its case is
    open, and per Idempotency-Key."""
    now = now or timezone.now()
    if not reporter.is_authenticated or not reporter.is_active:
        raise Refused("not_authenticated", _("请先登录"), status=401)
    if category not in Category.values:
        raise Refused("category_invalid", _("请选择举报类型"), field="category")
    text = (text or "").strip()
    if len(text) > TEXT_MAX:
        raise Refused(
            "text_too_long",
            _("补充说明最多%(max)d个字") % {"max": TEXT_MAX},
            field="text",
        )
    idempotency_key = (idempotency_key or "").strip()
    if len(idempotency_key) > IDEMPOTENCY_KEY_MAX:
        raise Refused("idempotency_key_invalid", _("Idempotency-Key 太长"), field="idempotency_key")
    if idempotency_key:
        earlier = (
            Report.objects.select_related("case")
            .filter(reporter=reporter, idempotency_key=idempotency_key)
            .first()
        )
        if earlier is not None:
            if (earlier.case.kind, earlier.case.target_id) != (target.kind, target.target_id):
                raise Refused(
                    "idempotency_key_reused",
                    _("这个 Idempotency-Key 已用于另一条举报"),
                    status=409,
                )
            return earlier, False
    picture = _screenshot_check(screenshot) if screenshot is not None else None
    with transaction.atomic():
        case = _case_open_get(target=target, now=now)
        existing = Report.objects.filter(case=case, reporter=reporter).first()
        if existing is not None:
            return existing, False
        report = Report(
            case=case,
            reporter=reporter,
            category=category,
            text=text,
            source=source,
            snapshot_text=target.text,
            snapshot_version=target.version,
            idempotency_key=idempotency_key,
            created_at=now,
        )
        if picture is not None:
            content, content_type, sha256 = picture
            report.screenshot_type = content_type
            report.screenshot_sha256 = sha256
            report.screenshot.save("screenshot", ContentFile(content), save=False)
        report.save()
    return report, True


def _screenshot_case_check(case: Case) -> None:
    if not case.is_open:
        raise Refused(
            "case_decided",
            _("这条举报已经处理完毕，不能再补充截图。结果请在“我的举报”里查看"),
            status=409,
        )


def report_screenshot_attach(*, report: Report, by: User, screenshot: File) -> tuple[Report, bool]:
    """The reporter adds a screenshot to their report while its case is open: JPG or PNG,
    checked and re-encoded as in report_create; (report, changed).

    The same picture again (same sha256 once re-encoded) changes nothing; a different one
    replaces the first, whose file is deleted once the change commits. Anyone but the reporter
    is refused 404 (the report's existence is not theirs to learn); a decided case 409; a file
    that is not a readable JPG or PNG 400, and the report keeps the screenshot it had."""
    if not by.is_authenticated or report.reporter_id != by.pk:
        raise Refused("not_found", _("没有找到"), status=404)
    # Refuse a decided case before reading the file (the check below decodes the picture).
    _screenshot_case_check(report.case)
    content, content_type, sha256 = _screenshot_check(screenshot)
    if report.screenshot_sha256 == sha256 and report.screenshot:
        return report, False
    draft = Report(case_id=report.case_id, screenshot_type=content_type, screenshot_sha256=sha256)
    field_file = draft.screenshot
    name = field_file.field.generate_filename(draft, "screenshot")
    with _file_staged(storage=field_file.storage, name=name, content=content) as staged:
        with transaction.atomic():
            # The case first, as case_decide and report_create lock it: a decision waits for
            # this screenshot, or this waits and is refused.
            case = Case.objects.select_for_update().get(pk=report.case_id)
            _screenshot_case_check(case)
            locked = Report.objects.select_for_update().get(pk=report.pk)
            locked.case = case
            if locked.screenshot_sha256 == sha256 and locked.screenshot:
                return locked, False
            _file_drop_on_commit(locked.screenshot.storage, locked.screenshot.name or "")
            locked.screenshot.name = staged.name
            locked.screenshot_type = content_type
            locked.screenshot_sha256 = sha256
            locked.save(update_fields=["screenshot", "screenshot_type", "screenshot_sha256"])
        staged.kept = True
    return locked, True


# --- decisions -------------------------------------------------------------------------------


def _members(organisation_id: int, roles: frozenset[str] | None = None) -> list[User]:
    memberships = Membership.objects.filter(
        organisation_id=organisation_id, user__is_active=True
    ).select_related("user")
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return [membership.user for membership in memberships]


def _tell_organisation(case: Case, text: str, *, everyone: bool = False) -> None:
    """A notice to the organisation's owners and HR (every member for a suspension)."""
    roles = None if everyone else roles_with(Power.CASES)
    url = reverse("safety:org_cases", args=[case.organisation_id])
    for user in _members(case.organisation_id, roles):
        notification_send(user=user, text=text, url=url, sms=False)


def _tell_reporters(case: Case, text: str) -> None:
    url = reverse("safety:mine")
    for report in case.reports.select_related("reporter"):
        if report.reporter.is_active and not report.reporter.is_deleted:
            notification_send(user=report.reporter, text=text, url=url, sms=False)


def _room_take_down(room_id: int, now: dt.datetime) -> None:
    """End the room and take it off every viewer's screen (event `taken_down`)."""
    room = Room.objects.select_for_update().get(pk=room_id)
    if room.taken_down_at is None:
        room.taken_down_at = now
        room.save(update_fields=["taken_down_at"])
    if room.state != Room.State.ENDED:
        with site_language():
            message = _("该直播间因违规已被平台关闭")
        room_event_publish(room_id=room.pk, kind=EVENT_TAKEN_DOWN, data={"message": message})
        room_end(room=room, now=now)


def _organisation_suspend(case: Case, by: User, reason: str, now: dt.datetime) -> None:
    organisation = Organisation.objects.select_for_update().get(pk=case.organisation_id)
    if organisation.suspended_at is None:
        organisation.suspended_at = now
        organisation.suspension_reason = reason
        organisation.save(update_fields=["suspended_at", "suspension_reason"])
    listing = SuspensionListing.objects.create(
        organisation=organisation,
        case=case,
        name=organisation.name,
        uscc=organisation.uscc,
        hr_licence_number=organisation.hr_licence_number,
        reason=reason,
        listed_by=by,
        listed_at=now,
    )
    SuspendedDocument.objects.bulk_create(
        SuspendedDocument(listing=listing, kind=kind, sha256=sha256)
        for kind, sha256 in organisation.documents.values_list("kind", "sha256").distinct()
    )
    # Rooms on air or still to come end now; their viewers see them go.
    open_rooms = Room.objects.filter(organisation=organisation).exclude(state=Room.State.ENDED)
    for room_id in open_rooms.values_list("pk", flat=True):
        room = Room.objects.select_for_update().get(pk=room_id)
        if room.state in (Room.State.LIVE, Room.State.INTERRUPTED):
            with site_language():
                message = _("该单位因违规已被平台暂停，直播已关闭")
            room_event_publish(room_id=room.pk, kind=EVENT_TAKEN_DOWN, data={"message": message})
        room_end(room=room, now=now)


def case_decide(
    *, case: Case, by: User, action: str, reason: str, now: dt.datetime | None = None
) -> Case:
    """A moderator's decision on an open case. Deciding a decided case again with the same
    action is a no-op; with another action it is refused (409)."""
    _moderator_check(by)
    now = now or timezone.now()
    reason = (reason or "").strip()
    if action not in Action.values:
        raise Refused("action_invalid", _("请选择处理方式"), field="action")
    if not reason:
        raise Refused("reason_required", _("请写明处理理由"), field="reason")
    if len(reason) > REASON_MAX:
        raise Refused("reason_too_long", _("理由最多%(max)d个字") % {"max": REASON_MAX})
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if not locked.is_open:
            if locked.action == action:
                return locked
            raise Refused("case_decided", _("该举报已经处理过了"), status=409)
        if action == Action.TAKE_DOWN_JOB and locked.job_id is None:
            raise Refused("no_job", _("这条举报不是关于某个岗位的"), field="action")
        if action == Action.END_ROOM and locked.room_id is None:
            raise Refused("no_room", _("这条举报不是关于某个直播间的"), field="action")
        if action == Action.TAKE_DOWN_JOB:
            Job.objects.filter(pk=int(locked.job_id or 0), taken_down_at__isnull=True).update(
                taken_down_at=now
            )
        elif action == Action.END_ROOM:
            _room_take_down(int(locked.room_id or 0), now)
        elif action == Action.SUSPEND:
            _organisation_suspend(locked, by, reason, now)
        locked.status = Case.Status.DECIDED
        locked.action = action
        locked.decided_by = by
        locked.decided_at = now
        locked.reason = reason
        locked.save()
        Decision.objects.create(
            case=locked, step=Decision.Step.DECISION, outcome=action, by=by, reason=reason, at=now
        )
        with site_language():
            label = Action(action).label
            _tell_reporters(
                locked,
                _("您举报的“%(thing)s”已处理：%(action)s。")
                % {"thing": locked.label, "action": label},
            )
            if action != Action.DISMISS:
                _tell_organisation(
                    locked,
                    _(
                        "平台对“%(thing)s”作出处理：%(action)s。理由：%(reason)s（可在举报处理页申诉一次）"
                    )
                    % {"thing": locked.label, "action": label, "reason": reason},
                    everyone=action == Action.SUSPEND,
                )
    return locked


# --- appeals ---------------------------------------------------------------------------------


def appeal_submit(
    *,
    case: Case,
    by: User,
    text: str,
    evidence: File | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """The organisation appeals a decision, once. A second appeal is refused (409)."""
    if not membership_has(user=by, organisation_id=case.organisation_id, power=Power.CASES):
        raise Refused("not_found", _("没有找到"), status=404)
    now = now or timezone.now()
    text = (text or "").strip()
    if not text:
        raise Refused("text_required", _("请写明申诉理由"), field="text")
    if len(text) > REASON_MAX:
        raise Refused(
            "text_too_long", _("申诉理由最多%(max)d个字") % {"max": REASON_MAX}, field="text"
        )
    picture = _evidence_check(evidence) if evidence is not None else None
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.appealed_at is not None:
            raise Refused("appeal_once", _("每个处理只能申诉一次"), status=409)
        if not locked.appealable:
            raise Refused("not_appealable", _("这条举报没有可申诉的处理"), status=409)
        locked.appeal_text = text
        locked.appealed_by = by
        locked.appealed_at = now
        if picture is not None:
            locked.appeal_evidence_type = picture.content_type
            locked.appeal_evidence_sha256 = picture.sha256
            locked.appeal_evidence.save(
                _evidence_filename(locked, picture), ContentFile(picture.content), save=False
            )
        locked.save()
        Decision.objects.create(case=locked, step=Decision.Step.APPEAL, by=by, reason=text, at=now)
    return locked


def _evidence_check(file: File) -> CheckedUpload:
    """A JPG or PNG (re-encoded) or a PDF without scripts, as licences are checked."""
    try:
        return document_upload_check(file=file)
    except ValidationError as exc:
        raise Refused(exc.code or "evidence_invalid", exc.messages[0], field="evidence") from exc


def _evidence_filename(case: Case, checked: CheckedUpload) -> str:
    return f"{case.pk}-{checked.sha256[:16]}"


def _appeal_pending_check(case: Case) -> None:
    if case.appealed_at is None:
        raise Refused("no_appeal", _("请先提交申诉，再补充证据"), status=409)
    if case.appeal_outcome:
        raise Refused("appeal_decided", _("申诉已经处理完毕，不能再补充证据"), status=409)


def appeal_evidence_attach(*, case: Case, by: User, evidence: File) -> tuple[Case, bool]:
    """The organisation (owner/HR) adds evidence to its appeal, after appealing and until a
    second moderator decides it: a JPG or PNG (re-encoded) or a PDF without scripts, checked as
    on the page; (case, changed).

    The same file again (same sha256 once checked) changes nothing; a different one replaces
    the first, whose file is deleted once the change commits. Anyone without `cases` in the
    organisation is refused 404; no appeal yet, or one already decided, 409; a file that is not
    acceptable 400, and the appeal keeps the evidence it had."""
    if not membership_has(user=by, organisation_id=case.organisation_id, power=Power.CASES):
        raise Refused("not_found", _("没有找到"), status=404)
    # Refuse the wrong moment before reading the file (the check decodes or parses it).
    _appeal_pending_check(case)
    checked = _evidence_check(evidence)
    if case.appeal_evidence_sha256 == checked.sha256 and case.appeal_evidence:
        return case, False
    field_file = case.appeal_evidence
    name = field_file.field.generate_filename(case, _evidence_filename(case, checked))
    with _file_staged(storage=field_file.storage, name=name, content=checked.content) as staged:
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case.pk)
            _appeal_pending_check(locked)
            if locked.appeal_evidence_sha256 == checked.sha256 and locked.appeal_evidence:
                return locked, False
            _file_drop_on_commit(locked.appeal_evidence.storage, locked.appeal_evidence.name or "")
            locked.appeal_evidence.name = staged.name
            locked.appeal_evidence_type = checked.content_type
            locked.appeal_evidence_sha256 = checked.sha256
            locked.save(
                update_fields=["appeal_evidence", "appeal_evidence_type", "appeal_evidence_sha256"]
            )
        staged.kept = True
    return locked, True


def _takedown_undo(case: Case, now: dt.datetime) -> None:
    if case.action == Action.TAKE_DOWN_JOB:
        Job.objects.filter(pk=int(case.job_id or 0)).update(taken_down_at=None)
    elif case.action == Action.END_ROOM:
        Room.objects.filter(pk=int(case.room_id or 0)).update(taken_down_at=None)
    elif case.action == Action.SUSPEND:
        SuspensionListing.objects.filter(case=case, lifted_at__isnull=True).update(lifted_at=now)
        # Another suspension of the same organisation, still standing, keeps it suspended.
        if not SuspensionListing.objects.filter(
            organisation_id=case.organisation_id, lifted_at__isnull=True
        ).exists():
            Organisation.objects.filter(pk=case.organisation_id).update(
                suspended_at=None, suspension_reason=""
            )


def appeal_decide(
    *, case: Case, by: User, upheld: bool, reason: str, now: dt.datetime | None = None
) -> Case:
    """A second moderator decides the appeal: upheld undoes the takedown (the organisation,
    job or room is public again), rejected keeps it. Deciding it again is a no-op when the
    outcome is the same, refused otherwise."""
    _moderator_check(by)
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise Refused("reason_required", _("请写明处理理由"), field="reason")
    outcome = Case.AppealOutcome.UPHELD if upheld else Case.AppealOutcome.REJECTED
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.appealed_at is None:
            raise Refused("no_appeal", _("该单位没有申诉"), status=409)
        if locked.appeal_outcome:
            if locked.appeal_outcome == outcome:
                return locked
            raise Refused("appeal_decided", _("申诉已经处理过了"), status=409)
        if locked.decided_by_id == by.pk:
            raise Refused(
                "second_moderator_required",
                _("申诉须由另一位审核员处理（不能由原处理人处理）"),
                status=403,
            )
        if upheld and locked.action in TAKEDOWNS:
            _takedown_undo(locked, now)
        locked.appeal_outcome = outcome
        locked.appeal_decided_by = by
        locked.appeal_decided_at = now
        locked.appeal_reason = reason
        locked.save()
        Decision.objects.create(
            case=locked,
            step=Decision.Step.APPEAL_DECISION,
            outcome=outcome,
            by=by,
            reason=reason,
            at=now,
        )
        with site_language():
            _tell_organisation(
                locked,
                _("您对“%(thing)s”的申诉：%(outcome)s。理由：%(reason)s")
                % {"thing": locked.label, "outcome": outcome.label, "reason": reason},
                everyone=locked.action == Action.SUSPEND,
            )
    return locked


# --- hooks from lower apps (registered in SafetyConfig.ready) -------------------------------


def checkin_answered(checkin: CheckIn) -> None:
    """A day-7/30 check-in that says "not as described" counts as a report against the
    organisation, by the seeker who answered."""
    answers = (checkin.wage_answer, checkin.board_answer, checkin.work_answer)
    if CheckIn.Answer.NO not in answers:
        return
    organisation = Organisation.objects.get(pk=checkin.organisation_id)
    comments = "\n".join(
        comment
        for comment in (checkin.wage_comment, checkin.board_comment, checkin.work_comment)
        if comment
    )
    with site_language():
        summary = _("入职第%(day)d天回访：工资%(wage)s，吃住%(board)s，工作内容%(work)s") % {
            "day": checkin.day,
            "wage": checkin.get_wage_answer_display(),
            "board": checkin.get_board_answer_display(),
            "work": checkin.get_work_answer_display(),
        }
    target = Target(
        kind=Kind.ORGANISATION,
        target_id=organisation.pk,
        organisation=organisation,
        label=organisation.name,
        text=f"{summary}\n{comments}".strip(),
        version=f"checkin-{checkin.pk}",
        url=reverse("jobs:organisation", args=[organisation.pk]),
    )
    report_create(
        reporter=checkin.seeker,
        target=target,
        category=Category.DIFFERS,
        text=comments[:TEXT_MAX],
        source=Report.Source.CHECKIN,
        idempotency_key=f"checkin-{checkin.pk}",
    )


def reports_export(user: User) -> dict[str, Any]:
    """The seeker's reports for their data export (daigang.privacy)."""
    rows = Report.objects.filter(reporter=user).select_related("case").order_by("id")
    return {
        "reports": [
            {
                "about": row.case.label,
                "kind": row.case.kind,
                "category": str(row.get_category_display()),
                "text": row.text,
                "at": row.created_at.isoformat(),
                "outcome": str(row.case.get_action_display())
                if row.case.action
                else str(_("待处理")),
            }
            for row in rows
        ]
    }


def reporter_deleted(user: User) -> None:
    """A seeker deleted their account (daigang.privacy): their reports stay as part of the
    cases (the count and the snapshot), without their own words or screenshots."""
    for report in Report.objects.filter(reporter=user).exclude(screenshot=""):
        report.screenshot.delete(save=False)
    Report.objects.filter(reporter=user).update(
        text="", screenshot="", screenshot_type="", screenshot_sha256="", idempotency_key=""
    )


def review_flags(organisation: Organisation) -> list[str]:
    """Sentences for the review page when the organisation's USCC or HR licence number is on
    the suspended list (a suspended organisation registering again, or changing its USCC to
    a listed one), or it uploaded a licence file a listed organisation had uploaded."""
    listed = SuspensionListing.objects.filter(lifted_at__isnull=True)
    flags = []
    for listing in listed.filter(uscc=organisation.uscc):
        flags.append(
            _("统一社会信用代码 %(uscc)s 在暂停名单上（%(name)s，%(at)s）：%(reason)s")
            % {
                "uscc": listing.uscc,
                "name": listing.name,
                "at": timezone.localtime(listing.listed_at).strftime("%Y-%m-%d"),
                "reason": listing.reason,
            }
        )
    if organisation.hr_licence_number:
        for listing in listed.filter(hr_licence_number=organisation.hr_licence_number):
            flags.append(
                _("人力资源服务许可证 %(number)s 在暂停名单上（%(name)s）：%(reason)s")
                % {
                    "number": listing.hr_licence_number,
                    "name": listing.name,
                    "reason": listing.reason,
                }
            )
    fingerprints = organisation.documents.values_list("sha256", flat=True)
    same_files = (
        SuspendedDocument.objects.filter(listing__lifted_at__isnull=True, sha256__in=fingerprints)
        .exclude(listing__organisation=organisation)
        .select_related("listing")
    )
    for listing in {document.listing for document in same_files}:
        flags.append(
            _("上传的证件与暂停名单上的单位（%(name)s，%(uscc)s）上传过的文件完全相同：%(reason)s")
            % {"name": listing.name, "uscc": listing.uscc, "reason": listing.reason}
        )
    return flags
