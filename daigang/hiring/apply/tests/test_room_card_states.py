"""Every job card in a live room shows the seeker's own state for that job from the server
(issue #15): 一键报名, 已报名, or 重新报名 after a withdrawal — also after a reload."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from daigang.accounts.testing import organisation_make
from daigang.hiring.pipeline.services import application_withdraw
from daigang.hiring.testing import application_make, seeker_make
from daigang.jobs.testing import job_make
from daigang.live.testing import room_make

pytestmark = pytest.mark.django_db


def _labels(page: str) -> dict[int, str]:
    """{job id: the apply button's text} for the room's list of jobs (not the pinned card)."""
    jobs = page.split('class="room-jobs"', 1)[1]
    return {
        int(job_id): label
        for job_id, label in re.findall(
            r'data-apply-job="(\d+)".*?>([^<]+)</a>', jobs, flags=re.DOTALL
        )
    }


def _room_with_three_jobs():
    organisation = organisation_make()
    jobs = [job_make(organisation=organisation, title=title) for title in ("普工", "叉车", "质检")]
    room = room_make(organisation=organisation, jobs=jobs)
    return room, jobs


def test_the_cards_say_applied_withdrawn_or_apply_for_this_seeker(client):
    # given a seeker who applied to one job of the room and withdrew from another
    room, (applied, withdrawn, untouched) = _room_with_three_jobs()
    seeker = seeker_make(phone="13800005555")
    application_make(job=applied, seeker=seeker)
    application_withdraw(application=application_make(job=withdrawn, seeker=seeker), seeker=seeker)
    client.force_login(seeker)
    # when they open (or reload) the room
    page = client.get(f"/live/{room.pk}/").content.decode()
    # then each card says where they stand
    assert _labels(page) == {
        applied.pk: "已报名",
        withdrawn.pk: "重新报名",
        untouched.pk: "一键报名",
    }
    assert f'"{applied.pk}": "applied"' in page  # the map kept for cards pinned later


def test_another_viewer_and_an_anonymous_one_see_apply_on_every_card(client):
    room, jobs = _room_with_three_jobs()
    application_make(job=jobs[0], seeker=seeker_make(phone="13800005555"))

    anonymous = client.get(f"/live/{room.pk}/").content.decode()
    client.force_login(seeker_make(phone="13800006666"))
    other = client.get(f"/live/{room.pk}/").content.decode()

    assert set(_labels(anonymous).values()) == {"一键报名"}
    assert set(_labels(other).values()) == {"一键报名"}


def test_the_pinned_card_shows_the_seekers_state_too(client):
    room, jobs = _room_with_three_jobs()
    room.pinned_job = jobs[1]
    room.save(update_fields=["pinned_job"])
    seeker = seeker_make(phone="13800005555")
    application_make(job=jobs[1], seeker=seeker)
    client.force_login(seeker)

    page = client.get(f"/live/{room.pk}/").content.decode()

    pin = page.split('id="pin-body"', 1)[1].split("</article>", 1)[0]
    assert 'data-apply-state="done"' in pin and "已报名" in pin


def test_the_states_cost_one_query_however_many_cards(client):
    # given a seeker who applied to one job, then to all three
    room, jobs = _room_with_three_jobs()
    seeker = seeker_make(phone="13800005555")
    client.force_login(seeker)
    application_make(job=jobs[0], seeker=seeker)
    with CaptureQueriesContext(connection) as one:
        client.get(f"/live/{room.pk}/")
    for job in jobs[1:]:
        application_make(job=job, seeker=seeker)
    # when the page is rendered again, then it costs the same number of queries
    with CaptureQueriesContext(connection) as three:
        client.get(f"/live/{room.pk}/")
    assert len(three) == len(one)


def test_the_states_endpoint_answers_for_the_viewer_alone(client):
    # given a seeker with one application and one withdrawn
    _room, (applied, withdrawn, untouched) = _room_with_three_jobs()
    seeker = seeker_make(phone="13800005555")
    application_make(job=applied, seeker=seeker)
    application_withdraw(application=application_make(job=withdrawn, seeker=seeker), seeker=seeker)
    url = f"/jobs/apply-states/?jobs={applied.pk},{withdrawn.pk},{untouched.pk},junk"
    # when an anonymous viewer and then the seeker ask
    anonymous = client.get(url)
    client.force_login(seeker)
    mine = client.get(url)
    # then only the seeker learns their states, and nothing is cached
    assert anonymous.json() == {"states": {}}
    assert mine.json() == {"states": {str(applied.pk): "applied", str(withdrawn.pk): "withdrawn"}}
    assert "no-cache" in mine["Cache-Control"] or "max-age=0" in mine["Cache-Control"]
