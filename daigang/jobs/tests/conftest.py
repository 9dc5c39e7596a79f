from __future__ import annotations

import pytest

from daigang.accounts.models import Membership, Organisation
from daigang.accounts.testing import organisation_make, user_make


@pytest.fixture
def owner(db):
    return user_make(name="李经理")


@pytest.fixture
def org(owner):
    """A verified organisation with `owner` as its owner."""
    return organisation_make(name="东莞市华兴实业有限公司", owner=owner)


@pytest.fixture
def pending_org(db):
    owner = user_make(name="待审核单位管理员")
    return organisation_make(
        name="佛山市待审核五金有限公司", status=Organisation.Status.PENDING, owner=owner
    )


@pytest.fixture
def outsider(db):
    return user_make(name="路人")


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def hr_of(db):
    def make(organisation, role=Membership.Role.HR):
        user = user_make(name="招聘专员")
        Membership.objects.create(organisation=organisation, user=user, role=role)
        return user

    return make
