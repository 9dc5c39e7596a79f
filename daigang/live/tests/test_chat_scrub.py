"""Chat refuses invisible, reversed and towering text: daigang.live.chat_text, applied by the
chat service before a message is stored, and so to what the WebSocket consumer receives."""

from __future__ import annotations

import pytest

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

FAMILY = "👨\u200d👩\u200d👧"
ZALGO = "招" + "\u0301\u0316\u0337\u0489\u20dd" * 8 + "工"


def sent(text: str) -> str:
    room = room_make(state=Room.State.LIVE)
    return chat.chat_message_send(room_id=room.pk, user=user_make(), text=text).text


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("text", "stored"),
    [
        # control characters go; a newline stays, a tab is a space, \r\n is a newline
        ("包\x00吃\x07住\x1b[31m\x7f\x85", "包吃住[31m"),
        ("第一行\r\n第二行\t好", "第一行\n第二行 好"),
        # bidirectional overrides, isolates and marks
        ("工资\u202e0003\u202c元", "工资0003元"),
        ("\u2066a\u2067b\u2068c\u2069\u200e\u200f\u061cd\u202a\u202b\u202d", "abcd"),
        # zero-width characters
        ("高\u200b薪\u200c急\u2060招\ufeff", "高薪急招"),
        # blank lines: at most one in a row
        ("你好\n\n\n\n\n\n请问", "你好\n\n请问"),
        ("你好\n \n  \n\n请问", "你好\n\n请问"),
        # combining marks: at most two on one character
        (ZALGO, "招\u0301\u0316工"),
        ("Việt Nam Tiếng Việt", "Việt Nam Tiếng Việt"),
        ("Vie\u0323\u0302t", "Vie\u0323\u0302t"),
        # trimmed, also of what only looked like text
        ("\u200b  包吃住  \u202e", "包吃住"),
    ],
)
def test_the_service_stores_the_text_cleaned(text, stored):
    assert sent(text) == stored
    assert ChatMessage.objects.get().text == stored


@pytest.mark.django_db(transaction=True)
def test_a_zero_width_joiner_between_emoji_is_kept_and_removed_elsewhere():
    text = f"{FAMILY} 🏳️\u200d🌈 👩🏽\u200d💻 ❤️\u200d🔥 招\u200d工 \u200d666\u200d"

    assert sent(text) == f"{FAMILY} 🏳️\u200d🌈 👩🏽\u200d💻 ❤️\u200d🔥 招工 666"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("text", ["\u200b\u200b", "\u202e \u2066\u2069", "\x00\x01\n\n", "\ufeff"])
def test_a_message_of_only_invisible_characters_is_refused_and_not_stored(text):
    with pytest.raises(Refused) as refused:
        sent(text)

    assert refused.value.code == "empty"
    assert "没有可以显示的文字" in refused.value.message
    assert not ChatMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_invisible_characters_do_not_count_towards_the_length():
    assert sent("岗" * 200 + "\u200b" * 50) == "岗" * 200


@pytest.mark.django_db(transaction=True)
def test_a_huge_raw_message_is_refused_before_it_is_cleaned():
    with pytest.raises(Refused) as refused:
        sent("\u200b" * (chat.CHAT_RAW_MAX_LENGTH + 1))

    assert refused.value.code == "too_long"


@pytest.mark.django_db(transaction=True)
def test_the_websocket_delivers_the_cleaned_text_and_refuses_an_invisible_one():
    # given a sender and a watcher in a room
    room = room_make(state=Room.State.LIVE)
    sender_cookie = session_cookie(user_make())

    async def scenario():
        sender = communicator(room.pk, cookie=sender_cookie)
        watcher = communicator(room.pk)
        await joined(sender)
        await joined(watcher)
        # when one sends reversed, towering text, then only invisible characters
        await send_chat(sender, f"\u202e工资{ZALGO}\n\n\n\n{FAMILY}\u200b")
        delivered = await events_until(watcher, "chat")
        await send_chat(sender, "\u200b\u202e")
        refused = await events_until(sender, "error")
        await sender.disconnect()
        await watcher.disconnect()
        return delivered, refused

    delivered, refused = run(scenario)

    # then the watcher sees the cleaned text, and the invisible one is refused, not stored
    cleaned = f"工资招\u0301\u0316工\n\n{FAMILY}"
    assert [e["data"]["text"] for e in delivered if e["kind"] == "chat"] == [cleaned]
    error = next(e["data"] for e in refused if e["kind"] == "error")
    assert error["code"] == "empty"
    assert list(ChatMessage.objects.values_list("text", flat=True)) == [cleaned]
