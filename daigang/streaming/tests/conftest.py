from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator

import pytest
from django.utils import timezone

from daigang.accounts.models import Organisation
from daigang.core.testing import asgi_server  # noqa: F401  (fixture)
from daigang.live.models import Room
from daigang.streaming import ice

_serial = itertools.count(1)


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


def organisation_make(*, verified: bool = True) -> Organisation:
    now = timezone.now()
    return Organisation.objects.create(
        name="昆山精密电子有限公司",
        kind=Organisation.Kind.COMPANY,
        uscc=f"91320583MA{next(_serial):08d}",
        contact_name="王经理",
        contact_phone="0512-57778888",
        address="江苏省昆山市",
        status=Organisation.Status.VERIFIED if verified else Organisation.Status.PENDING,
        verified_at=now if verified else None,
        verified_until=now + dt.timedelta(days=180) if verified else None,
    )


def room_make(*, state: str = Room.State.SCHEDULED, verified: bool = True) -> Room:
    return Room.objects.create(
        organisation=organisation_make(verified=verified),
        title="电子厂普工直播招聘",
        planned_start=timezone.now(),
        state=state,
    )


@pytest.fixture
def room(db) -> Room:
    return room_make()
