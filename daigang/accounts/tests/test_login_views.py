from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.contrib.auth import get_user
from django.urls import reverse

from daigang.accounts.clients import DEVICE_COOKIE
from daigang.accounts.models import PhoneCode, User
from daigang.accounts.testing import sms_code_last

PHONE = "13812345678"
LOGIN = reverse("accounts:login")
MORNING = dt.datetime(2026, 11, 24, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))

pytestmark = pytest.mark.django_db


def send(client, phone=PHONE, next_url="/jobs/42/", **headers):
    return client.post(LOGIN, {"step": "send", "phone": phone, "next": next_url}, **headers)


def verify(client, code, phone=PHONE, next_url="/jobs/42/", name="", **headers):
    data = {"step": "code", "phone": phone, "code": code, "name": name, "next": next_url}
    return client.post(LOGIN, data, **headers)


def test_login_page_asks_for_the_phone_number(client):
    response = client.get(LOGIN, {"next": "/jobs/42/"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "获取验证码" in body
    assert 'name="phone"' in body
    assert 'value="/jobs/42/"' in body


def test_plain_post_of_the_number_sends_a_code_and_shows_the_code_step(client, sms_outbox):
    response = send(client)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" in body
    assert 'name="code"' in body
    assert f"验证码已发送至 {PHONE}" in body
    assert sms_outbox[-1].phone == PHONE


def test_htmx_post_of_the_number_returns_only_the_code_step(client, sms_outbox):
    response = send(client, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="login-box"' in body
    assert 'name="code"' in body


def test_a_bad_number_is_explained(client, sms_outbox):
    response = send(client, phone="1234")
    assert response.status_code == 200
    assert "请输入11位中国大陆手机号" in response.content.decode()
    assert sms_outbox == []


def test_asking_again_within_a_minute_gets_429_with_the_wait(client, sms_outbox):
    with time_machine.travel(MORNING, tick=False) as clock:
        send(client)
        clock.shift(dt.timedelta(seconds=20))
        response = send(client)
    assert response.status_code == 429
    assert response["Retry-After"] == "40"
    body = response.content.decode()
    assert "获取验证码太频繁，请40秒后再试" in body
    # The code sent a moment ago can still be typed in.
    assert 'name="code"' in body
    assert len(sms_outbox) == 1


def test_asking_a_fifth_time_in_a_day_from_one_address_gets_429_saying_until_when(
    client, sms_outbox
):
    with time_machine.travel(MORNING, tick=False) as clock:
        for _ in range(4):
            send(client)
            clock.shift(dt.timedelta(minutes=1))
        response = send(client, HTTP_HX_REQUEST="true")
    assert response.status_code == 429
    body = response.content.decode()
    assert "今天在当前网络已获取4次验证码" in body
    assert "14小时56分钟" in body
    # htmx swaps 429 answers in (static/js/forms.js), so the person sees the message.
    assert "data-swap-429" in body


def test_a_login_marks_the_browser_as_a_known_device_of_the_number(client, sms_outbox):
    # given a login by SMS code
    send(client)
    response = verify(client, sms_code_last(sms_outbox))
    # then the browser keeps a long-lived device cookie, even past logging out
    cookie = response.cookies[DEVICE_COOKIE]
    assert cookie["httponly"] and int(cookie["max-age"]) >= 300 * 86400
    client.post("/accounts/logout/")
    # and the codes it asks for next are counted as the known device's, not strangers'
    send(client)
    assert PhoneCode.objects.order_by("-created_at", "-id").first().known_device


def test_wrong_code_says_how_many_tries_are_left_and_does_not_log_in(client, sms_outbox):
    send(client)
    wrong = "000000" if sms_code_last(sms_outbox) != "000000" else "111111"
    response = verify(client, wrong)
    assert response.status_code == 200
    assert "验证码错误，还可以再试4次" in response.content.decode()
    assert not get_user(client).is_authenticated


def test_right_code_logs_in_saves_the_name_and_redirects_to_next(client, sms_outbox):
    # given
    send(client)
    # when
    response = verify(client, sms_code_last(sms_outbox), name=" 王小明 ")
    # then
    assert response.status_code == 302
    assert response["Location"] == "/jobs/42/"
    user = get_user(client)
    assert user.is_authenticated
    assert user.phone == PHONE
    assert User.objects.get(phone=PHONE).name == "王小明"


def test_logging_in_never_renames_an_account_that_has_a_name(client, sms_outbox):
    # given a seeker whose name organisations already know
    User.objects.create_user(PHONE, name="王小明")
    # when someone logs in with the number's code and types another name
    send(client)
    response = verify(client, sms_code_last(sms_outbox), name="李四")
    # then they are logged in and the name stays
    assert response.status_code == 302
    assert User.objects.get(phone=PHONE).name == "王小明"


def test_htmx_login_redirects_the_whole_page(client, sms_outbox):
    send(client, HTTP_HX_REQUEST="true")
    response = verify(client, sms_code_last(sms_outbox), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == "/jobs/42/"
    assert get_user(client).is_authenticated


@pytest.mark.parametrize(
    "evil", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""]
)
def test_next_pointing_off_site_goes_home_instead(client, sms_outbox, evil):
    send(client, next_url=evil)
    response = verify(client, sms_code_last(sms_outbox), next_url=evil)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_logout_is_a_post_that_ends_the_session(client, sms_outbox):
    send(client)
    verify(client, sms_code_last(sms_outbox))
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert not get_user(client).is_authenticated
