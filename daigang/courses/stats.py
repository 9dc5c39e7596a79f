"""A bureau's course numbers: enrolments, completions, completion rate, and hires of people
who completed a course (an application of theirs reached 已入职 within 90 days after their
certificate), by course and by region (the region of the course's bureau). A bureau sees its
own courses and those of the bureaus below it, as with job fairs."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q

from daigang.accounts.models import Organisation
from daigang.courses.models import Certificate, Course
from daigang.hiring.models import Stage, StageChange
from daigang.regions.selectors import region_prefix

HIRE_WINDOW = dt.timedelta(days=90)


@dataclass
class CourseNumbers:
    key: str
    label: str
    region: str
    # The training organisation that provides the course (empty: the bureau's own).
    provider: str = ""
    enrolments: int = 0
    completions: int = 0
    hires: int = 0

    @property
    def rate(self) -> str:
        if not self.enrolments:
            return "—"
        return f"{self.completions * 100 / self.enrolments:.1f}%"


def _courses_below(*, bureau: Organisation):  # type: ignore[no-untyped-def]
    assert bureau.region is not None
    return Course.objects.filter(
        bureau__kind=Organisation.Kind.BUREAU,
        bureau__region__code__startswith=region_prefix(region=bureau.region),
    )


def _hired_certificates(*, course_ids: list[int]) -> dict[int, int]:
    """{course id: certificates whose holder was hired within HIRE_WINDOW after issue}."""
    certificates = list(
        Certificate.objects.filter(enrolment__course_id__in=course_ids).values_list(
            "enrolment__course_id", "enrolment__user_id", "issued_at"
        )
    )
    if not certificates:
        return {}
    users = {user_id for _course, user_id, _at in certificates}
    earliest = min(at for _course, _user, at in certificates)
    hires: dict[int, list[dt.datetime]] = defaultdict(list)
    for user_id, at in StageChange.objects.filter(
        to_stage=Stage.ONBOARDED, application__seeker_id__in=users, at__gte=earliest
    ).values_list("application__seeker_id", "at"):
        hires[user_id].append(at)
    counted: dict[int, int] = defaultdict(int)
    for course_id, user_id, issued_at in certificates:
        if any(issued_at <= at <= issued_at + HIRE_WINDOW for at in hires.get(user_id, [])):
            counted[course_id] += 1
    return counted


# The provider filter's value for the bureaus' own courses (no training organisation).
OWN_COURSES = "own"


def course_providers_below(*, bureau: Organisation) -> list[tuple[str, str]]:
    """The provider filter's choices: (value, name) of each training organisation with a
    course below the bureau, by name."""
    rows = (
        _courses_below(bureau=bureau)
        .filter(provider__isnull=False)
        .values_list("provider__organisation_id", "provider__organisation__name")
        .distinct()
    )
    return sorted({(str(pk), name) for pk, name in rows}, key=lambda row: row[1])


def course_numbers(
    *, bureau: Organisation, provider: str = ""
) -> tuple[list[CourseNumbers], list[CourseNumbers]]:
    """(rows by course, rows by region), each with a total row last. `provider`: only one
    training organisation's courses (its id), or OWN_COURSES for the bureaus' own."""
    courses_q = _courses_below(bureau=bureau)
    if provider == OWN_COURSES:
        courses_q = courses_q.filter(provider__isnull=True)
    elif provider.isdigit():
        courses_q = courses_q.filter(provider__organisation_id=int(provider))
    courses = list(
        courses_q.select_related("bureau__region", "provider__organisation")
        .annotate(
            enrolled=Count("enrolments", distinct=True),
            completed=Count(
                "enrolments", filter=Q(enrolments__completed_at__isnull=False), distinct=True
            ),
        )
        .order_by("-created_at", "-pk")
    )
    hired = _hired_certificates(course_ids=[course.pk for course in courses])
    by_course: list[CourseNumbers] = []
    by_region: dict[str, CourseNumbers] = {}
    total = CourseNumbers(key="total", label="", region="")
    for course in courses:
        region = course.bureau.region.name if course.bureau.region else ""
        row = CourseNumbers(
            key=str(course.pk),
            label=course.title,
            region=region,
            provider=course.provider.organisation.name if course.provider else "",
            enrolments=course.enrolled,  # type: ignore[attr-defined]
            completions=course.completed,  # type: ignore[attr-defined]
            hires=hired.get(course.pk, 0),
        )
        by_course.append(row)
        area = by_region.setdefault(region, CourseNumbers(key=region, label=region, region=region))
        for target in (area, total):
            target.enrolments += row.enrolments
            target.completions += row.completions
            target.hires += row.hires
    return [*by_course, total], [*sorted(by_region.values(), key=lambda r: -r.enrolments), total]
