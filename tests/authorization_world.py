"""The world the authorisation matrix (tests/test_authorization_matrix.py) asks in, and the
routes it asks about.

One "home" organisation with everything a URL can name (a job, a draft job, a live room, an
interview, an offer, a signed contract, a due check-in, a licence document), its seeker, and
the people who must or must not reach them: the PERSONAS. Built with the per-domain factories
(daigang/*/testing.py) and the real services, so ids and tokens are real.

Routes come from the URL conf (django.urls.get_resolver(), the API's patterns included) and
config.routing.websocket_urlpatterns, never from a list kept by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from daigang.accounts.models import Membership, Organisation, OrganisationDocument, User
from daigang.accounts.services.memberships import membership_remove
from daigang.accounts.services.organisations import organisation_document_add
from daigang.accounts.testing import (
    jpeg_bytes,
    member_make,
    moderator_make,
    organisation_make,
    organisation_registered_make,
    pdf_bytes,
    upload,
    user_make,
)
from daigang.contracts.models import CheckIn, Contract, Offer
from daigang.contracts.testing import Hire, onboarded_make
from daigang.courses.models import Certificate, Course, CourseProvider, Lesson
from daigang.courses.services import course_enrol, lesson_progress_record
from daigang.courses.testing import course_make, training_make
from daigang.fairs.models import Fair, FairEntry, FairInvite
from daigang.fairs.services import fair_entry_register, fair_invite_create
from daigang.fairs.testing import bureau_make, fair_make
from daigang.hiring.models import Application
from daigang.hiring.testing import application_make, seeker_make
from daigang.interviews.models import Interview, InterviewParticipant
from daigang.interviews.services import interview_schedule
from daigang.jobs.models import Job
from daigang.jobs.testing import job_make
from daigang.live.models import ChatMessage, MicRequest, Replay, Room
from daigang.live.testing import room_make
from daigang.matchmaking.guidance import guidance_slots_open
from daigang.matchmaking.models import Case as FollowCase
from daigang.matchmaking.models import GuidanceSlot, InviteLink
from daigang.matchmaking.services import invite_link_for
from daigang.matchmaking.testing import case_make, matchmaker_make
from daigang.policies.models import Policy
from daigang.replays.testing import replay_make
from daigang.safety.models import Case, Report
from daigang.safety.services import appeal_submit, case_decide, report_create
from daigang.safety.targets import target_resolve

# Who asks. "home" is the organisation whose things every URL names.
PERSONAS = (
    "anonymous",
    "seeker",  # applied to home (interviewed, offered, signed, onboarded)
    "other_seeker",  # applied elsewhere only
    "owner",  # of home
    "hr",  # of home; not on the interview panel
    "anchor",  # of home; the room's anchor and on the interview panel
    "ex_member",  # was an anchor of home (room, panel), removed by the owner
    "other_member",  # owner of another verified organisation
    "pending_member",  # owner of an organisation still awaiting verification
    "moderator",  # platform staff, member of no organisation
)


@dataclass
class World:
    users: dict[str, User | None]
    organisation: Organisation
    other_organisation: Organisation
    pending_organisation: Organisation
    job: Job
    draft_job: Job
    room: Room  # the anchor's (and was the ex-member's)
    other_room: Room  # a room of home's the anchor is not on
    application: Application  # the seeker's, at the interview stage
    hired: Application  # the seeker's second, signed and onboarded
    interview: Interview
    tokens: dict[str, str]  # interview call tokens by persona (the panel and the candidate)
    offer: Offer
    contract: Contract
    checkin: CheckIn
    document: OrganisationDocument
    pending_document: OrganisationDocument
    hr_membership: Membership
    fair: Fair  # a 兰州 bureau's running fair; home registered for it with its job
    fair_entry: FairEntry
    fair_invite: FairInvite
    chat_message: ChatMessage  # the seeker's, in the room
    mic_request: MicRequest  # the other seeker's raised hand (连麦) in the room
    case: Case  # a report on home (with a screenshot), decided: a warning
    report: Report
    follow_case: FollowCase  # the fair's bureau's matchmaker follows the seeker (consented)
    matchmaker_invite: InviteLink  # that matchmaker's invite link
    guidance_slot: GuidanceSlot  # that matchmaker's open guidance slot (职业指导), tomorrow
    open_report: Report  # the other seeker's report on home's room, its case still open
    appealed_case: Case  # a report on home's job, decided (a warning), appealed by the owner
    policy: Policy  # the fair's bureau's published policy (政策)
    course: Course  # the fair's bureau's published course (one text lesson)
    lesson: Lesson
    certificate: Certificate  # the seeker completed the course
    replay: Replay  # of home's room, ready (a real WebM of 2 s)
    course_provider: CourseProvider  # a training organisation the fair's bureau approved
    sessions: dict[str, str] = field(default_factory=dict)  # persona -> session key
    _clients: dict[str, Client] = field(default_factory=dict)

    def client(self, persona: str) -> Client:
        """A client logged in as `persona` (one session per persona, made once).

        One client per persona, reused: a new Client builds Django's middleware again, and
        WhiteNoise's scans every static file when it is built. Its cookies are set afresh each
        time, so a request that logged out (or changed the session) does not carry over."""
        client = self._clients.get(persona)
        if client is None:
            client = self._clients[persona] = Client(raise_request_exception=False)
        client.cookies = SimpleCookie()
        if persona in self.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[persona]
        return client


def world_make() -> World:
    fair = fair_make(bureau=bureau_make(region="620100"))
    matchmaker = matchmaker_make(organisation=fair.bureau)
    home = organisation_make(name="昆山精密电子有限公司")
    owner = member_make(organisation=home, role=Membership.Role.OWNER, name="王经理")
    hr = member_make(organisation=home, role=Membership.Role.HR, name="人事小王")
    anchor = member_make(organisation=home, role=Membership.Role.ANCHOR, name="李主播")
    ex_member = member_make(organisation=home, role=Membership.Role.ANCHOR, name="前主播")
    job = job_make(organisation=home, title="普工（电子厂）")
    draft_job = job_make(organisation=home, title="质检员", status=Job.Status.DRAFT)
    second_job = job_make(organisation=home, title="仓管员")
    room = room_make(organisation=home, anchors=[anchor, ex_member], jobs=[job], state="live")
    other_room = room_make(organisation=home, title="仓储物流专场")  # anchored by no one
    # A PDF, so that it has a first-page preview too.
    document = organisation_document_add(
        organisation=home, kind="business_licence", file=upload("yyzz.pdf", pdf_bytes()), by=owner
    )

    seeker = seeker_make(name="张三")
    application = application_make(job=job, seeker=seeker, name="张三", room=room)
    interview = interview_schedule(
        organisation=home,
        by=owner,
        title="普工群面",
        starts_at=timezone.now() + dt.timedelta(minutes=5),
        length_minutes=30,
        interviewer_ids=[owner.pk, anchor.pk, ex_member.pk],
        application_ids=[application.pk],
        idempotency_key="authorization-matrix",
    ).interview
    tokens = {
        seat.user_id: seat.token
        for seat in InterviewParticipant.objects.filter(interview=interview)
    }
    hired = application_make(job=second_job, seeker=seeker, name="张三")
    onboarded_make(
        Hire(home, owner, second_job, seeker, hired),
        started_on=timezone.localdate() - dt.timedelta(days=10),
    )
    contract = Contract.objects.get(offer__application=hired)
    checkin = CheckIn.objects.filter(seeker=seeker).order_by("day").first()
    assert checkin is not None

    other = organisation_make(name="别家劳务公司")
    other_member = member_make(organisation=other, role=Membership.Role.OWNER, name="赵经理")
    other_seeker = seeker_make(name="赵六")
    application_make(job=job_make(organisation=other), seeker=other_seeker, name="赵六")
    pending_member = user_make(name="待审")
    pending = organisation_registered_make(owner=pending_member)
    pending_document = OrganisationDocument.objects.filter(organisation=pending).first()
    assert pending_document is not None

    report, _created = report_create(
        reporter=other_seeker,
        target=target_resolve(kind="organisation", target_id=home.pk, user=other_seeker),
        category="fees",
        text="要交押金",
        screenshot=upload("s.jpg", jpeg_bytes()),
    )
    case = case_decide(case=report.case, by=moderator_make(), action="warn", reason="请勿收取押金")
    open_report, _created = report_create(
        reporter=other_seeker,
        target=target_resolve(kind="room", target_id=room.pk, user=other_seeker),
        category="contact",
    )
    job_report, _created = report_create(
        reporter=other_seeker,
        target=target_resolve(kind="job", target_id=job.pk, user=other_seeker),
        category="fees",
    )
    appealed_case = appeal_submit(
        case=case_decide(case=job_report.case, by=moderator_make(), action="warn", reason="押金"),
        by=owner,
        text="我们不收押金",
    )

    course = course_make(bureau=fair.bureau)
    course_enrol(course=course, user=seeker)
    lesson = course.lessons.get()
    certificate = lesson_progress_record(
        lesson=lesson, user=seeker, position_s=0, ended=True
    ).certificate
    assert certificate is not None

    ex_membership = Membership.objects.get(organisation=home, user=ex_member)
    membership_remove(membership=ex_membership, by=owner)

    users: dict[str, User | None] = {
        "anonymous": None,
        "seeker": seeker,
        "other_seeker": other_seeker,
        "owner": owner,
        "hr": hr,
        "anchor": anchor,
        "ex_member": ex_member,
        "other_member": other_member,
        "pending_member": pending_member,
        "moderator": moderator_make(),
    }
    world = World(
        users=users,
        organisation=home,
        other_organisation=other,
        pending_organisation=pending,
        job=job,
        draft_job=draft_job,
        room=room,
        other_room=other_room,
        application=application,
        hired=hired,
        interview=interview,
        tokens={
            persona: tokens[user.pk]
            for persona, user in users.items()
            if user is not None and user.pk in tokens
        },
        offer=Offer.objects.get(application=hired),
        contract=contract,
        checkin=checkin,
        document=document,
        pending_document=pending_document,
        hr_membership=Membership.objects.get(organisation=home, user=hr),
        fair=fair,
        fair_entry=fair_entry_register(fair=fair, organisation=home, by=owner, jobs=[(job, 5)]),
        fair_invite=fair_invite_create(fair=fair, by=fair.created_by, label="兰州大学"),
        chat_message=ChatMessage.objects.create(room=room, user=seeker, text="几点上班？"),
        mic_request=MicRequest.objects.create(room=room, account=users["other_seeker"]),
        case=case,
        report=report,
        follow_case=case_make(membership=matchmaker, seeker=users["seeker"]),  # type: ignore[arg-type]
        matchmaker_invite=invite_link_for(membership=matchmaker),
        guidance_slot=guidance_slots_open(
            membership=matchmaker,
            by=matchmaker.user,
            starts_at=timezone.now() + dt.timedelta(days=1),
            length_minutes=30,
            count=1,
            batch_key="world",
        )[0],
        open_report=open_report,
        appealed_case=appealed_case,
        policy=Policy.objects.create(
            bureau=fair.bureau,
            region=fair.bureau.region,
            kind=Policy.Kind.SUBSIDY,
            title="一次性求职创业补贴",
            summary="毕业学年内的高校毕业生每人1500元。",
            eligibility="本市高校毕业学年的学生。",
            how_to_apply="在学校就业指导中心申请。",
            valid_from=timezone.localdate(),
            state=Policy.State.PUBLISHED,
            published_at=timezone.now(),
        ),
        course=course,
        lesson=lesson,
        certificate=certificate,
        replay=replay_make(room=room, seconds=2),
        course_provider=training_make(bureau=fair.bureau),
    )
    for persona, user in users.items():
        if user is not None:
            client = Client()
            client.force_login(user)
            world.sessions[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return world


# --- routes ------------------------------------------------------------------------------------

# Left out of the matrix, each with its reason. Anything else the URL conf serves needs rows.
EXCLUDED_NAMESPACES = {
    # Django's own admin: staff-only by django.contrib.admin's AdminSite.has_permission (and
    # each ModelAdmin's permissions), tested by Django itself; ~80 internal routes.
    "admin": "Django admin internals, guarded by AdminSite (staff only)",
}
# Static files and media are not in the URL conf at all: WhiteNoise serves static files as
# middleware, and uploads (licences, contracts) live in PRIVATE_MEDIA_ROOT, never served as
# files, only through the views in the matrix (accounts:document_file, contracts:*_pdf).


@dataclass(frozen=True)
class Route:
    name: str  # namespace:name, as reverse() takes it
    route: str  # the pattern, e.g. "manage/<id:organisation_id>/jobs/"
    methods: tuple[str, ...] | None  # declared by require_http_methods / ninja; None: not said


def _declared_methods(callback: object) -> tuple[str, ...] | None:
    """The methods a view allows, where it says so: django.views.decorators.http's
    require_http_methods (require_GET, require_POST) anywhere in its decorator chain, a
    class-based view's http_method_names. None for a view that decides in its body."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return tuple(m.upper() for m in view_class.http_method_names if m != "options")
    function = callback
    while function is not None:
        code = getattr(function, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = function.__closure__[code.co_freevars.index("request_method_list")]  # type: ignore[attr-defined]
            return tuple(cell.cell_contents)
        function = getattr(function, "__wrapped__", None)
    return None


def _api_methods() -> dict[str, tuple[str, ...]]:
    """Each API path's methods, from the API's own OpenAPI document (ninja's registry)."""
    from config.api import api

    schema = api.get_openapi_schema()
    return {
        path: tuple(method.upper() for method in operations)
        for path, operations in schema["paths"].items()
    }


def _openapi_path(route: str) -> str:
    import re

    return "/" + re.sub(r"<(?:[^>:]+:)?([^>]+)>", r"{\1}", route)


def http_routes() -> tuple[list[Route], list[str]]:
    """Every HTTP route of the URL conf, and the excluded namespaces that were skipped."""
    api_methods = _api_methods()
    routes: list[Route] = []
    skipped: list[str] = []

    def walk(patterns: list, prefix: str, namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace in EXCLUDED_NAMESPACES:
                    skipped.append(entry.namespace)
                    continue
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, prefix + str(entry.pattern), inner)
                continue
            assert isinstance(entry, URLPattern)
            route = prefix + str(entry.pattern)
            methods = api_methods.get(_openapi_path(route)) or _declared_methods(entry.callback)
            assert entry.name, f"/{route} has no name: name it, so the matrix can have its row"
            routes.append(Route(f"{namespace}{entry.name}", route, methods))

    walk(get_resolver().url_patterns, "", "")
    return routes, skipped


def websocket_routes() -> list[str]:
    from config.routing import websocket_urlpatterns

    return [str(entry.pattern) for entry in websocket_urlpatterns]
