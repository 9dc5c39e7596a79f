"""A seeker deletes their account: what the law keeps is anonymised, the rest goes, the
number can register again and the old account cannot log in."""

from __future__ import annotations

import pytest

from daigang.accounts.models import PhoneCode, PhoneDevice, User
from daigang.contracts.models import Contract
from daigang.contracts.testing import hire_make, signed_contract_make
from daigang.hiring.models import Application, Note, Notification
from daigang.hiring.pipeline.notes import note_add
from daigang.hiring.testing import application_make
from daigang.jobs.testing import job_make
from daigang.live.chat import chat_history
from daigang.live.models import ChatMessage
from daigang.live.testing import room_make
from daigang.privacy.services import AccountDeleteRefused, account_delete

pytestmark = pytest.mark.django_db


def _delete(client, word: str = "注销"):
    return client.post("/me/privacy/delete/", {"confirmation": word})


def test_deleting_keeps_the_signed_record_anonymised_and_removes_the_rest(client):
    # given
    hire = hire_make(seeker_name="张三")
    contract = signed_contract_make(hire)
    unsigned = application_make(
        job=job_make(organisation=hire.organisation, title="质检员"), seeker=hire.seeker
    )
    note_add(application=unsigned, author=hire.owner, text="人很实在")
    note_add(application=hire.application, author=hire.owner, text="已签约")
    phone = hire.seeker.phone
    client.force_login(hire.seeker)
    # when
    response = _delete(client)
    # then
    assert response.status_code == 302
    seeker = User.objects.get(pk=hire.seeker.pk)
    assert seeker.is_deleted and not seeker.is_active and not seeker.has_usable_password()
    assert seeker.name == "已注销用户" and seeker.phone != phone
    for application in Application.objects.filter(seeker=seeker):
        assert (application.name, application.phone) == ("已注销用户", "")
        assert application.consent_withdrawn_at is not None
    assert not Note.objects.filter(application=unsigned).exists()
    assert Note.objects.filter(application=hire.application).exists()
    signed = Contract.objects.get(pk=contract.pk)
    assert signed.seeker_phone == phone, "a signed contract stays exactly as signed"
    assert not Notification.objects.filter(user=seeker).exists()


def test_the_deleted_account_is_logged_out_and_cannot_come_back(client):
    # given
    hire = hire_make()
    client.force_login(hire.seeker)
    # when
    _delete(client)
    # then
    assert client.get("/me/applications/").status_code == 302
    assert not client.login(phone=hire.seeker.phone)


def test_the_number_can_register_afresh_as_a_new_account():
    # given
    hire = hire_make()
    phone = hire.seeker.phone
    account_delete(user=hire.seeker)
    # when
    fresh = User.objects.create_user(phone=phone)
    # then
    assert fresh.pk != hire.seeker.pk
    assert not Application.objects.filter(seeker=fresh).exists()


def test_chat_history_shows_the_sender_as_a_deleted_user():
    # given
    hire = hire_make(seeker_name="张三")
    room = room_make(organisation=hire.organisation)
    ChatMessage.objects.create(room=room, user=hire.seeker, text="还招人吗")
    # when
    account_delete(user=hire.seeker)
    # then
    [message] = chat_history(room_id=room.pk)["messages"]
    assert (message["name"], message["text"]) == ("已注销用户", "还招人吗")


def test_the_typed_confirmation_is_required(client):
    # given
    hire = hire_make()
    client.force_login(hire.seeker)
    # when
    response = _delete(client, word="好的")
    # then
    assert response.status_code == 302
    assert not User.objects.get(pk=hire.seeker.pk).is_deleted


def test_deletion_needs_a_post_with_csrf():
    from django.test import Client

    # given
    hire = hire_make()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(hire.seeker)
    # when
    response = strict.post("/me/privacy/delete/", {"confirmation": "注销"})
    get = strict.get("/me/privacy/delete/")
    # then
    assert response.status_code == 403
    assert get.status_code == 405
    assert not User.objects.get(pk=hire.seeker.pk).is_deleted


def test_deleting_twice_changes_nothing_the_second_time():
    # given
    hire = hire_make()
    assert account_delete(user=hire.seeker) is True
    # when
    again = account_delete(user=hire.seeker)
    # then
    assert again is False


def test_a_member_of_an_organisation_is_asked_to_leave_it_first():
    # given
    hire = hire_make()
    # when / then
    with pytest.raises(AccountDeleteRefused):
        account_delete(user=hire.owner)
    assert User.objects.get(pk=hire.owner.pk).is_active


def test_pending_sms_codes_and_known_devices_of_the_number_go():
    from django.utils import timezone

    # given
    hire = hire_make()
    now = timezone.now()
    PhoneCode.objects.create(phone=hire.seeker.phone, code_hash="x", created_at=now, expires_at=now)
    PhoneDevice.objects.create(phone=hire.seeker.phone, device_hash="d")
    # when
    phone = hire.seeker.phone
    account_delete(user=hire.seeker)
    # then
    assert not PhoneCode.objects.filter(phone=phone).exists()
    assert not PhoneDevice.objects.filter(phone=phone).exists()
