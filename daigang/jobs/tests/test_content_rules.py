"""Every field of a job card is checked by daigang.rules, and so is its age range."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from daigang.core.refused import Refused
from daigang.jobs.models import Job
from daigang.jobs.services import job_create, job_publish
from daigang.jobs.testing import draft_make, job_post_data
from daigang.rules.models import AgeLimitedWork

BYPASSES = [
    "收取服务费300元",
    "押\u200b金",
    "入職需交保證金200元",
    "押金不用退",
    "押-金",
    "yajin",
    "压金",
    "定金",
    "扣押身份证",
]


@pytest.mark.django_db
@pytest.mark.parametrize("text", BYPASSES)
@pytest.mark.parametrize(
    "field", ["title", "requirements", "duties", "address", "district", "kind_of_work"]
)
def test_a_reported_bypass_is_refused_in_any_field_and_nothing_is_saved(org, field, text):
    with pytest.raises(ValidationError) as exc:
        job_create(organisation=org, by=None, draft=draft_make(**{field: text[:20]}))

    assert field in exc.value.message_dict
    assert Job.objects.count() == 0


@pytest.mark.django_db
def test_a_benefit_tag_asking_for_a_deposit_is_refused(org):
    with pytest.raises(ValidationError) as exc:
        job_create(organisation=org, by=None, draft=draft_make(benefits=["包住", "押金200"]))

    assert "福利含有向求职者收取押金或保证金的内容" in exc.value.message_dict["benefits"][0]


@pytest.mark.django_db
def test_a_term_cannot_be_formed_across_two_benefit_tags(org):
    job = job_create(organisation=org, by=None, draft=draft_make(benefits=["快递押", "金牌服务"]))

    assert job.pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "law"),
    [
        ("仅限男性", "《就业促进法》第二十七条"),
        ("不要河南人", "《就业促进法》第三条"),
        ("限本地户口", "《就业促进法》第三十一条"),
        ("高薪诚聘", "《人力资源市场暂行条例》第二十四条"),
    ],
)
def test_discrimination_and_hype_are_refused_with_the_law_named(org, text, law):
    with pytest.raises(ValidationError) as exc:
        job_create(organisation=org, by=None, draft=draft_make(title=f"普工{text}"))

    assert law in exc.value.message_dict["title"][0]


@pytest.mark.django_db
def test_an_age_limit_below_45_is_refused_unless_moderators_allow_the_kind_of_work(org):
    # given a kind of work no moderator has allowed to limit age
    with pytest.raises(ValidationError) as exc:
        job_create(organisation=org, by=None, draft=draft_make(kind_of_work="普工", age_max=35))
    assert "45岁" in exc.value.message_dict["age_max"][0]

    # when a moderator lists it
    AgeLimitedWork.objects.create(kind_of_work="高空作业", reason="体能要求")

    # then a job of that kind may limit age, and a range reaching 45 was always allowed
    assert job_create(
        organisation=org, by=None, draft=draft_make(kind_of_work="高空作业", age_max=35)
    )
    assert job_create(organisation=org, by=None, draft=draft_make(kind_of_work="普工", age_max=45))


@pytest.mark.django_db
def test_a_saved_job_that_breaks_a_rule_cannot_be_published(org):
    # given a job saved before the rule existed
    job = job_create(organisation=org, by=None, draft=draft_make())
    Job.objects.filter(pk=job.pk).update(address="工业园，入职交yajin")

    # when / then
    with pytest.raises(Refused, match="详细地址含有向求职者收取押金"):
        job_publish(job=job, by=None)


@pytest.mark.django_db
def test_the_form_shows_the_refusal_beside_the_field_and_keeps_the_input(owner_client, org):
    response = owner_client.post(
        reverse("jobs:create", args=[org.pk]),
        job_post_data(title="分拣员", address="工业园3栋，入職需交保證金200元"),
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert "详细地址含有向求职者收取押金或保证金的内容（“保證金”）" in form.errors["address"][0]
    assert "工业园3栋" in response.content.decode()
    assert Job.objects.count() == 0
