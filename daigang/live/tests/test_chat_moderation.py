"""Chat moderation services: contact held back, mutes, bans, deletions, slow mode, blocked
words, who may moderate, and the log (daigang.live.moderation, daigang.live.chat)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from daigang.accounts.models import Membership
from daigang.accounts.testing import member_make, moderator_make, organisation_make, user_make
from daigang.core.refused import Refused
from daigang.core.testing import capture_events
from daigang.live import chat, moderation
from daigang.live.models import ChatBan, ChatMessage, ChatModeration, ChatMute, Room
from daigang.live.testing import room_make

pytestmark = pytest.mark.django_db(transaction=True)


def _room_with_people():
    organisation = organisation_make()
    room = room_make(organisation=organisation, state=Room.State.LIVE)
    owner = member_make(organisation=organisation, role=Membership.Role.OWNER, name="老板")
    anchor = member_make(organisation=organisation, role=Membership.Role.ANCHOR, name="王主播")
    room.anchors.add(anchor)
    viewer = user_make(name="张三")
    return room, owner, anchor, viewer


def _refusal(room: Room, user, text: str, **kwargs) -> Refused:
    with pytest.raises(Refused) as refused:
        chat.chat_message_send(room_id=room.pk, user=user, text=text, **kwargs)
    return refused.value


# --- contact details ---------------------------------------------------------------------------


def test_a_viewers_phone_number_is_held_back_with_a_notice_and_never_published():
    # given a live room and a viewer
    room, _owner, _anchor, viewer = _room_with_people()

    # when the viewer posts a phone number
    with capture_events() as events:
        refused = _refusal(room, viewer, "我电话 137 1234 5678 加我")

    # then it is held back: not stored, not published, and the sender is told why
    assert refused.code == "contact_held"
    assert "一键报名" in refused.message
    assert not ChatMessage.objects.exists()
    assert events.of("chat") == []


def test_a_member_of_the_organisation_is_refused_posting_a_wechat_id():
    room, _owner, anchor, _viewer = _room_with_people()

    refused = _refusal(room, anchor, "有意向的加vx：hr_wang888")

    assert refused.code == "contact_refused"
    assert not ChatMessage.objects.exists()


def test_a_wage_range_and_a_date_are_not_contact():
    room, _owner, anchor, viewer = _room_with_people()

    chat.chat_message_send(room_id=room.pk, user=anchor, text="月薪6000-8000，2026-12-05入职")
    chat.chat_message_send(room_id=room.pk, user=viewer, text="工价23元/小时吗？招30人？")

    assert ChatMessage.objects.count() == 2


# --- mutes -------------------------------------------------------------------------------------


def test_a_muted_viewer_is_told_the_time_left_and_cannot_send():
    # given a viewer's message in the room
    room, _owner, anchor, viewer = _room_with_people()
    message = chat.chat_message_send(room_id=room.pk, user=viewer, text="几点上班")
    now = timezone.now()

    # when the anchor mutes them for ten minutes
    with capture_events() as events:
        moderation.viewer_mute(
            room=room, message_id=message.pk, by=anchor, duration="10m", reason="刷屏", now=now
        )

    # then their socket is told at once, with the time left
    (notice,) = events.of("muted")
    assert "10 分钟" in notice.data["message"]
    assert events.of("moderation")
    # and a message they send later is refused, with the minutes still left
    refused = _refusal(room, viewer, "为什么", now=now + dt.timedelta(minutes=3))
    assert refused.code == "muted"
    assert "7 分钟" in refused.message
    # and the action is logged: who, what, on whom, why
    entry = ChatModeration.objects.get()
    assert (entry.action, entry.by, entry.target, entry.reason) == ("mute", anchor, viewer, "刷屏")


def test_a_mute_ends_by_itself_and_can_be_lifted_early():
    room, owner, _anchor, viewer = _room_with_people()
    message = chat.chat_message_send(room_id=room.pk, user=viewer, text="几点上班")
    now = timezone.now()
    moderation.viewer_mute(room=room, message_id=message.pk, by=owner, duration="10m", now=now)

    # after ten minutes they may speak again
    chat.chat_message_send(
        room_id=room.pk, user=viewer, text="我回来了", now=now + dt.timedelta(minutes=11)
    )
    # and a session mute lifted by a moderator ends at once
    moderation.viewer_mute(room=room, message_id=message.pk, by=owner, duration="session")
    assert _refusal(room, viewer, "还在吗").code == "muted"
    moderation.mute_lift(room=room, user_id=viewer.pk, by=owner)
    chat.chat_message_send(
        room_id=room.pk, user=viewer, text="谢谢", now=timezone.now() + dt.timedelta(minutes=12)
    )
    assert list(ChatModeration.objects.values_list("action", flat=True).order_by("id")) == [
        "mute",
        "mute",
        "unmute",
    ]


def test_muting_twice_for_the_same_time_changes_nothing_and_a_shorter_mute_does_not_shorten():
    room, owner, _anchor, viewer = _room_with_people()
    message = chat.chat_message_send(room_id=room.pk, user=viewer, text="几点上班")
    now = timezone.now()
    first = moderation.viewer_mute(
        room=room, message_id=message.pk, by=owner, duration="1h", now=now
    )

    again = moderation.viewer_mute(
        room=room, message_id=message.pk, by=owner, duration="1h", now=now + dt.timedelta(minutes=5)
    )
    shorter = moderation.viewer_mute(
        room=room, message_id=message.pk, by=owner, duration="10m", now=now
    )

    assert again.until == first.until == shorter.until == now + dt.timedelta(hours=1)
    assert ChatModeration.objects.count() == 1
    assert ChatMute.objects.count() == 1


def test_the_organisations_people_cannot_be_muted():
    room, owner, anchor, _viewer = _room_with_people()
    message = chat.chat_message_send(room_id=room.pk, user=anchor, text="欢迎大家")

    with pytest.raises(Refused) as refused:
        moderation.viewer_mute(room=room, message_id=message.pk, by=owner, duration="10m")

    assert refused.value.code == "not_a_viewer"


# --- bans --------------------------------------------------------------------------------------


def test_a_banned_viewer_cannot_chat_in_any_of_the_organisations_rooms():
    # given two rooms of one organisation and a viewer's message in the first
    room, owner, _anchor, viewer = _room_with_people()
    other_room = room_make(organisation=room.organisation, state=Room.State.LIVE)
    message = chat.chat_message_send(room_id=room.pk, user=viewer, text="几点上班")

    # when the owner bans them (twice: the second changes nothing)
    with capture_events() as events:
        moderation.viewer_ban(room=room, message_id=message.pk, by=owner, reason="骚扰")
        moderation.viewer_ban(room=room, message_id=message.pk, by=owner, reason="骚扰")

    # then both rooms refuse them, and their sockets in both were told
    assert _refusal(other_room, viewer, "你好").code == "banned"
    assert {event.room_id for event in events.of("banned")} == {room.pk, other_room.pk}
    assert ChatBan.objects.count() == 1
    assert ChatModeration.objects.filter(action="ban").count() == 1
    # and another organisation's room does not
    chat.chat_message_send(room_id=room_make(state=Room.State.LIVE).pk, user=viewer, text="你好")
    # and lifting the ban lets them chat again
    moderation.ban_lift(room=room, user_id=viewer.pk, by=owner)
    moderation.ban_lift(room=room, user_id=viewer.pk, by=owner)
    chat.chat_message_send(room_id=other_room.pk, user=viewer, text="谢谢")
    assert ChatModeration.objects.filter(action="unban").count() == 1


# --- deleting ----------------------------------------------------------------------------------


def test_a_deleted_message_leaves_history_and_every_screen_and_deleting_it_again_is_a_no_op():
    room, _owner, anchor, viewer = _room_with_people()
    message = chat.chat_message_send(room_id=room.pk, user=viewer, text="这家是骗子")

    with capture_events() as events:
        moderation.chat_message_delete(room=room, message_id=message.pk, by=anchor, reason="诽谤")
        moderation.chat_message_delete(room=room, message_id=message.pk, by=anchor)

    assert [event.data for event in events.of("chat_deleted")] == [{"id": message.pk}]
    assert chat.chat_history(room_id=room.pk)["messages"] == []
    entry = ChatModeration.objects.get()
    assert (entry.action, entry.detail, entry.reason) == ("delete", "这家是骗子", "诽谤")


def test_a_message_of_another_room_cannot_be_deleted_from_this_one():
    room, _owner, anchor, viewer = _room_with_people()
    elsewhere = chat.chat_message_send(
        room_id=room_make(state=Room.State.LIVE).pk, user=viewer, text="你好"
    )

    with pytest.raises(Refused) as refused:
        moderation.chat_message_delete(room=room, message_id=elsewhere.pk, by=anchor)

    assert refused.value.code == "message_not_found"


# --- slow mode and blocked words ---------------------------------------------------------------


def test_slow_mode_slows_viewers_but_not_the_organisations_people():
    # given slow mode at 30 seconds
    room, owner, anchor, viewer = _room_with_people()
    moderation.chat_settings_set(room=room, by=owner, slow_seconds=30)
    now = timezone.now()

    # when a viewer and the anchor each send twice, 5 seconds apart
    chat.chat_message_send(room_id=room.pk, user=viewer, text="第一条", now=now)
    refused = _refusal(room, viewer, "第二条", now=now + dt.timedelta(seconds=5))
    chat.chat_message_send(room_id=room.pk, user=anchor, text="欢迎", now=now)
    chat.chat_message_send(
        room_id=room.pk, user=anchor, text="看岗位", now=now + dt.timedelta(seconds=5)
    )

    # then only the viewer waits, and is told about slow mode
    assert refused.code == "rate_limited"
    assert "30" in refused.message
    chat.chat_message_send(
        room_id=room.pk, user=viewer, text="第二条", now=now + dt.timedelta(seconds=31)
    )


def test_a_blocked_word_holds_a_viewers_message_back_even_spelt_apart():
    room, owner, _anchor, viewer = _room_with_people()
    moderation.chat_settings_set(room=room, by=owner, blocked_words=["黑厂", "垃圾"])

    refused = _refusal(room, viewer, "这是黑 厂吧")

    assert refused.code == "held"
    assert not ChatMessage.objects.exists()


def test_settings_that_are_already_so_log_nothing():
    room, owner, _anchor, _viewer = _room_with_people()

    moderation.chat_settings_set(room=room, by=owner, slow_seconds=10, blocked_words="黑厂，垃圾")
    moderation.chat_settings_set(
        room=room, by=owner, slow_seconds=10, blocked_words=["垃圾", "黑厂"]
    )

    assert sorted(ChatModeration.objects.values_list("action", flat=True)) == [
        "blocked_words",
        "slow_mode",
    ]


def test_the_rules_are_read_once_and_again_after_a_change():
    # given a room whose rules chat has read
    room, owner, _anchor, viewer = _room_with_people()
    message = chat.chat_message_send(room_id=room.pk, user=viewer, text="几点上班")
    before = moderation.room_rules(room_id=room.pk, organisation_id=room.organisation_id)

    # when nothing changes they are the same object; after a mute they are read again
    assert moderation.room_rules(room_id=room.pk, organisation_id=room.organisation_id) is before
    moderation.viewer_mute(room=room, message_id=message.pk, by=owner, duration="10m")
    after = moderation.room_rules(room_id=room.pk, organisation_id=room.organisation_id)

    assert viewer.pk in after.muted and viewer.pk not in before.muted


# --- who moderates -----------------------------------------------------------------------------


def test_owner_hr_the_rooms_anchor_and_platform_moderators_moderate_and_others_do_not():
    room, owner, anchor, viewer = _room_with_people()
    hr = member_make(organisation=room.organisation, role=Membership.Role.HR)
    other_anchor = member_make(organisation=room.organisation, role=Membership.Role.ANCHOR)
    outsider = member_make(organisation=organisation_make(), role=Membership.Role.OWNER)
    staff = moderator_make()

    may = {
        "owner": moderation.room_can_moderate(user=owner, room=room),
        "hr": moderation.room_can_moderate(user=hr, room=room),
        "anchor": moderation.room_can_moderate(user=anchor, room=room),
        "moderator": moderation.room_can_moderate(user=staff, room=room),
        "another anchor": moderation.room_can_moderate(user=other_anchor, room=room),
        "viewer": moderation.room_can_moderate(user=viewer, room=room),
        "outsider": moderation.room_can_moderate(user=outsider, room=room),
    }
    configure = {
        who: moderation.room_can_configure(user=user, room=room)
        for who, user in (("owner", owner), ("hr", hr), ("anchor", anchor), ("moderator", staff))
    }

    assert may == {
        "owner": True,
        "hr": True,
        "anchor": True,
        "moderator": True,
        "another anchor": False,
        "viewer": False,
        "outsider": False,
    }
    assert configure == {"owner": True, "hr": True, "anchor": False, "moderator": False}
    with pytest.raises(Http404):
        moderation.room_for_moderator(user=viewer, room_id=room.pk)


def test_a_moderation_event_passing_through_a_hub_drops_the_rooms_cached_rules():
    # given a room whose rules this process holds (as a change in another process left them)
    from daigang.live.hub.log import Room as HubRoom

    room = room_make(state=Room.State.LIVE)
    cached = moderation.room_rules(room_id=room.pk, organisation_id=room.organisation_id)
    assert moderation.room_rules(room_id=room.pk, organisation_id=room.organisation_id) is cached

    # when the room's `moderation` event reaches this process's hub
    HubRoom(room.pk).publish([{"kind": "moderation", "data": {}}])

    # then the next message reads them again
    assert (
        moderation.room_rules(room_id=room.pk, organisation_id=room.organisation_id) is not cached
    )
