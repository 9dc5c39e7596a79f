from __future__ import annotations

import pytest
from django.urls import reverse

from daigang.accounts.models import Membership, User
from daigang.accounts.roles import Power
from daigang.accounts.selectors import organisation_for_member
from daigang.accounts.services import membership_add, membership_remove
from daigang.accounts.testing import organisation_registered_make, user_make
from daigang.core.refused import Refused

pytestmark = pytest.mark.django_db
Role = Membership.Role


def test_owner_adds_an_hr_member_by_phone_creating_the_account():
    organisation = organisation_registered_make()
    owner = organisation.memberships.get().user
    membership = membership_add(
        organisation=organisation, phone="139 0000 1111", role=Role.HR, by=owner
    )
    assert membership.user.phone == "13900001111"
    assert membership.role == Role.HR
    assert organisation_for_member(
        user=membership.user, organisation_id=organisation.id, power=Power.ORGANISATION_SEE
    )


def test_adding_the_same_person_twice_keeps_one_membership():
    organisation = organisation_registered_make()
    owner = organisation.memberships.get().user
    membership_add(organisation=organisation, phone="13900001111", role=Role.HR, by=owner)
    membership_add(organisation=organisation, phone="13900001111", role=Role.HR, by=owner)
    again = membership_add(
        organisation=organisation, phone="13900001111", role=Role.ANCHOR, by=owner
    )
    assert organisation.memberships.count() == 2
    assert again.role == Role.ANCHOR


def test_a_person_can_belong_to_several_organisations():
    person = user_make()
    for organisation in (organisation_registered_make(), organisation_registered_make()):
        membership_add(
            organisation=organisation,
            phone=person.phone,
            role=Role.ANCHOR,
            by=organisation.memberships.get().user,
        )
    assert person.memberships.count() == 2


def test_only_the_owner_adds_members():
    organisation = organisation_registered_make()
    owner = organisation.memberships.get().user
    hr = membership_add(organisation=organisation, phone="13900001111", role=Role.HR, by=owner).user
    with pytest.raises(Refused):
        membership_add(organisation=organisation, phone="13900002222", role=Role.HR, by=hr)
    assert not User.objects.filter(phone="13900002222").exists()


def test_the_owner_cannot_be_demoted_or_removed_here():
    organisation = organisation_registered_make()
    owner_membership = organisation.memberships.get()
    owner = owner_membership.user
    with pytest.raises(Refused, match="管理员"):
        membership_add(organisation=organisation, phone=owner.phone, role=Role.HR, by=owner)
    with pytest.raises(Refused, match="管理员"):
        membership_remove(membership=owner_membership, by=owner)


def test_owner_adds_and_removes_a_member_on_the_organisation_page(client):
    # given
    organisation = organisation_registered_make()
    client.force_login(organisation.memberships.get().user)
    # when
    response = client.post(
        reverse("accounts:member_add", args=[organisation.id]),
        {"phone": "13900001111", "role": Role.ANCHOR},
    )
    # then
    assert response.status_code == 302
    membership = organisation.memberships.get(role=Role.ANCHOR)
    page = client.get(response["Location"]).content.decode()
    assert "139****1111" in page
    assert "13900001111" not in page
    # when
    client.post(reverse("accounts:member_remove", args=[organisation.id, membership.id]))
    # then
    assert not organisation.memberships.filter(role=Role.ANCHOR).exists()


def test_the_member_form_explains_a_bad_number(client):
    organisation = organisation_registered_make()
    client.force_login(organisation.memberships.get().user)
    response = client.post(
        reverse("accounts:member_add", args=[organisation.id]), {"phone": "123", "role": "hr"}
    )
    assert response.status_code == 400
    assert "请输入11位中国大陆手机号" in response.content.decode()


def test_an_hr_member_cannot_add_members_on_the_page(client):
    organisation = organisation_registered_make()
    hr = membership_add(
        organisation=organisation,
        phone="13900001111",
        role=Role.HR,
        by=organisation.memberships.get().user,
    ).user
    client.force_login(hr)
    response = client.post(
        reverse("accounts:member_add", args=[organisation.id]),
        {"phone": "13900002222", "role": "hr"},
    )
    assert response.status_code == 404
