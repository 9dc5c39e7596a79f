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

from daigang.accounts.models import Organisation, User
from daigang.accounts.roles import Power
from daigang.accounts.selectors import membership_has
from daigang.core.refused import Refused
from daigang.core.video import video_upload_check
from daigang.courses.fingerprint import certificate_fingerprint
from daigang.courses.models import (
    Certificate,
    CertificateAttachment,
    Course,
    Enrolment,
    Lesson,
    LessonProgress,
)
from daigang.courses.pdf import certificate_pdf_render
from daigang.hiring.models import Application
from daigang.rules.refusals import fields_errors
from daigang.rules.terms import PUBLIC_RULES

TITLE_MAX = 80
DESCRIPTION_MAX = 4000
BODY_MAX = 20000
KIND_MAX = 30
LESSONS_MAX = 100
# A video lesson is done when the player reports `ended`, or has been seen this far.
COMPLETE_SHARE = 0.95


def _power_check(*, user: User, bureau: Organisation) -> None:
    if bureau.kind != Organisation.Kind.BUREAU or not membership_has(
        user=user, organisation_id=bureau.pk, power=Power.COURSES_WRITE
    ):
        raise Refused("not_found", _("没有找到"), status=404)


def _text_errors(fields: dict[str, tuple[str, str]]) -> dict[str, list[ValidationError]]:
    # Fees, deposits and loans are refused with the law named (a course is always free), and
    # what a job card may not say either.
    return fields_errors(fields=fields, rules=PUBLIC_RULES)


def course_save(
    *,
    bureau: Organisation,
    by: User,
    course: Course | None,
    title: str,
    category: str,
    kind_of_work: str,
    description: str,
) -> Course:
    """Create or edit a bureau's course. Its texts pass the content rules or nothing is saved."""
    _power_check(user=by, bureau=bureau)
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
        course = Course(bureau=bureau, created_by=by)
    elif course.bureau_id != bureau.pk:
        raise Refused("not_found", _("没有找到"), status=404)
    course.title, course.category = title, category
    course.kind_of_work, course.description = kind_of_work, description
    course.save()
    return course


def lesson_save(
    *,
    course: Course,
    by: User,
    lesson: Lesson | None,
    title: str,
    kind: str,
    body: str,
    video: File | None = None,
) -> Lesson:
    """Create or edit a lesson. A video is checked by content now and transcoded later
    (`manage.py transcode_lessons`): the lesson shows 处理中 until then."""
    _power_check(user=by, bureau=course.bureau)
    title, body = title.strip(), body.strip()
    errors: dict[str, list[ValidationError]] = {}
    if not title:
        errors["title"] = [ValidationError(_("请填写课时名称"))]
    elif len(title) > TITLE_MAX:
        errors["title"] = [ValidationError(_("课时名称最多80个字"))]
    if kind not in (Lesson.Kind.VIDEO, Lesson.Kind.TEXT):
        errors["kind"] = [ValidationError(_("请选择课时类型"))]
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
        if video is not None:
            old = [f for f in (lesson.original, lesson.video, lesson.poster) if f]
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
            for stored in old:
                transaction.on_commit(functools.partial(stored.storage.delete, stored.name))
        lesson.save()
    return lesson


def lessons_reorder(*, course: Course, by: User, lesson_ids: list[int]) -> None:
    """Put the course's lessons in the order given; ids not of this course are ignored and
    lessons left out keep their place after those given."""
    _power_check(user=by, bureau=course.bureau)
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
    """Publish a course: the bureau verified, at least one lesson, every video ready.
    Publishing again changes nothing."""
    _power_check(user=by, bureau=course.bureau)
    if course.is_public():
        return course
    if not course.bureau.is_verified():
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
    if not lesson.is_watchable():
        raise Refused("not_ready", _("这个课时还不能观看"), status=409)
    position_ms = max(0, int(position_s * 1000))
    if lesson.duration_ms:
        position_ms = min(position_ms, lesson.duration_ms)
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
            ended
            or (lesson.duration_ms and progress.furthest_ms >= COMPLETE_SHARE * lesson.duration_ms)
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
