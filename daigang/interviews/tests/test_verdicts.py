"""Verdicts: one per interviewer and candidate, and how the application moves on from them."""

from __future__ import annotations

import pytest

from daigang.core.refused import Refused
from daigang.hiring.models import Stage, StageChange
from daigang.interviews.models import Verdict
from daigang.interviews.outcomes import Outcome, verdict_outcome
from daigang.interviews.services import candidate_outcome, verdict_record
from daigang.interviews.testing import interview_make, world_make

pytestmark = pytest.mark.django_db


def _record(interview, application, interviewer, decision, score=3, comment=""):
    return verdict_record(
        interview=interview,
        application_id=application.pk,
        interviewer=interviewer,
        decision=decision,
        score=score,
        comment=comment,
    )


def test_a_sole_interviewers_fail_rejects_the_application_as_not_passed():
    # given
    world = world_make()
    interview = interview_make(world, applications=[world.application, world.application_b])
    # when
    _record(interview, world.application, world.owner, "fail", score=2, comment="沟通不顺")
    # then
    world.application.refresh_from_db()
    assert world.application.stage == Stage.REJECTED
    change = StageChange.objects.filter(application=world.application).last()
    assert (change.to_stage, change.reason, change.by_id) == (
        "rejected",
        "面试未通过",
        world.owner.pk,
    )
    # and the other candidate is untouched
    world.application_b.refresh_from_db()
    assert world.application_b.stage == Stage.INTERVIEW


def test_a_pass_keeps_the_application_at_interview_ready_for_an_offer():
    world = world_make()
    interview = interview_make(world)

    _record(interview, world.application, world.owner, "pass", score=5)

    world.application.refresh_from_db()
    assert world.application.stage == Stage.INTERVIEW
    assert candidate_outcome(interview=interview, application=world.application) == Outcome.PASSED


def test_a_hold_changes_nothing():
    world = world_make()
    interview = interview_make(world)

    _record(interview, world.application, world.owner, "hold")

    world.application.refresh_from_db()
    assert world.application.stage == Stage.INTERVIEW
    assert candidate_outcome(interview=interview, application=world.application) == (
        Outcome.UNDECIDED
    )


def test_with_two_interviewers_one_fail_waits_for_the_other():
    # given a panel of two
    world = world_make()
    interview = interview_make(world, interviewers=[world.owner, world.hr])
    # when the first fails the candidate
    _record(interview, world.application, world.owner, "fail")
    # then nothing happens yet
    world.application.refresh_from_db()
    assert world.application.stage == Stage.INTERVIEW
    assert candidate_outcome(interview=interview, application=world.application) == Outcome.PENDING
    # when the second fails them too, the application is rejected
    _record(interview, world.application, world.hr, "fail")
    world.application.refresh_from_db()
    assert world.application.stage == Stage.REJECTED


def test_a_split_panel_leaves_the_decision_to_the_organisation():
    world = world_make()
    interview = interview_make(world, interviewers=[world.owner, world.hr])

    _record(interview, world.application, world.owner, "fail")
    _record(interview, world.application, world.hr, "pass")

    world.application.refresh_from_db()
    assert world.application.stage == Stage.INTERVIEW
    assert candidate_outcome(interview=interview, application=world.application) == (
        Outcome.UNDECIDED
    )


def test_recording_again_updates_the_one_verdict():
    world = world_make()
    interview = interview_make(world)

    _record(interview, world.application, world.owner, "hold", score=3, comment="再看看")
    _record(interview, world.application, world.owner, "pass", score=4, comment="可以")

    [verdict] = Verdict.objects.all()
    assert (verdict.decision, verdict.score, verdict.comment) == ("pass", 4, "可以")


@pytest.mark.parametrize("score", [0, 6, "abc", None, "", -1])
def test_a_score_outside_1_to_5_is_refused(score):
    world = world_make()
    interview = interview_make(world)

    with pytest.raises(Refused) as caught:
        _record(interview, world.application, world.owner, "pass", score=score)

    assert caught.value.message == "评分请选择1到5分"
    assert not Verdict.objects.exists()


def test_an_unknown_decision_is_refused():
    world = world_make()
    interview = interview_make(world)

    with pytest.raises(Refused) as caught:
        _record(interview, world.application, world.owner, "maybe")

    assert caught.value.message == "请选择面试结论"


def test_a_member_who_is_not_on_the_panel_cannot_record_a_verdict():
    world = world_make()
    interview = interview_make(world, interviewers=[world.owner])

    with pytest.raises(Refused) as caught:
        _record(interview, world.application, world.hr, "fail")

    assert caught.value.code == "not_interviewer"
    world.application.refresh_from_db()
    assert world.application.stage == Stage.INTERVIEW


def test_a_candidate_of_another_interview_cannot_be_judged_here():
    world = world_make()
    interview = interview_make(world, applications=[world.application])
    interview_make(world, applications=[world.application_b])

    with pytest.raises(Refused) as caught:
        _record(interview, world.application_b, world.owner, "fail")

    assert caught.value.code == "no_such_candidate"


@pytest.mark.parametrize(
    ("decisions", "panel", "outcome"),
    [
        ([], 1, Outcome.PENDING),
        (["pass"], 2, Outcome.PENDING),
        (["fail"], 1, Outcome.FAILED),
        (["fail", "fail"], 2, Outcome.FAILED),
        (["pass", "pass"], 2, Outcome.PASSED),
        (["pass", "hold"], 2, Outcome.UNDECIDED),
        (["pass", "fail"], 2, Outcome.UNDECIDED),
    ],
)
def test_the_outcome_rule(decisions, panel, outcome):
    assert verdict_outcome(decisions=decisions, interviewers=panel) == outcome
