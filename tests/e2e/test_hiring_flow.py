"""The hiring flow in a real browser, end to end (DESIGN.md flows 4 and 5, issue 4):

a two-candidate group interview where three browser contexts of Debian's chromium (one
interviewer, two candidates, fake cameras and microphones) each see and hear both others, frames
advancing; the interviewer makes candidate A 当前面试者, mutes candidate B and passes A; from the
可发放录用 link the call then shows, the offer goes to A, who accepts; both sides sign, download
the same PDF, which verifies on the public page (a copy with one changed byte does not); A starts
work and, a week later, answers the day-7 "as described?" check-in.

Runs only in a loopback-only network namespace:
    scripts/in-loopback-netns .venv/bin/python -m pytest -m webrtc tests/e2e/test_hiring_flow.py
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page

from tests.conftest import orm
from tests.e2e.hiring_steps import (
    TIMEOUT_MS,
    Hire,
    hire_from_offer,
    page_open,
    screenshot,
    session_cookie,
)

pytestmark = [pytest.mark.e2e, pytest.mark.webrtc]

# In the page: per remote peer, video frames decoded and audio packets received so far, polled
# until every peer in `peers` is past `above` (or the deadline). Returns {ok, stats, states}.
PEERS_PAST = """async ({peers, above, timeout}) => {
  const collect = async () => {
    const out = {};
    for (const {id, pc} of window.daigangInterview.peers()) {
      const stats = {frames: 0, audio: 0};
      (await pc.getStats()).forEach((r) => {
        if (r.type !== "inbound-rtp") return;
        if (r.kind === "video") stats.frames += r.framesDecoded || 0;
        if (r.kind === "audio") stats.audio += r.packetsReceived || 0;
      });
      out[id] = stats;
    }
    return out;
  };
  const past = (stats) => peers.every((id) => {
    const now = stats[id], before = above[id] || {frames: 0, audio: -1};
    return now && now.frames > before.frames && now.audio > before.audio;
  });
  const deadline = performance.now() + timeout;
  for (;;) {
    const stats = window.daigangInterview ? await collect() : {};
    if (past(stats)) return {ok: true, stats};
    if (performance.now() > deadline) {
      const api = window.daigangInterview;
      const states = api && api.peers().map(({id, pc}) =>
        [id, pc.signalingState, pc.iceConnectionState, pc.connectionState]);
      return {ok: false, stats, states};
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}"""


@dataclass
class Room:
    organisation_id: int
    organisation_name: str
    interview_id: int
    applications: dict[str, int]  # "a", "b"
    tokens: dict[str, str]  # "boss", "a", "b"
    participants: dict[str, int]
    sessions: dict[str, str]


def _build() -> Room:
    from django.utils import timezone

    from daigang.interviews.testing import interview_make, seat, world_make

    world = world_make()
    interview = interview_make(
        world,
        applications=[world.application, world.application_b],
        interviewers=[world.owner],
        starts_at=timezone.now() + dt.timedelta(minutes=2),
    )
    users = {"boss": world.owner, "a": world.seeker, "b": world.seeker_b}
    return Room(
        organisation_id=world.organisation.pk,
        organisation_name=world.organisation.name,
        interview_id=interview.pk,
        applications={"a": world.application.pk, "b": world.application_b.pk},
        tokens={key: seat(interview, user).token for key, user in users.items()},
        participants={key: seat(interview, user).pk for key, user in users.items()},
        sessions={key: session_cookie(user) for key, user in users.items()},
    )


def _outcome(interview_id: int, applications: dict[str, int]) -> dict:
    from daigang.contracts.models import Offer
    from daigang.hiring.models import Application
    from daigang.interviews.models import Verdict

    return {
        key: (
            list(
                Verdict.objects.filter(interview_id=interview_id, application_id=pk).values_list(
                    "decision", "score"
                )
            ),
            Application.objects.get(pk=pk).stage,
            Offer.objects.filter(application_id=pk).count(),
        )
        for key, pk in applications.items()
    }


def _peers_past(page: Page, label: str, peers: list[int], above: dict) -> dict:
    result = page.evaluate(
        PEERS_PAST,
        {"peers": [str(p) for p in peers], "above": above, "timeout": TIMEOUT_MS},
    )
    assert result["ok"], f"{label}: not past {above}: {result}"
    return result["stats"]


def _sees_and_hears_moving(page: Page, label: str, peers: list[int]) -> None:
    """Frames from every remote peer are decoded, then more of them (and more sound): the
    pictures move. Each peer's tile shows a picture with a real size."""
    first = _peers_past(page, label, peers, {})
    _peers_past(page, label, peers, first)
    for peer in peers:
        page.wait_for_function(
            "(peer) => document.querySelector("
            "`.tile[data-participant='${peer}'] video`)?.videoWidth > 0",
            arg=peer,
        )


def test_interview_pass_offer_contract_pdf_and_check_in_in_the_browser(
    asgi_server, chromium, screenshot_on_failure, tmp_path
):
    call = orm(_build)
    pids = call.participants
    pages: dict[str, Page] = {}
    # given the interviewer and both candidates open their own links and go in
    for key in ("boss", "a", "b"):
        page = page_open(
            chromium,
            asgi_server,
            session=call.sessions[key],
            pages=screenshot_on_failure,
            name=key,
        )
        page.goto(f"/interviews/{call.tokens[key]}/")
        page.wait_for_function("() => document.getElementById('self-preview').videoWidth > 0")
        page.click("#join")
        pages[key] = page

    # then each of the three sees and hears both others, frames advancing
    for key, page in pages.items():
        _sees_and_hears_moving(page, key, [pid for other, pid in pids.items() if other != key])
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
    pages["b"].wait_for_function(
        "() => window.daigangInterview.state.local.getAudioTracks().every((t) => !t.enabled)"
    )
    assert pages["b"].locator("#toggle-mic").is_disabled()
    for key in ("boss", "a"):
        pages[key].wait_for_selector(f".tile[data-participant='{pids['b']}'][data-muted='1']")
    boss.wait_for_selector(f"#candidate-{pids['b']} [data-action=mute]:text-is('取消静音')")

    # when the interviewer passes candidate A from the call
    panel = f"#candidate-{pids['a']}"
    boss.check(f"{panel} input[name=decision][value=pass]")
    boss.check(f"{panel} input[name=score][value='5']")
    boss.fill(f"{panel} textarea[name=comment]", "表达清楚，有流水线经验")
    boss.click(f"{panel} .verdict-form button[type=submit]")
    # then A's panel offers 可发放录用, A stays 面试 until the offer, B is untouched
    boss.wait_for_selector(f"{panel} .offer-link:text-is('可发放录用')")
    assert orm(_outcome, call.interview_id, call.applications) == {
        "a": ([("pass", 5)], "interview", 0),
        "b": ([], "interview", 0),
    }
    # and the swapped-in panel still shows who is on screen and online, the video keeps running
    boss.wait_for_selector(f"{panel}.is-focus.is-online")
    _sees_and_hears_moving(boss, "boss after verdict", [pids["a"], pids["b"]])
    for key, page in pages.items():
        screenshot(page, f"interview-{key}.png")

    # when the interviewer follows 可发放录用 (B leaves; A goes on to 我的报名)
    offer_url = f"/manage/{call.organisation_id}/applications/{call.applications['a']}/offer/"
    assert boss.get_attribute(f"{panel} .offer-link", "href") == offer_url
    boss.click(f"{panel} .offer-link")
    boss.wait_for_selector("#offer-form")
    assert boss.get_attribute("#application-summary", "data-application-id") == str(
        call.applications["a"]
    )
    pages["b"].context.close()
    visitor = page_open(
        chromium, asgi_server, session=None, pages=screenshot_on_failure, name="visitor"
    )

    # then A is hired through the pages: offer, contract, PDF, verification, check-in
    hire_from_offer(
        Hire(
            owner=boss,
            seeker=pages["a"],
            visitor=visitor,
            application_id=call.applications["a"],
            offer_url=offer_url,
            organisation_name=call.organisation_name,
        ),
        tmp_path,
    )
    assert orm(_outcome, call.interview_id, call.applications)["b"] == ([], "interview", 0)
