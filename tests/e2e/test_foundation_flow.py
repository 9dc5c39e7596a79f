"""Issue 2 end to end, in Debian's chromium, as the people who use it would:

a member logs in by phone with the SMS code, registers an organisation with its licence; a
moderator logs in and approves it; the member publishes a job; an anonymous visitor finds it
on the home page by a Chinese keyword and sees its card.
"""

from __future__ import annotations

import datetime as dt
import re
import struct
import zlib

import pytest

from daigang.accounts import sms
from daigang.accounts.models import Organisation, User
from daigang.accounts.uscc import uscc_check_char
from tests.conftest import orm

pytestmark = pytest.mark.e2e

MEMBER_PHONE = "13912340001"
MODERATOR_PHONE = "13800000001"
PHONE_WIDTH = {"width": 390, "height": 844}


def tiny_png() -> bytes:
    """A real 1×1 PNG (uploads are checked by content, not by name)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def log_in(page, base: str, phone: str, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.fill("input[name=phone]", phone)
    page.click("text=获取验证码")
    page.wait_for_selector("input[name=code]")
    message = [m for m in sms.outbox if m.phone == phone][-1].message
    page.fill("input[name=code]", re.search(r"\d{6}", message).group(0))
    page.click("button:has-text('登录')")
    page.wait_for_url(f"{base}{next_path}")


def test_member_registers_moderator_approves_member_publishes_visitor_finds(
    asgi_server, chromium, screenshot_on_failure, tmp_path
):
    base = asgi_server.url
    sms.outbox.clear()
    orm(
        User.objects.create_user,
        MODERATOR_PHONE,
        name="审核员小李",
        is_staff=True,
    )
    uscc_body = "91441900MA5" + "1K2P3X"
    uscc = uscc_body + uscc_check_char(uscc_body)
    licence = tmp_path / "营业执照.png"
    licence.write_bytes(tiny_png())

    # given a member who logs in by phone with the SMS code
    member = chromium.new_context(viewport=PHONE_WIDTH)
    page = member.new_page()
    screenshot_on_failure.append(("member", page))
    log_in(page, base, MEMBER_PHONE, "/accounts/organisations/new/")

    # when they register their organisation with its business licence
    page.fill("input[name=name]", "东莞市长安精密电子有限公司")
    page.check("input[name=kind][value=company]")
    page.fill("input[name=uscc]", uscc[:-1] + ("0" if uscc[-1] != "0" else "1"))
    page.fill("input[name=contact_name]", "陈主管")
    page.fill("input[name=contact_phone]", "0769-85012345")
    page.fill("input[name=address]", "广东省东莞市长安镇振安中路88号")
    page.set_input_files("input[name=business_licence]", str(licence))
    page.click("button:has-text('提交审核')")
    # then a mistyped credit code is refused with the reason, and nothing is registered
    page.wait_for_selector("text=校验位")
    assert orm(Organisation.objects.count) == 0
    page.fill("input[name=uscc]", uscc)
    page.set_input_files("input[name=business_licence]", str(licence))
    page.click("button:has-text('提交审核')")
    page.wait_for_selector("text=待审核")
    organisation = orm(Organisation.objects.get, uscc=uscc)
    assert organisation.status == Organisation.Status.PENDING

    # when a moderator logs in and approves it on the review page
    moderator = chromium.new_context(viewport=PHONE_WIDTH)
    review = moderator.new_page()
    screenshot_on_failure.append(("moderator", review))
    log_in(review, base, MODERATOR_PHONE, "/accounts/review/")
    review.click("text=东莞市长安精密电子有限公司")
    review.click("button:has-text('通过认证')")
    review.wait_for_load_state()
    organisation = orm(Organisation.objects.get, pk=organisation.pk)
    assert organisation.is_verified()

    # when the member posts a job and publishes it
    page.goto(f"{base}/manage/{organisation.pk}/jobs/new/")
    page.fill("input[name=title]", "电子厂普工 长白班")
    page.fill("input[name=kind_of_work]", "普工")
    page.fill("input[name=headcount]", "30")
    page.fill("input[name=wage_min]", "23")
    page.fill("input[name=wage_max]", "26")
    page.select_option("select[name=wage_unit]", "hour")
    page.select_option("select[name=pay_schedule]", "monthly")
    page.select_option("select[name=shift]", "day_only")
    page.select_option("select[name=board]", "room_and_board")
    page.check("input[name=couple_rooms]")
    page.select_option("select[name=province]", label="广东省")
    page.wait_for_function(
        "() => !document.querySelector('select[name=city] optgroup')"
        " && document.querySelector('select[name=city] option[value=\"441900\"]')"
    )
    page.select_option("select[name=city]", label="东莞市")
    page.fill("input[name=address]", "长安镇振安中路88号")
    page.fill("textarea[name=duties]", "手机屏幕组装，坐着上班，不穿无尘服。不收押金，免费体检。")
    page.fill("textarea[name=requirements]", "视力良好，能适应流水线。")
    page.fill("input[name=valid_until]", (dt.date.today() + dt.timedelta(days=30)).isoformat())
    page.click("button:has-text('保存草稿')")
    page.wait_for_url(f"{base}/manage/{organisation.pk}/jobs/")
    page.click("button:has-text('发布')")
    page.wait_for_selector("text=招聘中")

    # then an anonymous visitor finds it by a Chinese keyword and sees its card
    visitor = chromium.new_context(viewport=PHONE_WIDTH)
    home = visitor.new_page()
    screenshot_on_failure.append(("visitor", home))
    home.goto(f"{base}/")
    home.fill("input[name=q]", "电子厂 普工")
    home.click("button:has-text('搜索')")
    card = home.locator(".job-card", has_text="电子厂普工 长白班")
    card.wait_for()
    text = card.inner_text()
    assert "23-26 元/小时" in text
    assert "东莞" in text
    assert "包吃住" in text and "夫妻间" in text
    # and a keyword it does not match leaves it out (a full page load: no htmx timing)
    home.goto(f"{base}/?q=叉车")
    assert home.locator(".job-card", has_text="电子厂普工 长白班").count() == 0
    for context in (member, moderator, visitor):
        context.close()
