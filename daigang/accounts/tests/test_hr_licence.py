"""A labour agency's 人力资源服务许可证: stated, checked by the moderator, and holding its
verification only while the licence is in force."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from daigang.accounts.models import Organisation
from daigang.accounts.services import (
    organisation_approve,
    organisation_renew_request,
    organisation_update,
)
from daigang.accounts.testing import (
    moderator_make,
    organisation_make,
    organisation_registered_make,
    user_make,
)
from daigang.core.refused import Refused

pytestmark = pytest.mark.django_db


def agency_pending(**fields: object) -> Organisation:
    return organisation_registered_make(kind=Organisation.Kind.AGENCY, **fields)


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("hr_licence_number", "", "licence_number_required"),
        ("hr_licence_issuer", "", "licence_issuer_required"),
        ("hr_licence_expires_on", None, "licence_expiry_required"),
    ],
)
def test_an_agency_without_its_licence_facts_cannot_be_verified(field, value, code):
    # given an agency on record without one fact of its licence (registered before they existed)
    agency = agency_pending()
    Organisation.objects.filter(pk=agency.pk).update(**{field: value})
    agency.refresh_from_db()
    # when a moderator approves it, having checked the copy
    with pytest.raises(Refused) as caught:
        organisation_approve(organisation=agency, by=moderator_make(), licence_checked=True)
    # then it is refused and stays pending
    assert caught.value.code == code
    agency.refresh_from_db()
    assert agency.status == Organisation.Status.PENDING


def test_an_agency_whose_licence_has_expired_cannot_be_verified():
    agency = agency_pending()
    Organisation.objects.filter(pk=agency.pk).update(
        hr_licence_expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    agency.refresh_from_db()
    with pytest.raises(Refused) as caught:
        organisation_approve(organisation=agency, by=moderator_make(), licence_checked=True)
    assert caught.value.code == "licence_expired"


def test_the_moderator_must_say_they_checked_the_licence():
    # given a complete agency registration
    agency = agency_pending()
    moderator = moderator_make()
    # when approved without the check, then with it
    with pytest.raises(Refused) as caught:
        organisation_approve(organisation=agency, by=moderator)
    assert caught.value.code == "licence_unchecked"
    organisation_approve(organisation=agency, by=moderator, licence_checked=True)
    # then only the checked approval verifies it
    agency.refresh_from_db()
    assert agency.is_verified()


def test_a_company_needs_no_licence_check():
    company = organisation_registered_make()
    organisation_approve(organisation=company, by=moderator_make())
    company.refresh_from_db()
    assert company.is_verified()


def test_the_review_page_shows_the_licence_and_its_check_box(client):
    agency = agency_pending()
    client.force_login(moderator_make())
    body = client.get(reverse("accounts:review_detail", args=[agency.pk])).content.decode()
    assert agency.hr_licence_number in body
    assert agency.hr_licence_issuer in body
    assert agency.hr_licence_expires_on.isoformat() in body
    assert 'name="licence_checked"' in body


def test_approving_on_the_review_page_without_the_tick_is_refused_with_the_reason(client):
    # given
    agency = agency_pending()
    client.force_login(moderator_make())
    url = reverse("accounts:review_detail", args=[agency.pk])
    # when
    refused = client.post(url, {"action": "approve"})
    approved = client.post(url, {"action": "approve", "licence_checked": "on"})
    # then
    assert refused.status_code == 400
    assert "请先核对人力资源服务许可证" in refused.content.decode()
    assert approved.status_code == 302
    agency.refresh_from_db()
    assert agency.status == Organisation.Status.VERIFIED


def test_an_agency_whose_licence_expired_is_not_verified_and_may_renew():
    # given a verified agency whose licence ended yesterday
    agency = organisation_make(
        kind=Organisation.Kind.AGENCY,
        licence_expires_on=timezone.localdate() - dt.timedelta(days=1),
    )
    # then
    assert not agency.is_verified()
    assert agency.is_lapsed()
    assert agency.licence_expired()
    assert agency.status_label() == "人力资源服务许可证已过期"
    assert agency.renewal_open()
    assert not Organisation.objects.filter(Organisation.verified_q(timezone.now())).exists()


def test_a_company_is_never_held_back_by_a_licence():
    company = organisation_make()
    assert company.is_verified()
    assert Organisation.objects.filter(Organisation.verified_q(timezone.now())).get() == company


def test_a_verified_agency_updates_its_licence_through_renewal():
    # given a verified agency whose licence ends in three weeks
    owner = user_make()
    agency = agency_pending(
        owner=owner, hr_licence_expires_on=timezone.localdate() + dt.timedelta(days=21)
    )
    agency = organisation_approve(organisation=agency, by=moderator_make(), licence_checked=True)
    new_date = timezone.localdate() + dt.timedelta(days=3 * 365)
    # when it changes the licence while verified, it is refused
    with pytest.raises(Refused) as caught:
        organisation_update(organisation=agency, by=owner, hr_licence_expires_on=new_date)
    assert caught.value.code == "legal_locked"
    # and after asking for renewal (open because the licence ends soon) it may
    agency = organisation_renew_request(organisation=agency, by=owner)
    organisation_update(
        organisation=agency, by=owner, hr_licence_expires_on=new_date, hr_licence_number="NEW-1"
    )
    agency.refresh_from_db()
    assert agency.status == Organisation.Status.PENDING
    assert (agency.hr_licence_expires_on, agency.hr_licence_number) == (new_date, "NEW-1")
