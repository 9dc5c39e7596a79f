"""Room titles and chat messages are checked by daigang.rules."""

from __future__ import annotations

import pytest
from django.urls import reverse

from daigang.accounts.testing import member_make, organisation_make, user_make
from daigang.core.refused import Refused
from daigang.jobs.testing import job_make
from daigang.live import chat
from daigang.live.models import ChatMessage, Room
from daigang.live.testing import room_make
from daigang.live.tests import chat_fixtures
from daigang.live.tests.test_rooms_schedule import _form


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("高薪诚聘电子厂专场", "直播标题含有夸大或保证收入的宣传的内容（“高薪”）"),
        ("普工专场，仅限男性", "《就业促进法》第二十七条"),
        ("入职交押金就上岗", "直播标题含有向求职者收取押金或保证金的内容（“押金”）"),
    ],
)
def test_a_room_title_breaking_a_rule_is_refused_and_the_form_keeps_it(client, title, shown):
    # given
    organisation = organisation_make()
    member = member_make(organisation=organisation, name="王经理")
    job = job_make(organisation=organisation)
    client.force_login(member)

    # when
    response = client.post(
        reverse("live:room_new", args=[organisation.pk]),
        _form(jobs=[job], anchors=[member], title=title),
    )

    # then
    body = response.content.decode()
    assert response.status_code == 400
    assert shown in body
    assert title in body
    assert not Room.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_chat_message_asking_for_a_deposit_is_held_back_and_only_its_sender_is_told():
    # given a viewer and an anchor in a live room
    room = room_make(state=Room.State.LIVE)
    viewer = chat_fixtures.session_cookie(user_make(name="李四"))
    anchor = chat_fixtures.session_cookie(member_make(organisation=room.organisation))

    async def scenario():
        watching = chat_fixtures.communicator(room.pk, cookie=viewer)
        sending = chat_fixtures.communicator(room.pk, cookie=anchor)
        await chat_fixtures.joined(watching)
        await chat_fixtures.joined(sending)
        # when the anchor asks for a deposit in traditional characters, then chats normally
        await chat_fixtures.send_chat(sending, "入職需交保證金200元")
        refused = await chat_fixtures.events_until(sending, "error")
        await chat_fixtures.send_chat(sending, "包吃包住，不收任何费用")
        seen = await chat_fixtures.events_until(watching, "chat")
        await watching.disconnect()
        await sending.disconnect()
        return refused, seen

    refused, seen = chat_fixtures.run(scenario)

    # then the sender is told why, the viewer sees only the second message
    error = next(e["data"] for e in refused if e["kind"] == "error")
    assert error["code"] == "content_rule"
    assert "保證金" in error["message"]
    assert "《劳动合同法》第九条" in error["message"]
    assert [e["data"]["text"] for e in seen if e["kind"] == "chat"] == ["包吃包住，不收任何费用"]
    assert list(ChatMessage.objects.values_list("text", flat=True)) == ["包吃包住，不收任何费用"]


@pytest.mark.django_db(transaction=True)
def test_a_viewer_asking_whether_there_is_a_deposit_is_not_held_back():
    # given a viewer in a live room
    room = room_make(state=Room.State.LIVE)
    viewer = chat_fixtures.session_cookie(user_make(name="李四"))

    async def scenario():
        sending = chat_fixtures.communicator(room.pk, cookie=viewer)
        await chat_fixtures.joined(sending)
        # when the viewer asks what every seeker should ask
        await chat_fixtures.send_chat(sending, "要交押金吗？")
        seen = await chat_fixtures.events_until(sending, "chat")
        await sending.disconnect()
        return seen

    seen = chat_fixtures.run(scenario)

    # then it is shown like any message: the money rules bind the organisation's side
    assert [e["data"]["text"] for e in seen if e["kind"] == "chat"] == ["要交押金吗？"]


@pytest.mark.parametrize("text", ["押\u200b金二百", "交yajin", "压金200", "先交服務費", "刷单日结"])
def test_the_chat_check_refuses_the_reported_bypasses(text):
    with pytest.raises(Refused) as refused:
        chat.chat_content_check(text)

    assert refused.value.code == "content_rule"
