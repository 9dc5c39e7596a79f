"""Numbers written with other scripts' digits: one number is one user, whatever the keyboard."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user
from django.core.exceptions import ValidationError
from django.urls import reverse

from daigang.accounts.forms import MemberAddForm, PhoneForm
from daigang.accounts.models import User
from daigang.accounts.testing import sms_code_last
from daigang.core.phones import phone_normalize

PHONE = "13700000060"
FULL_WIDTH = "1370000006\uff10"  # the last 0 typed with a Chinese IME's full-width digits
ALL_FULL_WIDTH = "\uff11\uff13\uff17\uff10\uff10\uff10\uff10\uff10\uff10\uff16\uff10"
ARABIC_INDIC = "\u0661\u0663\u0667\u0660\u0660\u0660\u0660\u0660\u0660\u0666\u0660"
PERSIAN = "\u06f1\u06f3\u06f7\u06f0\u06f0\u06f0\u06f0\u06f0\u06f0\u06f6\u06f0"
DEVANAGARI_ZERO = "1370000006\u0966"
LOGIN = reverse("accounts:login")


@pytest.mark.parametrize("raw", [FULL_WIDTH, ALL_FULL_WIDTH, "＋86 137－0000－0060"])
def test_full_width_digits_are_the_same_number(raw):
    assert phone_normalize(raw) == PHONE


@pytest.mark.parametrize("raw", [ARABIC_INDIC, PERSIAN, DEVANAGARI_ZERO, "1370000006O"])
def test_digits_of_other_scripts_are_refused_saying_which_digits_to_use(raw):
    with pytest.raises(ValidationError) as error:
        phone_normalize(raw)
    assert "0-9" in error.value.messages[0]


@pytest.mark.parametrize("form_class", [PhoneForm, MemberAddForm])
def test_forms_that_take_a_phone_refuse_arabic_indic_digits(form_class):
    form = form_class({"phone": ARABIC_INDIC, "role": "hr"})
    assert not form.is_valid()
    assert "phone" in form.errors


@pytest.mark.django_db
def test_logging_in_with_a_full_width_digit_reaches_the_existing_user(client, sms_outbox):
    # given
    existing = User.objects.create_user(PHONE)
    # when
    client.post(LOGIN, {"step": "send", "phone": FULL_WIDTH})
    response = client.post(
        LOGIN, {"step": "code", "phone": FULL_WIDTH, "code": sms_code_last(sms_outbox)}
    )
    # then
    assert response.status_code == 302
    assert get_user(client) == existing
    assert sms_outbox[-1].phone == PHONE
    assert User.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("raw", [ARABIC_INDIC, PERSIAN, DEVANAGARI_ZERO])
def test_logging_in_with_other_scripts_digits_is_refused_and_makes_no_user(client, sms_outbox, raw):
    # given
    User.objects.create_user(PHONE)
    # when
    response = client.post(LOGIN, {"step": "send", "phone": raw})
    # then
    assert "0-9" in response.content.decode()
    assert sms_outbox == []
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_the_admin_user_form_normalises_the_phone_too(admin_client):
    # given
    user = User.objects.create_user("13900000001")
    url = reverse("admin:accounts_user_change", args=[user.pk])
    # when
    response = admin_client.post(url, {"phone": ARABIC_INDIC, "name": "", "is_active": "on"})
    # then
    assert response.status_code == 200
    assert "0-9" in response.content.decode()
    user.refresh_from_db()
    assert user.phone == "13900000001"


@pytest.mark.django_db
def test_a_code_typed_in_full_width_digits_logs_in(client, sms_outbox):
    # given
    client.post(LOGIN, {"step": "send", "phone": PHONE})
    full_width = "".join(chr(0xFF10 + int(digit)) for digit in sms_code_last(sms_outbox))
    # when
    response = client.post(LOGIN, {"step": "code", "phone": PHONE, "code": full_width})
    # then
    assert response.status_code == 302
    assert get_user(client).phone == PHONE
