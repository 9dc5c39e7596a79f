"""The seeker's number in a contract's text, once they withdraw their consent: masked for the
organisation until both have signed; a signed contract stays the document both signed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from daigang.contracts.testing import contract_make, hire_make, sign_both
from daigang.core.phones import phone_mask
from daigang.hiring.models import PhoneView
from daigang.hiring.pipeline.consent import organisation_consent_withdraw

pytestmark = pytest.mark.django_db


def _contract_page(client, hire, contract) -> str:
    client.force_login(hire.owner)
    url = reverse("contracts:manage_contract", args=[hire.organisation.pk, contract.pk])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_organisation_reads_the_number_in_an_unsigned_contract_while_consent_lasts(client):
    # given
    hire = hire_make()
    contract = contract_make(hire)
    phone = hire.application.phone
    assert phone in contract.body
    # when
    body = _contract_page(client, hire, contract)
    # then: shown in full, and the view is in the phone-view audit
    assert phone in body
    assert PhoneView.objects.filter(seeker=hire.seeker, source="contract").count() == 1


def test_after_withdrawal_an_unsigned_contract_shows_the_organisation_the_number_masked(client):
    # given
    hire = hire_make()
    contract = contract_make(hire)
    phone = hire.application.phone
    # when the seeker withdraws their consent before anyone signed
    organisation_consent_withdraw(application=hire.application, seeker=hire.seeker)
    body = _contract_page(client, hire, contract)
    # then the organisation sees only the masked number, and nothing is recorded as viewed
    assert phone not in body
    assert phone_mask(phone) in body
    assert not PhoneView.objects.filter(source="contract").exists()
    # and the seeker still reads their own contract in full; the stored text is unchanged
    client.force_login(hire.seeker)
    own = client.get(reverse("contracts:seeker_contract", args=[contract.pk]))
    assert phone in own.content.decode()
    contract.refresh_from_db()
    assert phone in contract.body


def test_a_signed_contract_stays_as_signed_after_withdrawal(client):
    # given a contract both parties signed
    hire = hire_make()
    contract = sign_both(hire, contract_make(hire))
    phone = hire.application.phone
    # when
    organisation_consent_withdraw(application=hire.application, seeker=hire.seeker)
    # then the document both hold (and its fingerprint) still carries the number
    assert phone in _contract_page(client, hire, contract)
