"""Courses' reads: the public catalogue, one seeker's progress, a bureau's courses."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from daigang.accounts.models import Organisation, User
from daigang.accounts.roles import Power
from daigang.accounts.selectors import membership_has, organisation_for_member
from daigang.courses.models import (
    Certificate,
    Course,
    CourseProvider,
    Enrolment,
    Lesson,
    LessonProgress,
)
from daigang.live import selectors as live_selectors
from daigang.live.models import Replay, Room
from daigang.replays.selectors import replay_file_exists, replays_public


def courses_public(*, category: str = "") -> QuerySet[Course]:
    """Published courses of verified bureaus, newest first, each with its lesson count."""
    courses = (
        Course.objects.filter(status=Course.Status.PUBLISHED)
        .select_related("bureau", "provider__organisation")
        .annotate(lesson_count=Count("lessons"))
        .order_by("-published_at", "-pk")
    )
    if category in Course.Category.values:
        courses = courses.filter(category=category)
    return courses


def course_public_get(*, course_id: int, user: User | None = None) -> Course:
    """A published course, or a draft for the members of its publisher (its bureau, or the
    training organisation that provides it); 404 otherwise."""
    course = (
        Course.objects.select_related("bureau", "provider__organisation")
        .filter(pk=course_id)
        .first()
    )
    if course is None:
        raise Http404
    if not course.is_public() and not (
        user is not None
        and user.is_authenticated
        and membership_has(
            user=user, organisation_id=course_publisher_id(course), power=Power.ORGANISATION_SEE
        )
    ):
        raise Http404
    return course


def course_publisher_id(course: Course) -> int:
    """The organisation whose members write the course: its bureau, or its provider."""
    if course.provider_id is not None:
        assert course.provider is not None
        return course.provider.organisation_id
    return course.bureau_id


def lesson_of_course(*, course: Course, lesson_id: int) -> Lesson:
    lesson = Lesson.objects.filter(course=course, pk=lesson_id).first()
    if lesson is None:
        raise Http404
    lesson.course = course
    return lesson


def bureau_for_courses(*, user: User, organisation_id: int, power: Power) -> Organisation:
    organisation = organisation_for_member(user=user, organisation_id=organisation_id, power=power)
    if organisation.kind != Organisation.Kind.BUREAU:
        raise Http404
    return organisation


def publisher_for_courses(*, user: User, organisation_id: int, power: Power) -> Organisation:
    """The organisation whose course pages `user` opens: a bureau, or a training organisation
    a bureau approved (and approves still); 404 for anyone else."""
    organisation = organisation_for_member(user=user, organisation_id=organisation_id, power=power)
    if organisation.kind == Organisation.Kind.BUREAU:
        return organisation
    if organisation.kind == Organisation.Kind.TRAINING and provider_is_approved(
        organisation_id=organisation.pk
    ):
        return organisation
    raise Http404


def provider_is_approved(*, organisation_id: int) -> bool:
    return CourseProvider.objects.filter(
        organisation_id=organisation_id, state=CourseProvider.State.APPROVED
    ).exists()


def _of_publisher(publisher: Organisation) -> Q:
    if publisher.kind == Organisation.Kind.BUREAU:
        return Q(bureau=publisher, provider__isnull=True)
    return Q(provider__organisation=publisher)


def course_of_publisher(*, publisher: Organisation, course_id: int) -> Course:
    course = (
        Course.objects.filter(_of_publisher(publisher), pk=course_id)
        .select_related("bureau", "provider__organisation")
        .first()
    )
    if course is None:
        raise Http404
    return course


def courses_of_publisher(*, publisher: Organisation) -> QuerySet[Course]:
    return (
        Course.objects.filter(_of_publisher(publisher))
        .select_related("bureau", "provider__organisation")
        .annotate(
            lesson_count=Count("lessons", distinct=True),
            enrolment_count=Count("enrolments", distinct=True),
        )
        .order_by("-created_at", "-pk")
    )


def enrolment_of(*, course: Course, user: User | None) -> Enrolment | None:
    if user is None or not user.is_authenticated:
        return None
    return Enrolment.objects.filter(course=course, user=user).first()


@dataclass(frozen=True)
class LessonRow:
    lesson: Lesson
    progress: LessonProgress | None
    # A live lesson's room and replay (lesson_live); None for a video or a text.
    live: LiveLesson | None = None

    @property
    def length_ms(self) -> int:
        return self.live.length_ms if self.live is not None else self.lesson.duration_ms

    @property
    def done(self) -> bool:
        return self.progress is not None and self.progress.completed_at is not None

    @property
    def percent(self) -> int:
        if self.done:
            return 100
        if self.progress is None or not self.length_ms:
            return 0
        return min(99, self.progress.furthest_ms * 100 // self.length_ms)


def course_lessons_progress(*, course: Course, enrolment: Enrolment | None) -> list[LessonRow]:
    lessons = list(course.lessons.all())
    progress: dict[int, LessonProgress] = {}
    if enrolment is not None:
        progress = {row.lesson_id: row for row in enrolment.progress.all()}
    live = lessons_live(lessons=lessons)
    return [
        LessonRow(lesson=lesson, progress=progress.get(lesson.pk), live=live.get(lesson.pk))
        for lesson in lessons
    ]


def lesson_progress_of(*, lesson: Lesson, enrolment: Enrolment | None) -> LessonProgress | None:
    if enrolment is None:
        return None
    return LessonProgress.objects.filter(enrolment=enrolment, lesson=lesson).first()


@dataclass(frozen=True)
class MyCourse:
    enrolment: Enrolment
    lessons: int
    done: int

    @property
    def percent(self) -> int:
        return self.done * 100 // self.lessons if self.lessons else 0


def my_courses(*, user: User) -> list[MyCourse]:
    """The seeker's enrolments with their progress, and certificates (我的课程)."""
    enrolments = (
        Enrolment.objects.filter(user=user)
        .select_related("course", "course__bureau", "course__provider__organisation", "certificate")
        .annotate(
            lessons=Count("course__lessons", distinct=True),
            done=Count("progress", filter=Q(progress__completed_at__isnull=False), distinct=True),
        )
        .order_by("-enrolled_at")
    )
    return [
        MyCourse(enrolment=row, lessons=row.lessons, done=row.done)  # type: ignore[attr-defined]
        for row in enrolments
    ]


def certificates_of(*, user: User) -> QuerySet[Certificate]:
    return Certificate.objects.filter(enrolment__user=user, revoked_at__isnull=True).order_by(
        "-issued_at"
    )


def certificate_of_seeker(*, user: User, certificate_id: int) -> Certificate:
    certificate = Certificate.objects.filter(pk=certificate_id, enrolment__user=user).first()
    if certificate is None:
        raise Http404
    return certificate


def name_masked(name: str) -> str:
    """张三 → 张*, 王小明 → 王*明: enough to recognise, not to find."""
    if len(name) <= 1:
        return name or "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def certificates_attached(*, application_id: int) -> QuerySet[Certificate]:
    return Certificate.objects.filter(
        attachments__application_id=application_id, revoked_at__isnull=True
    ).order_by("issued_at")


def courses_prefetch_lessons(courses: QuerySet[Course]) -> QuerySet[Course]:
    return courses.prefetch_related(Prefetch("lessons", queryset=Lesson.objects.order_by("order")))


@dataclass(frozen=True)
class CourseSuggestion:
    course: Course
    why: str


def _kind_matches(wanted: str, kind: str) -> bool:
    wanted, kind = wanted.strip(), kind.strip()
    return bool(wanted and kind) and (wanted in kind or kind in wanted)


def courses_suggested(*, user: User, limit: int = 2) -> list[CourseSuggestion]:
    """Published courses for a kind of work the seeker wants (求职资料) whose certificate they
    lack: neither this platform's certificate of the course nor one on their profile naming
    that kind ("叉车证" for 叉车). Each says why in words. Two queries (three with a profile)."""
    from django.utils.translation import gettext as _

    from daigang.accounts.models import SeekerProfile

    profile = SeekerProfile.objects.filter(user=user).first()
    if profile is None or not profile.work_kinds:
        return []
    wanted = [str(kind) for kind in profile.work_kinds]
    held = [str(name) for name in profile.certificates]
    completed = set(
        Certificate.objects.filter(enrolment__user=user).values_list(
            "enrolment__course_id", flat=True
        )
    )
    suggestions: list[CourseSuggestion] = []
    for course in courses_public().exclude(kind_of_work="")[:200]:
        if course.pk in completed:
            continue
        kind = next((w for w in wanted if _kind_matches(w, course.kind_of_work)), None)
        if kind is None or any(course.kind_of_work in name for name in held):
            continue
        why = _("考取%(kind)s证书更容易上岗：这门课免费，学完发结业证书") % {
            "kind": course.kind_of_work
        }
        suggestions.append(CourseSuggestion(course=course, why=why))
        if len(suggestions) >= limit:
            break
    return suggestions


def seeker_courses_export(*, user: User) -> list[dict[str, object]]:
    """The seeker's courses for their data export: progress, completion, certificate."""
    rows = []
    for item in my_courses(user=user):
        enrolment = item.enrolment
        certificate = getattr(enrolment, "certificate", None)
        rows.append(
            {
                "course": enrolment.course.title,
                "bureau": enrolment.course.bureau.name,
                "provider": enrolment.course.provider.organisation.name
                if enrolment.course.provider
                else None,
                "enrolled_at": enrolment.enrolled_at.isoformat(),
                "lessons": item.lessons,
                "lessons_done": item.done,
                "completed_at": enrolment.completed_at.isoformat()
                if enrolment.completed_at
                else None,
                "certificate": certificate.number if certificate else None,
            }
        )
    return rows


def providers_of_bureau(*, bureau: Organisation) -> list[CourseProvider]:
    """The training organisations that asked the bureau, those waiting first, then the newest."""
    return sorted(
        CourseProvider.objects.filter(bureau=bureau)
        .select_related("organisation", "decided_by")
        .prefetch_related("changes__by")
        .order_by("-requested_at", "-pk")[:500],
        key=lambda p: p.state != CourseProvider.State.REQUESTED,
    )


def provider_of_bureau(*, bureau: Organisation, provider_id: int) -> CourseProvider:
    provider = (
        CourseProvider.objects.filter(bureau=bureau, pk=provider_id)
        .select_related("organisation", "bureau")
        .first()
    )
    if provider is None:
        raise Http404
    return provider


def training_for_member(*, user: User, organisation_id: int) -> Organisation:
    """A training organisation's page of its approvals: its managers only."""
    organisation = organisation_for_member(
        user=user, organisation_id=organisation_id, power=Power.ORGANISATION_MANAGE
    )
    if organisation.kind != Organisation.Kind.TRAINING:
        raise Http404
    return organisation


def approvals_of_training(*, organisation: Organisation) -> list[CourseProvider]:
    return list(
        CourseProvider.objects.filter(organisation=organisation)
        .select_related("bureau__region")
        .prefetch_related("changes")
        .order_by("-requested_at", "-pk")
    )


def bureaus_to_ask(*, organisation: Organisation) -> list[Organisation]:
    """Verified bureaus the training organisation may ask (those of its province first)."""
    from django.utils import timezone

    bureaus = list(
        Organisation.objects.filter(
            Organisation.verified_q(timezone.now()), kind=Organisation.Kind.BUREAU
        )
        .select_related("region")
        .order_by("region__code", "name")[:500]
    )
    province = organisation.region.code[:2] if organisation.region else ""
    return sorted(bureaus, key=lambda b: not (b.region and b.region.code[:2] == province))


# --- live lessons: the room before and while it is on, its replay after ---------------------


class LiveState:
    """Where a live lesson is: its room still to come or on air, its replay being made, the
    replay playable, or not playable (hidden, deleted, failed; the room gone or taken down)."""

    UPCOMING = "upcoming"
    PROCESSING = "processing"
    PLAYABLE = "playable"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class LiveLesson:
    state: str
    room: Room | None
    replay: Replay | None

    @property
    def length_ms(self) -> int:
        return int(self.replay.duration * 1000) if self.replay is not None else 0


def lesson_live(*, lesson: Lesson) -> LiveLesson:
    """A live lesson's room and replay. The replay played is the room's longest one the public
    may watch (ready, the room not hidden, its file there); a room that ended without one is
    still making it while a recording is unfinished, else its replay is not playable."""
    room = (
        Room.objects.select_related("organisation").filter(pk=lesson.room_id).first()
        if lesson.room_id is not None
        else None
    )
    if room is None or live_selectors.room_is_hidden(room=room):
        return LiveLesson(state=LiveState.UNAVAILABLE, room=None, replay=None)
    for replay in replays_public().filter(room=room).order_by("-duration", "pk"):
        if replay_file_exists(replay):
            return LiveLesson(state=LiveState.PLAYABLE, room=room, replay=replay)
    if room.state != Room.State.ENDED:
        return LiveLesson(state=LiveState.UPCOMING, room=room, replay=None)
    if Replay.objects.filter(room=room, state=Replay.State.RECORDING).exists():
        return LiveLesson(state=LiveState.PROCESSING, room=room, replay=None)
    return LiveLesson(state=LiveState.UNAVAILABLE, room=room, replay=None)


def lessons_live(*, lessons: list[Lesson]) -> dict[int, LiveLesson]:
    """lesson_live of each live lesson among `lessons` (a course has a handful at most)."""
    return {
        lesson.pk: lesson_live(lesson=lesson)
        for lesson in lessons
        if lesson.kind == Lesson.Kind.LIVE
    }


def rooms_for_lessons(*, organisation_id: int) -> list[Room]:
    """The rooms a course's publisher may make a live lesson of: its own, not taken down,
    soonest first (ended ones too: their replay becomes the lesson)."""
    return list(
        Room.objects.filter(organisation_id=organisation_id, taken_down_at__isnull=True).order_by(
            "-planned_start", "-pk"
        )[:100]
    )
