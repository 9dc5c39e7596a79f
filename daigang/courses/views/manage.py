"""A bureau's course pages under /manage/<bureau>/courses/: list, new, edit, lessons (order,
video upload and its state), publish, and the numbers with their .xlsx export."""

from __future__ import annotations

import tempfile
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from daigang.accounts.http import AuthenticatedRequest
from daigang.accounts.models import Organisation
from daigang.accounts.roles import Power
from daigang.core.refused import Refused, refused_to_form
from daigang.courses import selectors, services, stats
from daigang.courses.forms import CourseForm, LessonForm
from daigang.courses.models import Course, Lesson


def _bureau(request: AuthenticatedRequest, organisation_id: int, power: Power) -> Organisation:
    return selectors.bureau_for_courses(
        user=request.user, organisation_id=organisation_id, power=power
    )


def _publisher(request: AuthenticatedRequest, organisation_id: int) -> Organisation:
    """The bureau, or the approved training organisation, whose course pages these are."""
    return selectors.publisher_for_courses(
        user=request.user, organisation_id=organisation_id, power=Power.COURSES_WRITE
    )


def _course_form(publisher: Organisation, data: Any = None, **kwargs: Any) -> CourseForm:
    providers = (
        services.providers_approved(organisation=publisher)
        if publisher.kind == Organisation.Kind.TRAINING
        else []
    )
    return CourseForm(data, providers=providers, **kwargs)


def _errors_to_form(form: BaseForm, exc: ValidationError) -> None:
    for field, errors in exc.error_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


@login_required
@require_GET
def manage_courses(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    publisher = _publisher(request, organisation_id)
    return render(
        request,
        "courses/manage_list.html",
        {
            "publisher": publisher,
            "courses": list(selectors.courses_of_publisher(publisher=publisher)[:200]),
        },
    )


def _course_values(form: CourseForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "provider": form.provider_chosen(),
        "title": data["title"],
        "category": data["category"],
        "kind_of_work": data.get("kind_of_work") or "",
        "description": data.get("description") or "",
    }


@login_required
@require_http_methods(["GET", "POST"])
def manage_course_new(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    publisher = _publisher(request, organisation_id)
    form = _course_form(publisher, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_save(
                publisher=publisher, by=request.user, course=None, **_course_values(form)
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        except Refused as exc:
            refused_to_form(form, exc)
        else:
            messages.success(request, _("课程已保存，请添加课时"))
            return redirect(
                "courses:manage_course", organisation_id=publisher.pk, course_id=course.pk
            )
    return render(
        request,
        "courses/manage_course_form.html",
        {"publisher": publisher, "form": form, "course": None},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_course(
    request: AuthenticatedRequest, organisation_id: int, course_id: int
) -> HttpResponse:
    """One course: its details (edit), its lessons in order (move up/down, each video's state)
    and 发布."""
    publisher = _publisher(request, organisation_id)
    course = selectors.course_of_publisher(publisher=publisher, course_id=course_id)
    if request.method == "POST":
        form = CourseForm(request.POST)
        if form.is_valid():
            try:
                services.course_save(
                    publisher=publisher, by=request.user, course=course, **_course_values(form)
                )
            except ValidationError as exc:
                _errors_to_form(form, exc)
            except Refused as exc:
                refused_to_form(form, exc)
            else:
                messages.success(request, _("已保存"))
                return redirect(
                    "courses:manage_course", organisation_id=publisher.pk, course_id=course.pk
                )
        status = 400
    else:
        form = CourseForm(
            initial={
                "title": course.title,
                "category": course.category,
                "kind_of_work": course.kind_of_work,
                "description": course.description,
            }
        )
        status = 200
    lessons = list(course.lessons.all())
    return render(
        request,
        "courses/manage_course.html",
        {
            "publisher": publisher,
            "course": course,
            "form": form,
            "lessons": lessons,
            "live": selectors.lessons_live(lessons=lessons),
        },
        status=status,
    )


@login_required
@require_POST
def manage_course_publish(
    request: AuthenticatedRequest, organisation_id: int, course_id: int
) -> HttpResponse:
    publisher = _publisher(request, organisation_id)
    course = selectors.course_of_publisher(publisher=publisher, course_id=course_id)
    try:
        services.course_publish(course=course, by=request.user)
    except Refused as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("课程已发布，求职者可以报名学习了"))
    return redirect("courses:manage_course", organisation_id=publisher.pk, course_id=course.pk)


def _lesson_form_page(
    request: AuthenticatedRequest,
    publisher: Organisation,
    course: Course,
    lesson: Lesson | None,
    form: LessonForm,
) -> HttpResponse:
    return render(
        request,
        "courses/manage_lesson_form.html",
        {
            "publisher": publisher,
            "course": course,
            "lesson": lesson,
            "form": form,
            "live": selectors.lesson_live(lesson=lesson)
            if lesson is not None and lesson.kind == Lesson.Kind.LIVE
            else None,
        },
        status=400 if form.is_bound else 200,
    )


def _lesson_form(publisher: Organisation, *args: Any, **kwargs: Any) -> LessonForm:
    return LessonForm(
        *args, rooms=selectors.rooms_for_lessons(organisation_id=publisher.pk), **kwargs
    )


def _lesson_post(
    request: AuthenticatedRequest, publisher: Organisation, course: Course, lesson: Lesson | None
) -> HttpResponse:
    form = _lesson_form(publisher, request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.lesson_save(
                course=course,
                by=request.user,
                lesson=lesson,
                title=data["title"],
                kind=data["kind"],
                body=data.get("body") or "",
                video=data.get("video") or None,
                room=form.room_chosen(),
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        except Refused as exc:
            refused_to_form(form, exc)
        else:
            messages.success(request, _("课时已保存"))
            return redirect(
                "courses:manage_course", organisation_id=publisher.pk, course_id=course.pk
            )
    return _lesson_form_page(request, publisher, course, lesson, form)


@login_required
@require_http_methods(["GET", "POST"])
def manage_lesson_new(
    request: AuthenticatedRequest, organisation_id: int, course_id: int
) -> HttpResponse:
    publisher = _publisher(request, organisation_id)
    course = selectors.course_of_publisher(publisher=publisher, course_id=course_id)
    if request.method == "POST":
        return _lesson_post(request, publisher, course, None)
    return _lesson_form_page(
        request, publisher, course, None, _lesson_form(publisher, initial={"kind": "video"})
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_lesson(
    request: AuthenticatedRequest, organisation_id: int, course_id: int, lesson_id: int
) -> HttpResponse:
    publisher = _publisher(request, organisation_id)
    course = selectors.course_of_publisher(publisher=publisher, course_id=course_id)
    lesson = selectors.lesson_of_course(course=course, lesson_id=lesson_id)
    if request.method == "POST":
        return _lesson_post(request, publisher, course, lesson)
    form = _lesson_form(
        publisher,
        initial={
            "title": lesson.title,
            "kind": lesson.kind,
            "body": lesson.body,
            "room": lesson.room_id or "",
        },
    )
    return _lesson_form_page(request, publisher, course, lesson, form)


@login_required
@require_POST
def manage_lesson_move(
    request: AuthenticatedRequest, organisation_id: int, course_id: int, lesson_id: int
) -> HttpResponse:
    publisher = _publisher(request, organisation_id)
    course = selectors.course_of_publisher(publisher=publisher, course_id=course_id)
    lesson = selectors.lesson_of_course(course=course, lesson_id=lesson_id)
    services.lesson_move(lesson=lesson, by=request.user, up=request.POST.get("direction") != "down")
    return redirect("courses:manage_course", organisation_id=publisher.pk, course_id=course.pk)


def _provider_filter(request: AuthenticatedRequest, bureau: Organisation) -> tuple[str, list]:  # type: ignore[type-arg]
    """The provider filter (?provider=): a known choice, or every course."""
    choices = [
        (stats.OWN_COURSES, _("本局及下级机构自办")),
        *stats.course_providers_below(bureau=bureau),
    ]
    value = request.GET.get("provider", "")
    return (value if value in {key for key, _name in choices} else ""), choices


def _stats_context(request: AuthenticatedRequest, bureau: Organisation) -> dict[str, Any]:
    provider, choices = _provider_filter(request, bureau)
    by_course, by_region = stats.course_numbers(bureau=bureau, provider=provider)
    return {
        "bureau": bureau,
        "provider": provider,
        "provider_choices": choices,
        "by_course": by_course,
        "by_region": by_region,
        "chart_data": {
            "labels": [row.label for row in by_course[:-1]],
            "enrolments": [row.enrolments for row in by_course[:-1]],
            "completions": [row.completions for row in by_course[:-1]],
            "hires": [row.hires for row in by_course[:-1]],
            "names": [_("报名学习"), _("结业"), _("结业后90天内入职")],
        },
    }


@login_required
@require_GET
def manage_course_stats(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    bureau = _bureau(request, organisation_id, Power.STATS_SEE)
    return render(request, "courses/manage_stats.html", _stats_context(request, bureau))


@login_required
@require_GET
def manage_course_stats_xlsx(request: AuthenticatedRequest, organisation_id: int) -> FileResponse:
    bureau = _bureau(request, organisation_id, Power.STATS_SEE)
    provider, _choices = _provider_filter(request, bureau)
    by_course, by_region = stats.course_numbers(bureau=bureau, provider=provider)
    workbook = Workbook(write_only=True)
    header = [_("报名学习"), _("结业"), _("结业率"), _("结业后90天内入职")]
    sheet = workbook.create_sheet(_("按课程"))
    sheet.append([_("课程"), _("地区"), _("培训机构"), *header])
    for row in by_course:
        sheet.append(
            [
                row.label or _("合计"),
                row.region,
                row.provider,
                row.enrolments,
                row.completions,
                row.rate,
                row.hires,
            ]
        )
    sheet = workbook.create_sheet(_("按地区"))
    sheet.append([_("地区"), *header])
    for row in by_region:
        sheet.append([row.label or _("合计"), row.enrolments, row.completions, row.rate, row.hires])
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"courses-{bureau.pk}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "private, no-store"
    return response
