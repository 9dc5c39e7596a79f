"""A viewer without an account: name + phone, SMS code, tick → logged in and applied."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from daigang.accounts.clients import DEVICE_COOKIE
from daigang.accounts.testing import organisation_make, sms_code_last
from daigang.hiring.models import Application
from daigang.hiring.testing import seeker_make
from daigang.jobs.testing import job_make
from daigang.live.testing import room_make

pytestmark = pytest.mark.django_db

PHONE = "13912340000"


def _form(**extra):
    return {
        "name": "刘七",
        "phone": PHONE,
        "consent": "on",
        "idempotency_key": "anon-key-0001",
        **extra,
    }


def test_an_anonymous_visitor_sees_name_phone_and_code_fields(client):
    job = job_make(organisation=organisation_make())

    page = client.get(reverse("hiring:apply", args=[job.pk])).content.decode()

    for field in ('name="name"', 'name="phone"', 'name="code"', 'name="consent"'):
        assert field in page
    assert "获取验证码" in page


def test_get_code_sends_an_sms_and_keeps_what_was_typed(client, sms_outbox):
    job = job_make(organisation=organisation_make())

    response = client.post(reverse("hiring:apply", args=[job.pk]), _form(action="send_code"))

    html = response.content.decode()
    assert [m.phone for m in sms_outbox] == [PHONE]
    assert "验证码已发送至 139****0000" in html
    assert f'value="{PHONE}"' in html and 'value="刘七"' in html
    assert 'value="anon-key-0001"' in html  # the same key survives the round trip
    assert Application.objects.count() == 0


def test_after_a_code_the_send_button_counts_down_the_minute_and_a_second_tap_is_refused(
    client, sms_outbox
):
    # given a code was just sent
    job = job_make(organisation=organisation_make())
    url = reverse("hiring:apply", args=[job.pk])
    sent = client.post(url, _form(action="send_code")).content.decode()
    # then the button counts down the minute before a resend is allowed
    assert 'data-countdown="60"' in sent
    # and a second tap at once (no JavaScript) is answered 429, still counting down
    again = client.post(url, _form(action="send_code"))
    assert again.status_code == 429
    assert "获取验证码太频繁" in again.content.decode()
    assert 'data-countdown="' in again.content.decode()
    assert len(sms_outbox) == 1


def test_get_code_with_a_bad_phone_says_what_is_wrong(client, sms_outbox):
    job = job_make(organisation=organisation_make())

    response = client.post(
        reverse("hiring:apply", args=[job.pk]), _form(action="send_code", phone="12345")
    )

    assert "11位" in response.content.decode()
    assert sms_outbox == []


def test_a_wrong_code_is_refused_clearly_and_nothing_is_saved(client, sms_outbox):
    # given a code was sent
    job = job_make(organisation=organisation_make())
    url = reverse("hiring:apply", args=[job.pk])
    client.post(url, _form(action="send_code"))
    right = sms_code_last(sms_outbox, phone=PHONE)
    wrong = "000000" if right != "000000" else "111111"
    # when the visitor types another code
    response = client.post(url, _form(code=wrong))
    # then
    html = response.content.decode()
    assert "验证码错误" in html
    assert Application.objects.count() == 0
    assert not get_user_model().objects.filter(phone=PHONE).exists()
    assert "_auth_user_id" not in client.session


def test_the_right_code_logs_in_and_applies_in_the_same_request(client, sms_outbox):
    # given
    job = job_make(organisation=organisation_make())
    room = room_make(organisation=job.organisation)
    url = reverse("hiring:apply", args=[job.pk])
    client.post(url, _form(action="send_code", room=room.pk))
    # when
    response = client.post(url, _form(code=sms_code_last(sms_outbox, phone=PHONE), room=room.pk))
    # then
    assert "报名成功" in response.content.decode()
    user = get_user_model().objects.get(phone=PHONE)
    assert client.session["_auth_user_id"] == str(user.pk)
    application = Application.objects.get()
    assert (application.seeker, application.job, application.room) == (user, job, room)
    assert application.name == "刘七"
    assert application.phone == PHONE
    # and the name is the account's from now on: asked once, on the first apply (chat shows it)
    assert user.name == "刘七"
    assert application.consent_text and application.consented_at
    # and the browser is now a known device of the number (its own daily codes)
    assert DEVICE_COOKIE in response.cookies


def test_the_consent_tick_is_checked_before_the_code_is_spent(client, sms_outbox):
    job = job_make(organisation=organisation_make())
    url = reverse("hiring:apply", args=[job.pk])
    client.post(url, _form(action="send_code"))
    code = sms_code_last(sms_outbox, phone=PHONE)

    refused = client.post(url, {**_form(code=code), "consent": ""})
    accepted = client.post(url, _form(code=code))

    assert "请勾选同意" in refused.content.decode()
    assert "报名成功" in accepted.content.decode()  # the same code still works


def test_a_double_submitted_anonymous_form_answers_success_twice(client, sms_outbox):
    # given the first submission used the code and applied
    job = job_make(organisation=organisation_make())
    url = reverse("hiring:apply", args=[job.pk])
    client.post(url, _form(action="send_code"))
    data = _form(code=sms_code_last(sms_outbox, phone=PHONE))
    client.post(url, data)
    # when the second tap's request (same form, same key) arrives from a fresh browser state
    client.logout()
    second = client.post(url, data)
    # then it is told the truth, not "code used"
    assert "报名成功" in second.content.decode()
    assert Application.objects.count() == 1


def test_an_existing_account_applying_anonymously_keeps_its_phone_and_user(client, sms_outbox):
    seeker = seeker_make(phone=PHONE, name="老刘")
    job = job_make(organisation=organisation_make())
    url = reverse("hiring:apply", args=[job.pk])
    client.post(url, _form(action="send_code"))

    client.post(url, _form(code=sms_code_last(sms_outbox, phone=PHONE)))

    assert Application.objects.get().seeker == seeker


def test_applying_with_another_name_never_renames_an_account_that_has_one(client, sms_outbox):
    # given: an account that already has a name
    seeker_make(phone=PHONE, name="刘七")
    job = job_make(organisation=organisation_make())
    url = reverse("hiring:apply", args=[job.pk])
    client.post(url, _form(action="send_code"))
    # when: the application is made under another name
    client.post(url, _form(code=sms_code_last(sms_outbox, phone=PHONE), name="刘小七"))
    # then: the application carries it, the account keeps its own
    assert Application.objects.get().name == "刘小七"
    assert get_user_model().objects.get(phone=PHONE).name == "刘七"
