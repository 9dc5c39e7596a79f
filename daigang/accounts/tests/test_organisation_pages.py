from __future__ import annotations

import datetime as dt

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from daigang.accounts.models import VERIFICATION_VALID_FOR, Organisation
from daigang.accounts.services import organisation_approve
from daigang.accounts.testing import moderator_make, organisation_registered_make, user_make

pytestmark = pytest.mark.django_db


def test_my_organisations_lists_the_users_organisations_only(client):
    mine = organisation_registered_make(name="我的电子厂")
    organisation_registered_make(name="别人的物流公司")
    client.force_login(mine.memberships.get().user)
    body = client.get(reverse("accounts:my_organisations")).content.decode()
    assert "我的电子厂" in body
    assert "别人的物流公司" not in body
    assert "待审核" in body
    assert reverse("accounts:organisation_new") in body


def test_my_organisations_invites_a_new_user_to_register(client):
    client.force_login(user_make())
    body = client.get(reverse("accounts:my_organisations")).content.decode()
    assert "您还没有加入任何单位" in body


def test_organisation_page_is_404_for_outsiders(client):
    organisation = organisation_registered_make()
    client.force_login(user_make())
    url = reverse("accounts:organisation_detail", args=[organisation.id])
    assert client.get(url).status_code == 404
    client.force_login(moderator_make())
    assert client.get(url).status_code == 404  # moderators use the review pages


def test_verified_organisation_page_shows_until_when(client):
    organisation = organisation_approve(
        organisation=organisation_registered_make(), by=moderator_make()
    )
    client.force_login(organisation.memberships.get().user)
    body = client.get(
        reverse("accounts:organisation_detail", args=[organisation.id])
    ).content.decode()
    until = timezone.localtime(organisation.verified_until).strftime("%Y-%m-%d")
    assert f"已认证，有效期至 {until}" in body
    assert "申请重新认证" not in body


def test_lapsed_organisation_page_offers_renewal_and_renewing_puts_it_back_to_pending(client):
    # given a verification that lapsed yesterday
    organisation = organisation_approve(
        organisation=organisation_registered_make(),
        by=moderator_make(),
        now=timezone.now() - VERIFICATION_VALID_FOR - dt.timedelta(days=1),
    )
    client.force_login(organisation.memberships.get().user)
    url = reverse("accounts:organisation_detail", args=[organisation.id])
    # when
    body = client.get(url).content.decode()
    # then
    assert "认证已于" in body
    assert "申请重新认证" in body
    # when
    client.post(reverse("accounts:organisation_renew", args=[organisation.id]))
    # then
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.PENDING


def test_owner_fixes_details_of_a_rejected_organisation(client):
    organisation = organisation_registered_make()
    client.force_login(organisation.memberships.get().user)
    url = reverse("accounts:organisation_edit", args=[organisation.id])
    data = {
        "name": "福州示例电子股份有限公司",
        "kind": organisation.kind,
        "uscc": organisation.uscc,
        "contact_name": "陈经理",
        "contact_phone": "13800001234",
        "address": organisation.address,
        "description": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "福州示例电子股份有限公司"
    assert organisation.contact_name == "陈经理"


def test_a_verified_organisation_cannot_change_its_legal_name(client):
    organisation = organisation_approve(
        organisation=organisation_registered_make(), by=moderator_make()
    )
    client.force_login(organisation.memberships.get().user)
    url = reverse("accounts:organisation_edit", args=[organisation.id])
    data = {
        "name": "换个名字有限公司",
        "kind": organisation.kind,
        "uscc": organisation.uscc,
        "contact_name": "陈经理",
        "contact_phone": "13800001234",
        "address": organisation.address,
        "description": "",
    }
    client.post(url, data)
    organisation.refresh_from_db()
    assert organisation.name != "换个名字有限公司"  # the field is disabled: the post is ignored
    assert organisation.contact_name == "陈经理"


def test_organisation_page_links_to_manage_jobs_once_that_page_exists(client):
    organisation = organisation_registered_make()
    client.force_login(organisation.memberships.get().user)
    body = client.get(
        reverse("accounts:organisation_detail", args=[organisation.id])
    ).content.decode()
    try:
        manage = reverse("jobs:manage", args=[organisation.id])
    except NoReverseMatch:
        pytest.skip("jobs:manage does not exist yet")
    assert manage in body
