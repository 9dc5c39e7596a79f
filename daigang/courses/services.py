"""Courses' writes: a bureau's courses and lessons, a seeker's enrolment, progress and
certificate. Every write a client may retry (enrol, a progress beacon, attaching a
certificate) is idempotent: a repeat changes nothing."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.accounts.models import Membership, Organisation, User
from daigang.accounts.roles import Power, roles_with
from daigang.accounts.selectors import membership_has
from daigang.core.refused import Refused
from daigang.core.video import video_upload_check
from daigang.courses.fingerprint import certificate_fingerprint
from daigang.courses.models import (
    Certificate,
    CertificateAttachment,
    Course,
    CourseProvider,
    CourseProviderChange,
    Enrolment,
    Lesson,
    LessonProgress,
)
from daigang.courses.pdf import certificate_pdf_render
from daigang.courses.selectors import lesson_live
from daigang.hiring.models import Application
from daigang.hiring.notifications import notification_send
from daigang.live.models import Room
from daigang.rules.refusals import fields_errors
from daigang.rules.terms import PUBLIC_RULES

TITLE_MAX = 80
DESCRIPTION_MAX = 4000
BODY_MAX = 20000
KIND_MAX = 30
LESSONS_MAX = 100
# A video lesson is done when the player reports `ended`, or has been seen this far.
COMPLETE_SHARE = 0.95


def _not_found() -> Refused:
    return Refused("not_found", _("没有找到"), status=404)


def _may_write(*, user: User, organisation_id: int) -> bool:
    return membership_has(user=user, organisation_id=organisation_id, power=Power.COURSES_WRITE)


def providers_approved(*, organisation: Organisation) -> list[CourseProvider]:
    """The bureaus' approvals under which a training organisation may publish now."""
    return list(
        CourseProvider.objects.filter(
            organisation=organisation,
            state=CourseProvider.State.APPROVED,
            bureau__kind=Organisation.Kind.BUREAU,
        )
        .select_related("bureau", "organisation")
        .order_by("pk")
    )


def _publisher_check(*, user: User, publisher: Organisation) -> list[CourseProvider]:
    """A bureau's course writers, or those of a training organisation some bureau approved
    (its approvals returned); anyone else is told nothing exists."""
    if publisher.kind == Organisation.Kind.BUREAU:
        if _may_write(user=user, organisation_id=publisher.pk):
            return []
    elif publisher.kind == Organisation.Kind.TRAINING:
        if _may_write(user=user, organisation_id=publisher.pk):
            providers = providers_approved(organisation=publisher)
            if providers:
                return providers
            raise Refused(
                "not_approved",
                _("本机构尚未获得人社局批准（或已被撤销），不能发布课程"),
                status=409,
            )
    raise _not_found()


def _course_check(*, user: User, course: Course) -> None:
    """May `user` write `course`: its bureau's writers for a bureau's own course; for a
    training organisation's, that organisation's writers while the bureau's approval lasts."""
    if course.provider_id is None:
        _publisher_check(user=user, publisher=course.bureau)
        return
    provider = course.provider
    assert provider is not None
    if not _may_write(user=user, organisation_id=provider.organisation_id):
        raise _not_found()
    if not provider.is_approved:
        raise Refused(
            "not_approved", _("本机构尚未获得人社局批准（或已被撤销），不能发布课程"), status=409
        )


def _text_errors(fields: dict[str, tuple[str, str]]) -> dict[str, list[ValidationError]]:
    # Fees, deposits and loans are refused with the law named (a course is always free), and
    # what a job card may not say either.
    return fields_errors(fields=fields, rules=PUBLIC_RULES)


def course_save(
    *,
    publisher: Organisation,
    by: User,
    course: Course | None,
    title: str,
    category: str,
    kind_of_work: str,
    description: str,
    provider: CourseProvider | None = None,
) -> Course:
    """Create or edit a course of `publisher`: a bureau, or a training organisation a bureau
    approved (`provider`: which approval a new course is published under; the only one when
    it has one). Its texts pass the content rules or nothing is saved."""
    approvals = _publisher_check(user=by, publisher=publisher)
    if course is not None:
        if _publisher_of(course) != publisher.pk:
            raise _not_found()
        _course_check(user=by, course=course)
    title, kind_of_work, description = title.strip(), kind_of_work.strip(), description.strip()
    errors: dict[str, list[ValidationError]] = {}
    if not title:
        errors["title"] = [ValidationError(_("请填写课程名称"))]
    elif len(title) > TITLE_MAX:
        errors["title"] = [ValidationError(_("课程名称最多80个字"))]
    if category not in Course.Category.values:
        errors["category"] = [ValidationError(_("请选择课程类别"))]
    if len(kind_of_work) > KIND_MAX:
        errors["kind_of_work"] = [ValidationError(_("工种最多30个字"))]
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = [ValidationError(_("课程简介最多4000个字"))]
    for name, messages in _text_errors(
        {
            "title": (_("课程名称"), title),
            "kind_of_work": (_("工种"), kind_of_work),
            "description": (_("课程简介"), description),
        }
    ).items():
        errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    if course is None:
        if publisher.kind == Organisation.Kind.BUREAU:
            course = Course(bureau=publisher, created_by=by)
        else:
            chosen = next((p for p in approvals if provider is None or p.pk == provider.pk), None)
            if chosen is None or (provider is None and len(approvals) > 1):
                raise ValidationError({"provider": [ValidationError(_("请选择审核的人社局"))]})
            course = Course(bureau=chosen.bureau, provider=chosen, created_by=by)
    course.title, course.category = title, category
    course.kind_of_work, course.description = kind_of_work, description
    course.save()
    return course


def _publisher_of(course: Course) -> int:
    """The id of the organisation whose members write `course`."""
    if course.provider_id is not None:
        assert course.provider is not None
        return course.provider.organisation_id
    return course.bureau_id


def lesson_save(
    *,
    course: Course,
    by: User,
    lesson: Lesson | None,
    title: str,
    kind: str,
    body: str,
    video: File | None = None,
    room: Room | None = None,
) -> Lesson:
    """Create or edit a lesson. A video is checked by content now and transcoded later
    (`manage.py transcode_lessons`): the lesson shows 处理中 until then. A live lesson is one
    of the publisher's rooms: its page links to the room until it ends, then plays its replay."""
    _course_check(user=by, course=course)
    title, body = title.strip(), body.strip()
    errors: dict[str, list[ValidationError]] = {}
    if not title:
        errors["title"] = [ValidationError(_("请填写课时名称"))]
    elif len(title) > TITLE_MAX:
        errors["title"] = [ValidationError(_("课时名称最多80个字"))]
    if kind not in Lesson.Kind.values:
        errors["kind"] = [ValidationError(_("请选择课时类型"))]
    if kind == Lesson.Kind.LIVE and (
        room is None or room.organisation_id != _publisher_of(course) or room.taken_down_at
    ):
        errors["room"] = [ValidationError(_("直播课时请选择本机构的一个直播间"))]
    if len(body) > BODY_MAX:
        errors["body"] = [ValidationError(_("正文最多20000个字"))]
    if kind == Lesson.Kind.TEXT and not body:
        errors["body"] = [ValidationError(_("图文课时请填写正文"))]
    has_video = lesson is not None and lesson.video_state != Lesson.VideoState.NONE
    if kind == Lesson.Kind.VIDEO and video is None and not has_video:
        errors["video"] = [ValidationError(_("视频课时请上传视频"))]
    for name, messages in _text_errors(
        {"title": (_("课时名称"), title), "body": (_("正文"), body)}
    ).items():
        errors.setdefault(name, []).extend(messages)
    if video is not None and "video" not in errors:
        try:
            video_upload_check(file=video)
        except ValidationError as exc:
            errors["video"] = [exc]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if lesson is None:
            if course.lessons.count() >= LESSONS_MAX:
                raise ValidationError({"title": [_("一门课程最多100个课时")]})
            last = course.lessons.aggregate(last=Max("order"))["last"]
            lesson = Lesson(course=course, order=(last or 0) + 1)
        elif lesson.course_id != course.pk:
            raise Refused("not_found", _("没有找到"), status=404)
        lesson.title, lesson.kind, lesson.body = title, kind, body
        lesson.room = room if kind == Lesson.Kind.LIVE else None
        if video is not None:
            # Names, not the files: saving the new original renames `lesson.original` itself.
            old = [f.name for f in (lesson.original, lesson.video, lesson.poster) if f]
            digest = hashlib.sha256()
            video.seek(0)
            for chunk in iter(lambda: video.read(1024 * 1024), b""):
                digest.update(chunk)
            video.seek(0)
            lesson.video_sha = digest.hexdigest()[:16]
            lesson.original.save(f"original-{lesson.video_sha}", video, save=False)
            lesson.video, lesson.poster = "", ""  # type: ignore[assignment]
            lesson.video_state, lesson.video_error = Lesson.VideoState.PROCESSING, ""
            lesson.duration_ms = 0
            for name in old:
                transaction.on_commit(functools.partial(lesson.original.storage.delete, name))
        lesson.save()
    return lesson


def lessons_reorder(*, course: Course, by: User, lesson_ids: list[int]) -> None:
    """Put the course's lessons in the order given; ids not of this course are ignored and
    lessons left out keep their place after those given."""
    _course_check(user=by, course=course)
    with transaction.atomic():
        lessons = {lesson.pk: lesson for lesson in course.lessons.select_for_update()}
        ordered = [lessons.pop(pk) for pk in dict.fromkeys(lesson_ids) if pk in lessons]
        ordered += sorted(lessons.values(), key=lambda lesson: (lesson.order, lesson.pk))
        for position, lesson in enumerate(ordered, start=1):
            if lesson.order != position:
                lesson.order = position
                lesson.save(update_fields=["order"])


def lesson_move(*, lesson: Lesson, by: User, up: bool) -> None:
    """Move a lesson one place up or down (the ordering buttons that work without JS)."""
    ids = list(lesson.course.lessons.values_list("pk", flat=True))
    index = ids.index(lesson.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
    lessons_reorder(course=lesson.course, by=by, lesson_ids=ids)


def course_publish(*, course: Course, by: User, now: dt.datetime | None = None) -> Course:
    """Publish a course: the bureau verified (and a training organisation's verified and
    still approved), at least one lesson, every video ready. Publishing again changes
    nothing."""
    _course_check(user=by, course=course)
    if course.is_public():
        return course
    if not course.bureau.is_verified() or (
        course.provider is not None and not course.provider.organisation.is_verified()
    ):
        raise Refused(
            "not_verified", _("机构尚未通过认证（或认证已过期），不能发布课程"), status=409
        )
    lessons = list(course.lessons.all())
    if not lessons:
        raise Refused("no_lessons", _("请至少添加一个课时再发布"), status=409)
    if any(lesson.kind == Lesson.Kind.VIDEO and not lesson.is_watchable() for lesson in lessons):
        raise Refused(
            "videos_not_ready", _("还有视频在处理中或处理失败，处理完成后再发布"), status=409
        )
    Course.objects.filter(pk=course.pk, status=Course.Status.DRAFT).update(
        status=Course.Status.PUBLISHED, published_at=now or timezone.now()
    )
    course.refresh_from_db()
    return course


def course_enrol(*, course: Course, user: User, now: dt.datetime | None = None) -> Enrolment:
    """One tap: the seeker's enrolment in a published course; enrolling again returns the
    first one."""
    if not course.is_public():
        raise Refused("not_found", _("没有找到"), status=404)
    existing = Enrolment.objects.filter(course=course, user=user).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Enrolment.objects.create(
                course=course, user=user, enrolled_at=now or timezone.now()
            )
    except IntegrityError:  # two taps at once: the other one won
        return Enrolment.objects.get(course=course, user=user)


@dataclass(frozen=True)
class ProgressResult:
    progress: LessonProgress
    lesson_completed: bool
    course_completed: bool
    certificate: Certificate | None


def lesson_progress_record(
    *,
    lesson: Lesson,
    user: User,
    position_s: float,
    ended: bool = False,
    now: dt.datetime | None = None,
) -> ProgressResult:
    """The player's beacon (every ~10 s, on pause, on ended) or a text lesson read to its end
    (`ended`). Position is where to resume on any device; the furthest point only grows; the
    lesson completes when the player reports `ended` or has seen COMPLETE_SHARE of it; the last
    lesson completed issues the certificate. A repeated beacon changes nothing more."""
    now = now or timezone.now()
    enrolment = Enrolment.objects.filter(course_id=lesson.course_id, user=user).first()
    if enrolment is None:
        raise Refused("not_enrolled", _("请先报名学习这门课程"), status=409)
    length_ms = lesson.duration_ms
    if lesson.kind == Lesson.Kind.LIVE:
        # Its replay, under the same rule as a video: a replay hidden, deleted or failed
        # cannot be watched, so the lesson cannot be completed.
        live = lesson_live(lesson=lesson)
        if live.replay is None:
            raise Refused("not_ready", _("这个课时还不能观看"), status=409)
        length_ms = live.length_ms
    elif not lesson.is_watchable():
        raise Refused("not_ready", _("这个课时还不能观看"), status=409)
    position_ms = max(0, int(position_s * 1000))
    if length_ms:
        position_ms = min(position_ms, length_ms)
    with transaction.atomic():
        LessonProgress.objects.get_or_create(enrolment=enrolment, lesson=lesson)
        progress = LessonProgress.objects.select_for_update().get(
            enrolment=enrolment, lesson=lesson
        )
        progress.position_ms = position_ms
        progress.furthest_ms = max(progress.furthest_ms, position_ms)
        progress.updated_at = now
        newly = False
        if progress.completed_at is None and (
            ended or (length_ms and progress.furthest_ms >= COMPLETE_SHARE * length_ms)
        ):
            progress.completed_at = now
            newly = True
        progress.save()
        certificate = None
        course_completed = False
        if newly:
            course_completed, certificate = _enrolment_complete_check(enrolment=enrolment, now=now)
    return ProgressResult(
        progress=progress,
        lesson_completed=progress.completed_at is not None,
        course_completed=course_completed,
        certificate=certificate,
    )


def _enrolment_complete_check(
    *, enrolment: Enrolment, now: dt.datetime
) -> tuple[bool, Certificate | None]:
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    lessons = set(Lesson.objects.filter(course_id=enrolment.course_id).values_list("pk", flat=True))
    done = set(
        enrolment.progress.filter(completed_at__isnull=False).values_list("lesson_id", flat=True)
    )
    if not lessons or not lessons <= done:
        return False, None
    if enrolment.completed_at is None:
        enrolment.completed_at = now
        enrolment.save(update_fields=["completed_at"])
    return True, certificate_issue(enrolment=enrolment, now=now)


def _certificate_number(now: dt.datetime) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    tail = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"DG{timezone.localtime(now):%Y%m%d}-{tail}"


def certificate_issue(*, enrolment: Enrolment, now: dt.datetime | None = None) -> Certificate:
    """The enrolment's certificate, made once: its facts copied, its fingerprint taken, its PDF
    rendered and hashed. Asking again returns the same certificate."""
    existing = Certificate.objects.filter(enrolment=enrolment).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    course = enrolment.course
    bureau = course.bureau
    user = enrolment.user
    certificate = Certificate(
        enrolment=enrolment,
        number=_certificate_number(now),
        holder_name=user.name or _("学员"),
        holder_phone=user.phone,
        course_title=course.title,
        kind_of_work=course.kind_of_work,
        bureau_name=bureau.name,
        bureau_uscc=bureau.uscc or "",
        provider_name=course.provider.organisation.name if course.provider else "",
        provider_uscc=(course.provider.organisation.uscc or "") if course.provider else "",
        lessons=course.lessons.count(),
        issued_at=now,
    )
    certificate.content_sha256 = certificate_fingerprint(certificate=certificate)
    pdf = certificate_pdf_render(certificate=certificate)
    certificate.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    certificate.pdf.save(f"{certificate.number}.pdf", ContentFile(pdf), save=False)
    certificate.save()
    return certificate


def certificate_attach(
    *, certificate: Certificate, application: Application, seeker: User
) -> CertificateAttachment:
    """The seeker attaches their certificate to one of their applications (consent given by
    the tap); the organisation sees it while consent lasts. Attaching again changes nothing."""
    if certificate.enrolment.user_id != seeker.pk or application.seeker_id != seeker.pk:
        raise Refused("not_found", _("没有找到"), status=404)
    if application.consent_withdrawn_at is not None:
        raise Refused("consent_withdrawn", _("您已撤回对该单位的同意"), status=409)
    attachment, _created = CertificateAttachment.objects.get_or_create(
        certificate=certificate, application=application
    )
    return attachment


def seeker_courses_delete(*, user: User) -> int:
    """A deleted account's enrolments, progress, certificates (their PDFs, which carry the
    name and phone) and attachments; the course numbers lose them too. How many enrolments."""
    pdfs = [
        (certificate.pdf.storage, certificate.pdf.name)
        for certificate in Certificate.objects.filter(enrolment__user=user)
        if certificate.pdf
    ]
    count, _deleted = Enrolment.objects.filter(user=user).delete()
    for storage, name in pdfs:
        transaction.on_commit(functools.partial(storage.delete, name))
    return count


# --- training organisations (培训机构) a bureau approves to publish courses ------------------


def _members_with(*, organisation_id: int, power: Power) -> list[User]:
    return [
        membership.user
        for membership in Membership.objects.filter(
            organisation_id=organisation_id, role__in=roles_with(power), user__is_active=True
        ).select_related("user")
    ]


def _provider_notify(*, provider: CourseProvider, to_bureau: bool, text: str) -> None:
    """Tell the other side: the bureau's course writers of a request, the training
    organisation's managers of a decision (a Notification now, the SMS on commit)."""
    from django.urls import reverse

    if to_bureau:
        users = _members_with(organisation_id=provider.bureau_id, power=Power.COURSES_WRITE)
        url = reverse("courses:providers", args=[provider.bureau_id])
    else:
        users = _members_with(
            organisation_id=provider.organisation_id, power=Power.ORGANISATION_MANAGE
        )
        url = reverse("courses:training", args=[provider.organisation_id])
    for user in users:
        notification_send(user=user, text=text, url=url)


def provider_request(
    *,
    organisation: Organisation,
    bureau: Organisation,
    by: User,
    note: str = "",
    now: dt.datetime | None = None,
) -> CourseProvider:
    """A verified training organisation asks `bureau` to let it publish free courses. Asking
    again while asked or approved changes nothing; after a refusal or a revocation it asks
    anew. One transaction: lock the row, write the step, tell the bureau on commit."""
    if organisation.kind != Organisation.Kind.TRAINING or not membership_has(
        user=by, organisation_id=organisation.pk, power=Power.ORGANISATION_MANAGE
    ):
        raise _not_found()
    if bureau.kind != Organisation.Kind.BUREAU or not bureau.is_verified(now):
        raise Refused("not_found", _("没有找到这个人社局"), status=404)
    if not organisation.is_verified(now):
        raise Refused(
            "not_verified", _("机构尚未通过认证（或认证已过期），不能申请开课"), status=409
        )
    note = note.strip()
    if len(note) > DESCRIPTION_MAX:
        raise ValidationError({"note": [ValidationError(_("申请说明最多4000个字"))]})
    errors = _text_errors({"note": (_("申请说明"), note)})
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    with transaction.atomic():
        # A first request makes the row as if revoked, so that it takes the same step below
        # as a request after a refusal or a revocation (all in this transaction).
        CourseProvider.objects.get_or_create(
            bureau=bureau,
            organisation=organisation,
            defaults={"state": CourseProvider.State.REVOKED, "requested_at": now},
        )
        provider = (
            CourseProvider.objects.select_for_update(of=("self",))
            .select_related("bureau", "organisation")
            .get(bureau=bureau, organisation=organisation)
        )
        if provider.state in (CourseProvider.State.REQUESTED, CourseProvider.State.APPROVED):
            return provider
        provider.state = CourseProvider.State.REQUESTED
        provider.note, provider.reason, provider.requested_at = note, "", now
        provider.decided_at, provider.decided_by = None, None
        provider.save()
        CourseProviderChange.objects.create(
            provider=provider, to_state=provider.state, by=by, at=now, reason=note
        )
        _provider_notify(
            provider=provider,
            to_bureau=True,
            text=_("%(name)s 申请在本局发布免费培训课程，请审核") % {"name": organisation.name},
        )
    return provider


class ProviderDecision:
    APPROVE = "approve"
    REFUSE = "refuse"
    REVOKE = "revoke"


# decision -> (the state it leads to, the states it may start from)
_DECISIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    ProviderDecision.APPROVE: (CourseProvider.State.APPROVED, (CourseProvider.State.REQUESTED,)),
    ProviderDecision.REFUSE: (CourseProvider.State.REFUSED, (CourseProvider.State.REQUESTED,)),
    ProviderDecision.REVOKE: (CourseProvider.State.REVOKED, (CourseProvider.State.APPROVED,)),
}


def provider_decide(
    *,
    provider: CourseProvider,
    by: User,
    decision: str,
    reason: str = "",
    now: dt.datetime | None = None,
) -> CourseProvider:
    """The bureau's course writers approve a request, refuse it (with a reason) or revoke an
    approval (with a reason). Deciding what is already decided so changes nothing. Revoking
    unpublishes the organisation's published courses under this bureau: their enrolments,
    progress and certificates stay (certificates remain verifiable). One transaction: lock
    the row, write the step, tell the organisation on commit."""
    if not _may_write(user=by, organisation_id=provider.bureau_id):
        raise _not_found()
    if decision not in _DECISIONS:
        raise Refused("bad_decision", _("请选择批准、不批准或撤销"), status=400)
    to_state, starts = _DECISIONS[decision]
    reason = reason.strip()
    if decision != ProviderDecision.APPROVE and not reason:
        raise ValidationError({"reason": [ValidationError(_("请填写原因"))]})
    if len(reason) > 500:
        raise ValidationError({"reason": [ValidationError(_("原因最多500个字"))]})
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            CourseProvider.objects.select_for_update(of=("self",))
            .select_related("bureau", "organisation")
            .get(pk=provider.pk)
        )
        if locked.state == to_state:
            return locked
        if locked.state not in starts:
            raise Refused("wrong_state", _("申请的状态已变化，请刷新页面"), status=409)
        locked.state, locked.decided_at, locked.decided_by = to_state, now, by
        locked.reason = "" if decision == ProviderDecision.APPROVE else reason
        locked.save()
        CourseProviderChange.objects.create(
            provider=locked, to_state=to_state, by=by, at=now, reason=locked.reason
        )
        names = {"bureau": locked.bureau.name, "reason": reason}
        if decision == ProviderDecision.APPROVE:
            text = _("%(bureau)s 已批准贵机构发布免费培训课程") % names
        elif decision == ProviderDecision.REFUSE:
            text = _("%(bureau)s 未批准贵机构的开课申请：%(reason)s") % names
        else:
            Course.objects.filter(provider=locked, status=Course.Status.PUBLISHED).update(
                status=Course.Status.DRAFT
            )
            text = _("%(bureau)s 已撤销贵机构的开课资格，已发布的课程已下架：%(reason)s") % names
        _provider_notify(provider=locked, to_bureau=False, text=text)
    return locked
