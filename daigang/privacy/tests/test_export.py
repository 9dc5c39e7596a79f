"""A seeker downloads everything the platform holds about them, as JSON and as a page."""

from __future__ import annotations

import json

import pytest

from daigang.contracts.testing import hire_make, signed_contract_make
from daigang.hiring.pipeline.consent import organisation_consent_withdraw
from daigang.hiring.pipeline.services import application_advance
from daigang.hiring.testing import seeker_make
from daigang.live.models import ChatMessage
from daigang.live.testing import room_make
from daigang.privacy.services import seeker_export

pytestmark = pytest.mark.django_db


def _world():
    hire = hire_make(seeker_name="张三")
    signed_contract_make(hire)
    room = room_make(organisation=hire.organisation)
    ChatMessage.objects.create(room=room, user=hire.seeker, text="包吃住吗？")
    ChatMessage.objects.create(room=room, user=hire.owner, text="包吃住")
    return hire


def test_the_export_holds_every_kind_of_the_seekers_data_and_nobody_elses():
    # given
    hire = _world()
    organisation_consent_withdraw(application=hire.application, seeker=hire.seeker)
    stranger = seeker_make(name="李四")
    # when
    data = seeker_export(user=hire.seeker)
    # then
    assert data["account"]["phone"] == hire.seeker.phone
    [application] = data["applications"]
    assert application["organisation"] == "昆山精密电子有限公司"
    assert [step["to"] for step in application["history"]][-2:] == ["录用", "已签约"]
    [consent] = data["consents"]
    assert consent["withdrawn_at"] is not None and "昆山精密电子有限公司" in consent["text"]
    [offer] = data["offers"]
    assert offer["link"].startswith("/me/offers/")
    [contract] = data["contracts"]
    assert contract["link"] == f"/me/contracts/{contract['id']}/"
    assert contract["pdf"] is not None
    assert data["notifications"], "the offer and contract notifications"
    assert [m["text"] for m in data["chat_messages"]] == ["包吃住吗？"]
    assert seeker_export(user=stranger)["applications"] == []
    json.dumps(data)  # JSON-ready as it is


def test_the_seekers_own_withdrawal_reason_is_exported_but_not_the_organisations_move_reason():
    # given
    hire = hire_make()
    application_advance(
        application=hire.application, to_stage="contacted", by=hire.owner, reason="电话没接"
    )
    application_advance(
        application=hire.application, to_stage="withdrawn", by=hire.seeker, reason="太远了"
    )
    # when
    [application] = seeker_export(user=hire.seeker)["applications"]
    # then
    assert [step["reason"] for step in application["history"]] == ["", "太远了"]


def test_one_tap_downloads_the_json_file(client):
    # given
    hire = _world()
    client.force_login(hire.seeker)
    # when
    response = client.get("/me/privacy/export.json")
    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["account"]["phone"] == hire.seeker.phone
    assert data["chat_messages"][0]["text"] == "包吃住吗？"


def test_the_printable_page_shows_the_same_data(client):
    # given
    hire = _world()
    client.force_login(hire.seeker)
    # when
    response = client.get("/me/privacy/export/")
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert hire.seeker.phone in body
    assert "包吃住吗？" in body and "包吃住</li>" not in body
    assert "/me/contracts/" in body


def test_the_export_needs_a_login(client):
    # when
    response = client.get("/me/privacy/export.json")
    # then
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
