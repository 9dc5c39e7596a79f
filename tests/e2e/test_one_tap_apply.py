"""One-tap apply (一键报名) in a real browser, without video: the pinned card's button
(static/js/apply.js), the apply form with the SMS code, and the back office's live list.

Needs Debian's chromium only (no WebRTC, so no network namespace).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from daigang.accounts import sms
from tests.conftest import orm

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 15_000
NEW_VIEWER = "13912347777"


@dataclass
class Setting:
    room_id: int
    organisation_id: int
    job_id: int
    seeker_session: str
    member_session: str


def _build() -> Setting:
    from django.test import Client

    from daigang.accounts.testing import member_make, organisation_make
    from daigang.hiring.testing import application_make, seeker_make
    from daigang.jobs.testing import job_make
    from daigang.live.testing import room_make

    organisation = organisation_make(name="昆山精密电子有限公司")
    job = job_make(organisation=organisation, title="电子厂普工")
    room = room_make(organisation=organisation, title="昆山电子厂专场")
    room.jobs.add(job)
    room.pinned_job = job
    room.save(update_fields=["pinned_job"])
    seeker = seeker_make(phone="13912340001", name="王小明")
    # ticked the consent box for this organisation before (another job): one tap is enough
    application_make(job=job_make(organisation=organisation, title="仓库分拣员"), seeker=seeker)

    def session_of(user) -> str:
        client = Client()
        client.force_login(user)
        return client.cookies["sessionid"].value

    return Setting(
        room_id=room.pk,
        organisation_id=organisation.pk,
        job_id=job.pk,
        seeker_session=session_of(seeker),
        member_session=session_of(member_make(organisation=organisation)),
    )


@pytest.fixture
def setting(asgi_server) -> Setting:
    sms.outbox.clear()
    return _build()


def _page(browser, base_url: str, session: str | None = None):
    context = browser.new_context(viewport=PHONE, base_url=base_url)
    context.set_default_timeout(TIMEOUT_MS)
    if session:
        context.add_cookies([{"name": "sessionid", "value": session, "url": base_url}])
    return context.new_page()


def _rows(job_id: int) -> list[tuple[str, int | None]]:
    from daigang.hiring.models import Application

    return list(Application.objects.filter(job_id=job_id).values_list("phone", "room_id"))


def test_a_double_tap_on_the_pinned_card_applies_once_and_the_office_sees_it_live(
    asgi_server, setting, chromium, screenshot_on_failure
):
    # given the back office open, and a logged-in seeker watching the room
    office = _page(chromium, asgi_server.url, setting.member_session)
    screenshot_on_failure.append(("office", office))
    office.goto(f"/manage/{setting.organisation_id}/applications/")
    seeker = _page(chromium, asgi_server.url, setting.seeker_session)
    screenshot_on_failure.append(("seeker", seeker))
    seeker.goto(f"/live/{setting.room_id}/")
    # when they double tap 一键报名 on the pinned card
    seeker.dblclick("#pin-slot [data-apply-job]")
    # then the button says so, one application exists, with the room it came from
    seeker.wait_for_selector("#pin-slot [data-apply-job]:text-is('已报名')")
    assert orm(_rows, setting.job_id) == [("13912340001", setting.room_id)]
    # and it appears in the back office without a reload, with the full phone
    office.wait_for_selector(".application-row:has-text('电子厂普工')")
    assert "13912340001" in office.inner_text(".application-row >> nth=0")


def test_a_viewer_without_an_account_applies_with_the_sms_code(
    asgi_server, setting, chromium, screenshot_on_failure
):
    # given a viewer who is not logged in, watching the room
    viewer = _page(chromium, asgi_server.url)
    screenshot_on_failure.append(("viewer", viewer))
    viewer.goto(f"/live/{setting.room_id}/")
    # when they tap 一键报名, the apply form opens in a sheet over the room (the API needs a
    # login), and they fill in name and phone, get the code, type it and tick consent
    viewer.click("#pin-slot [data-apply-job]")
    viewer.wait_for_selector("#apply-sheet:not([hidden]) input[name=phone]")
    viewer.fill("#apply-sheet input[name=name]", "李大姐")
    viewer.fill("#apply-sheet input[name=phone]", NEW_VIEWER)
    viewer.click("#apply-sheet button:has-text('获取验证码')")
    viewer.wait_for_selector("#apply-sheet [data-code-sent]")
    code = re.search(r"\d{6}", [m for m in sms.outbox if m.phone == NEW_VIEWER][-1].message)
    viewer.fill("#apply-sheet input[name=code]", code.group(0))
    viewer.check("#apply-sheet input[name=consent]")
    viewer.dblclick("#apply-sheet button.apply-submit")
    # then 报名成功, applied once from the room, still in the room, and logged in: 我的报名
    # lists the job
    viewer.wait_for_selector("#apply-sheet .apply-success")
    assert viewer.url.endswith(f"/live/{setting.room_id}/")
    assert orm(_rows, setting.job_id) == [(NEW_VIEWER, setting.room_id)]
    viewer.goto("/me/applications/")
    assert "电子厂普工" in viewer.inner_text("main")
