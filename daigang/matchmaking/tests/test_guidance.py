"""Career guidance (职业指导): a matchmaker opens slots, a seeker they follow books one and the
call is a guidance interview; cancelling on either side; the pages of both."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from daigang.core.refused import Refused
from daigang.core.times import local_time_text
from daigang.fairs.testing import bureau_make
from daigang.hiring.models import Notification
from daigang.hiring.testing import seeker_make
from daigang.interviews.models import Interview, InterviewParticipant
from daigang.matchmaking import guidance, services
from daigang.matchmaking.models import FollowUp, GuidanceSlot
from daigang.matchmaking.testing import case_make, matchmaker_make

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _tomorrow(hour: int = 14) -> dt.datetime:
    local = timezone.localtime() + dt.timedelta(days=1)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def bureau():
    return bureau_make(region="620100")


@pytest.fixture
def matchmaker(bureau):
    return matchmaker_make(organisation=bureau)


@pytest.fixture
def seeker():
    return seeker_make(name="马小军")


@pytest.fixture
def case(matchmaker, seeker):
    return case_make(membership=matchmaker, seeker=seeker)


def _open(matchmaker, *, count: int = 1, at: dt.datetime | None = None, key: str = ""):
    return guidance.guidance_slots_open(
        membership=matchmaker,
        by=matchmaker.user,
        starts_at=at or _tomorrow(),
        length_minutes=30,
        count=count,
        batch_key=key or uuid.uuid4().hex,
    )


# --- opening and cancelling slots -----------------------------------------------------------


def test_a_matchmaker_opens_three_back_to_back_slots_of_thirty_minutes(matchmaker):
    slots = _open(matchmaker, count=3)
    assert [s.starts_at for s in slots] == [
        _tomorrow(),
        _tomorrow() + dt.timedelta(minutes=30),
        _tomorrow() + dt.timedelta(minutes=60),
    ]
    assert all(s.length_minutes == 30 and not s.is_booked for s in slots)


def test_the_same_form_sent_twice_opens_the_slots_once(matchmaker):
    first = _open(matchmaker, count=2, key="k1")
    again = _open(matchmaker, count=2, key="k1")
    assert [s.pk for s in again] == [s.pk for s in first]
    assert GuidanceSlot.objects.filter(membership=matchmaker).count() == 2


def test_a_slot_overlapping_one_already_open_is_refused(matchmaker):
    _open(matchmaker, count=2)
    with pytest.raises(Refused) as refused:
        _open(matchmaker, at=_tomorrow() + dt.timedelta(minutes=45))
    assert refused.value.code == "overlap"


def test_a_slot_in_the_past_is_refused(matchmaker):
    with pytest.raises(Refused) as refused:
        _open(matchmaker, at=timezone.now() - dt.timedelta(minutes=1))
    assert refused.value.code == "start_past"


def test_only_the_matchmaker_themself_opens_slots(bureau, matchmaker):
    other = matchmaker_make(organisation=bureau, name="专员小李")
    with pytest.raises(Refused) as refused:
        guidance.guidance_slots_open(
            membership=matchmaker,
            by=other.user,
            starts_at=_tomorrow(),
            length_minutes=30,
            count=1,
            batch_key="x",
        )
    assert refused.value.status == 404


def test_a_matchmaker_cancels_an_unbooked_slot_but_not_a_booked_one(matchmaker, case, seeker):
    free, taken = _open(matchmaker, count=2)
    guidance.guidance_slot_book(slot=taken, seeker=seeker)
    guidance.guidance_slot_cancel(slot=free, by=matchmaker.user)
    guidance.guidance_slot_cancel(slot=free, by=matchmaker.user)  # again: nothing changes
    free.refresh_from_db()
    assert free.cancelled_at is not None
    with pytest.raises(Refused) as refused:
        guidance.guidance_slot_cancel(slot=taken, by=matchmaker.user)
    assert refused.value.code == "booked"


# --- booking --------------------------------------------------------------------------------


def test_booking_makes_a_guidance_call_with_the_matchmaker_and_the_seeker_and_tells_the_seeker(
    matchmaker, case, seeker, sms_outbox, django_capture_on_commit_callbacks
):
    # given an open slot
    (slot,) = _open(matchmaker)
    # when the seeker books it
    with django_capture_on_commit_callbacks(execute=True):
        booked = guidance.guidance_slot_book(
            slot=slot, seeker=seeker, link_base="https://daigang.example"
        )
    # then the call is a guidance interview of the bureau, no application anywhere
    interview = booked.interview
    assert interview is not None
    assert interview.kind == Interview.Kind.GUIDANCE
    assert interview.organisation_id == matchmaker.organisation_id
    assert interview.starts_at == slot.starts_at and interview.length_minutes == 30
    seats = {p.role: p for p in interview.participants.all()}
    assert seats["interviewer"].user_id == matchmaker.user_id
    assert seats["candidate"].user_id == seeker.pk
    assert seats["candidate"].application_id is None
    # and the seeker gets a notice and an SMS with the time and their own link
    link = reverse("interviews:call", args=[seats["candidate"].token])
    (sms,) = [m for m in sms_outbox if m.phone == seeker.phone]
    assert local_time_text(slot.starts_at) in sms.message
    assert "https://daigang.example" + link in sms.message
    assert Notification.objects.filter(user=seeker, url=link).count() == 1
    # and the matchmaker is told (no SMS) and the case has a 职业指导 follow-up
    assert Notification.objects.filter(user=matchmaker.user).count() == 1
    assert not [m for m in sms_outbox if m.phone == matchmaker.user.phone]
    follow_up = FollowUp.objects.get(case=case)
    assert follow_up.kind == FollowUp.Kind.GUIDANCE
    assert local_time_text(slot.starts_at) in follow_up.note


def test_booking_the_same_slot_again_returns_the_first_booking(matchmaker, case, seeker):
    (slot,) = _open(matchmaker)
    first = guidance.guidance_slot_book(slot=slot, seeker=seeker)
    again = guidance.guidance_slot_book(slot=slot, seeker=seeker)
    assert again.interview_id == first.interview_id
    assert Interview.objects.count() == 1
    assert FollowUp.objects.filter(case=case).count() == 1
    assert Notification.objects.filter(user=seeker).count() == 1


def test_a_slot_another_seeker_booked_is_refused_with_a_clear_message(matchmaker, case, seeker):
    (slot,) = _open(matchmaker)
    other = seeker_make(name="李四")
    case_make(membership=matchmaker, seeker=other)
    guidance.guidance_slot_book(slot=slot, seeker=other)
    with pytest.raises(Refused) as refused:
        guidance.guidance_slot_book(slot=slot, seeker=seeker)
    assert refused.value.code == "taken"
    assert refused.value.status == 409
    assert "其他人预约" in refused.value.message


def test_a_seeker_the_matchmaker_does_not_follow_with_consent_cannot_book(matchmaker, seeker):
    (slot,) = _open(matchmaker)
    stranger = seeker_make(name="王五")
    with pytest.raises(Refused) as refused:
        guidance.guidance_slot_book(slot=slot, seeker=stranger)
    assert refused.value.status == 404
    waiting = seeker_make(name="赵六")
    case_make(membership=matchmaker, seeker=waiting, consented=False)
    with pytest.raises(Refused) as refused:
        guidance.guidance_slot_book(slot=slot, seeker=waiting)
    assert refused.value.status == 404
    assert not GuidanceSlot.objects.get(pk=slot.pk).is_booked


def test_a_seeker_holds_one_upcoming_booking_per_matchmaker(matchmaker, case, seeker):
    first, second = _open(matchmaker, count=2)
    guidance.guidance_slot_book(slot=first, seeker=seeker)
    with pytest.raises(Refused) as refused:
        guidance.guidance_slot_book(slot=second, seeker=seeker)
    assert refused.value.code == "already_booked"


def test_a_cancelled_or_started_slot_cannot_be_booked(matchmaker, case, seeker):
    (slot,) = _open(matchmaker)
    guidance.guidance_slot_cancel(slot=slot, by=matchmaker.user)
    with pytest.raises(Refused) as refused:
        guidance.guidance_slot_book(slot=slot, seeker=seeker)
    assert refused.value.code == "cancelled"
    (later,) = _open(matchmaker, at=_tomorrow(16))
    with pytest.raises(Refused) as refused:
        guidance.guidance_slot_book(
            slot=later, seeker=seeker, now=later.starts_at + dt.timedelta(minutes=1)
        )
    assert refused.value.code == "started"


# --- the seeker cancels -----------------------------------------------------------------------


def test_the_seeker_cancels_before_the_start_the_call_is_cancelled_and_the_slot_opens_again(
    matchmaker, case, seeker
):
    (slot,) = _open(matchmaker)
    booked = guidance.guidance_slot_book(slot=slot, seeker=seeker)
    interview = booked.interview
    guidance.guidance_booking_cancel(slot=slot, seeker=seeker)
    guidance.guidance_booking_cancel(slot=slot, seeker=seeker)  # again: nothing changes
    slot.refresh_from_db()
    interview.refresh_from_db()
    assert not slot.is_booked and slot.interview_id is None
    assert interview.state == Interview.State.CANCELLED
    assert FollowUp.objects.filter(case=case, kind=FollowUp.Kind.GUIDANCE).count() == 2
    # and another seeker (or the same) may book it again: a new call
    rebooked = guidance.guidance_slot_book(slot=slot, seeker=seeker)
    assert rebooked.interview_id not in (None, interview.pk)


def test_the_seeker_cannot_cancel_once_it_started_nor_another_seekers_booking(
    matchmaker, case, seeker
):
    (slot,) = _open(matchmaker)
    guidance.guidance_slot_book(slot=slot, seeker=seeker)
    with pytest.raises(Refused) as refused:
        guidance.guidance_booking_cancel(
            slot=slot, seeker=seeker, now=slot.starts_at + dt.timedelta(minutes=1)
        )
    assert refused.value.code == "started"
    other = seeker_make(name="李四")
    case_make(membership=matchmaker, seeker=other)
    with pytest.raises(Refused) as refused:
        guidance.guidance_booking_cancel(slot=slot, seeker=other)
    assert refused.value.status == 404
    assert GuidanceSlot.objects.get(pk=slot.pk).case_id == case.pk


def test_leaving_the_caseload_cancels_the_upcoming_booking(matchmaker, case, seeker):
    (slot,) = _open(matchmaker)
    booked = guidance.guidance_slot_book(slot=slot, seeker=seeker)
    services.case_leave(case=case, seeker=seeker)
    slot.refresh_from_db()
    assert not slot.is_booked
    assert Interview.objects.get(pk=booked.interview_id).state == Interview.State.CANCELLED


# --- pages ----------------------------------------------------------------------------------


def test_the_seeker_books_from_who_follows_me_and_sees_the_booking_there(matchmaker, case, seeker):
    (slot,) = _open(matchmaker)
    client = _client(seeker)
    page = client.get(reverse("matchmaking:mine")).content.decode()
    assert reverse("matchmaking:guidance_book", args=[slot.pk]) in page
    response = client.post(reverse("matchmaking:guidance_book", args=[slot.pk]))
    assert response.status_code == 302
    slot.refresh_from_db()
    seat = InterviewParticipant.objects.get(interview=slot.interview, user=seeker)
    page = client.get(reverse("matchmaking:mine")).content.decode()
    assert reverse("interviews:call", args=[seat.token]) in page
    assert reverse("matchmaking:guidance_unbook", args=[slot.pk]) in page
    # and in 我的面试, with 加入日历
    mine = client.get(reverse("interviews:mine")).content.decode()
    assert "职业指导" in mine
    assert reverse("interviews:invite", args=[seat.token]) in mine


def test_a_seeker_who_loses_the_race_is_told_on_the_page(matchmaker, case, seeker):
    (slot,) = _open(matchmaker)
    other = seeker_make(name="李四")
    case_make(membership=matchmaker, seeker=other)
    guidance.guidance_slot_book(slot=slot, seeker=other)
    response = _client(seeker).post(
        reverse("matchmaking:guidance_book", args=[slot.pk]), follow=True
    )
    assert "这个时段刚刚被其他人预约了" in response.content.decode()


def test_a_seeker_no_matchmaker_of_this_slot_follows_gets_404(matchmaker, case):
    (slot,) = _open(matchmaker)
    stranger = seeker_make(name="王五")
    client = _client(stranger)
    assert client.post(reverse("matchmaking:guidance_book", args=[slot.pk])).status_code == 404
    assert client.post(reverse("matchmaking:guidance_unbook", args=[slot.pk])).status_code == 404


def test_the_matchmaker_opens_slots_on_the_caseload_page_and_sees_who_booked(
    bureau, matchmaker, case, seeker
):
    client = _client(matchmaker.user)
    day = _tomorrow().date()
    data = {
        "day": day.isoformat(),
        "start": "14:00",
        "length_minutes": "30",
        "count": "2",
        "batch_key": "form-1",
    }
    url = reverse("matchmaking:guidance_open", args=[bureau.pk])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a resubmitted form
    slots = list(GuidanceSlot.objects.filter(membership=matchmaker))
    assert len(slots) == 2
    guidance.guidance_slot_book(slot=slots[0], seeker=seeker)
    page = client.get(reverse("matchmaking:caseload", args=[bureau.pk])).content.decode()
    host = InterviewParticipant.objects.get(user=matchmaker.user)
    assert reverse("interviews:call", args=[host.token]) in page
    assert "马小军" in page
    assert reverse("matchmaking:guidance_cancel", args=[bureau.pk, slots[1].pk]) in page
    case_page = client.get(reverse("matchmaking:case", args=[bureau.pk, case.pk])).content
    assert reverse("interviews:call", args=[host.token]) in case_page.decode()


def test_an_invalid_slot_form_shows_the_error_on_the_caseload_page(bureau, matchmaker):
    response = _client(matchmaker.user).post(
        reverse("matchmaking:guidance_open", args=[bureau.pk]),
        {
            "day": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            "start": "09:00",
            "length_minutes": "30",
            "count": "1",
            "batch_key": "k",
        },
    )
    assert response.status_code == 400
    assert "开始时间已经过去了" in response.content.decode()


def test_another_matchmaker_cannot_cancel_my_slot(bureau, matchmaker):
    (slot,) = _open(matchmaker)
    other = matchmaker_make(organisation=bureau, name="专员小李")
    response = _client(other.user).post(
        reverse("matchmaking:guidance_cancel", args=[bureau.pk, slot.pk])
    )
    assert response.status_code == 404
    assert GuidanceSlot.objects.get(pk=slot.pk).cancelled_at is None


def test_the_caseload_slots_name_the_seeker_but_never_show_their_full_phone(
    bureau, matchmaker, case, seeker
):
    (slot,) = _open(matchmaker)
    guidance.guidance_slot_book(slot=slot, seeker=seeker)
    page = _client(matchmaker.user).get(reverse("matchmaking:caseload", args=[bureau.pk]))
    assert seeker.phone not in page.content.decode()


def test_a_seekers_guidance_calls_are_not_listed_among_their_interviews_on_a_case_page(
    bureau, matchmaker, case, seeker
):
    # given the seeker booked guidance with another bureau's matchmaker too
    elsewhere = matchmaker_make(organisation=bureau_make(region="620200"), name="专员老陈")
    case_make(membership=elsewhere, seeker=seeker)
    (slot,) = _open(elsewhere)
    guidance.guidance_slot_book(slot=slot, seeker=seeker)
    # then this matchmaker's page of the seeker does not show it
    page = _client(matchmaker.user).get(reverse("matchmaking:case", args=[bureau.pk, case.pk]))
    assert "专员老陈" not in page.content.decode()


def test_deleting_the_account_cancels_the_upcoming_booking_and_opens_the_slot(
    matchmaker, case, seeker
):
    from daigang.privacy.services.deletion import account_delete

    (slot,) = _open(matchmaker)
    booked = guidance.guidance_slot_book(slot=slot, seeker=seeker)
    account_delete(user=seeker)
    slot.refresh_from_db()
    assert not slot.is_booked and slot.interview_id is None
    assert Interview.objects.get(pk=booked.interview_id).state == Interview.State.CANCELLED
