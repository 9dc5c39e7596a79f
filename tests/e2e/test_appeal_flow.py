"""An appeal in a real browser: a suspended organisation's owner appeals on its cases page,
the moderator who suspended it cannot decide the appeal, a second moderator upholds it, and
the organisation's public page /org/<id>/ answers 200 again with its jobs."""

from __future__ import annotations

import os

import pytest

from tests.conftest import SCREENSHOTS, orm

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 20_000


def _build() -> dict:
    from django.test import Client

    from daigang.accounts.models import Membership
    from daigang.accounts.testing import member_make, moderator_make, organisation_make
    from daigang.hiring.testing import seeker_make
    from daigang.jobs.testing import job_make
    from daigang.safety import services
    from daigang.safety.testing import case_of, report_make

    organisation = organisation_make(name="昆山精密电子有限公司")
    owner = member_make(organisation=organisation, role=Membership.Role.OWNER, name="王经理")
    job_make(organisation=organisation, title="电子厂普工")
    report = report_make(
        reporter=seeker_make(), kind="organisation", target_id=organisation.pk, text="收押金"
    )
    first = moderator_make()
    case = services.case_decide(
        case=case_of(report), by=first, action="suspend", reason="多人举报收取押金"
    )
    sessions = {}
    for name, user in {"owner": owner, "first": first, "second": moderator_make()}.items():
        client = Client()
        client.force_login(user)
        sessions[name] = client.cookies["sessionid"].value
    return {"org": organisation.pk, "case": case.pk, "sessions": sessions}


def _shot(page, name: str) -> None:
    if os.environ.get("E2E_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def _page(chromium, server, session=None, viewport=None):
    context = chromium.new_context(
        viewport=viewport or {"width": 360, "height": 740}, base_url=server
    )
    context.set_default_timeout(TIMEOUT_MS)
    if session:
        context.add_cookies([{"name": "sessionid", "value": session, "url": server}])
    return context.new_page()


def test_an_upheld_appeal_makes_the_organisation_page_public_again(
    asgi_server, chromium, screenshot_on_failure
):
    world = orm(_build)
    visitor = _page(chromium, asgi_server)
    owner = _page(chromium, asgi_server, world["sessions"]["owner"])
    first = _page(chromium, asgi_server, world["sessions"]["first"], {"width": 1366, "height": 768})
    second = _page(
        chromium, asgi_server, world["sessions"]["second"], {"width": 1366, "height": 768}
    )
    screenshot_on_failure += [("owner", owner), ("second", second), ("visitor", visitor)]
    org_url = f"/org/{world['org']}/"

    # given the suspended organisation's page is gone for the public
    assert visitor.goto(org_url).status == 404

    # when its owner reads the decision and appeals once
    owner.goto(f"/manage/{world['org']}/cases/")
    assert "多人举报收取押金" in owner.inner_text(".org-case")
    owner.fill(".appeal-form textarea[name=text]", "我们从未收取押金，已附营业执照和工资流水")
    _shot(owner, "org-cases-appeal-360.png")
    owner.click(".appeal-form button[type=submit]")
    owner.wait_for_selector(".appeal-outcome:has-text('申诉处理中')")
    assert owner.locator(".appeal-form").count() == 0  # once only

    # then the moderator who suspended it may not decide the appeal
    first.goto(f"/moderation/cases/{world['case']}/")
    assert first.locator("#appeal-decide-form").count() == 0
    assert "另一位审核员" in first.inner_text("#appeal")

    # and a second moderator upholds it from the queue
    second.goto("/moderation/")
    second.locator("#appeals .appeal-row a").first.click()
    second.check("#appeal-decide-form input[name=outcome][value=upheld]")
    second.fill("#appeal-decide-form textarea[name=reason]", "核实证照与工资流水，举报不实")
    _shot(second, "appeal-decide-1366.png")
    second.click("#appeal-decide-form button[type=submit]")
    second.wait_for_selector("#queue")

    # so the organisation's public page answers 200 again, with its open job
    response = visitor.goto(org_url)
    assert response.status == 200
    assert "昆山精密电子有限公司" in visitor.inner_text("h1")
    assert "电子厂普工" in visitor.inner_text("main")
    owner.goto(f"/manage/{world['org']}/cases/")
    assert "申诉成立" in owner.inner_text(".appeal-outcome")
    second.goto("/moderation/suspended/")
    assert "已恢复" in second.inner_text(".suspended-list")
