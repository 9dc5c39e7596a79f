"""Accepting an offer generates the contract from the organisation's template: a 劳动合同
for a company, a 劳务派遣协议 for a labour agency; placeholders are filled by a limited,
safe substitution (no template code runs)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from daigang.accounts.models import Organisation
from daigang.contracts.models import ContractKind, ContractTemplate
from daigang.contracts.placeholders import placeholders_render, term_end
from daigang.contracts.selectors import offer_terms_from_job
from daigang.contracts.services import contract_template_save, offer_accept
from daigang.contracts.testing import contract_make, hire_make, offer_make

pytestmark = pytest.mark.django_db


def test_a_company_gets_an_employment_contract_from_the_default_template():
    hire = hire_make(kind=Organisation.Kind.COMPANY)
    contract = contract_make(hire)
    assert contract.kind == ContractKind.EMPLOYMENT
    assert contract.title == "劳动合同"
    assert "甲方（用人单位）：昆山精密电子有限公司" in contract.body
    assert "乙方（劳动者）：张三" in contract.body
    assert "乙方的工资标准为22-25 元/小时，月结" in contract.body
    assert "包吃住" in contract.body
    assert "{{" not in contract.body


def test_a_labour_agency_gets_a_dispatch_agreement():
    hire = hire_make(kind=Organisation.Kind.AGENCY)
    contract = offer_accept(offer=offer_make(hire, client_name="苏州某电子厂"), seeker=hire.seeker)
    assert contract.kind == ContractKind.DISPATCH
    assert contract.title == "劳务派遣协议"
    assert "甲方（劳务派遣单位）：昆山精密电子有限公司" in contract.body
    assert "甲方将乙方派遣至苏州某电子厂" in contract.body


def test_the_organisations_own_template_is_used_with_its_placeholders_filled():
    # given
    hire = hire_make()
    contract_template_save(
        organisation=hire.organisation,
        kind=ContractKind.EMPLOYMENT,
        title="{{ 单位名称 }}用工合同",
        body="乙方{{劳动者姓名}}，工价{{ 工价 }}，{{ 到岗日期 }}到岗，期限{{ 合同期限 }}。",
        by=hire.owner,
    )
    # when
    offer = offer_make(hire, term_months=6)
    contract = offer_accept(offer=offer, seeker=hire.seeker)
    # then
    start = offer.start_date
    assert contract.title == "昆山精密电子有限公司用工合同"
    assert contract.body == (
        f"乙方张三，工价22-25 元/小时，{start.year}年{start.month}月{start.day}日到岗，期限6个月。"
    )


def test_a_template_with_an_unknown_placeholder_is_refused_and_nothing_is_saved():
    hire = hire_make()
    with pytest.raises(ValidationError) as caught:
        contract_template_save(
            organisation=hire.organisation,
            kind=ContractKind.EMPLOYMENT,
            title="劳动合同",
            body="{{ 单位名称 }} {{ settings.SECRET_KEY }} {{ 身份证号 }}",
            by=hire.owner,
        )
    message = caught.value.error_dict["body"][0].messages[0]
    assert "{{ settings.SECRET_KEY }}" in message and "{{ 身份证号 }}" in message
    assert not ContractTemplate.objects.exists()


def test_substitution_runs_no_template_code_and_does_not_expand_values():
    text = "{% load static %}{{ 劳动者姓名 }}{# x #}{{ 单位名称|upper }}"
    rendered = placeholders_render(text, {"劳动者姓名": "{{ 单位名称 }}", "单位名称": "甲"})
    assert rendered == "{% load static %}{{ 单位名称 }}{# x #}{{ 单位名称|upper }}"


def test_the_contract_term_ends_the_day_before_the_same_date_months_later():
    import datetime as dt

    assert term_end(dt.date(2025, 3, 1), 12) == dt.date(2026, 2, 28)
    assert term_end(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 27)
    assert term_end(dt.date(2024, 11, 15), 3) == dt.date(2025, 2, 14)


def test_an_edited_template_does_not_change_a_contract_already_generated():
    hire = hire_make()
    contract = contract_make(hire)
    before = contract.body
    contract_template_save(
        organisation=hire.organisation,
        kind=ContractKind.EMPLOYMENT,
        title="新合同",
        body="新的正文",
        by=hire.owner,
    )
    contract.refresh_from_db()
    assert contract.body == before


def test_members_edit_and_reset_the_template_on_the_page(client):
    # given
    hire = hire_make()
    client.force_login(hire.owner)
    url = reverse("contracts:manage_templates", args=[hire.organisation.pk])
    page = client.get(url).content.decode()
    assert "本单位签约时使用" in page and "{{ 单位名称 }}" in page
    # when a bad template is posted, the typed text comes back with the reason
    bad = client.post(url, {"kind": "employment", "title": "劳动合同", "body": "甲方{{ 公章 }}"})
    assert bad.status_code == 400
    assert "不认识的占位符" in bad.content.decode() and "甲方{{ 公章 }}" in bad.content.decode()
    # when a good one is posted
    good = client.post(
        url, {"kind": "employment", "title": "劳动合同", "body": "甲方{{ 单位名称 }}"}
    )
    assert good.status_code == 302
    assert ContractTemplate.objects.get(organisation=hire.organisation).body == "甲方{{ 单位名称 }}"
    # when reset
    client.post(url, {"kind": "employment", "action": "reset"})
    assert not ContractTemplate.objects.exists()


def test_an_agencys_offer_starts_with_the_employer_its_job_names():
    hire = hire_make(kind=Organisation.Kind.AGENCY)
    terms = offer_terms_from_job(application=hire.application)
    assert terms.client_name == hire.job.employer_name == "东莞示例电子有限公司"
