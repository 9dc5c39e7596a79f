"""Who may see and change what: every endpoint × owner, other organisation's member, the
candidate, another seeker, anonymous. Outsiders get 404 (they cannot even learn an interview
exists); anonymous visitors of pages and forms are sent to log in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from daigang.interviews.models import Interview, InterviewParticipant, Verdict
from daigang.interviews.testing import ROLES, client_for, interview_make, seat, world_make

pytestmark = pytest.mark.django_db

MEMBER_ONLY = {"owner": 200, "other_organisation": 404, "seeker": 404, "other_seeker": 404}
LINK_OWNER_ONLY = {"owner": 404, "other_organisation": 404, "seeker": 200, "other_seeker": 404}


def _status(response, role: str) -> int:
    if role == "anonymous" and response.status_code == 302:
        assert response["Location"].startswith("/accounts/login/")
        return 302
    return response.status_code


@pytest.fixture
def setup():
    world = world_make()
    interview = interview_make(world, applications=[world.application])
    return world, interview


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["list", "new", "detail"])
def test_organisation_pages_are_for_its_members_only(setup, role, page):
    world, interview = setup
    org = world.organisation.pk
    url = {
        "list": f"/manage/{org}/interviews/",
        "new": f"/manage/{org}/interviews/new/?applications={world.application.pk}",
        "detail": f"/manage/{org}/interviews/{interview.pk}/",
    }[page]

    response = client_for(world.user(role)).get(url)

    assert _status(response, role) == {**MEMBER_ONLY, "anonymous": 302}[role]
    if role != "owner":
        assert "张三" not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_only_members_can_schedule(setup, role):
    world, _ = setup
    before = Interview.objects.count()

    response = client_for(world.user(role)).post(
        f"/manage/{world.organisation.pk}/interviews/new/",
        {
            "title": "复试",
            "starts_at": (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "length_minutes": "30",
            "interviewers": [str(world.owner.pk)],
            "applications": [str(world.application_b.pk)],
            "idempotency_key": f"auth-{role}",
        },
    )

    if role == "owner":
        assert response.status_code == 302
        assert Interview.objects.count() == before + 1
    else:
        assert _status(response, role) == (302 if role == "anonymous" else 404)
        assert Interview.objects.count() == before


@pytest.mark.parametrize("role", ROLES)
def test_only_the_panel_can_record_a_verdict(setup, role):
    world, interview = setup

    response = client_for(world.user(role)).post(
        f"/manage/{world.organisation.pk}/interviews/{interview.pk}/verdicts/",
        {"application": world.application.pk, "decision": "pass", "score": "4"},
    )

    if role == "owner":
        assert response.status_code == 302
        assert Verdict.objects.count() == 1
    else:
        assert _status(response, role) == (302 if role == "anonymous" else 404)
        assert not Verdict.objects.exists()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["cancel", "finish", "remove"])
def test_only_members_can_cancel_finish_or_remove(setup, role, action):
    world, interview = setup
    candidate = seat(interview, world.seeker)
    base = f"/manage/{world.organisation.pk}/interviews/{interview.pk}"
    url = {
        "cancel": f"{base}/cancel/",
        "finish": f"{base}/finish/",
        "remove": f"{base}/participants/{candidate.pk}/remove/",
    }[action]

    response = client_for(world.user(role)).post(url)

    interview.refresh_from_db()
    candidate.refresh_from_db()
    if role == "owner":
        assert response.status_code == 302
        changed = {
            "cancel": interview.state == Interview.State.CANCELLED,
            "finish": interview.state == Interview.State.DONE,
            "remove": candidate.removed,
        }[action]
        assert changed
    else:
        assert _status(response, role) == (302 if role == "anonymous" else 404)
        assert interview.state == Interview.State.SCHEDULED
        assert not candidate.removed


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["call", "invite"])
def test_a_personal_link_opens_only_for_its_own_candidate(setup, role, page):
    world, interview = setup
    token = seat(interview, world.seeker).token
    url = f"/interviews/{token}/" + ("invite.ics" if page == "invite" else "")

    response = client_for(world.user(role)).get(url)

    assert _status(response, role) == {**LINK_OWNER_ONLY, "anonymous": 302}[role]


def test_the_interviewers_own_link_opens_only_for_them(setup):
    world, interview = setup
    token = seat(interview, world.owner).token

    assert client_for(world.owner).get(f"/interviews/{token}/").status_code == 200
    assert client_for(world.hr).get(f"/interviews/{token}/").status_code == 404
    assert client_for(world.seeker).get(f"/interviews/{token}/").status_code == 404


def test_a_made_up_token_is_404(setup):
    world, _ = setup

    assert client_for(world.seeker).get("/interviews/not-a-real-token/").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_my_interviews_lists_only_ones_own(setup, role):
    world, interview = setup
    token = seat(interview, world.seeker).token

    response = client_for(world.user(role)).get("/me/interviews/")

    if role == "anonymous":
        assert _status(response, role) == 302
        return
    assert response.status_code == 200
    assert (token in response.content.decode()) == (role == "seeker")
    assert not InterviewParticipant.objects.filter(token=token).exclude(user=world.seeker).exists()
