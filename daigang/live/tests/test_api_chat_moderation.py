"""The moderation endpoints of the JSON API: idempotent actions, the overview, who may."""

from __future__ import annotations

import pytest
from django.test import Client

from daigang.accounts.models import Membership
from daigang.accounts.testing import member_make, user_make
from daigang.live.models import ChatMessage, ChatModeration, Room
from daigang.live.testing import room_make

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _world():
    room = room_make(state=Room.State.LIVE)
    owner = member_make(organisation=room.organisation, role=Membership.Role.OWNER, name="老板")
    anchor = member_make(organisation=room.organisation, role=Membership.Role.ANCHOR, name="主播")
    room.anchors.add(anchor)
    viewer = user_make(name="张三")
    message = ChatMessage.objects.create(room=room, user=viewer, text="几点上班")
    return room, owner, anchor, viewer, message


def test_deleting_a_message_twice_answers_200_both_times_and_logs_once():
    room, _owner, anchor, _viewer, message = _world()
    client = _client(anchor)
    url = f"/api/v1/rooms/{room.pk}/chat/{message.pk}/delete"

    first = client.post(url, {"reason": "广告"}, content_type="application/json")
    second = client.post(url, {"reason": "广告"}, content_type="application/json")

    assert (first.status_code, second.status_code) == (200, 200)
    assert ChatModeration.objects.filter(action="delete").count() == 1


def test_a_mute_through_the_api_shows_in_the_overview_and_lifting_it_empties_the_list():
    room, _owner, anchor, viewer, message = _world()
    client = _client(anchor)

    muted = client.post(
        f"/api/v1/rooms/{room.pk}/chat/{message.pk}/mute",
        {"duration": "1h", "reason": "刷屏"},
        content_type="application/json",
    )
    overview = client.get(f"/api/v1/rooms/{room.pk}/moderation").json()
    client.post(f"/api/v1/rooms/{room.pk}/mutes/{viewer.pk}/lift", {}, "application/json")
    after = client.get(f"/api/v1/rooms/{room.pk}/moderation").json()

    assert muted.status_code == 200 and muted.json()["duration"] == "1h"
    assert [m["user_id"] for m in overview["mutes"]] == [viewer.pk]
    assert overview["log"][0]["reason"] == "刷屏"
    assert overview["can_configure"] is False
    assert after["mutes"] == []


def test_an_unknown_duration_is_refused_with_its_field():
    room, _owner, anchor, _viewer, message = _world()

    response = _client(anchor).post(
        f"/api/v1/rooms/{room.pk}/chat/{message.pk}/mute",
        {"duration": "forever"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_the_owner_sets_slow_mode_and_blocked_words_and_the_anchor_may_not():
    room, owner, anchor, _viewer, _message = _world()
    url = f"/api/v1/rooms/{room.pk}/chat-settings"
    body = {"slow_seconds": 15, "blocked_words": ["黑厂"]}

    by_anchor = _client(anchor).post(url, body, content_type="application/json")
    by_owner = _client(owner).post(url, body, content_type="application/json")

    assert by_anchor.status_code == 404
    assert by_owner.status_code == 200
    assert by_owner.json()["slow_seconds"] == 15
    assert by_owner.json()["blocked_words"] == ["黑厂"]


def test_the_moderation_page_shows_the_lists_and_the_settings_to_the_owner():
    room, owner, _anchor, _viewer, _message = _world()

    response = _client(owner).get(f"/live/manage/{room.pk}/chat/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "data-chat-moderate" in content
    assert "data-chat-settings" in content


def test_the_room_page_links_a_platform_moderator_to_the_rooms_chat_moderation():
    from daigang.accounts.testing import moderator_make

    room, _owner, _anchor, viewer, _message = _world()
    url = f"/live/manage/{room.pk}/chat/"

    as_moderator = _client(moderator_make()).get(f"/live/{room.pk}/").content.decode()
    as_viewer = _client(viewer).get(f"/live/{room.pk}/").content.decode()

    assert url in as_moderator
    assert url not in as_viewer
