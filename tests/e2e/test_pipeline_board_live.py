"""The board on a 1366×768 laptop: HR drags a card to another column and it stays there after a
reload; a colleague's open board follows without reloading, and so does a new application; a
refused drag snaps back and says why; columns collapse to a strip (remembered) and only the
board scrolls sideways, never the page. On a 360 px phone: no sideways scroll either, and the
card's select still moves it without JavaScript."""

from __future__ import annotations

import os

import pytest

from tests.conftest import SCREENSHOTS, orm

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 360, "height": 740}
# As tests/e2e/test_content_security_policy.py: what the page's policy blocked, from the start.
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def _build() -> dict:
    from django.test import Client

    from daigang.accounts.models import Membership
    from daigang.accounts.testing import member_make, organisation_make
    from daigang.hiring.testing import application_make, seeker_make
    from daigang.jobs.testing import job_make

    organisation = organisation_make(name="昆山精密电子有限公司")
    hr = member_make(organisation=organisation, role=Membership.Role.HR)
    colleague = member_make(organisation=organisation, role=Membership.Role.HR)
    job = job_make(organisation=organisation, title="电子厂普工")
    for i, name in enumerate(["李四", "王五", "赵六", "孙七"]):
        application_make(job=job, seeker=seeker_make(phone=f"1380000222{i}"), name=name)
    # The newest: the first card of its column.
    zhang = application_make(job=job, seeker=seeker_make(phone="13800001111"), name="张三")
    sessions = {}
    for name, user in {"hr": hr, "colleague": colleague}.items():
        client = Client()
        client.force_login(user)
        sessions[name] = client.cookies["sessionid"].value
    return {"org": organisation.pk, "job": job.pk, "zhang": zhang.pk, "sessions": sessions}


def _arrive(job_id: int) -> int:
    from daigang.hiring.testing import application_make, seeker_make
    from daigang.jobs.models import Job

    job = Job.objects.get(pk=job_id)
    return application_make(job=job, seeker=seeker_make(phone="13800003333"), name="新来的").pk


def _shot(page, name: str, full_page: bool = False) -> None:
    if os.environ.get("E2E_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / name), full_page=full_page)


def _page(chromium, server, session, viewport, **options):
    context = chromium.new_context(viewport=viewport, base_url=server, **options)
    context.add_cookies([{"name": "sessionid", "value": session, "url": server}])
    context.add_init_script(COLLECT_VIOLATIONS)
    return context.new_page()


def _card(page, application_id: int, stage: str | None = None):
    column = f"[data-stage='{stage}'] " if stage else ""
    return page.locator(f"{column}.pipeline-card[data-application-id='{application_id}']")


def _drag(page, card, stage: str) -> None:
    """Press on the card's job line (not its link or select), move in small steps, let go."""
    # Scrolled to the board, as a person would: the card and the column both on screen.
    page.evaluate("document.getElementById('pipeline-board').scrollIntoView({block: 'start'})")
    card.scroll_into_view_if_needed()
    start = card.locator(".job").bounding_box()
    target = page.locator(f".application-list[data-stage='{stage}']").bounding_box()
    x, y = start["x"] + 10, start["y"] + start["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 12, y + 6, steps=4)
    page.mouse.move(
        target["x"] + target["width"] / 2, target["y"] + min(30, target["height"] / 2), steps=20
    )
    page.wait_for_timeout(150)
    page.mouse.up()


def _page_scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def test_a_dragged_card_stays_moved_and_a_colleagues_board_follows(asgi_server, chromium):
    world = orm(_build)
    board = f"/manage/{world['org']}/pipeline/"
    hr = _page(chromium, asgi_server, world["sessions"]["hr"], LAPTOP)
    colleague = _page(chromium, asgi_server, world["sessions"]["colleague"], LAPTOP)
    errors: list[str] = []
    # (The refused move's 400 is logged by the browser; a script error would be a fault.)
    hr.on("pageerror", lambda error: errors.append(str(error)))
    # given both on the board on a laptop: nine columns, only the board scrolls sideways
    hr.goto(board)
    colleague.goto(board)
    assert hr.locator(".pipeline-column").count() == 9
    assert not _page_scrolls_sideways(hr)
    assert hr.locator(".board-hint").is_visible()
    _shot(hr, "pipeline-board-laptop.png")

    # when HR drags 张三 from 已报名 to 已联系
    _drag(hr, _card(hr, world["zhang"], "applied"), "contacted")

    # then it says so, the card sits in 已联系 and the counts follow
    hr.wait_for_selector(".board-status.msg-success")
    assert "“张三”已移到“已联系”" in hr.inner_text(".board-status")
    _card(hr, world["zhang"], "contacted").wait_for()
    hr.wait_for_function(
        "document.querySelector(\"[data-stage='contacted'] .count\").textContent === '1'"
    )
    assert hr.inner_text("[data-stage='applied'] .count") == "4"
    # and the colleague's board, never reloaded, shows it there too
    _card(colleague, world["zhang"], "contacted").wait_for(timeout=10_000)
    assert colleague.inner_text("[data-stage='contacted'] .count") == "1"
    assert hr.evaluate("window.__cspViolations") == []  # (a reload starts the list again)
    # and it is stored: a reload shows it in 已联系
    hr.reload()
    _card(hr, world["zhang"], "contacted").wait_for()

    # when HR drags it back to 已报名, which the pipeline refuses (it only moves forwards)
    _drag(hr, _card(hr, world["zhang"], "contacted"), "applied")
    # then the card snaps back and the page says why
    hr.wait_for_selector(".board-status.msg-error")
    assert "阶段只能向前推进" in hr.inner_text(".board-status")
    _card(hr, world["zhang"], "contacted").wait_for()
    assert hr.inner_text("[data-stage='contacted'] .count") == "1"

    # when a new application arrives
    arrived = orm(_arrive, world["job"])
    # then both open boards show it in 已报名, marked as new
    for page in (hr, colleague):
        page.wait_for_selector(
            f"[data-stage='applied'] .pipeline-card.is-new[data-application-id='{arrived}']",
            timeout=10_000,
        )

    # when HR collapses the last three columns
    for stage in ("onboarded", "rejected", "withdrawn"):
        hr.click(f".pipeline-column[data-stage='{stage}'] .column-toggle")
    # then each is a narrow strip with its name and count, and a reload keeps them so
    hr.reload()
    strip = hr.locator(".pipeline-column[data-stage='rejected']")
    assert "is-collapsed" in strip.get_attribute("class")
    assert strip.bounding_box()["width"] < 60
    assert "不合适" in strip.inner_text() and "0" in strip.inner_text()
    toggle = strip.locator(".column-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert toggle.get_attribute("aria-label") == "展开“不合适”"
    # and the page itself still has no sideways scroll
    assert not _page_scrolls_sideways(hr)
    hr.evaluate(
        "window.scrollTo(0, 0);"
        "const b = document.getElementById('pipeline-board'); b.scrollLeft = b.scrollWidth"
    )
    _shot(hr, "pipeline-board-laptop-collapsed.png")
    # when it is opened again, and the middle of the road collapsed instead
    toggle.click()
    assert hr.locator(".pipeline-column[data-stage='rejected']").bounding_box()["width"] > 150
    for stage in ("intention", "interview", "offer", "signed"):
        hr.click(f".pipeline-column[data-stage='{stage}'] .column-toggle")
    # then 已报名 and 不合适 are on screen together, the board needing no sideways scroll
    assert hr.evaluate(
        "(b => b.scrollWidth <= b.clientWidth)(document.getElementById('pipeline-board'))"
    )
    # when HR drops a card on 不合适, which needs a reason
    sun = hr.locator("[data-stage='applied'] .pipeline-card[data-name='孙七']")
    _drag(hr, sun, "rejected")
    # then it goes back, and the page says so with a way to the card's page to choose one
    hr.wait_for_selector(".board-status.msg-error a")
    assert "请选择不合适的原因" in hr.inner_text(".board-status")
    assert hr.locator(".board-status a").get_attribute("href").endswith("/#reject-reason")
    assert sun.count() == 1
    hr.evaluate("window.scrollTo(0, 0)")
    _shot(hr, "pipeline-board-laptop-refused.png")
    assert errors == []
    # and nothing of it broke the Content-Security-Policy (no inline script or style)
    for page in (hr, colleague):
        assert page.evaluate("window.__cspViolations") == []
    for page in (hr, colleague):
        page.context.close()


def test_the_board_on_a_phone_does_not_scroll_sideways_and_moves_without_javascript(
    asgi_server, chromium
):
    world = orm(_build)
    board = f"/manage/{world['org']}/pipeline/"
    # given the board on a 360 px phone
    phone = _page(chromium, asgi_server, world["sessions"]["hr"], PHONE, has_touch=True)
    phone.goto(board)
    # then the page does not scroll sideways and the collapse buttons are 44 px targets
    assert not _page_scrolls_sideways(phone)
    box = phone.locator(".pipeline-column[data-stage='applied'] .column-toggle").bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    _shot(phone, "pipeline-board-phone-360.png")
    # when a group is collapsed there too: its cards fold away under its head
    phone.click(".pipeline-column[data-stage='applied'] .column-toggle")
    assert not phone.locator("[data-stage='applied'] .pipeline-card").first.is_visible()
    phone.click(".pipeline-column[data-stage='applied'] .column-toggle")
    _shot(phone, "pipeline-board-phone-360-full.png", full_page=True)
    phone.context.close()
    # given the same phone without JavaScript: no collapse buttons, the select still moves
    plain = _page(chromium, asgi_server, world["sessions"]["hr"], PHONE, java_script_enabled=False)
    plain.goto(board)
    assert plain.locator(".column-toggle:visible").count() == 0
    card = _card(plain, world["zhang"], "applied")
    card.locator("select[name=to_stage]").select_option("intention")
    card.locator("button:has-text('移动')").click()
    _card(plain, world["zhang"], "intention").wait_for()
    assert not _page_scrolls_sideways(plain)
    plain.context.close()
