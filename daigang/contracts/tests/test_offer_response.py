"""The seeker accepts or declines an offer in the browser: only that seeker, and a second
tap changes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from daigang.contracts.models import Contract, Offer
from daigang.contracts.services import offer_accept, offer_decline
from daigang.contracts.testing import hire_make, offer_make
from daigang.hiring.models import Notification, Stage
from daigang.hiring.testing import seeker_make

pytestmark = pytest.mark.django_db


def test_accepting_twice_returns_the_same_contract():
    hire = hire_make()
    offer = offer_make(hire)
    first = offer_accept(offer=offer, seeker=hire.seeker)
    second = offer_accept(offer=offer, seeker=hire.seeker)
    assert first.pk == second.pk
    assert Contract.objects.count() == 1
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED and offer.responded_at is not None


def test_accepting_tells_the_member_who_sent_the_offer():
    hire = hire_make()
    contract = offer_accept(offer=offer_make(hire), seeker=hire.seeker)
    link = reverse("contracts:manage_contract", args=[hire.organisation.pk, contract.pk])
    assert Notification.objects.filter(user=hire.owner, url=link).exists()


def test_another_seeker_cannot_accept_or_decline():
    hire = hire_make()
    offer = offer_make(hire)
    stranger = seeker_make(name="李四")
    with pytest.raises(ValidationError):
        offer_accept(offer=offer, seeker=stranger)
    with pytest.raises(ValidationError):
        offer_decline(offer=offer, seeker=stranger)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.SENT


def test_declining_twice_is_one_decline_and_keeps_the_first_reason():
    hire = hire_make()
    offer = offer_make(hire)
    offer_decline(offer=offer, seeker=hire.seeker, reason="离家太远")
    offer_decline(offer=offer, seeker=hire.seeker, reason="改主意了")
    offer.refresh_from_db()
    assert offer.status == Offer.Status.DECLINED and offer.decline_reason == "离家太远"
    assert not Contract.objects.exists()


def test_a_declined_offer_cannot_be_accepted_and_an_accepted_one_cannot_be_declined():
    declined_hire = hire_make()
    declined = offer_make(declined_hire)
    offer_decline(offer=declined, seeker=declined_hire.seeker)
    with pytest.raises(ValidationError, match="已拒绝"):
        offer_accept(offer=declined, seeker=declined_hire.seeker)

    accepted_hire = hire_make(seeker_name="王五")
    accepted = offer_make(accepted_hire)
    offer_accept(offer=accepted, seeker=accepted_hire.seeker)
    with pytest.raises(ValidationError, match="已接受"):
        offer_decline(offer=accepted, seeker=accepted_hire.seeker)


def test_after_a_decline_the_organisation_may_send_a_revised_offer():
    # given
    hire = hire_make()
    first = offer_make(hire)
    offer_decline(offer=first, seeker=hire.seeker, reason="工价太低")
    # when
    revised = offer_make(hire, wage_min_fen=2800, wage_max_fen=2800)
    # then
    assert revised.pk != first.pk and revised.status == Offer.Status.SENT
    hire.application.refresh_from_db()
    assert hire.application.stage == Stage.OFFER


def test_accept_in_the_browser_leads_to_the_contract_and_a_second_post_is_harmless(client):
    # given
    hire = hire_make()
    offer = offer_make(hire)
    client.force_login(hire.seeker)
    url = reverse("contracts:seeker_offer", args=[offer.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'id="offer-accept"' in page.content.decode()
    # when
    first = client.post(url, {"action": "accept"})
    second = client.post(url, {"action": "accept"})
    # then
    contract = Contract.objects.get()
    target = reverse("contracts:seeker_contract", args=[contract.pk])
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == target


def test_decline_in_the_browser(client):
    hire = hire_make()
    offer = offer_make(hire)
    client.force_login(hire.seeker)
    url = reverse("contracts:seeker_offer", args=[offer.pk])
    response = client.post(url, {"action": "decline", "reason": "找到别的工作了"})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == Offer.Status.DECLINED
    assert 'id="offer-declined"' in client.get(url).content.decode()


def test_a_withdrawn_application_cannot_accept_its_offer():
    from daigang.hiring.pipeline.services import application_withdraw

    hire = hire_make()
    offer = offer_make(hire)
    application_withdraw(application=hire.application, seeker=hire.seeker)
    with pytest.raises(ValidationError, match="已撤回"):
        offer_accept(offer=offer, seeker=hire.seeker)
    assert not Contract.objects.exists()
