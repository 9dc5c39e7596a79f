"""Replays (回放, issue #17), done when: an anchor goes live from the console (fake camera,
WHIP to the built-in relay, which records what it already encodes), pins two jobs at
different times and ends; a seeker opens the replay on a phone, taps the second job's
chapter — the player seeks (by byte range) and the card shown changes to that job — and
applies from that card; the application's source is replay:<id>.

Runs only in a loopback-only network namespace:
    scripts/in-loopback-netns .venv/bin/python -m pytest -m webrtc tests/e2e/test_replay.py
Screenshots of the replay page (360x740 and 1366x768) go to E2E_SCREENSHOTS when set.
"""

from __future__ import annotations

import os
import time

import pytest

from tests.conftest import SCREENSHOTS, orm
from tests.e2e.test_live_room import Flow, _build, _context

pytestmark = [pytest.mark.e2e, pytest.mark.webrtc]

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def flow(asgi_server, settings) -> Flow:
    settings.REPLAYS_ENABLED = True
    return _build()


def _replay_ready(room_id: int) -> int | None:
    from daigang.live.models import Replay

    replay = Replay.objects.filter(room_id=room_id, state=Replay.State.READY).first()
    return replay.pk if replay else None


def _seeker_session() -> str:
    from django.test import Client

    from daigang.hiring.testing import seeker_make

    client = Client()
    client.force_login(seeker_make(phone="13912345688", name="李大姐"))
    return client.cookies["sessionid"].value


def _application_of(job_id: int) -> tuple[str, int | None] | None:
    from daigang.hiring.models import Application

    found = Application.objects.filter(job_id=job_id, phone="13912345688").first()
    return (found.source, found.room_id) if found else None


def _shot(page, name: str, viewport: dict[str, int]) -> None:
    if os.environ.get("E2E_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.set_viewport_size(viewport)
        page.wait_for_timeout(400)
        page.screenshot(path=str(SCREENSHOTS / f"replay-{name}.png"), full_page=True)


def test_a_recorded_room_replays_with_chapters_by_job_and_applies_from_the_card_shown(
    asgi_server, flow, chromium, screenshot_on_failure
):
    base = asgi_server.url
    room_url = f"/live/{flow.room_id}/"

    # given the anchor on air from the console
    anchor = _context(chromium, base, flow.anchor_session).new_page()
    anchor.set_default_timeout(60_000)
    screenshot_on_failure.append(("console", anchor))
    anchor.goto(f"{room_url}console/")
    anchor.wait_for_function("() => preview.videoWidth > 0")
    anchor.click("#go-live")
    anchor.wait_for_selector("#live-console[data-phase=live]")
    # when the anchor pins one job, then the other a few seconds later, and ends the room
    anchor.wait_for_timeout(1500)
    anchor.click(f"button[data-pin='{flow.job_a}']")
    anchor.wait_for_timeout(4000)
    anchor.click(f"button[data-pin='{flow.job_b}']")
    anchor.wait_for_timeout(4000)
    anchor.click("#end-live")
    anchor.click("#end-confirm")
    anchor.wait_for_selector("#live-console[data-state=ended]")
    replay_id = None
    deadline = time.monotonic() + 20
    while replay_id is None and time.monotonic() < deadline:
        replay_id = orm(_replay_ready, flow.room_id)
        time.sleep(0.2)
    assert replay_id, "no replay became ready after the room ended"

    # then the ended room offers its replay
    seeker = _context(chromium, base, orm(_seeker_session)).new_page()
    seeker.set_viewport_size(PHONE)
    screenshot_on_failure.append(("seeker", seeker))
    ranges: list[tuple[str | None, int]] = []
    seeker.on(
        "response",
        lambda r: (
            ranges.append((r.request.headers.get("range"), r.status))
            if "video.webm" in r.url
            else None
        ),
    )
    seeker.goto(room_url)
    _shot(seeker, "room-ended-360", PHONE)
    seeker.set_viewport_size(PHONE)
    seeker.click(f"a[href='/replays/{replay_id}/']")
    seeker.wait_for_url(f"**/replays/{replay_id}/")
    seeker.wait_for_function(
        "() => document.getElementById('replay-player').readyState >= 1", timeout=20_000
    )
    duration = seeker.evaluate("() => document.getElementById('replay-player').duration")
    assert 8 <= duration <= 20, duration
    chapters = seeker.locator(".replay-chapters .chapter")
    assert chapters.count() == 2
    assert "电子厂普工" in chapters.nth(0).inner_text()
    assert "仓库分拣员" in chapters.nth(1).inner_text()
    second_start = float(chapters.nth(1).get_attribute("data-start"))
    first_start = float(chapters.nth(0).get_attribute("data-start"))
    assert 3 <= second_start - first_start <= 6, (first_start, second_start)

    # when the seeker taps the second job's chapter
    chapters.nth(1).click()
    # then the player is there and plays from it, and the card shown is the second job's
    seeker.wait_for_function(
        f"""() => {{ const v = document.getElementById('replay-player');
                     return !v.seeking && v.currentTime >= {second_start} - 0.1
                            && v.currentTime < {second_start} + 3; }}""",
        timeout=20_000,
    )
    shown = seeker.locator("#replay-now .replay-card:not([hidden]) article")
    assert shown.count() == 1
    assert shown.get_attribute("data-job-id") == str(flow.job_b)
    assert chapters.nth(1).get_attribute("aria-current") == "true"
    # the player fetched the file by ranges, never needing it whole up front
    assert any(header and status == 206 for header, status in ranges), ranges
    seeker.evaluate("() => document.getElementById('replay-player').pause()")
    _shot(seeker, "360", PHONE)
    _shot(seeker, "1366", LAPTOP)
    seeker.set_viewport_size(PHONE)

    # when the seeker taps 一键报名 on that card (consent asked once, in the sheet)
    shown.locator("[data-apply-job]").click()
    seeker.wait_for_selector("#apply-sheet:not([hidden]) input[name=consent]")
    seeker.check("#apply-sheet input[name=consent]")
    seeker.click("#apply-sheet button.apply-submit")
    seeker.wait_for_selector("#apply-sheet .apply-success")
    # then the application is the second job's, from the room, with the replay as source
    assert orm(_application_of, flow.job_b) == (f"replay:{replay_id}", flow.room_id)
    # and the organisation's list of replays counts the view and the apply
    owner = _context(chromium, base, flow.owner_session).new_page()
    screenshot_on_failure.append(("owner", owner))
    owner.goto(f"/manage/{flow.organisation_id}/replays/")
    assert "观看 1 人次 · 回放报名 1 人" in owner.inner_text(f"#replay-{replay_id}")
    _shot(owner, "manage-360", PHONE)
    _shot(owner, "manage-1366", LAPTOP)
