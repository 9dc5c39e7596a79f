"""我的报名 shows what the seeker has to act on: the offer to answer, the contract to sign,
the signed contract to download."""

from __future__ import annotations

import pytest
from django.urls import reverse

from daigang.contracts.services import offer_accept
from daigang.contracts.testing import hire_make, offer_make, sign_both

pytestmark = pytest.mark.django_db


def test_my_applications_links_the_offer_then_the_contract_then_the_signed_pdf(client):
    # given an offer
    hire = hire_make()
    offer = offer_make(hire)
    client.force_login(hire.seeker)
    my_applications = reverse("hiring:my_applications")
    page = client.get(my_applications).content.decode()
    assert reverse("contracts:seeker_offer", args=[offer.pk]) in page
    # when accepted, the contract to sign is linked
    contract = offer_accept(offer=offer, seeker=hire.seeker)
    page = client.get(my_applications).content.decode()
    assert f'data-todo="contract" data-contract-id="{contract.pk}"' in page
    # when both signed, the signed contract is linked
    sign_both(hire, contract)
    page = client.get(my_applications).content.decode()
    assert f'data-todo="signed" data-contract-id="{contract.pk}"' in page
    assert 'data-todo="contract"' not in page


def test_another_seeker_sees_none_of_it(client):
    from daigang.hiring.testing import seeker_make

    hire = hire_make()
    offer_make(hire)
    client.force_login(seeker_make(name="李四"))
    page = client.get(reverse("contracts:seeker_todo")).content.decode()
    assert 'id="contracts-todo-empty"' in page
