from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from daigang.accounts.testing import user_make
from daigang.core.refused import Refused
from daigang.live import chat
from daigang.live.models import ChatMessage, Room
from daigang.live.testing import room_make
from daigang.live.tests.chat_fixtures import (
    communicator,
    events_until,
    joined,
    run,
    send_chat,
    session_cookie,
)

HTML = '<img src=x onerror="alert(1)"><b>高薪</b>'


@pytest.mark.django_db(transaction=True)
def test_html_in_a_message_is_stored_and_delivered_as_the_literal_text():
    # given two viewers in a room
    room = room_make(state=Room.State.LIVE)
    sender_cookie = session_cookie(user_make())

    # when one sends HTML
    async def scenario():
        sender = communicator(room.pk, cookie=sender_cookie)
        watcher = communicator(room.pk)
        await joined(sender)
        await joined(watcher)
        await send_chat(sender, HTML)
        events = await events_until(watcher, "chat")
        await sender.disconnect()
        await watcher.disconnect()
        return events

    events = run(scenario)

    # then the very same characters are stored and arrive, not escaped, not stripped
    delivered = next(e["data"]["text"] for e in events if e["kind"] == "chat")
    assert delivered == HTML
    assert ChatMessage.objects.get().text == HTML


def test_chat_js_renders_with_text_content_and_never_parses_html():
    source = (Path(settings.BASE_DIR) / "static" / "js" / "chat.js").read_text(encoding="utf-8")

    assert "textContent" in source
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in source, sink
    assert not re.search(r"new\s+Function\s*\(", source)


@pytest.mark.django_db(transaction=True)
def test_a_message_of_200_characters_is_kept_whole():
    room = room_make(state=Room.State.LIVE)
    text = "岗" * 200

    message = chat.chat_message_send(room_id=room.pk, user=user_make(), text=text)

    assert message.text == text


@pytest.mark.django_db(transaction=True)
def test_a_message_over_200_characters_is_refused_and_not_stored():
    room = room_make(state=Room.State.LIVE)

    with pytest.raises(Refused) as refused:
        chat.chat_message_send(room_id=room.pk, user=user_make(), text="岗" * 201)

    assert refused.value.code == "too_long"
    assert "200" in refused.value.message
    assert not ChatMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_surrounding_spaces_are_trimmed_before_the_length_is_counted():
    room = room_make(state=Room.State.LIVE)

    message = chat.chat_message_send(
        room_id=room.pk, user=user_make(), text="  " + "岗" * 200 + "\n "
    )

    assert message.text == "岗" * 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("text", ["", "   ", "\n\t", None, 42])
def test_empty_or_non_text_messages_are_refused(text):
    room = room_make(state=Room.State.LIVE)

    with pytest.raises(Refused):
        chat.chat_message_send(room_id=room.pk, user=user_make(), text=text)

    assert not ChatMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_resending_with_the_same_client_token_stores_the_message_once():
    room = room_make(state=Room.State.LIVE)
    user = user_make()
    now = timezone.now()

    first = chat.chat_message_send(
        room_id=room.pk, user=user, text="包吃住吗", client_token="t-1", now=now
    )
    again = chat.chat_message_send(
        room_id=room.pk, user=user, text="包吃住吗", client_token="t-1", now=now
    )

    assert again.pk == first.pk
    assert ChatMessage.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_chat_is_closed_once_the_room_has_ended():
    room = room_make(state="ended")

    with pytest.raises(Refused) as refused:
        chat.chat_message_send(room_id=room.pk, user=user_make(), text="还招吗")

    assert refused.value.code == "room_ended"
