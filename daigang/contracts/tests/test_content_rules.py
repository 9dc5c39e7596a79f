"""Offers and contract templates are checked by daigang.rules: no money, loans or papers."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from daigang.contracts.models import ContractKind, ContractTemplate, Offer
from daigang.contracts.placeholders import template_default
from daigang.contracts.services import contract_template_save
from daigang.contracts.testing import hire_make, offer_make


@pytest.mark.django_db
@pytest.mark.parametrize("note", ["入职需交保證金200元", "押\u200b金不用退", "试工期扣押身份证"])
def test_an_offer_note_asking_for_money_or_papers_is_refused_and_nothing_is_sent(note):
    hire = hire_make()

    with pytest.raises(ValidationError) as caught:
        offer_make(hire, note=note)

    assert caught.value.message_dict["note"][0].startswith("其他约定含有")
    assert not Offer.objects.exists()


@pytest.mark.django_db
def test_a_template_clause_asking_for_a_deposit_is_refused_and_nothing_is_saved():
    hire = hire_make()

    with pytest.raises(ValidationError) as caught:
        contract_template_save(
            organisation=hire.organisation,
            kind=ContractKind.EMPLOYMENT,
            title="劳动合同",
            body="第一条 乙方入职时交纳yajin 500元，干满一年退还。",
            by=hire.owner,
        )

    message = caught.value.message_dict["body"][0]
    assert "合同正文含有向求职者收取押金或保证金的内容（“yajin”）" in message
    assert not ContractTemplate.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ContractKind.values)
def test_the_default_template_forbidding_fees_is_accepted(kind):
    # given the default text, whose article forbids deposits, training and medical fees
    hire = hire_make()
    title, body = template_default(kind)

    # when
    template = contract_template_save(
        organisation=hire.organisation, kind=kind, title=title, body=body, by=hire.owner
    )

    # then
    assert template.pk
