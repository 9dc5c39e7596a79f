"""Scheduling an interview: who takes part, stage moves, notifications, idempotency."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from daigang.hiring.models import Notification, Stage, StageChange
from daigang.hiring.pipeline.services import application_advance
from daigang.interviews.models import Interview, InterviewParticipant
from daigang.interviews.services import interview_schedule
from daigang.interviews.testing import interview_make, world_make

pytestmark = pytest.mark.django_db


def test_a_group_interview_gives_every_participant_an_own_unguessable_link():
    # given
    world = world_make()
    # when
    interview = interview_make(
        world,
        applications=[world.application, world.application_b],
        interviewers=[world.owner, world.hr],
    )
    # then
    seats = list(interview.participants.order_by("id"))
    assert [(s.user_id, s.role) for s in seats] == [
        (world.owner.pk, "interviewer"),
        (world.hr.pk, "interviewer"),
        (world.seeker.pk, "candidate"),
        (world.seeker_b.pk, "candidate"),
    ]
    tokens = {s.token for s in seats}
    assert len(tokens) == 4
    assert all(len(token) >= 32 for token in tokens)
    assert [s.application_id for s in seats if s.is_candidate] == [
        world.application.pk,
        world.application_b.pk,
    ]


def test_scheduling_moves_each_application_to_interview_with_history():
    world = world_make()

    interview_make(world, applications=[world.application, world.application_b])

    for application in (world.application, world.application_b):
        application.refresh_from_db()
        assert application.stage == Stage.INTERVIEW
        change = StageChange.objects.get(application=application)
        assert (change.from_stage, change.to_stage, change.by_id) == (
            "applied",
            "interview",
            world.owner.pk,
        )


def test_an_application_already_past_interview_is_left_where_it_is():
    # given an application that already has an offer (a second-round interview)
    world = world_make()
    application_advance(application=world.application, to_stage="offer", by=world.owner)
    # when
    interview_make(world, applications=[world.application])
    # then
    world.application.refresh_from_db()
    assert world.application.stage == Stage.OFFER
    assert StageChange.objects.filter(application=world.application).count() == 1


def test_each_candidate_is_texted_their_own_link_after_commit(
    sms_outbox, django_capture_on_commit_callbacks
):
    # given
    world = world_make()
    start = timezone.make_aware(dt.datetime(2030, 3, 2, 14, 30))  # Asia/Shanghai
    # when
    with django_capture_on_commit_callbacks(execute=True):
        interview = interview_schedule(
            organisation=world.organisation,
            by=world.owner,
            title="普工面试",
            starts_at=start,
            length_minutes=20,
            interviewer_ids=[world.owner.pk],
            application_ids=[world.application.pk, world.application_b.pk],
            idempotency_key="k1",
            link_base="https://daigang.example/",
            now=start - dt.timedelta(days=1),
        ).interview
    # then each seeker got the invite with their own absolute link
    for seeker in (world.seeker, world.seeker_b):
        token = InterviewParticipant.objects.get(interview=interview, user=seeker).token
        invite = [m for m in sms_outbox if m.phone == seeker.phone and token in m.message]
        assert len(invite) == 1
        # and only the invite: no separate "stage changed" text for the same event
        assert [m for m in sms_outbox if m.phone == seeker.phone] == invite
        text = invite[0].message
        assert f"https://daigang.example/interviews/{token}/" in text
        assert "2030-03-02 14:30" in text and "约20分钟" in text and "普工（电子厂）" in text
        notification = Notification.objects.get(user=seeker, url=f"/interviews/{token}/")
        assert notification.text == text
    # and nobody got someone else's link
    a, b = (
        InterviewParticipant.objects.get(interview=interview, user=u).token
        for u in (world.seeker, world.seeker_b)
    )
    assert not any(b in m.message for m in sms_outbox if m.phone == world.seeker.phone)
    assert not any(a in m.message for m in sms_outbox if m.phone == world.seeker_b.phone)


def test_sending_the_same_form_twice_schedules_one_interview(sms_outbox):
    world = world_make()
    kwargs = {
        "organisation": world.organisation,
        "by": world.owner,
        "title": "普工面试",
        "starts_at": timezone.now() + dt.timedelta(hours=2),
        "length_minutes": 30,
        "interviewer_ids": [world.owner.pk],
        "application_ids": [world.application.pk],
        "idempotency_key": "same-form",
    }

    first = interview_schedule(**kwargs)
    second = interview_schedule(**kwargs)

    assert first.created and not second.created
    assert second.interview.pk == first.interview.pk
    assert Interview.objects.count() == 1
    assert (
        Notification.objects.filter(user=world.seeker, url__startswith="/interviews/").count() == 1
    )
