"""Seekers' course pages: the catalogue, a course, the lesson player and its progress beacon,
我的课程, certificates (PDF, attach to an application) and the public verification page."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from daigang.accounts.http import AuthenticatedRequest
from daigang.accounts.roles import Power
from daigang.accounts.selectors import membership_has
from daigang.core.ids import id_or_none
from daigang.core.ranges import file_stream_answer
from daigang.core.refused import Refused
from daigang.courses import selectors, services
from daigang.courses.forms import AttachForm, ProgressForm, VerifyForm
from daigang.courses.models import Certificate, Course, Lesson
from daigang.hiring.models import Application


@require_GET
def courses_list(request: HttpRequest) -> HttpResponse:
    """/courses/ — free courses, by category (公共课 / 专业课)."""
    category = request.GET.get("category", "")
    courses = list(selectors.courses_public(category=category)[:200])
    return render(
        request,
        "courses/list.html",
        {
            "courses": courses,
            "category": category if category in Course.Category.values else "",
            "categories": Course.Category.choices,
        },
    )


@require_GET
def course_page(request: HttpRequest, course_id: int) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None
    course = selectors.course_public_get(course_id=course_id, user=user)  # type: ignore[arg-type]
    enrolment = selectors.enrolment_of(course=course, user=user)  # type: ignore[arg-type]
    rows = selectors.course_lessons_progress(course=course, enrolment=enrolment)
    done = sum(1 for row in rows if row.done)
    next_row = next((row for row in rows if not row.done), rows[0] if rows else None)
    certificate = Certificate.objects.filter(enrolment=enrolment).first() if enrolment else None
    return render(
        request,
        "courses/course.html",
        {
            "course": course,
            "enrolment": enrolment,
            "rows": rows,
            "done": done,
            "percent": done * 100 // len(rows) if rows else 0,
            "next_row": next_row,
            "certificate": certificate,
        },
    )


@login_required
@require_POST
def course_enrol(request: AuthenticatedRequest, course_id: int) -> HttpResponse:
    """One tap: enrolled (again: nothing changes), then on to the first lesson not done."""
    course = selectors.course_public_get(course_id=course_id, user=request.user)
    try:
        enrolment = services.course_enrol(course=course, user=request.user)
    except Refused as exc:
        raise Http404 from exc
    rows = selectors.course_lessons_progress(course=course, enrolment=enrolment)
    row = next((row for row in rows if not row.done), None)
    if row is None:
        return redirect("courses:course", course_id=course.pk)
    return redirect("courses:lesson", course_id=course.pk, lesson_id=row.lesson.pk)


@login_required
@require_GET
def lesson_page(request: AuthenticatedRequest, course_id: int, lesson_id: int) -> HttpResponse:
    """The player (phone first): resumes where the seeker stopped, on any device."""
    course = selectors.course_public_get(course_id=course_id, user=request.user)
    lesson = selectors.lesson_of_course(course=course, lesson_id=lesson_id)
    enrolment = selectors.enrolment_of(course=course, user=request.user)
    if enrolment is None:
        messages.info(request, _("请先报名学习这门课程（免费）"))
        return redirect("courses:course", course_id=course.pk)
    rows = selectors.course_lessons_progress(course=course, enrolment=enrolment)
    index = next(i for i, row in enumerate(rows) if row.lesson.pk == lesson.pk)
    progress = rows[index].progress
    live, length_ms = rows[index].live, rows[index].length_ms
    resume_s = 0.0
    if progress is not None and progress.completed_at is None:
        resume_s = progress.position_ms / 1000
    elif progress is not None and length_ms and progress.position_ms < length_ms - 1000:
        resume_s = progress.position_ms / 1000
    return render(
        request,
        "courses/lesson.html",
        {
            "course": course,
            "lesson": lesson,
            "live": live,
            "row": rows[index],
            "rows": rows,
            "number": index + 1,
            "next_row": rows[index + 1] if index + 1 < len(rows) else None,
            "resume_s": f"{resume_s:.1f}",
            "certificate": Certificate.objects.filter(enrolment=enrolment).first(),
        },
    )


@login_required
@require_POST
def lesson_progress(request: AuthenticatedRequest, course_id: int, lesson_id: int) -> HttpResponse:
    """The player's beacon: {position, ended}. Answers JSON: done, course done, certificate."""
    course = selectors.course_public_get(course_id=course_id, user=request.user)
    lesson = selectors.lesson_of_course(course=course, lesson_id=lesson_id)
    form = ProgressForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"code": "invalid", "message": _("进度数据不正确")}, status=400)
    try:
        result = services.lesson_progress_record(
            lesson=lesson,
            user=request.user,
            position_s=form.cleaned_data["position"],
            ended=form.cleaned_data["ended"],
        )
    except Refused as exc:
        return JsonResponse({"code": exc.code, "message": str(exc.message)}, status=exc.status)
    certificate = result.certificate
    return JsonResponse(
        {
            "position": result.progress.position_ms / 1000,
            "completed": result.lesson_completed,
            "course_completed": result.course_completed,
            "certificate_url": (
                reverse("courses:certificate_pdf", args=[certificate.pk]) if certificate else None
            ),
        }
    )


def _lesson_file(request: HttpRequest, course_id: int, lesson_id: int, sha: str) -> Lesson:
    course = Course.objects.filter(pk=course_id).first()
    if course is None:
        raise Http404
    if not course.is_public() and not (
        request.user.is_authenticated
        and membership_has(
            user=request.user, organisation_id=course.bureau_id, power=Power.ORGANISATION_SEE
        )
    ):
        raise Http404
    lesson = Lesson.objects.filter(course=course, pk=lesson_id).first()
    if lesson is None or lesson.video_state != Lesson.VideoState.READY or lesson.video_sha != sha:
        raise Http404
    lesson.course = course
    return lesson


def _cache(lesson: Lesson) -> str:
    # The version is in the URL: a published course's files never change under it.
    if lesson.course.is_public():
        return "public, max-age=31536000, immutable"
    return "private, no-store"


@require_GET
def lesson_video(
    request: HttpRequest, course_id: int, lesson_id: int, sha: str
) -> HttpResponse | StreamingHttpResponse:
    """The lesson's 480p MP4, whole or by byte range (seeking fetches only what is needed)."""
    lesson = _lesson_file(request, course_id, lesson_id, sha)
    return file_stream_answer(
        request,
        path=Path(lesson.video.path),
        content_type="video/mp4",
        headers={"Cache-Control": _cache(lesson), "X-Content-Type-Options": "nosniff"},
    )


@require_GET
def lesson_poster(request: HttpRequest, course_id: int, lesson_id: int, sha: str) -> FileResponse:
    lesson = _lesson_file(request, course_id, lesson_id, sha)
    if not lesson.poster:
        raise Http404
    response = FileResponse(lesson.poster.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = _cache(lesson)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def my_courses(request: AuthenticatedRequest) -> HttpResponse:
    """/me/courses/ — 我的课程: progress of each, certificates, attaching one to an application."""
    applications = list(
        Application.objects.filter(seeker=request.user, consent_withdrawn_at__isnull=True)
        .select_related("job", "organisation")
        .order_by("-created_at")[:50]
    )
    return render(
        request,
        "courses/my_courses.html",
        {"items": selectors.my_courses(user=request.user), "applications": applications},
    )


@login_required
@require_GET
def certificate_pdf(request: AuthenticatedRequest, certificate_id: int) -> FileResponse:
    certificate = selectors.certificate_of_seeker(user=request.user, certificate_id=certificate_id)
    response = FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=f"certificate-{certificate.number}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def certificate_attach(request: AuthenticatedRequest, certificate_id: int) -> HttpResponse:
    certificate = selectors.certificate_of_seeker(user=request.user, certificate_id=certificate_id)
    form = AttachForm(request.POST)
    application_id = id_or_none(request.POST.get("application"))
    if not form.is_valid() or application_id is None:
        messages.error(request, _("请选择要附上证书的报名"))
        return HttpResponse(status=400, content=_("请选择要附上证书的报名"))
    application = Application.objects.filter(pk=application_id, seeker=request.user).first()
    if application is None:
        raise Http404
    try:
        services.certificate_attach(
            certificate=certificate, application=application, seeker=request.user
        )
    except Refused as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("已将证书附在报名“%(job)s”上") % {"job": application.job.title},
        )
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("courses:my")


@require_http_methods(["GET", "POST"])
def certificate_verify(request: HttpRequest, number: str) -> HttpResponse:
    """/certificates/<number>/ — anyone: is this certificate real and valid (the holder's name
    masked)? A PDF uploaded here is compared byte for byte (SHA-256) with the one issued."""
    certificate = Certificate.objects.filter(number=number[:32]).select_related("enrolment").first()
    form = VerifyForm()
    file_result = None
    status = 200
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > settings.UPLOAD_MAX_BYTES:
                form.add_error("file", _("文件太大：证书PDF不会超过10MB"))
            else:
                digest = hashlib.sha256()
                for chunk in upload.chunks():
                    digest.update(chunk)
                sha = digest.hexdigest()
                file_result = {
                    "sha256": sha,
                    "matches": certificate is not None and sha == certificate.pdf_sha256,
                }
                status = 200
    if certificate is None and request.method == "GET":
        status = 404
    return render(
        request,
        "courses/verify.html",
        {
            "number": number[:32],
            "certificate": certificate,
            "holder": selectors.name_masked(certificate.holder_name) if certificate else "",
            "form": form,
            "file_result": file_result,
        },
        status=status,
    )
