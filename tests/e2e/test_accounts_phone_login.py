"""Phone login and organisation registration in a real browser (htmx on), code read from the
LocmemBackend outbox as a person would read their SMS."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from daigang.accounts import sms
from tests.conftest import orm

pytestmark = pytest.mark.e2e

PHONE = "13812345678"


def last_code() -> str:
    return re.search(r"\d{6}", sms.outbox[-1].message).group(0)


def test_a_person_logs_in_by_phone_and_lands_on_next(asgi_server, chromium, screenshot_on_failure):
    # given
    sms.outbox.clear()
    page = chromium.new_page(viewport={"width": 390, "height": 844})
    screenshot_on_failure.append(("login", page))
    page.goto(f"{asgi_server.url}/accounts/login/?next=/accounts/organisations/")
    # when the number is entered, the code step is swapped in without a page load
    page.fill("input[name=phone]", PHONE)
    page.click("text=获取验证码")
    page.wait_for_selector("input[name=code]")
    assert f"验证码已发送至 {PHONE}" in page.content()
    assert sms.outbox[-1].phone == PHONE
    # then the resend button waits out the minute, saying how long is left
    resend = page.locator("button[data-countdown]")
    expect(resend).to_be_disabled()
    expect(resend).to_have_text(re.compile(r"^\d+秒后可重新获取验证码$"))
    # when a resend is sent anyway (a stale tab), the 429 message is shown (htmx swaps it in)
    page.evaluate("document.querySelector('button[data-countdown]').form.requestSubmit()")
    page.wait_for_selector("text=获取验证码太频繁")
    expect(page.locator("button[data-countdown]")).to_be_disabled()
    # when a wrong code is typed
    wrong = "000000" if last_code() != "000000" else "111111"
    page.fill("input[name=code]", wrong)
    page.click("button:has-text('登录')")
    page.wait_for_selector("text=还可以再试4次")
    # when the right code is typed
    page.fill("input[name=code]", last_code())
    page.fill("input[name=name]", "王小明")
    page.click("button:has-text('登录')")
    # then the person is logged in on the page they came for
    page.wait_for_url(f"{asgi_server.url}/accounts/organisations/")
    assert "您还没有加入任何单位" in page.content()
    from daigang.accounts.models import User

    assert orm(lambda: User.objects.get(phone=PHONE).name) == "王小明"


def test_login_works_without_javascript(asgi_server, chromium, screenshot_on_failure):
    sms.outbox.clear()
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    screenshot_on_failure.append(("nojs", page))
    page.goto(f"{asgi_server.url}/accounts/login/?next=/accounts/organisations/")
    page.fill("input[name=phone]", PHONE)
    page.click("text=获取验证码")
    page.wait_for_selector("input[name=code]")
    page.fill("input[name=code]", last_code())
    page.click("button:has-text('登录')")
    page.wait_for_url(f"{asgi_server.url}/accounts/organisations/")
    context.close()
