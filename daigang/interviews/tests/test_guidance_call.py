"""A guidance call (职业指导): the interview call page for a matchmaker and a seeker, with no
application, no verdicts and no pipeline; 404 for anyone else; out of the organisation's
interview pages."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from daigang.accounts.models import Membership
from daigang.accounts.testing import member_make
from daigang.core.refused import Refused
from daigang.fairs.testing import bureau_make
from daigang.hiring.testing import seeker_make
from daigang.interviews.models import Interview, InterviewParticipant
from daigang.interviews.services import (
    guidance_call_cancel,
    guidance_call_schedule,
    interview_finish,
)

pytestmark = pytest.mark.django_db

START = dt.datetime(2030, 3, 2, 6, 0, tzinfo=dt.UTC)  # 14:00 北京时间


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def call():
    bureau = bureau_make(region="620100")
    host = member_make(organisation=bureau, role=Membership.Role.MATCHMAKER, name="专员小周")
    guest = seeker_make(name="马小军")
    interview = guidance_call_schedule(
        organisation=bureau,
        host=host,
        guest=guest,
        starts_at=START,
        length_minutes=30,
        title="职业指导 · 专员小周",
        idempotency_key="g-1",
        now=START - dt.timedelta(days=1),
    ).interview
    seats = {p.user_id: p for p in interview.participants.all()}
    return bureau, interview, host, guest, seats[host.pk], seats[guest.pk]


def _config(html: str) -> dict:
    match = re.search(r'<script id="interview-config" type="application/json">(.*?)</script>', html)
    assert match, "no call config on the page"
    return json.loads(match.group(1))


def test_the_same_key_again_returns_the_first_call(call):
    bureau, interview, host, guest, *_ = call
    again = guidance_call_schedule(
        organisation=bureau,
        host=host,
        guest=guest,
        starts_at=START,
        length_minutes=30,
        title="x",
        idempotency_key="g-1",
        now=START - dt.timedelta(days=1),
    )
    assert not again.created and again.interview.pk == interview.pk
    assert Interview.objects.count() == 1


def test_the_call_page_opens_for_the_matchmaker_and_the_seeker_without_verdicts_or_pipeline(call):
    _bureau, _interview, host, guest, host_seat, guest_seat = call
    with time_machine.travel(START - dt.timedelta(minutes=10), tick=False):
        for user, seat in ((host, host_seat), (guest, guest_seat)):
            response = _client(user).get(reverse("interviews:call", args=[seat.token]))
            html = response.content.decode()
            assert response.status_code == 200
            assert _config(html)["labels"]["interviewer"] == "就业服务专员"
            assert "进入职业指导" in html
            # no candidates' panel, no verdict form, no link to the interview's detail page
            assert 'id="candidates"' not in html
            assert 'name="decision"' not in html
            assert "/interviews/" + str(_interview.pk) not in html


def test_the_call_page_is_404_for_anyone_else_even_with_the_link(call):
    bureau, _interview, _host, _guest, host_seat, guest_seat = call
    owner = member_make(organisation=bureau, role=Membership.Role.OWNER)
    stranger = seeker_make(name="王五")
    with time_machine.travel(START - dt.timedelta(minutes=10), tick=False):
        for user in (owner, stranger):
            for seat in (host_seat, guest_seat):
                url = reverse("interviews:call", args=[seat.token])
                assert _client(user).get(url).status_code == 404


def test_a_guidance_call_is_not_on_the_organisations_interview_pages(call):
    bureau, interview, *_ = call
    owner = member_make(organisation=bureau, role=Membership.Role.OWNER)
    client = _client(owner)
    assert (
        client.get(reverse("interviews:detail", args=[bureau.pk, interview.pk])).status_code == 404
    )
    listing = client.get(reverse("interviews:list", args=[bureau.pk])).content.decode()
    assert interview.title not in listing


def test_the_seekers_calendar_invite_says_career_guidance(call):
    *_, guest, _host_seat, guest_seat = call
    response = _client(guest).get(reverse("interviews:invite", args=[guest_seat.token]))
    assert response.status_code == 200
    assert "职业指导" in response.content.decode()


def test_the_matchmaker_may_end_the_call_and_either_side_may_cancel_it(call):
    _bureau, interview, host, guest, *_ = call
    stranger = seeker_make(name="王五")
    with pytest.raises(Refused):
        guidance_call_cancel(interview=interview, by=stranger)
    with pytest.raises(Refused):
        interview_finish(interview=interview, by=guest)
    assert interview_finish(interview=interview, by=host).state == Interview.State.DONE
    # an ended call stays ended when cancelled
    assert guidance_call_cancel(interview=interview, by=guest).state == Interview.State.DONE


def test_a_candidate_seat_without_application_shows_the_seekers_own_name(call):
    *_, guest_seat = call
    assert InterviewParticipant.objects.get(pk=guest_seat.pk).display_name == "马小军"
