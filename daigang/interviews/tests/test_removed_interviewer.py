"""A member removed from the organisation leaves its interview panels at once: no call page,
no call socket, no muting, no verdicts, and off every panel still to come."""

from __future__ import annotations

import datetime as dt

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from daigang.accounts.models import Membership
from daigang.accounts.services import membership_remove
from daigang.core.refused import Refused
from daigang.interviews.models import Interview
from daigang.interviews.services import participant_mute_set, verdict_record
from daigang.interviews.testing import client_for, interview_make, seat, world_make
from daigang.interviews.tests.test_signalling import (
    _cookie,
    _joined,
    _refused,
    _socket,
    _until,
    run,
)


def _remove(world, user) -> None:
    membership = Membership.objects.get(organisation=world.organisation, user=user)
    membership_remove(membership=membership, by=world.owner)


def _membership_gone(world, user) -> None:
    """The membership row gone and nothing else touched: the checks alone must hold."""
    Membership.objects.filter(organisation=world.organisation, user=user).delete()


@pytest.mark.django_db
def test_a_removed_hr_member_is_taken_off_upcoming_panels_but_not_past_ones():
    # given HR on the panel of an interview to come and of one already done
    world = world_make()
    upcoming = interview_make(world, interviewers=[world.owner, world.hr])
    done = interview_make(
        world,
        interviewers=[world.owner, world.hr],
        starts_at=timezone.now() - dt.timedelta(days=3),
        now=timezone.now() - dt.timedelta(days=4),
    )
    Interview.objects.filter(pk=done.pk).update(state=Interview.State.DONE)

    # when
    _remove(world, world.hr)

    # then
    assert seat(upcoming, world.hr).removed
    assert not seat(upcoming, world.owner).removed
    assert not seat(done, world.hr).removed


@pytest.mark.django_db
def test_a_removed_hr_member_gets_404_on_their_interview_link():
    # given
    world = world_make()
    interview = interview_make(world, interviewers=[world.owner, world.hr])
    token = seat(interview, world.hr).token

    # when
    _remove(world, world.hr)

    # then
    assert client_for(world.hr).get(f"/interviews/{token}/").status_code == 404
    assert client_for(world.hr).get(f"/interviews/{token}/invite.ics").status_code == 404


@pytest.mark.django_db
def test_an_interviewer_who_is_no_longer_a_member_cannot_mute_or_judge():
    # given HR still seated (say, from before this fix) but no longer a member
    world = world_make()
    interview = interview_make(world, interviewers=[world.owner, world.hr])
    candidate = seat(interview, world.seeker)
    _membership_gone(world, world.hr)

    # when / then
    with pytest.raises(Refused) as muting:
        participant_mute_set(
            interview=interview, participant_id=candidate.pk, muted=True, by=world.hr
        )
    with pytest.raises(Refused) as judging:
        verdict_record(
            interview=interview,
            application_id=world.application.pk,
            interviewer=world.hr,
            decision="fail",
            score=1,
        )
    assert muting.value.code == judging.value.code == "not_interviewer"
    candidate.refresh_from_db()
    assert not candidate.muted
    assert (
        client_for(world.hr).get(f"/interviews/{seat(interview, world.hr).token}/").status_code
        == 404
    )


@pytest.mark.django_db(transaction=True)
def test_an_interviewer_who_is_no_longer_a_member_cannot_join_the_call():
    world = world_make()
    interview = interview_make(world, interviewers=[world.owner, world.hr])
    token = seat(interview, world.hr).token
    _membership_gone(world, world.hr)

    async def scenario():
        return await _refused(_socket(token, _cookie(world.hr)))

    event, code = run(scenario)

    assert event["data"]["code"] == "not_found" and code == 4403


@pytest.mark.django_db(transaction=True)
def test_removal_closes_the_members_call_socket_and_mute_is_refused():
    # given HR and the candidate in the call
    world = world_make()
    interview = interview_make(world, interviewers=[world.owner, world.hr])
    hr_seat = seat(interview, world.hr)
    candidate = seat(interview, world.seeker)
    remove = sync_to_async(_remove)

    async def scenario():
        hr = _socket(hr_seat.token, _cookie(world.hr))
        await _joined(hr)
        seeker = _socket(candidate.token, _cookie(world.seeker))
        await _joined(seeker)
        # when the owner removes HR from the organisation
        await remove(world, world.hr)
        closed = None
        while closed is None or closed["type"] != "websocket.close":
            closed = await hr.receive_output(timeout=3)
        seen_by_candidate = await _until(seeker, "removed")
        again = await _refused(_socket(hr_seat.token, _cookie(world.hr)))
        await seeker.disconnect()
        return closed, seen_by_candidate, again

    closed, seen_by_candidate, (event, code) = run(scenario)

    # then
    assert closed["code"] == 4403
    assert seen_by_candidate == {"participant": hr_seat.pk}
    assert event["data"]["code"] == "not_found" and code == 4403
    with pytest.raises(Refused):
        participant_mute_set(
            interview=interview, participant_id=candidate.pk, muted=True, by=world.hr
        )
