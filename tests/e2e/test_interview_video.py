"""Flow 4 in a real browser: a two-candidate group interview in a WebRTC mesh.

One interviewer and two candidates open their personal links in three browser contexts of
Debian's chromium with fake cameras and microphones. Each must decode advancing video frames
(and receive sound) from BOTH others; the interviewer makes one candidate 当前面试者 (every
screen shows it), mutes the other (who sees "已被面试官静音" and whose microphone goes off) and
passes the first, whose panel then offers 可发放录用.

Runs only in a loopback-only network namespace:
    scripts/in-loopback-netns .venv/bin/python -m pytest -m webrtc tests/e2e/test_interview_video.py
"""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass

import pytest

from tests.conftest import orm

pytestmark = [pytest.mark.e2e, pytest.mark.webrtc]

PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 20_000

# Per remote peer: video frames decoded and audio packets received so far.
PEER_STATS = """async () => {
  const api = window.daigangInterview;
  if (!api) return null;
  const out = {};
  for (const {id, pc} of api.peers()) {
    const stats = {frames: 0, audio: 0};
    (await pc.getStats()).forEach((r) => {
      if (r.type === "inbound-rtp" && r.kind === "video") stats.frames += r.framesDecoded || 0;
      if (r.type === "inbound-rtp" && r.kind === "audio") stats.audio += r.packetsReceived || 0;
    });
    out[id] = stats;
  }
  return out;
}"""


# For a failure message: how far each peer connection got.
PEER_STATES = """() => window.daigangInterview.peers().map(({id, pc}) =>
  [id, pc.signalingState, pc.iceConnectionState, pc.connectionState,
   pc.getTransceivers().map((t) => t.currentDirection).join("/")])"""


@dataclass
class Flow:
    organisation_id: int
    interview_id: int
    application_a: int
    application_b: int
    tokens: dict[str, str]  # "boss", "a", "b"
    participants: dict[str, int]
    sessions: dict[str, str]


def _build() -> Flow:
    from django.test import Client
    from django.utils import timezone

    from daigang.interviews.tests.builders import interview_make, seat, world_make

    world = world_make()
    interview = interview_make(
        world,
        applications=[world.application, world.application_b],
        interviewers=[world.owner],
        starts_at=timezone.now() + dt.timedelta(minutes=2),
    )
    users = {"boss": world.owner, "a": world.seeker, "b": world.seeker_b}

    def session_of(user) -> str:
        client = Client()
        client.force_login(user)
        return client.cookies["sessionid"].value

    return Flow(
        organisation_id=world.organisation.pk,
        interview_id=interview.pk,
        application_a=world.application.pk,
        application_b=world.application_b.pk,
        tokens={key: seat(interview, user).token for key, user in users.items()},
        participants={key: seat(interview, user).pk for key, user in users.items()},
        sessions={key: session_of(user) for key, user in users.items()},
    )


@pytest.fixture
def flow(asgi_server) -> Flow:
    return _build()


def _page(browser, base_url: str, session: str):
    context = browser.new_context(viewport=PHONE, base_url=base_url)
    context.set_default_timeout(TIMEOUT_MS)
    if os.environ.get("E2E_DEBUG"):
        context.on("console", lambda msg: print("console:", msg.type, msg.text))
    context.add_cookies([{"name": "sessionid", "value": session, "url": base_url}])
    return context.new_page()


def _wait_both_peers_moving(page, label: str, peers: list[int]) -> None:
    """Frames from every remote peer are decoded, and more of them a moment later."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    first = None
    while time.monotonic() < deadline:
        stats = page.evaluate(PEER_STATS) or {}
        if all(stats.get(str(peer), {}).get("frames", 0) > 0 for peer in peers):
            first = stats
            break
        page.wait_for_timeout(250)
    assert first, f"{label}: no frames from every peer: {page.evaluate(PEER_STATS)} " + str(
        page.evaluate(PEER_STATES)
    )
    page.wait_for_timeout(1200)
    later = page.evaluate(PEER_STATS)
    for peer in peers:
        before, after = first[str(peer)], later[str(peer)]
        assert after["frames"] > before["frames"], f"{label}: frames from {peer} stopped"
        assert after["audio"] > before["audio"], f"{label}: no sound from {peer}"
    # and the tiles show it: a video element per peer with a real picture size
    for peer in peers:
        width = page.evaluate(
            f"() => document.querySelector('.tile[data-participant=\"{peer}\"] video').videoWidth"
        )
        assert width > 0, f"{label}: tile of {peer} shows no picture"


def _verdict_and_stage(application_id: int, interview_id: int):
    from daigang.hiring.models import Application
    from daigang.interviews.models import Verdict

    verdict = Verdict.objects.get(interview_id=interview_id, application_id=application_id)
    stage = Application.objects.get(pk=application_id).stage
    return verdict.decision, verdict.score, stage


def test_a_group_interview_where_everyone_sees_everyone_and_the_interviewer_decides(
    asgi_server, flow, chromium, screenshot_on_failure
):
    base = asgi_server.url
    pids = flow.participants
    pages = {}
    # given the interviewer and both candidates open their own links and go in
    for key in ("boss", "a", "b"):
        page = _page(chromium, base, flow.sessions[key])
        screenshot_on_failure.append((key, page))
        page.goto(f"/interviews/{flow.tokens[key]}/")
        page.wait_for_function("() => document.getElementById('self-preview').videoWidth > 0")
        page.click("#join")
        pages[key] = page

    # then each of the three sees and hears both others, frames advancing
    for key, page in pages.items():
        others = [pid for other, pid in pids.items() if other != key]
        _wait_both_peers_moving(page, key, others)
        page.wait_for_selector("#waiting", state="hidden")

    boss = pages["boss"]
    # when the interviewer makes candidate A the 当前面试者, every screen puts A first
    boss.click(f"#candidate-{pids['a']} [data-action=focus]")
    for page in pages.values():
        page.wait_for_selector(f".tile.focus[data-participant='{pids['a']}']")
    # when the interviewer mutes candidate B
    boss.click(f"#candidate-{pids['b']} [data-action=mute]")
    # then B sees the notice, B's microphone is off, and everyone sees B marked muted
    pages["b"].wait_for_selector("#mute-notice:visible")
    assert pages["b"].inner_text("#mute-notice") == "已被面试官静音"
    assert pages["b"].evaluate(
        "() => window.daigangInterview.state.local.getAudioTracks().every((t) => !t.enabled)"
    )
    assert pages["b"].locator("#toggle-mic").is_disabled()
    for key in ("boss", "a"):
        pages[key].wait_for_selector(f".tile[data-participant='{pids['b']}'][data-muted='1']")
    boss.wait_for_selector(f"#candidate-{pids['b']} [data-action=mute]:text-is('取消静音')")

    # when the interviewer passes candidate A from the room
    panel = f"#candidate-{pids['a']}"
    boss.check(f"{panel} input[name=decision][value=pass]")
    boss.check(f"{panel} input[name=score][value='5']")
    boss.fill(f"{panel} textarea[name=comment]", "表达清楚，有流水线经验")
    boss.click(f"{panel} .verdict-form button[type=submit]")
    # then the panel says so and links to the offer, and the video keeps running
    boss.wait_for_selector(f"{panel} .offer-link:text-is('可发放录用')")
    assert boss.get_attribute(f"{panel} .offer-link", "href") == (
        f"/manage/{flow.organisation_id}/applications/{flow.application_a}/offer/"
    )
    assert orm(_verdict_and_stage, flow.application_a, flow.interview_id) == (
        "pass",
        5,
        "interview",
    )
    # the swapped-in panel still shows who is on screen and online
    boss.wait_for_selector(f"{panel}.is-focus.is-online")
    _wait_both_peers_moving(boss, "boss after verdict", [pids["a"], pids["b"]])
    if os.environ.get("E2E_SCREENSHOTS"):
        from tests.conftest import SCREENSHOTS

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for key, page in pages.items():
            page.screenshot(path=str(SCREENSHOTS / f"interview-{key}.png"), full_page=True)
