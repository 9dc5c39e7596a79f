"""Scheduling a room in a real browser, then opening its shareable link as a visitor."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from tests.conftest import SCREENSHOTS, orm

pytestmark = pytest.mark.e2e


def _build() -> tuple[int, str, int]:
    from django.test import Client

    from daigang.accounts.models import Membership
    from daigang.accounts.testing import member_make, organisation_make
    from daigang.jobs.testing import job_make

    organisation = organisation_make(name="昆山精密电子有限公司")
    hr = member_make(organisation=organisation, role=Membership.Role.HR, name="HR小王")
    member_make(organisation=organisation, name="主播小李", role=Membership.Role.ANCHOR)
    job = job_make(organisation=organisation, title="电子厂普工")
    client = Client()
    client.force_login(hr)
    return organisation.pk, client.cookies["sessionid"].value, job.pk


def test_hr_schedules_a_room_and_a_visitor_sees_it_coming(asgi_server, chromium):
    # given an HR member of a verified organisation, logged in
    organisation_id, session, job_id = orm(_build)
    context = chromium.new_context(viewport={"width": 390, "height": 844}, base_url=asgi_server)
    context.add_cookies([{"name": "sessionid", "value": session, "url": asgi_server}])
    page = context.new_page()
    # when they fill in the scheduling form
    page.goto(f"/live/manage/{organisation_id}/rooms/new/")
    page.fill("input[name=title]", "周末电子厂专场")
    start = (dt.datetime.now() + dt.timedelta(days=1)).replace(hour=19, minute=30)
    page.fill("input[name=planned_start]", start.strftime("%Y-%m-%dT%H:%M"))
    page.check(f"input[name=jobs][value='{job_id}']")
    page.check("label:has-text('主播小李') input")
    if os.environ.get("E2E_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "live-schedule-form.png"), full_page=True)
    page.click("button:has-text('安排直播')")
    # then the room is listed with its shareable link
    page.wait_for_selector(".room-row:has-text('周末电子厂专场')")
    link = page.get_attribute(".room-row h2 a", "href")
    # and a visitor who opens the link sees when it starts and what jobs it shows
    visitor = chromium.new_context(viewport={"width": 390, "height": 844}).new_page()
    visitor.goto(f"{asgi_server}{link}")
    stage = visitor.inner_text(".stage")
    assert "即将开播" in stage
    assert f"{start.month}月{start.day}日 19:30" in stage
    assert "电子厂普工" in visitor.inner_text(".room-jobs")
    if os.environ.get("E2E_SCREENSHOTS"):
        visitor.screenshot(path=str(SCREENSHOTS / "live-watch-upcoming.png"))
    context.close()
