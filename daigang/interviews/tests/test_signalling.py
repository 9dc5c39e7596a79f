"""The video call's signalling socket: presence, relayed offers, and who is let in."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from django.utils import timezone

from daigang.interviews.services import participant_remove
from daigang.interviews.testing import interview_make, seat, world_make

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://localhost")
OFFER = {"type": "offer", "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"}


def _login_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}".encode()


def _cookie(user) -> bytes | None:
    """The user's session cookie. Logging in touches the database, which Django refuses on
    a thread running an event loop, so it is done on a short-lived thread of its own."""
    if user is None:
        return None
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_login_cookie, user).result()


def _socket(token: str, cookie: bytes | None) -> WebsocketCommunicator:
    """A call socket; `cookie` from `_cookie(user)`, made outside the event loop."""
    from config.asgi import application

    headers = [ORIGIN]
    if cookie:
        headers.append((b"cookie", cookie))
    return WebsocketCommunicator(application, f"/ws/interviews/{token}/", headers=headers)


async def _next(comm: WebsocketCommunicator, timeout: float = 3) -> dict[str, Any]:
    return json.loads(await comm.receive_from(timeout=timeout))


async def _until(comm: WebsocketCommunicator, kind: str, timeout: float = 3) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        event = await _next(comm, timeout=max(0.05, deadline - loop.time()))
        if event["kind"] == kind:
            return event["data"]


async def _joined(comm: WebsocketCommunicator) -> dict[str, Any]:
    connected, _ = await comm.connect(timeout=5)
    assert connected
    return await _until(comm, "hello")


async def _refused(comm: WebsocketCommunicator) -> tuple[dict[str, Any], int]:
    connected, _ = await comm.connect(timeout=5)
    assert connected  # accepted so the page can say why, then closed
    event = await _next(comm)
    closed = await comm.receive_output(timeout=3)
    assert closed["type"] == "websocket.close"
    return event, closed["code"]


def run(scenario):
    """Run `scenario()` (a coroutine function, or a lambda returning a coroutine) to the end."""

    async def main():
        return await scenario()

    return async_to_sync(main)()


def test_two_participants_find_each_other_and_exchange_an_offer_and_answer():
    # given an interview with one interviewer and one candidate
    world = world_make()
    interview = interview_make(world)
    interviewer = seat(interview, world.owner)
    candidate = seat(interview, world.seeker)

    async def scenario():
        boss = _socket(interviewer.token, _cookie(world.owner))
        hello = await _joined(boss)
        seeker = _socket(candidate.token, _cookie(world.seeker))
        seeker_hello = await _joined(seeker)
        # then each learns about the other, with the other's connection id
        joined_for_boss = await _until(boss, "peer-joined")
        joined_for_seeker = await _until(seeker, "peer-joined")
        # when the interviewer sends the candidate an offer, and the candidate answers
        await boss.send_to(
            text_data=json.dumps(
                {
                    "kind": "signal",
                    "to": candidate.pk,
                    "to_conn": joined_for_boss["conn"],
                    "data": {"description": OFFER},
                }
            )
        )
        offer = await _until(seeker, "signal")
        await seeker.send_to(
            text_data=json.dumps(
                {
                    "kind": "signal",
                    "to": interviewer.pk,
                    "to_conn": offer["from_conn"],
                    "data": {"description": {"type": "answer", "sdp": "v=0\r\n"}},
                }
            )
        )
        answer = await _until(boss, "signal")
        await boss.disconnect()
        left = await _until(seeker, "peer-left")
        await seeker.disconnect()
        return hello, seeker_hello, joined_for_boss, joined_for_seeker, offer, answer, left

    hello, seeker_hello, for_boss, for_seeker, offer, answer, left = run(scenario)

    assert hello["you"]["id"] == interviewer.pk and hello["you"]["role"] == "interviewer"
    assert [p["id"] for p in hello["roster"]] == [interviewer.pk, candidate.pk]
    assert (for_boss["id"], for_boss["role"], for_boss["name"]) == (
        candidate.pk,
        "candidate",
        "张三",
    )
    assert for_boss["conn"] == seeker_hello["you"]["conn"]
    assert (for_seeker["id"], for_seeker["conn"]) == (interviewer.pk, hello["you"]["conn"])
    assert offer == {
        "from": interviewer.pk,
        "from_conn": hello["you"]["conn"],
        "description": OFFER,
    }
    assert answer["from"] == candidate.pk and answer["description"]["type"] == "answer"
    assert left == {"id": interviewer.pk, "conn": hello["you"]["conn"]}
    # no phone number travels to the other participants
    assert world.seeker.phone not in json.dumps([hello, for_boss, for_seeker])


def test_a_candidate_cannot_use_someone_elses_link():
    world = world_make()
    interview = interview_make(world)
    token = seat(interview, world.seeker).token

    event, code = run(lambda: _refused(_socket(token, _cookie(world.other_seeker))))

    assert event["kind"] == "error" and event["data"]["code"] == "not_found"
    assert code == 4403


@pytest.mark.parametrize("who", ["anonymous", "made_up_token"])
def test_anonymous_visitors_and_made_up_tokens_are_refused(who):
    world = world_make()
    interview = interview_make(world)
    token = seat(interview, world.seeker).token
    if who == "anonymous":
        comm = _socket(token, None)
    else:
        comm = _socket("x" * 32, _cookie(world.seeker))

    event, code = run(lambda: _refused(comm))

    assert event["data"]["code"] == "not_found" and code == 4403


def test_a_removed_candidate_is_refused():
    world = world_make()
    interview = interview_make(world)
    mine = seat(interview, world.seeker)
    participant_remove(interview=interview, participant_id=mine.pk, by=world.owner)

    event, code = run(lambda: _refused(_socket(mine.token, _cookie(world.seeker))))

    assert event["data"] == {"code": "removed", "message": "您已被面试官移出本场面试"}
    assert code == 4403


def test_too_early_is_refused():
    world = world_make()
    interview = interview_make(world, starts_at=timezone.now() + dt.timedelta(hours=2))

    token = seat(interview, world.seeker).token

    event, code = run(lambda: _refused(_socket(token, _cookie(world.seeker))))

    assert event["data"]["code"] == "early" and code == 4403


def test_the_interviewer_mutes_a_candidate_and_the_candidate_is_told():
    world = world_make()
    interview = interview_make(world)
    interviewer = seat(interview, world.owner)
    candidate = seat(interview, world.seeker)

    async def scenario():
        boss = _socket(interviewer.token, _cookie(world.owner))
        await _joined(boss)
        seeker = _socket(candidate.token, _cookie(world.seeker))
        await _joined(seeker)
        await boss.send_to(
            text_data=json.dumps({"kind": "mute", "participant": candidate.pk, "muted": True})
        )
        told = await _until(seeker, "muted")
        seen = await _until(boss, "muted")
        # a candidate may not mute anyone
        await seeker.send_to(
            text_data=json.dumps({"kind": "mute", "participant": candidate.pk, "muted": False})
        )
        refused = await _until(seeker, "error")
        await boss.disconnect()
        await seeker.disconnect()
        return told, seen, refused

    told, seen, refused = run(scenario)

    assert told == seen == {"participant": candidate.pk, "muted": True}
    assert refused["code"] == "not_interviewer"
    candidate.refresh_from_db()
    assert candidate.muted


def test_removing_a_connected_candidate_closes_their_socket_and_keeps_them_out():
    world = world_make()
    interview = interview_make(world, applications=[world.application, world.application_b])
    interviewer = seat(interview, world.owner)
    candidate = seat(interview, world.seeker)
    other = seat(interview, world.seeker_b)

    async def scenario():
        boss = _socket(interviewer.token, _cookie(world.owner))
        await _joined(boss)
        seeker = _socket(candidate.token, _cookie(world.seeker))
        await _joined(seeker)
        seeker_b = _socket(other.token, _cookie(world.seeker_b))
        await _joined(seeker_b)
        await boss.send_to(text_data=json.dumps({"kind": "remove", "participant": candidate.pk}))
        told = await _until(seeker, "removed")
        closed = None
        while closed is None or closed["type"] != "websocket.close":
            closed = await seeker.receive_output(timeout=3)
        seen_by_other = await _until(seeker_b, "removed")
        again = _socket(candidate.token, _cookie(world.seeker))
        refused = await _refused(again)
        await boss.disconnect()
        await seeker_b.disconnect()
        return told, closed, seen_by_other, refused

    told, closed, seen_by_other, (event, code) = run(scenario)

    assert told == seen_by_other == {"participant": candidate.pk}
    assert closed["code"] == 4403
    assert event["data"]["code"] == "removed" and code == 4403


def test_opening_the_call_again_replaces_the_first_connection():
    world = world_make()
    interview = interview_make(world)
    candidate = seat(interview, world.seeker)

    async def scenario():
        first = _socket(candidate.token, _cookie(world.seeker))
        await _joined(first)
        second = _socket(candidate.token, _cookie(world.seeker))
        await _joined(second)
        replaced = await _until(first, "replaced")
        closed = await first.receive_output(timeout=3)
        await second.disconnect()
        return replaced, closed

    replaced, closed = run(scenario)

    assert replaced == {} and closed == {"type": "websocket.close", "code": 4409}


def test_a_frame_that_is_not_signalling_gets_an_error():
    world = world_make()
    interview = interview_make(world)
    candidate = seat(interview, world.seeker)

    async def scenario():
        comm = _socket(candidate.token, _cookie(world.seeker))
        await _joined(comm)
        await comm.send_to(text_data="not json")
        first = await _until(comm, "error")
        await comm.send_to(text_data=json.dumps({"kind": "signal", "to": 1, "data": "x"}))
        second = await _until(comm, "error")
        await comm.disconnect()
        return first, second

    first, second = run(scenario)

    assert first["code"] == second["code"] == "invalid"
