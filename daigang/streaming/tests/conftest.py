from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

import pytest

from daigang.core.testing import asgi_server  # noqa: F401  (fixture)
from daigang.core.testing_faults import PrivateRedis, private_redis
from daigang.live.models import Room
from daigang.live.testing import room_make
from daigang.streaming import ice


@pytest.fixture(autouse=True)
def _webrtc_on_loopback(settings) -> None:
    """The relay and the test clients gather ICE candidates on 127.0.0.1 only, no STUN."""
    settings.WEBRTC_HOST_ADDRESSES = ["127.0.0.1"]
    settings.WEBRTC_ICE_SERVERS = []
    settings.STREAM_SERVER_URL = ""
    # The test's own aiortc clients gather through the same (process-wide) hook.
    ice.host_addresses_install()


@pytest.fixture
def relay_reset() -> Iterator[None]:
    """Every room the relay holds is closed after the test, so tests don't share media."""
    yield
    from daigang.streaming.loop import relay_loop_running, relay_run_sync
    from daigang.streaming.relay import relay_get

    if relay_loop_running():
        relay_run_sync(relay_get().close_all())


@pytest.fixture
def room(db) -> Room:
    return room_make()


@pytest.fixture(scope="session")
def relay_redis(tmp_path_factory) -> Iterator[PrivateRedis]:
    """A Redis of the tests' own for the relay's control protocol (never the shared one)."""
    with private_redis(tmp_path_factory.mktemp("relay-redis")) as server:
        yield server


async def _close_all() -> None:
    from daigang.streaming.relay import relay_get

    await relay_get().close_all()


@contextmanager
def relay_process_serving(
    drain: Callable[[], Awaitable[None]] | None = None,
) -> Iterator[object]:
    """What `manage.py relay` runs, on this process's relay loop, until the block ends: the
    web side reaches it only over Redis (settings.STREAM_RELAY="process")."""
    from daigang.streaming import relay_control, services
    from daigang.streaming.loop import relay_loop

    server = relay_control.RelayServer(index=0, handle=services.relay_request_handle)
    running = asyncio.run_coroutine_threadsafe(
        server.serve(drain=drain or _close_all), relay_loop()
    )
    deadline = time.monotonic() + 5
    while not relay_control.relay_serving():
        assert time.monotonic() < deadline and not running.done(), "the relay did not start"
        time.sleep(0.01)
    try:
        yield server
    finally:
        server.stop_soon()
        running.result(30)


@pytest.fixture(params=["inprocess", "process"])
def relay_mode(request, settings) -> Iterator[str]:
    """Run the test with the relay in this process, then again with it in its own (served
    here, reached over Redis): the WHIP/WHEP answers must be the same."""
    settings.STREAM_RELAY = request.param
    if request.param == "inprocess":
        yield request.param
        return
    settings.REDIS_URL = request.getfixturevalue("relay_redis").url
    with relay_process_serving():
        yield request.param
