from __future__ import annotations

import pytest

from daigang.accounts.models import Membership
from daigang.accounts.testing import member_make, organisation_make, user_make
from daigang.live import chat
from daigang.live.models import Room
from daigang.live.testing import room_make
from daigang.live.tests.chat_fixtures import (
    communicator,
    events_until,
    joined,
    run,
    send_chat,
    session_cookie,
)


@pytest.mark.django_db(transaction=True)
def test_the_rooms_anchor_is_marked_anchor_in_the_chat_event():
    # given a room whose anchor (a member of its organisation) is on it
    organisation = organisation_make()
    room = room_make(organisation=organisation, state=Room.State.LIVE)
    anchor = member_make(organisation=organisation, role=Membership.Role.ANCHOR, name="王主播")
    room.anchors.add(anchor)
    cookie = session_cookie(anchor)

    # when the anchor chats
    async def scenario():
        comm = communicator(room.pk, cookie=cookie)
        await joined(comm)
        await send_chat(comm, "欢迎大家，今天招普工")
        events = await events_until(comm, "chat")
        await comm.disconnect()
        return events

    event = next(e["data"] for e in run(scenario) if e["kind"] == "chat")

    # then viewers see it marked, with the anchor's name
    assert event["role"] == "anchor"
    assert event["name"] == "王主播"


@pytest.mark.django_db(transaction=True)
def test_members_of_the_rooms_organisation_are_marked_anchor():
    organisation = organisation_make()
    room = room_make(organisation=organisation, state=Room.State.LIVE)
    hr = member_make(organisation=organisation, name="陈主管")

    message = chat.chat_message_send(room_id=room.pk, user=hr, text="可以直接报名")

    assert message.role == "anchor"


@pytest.mark.django_db(transaction=True)
def test_moderators_are_marked_moderator():
    room = room_make(state=Room.State.LIVE)
    moderator = user_make(name="审核员", is_staff=True)

    message = chat.chat_message_send(room_id=room.pk, user=moderator, text="请文明发言")

    assert message.role == "moderator"
    assert chat.chat_message_payload(message)["role"] == "moderator"


@pytest.mark.django_db(transaction=True)
def test_other_viewers_are_plain_viewers_with_a_half_hidden_name():
    room = room_make(state=Room.State.LIVE)
    member_of_another = member_make(organisation=organisation_make(), name="赵六")

    message = chat.chat_message_send(room_id=room.pk, user=member_of_another, text="路过")
    payload = chat.chat_message_payload(message)

    assert message.role == "viewer"
    assert payload["name"] == "赵*"


@pytest.mark.django_db(transaction=True)
def test_a_viewer_without_a_name_shows_as_user_and_the_last_four_digits():
    room = room_make(state=Room.State.LIVE)
    viewer = user_make()

    payload = chat.chat_message_payload(
        chat.chat_message_send(room_id=room.pk, user=viewer, text="你好")
    )

    assert payload["name"] == "用户" + viewer.phone[-4:]
    assert viewer.phone[:7] not in payload["name"]
