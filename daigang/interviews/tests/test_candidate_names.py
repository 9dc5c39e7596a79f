"""In a group interview the candidates see each other masked (张*), never by full name; the
interviewers see everyone's full name. On the page, in the roster and in every frame."""

from __future__ import annotations

import json

import pytest
from channels.testing import WebsocketCommunicator
from django.urls import reverse

from daigang.interviews.selectors import call_roster, name_mask
from daigang.interviews.testing import client_for, interview_make, seat, world_make
from daigang.interviews.tests.test_signalling import _cookie, _joined, _socket, run

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("name", "masked"),
    [("王小明", "王**"), ("张三", "张*"), ("欧阳娜娜", "欧***"), ("王", "王*"), ("  李娜 ", "李*")],
)
def test_a_name_is_masked_after_its_first_character(name, masked):
    assert name_mask(name) == masked


def _group_interview():
    world = world_make()
    interview = interview_make(world, applications=[world.application, world.application_b])
    return world, interview


def test_a_candidate_sees_the_other_candidate_masked_in_the_roster():
    # given 张三 and 李娜 in one group interview
    world, interview = _group_interview()
    zhang = seat(interview, world.seeker)
    # when 张三's roster is made
    roster = {row["id"]: row["name"] for row in call_roster(interview=interview, viewer=zhang)}
    # then 李娜 is 李*, 张三 himself and the interviewer stay whole
    li = seat(interview, world.seeker_b)
    boss = seat(interview, world.owner)
    assert roster == {zhang.pk: "张三", li.pk: "李*", boss.pk: "王经理"}


def test_an_interviewer_sees_every_candidate_by_full_name_in_the_roster():
    world, interview = _group_interview()
    boss = seat(interview, world.owner)
    names = {row["name"] for row in call_roster(interview=interview, viewer=boss)}
    assert names == {"张三", "李娜", "王经理"}


async def _frames(comm: WebsocketCommunicator) -> list[str]:
    """Every frame waiting on the socket, raw, until it has been quiet for a moment."""
    frames = []
    while not await comm.receive_nothing(timeout=0.3):
        frames.append(await comm.receive_from(timeout=1))
    return frames


def test_no_frame_a_candidate_receives_carries_another_candidates_full_name():
    # given 张三, 李娜 and the interviewer in one call, joining in turn
    world, interview = _group_interview()
    zhang, li = seat(interview, world.seeker), seat(interview, world.seeker_b)
    boss = seat(interview, world.owner)
    cookies = {user: _cookie(user) for user in (world.seeker, world.seeker_b, world.owner)}

    async def scenario():
        zhang_socket = _socket(zhang.token, cookies[world.seeker])
        await _joined(zhang_socket)
        li_socket = _socket(li.token, cookies[world.seeker_b])
        li_hello = await _joined(li_socket)
        boss_socket = _socket(boss.token, cookies[world.owner])
        boss_hello = await _joined(boss_socket)
        # when the interviewer mutes and focuses 李娜 (events that name participants)
        await boss_socket.send_to(
            text_data=json.dumps({"kind": "mute", "participant": li.pk, "muted": True})
        )
        await boss_socket.send_to(text_data=json.dumps({"kind": "focus", "participant": li.pk}))
        seen = {
            "zhang": await _frames(zhang_socket),
            "li": [json.dumps(li_hello, ensure_ascii=False), *await _frames(li_socket)],
            "boss": [json.dumps(boss_hello, ensure_ascii=False), *await _frames(boss_socket)],
        }
        for comm in (zhang_socket, li_socket, boss_socket):
            await comm.disconnect()
        return seen

    seen = run(scenario)
    # then 张三 heard of 李娜 (peer-joined) only as 李*, and 李娜 of 张三 only as 张*
    zhang_text = "\n".join(seen["zhang"])
    assert '"kind":"peer-joined"' in zhang_text
    assert "李娜" not in zhang_text
    assert '"name":"李*"' in zhang_text
    li_text = "\n".join(seen["li"])
    assert "张三" not in li_text
    assert '"name":"张*"' in li_text
    # the interviewer's name is no secret to the candidates
    assert "王经理" in zhang_text
    # and the interviewer sees both candidates whole, in the roster and as they are present
    boss_text = "\n".join(seen["boss"])
    assert "张三" in boss_text
    assert "李娜" in boss_text
    assert "*" not in boss_text


def test_the_call_page_of_a_candidate_does_not_name_the_other_candidate():
    world, interview = _group_interview()
    body = client_for(world.seeker).get(
        reverse("interviews:call", args=[seat(interview, world.seeker).token])
    )
    text = body.content.decode()
    assert "张三" in text
    assert "李娜" not in text
