"""Privacy rights in a real browser, on a small phone (360x740): the seeker withdraws consent
and the organisation's page shows the phone masked; the seeker downloads their data as JSON;
the seeker deletes their account."""

from __future__ import annotations

import json
import os

import pytest

from tests.conftest import SCREENSHOTS, orm

pytestmark = pytest.mark.e2e

FULL = "13800001111"
MASKED = "138****1111"


def _build() -> dict:
    from django.test import Client

    from daigang.accounts.models import Membership
    from daigang.accounts.testing import member_make, organisation_make
    from daigang.hiring.testing import application_make, seeker_make
    from daigang.jobs.testing import job_make

    organisation = organisation_make(name="昆山精密电子有限公司")
    owner = member_make(organisation=organisation, role=Membership.Role.OWNER)
    job = job_make(organisation=organisation, title="电子厂普工")
    seeker = seeker_make(phone=FULL, name="张三")
    application = application_make(job=job, seeker=seeker, name="张三")
    sessions = {}
    for name, user in {"owner": owner, "seeker": seeker}.items():
        client = Client()
        client.force_login(user)
        sessions[name] = client.cookies["sessionid"].value
    return {
        "org": organisation.pk,
        "application": application.pk,
        "seeker": seeker.pk,
        "sessions": sessions,
    }


def _shot(page, name: str) -> None:
    if os.environ.get("E2E_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def _page(chromium, server, session):
    context = chromium.new_context(
        viewport={"width": 360, "height": 740}, base_url=server, accept_downloads=True
    )
    context.add_cookies([{"name": "sessionid", "value": session, "url": server}])
    page = context.new_page()
    # The forms' data-confirm asks with window.confirm: the person says yes.
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def test_seeker_withdraws_consent_and_the_organisation_sees_the_phone_masked(asgi_server, chromium):
    world = orm(_build)
    owner = _page(chromium, asgi_server, world["sessions"]["owner"])
    seeker = _page(chromium, asgi_server, world["sessions"]["seeker"])
    # given the organisation sees the full number
    owner.goto(f"/manage/{world['org']}/applications/{world['application']}/")
    assert FULL in owner.inner_text("h1")
    # when the seeker withdraws consent on 我的报名
    seeker.goto("/me/applications/")
    seeker.click("summary:has-text('撤回同意')")
    _shot(seeker, "privacy-withdraw-consent.png")
    seeker.click("[data-consent] button:has-text('撤回同意')")
    seeker.wait_for_selector(
        "[data-consent] p:has-text('撤回向昆山精密电子有限公司提供手机号的同意')"
    )
    # then the organisation's application page shows the number masked, with no tel: link
    owner.reload()
    heading = owner.inner_text("h1")
    assert MASKED in heading and FULL not in heading
    assert owner.locator("a[href^='tel:']").count() == 0
    _shot(owner, "privacy-masked-phone.png")
    # and the owner's audit lists the one full view from before
    owner.goto(f"/manage/{world['org']}/phone-views/")
    assert owner.locator("[data-phone-view]").count() == 1
    _shot(owner, "privacy-phone-views.png")


def test_seeker_downloads_their_data_as_json_in_one_tap(asgi_server, chromium):
    world = orm(_build)
    seeker = _page(chromium, asgi_server, world["sessions"]["seeker"])
    # given 我的数据与账号, reached from 我的报名
    seeker.goto("/me/applications/")
    seeker.click("a:has-text('我的数据与账号')")
    seeker.wait_for_selector("h1:has-text('我的数据与账号')")
    _shot(seeker, "privacy-mine.png")
    # when they tap 下载 JSON 文件
    with seeker.expect_download() as download_info:
        seeker.click("[data-export-json]")
    download = download_info.value
    # then the file holds their account and application
    data = json.loads(open(download.path(), encoding="utf-8").read())
    assert download.suggested_filename.endswith(".json")
    assert data["account"]["phone"] == FULL
    assert [a["job"] for a in data["applications"]] == ["电子厂普工"]
    # and the printable page shows the same
    seeker.click("[data-export-html]")
    seeker.wait_for_selector("[data-section='applications']:has-text('电子厂普工')")
    _shot(seeker, "privacy-export.png")


def test_seeker_deletes_their_account(asgi_server, chromium):
    world = orm(_build)
    seeker = _page(chromium, asgi_server, world["sessions"]["seeker"])
    # given 我的数据与账号
    seeker.goto("/me/privacy/")
    # when they type the confirmation word and confirm the dialog
    seeker.fill("#delete-confirmation", "注销")
    seeker.click("#delete button:has-text('注销账号')")
    seeker.wait_for_selector("text=账号已注销")
    _shot(seeker, "privacy-deleted.png")
    # then they are logged out for good, and the account is anonymised
    seeker.goto("/me/applications/")
    assert "/accounts/login/" in seeker.url

    def _account():
        from daigang.accounts.models import User

        user = User.objects.get(pk=world["seeker"])
        return user.is_active, user.name, user.phone == FULL

    assert orm(_account) == (False, "已注销用户", False)
