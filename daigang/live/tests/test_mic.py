"""Mic link (连麦) services: raise, accept, consent, end, mute, the time limit."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from django.utils import timezone

from daigang.accounts.models import Membership
from daigang.accounts.testing import member_make, organisation_make, user_make
from daigang.core.refused import Refused
from daigang.core.testing import RoomEvents, capture_events
from daigang.jobs.testing import job_make
from daigang.live import mic, moderation
from daigang.live.chat import chat_message_send
from daigang.live.lifecycle import room_end
from daigang.live.models import ChatBan, ChatMute, MicRequest, Room
from daigang.live.testing import room_make

pytestmark = pytest.mark.django_db
State = MicRequest.State


@pytest.fixture
def events() -> Iterator[RoomEvents]:
    with capture_events() as captured:
        yield captured


@pytest.fixture
def live_room():
    organisation = organisation_make()
    anchor = member_make(organisation=organisation, name="主播小李", role=Membership.Role.ANCHOR)
    job = job_make(organisation=organisation, title="电子厂普工")
    room = room_make(organisation=organisation, anchors=[anchor], jobs=[job], state=Room.State.LIVE)
    return room, anchor, job


@pytest.fixture
def guest_hooks() -> Iterator[list[tuple[int, int, str]]]:
    calls: list[tuple[int, int, str]] = []

    def hook(room_id: int, request_id: int, action: str) -> None:
        calls.append((room_id, request_id, action))

    mic.mic_guest_hooks.append(hook)
    yield calls
    mic.mic_guest_hooks.remove(hook)


def on_air(room, anchor, viewer, *, turn_seconds=180):
    request = mic.mic_hand_raise(room=room, by=viewer)
    mic.mic_accept(room=room, request_id=request.pk, by=anchor, turn_seconds=turn_seconds)
    return mic.mic_consent(room=room, by=viewer)


def test_raising_a_hand_twice_is_the_same_request_and_one_event(
    live_room, events, django_capture_on_commit_callbacks
):
    # given
    room, _anchor, job = live_room
    viewer = user_make(name="张小明")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        first = mic.mic_hand_raise(room=room, by=viewer, job=job)
        second = mic.mic_hand_raise(room=room, by=viewer)
    # then
    assert first.pk == second.pk
    assert MicRequest.objects.filter(room=room, account=viewer).count() == 1
    room_events = [e for e in events if e.kind == "mic"]
    assert len(room_events) == 1
    assert room_events[0].data == {"on_air": [], "waiting": 1}


def test_the_anchor_accepts_at_most_two_guests_at_once(live_room):
    # given
    room, anchor, _job = live_room
    viewers = [user_make() for _ in range(3)]
    requests = [mic.mic_hand_raise(room=room, by=viewer) for viewer in viewers]
    mic.mic_accept(room=room, request_id=requests[0].pk, by=anchor)
    mic.mic_accept(room=room, request_id=requests[1].pk, by=anchor)
    # when / then
    with pytest.raises(Refused) as refused:
        mic.mic_accept(room=room, request_id=requests[2].pk, by=anchor)
    assert refused.value.code == "mic_full"
    # then accepting one already accepted again is a no-op, not a third place
    again = mic.mic_accept(room=room, request_id=requests[0].pk, by=anchor)
    assert again.state == State.ACCEPTED
    # and once a turn ends, the place is free
    mic.mic_turn_end(room=room, request_id=requests[0].pk, by=anchor)
    assert mic.mic_accept(room=room, request_id=requests[2].pk, by=anchor).state == State.ACCEPTED


def test_the_guest_goes_on_air_only_after_consenting_and_consent_is_idempotent(live_room):
    # given
    room, anchor, _job = live_room
    viewer = user_make()
    request = mic.mic_hand_raise(room=room, by=viewer)
    # then a raised hand cannot consent itself on air
    with pytest.raises(Refused) as refused:
        mic.mic_consent(room=room, by=viewer)
    assert refused.value.code == "mic_not_accepted"
    # when
    mic.mic_accept(room=room, request_id=request.pk, by=anchor, turn_seconds=60)
    first = mic.mic_consent(room=room, by=viewer)
    second = mic.mic_consent(room=room, by=viewer)
    # then
    assert first.state == second.state == State.ON_AIR
    assert first.on_air_at == second.on_air_at


def test_only_the_rooms_runners_accept_and_a_viewer_cannot_accept_themselves(live_room):
    # given
    room, _anchor, _job = live_room
    viewer = user_make()
    request = mic.mic_hand_raise(room=room, by=viewer)
    # when / then
    with pytest.raises(Refused):
        mic.mic_accept(room=room, request_id=request.pk, by=viewer)
    outsider = member_make(organisation=organisation_make(), role=Membership.Role.OWNER)
    with pytest.raises(Refused):
        mic.mic_accept(room=room, request_id=request.pk, by=outsider)


def test_ending_a_turn_tells_the_relay_once_after_commit(
    live_room, guest_hooks, django_capture_on_commit_callbacks
):
    # given
    room, anchor, _job = live_room
    viewer = user_make()
    request = on_air(room, anchor, viewer)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        mic.mic_turn_end(room=room, request_id=request.pk, by=anchor)
        mic.mic_turn_end(room=room, request_id=request.pk, by=anchor)
    # then
    assert guest_hooks == [(room.pk, request.pk, "end")]
    request.refresh_from_db()
    assert request.state == State.ENDED and request.closed_at is not None


def test_muting_a_guest_is_idempotent_and_tells_the_relay(
    live_room, guest_hooks, events, django_capture_on_commit_callbacks
):
    # given
    room, anchor, _job = live_room
    viewer = user_make(name="王芳")
    request = on_air(room, anchor, viewer)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        mic.mic_mute(room=room, request_id=request.pk, by=anchor, muted=True)
        mic.mic_mute(room=room, request_id=request.pk, by=anchor, muted=True)
        mic.mic_mute(room=room, request_id=request.pk, by=anchor, muted=False)
    # then
    assert [action for _room, _request, action in guest_hooks] == ["mute", "unmute"]
    summaries = [e.data for e in events if e.kind == "mic"]
    assert summaries[0]["on_air"] == [{"id": request.pk, "name": "王*", "muted": True}]


def test_a_turn_past_its_limit_is_ended_and_one_not_yet_due_is_left(live_room, guest_hooks):
    # given
    room, anchor, _job = live_room
    due = on_air(room, anchor, user_make(), turn_seconds=60)
    not_due = on_air(room, anchor, user_make(), turn_seconds=600)
    later = timezone.now() + dt.timedelta(seconds=61)
    # when
    ended = mic.mic_turns_expire(now=later)
    # then
    assert ended == 1
    due.refresh_from_db()
    not_due.refresh_from_db()
    assert due.state == State.ENDED
    assert not_due.state == State.ON_AIR
    assert mic.mic_turn_expire(request_id=not_due.pk, now=later) is False


def test_the_phone_is_never_shown_to_viewers_nor_in_the_queue(
    live_room, events, django_capture_on_commit_callbacks
):
    # given a viewer without a name: their phone would be all there is to show
    room, anchor, _job = live_room
    viewer = user_make(phone="13812345678", name="")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        request = on_air(room, anchor, viewer)
    queue = mic.mic_queue(room=room)
    # then
    sent = json.dumps([e.data for e in events], ensure_ascii=False)
    assert "13812345678" not in sent
    assert "138****5678" in sent
    assert queue[0]["name"] == "138****5678"
    assert "13812345678" not in json.dumps(queue, default=str)
    assert request.state == State.ON_AIR


def test_typing_lianmai_in_chat_raises_the_hand(live_room, django_capture_on_commit_callbacks):
    # given
    room, _anchor, _job = live_room
    viewer = user_make()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        chat_message_send(room_id=room.pk, user=viewer, text="连麦")
    # then
    assert MicRequest.objects.get(room=room, account=viewer).state == State.RAISED


def test_a_hand_cannot_be_raised_before_the_room_is_live():
    # given
    room = room_make(state=Room.State.SCHEDULED)
    # when / then
    with pytest.raises(Refused) as refused:
        mic.mic_hand_raise(room=room, by=user_make())
    assert refused.value.code == "room_not_live"


def test_ending_the_room_closes_every_request_and_stops_the_guests(
    live_room, guest_hooks, django_capture_on_commit_callbacks
):
    # given
    room, anchor, _job = live_room
    guest = on_air(room, anchor, user_make())
    waiting = mic.mic_hand_raise(room=room, by=user_make())
    # when
    with django_capture_on_commit_callbacks(execute=True):
        room_end(room=room)
    # then
    guest.refresh_from_db()
    waiting.refresh_from_db()
    assert (guest.state, waiting.state) == (State.ENDED, State.CANCELLED)
    assert guest_hooks == [(room.pk, guest.pk, "end")]


def test_the_viewer_cancels_and_can_raise_again(live_room):
    # given
    room, _anchor, _job = live_room
    viewer = user_make()
    first = mic.mic_hand_raise(room=room, by=viewer)
    # when
    cancelled = mic.mic_hand_cancel(room=room, by=viewer)
    again = mic.mic_hand_cancel(room=room, by=viewer)
    second = mic.mic_hand_raise(room=room, by=viewer)
    # then
    assert cancelled is not None and cancelled.state == State.CANCELLED
    assert again is None
    assert second.pk != first.pk and second.state == State.RAISED


def test_a_viewer_banned_or_muted_in_chat_cannot_raise_a_hand(live_room):
    # given one viewer banned by the organisation, one muted in this room for the session
    room, _anchor, _job = live_room
    banned, muted = user_make(), user_make()
    ChatBan.objects.create(organisation_id=room.organisation_id, user=banned)
    ChatMute.objects.create(room=room, user=muted, duration=ChatMute.Duration.SESSION)
    moderation.room_rules_forget()
    # when / then
    for viewer, code in ((banned, "banned"), (muted, "muted")):
        with pytest.raises(Refused) as refused:
            mic.mic_hand_raise(room=room, by=viewer)
        assert refused.value.code == code
    assert not MicRequest.objects.filter(room=room).exists()


def test_a_viewer_banned_on_air_leaves_the_air_and_cannot_be_accepted_again(
    live_room, guest_hooks, django_capture_on_commit_callbacks
):
    # given a guest on air who then writes something that gets them banned
    room, anchor, _job = live_room
    viewer = user_make()
    on_air(room, anchor, viewer)
    with django_capture_on_commit_callbacks(execute=True):
        message = chat_message_send(room_id=room.pk, user=viewer, text="加我私聊")
    # when the anchor bans them
    with django_capture_on_commit_callbacks(execute=True):
        moderation.viewer_ban(room=room, message_id=message.pk, by=anchor)
    # then their turn is over, the relay is told, and a new hand is refused
    assert MicRequest.objects.get(room=room, account=viewer).state == State.ENDED
    assert guest_hooks[-1][2] == "end"
    with pytest.raises(Refused) as refused:
        mic.mic_hand_raise(room=room, by=viewer)
    assert refused.value.code == "banned"
