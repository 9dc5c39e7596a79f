from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from daigang.accounts.models import VERIFICATION_VALID_FOR, Organisation
from daigang.accounts.services import (
    organisation_approve,
    organisation_document_add,
    organisation_reject,
    organisation_renew_request,
)
from daigang.accounts.testing import (
    moderator_make,
    organisation_registered_make,
    pdf_bytes,
    upload,
    user_make,
)
from daigang.core.refused import Refused

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)


def owner_of(organisation: Organisation):
    return organisation.memberships.get().user


def test_approval_verifies_for_six_months():
    organisation = organisation_registered_make()
    moderator = moderator_make()
    organisation = organisation_approve(organisation=organisation, by=moderator, now=START)
    assert organisation.status == Organisation.Status.VERIFIED
    assert organisation.verified_at == START
    assert organisation.verified_until == START + VERIFICATION_VALID_FOR
    assert organisation.reviewed_by == moderator
    assert organisation.is_verified(START + dt.timedelta(days=182))


def test_verification_lapses_after_six_months():
    organisation = organisation_approve(
        organisation=organisation_registered_make(), by=moderator_make(), now=START
    )
    lapse = START + VERIFICATION_VALID_FOR
    assert organisation.is_verified(lapse - dt.timedelta(seconds=1))
    assert not organisation.is_verified(lapse)
    assert organisation.is_lapsed(lapse)
    assert organisation.status_label(lapse) == "认证已过期"


def test_only_a_moderator_can_approve_or_reject():
    organisation = organisation_registered_make()
    with pytest.raises(Refused):
        organisation_approve(organisation=organisation, by=owner_of(organisation))
    with pytest.raises(Refused):
        organisation_reject(organisation=organisation, by=user_make(), reason="x")
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.PENDING


def test_rejection_needs_a_reason_and_the_owner_sees_it():
    organisation = organisation_registered_make()
    moderator = moderator_make()
    with pytest.raises(Refused, match="请填写驳回原因"):
        organisation_reject(organisation=organisation, by=moderator, reason="  ")
    organisation = organisation_reject(
        organisation=organisation, by=moderator, reason="营业执照照片不清晰"
    )
    assert organisation.status == Organisation.Status.REJECTED
    assert organisation.rejection_reason == "营业执照照片不清晰"
    assert not organisation.is_verified()


def test_approving_twice_changes_nothing():
    organisation = organisation_registered_make()
    moderator = moderator_make()
    first = organisation_approve(organisation=organisation, by=moderator, now=START)
    again = organisation_approve(
        organisation=organisation, by=moderator, now=START + dt.timedelta(days=1)
    )
    assert again.verified_until == first.verified_until


def test_an_agency_without_its_hr_licence_cannot_be_approved():
    organisation = organisation_registered_make(kind=Organisation.Kind.AGENCY)
    organisation.documents.filter(kind="hr_service_licence").delete()
    with pytest.raises(Refused, match="缺少人力资源服务许可证"):
        organisation_approve(organisation=organisation, by=moderator_make())


def test_a_rejected_organisation_fixes_and_resubmits():
    # given a rejected organisation
    organisation = organisation_registered_make()
    owner = owner_of(organisation)
    moderator = moderator_make()
    organisation_reject(organisation=organisation, by=moderator, reason="照片不清晰")
    # when the owner uploads a clearer licence and resubmits
    organisation_document_add(
        organisation=organisation,
        kind="business_licence",
        file=upload("b.pdf", pdf_bytes()),
        by=owner,
    )
    with time_machine.travel(START, tick=False):
        organisation = organisation_renew_request(organisation=organisation, by=owner)
    # then it is pending again, at the back of the queue, and can be approved
    assert organisation.status == Organisation.Status.PENDING
    assert organisation.submitted_at == START
    organisation = organisation_approve(organisation=organisation, by=moderator)
    assert organisation.is_verified()


def test_renewal_opens_thirty_days_before_the_lapse_and_goes_back_to_pending():
    # given
    organisation = organisation_approve(
        organisation=organisation_registered_make(), by=moderator_make(), now=START
    )
    owner = owner_of(organisation)
    lapse = organisation.verified_until
    # when too early
    with pytest.raises(Refused, match="起可申请重新认证"):
        organisation_renew_request(
            organisation=organisation, by=owner, now=lapse - dt.timedelta(days=31)
        )
    # then within the window it goes back to pending
    renewed = organisation_renew_request(
        organisation=organisation, by=owner, now=lapse - dt.timedelta(days=10)
    )
    assert renewed.status == Organisation.Status.PENDING
    assert not renewed.is_verified(lapse - dt.timedelta(days=10))


def test_a_lapsed_organisation_renews_and_is_verified_for_another_six_months():
    # given
    moderator = moderator_make()
    organisation = organisation_approve(
        organisation=organisation_registered_make(), by=moderator, now=START
    )
    later = START + VERIFICATION_VALID_FOR + dt.timedelta(days=3)
    # when
    organisation_renew_request(organisation=organisation, by=owner_of(organisation), now=later)
    organisation = organisation_approve(organisation=organisation, by=moderator, now=later)
    # then
    assert organisation.verified_until == later + VERIFICATION_VALID_FOR
    assert organisation.is_verified(later + dt.timedelta(days=100))


def test_only_the_owner_can_ask_for_renewal():
    organisation = organisation_registered_make()
    organisation_reject(organisation=organisation, by=moderator_make(), reason="x")
    with pytest.raises(Refused):
        organisation_renew_request(organisation=organisation, by=user_make())


def test_asking_for_renewal_while_pending_changes_nothing():
    organisation = organisation_registered_make()
    before = organisation.submitted_at
    after = organisation_renew_request(
        organisation=organisation, by=owner_of(organisation), now=timezone.now()
    )
    assert after.status == Organisation.Status.PENDING
    assert after.submitted_at == before
