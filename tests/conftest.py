"""Shared fixtures for real-browser tests: the ASGI app on 127.0.0.1 and Debian's chromium.

- `asgi_server`: the real ASGI application (HTTP + WebSocket + WHIP/WHEP) served by uvicorn in
  a background thread, on a free port of 127.0.0.1. Django's live_server is WSGI only.
- `chromium`: Debian's /usr/bin/chromium driven by Playwright (never a downloaded browser),
  with a fake camera and microphone.

Tests marked `webrtc` open real WebRTC connections; they run only inside a loopback-only
network namespace (scripts/in-loopback-netns), so neither chromium nor the relay can offer or
reach any address but 127.0.0.1 / ::1:

    scripts/in-loopback-netns .venv/bin/python -m pytest -m webrtc tests/e2e
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pytest

T = TypeVar("T")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--allow-loopback-in-peer-connection",
    "--disable-features=WebRtcHideLocalIpsWithMdns",
    "--autoplay-policy=no-user-gesture-required",
    # A Chinese visitor, as the tests assert Chinese text; headless Chromium would otherwise send
    # Accept-Language: en-US and get the English catalogue. (--lang has no effect in headless.)
    "--accept-lang=zh-CN,zh",
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "/tmp/daigang-e2e"))


def loopback_only() -> bool:
    """True inside a network namespace whose only interface is `lo`."""
    # /proc/net/dev belongs to this process's namespace (/sys/class/net may be the host's).
    try:
        lines = Path("/proc/net/dev").read_text().splitlines()[2:]
    except OSError:
        return False
    return [line.split(":", 1)[0].strip() for line in lines] == ["lo"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    no_chromium = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (make chromium)")
    not_isolated = pytest.mark.skip(
        reason="WebRTC tests run only in a loopback-only network namespace: "
        "scripts/in-loopback-netns .venv/bin/python -m pytest -m webrtc"
    )
    for item in items:
        if item.get_closest_marker("e2e") and not os.access(CHROMIUM, os.X_OK):
            item.add_marker(no_chromium)
        if item.get_closest_marker("webrtc") and not loopback_only():
            item.add_marker(not_isolated)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """SQLite: a test database in a file, in WAL mode, so the server thread shares it.

    Django's default SQLite test database is in memory; another thread's connection to it
    shares a cache with table locks that fail instead of waiting. A file with WAL lets the
    server's threads and the test read and write side by side. (PostgreSQL needs nothing.)
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        test = database.setdefault("TEST", {})
        if not test.get("NAME"):
            test["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")


class Server(str):
    """The server's base URL ("http://127.0.0.1:<port>"), also as `.url`."""

    @property
    def url(self) -> str:
        return str(self)


@pytest.fixture
def asgi_server(transactional_db: None, settings) -> Iterator[Server]:
    """The whole app (HTTP, WebSocket, WHIP/WHEP) on 127.0.0.1, sharing the test database.

    Served by daigang.core.testing.asgi_server_running (uvicorn in a background thread). The
    test's writes must be committed for the server to see them, hence `transactional_db`.
    SMS codes go to daigang.accounts.sms.outbox so a test can log in like a person; the relay
    gathers candidates on 127.0.0.1 only and asks no STUN server.
    """
    from daigang.core.testing import asgi_server_running

    settings.SMS_BACKEND = "daigang.accounts.sms.LocmemBackend"
    settings.WEBRTC_HOST_ADDRESSES = ["127.0.0.1"]
    settings.WEBRTC_ICE_SERVERS = []
    settings.STREAM_SERVER_URL = ""
    with asgi_server_running() as url:
        yield Server(url)


def orm(function: Callable[..., T], *args: object, **kwargs: object) -> T:
    """Run a database call from a test that drives a browser.

    Playwright's sync API keeps an event loop running on the test's thread, so Django refuses
    ORM calls there (SynchronousOnlyOperation). A short-lived thread has no loop.
    """

    def call() -> T:
        from django.db import connections

        try:
            return function(*args, **kwargs)
        finally:
            # Now, not whenever the garbage collector frees the thread's connection: an open
            # one keeps PostgreSQL from dropping the test database at the end of the run.
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


@pytest.fixture
def chromium() -> Iterator[object]:
    """Debian's chromium with a fake camera/microphone, via Playwright (sync API).

    Function-scoped, and to be requested AFTER the data fixtures: the browser (and the event
    loop Playwright keeps on this thread) must be gone before pytest-django flushes the
    database, which it does on this thread.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def screenshot_on_failure(request: pytest.FixtureRequest) -> Iterator[list]:
    """Register pages (name, page); on failure each is saved to E2E_SCREENSHOTS as PNG."""
    pages: list = []
    yield pages
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for name, page in pages:
            # A dead page must not hide the real failure.
            with contextlib.suppress(Exception):
                page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}-{name}.png"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
