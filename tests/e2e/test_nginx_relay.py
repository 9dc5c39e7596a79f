"""The deployment of issue #19 in one test: Debian's nginx (deploy/nginx/daigang.conf) in front of
TWO uvicorn web processes and `manage.py relay` (STREAM_RELAY=process), with Redis, on loopback.

An anchor goes live in Chromium with the fake camera through nginx, a viewer in a second
browser context watches (video frames decoded), chats and applies — and both web processes
served the room's requests (their access logs say so), while the relay process answered the
WHIP/WHEP offers they handed it over Redis.

    scripts/in-loopback-netns .venv/bin/python -m pytest -m webrtc tests/e2e/test_nginx_relay.py
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from daigang.core.testing import subprocess_environment
from daigang.core.testing_faults import port_wait, private_redis
from tests.conftest import orm
from tests.e2e.nginx_site import free_port, nginx_serving

pytestmark = [pytest.mark.e2e, pytest.mark.webrtc]

ROOT = Path(__file__).resolve().parents[2]
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 30_000
PLAYER_FRAMES = """async () => {
  const session = window.daigangLive && window.daigangLive.player();
  if (!session) return 0;
  let frames = 0;
  (await session.pc.getStats()).forEach((r) => {
    if (r.type === "inbound-rtp" && r.kind === "video") frames = r.framesDecoded;
  });
  return frames;
}"""


@dataclass
class World:
    room_id: int
    job_id: int
    anchor_session: str
    seeker_session: str


def _world() -> World:
    from django.test import Client

    from daigang.accounts.models import Membership
    from daigang.accounts.testing import member_make, organisation_make
    from daigang.hiring.testing import seeker_make
    from daigang.jobs.testing import job_make
    from daigang.live.testing import room_make

    organisation = organisation_make(name="昆山精密电子有限公司")
    anchor = member_make(organisation=organisation, name="主播小周", role=Membership.Role.ANCHOR)
    job = job_make(organisation=organisation, title="电子厂普工")
    room = room_make(organisation=organisation, anchors=[anchor], jobs=[job], title="昆山专场")
    seeker = seeker_make(phone="13912345602", name="李娜")

    def session_of(user) -> str:  # type: ignore[no-untyped-def]
        client = Client()
        client.force_login(user)
        return client.cookies["sessionid"].value

    return World(room.pk, job.pk, session_of(anchor), session_of(seeker))


def _environment(redis_url: str) -> dict[str, str]:
    """The web processes' and the relay's settings: the test's database, a Redis of the
    test's own, the relay in its own process, WebRTC on 127.0.0.1 only."""
    return subprocess_environment(
        REDIS_URL=redis_url,
        STREAM_RELAY="process",
        WEB_WORKERS="2",
        WEBRTC_HOST_ADDRESSES="127.0.0.1",
        WEBRTC_ICE_SERVERS="",
        STREAM_SERVER_URL="",
        PYTHONUNBUFFERED="1",
    )


@contextmanager
def _process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    with log.open("w") as out:
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


@dataclass
class Deployment:
    https: str
    web_logs: list[Path]
    relay_log: Path


@pytest.fixture
def deployment(transactional_db, tmp_path) -> Iterator[Deployment]:
    """Redis, `manage.py relay`, two uvicorn processes on ports of their own, nginx in front."""
    python = sys.executable
    with ExitStack() as stack:
        redis = stack.enter_context(private_redis(tmp_path))
        env = _environment(redis.url)
        relay_log = tmp_path / "relay.log"
        relay = stack.enter_context(_process([python, "manage.py", "relay"], env, relay_log))
        ports, web_logs = [free_port(), free_port()], []
        for index, port in enumerate(ports):
            log = tmp_path / f"web-{index}.log"
            web_logs.append(log)
            uvicorn = [python, "-m", "uvicorn", "config.asgi:application"]
            uvicorn += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "info"]
            uvicorn += ["--ws", "websockets-sansio", "--ws-per-message-deflate", "false"]
            stack.enter_context(_process(uvicorn, env, log))
        for port in ports:
            port_wait(port, up=True, timeout=60)
        deadline = time.monotonic() + 30
        while "serving" not in relay_log.read_text():
            assert relay.poll() is None and time.monotonic() < deadline, relay_log.read_text()
            time.sleep(0.1)
        https, _http = stack.enter_context(
            nginx_serving(tmp_path, [f"127.0.0.1:{port}" for port in ports])
        )
        yield Deployment(https=https, web_logs=web_logs, relay_log=relay_log)


def _context(browser, base: str, session: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE, base_url=base, ignore_https_errors=True)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
    return context


def _frames_advancing(page) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    first = 0
    while time.monotonic() < deadline and not first:
        first = page.evaluate(PLAYER_FRAMES)
        page.wait_for_timeout(250)
    page.wait_for_timeout(1500)
    return first, page.evaluate(PLAYER_FRAMES)


def _served(log: Path, room_id: int) -> list[str]:
    """The requests for the room's pages, socket and streams this web process answered."""
    return [
        line
        for line in log.read_text().splitlines()
        if f"/rooms/{room_id}/" in line or f"/live/{room_id}/" in line
    ]


def test_through_nginx_on_two_web_processes_an_anchor_goes_live_and_a_viewer_watches_chats_and_applies(
    deployment, chromium
):
    world = orm(_world)
    base = deployment.https
    room_url = f"/live/{world.room_id}/"

    # given the anchor's console, through nginx, with the fake camera's preview running
    anchor = _context(chromium, base, world.anchor_session).new_page()
    anchor.goto(f"{room_url}console/")
    anchor.wait_for_function("() => preview.videoWidth > 0")
    # and a logged-in seeker in another browser context on the room's page
    seeker = _context(chromium, base, world.seeker_session).new_page()
    seeker.goto(room_url)

    # when the anchor goes live
    anchor.click("#go-live")
    anchor.wait_for_selector("#end-live:visible")

    # then the seeker's page switches to live by itself and decodes a moving picture
    seeker.wait_for_selector("#live-room[data-state=live]")
    first, later = _frames_advancing(seeker)
    assert first > 0, "no video frame decoded"
    assert later > first, f"frames stopped at {first}"

    # when the seeker asks in chat, the anchor sees it
    seeker.fill("[data-chat-form] input[name=text]", "请问包住吗？")
    seeker.press("[data-chat-form] input[name=text]", "Enter")
    anchor.wait_for_selector(".chat-line .chat-text:text-is('请问包住吗？')")

    # when the anchor pins the job and the seeker applies with one tap
    anchor.click(f"button[data-pin='{world.job_id}']")
    seeker.wait_for_selector("#pin-slot.shown [data-field=title]:text-is('电子厂普工')")
    seeker.click("#pin-slot [data-apply-job]")
    seeker.wait_for_selector("#apply-sheet:not([hidden]) input[name=consent]")
    seeker.check("#apply-sheet input[name=consent]")
    seeker.click("#apply-sheet button.apply-submit")
    seeker.wait_for_selector("#apply-sheet .apply-success")

    # then the application is stored once, and the picture kept playing
    assert orm(_applications, world.job_id) == 1
    still, after = _frames_advancing(seeker)
    assert after > still >= later

    # and both web processes served the room (nginx spread its requests over them); the
    # offers they took went on to the relay process (STREAM_RELAY=process)
    served = [_served(log, world.room_id) for log in deployment.web_logs]
    print("requests for the room per web process:", [len(lines) for lines in served])
    assert all(served), served
    streams = [line for lines in served for line in lines if "/whip" in line or "/whep" in line]
    assert any("POST /stream/rooms/" in line and "/whip " in line for line in streams), streams
    assert any("POST /stream/rooms/" in line and "/whep " in line for line in streams), streams
    relay = deployment.relay_log.read_text()
    assert f"publish for room {world.room_id}: answered" in relay, relay
    assert f"view for room {world.room_id}: answered" in relay, relay
    anchor.context.close()
    seeker.context.close()


def _applications(job_id: int) -> int:
    from daigang.hiring.models import Application

    return Application.objects.filter(job_id=job_id).count()
