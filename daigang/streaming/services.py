"""Writes for live video: WHIP/WHEP sessions on the built-in relay.

The relay runs in this process (STREAM_RELAY=inprocess, the default) or in its own
(STREAM_RELAY=process, `manage.py relay`): the services check the room here either way, then
hand the offer to the relay on this process's relay loop or over Redis (relay_control.py).
The relay calls the same hooks in both (`relay_serving`): it puts a room live and interrupts it
itself.

Rotating a room's stream key is daigang.live.services.room_stream_key_rotate.

The session services are async: they check the room in the database (in a thread) and drive
the relay on its own loop (daigang.streaming.loop). They raise Refused (daigang.core.refused) with the HTTP status
the WHIP/WHEP answer gets.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.core.refused import Refused
from daigang.live.lifecycle import room_end, room_end_deadline, room_go_live, room_interrupt
from daigang.live.mic import mic_turn_deadline, mic_turn_expire
from daigang.live.models import Room
from daigang.live.replays import (
    replay_recordings_abandoned_fail,
    replay_recordings_unfinished_room_ids,
)
from daigang.streaming import relay_control, selectors
from daigang.streaming.loop import relay_await
from daigang.streaming.relay import Answer, Relay, RelayConfig, relay_get

logger = logging.getLogger(__name__)
GUEST_LIMIT_SLACK = dt.timedelta(seconds=2)
T = TypeVar("T")


async def whip_session_start(*, room_id: int, token: str | None, offer_sdp: str) -> Answer:
    """Accept a publisher's offer (WHIP POST). The room goes live when its media arrives
    (the relay's on_publisher_media), not now: an answer is no picture yet.

    Refused: room_not_found, stream_key_invalid, room_ended, organisation_unverified,
    publisher_busy, offer_invalid.
    """
    room = await sync_to_async(_room_for_publish)(room_id=room_id, token=token)
    return await _relay_session_start(op="publish", room_id=room.pk, offer_sdp=offer_sdp)


async def whip_session_end(*, room_id: int, session_id: str) -> None:
    """Stop publishing (WHIP DELETE), also after the connection was lost: the room is
    interrupted, not ended (a reloaded console, OBS restarted); its viewers wait for the
    publisher's grace. Ending a room is the console's 结束直播. Refused session_not_found (404),
    also for a viewer's session id."""
    ended = await _relay_session_end(room_id=room_id, session_id=session_id, role="publisher")
    if not ended:
        raise Refused("session_not_found", _("推流会话不存在或已结束。"), status=404)


async def whep_session_start(*, room_id: int, offer_sdp: str) -> Answer:
    """Accept a viewer's offer (WHEP POST). Refused: room_not_found, room_not_live, …"""
    room = await sync_to_async(selectors.room_watch_access)(room_id=room_id)
    return await _relay_session_start(op="view", room_id=room.pk, offer_sdp=offer_sdp)


async def whep_session_end(*, room_id: int, session_id: str) -> None:
    """Stop watching (WHEP DELETE), also after the connection was lost. Refused
    session_not_found (404), also for a publisher's session id."""
    ended = await _relay_session_end(room_id=room_id, session_id=session_id, role="viewer")
    if not ended:
        raise Refused("session_not_found", _("观看会话不存在或已结束。"), status=404)


async def guest_session_start(*, room_id: int, user: Any, offer_sdp: str) -> Answer:
    """Accept a mic-link guest's offer (its login session is the credential): the guest's
    voice is mixed into the room's sound until its turn ends (the anchor ends it, the guest
    leaves, or its limit passes: the relay cuts it then). Refused: room_not_found,
    login_required, mic_not_on_air, anchor_not_publishing, offer_invalid."""
    request = await sync_to_async(selectors.guest_publish_access)(room_id=room_id, user=user)
    deadline = mic_turn_deadline(request)
    seconds_left = None if deadline is None else (deadline - timezone.now()).total_seconds()
    if _relay_in_process():
        return await relay_await(
            relay_serving().guest_publish(
                room_id=room_id,
                request_id=request.pk,
                offer_sdp=offer_sdp,
                config=RelayConfig.from_settings(),
                muted=request.muted,
                seconds_left=seconds_left,
            )
        )
    reply = await relay_control.relay_ask(
        op="guest_publish",
        room_id=room_id,
        request_id=request.pk,
        offer_sdp=offer_sdp,
        muted=request.muted,
        seconds_left=seconds_left,
    )
    return Answer(session_id=reply["answer"]["session_id"], sdp=reply["answer"]["sdp"])


async def guest_session_end(*, room_id: int, session_id: str) -> None:
    """The guest's WHIP DELETE: its voice leaves the mix (its turn is ended by the room page's
    结束连麦, daigang.live.mic). Refused session_not_found (404)."""
    ended = await _relay_session_end(room_id=room_id, session_id=session_id, role="guest")
    if not ended:
        raise Refused("session_not_found", _("连麦会话不存在或已结束。"), status=404)


def _room_for_publish(*, room_id: int, token: str | None) -> Room:
    room = selectors.room_publish_access(room_id=room_id, token=token)
    if room.state == Room.State.INTERRUPTED and timezone.now() > room_end_deadline(room):
        room_end(room=room)  # left interrupted too long: end_overdue_rooms had not run yet
    # Checked before negotiating so OBS gets the real reason at once; room_go_live checks
    # again under the row lock.
    if room.state == Room.State.ENDED:
        raise Refused("room_ended", _("本场直播已结束，不能再次开播。请新建一场直播。"), status=409)
    if not room.organisation.is_verified():
        raise Refused(
            "organisation_unverified", _("单位尚未通过认证（或认证已过期），不能开播。"), status=403
        )
    return room


def _room_go_live_by_id(room_id: int) -> bool:
    """Put the room live; False if it may not be (ended meanwhile, organisation unverified)."""
    room = Room.objects.filter(pk=room_id).first()
    if room is None:
        return False
    try:
        room_go_live(room=room)
    except ValidationError:
        logger.info("relay: room %s may not go live: its publisher is dropped", room_id)
        return False
    return True


def external_stream_ready(*, path: str) -> Room | None:
    """The external media server has a room's stream (MediaMTX runOnReady): the room goes live.

    None for a path that is no room's; ValidationError (room_ended, organisation_unverified)
    when the room may not go live. Idempotent, as room_go_live is."""
    room = selectors.room_for_stream_path(path=path)
    if room is None:
        return None
    return room_go_live(room=room)


def external_stream_not_ready(*, path: str) -> Room | None:
    """The external server's stream stopped (runOnNotReady): the live room is interrupted,
    not ended (the anchor may come back; 结束直播 ends it). Idempotent."""
    room = selectors.room_for_stream_path(path=path)
    if room is None:
        return None
    return room_interrupt(room=room)


def _room_interrupt_by_id(room_id: int) -> None:
    room = Room.objects.filter(pk=room_id).first()
    if room is not None:
        room_interrupt(room=room)


async def _publisher_media(room_id: int) -> None:
    if not await _in_thread(_room_go_live_by_id, room_id):
        await relay_get().room_close(room_id)


async def _publisher_gone(room_id: int) -> None:
    await _in_thread(_room_interrupt_by_id, room_id)


async def _in_thread(function: Callable[[int], T], room_id: int) -> T:
    def call() -> T:
        # A throwaway worker thread: its connection must not outlive this call.
        try:
            return function(room_id)
        finally:
            connections.close_all()

    return await sync_to_async(call, thread_sensitive=False)()


async def _guest_turn_over(room_id: int, request_id: int) -> None:
    def expire() -> None:
        try:
            # The relay's timer may fire a hair before the database's clock says so.
            mic_turn_expire(request_id=request_id, now=timezone.now() + GUEST_LIMIT_SLACK)
        finally:
            connections.close_all()

    await sync_to_async(expire, thread_sensitive=False)()


def relay_serving() -> Relay:
    """This process's relay, with the hooks that put its rooms live and interrupt them. Only
    touch it on the relay loop."""
    relay = relay_get()
    relay.on_publisher_media = _publisher_media
    relay.on_publisher_gone = _publisher_gone
    relay.on_guest_turn_over = _guest_turn_over
    return relay


def _relay_in_process() -> bool:
    return settings.STREAM_RELAY != "process"


async def _relay_session_start(*, op: str, room_id: int, offer_sdp: str) -> Answer:
    if _relay_in_process():
        return await relay_await(relay_request_handle_session(op, room_id, offer_sdp))
    reply = await relay_control.relay_ask(op=op, room_id=room_id, offer_sdp=offer_sdp)
    return Answer(session_id=reply["answer"]["session_id"], sdp=reply["answer"]["sdp"])


async def _relay_session_end(*, room_id: int, session_id: str, role: str) -> bool:
    if _relay_in_process():
        return await relay_await(
            relay_serving().session_end(room_id=room_id, session_id=session_id, role=role)
        )
    reply = await relay_control.relay_ask(
        op="session_end", room_id=room_id, session_id=session_id, role=role
    )
    return bool(reply["ended"])


async def relay_request_handle_session(op: str, room_id: int, offer_sdp: str) -> Answer:
    relay, config = relay_serving(), RelayConfig.from_settings()
    if op == "publish":
        return await relay.publish(room_id=room_id, offer_sdp=offer_sdp, config=config)
    return await relay.view(room_id=room_id, offer_sdp=offer_sdp, config=config)


async def relay_request_handle(request: dict[str, Any]) -> dict[str, Any] | None:
    """What the relay process does with one request of the control protocol
    (relay_control.py), on its relay loop: the same calls as the in-process relay."""
    op, room_id = request["op"], int(request["room_id"])
    if op in ("publish", "view"):
        answer = await relay_request_handle_session(op, room_id, str(request["offer_sdp"]))
        return {"answer": {"session_id": answer.session_id, "sdp": answer.sdp}}
    relay = relay_serving()
    if op == "guest_publish":
        seconds_left = request.get("seconds_left")
        answer = await relay.guest_publish(
            room_id=room_id,
            request_id=int(request["request_id"]),
            offer_sdp=str(request["offer_sdp"]),
            config=RelayConfig.from_settings(),
            muted=bool(request.get("muted")),
            seconds_left=None if seconds_left is None else float(seconds_left),
        )
        return {"answer": {"session_id": answer.session_id, "sdp": answer.sdp}}
    if op == "session_end":
        role = str(request.get("role"))
        role = role if role in ("publisher", "guest") else "viewer"
        ended = await relay.session_end(
            room_id=room_id, session_id=str(request["session_id"]), role=role
        )
        return {"ended": ended}
    if op == "room_close":
        await relay.room_close(room_id)
    elif op == "publisher_drop":
        await relay.publisher_drop(room_id)
    elif op == "guest_action":
        request_id, action = int(request["request_id"]), str(request["action"])
        if room_id in relay.rooms:
            if action == "end":
                await relay.guest_end(room_id=room_id, request_id=request_id)
            else:
                relay.guest_mute(room_id=room_id, request_id=request_id, muted=action == "mute")
    else:
        raise ValueError(f"unknown relay request {op!r}")
    return None


async def relay_drain() -> None:
    """The relay process stops (SIGTERM): its live rooms are interrupted, not ended — their
    publishers put them back on air on the restarted relay — and every session is closed."""
    relay = relay_serving()
    for room_id, room in list(relay.rooms.items()):
        if room.publisher is not None and room.publisher.media_seen:
            await _in_thread(_room_interrupt_by_id, room_id)
    await relay.close_all()


def relay_rooms_orphaned_interrupt(*, index: int, relays: int) -> int:
    """A relay process starts: rooms placed on it still live lost their publisher with the
    previous process (a crash or a kill, no drain). Interrupt them; return how many. Their
    recordings the killed process never finished (no cues) are failed, never listed."""
    interrupted = 0
    for room in Room.objects.filter(state=Room.State.LIVE).only("pk"):
        if room.pk % relays == index:
            room_interrupt(room=room)
            interrupted += 1
    recording = set(replay_recordings_unfinished_room_ids())
    replay_recordings_abandoned_fail(room_ids=[pk for pk in recording if pk % relays == index])
    return interrupted
