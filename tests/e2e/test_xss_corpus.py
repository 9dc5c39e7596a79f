"""An XSS corpus through every free-text field, into every page and chat frame where it shows.

Every text a user can set — organisation name, description, address, contact; job title,
duties, requirements, address, kind of work; room title; chat messages; the name on an application;
notes, tags, custom stages, stage-change reasons, rejection reasons and the messages they send;
interview title, notes and verdict comments; offer notes, client names and decline reasons;
contract titles, clauses and templates; signatures' typed names and browsers; a moderator's
rejection reason; a person's name — holds classic payloads. Notes, stage-change reasons,
rejection comments, decline reasons and signatures' browsers go through their services; the
other objects are made by the services and factories and their texts then written straight to
the table (a service would refuse some markup or lengths; what an older version or an admin
stored must be as safe). Two chat messages go through the real chat form and WebSocket. Then
each page where the texts show is opened in Debian's chromium as the person who sees it.

No payload may run or be parsed as markup:
- each payload calls `__xss(n)` (a trap installed before any page script) or `alert(n)`
  (a dialog), or carries an attribute `data-xss`, an `hx-*` attribute pointing at /xss-probe/
  or a `javascript:` link, which would be in the DOM only if the text was parsed as HTML;
- the Content-Security-Policy would block an inline script or handler that got in: any
  `securitypolicyviolation` counts as an injection that reached script context;
- no request may go to /xss-probe/ (an injected htmx attribute firing).
And each page must show the payload text (so the field was really rendered there).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

import pytest

from tests.conftest import orm
from tests.e2e.hiring_steps import session_cookie

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 20_000
# Each payload names its number; a short one for fields of 20-30 characters.
CORPUS = [
    "<script>__xss(1)</script>",
    "<img src=x onerror=__xss(2) data-xss=2>",
    '"><svg onload=__xss(3) data-xss=3>',
    "'><svg onload=__xss(4) data-xss=4>",
    "javascript:__xss(5)",
    '<a href="javascript:__xss(6)" data-xss=6>link6</a>',
    '{{ 7|add:"xss7" }}{% now "Y" %}{# 7 #}',
    "</textarea><img src=x onerror=__xss(8) data-xss=8>",
    "</title></style><script>__xss(9)</script>",
    "\\u003cimg src=x onerror=__xss(10) data-xss=10\\u003e",
    "&lt;img src=x onerror=__xss(11) data-xss=11&gt;",
    '<div hx-get="/xss-probe/12" hx-trigger="load" data-xss=12>h12</div>',
    '" autofocus onfocus="__xss(13)" data-xss="13',
    "' autofocus onfocus='__xss(14)' data-xss='14",
    "</script><script>__xss(15)</script>",
    '<iframe srcdoc="<script>parent.__xss(16)</script>" data-xss=16></iframe>',
    "<details open ontoggle=alert(17) data-xss=17>",
    "${__xss(18)}`;__xss(18);`",
    "<math><mtext><table><mglyph><style><img src=x onerror=__xss(19) data-xss=19>",
    '<input hx-post="/xss-probe/20" hx-trigger="load" data-xss=20>',
    "<ＳＣＲＩＰＴ>__xss(21)</ＳＣＲＩＰＴ>\u2028<img src=x onerror=__xss(21) data-xss=21>",
]
SHORT = '"><b data-xss=0>'  # 16 characters: tags, custom stages, cities
# What each page must show, whatever its field: the text of any payload (rendered as text).
SHOWN = "xss"

TRAP = """
window.__xssHits = [];
window.__xss = (n) => window.__xssHits.push(n);
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber} ${event.sample}`);
});
"""
INJECTED = (
    "[data-xss], a[href^='javascript:' i], [hx-get*='xss-probe'], [hx-post*='xss-probe'],"
    " iframe[srcdoc]"
)

_offsets = itertools.count()


def _text(max_length: int | None) -> str:
    """As many whole payloads as fit in `max_length`, starting at a rotating offset so that
    the fields between them carry the whole corpus."""
    start = next(_offsets)
    if max_length is None:
        return " ".join(CORPUS[start % len(CORPUS) :] + CORPUS[: start % len(CORPUS)])
    out = ""
    for step in range(len(CORPUS)):
        payload = CORPUS[(start + step) % len(CORPUS)]
        candidate = f"{out} {payload}" if out else payload
        if len(candidate) > max_length:
            continue
        out = candidate
    return out or SHORT[:max_length]


def _fill(instance, *names: str) -> None:  # type: ignore[no-untyped-def]
    """Set each named text field of `instance` to payloads that fit it, straight in the table."""
    values = {name: _text(instance._meta.get_field(name).max_length) for name in names}
    type(instance).objects.filter(pk=instance.pk).update(**values)
    for name, value in values.items():
        setattr(instance, name, value)


@dataclass
class Site:
    sessions: dict[str, str | None]
    pages: list[tuple[str, str]] = field(default_factory=list)  # (who, url)
    room_id: int = 0


def _build() -> Site:
    from django.utils import timezone

    from daigang.accounts.models import Membership, Organisation, User
    from daigang.accounts.testing import member_make, moderator_make, organisation_make
    from daigang.contracts.models import ContractKind, ContractTemplate, Signature
    from daigang.contracts.services import contract_sign, offer_accept, offer_decline
    from daigang.contracts.services.offers import DECLINE_REASON_MAX
    from daigang.contracts.testing import Hire, offer_make
    from daigang.hiring.models import OrganisationStage, RejectionReason, Stage
    from daigang.hiring.pipeline.notes import application_tag_add, note_add
    from daigang.hiring.pipeline.services import application_advance, application_reject
    from daigang.hiring.testing import application_make, seeker_make
    from daigang.interviews.models import InterviewParticipant
    from daigang.interviews.services import interview_schedule, verdict_record
    from daigang.jobs.testing import job_make
    from daigang.live.models import ChatMessage, Room
    from daigang.live.testing import room_make

    # given an organisation, its job, its live room and its people, every text a payload
    organisation = organisation_make(name="昆山精密电子有限公司")
    _fill(organisation, "name", "description", "address", "contact_name")
    owner = member_make(organisation=organisation, role=Membership.Role.OWNER)
    _fill(owner, "name")
    job = job_make(organisation=organisation, title="普工")
    _fill(job, "title", "duties", "requirements", "address", "kind_of_work")
    room = room_make(organisation=organisation, anchors=[owner], jobs=[job], state=Room.State.LIVE)
    _fill(room, "title")
    Room.objects.filter(pk=room.pk).update(pinned_job=job)

    seeker = seeker_make(name="张三")
    _fill(seeker, "name")
    application = application_make(job=job, seeker=seeker, name="张三")
    _fill(application, "name")
    note_add(application=application, author=owner, text=_text(500))
    application_tag_add(application=application, name=SHORT)
    OrganisationStage.objects.create(organisation=organisation, name=SHORT, after_stage="contacted")
    application_advance(
        application=application, to_stage=Stage.CONTACTED, by=owner, reason=_text(500)
    )
    for index in range(3):
        ChatMessage.objects.create(
            room=room, user=seeker, text=_text(200), client_token=f"x{index}"
        )

    # an interview with notes and a verdict, then an offer with notes and its contract
    now = timezone.now()
    interview = interview_schedule(
        organisation=organisation,
        by=owner,
        title="群面",
        starts_at=now + dt.timedelta(minutes=5),
        length_minutes=30,
        interviewer_ids=[owner.pk],
        application_ids=[application.pk],
        idempotency_key="xss-corpus-1",
        now=now,
    ).interview
    _fill(interview, "title", "notes")
    verdict = verdict_record(
        interview=interview,
        application_id=application.pk,
        interviewer=owner,
        decision="pass",
        score=4,
        comment="好",
    )
    _fill(verdict, "comment")
    hire = Hire(organisation, owner, job, seeker, application)
    offer = offer_make(hire, note="按时发薪", client_name="")
    _fill(offer, "note", "client_name", "job_title", "kind_of_work", "address")
    contract = offer_accept(offer=offer, seeker=seeker)
    signature, _created = contract_sign(
        contract=contract,
        party=Signature.Party.SEEKER,
        user=seeker,
        typed_name=contract.seeker_name,
        method=Signature.Method.TAPPED,
        ip="127.0.0.1",
        user_agent=_text(300),
    )
    _fill(signature, "typed_name", "user_agent")
    _fill(contract, "title", "body", "organisation_name", "seeker_name")
    template = ContractTemplate.objects.create(
        organisation=organisation, kind=ContractKind.EMPLOYMENT, title="x", body="x"
    )
    _fill(template, "title", "body")

    # a second seeker, turned down with a reason whose message and comment are payloads
    rejected = seeker_make(name="李四")
    _fill(rejected, "name")
    rejected_application = application_make(job=job, seeker=rejected, name="李四")
    _fill(rejected_application, "name")
    reason = RejectionReason.objects.create(
        organisation=organisation, name="x", message_template="x", order=99
    )
    _fill(reason, "name", "message_template")
    application_reject(
        application=rejected_application,
        rejection_reason=reason,
        by=owner,
        comment=_text(400),
    )

    # a third seeker declines an offer, with a reason
    decliner = seeker_make(name="王五")
    declined_hire = Hire(
        organisation, owner, job, decliner, application_make(job=job, seeker=decliner, name="王五")
    )
    declined = offer_decline(
        offer=offer_make(declined_hire), seeker=decliner, reason=_text(DECLINE_REASON_MAX)
    )

    # an organisation waiting for review, for the moderator
    pending = organisation_make(name="待审核", status=Organisation.Status.PENDING)
    _fill(pending, "name", "description", "address", "contact_name", "rejection_reason")
    moderator = moderator_make()
    admin = User.objects.create_superuser(phone="13700009999", name="管理员")

    seat = InterviewParticipant.objects.get(interview=interview, user=seeker)
    org, app = organisation.pk, application.pk
    return Site(
        sessions={
            "visitor": None,
            "seeker": session_cookie(seeker),
            "rejected": session_cookie(rejected),
            "decliner": session_cookie(decliner),
            "owner": session_cookie(owner),
            "moderator": session_cookie(moderator),
            "admin": session_cookie(admin),
        },
        room_id=room.pk,
        pages=[
            ("visitor", "/"),
            ("visitor", f"/jobs/{job.pk}/"),
            ("visitor", f"/org/{org}/"),
            ("visitor", f"/jobs/{job.pk}/apply/"),
            ("seeker", "/me/applications/"),
            ("seeker", "/me/interviews/"),
            ("seeker", f"/interviews/{seat.token}/"),
            ("seeker", f"/me/offers/{offer.pk}/"),
            ("seeker", f"/me/contracts/{contract.pk}/"),
            ("rejected", "/me/applications/"),
            ("owner", f"/manage/{org}/applications/"),
            ("owner", f"/manage/{org}/pipeline/"),
            ("owner", f"/manage/{org}/pipeline/table/"),
            ("owner", f"/manage/{org}/pipeline/settings/"),
            ("owner", f"/manage/{org}/applications/{app}/"),
            ("owner", f"/manage/{org}/applications/{rejected_application.pk}/"),
            ("owner", f"/manage/{org}/applications/{app}/offer/"),
            ("owner", f"/manage/{org}/applications/{declined_hire.application.pk}/offer/"),
            ("decliner", f"/me/offers/{declined.pk}/"),
            ("owner", f"/manage/{org}/interviews/"),
            ("owner", f"/manage/{org}/contracts/"),
            ("owner", f"/manage/{org}/contracts/{contract.pk}/"),
            ("owner", f"/manage/{org}/contract-templates/"),
            ("owner", f"/manage/{org}/jobs/"),
            ("owner", f"/manage/{org}/jobs/{job.pk}/edit/"),
            ("owner", "/accounts/organisations/"),
            ("owner", f"/live/manage/{org}/rooms/"),
            ("owner", f"/live/{room.pk}/console/"),
            ("moderator", "/accounts/review/"),
            ("moderator", f"/accounts/review/{pending.pk}/"),
            ("admin", f"/admin/accounts/organisation/{pending.pk}/change/"),
            ("admin", "/admin/hiring/application/"),
            ("admin", f"/admin/contracts/offer/{offer.pk}/change/"),
        ],
    )


@dataclass
class Watch:
    dialogs: list[str] = field(default_factory=list)
    probes: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)


def _context(browser, server: str, session: str | None, watch: Watch):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=server, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(TRAP)
    if session:
        context.add_cookies([{"name": "sessionid", "value": session, "url": server}])
    context.on("request", lambda r: watch.probes.append(r.url) if "xss-probe" in r.url else None)
    context.on(
        "console",
        lambda m: watch.console.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return context


def _page(contexts: dict, who: str, watch: Watch):  # type: ignore[no-untyped-def]
    page = contexts[who].new_page()

    def dismiss(dialog) -> None:  # type: ignore[no-untyped-def]
        # A confirm() the site itself asks (a dangerous button) is not a payload: none is
        # clicked here, so any dialog is one.
        watch.dialogs.append(f"{page.url}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", dismiss)
    return page


def _assert_clean(page, url: str, watch: Watch) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_timeout(300)  # late scripts (htmx load triggers, the chat socket)
    hits = page.evaluate("window.__xssHits")
    violations = page.evaluate("window.__cspViolations")
    injected = page.evaluate(
        f"Array.from(document.querySelectorAll({INJECTED!r})).map(e => e.outerHTML.slice(0, 120))"
    )
    assert hits == [], f"{url}: payloads ran: {hits}"
    assert violations == [], f"{url}: CSP blocked injected script: {violations}"
    assert injected == [], f"{url}: payload parsed as markup: {injected}"
    assert watch.dialogs == [], watch.dialogs
    assert watch.probes == [], watch.probes


def test_no_payload_in_any_free_text_field_runs_on_any_page_or_chat_frame(
    asgi_server, chromium, screenshot_on_failure
):
    # given every free-text field full of payloads, and each person's browser
    site = orm(_build)
    watch = Watch()
    contexts = {
        who: _context(chromium, asgi_server, session, watch)
        for who, session in site.sessions.items()
    }

    # when each person opens each page where those texts show
    shown_nowhere = []
    pages = {who: _page(contexts, who, watch) for who in contexts}
    screenshot_on_failure.extend(pages.items())
    for who, url in site.pages:
        page = pages[who]
        response = page.goto(url)
        page.wait_for_load_state("load")

        # then the page loaded, shows the payloads as text, and none of them ran
        assert response is not None and response.ok, (url, response and response.status)
        if SHOWN not in page.inner_text("body"):
            shown_nowhere.append(url)
        _assert_clean(page, url, watch)

    # when a seeker and the anchor send payloads through the chat form (the WebSocket), and a
    # visitor watches the room
    room = f"/live/{site.room_id}/"
    viewer = pages["visitor"]
    viewer.goto(room)
    viewer.wait_for_selector("[data-room-chat][data-connection=open]")
    senders = [(pages["seeker"], room), (pages["owner"], room)]
    for index, (sender, url) in enumerate(senders):
        sender.goto(url)
        sender.wait_for_selector("[data-room-chat][data-connection=open]")
        text = " ".join(CORPUS[index * 3 : index * 3 + 3])[:200]
        sender.fill("[data-chat-form] input[name=text]", text)
        sender.press("[data-chat-form] input[name=text]", "Enter")
        viewer.wait_for_function(
            "(text) => Array.from(document.querySelectorAll('.chat-line .chat-text'))"
            ".some((e) => e.textContent === text)",
            arg=text,
        )

    # then the viewer's page (history and live frames) and the senders' show text, nothing ran
    for page in [viewer, *(sender for sender, _url in senders)]:
        assert SHOWN in page.inner_text("[data-room-chat]")
        _assert_clean(page, room, watch)
    assert watch.console == []
    # pages that show none of the seeded texts would not test anything: list them, if any
    assert shown_nowhere == [], f"pages that show no payload text: {shown_nowhere}"
