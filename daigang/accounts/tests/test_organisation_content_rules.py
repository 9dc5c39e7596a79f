"""An organisation's name, address and description are checked by daigang.rules."""

from __future__ import annotations

import pytest
from django.urls import reverse

from daigang.accounts.services import organisation_update
from daigang.accounts.testing import organisation_registered_make
from daigang.core.refused import Refused

pytestmark = pytest.mark.django_db


def test_a_description_asking_seekers_for_a_deposit_is_refused_and_nothing_changes():
    organisation = organisation_registered_make()
    owner = organisation.memberships.get().user

    with pytest.raises(Refused) as caught:
        organisation_update(
            organisation=organisation, by=owner, description="本公司入職需交保證金200元"
        )

    assert caught.value.code == "content_rule_description"
    assert caught.value.message.startswith("单位简介含有向求职者收取押金或保证金的内容")
    organisation.refresh_from_db()
    assert organisation.description == ""


def test_the_edit_form_shows_the_refusal_beside_the_description_and_keeps_the_input(client):
    organisation = organisation_registered_make()
    client.force_login(organisation.memberships.get().user)
    data = {
        "name": organisation.name,
        "kind": organisation.kind,
        "uscc": organisation.uscc,
        "contact_name": "陈经理",
        "contact_phone": "13800001234",
        "address": organisation.address,
        "description": "长期招工，介绍费300元/人",
    }

    response = client.post(reverse("accounts:organisation_edit", args=[organisation.id]), data)

    assert response.status_code == 200
    assert (
        "单位简介含有向求职者收取费用的内容（“介绍费”）"
        in response.context["form"].errors["description"][0]
    )
    assert "长期招工，介绍费300元/人" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.contact_name != "陈经理"
