"""The relay in its own process (STREAM_RELAY=process): how web processes hand it sessions.

Web processes never hold media: a WHIP/WHEP view checks the room in the database as always
(daigang.streaming.services), then hands the SDP offer to the relay process that serves the
room and answers with what it sends back. `manage.py relay` runs that process: the same
`Relay` (relay.py) on the same loop (loop.py), with the same hooks (services.relay_serving)
that put a room live on its first frame and interrupt it when its publisher goes — those
database writes happen in the relay process, so there is one code path in both modes.

Transport: Redis lists (README "The relay in its own process" says why). A request is a JSON
object RPUSHed on the relay's request list, `daigang:relay:<index>:requests`:

    {"op": "publish" | "view" | "session_end" | "room_close" | "publisher_drop",
     "room_id": int, "offer_sdp": str, "session_id": str, "role": "publisher" | "viewer",
     "language": "zh-hans", "reply_to": "daigang:relay:reply:<random>", "expires": epoch s}

The relay answers on `reply_to` (a list that expires) with one of

    {"answer": {"session_id": str, "sdp": str}}   a session was made
    {"ended": bool}                                session_end found the session (or not)
    {"refused": {"code": str, "message": str, "status": int}}   the in-process Refused
    {"misconfigured": str}                          RelayMisconfigured (500)
    {"error": str}                                  anything else (500, logged by the relay)

`room_close` and `publisher_drop` (a room ended, a stream key rotated) get no reply. A web
process that hears nothing within STREAM_RELAY_TIMEOUT_SECONDS answers 503 with Retry-After
(`relay_unavailable`); the relay skips requests whose `expires` has passed, so a late request
never makes a session nobody will use. Rooms are placed on relays by `room_id % STREAM_RELAYS`.
No trickle ICE (PATCH stays 405), as in process.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from daigang.core.refused import Refused

logger = logging.getLogger(__name__)

REPLY_PREFIX = "daigang:relay:reply:"
# How long a reply waits for a web process that asked: after that nobody reads it.
REPLY_TTL_SECONDS = 60
# The relay polls its list this often, so SIGTERM is noticed.
POLL_SECONDS = 1.0
RELAY_UNAVAILABLE = "relay_unavailable"

# True in the process that serves rooms (`manage.py relay`, or a test serving in-process):
# room end hooks there act on its own relay rather than ask one over Redis.
_serving = False


class RelayError(Exception):
    """The relay process failed to handle a request (a bug there; a 500 here)."""


def requests_key(index: int) -> str:
    return f"daigang:relay:{index}:requests"


def relay_index(room_id: int) -> int:
    """Which relay process serves the room: one relay per `room_id % STREAM_RELAYS`."""
    return room_id % settings.STREAM_RELAYS


def relay_serving() -> bool:
    return _serving


def _redis_url() -> str:
    return str(settings.REDIS_URL)


# --- the web side ----------------------------------------------------------------------------


async def relay_ask(*, op: str, room_id: int, **fields: Any) -> dict[str, Any]:
    """Send one request to the room's relay and wait for its reply.

    Refused relay_unavailable (503, Retry-After) when Redis or the relay does not answer in
    STREAM_RELAY_TIMEOUT_SECONDS; the in-process relay's Refused as it raised it."""
    import redis.asyncio as aioredis
    from redis.exceptions import RedisError

    timeout = float(settings.STREAM_RELAY_TIMEOUT_SECONDS)
    reply_to = REPLY_PREFIX + secrets.token_urlsafe(12)
    request = {
        "op": op,
        "room_id": room_id,
        "language": translation.get_language() or settings.LANGUAGE_CODE,
        "reply_to": reply_to,
        "expires": time.time() + timeout,
        **fields,
    }
    client = aioredis.from_url(_redis_url(), socket_timeout=timeout + 1)
    try:
        await client.rpush(requests_key(relay_index(room_id)), json.dumps(request))
        popped = await client.blpop([reply_to], timeout=timeout)
    except (RedisError, OSError) as exc:
        logger.warning("relay: request %s for room %s failed: %s", op, room_id, exc)
        raise _unavailable() from exc
    finally:
        await client.aclose()
    if popped is None:
        logger.warning("relay: no answer to %s for room %s in %.0f s", op, room_id, timeout)
        raise _unavailable()
    return _reply_read(json.loads(popped[1]))


def relay_tell(*, op: str, room_id: int, **fields: Any) -> None:
    """Send a request that needs no reply (room_close, publisher_drop, guest_action), from sync
    code.

    A relay that is down loses nothing: it holds no rooms, and interrupts the rooms it
    finds live when it starts."""
    import redis
    from redis.exceptions import RedisError

    request = {"op": op, "room_id": room_id, "expires": time.time() + REPLY_TTL_SECONDS, **fields}
    client = redis.Redis.from_url(_redis_url(), socket_timeout=2)
    try:
        client.rpush(requests_key(relay_index(room_id)), json.dumps(request))
    except (RedisError, OSError) as exc:
        logger.warning("relay: could not send %s for room %s: %s", op, room_id, exc)
    finally:
        client.close()


def _unavailable() -> Refused:
    return Refused(RELAY_UNAVAILABLE, _("直播服务暂时无法连接，请稍后再试。"), status=503)


def _reply_read(reply: dict[str, Any]) -> dict[str, Any]:
    from daigang.streaming.relay import RelayMisconfigured

    if "refused" in reply:
        refused = reply["refused"]
        raise Refused(refused["code"], refused["message"], status=refused["status"])
    if "misconfigured" in reply:
        raise RelayMisconfigured(reply["misconfigured"])
    if "error" in reply:
        raise RelayError(reply["error"])
    return reply


# --- the relay side --------------------------------------------------------------------------


class RelayServer:
    """Takes requests off one relay's list and runs them on the relay loop (loop.py).

    `serve()` runs there until `stop_soon()` (any thread): it stops taking requests, lets
    those under way finish, interrupts the rooms it has live (their publishers come back to a
    restarted relay) and closes every session."""

    def __init__(
        self, *, index: int, handle: Callable[[dict[str, Any]], Awaitable[dict[str, Any] | None]]
    ) -> None:
        self.index = index
        self.handle = handle
        self._stopping = False
        self._tasks: set[asyncio.Task[None]] = set()
        self.handled = 0

    def stop_soon(self) -> None:
        self._stopping = True

    async def serve(self, *, drain: Callable[[], Awaitable[None]]) -> None:
        import redis.asyncio as aioredis
        from redis.exceptions import RedisError

        global _serving
        _serving = True
        client = aioredis.from_url(_redis_url())
        key = requests_key(self.index)
        logger.info("relay %s: taking requests from %s", self.index, key)
        try:
            while not self._stopping:
                try:
                    popped = await client.blpop([key], timeout=POLL_SECONDS)
                except (RedisError, OSError) as exc:
                    logger.warning("relay %s: Redis: %s; trying again", self.index, exc)
                    await asyncio.sleep(POLL_SECONDS)
                    continue
                if popped is None:
                    continue
                task = asyncio.ensure_future(self._request_run(client, popped[1]))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            if self._tasks:
                await asyncio.wait(list(self._tasks), timeout=30)
            await drain()
        finally:
            _serving = False
            await client.aclose()
            logger.info("relay %s: stopped after %s requests", self.index, self.handled)

    async def _request_run(self, client: Any, raw: bytes | str) -> None:
        try:
            request = json.loads(raw)
        except ValueError:
            logger.warning("relay %s: a request that is not JSON: %r", self.index, raw[:200])
            return
        if float(request.get("expires", 0)) < time.time():
            logger.info("relay %s: %s for room %s came too late", self.index, *_what(request))
            return
        with translation.override(request.get("language") or settings.LANGUAGE_CODE):
            reply = await self._reply(request)
        self.handled += 1
        # One line per session made or ended: a handful per viewer, never per packet.
        logger.info("relay %s: %s for room %s: %s", self.index, *_what(request), _said(reply))
        reply_to = request.get("reply_to")
        if reply is None or not reply_to:
            return
        await client.rpush(reply_to, json.dumps(reply))
        await client.expire(reply_to, REPLY_TTL_SECONDS)

    async def _reply(self, request: dict[str, Any]) -> dict[str, Any] | None:
        from daigang.streaming.relay import RelayMisconfigured

        try:
            return await self.handle(request)
        except Refused as exc:
            message = str(exc.message)
            return {"refused": {"code": exc.code, "message": message, "status": exc.status}}
        except RelayMisconfigured as exc:
            return {"misconfigured": str(exc)}
        except Exception as exc:
            logger.exception("relay %s: %s for room %s failed", self.index, *_what(request))
            return {"error": f"{type(exc).__name__}: {exc}"}


def _what(request: dict[str, Any]) -> tuple[str, object]:
    return str(request.get("op")), request.get("room_id")


def _said(reply: dict[str, Any] | None) -> str:
    if reply is None:
        return "done"
    if "answer" in reply:
        return "answered"
    if "refused" in reply:
        return f"refused {reply['refused']['status']} {reply['refused']['code']}"
    return next(iter(reply))
