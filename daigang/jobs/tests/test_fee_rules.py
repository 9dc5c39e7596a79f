from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from daigang.jobs.models import Job
from daigang.jobs.rules import job_fee_terms, job_text_fee_terms
from daigang.jobs.services import job_create
from daigang.jobs.testing import draft_make


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("入职需交押金200元", ["押金"]),
        ("体检费自理", ["体检费"]),
        ("先交培训费500元，培训合格上岗", ["培训费"]),
        ("工服费从第一个月工资扣", ["工服费"]),
        ("服装费80元", ["服装费"]),
        ("需缴纳保证金", ["保证金"]),
        ("中介费300", ["中介费"]),
        ("介绍费面议", ["介绍费"]),
        ("报名费50元、资料费20元", ["报名费", "资料费"]),
        ("押 金 300 元", ["押金"]),
        ("不交押金不能入职", ["押金"]),
        ("押金不退", ["押金"]),
        ("无经验需交押金", ["押金"]),
        ("交200押金", ["押金"]),
    ],
)
def test_text_asking_seekers_for_money_is_found_and_named(text, terms):
    assert job_text_fee_terms(text) == terms


@pytest.mark.parametrize(
    "text",
    [
        "不收押金",
        "无押金",
        "免体检费",
        "包体检",
        "免费培训，不收取任何费用",
        "无需缴纳任何保证金",
        "押金一律不收",
        "体检费公司报销",
        "体检费由公司承担",
        "公司报销体检费",
        "零押金入职",
        "五险一金，免费班车，包吃住",
    ],
)
def test_negated_or_employer_paid_fees_are_allowed(text):
    assert job_text_fee_terms(text) == []


def test_benefit_tags_and_title_are_scanned_too():
    assert job_fee_terms(title="普工", description="好工作", benefits=["包住", "押金200"]) == [
        "押金"
    ]
    assert job_fee_terms(title="普工（交培训费）", description="好工作", benefits=[]) == ["培训费"]


def test_a_term_cannot_be_formed_across_two_fields():
    assert job_fee_terms(title="快递押", description="金牌服务", benefits=[]) == []


@pytest.mark.django_db
def test_the_service_refuses_a_job_asking_for_a_deposit_and_saves_nothing(org):
    with pytest.raises(ValidationError) as exc:
        job_create(organisation=org, by=None, draft=draft_make(description="入职交押金300元"))
    assert "押金" in exc.value.messages[0]
    assert Job.objects.count() == 0
