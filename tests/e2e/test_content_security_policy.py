"""The Content-Security-Policy in a real browser: no page breaks any of its rules.

Chromium reports each blocked inline script, style, eval or connection as a
`securitypolicyviolation` event and a console error; both are collected from the first script
of every page (an init script) and must stay empty. The behaviours that used to be inline
handlers (language switch, confirm before a dangerous form) are exercised too.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from daigang.accounts.models import Membership
from tests.conftest import orm

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 20_000
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@dataclass(frozen=True)
class Site:
    job_id: int
    room_id: int
    anchor_session: str


def _build() -> Site:
    from django.test import Client

    from daigang.accounts.testing import member_make, organisation_make
    from daigang.jobs.testing import job_make
    from daigang.live.models import Room
    from daigang.live.testing import room_make

    organisation = organisation_make(name="苏州精密电子有限公司")
    anchor = member_make(organisation=organisation, name="主播小李", role=Membership.Role.ANCHOR)
    job = job_make(organisation=organisation, title="电子厂普工")
    room = room_make(organisation=organisation, anchors=[anchor], jobs=[job], state=Room.State.LIVE)
    client = Client()
    client.force_login(anchor)
    return Site(job_id=job.pk, room_id=room.pk, anchor_session=client.cookies["sessionid"].value)


def _context(browser, server: str, *, session: str | None, console: list[str]):
    context = browser.new_context(base_url=server, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(COLLECT_VIOLATIONS)
    context.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    if session:
        context.add_cookies([{"name": "sessionid", "value": session, "url": server}])
    return context


def _violations(page) -> list[str]:
    # A moment for late scripts (WebSocket connect, WHEP fetch) to run or be refused.
    page.wait_for_timeout(500)
    return page.evaluate("window.__cspViolations")


def test_no_page_breaks_the_content_security_policy(asgi_server, chromium):
    # given
    site = orm(_build)
    console: list[str] = []
    visitor = _context(chromium, asgi_server, session=None, console=console).new_page()
    anchor = _context(chromium, asgi_server, session=site.anchor_session, console=console)
    anchor_page = anchor.new_page()
    pages = [
        (visitor, "/"),
        (visitor, f"/jobs/{site.job_id}/"),
        (visitor, f"/live/{site.room_id}/"),
        (visitor, "/accounts/login/"),
        (visitor, f"/jobs/{site.job_id}/apply/"),
        (anchor_page, f"/live/{site.room_id}/"),
        (anchor_page, f"/live/{site.room_id}/console/"),
    ]

    for page, url in pages:
        # when
        response = page.goto(url)
        page.wait_for_load_state("networkidle")

        # then
        assert response is not None and response.ok, url
        assert "script-src 'self'" in response.headers["content-security-policy"], url
        assert _violations(page) == [], url
    assert console == []


def test_forms_that_had_inline_handlers_still_work_under_the_policy(asgi_server, chromium):
    # given
    site = orm(_build)
    console: list[str] = []
    anchor = _context(chromium, asgi_server, session=site.anchor_session, console=console)
    page = anchor.new_page()
    page.goto(f"/live/{site.room_id}/console/")
    key_before = page.text_content("#stream-key")

    # when the anchor clicks "change the stream key" and then cancels the confirmation
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("button:has-text('更换推流密钥')")
    page.wait_for_timeout(500)

    # then nothing changed
    assert page.text_content("#stream-key") == key_before

    # when they confirm it
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('更换推流密钥')")
    page.wait_for_load_state("networkidle")

    # then the key is a new one
    page.wait_for_function(
        "(before) => document.querySelector('#stream-key').textContent !== before", arg=key_before
    )

    # when they pick English in the footer's language switcher (no button: it submits on change)
    page.select_option("select[name=language]", "en")

    # then the page comes back in English
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert _violations(page) == []
    assert console == []
