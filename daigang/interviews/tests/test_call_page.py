"""The video call page at a personal link: open in the join window, otherwise says why."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import time_machine
from django.templatetags.static import static

from daigang.interviews.services import interview_cancel, participant_remove
from daigang.interviews.testing import client_for, interview_make, seat, world_make

pytestmark = pytest.mark.django_db

START = dt.datetime(2030, 3, 2, 14, 0, tzinfo=dt.UTC)


def _config(html: str) -> dict:
    match = re.search(r'<script id="interview-config" type="application/json">(.*?)</script>', html)
    assert match, "no call config on the page"
    return json.loads(match.group(1))


@pytest.fixture
def setup():
    world = world_make()
    interview = interview_make(
        world,
        applications=[world.application, world.application_b],
        starts_at=START,
        now=START - dt.timedelta(days=1),
    )
    return world, interview


def test_before_the_window_the_page_says_when_and_refreshes_itself(setup):
    world, interview = setup
    token = seat(interview, world.seeker).token

    with time_machine.travel(START - dt.timedelta(minutes=30), tick=False):
        html = client_for(world.seeker).get(f"/interviews/{token}/").content.decode()

    assert "可在开始前15分钟进入" in html
    assert 'http-equiv="refresh"' in html
    assert "interview-config" not in html


def test_fifteen_minutes_before_the_start_the_call_opens_with_its_signalling_config(
    setup, settings
):
    world, interview = setup
    settings.WEBRTC_ICE_SERVERS = ["stun:stun.example.net:3478", "turn:turn.example.net:3478"]
    settings.WEBRTC_TURN_USERNAME = "daigang"
    settings.WEBRTC_TURN_CREDENTIAL = "secret"
    mine = seat(interview, world.seeker)

    with time_machine.travel(START - dt.timedelta(minutes=15), tick=False):
        html = client_for(world.seeker).get(f"/interviews/{mine.token}/").content.decode()

    config = _config(html)
    assert config["ws_path"] == f"/ws/interviews/{mine.token}/"
    assert config["ice_servers"] == [
        {"urls": "stun:stun.example.net:3478"},
        {"urls": "turn:turn.example.net:3478", "username": "daigang", "credential": "secret"},
    ]
    assert config["me"] == mine.pk and config["role"] == "candidate"
    assert config["labels"]["muted_by_interviewer"] == "已被面试官静音"
    assert static("js/interview.js") in html
    # a candidate gets no interviewer controls and no verdict forms
    assert 'data-action="mute"' not in html and "verdict-form" not in html


def test_the_interviewer_sees_each_candidate_with_controls_and_a_verdict_form(setup):
    world, interview = setup
    token = seat(interview, world.owner).token

    with time_machine.travel(START, tick=False):
        html = client_for(world.owner).get(f"/interviews/{token}/").content.decode()

    for candidate in (world.seeker, world.seeker_b):
        pid = seat(interview, candidate).pk
        assert f'data-action="mute" data-participant="{pid}"' in html
        assert f'data-action="remove" data-participant="{pid}"' in html
        assert f'data-action="focus" data-participant="{pid}"' in html
    assert html.count('class="verdict-form"') == 2
    assert 'id="end"' in html


def test_a_removed_candidate_is_told_and_cannot_get_back_in(setup):
    world, interview = setup
    mine = seat(interview, world.seeker)
    participant_remove(interview=interview, participant_id=mine.pk, by=world.owner)

    with time_machine.travel(START, tick=False):
        response = client_for(world.seeker).get(f"/interviews/{mine.token}/")

    assert response.status_code == 403
    assert "您已被面试官移出本场面试" in response.content.decode()
    assert "interview-config" not in response.content.decode()


def test_a_cancelled_interview_says_so(setup):
    world, interview = setup
    interview_cancel(interview=interview, by=world.owner)

    with time_machine.travel(START, tick=False):
        html = (
            client_for(world.seeker)
            .get(f"/interviews/{seat(interview, world.seeker).token}/")
            .content.decode()
        )

    assert "本场面试已取消" in html


def test_an_hour_after_the_planned_end_the_call_is_closed(setup):
    world, interview = setup
    end = START + dt.timedelta(minutes=interview.length_minutes)

    with time_machine.travel(end + dt.timedelta(minutes=61), tick=False):
        html = (
            client_for(world.seeker)
            .get(f"/interviews/{seat(interview, world.seeker).token}/")
            .content.decode()
        )

    assert "本场面试已结束" in html
