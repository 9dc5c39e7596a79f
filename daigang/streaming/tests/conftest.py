from __future__ import annotations

from collections.abc import Iterator

import pytest

from daigang.core.testing import asgi_server  # noqa: F401  (fixture)
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
