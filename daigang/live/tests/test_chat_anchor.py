"""The anchor in chat (issue #15): the organisation's people are not slowed like viewers, and
their messages go out marked as the anchor's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from daigang.accounts.models import Membership
from daigang.accounts.testing import member_make, organisation_make, user_make
from daigang.core.refused import Refused
from daigang.core.testing import capture_events
from daigang.live import chat, moderation
from daigang.live.models import ChatMessage, Room
from daigang.live.testing import room_make

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_anchor_answers_three_questions_a_second_apart_in_slow_mode():
    # given a live room in slow mode, and its anchor
    organisation = organisation_make()
    room = room_make(organisation=organisation, state=Room.State.LIVE)
    owner = member_make(organisation=organisation, role=Membership.Role.OWNER)
    anchor = member_make(organisation=organisation, role=Membership.Role.ANCHOR, name="王主播")
    room.anchors.add(anchor)
    moderation.chat_settings_set(room=room, by=owner, slow_seconds=30)
    now = timezone.now()
    # when the anchor sends three answers one second apart
    with capture_events() as events:
        for second, text in enumerate(["包住", "包吃", "月底发工资"]):
            chat.chat_message_send(
                room_id=room.pk, user=anchor, text=text, now=now + dt.timedelta(seconds=second)
            )
    # then every one goes out, marked as the anchor's, under the anchor's name
    sent = [event.data for event in events.of("chat")]
    assert [m["text"] for m in sent] == ["包住", "包吃", "月底发工资"]
    assert {(m["role"], m["name"]) for m in sent} == {(ChatMessage.Role.ANCHOR, "王主播")}


def test_a_viewer_is_still_slowed_to_the_usual_pace():
    # given a live room without slow mode and a viewer
    room = room_make(organisation=organisation_make(), state=Room.State.LIVE)
    viewer = user_make(name="张三")
    now = timezone.now()
    chat.chat_message_send(room_id=room.pk, user=viewer, text="有夫妻房吗", now=now)
    # when they send again a second later, then they are told to wait
    with pytest.raises(Refused) as refused:
        chat.chat_message_send(
            room_id=room.pk, user=viewer, text="在吗", now=now + dt.timedelta(seconds=1)
        )
    assert refused.value.code == "rate_limited"
