"""Complete postings (2026 notice): every job says its requirements, duties and a wage range in
numbers; a labour agency's job names the employer it recruits for and whether it is dispatch."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from daigang.accounts.models import Organisation
from daigang.accounts.testing import organisation_make, uscc_make, user_make
from daigang.core.refused import Refused
from daigang.jobs.models import Arrangement, Job
from daigang.jobs.services import job_create, job_publish
from daigang.jobs.testing import agency_draft_make, draft_make, job_make, job_post_data

pytestmark = pytest.mark.django_db


def create_url(org: Organisation) -> str:
    return reverse("jobs:create", args=[org.pk])


@pytest.fixture
def agency(owner):
    return organisation_make(
        name="深圳市安心人力资源服务有限公司", kind=Organisation.Kind.AGENCY, owner=owner
    )


@pytest.mark.parametrize(
    ("field", "message"),
    [("requirements", "请填写任职要求"), ("duties", "请填写工作内容")],
)
def test_the_form_refuses_a_job_without_requirements_or_duties_and_keeps_the_input(
    owner_client, org, field, message
):
    # given a posting with one of the two left empty
    data = job_post_data(title="仓库分拣员", **{field: ""})
    # when it is saved
    response = owner_client.post(create_url(org), data)
    # then the form comes back with the message on that field and nothing is saved
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(message in error or "必填" in error for error in errors)
    assert "仓库分拣员" in response.content.decode()
    assert Job.objects.count() == 0


def test_the_service_refuses_a_job_without_requirements_naming_the_field(org):
    with pytest.raises(ValidationError) as caught:
        job_create(organisation=org, by=None, draft=draft_make(requirements="  "))
    assert caught.value.message_dict["requirements"] == ["请填写任职要求"]
    assert Job.objects.count() == 0


@pytest.mark.parametrize("negotiable", ["面议", "薪资面议", "待定", "协商"])
def test_the_wage_cannot_be_negotiable_and_says_so(owner_client, org, negotiable):
    response = owner_client.post(create_url(org), job_post_data(wage_max=negotiable))
    assert response.status_code == 200
    assert "工价不能写“面议”" in response.context["form"].errors["wage_max"][0]
    assert Job.objects.count() == 0


def test_the_wage_needs_both_ends_of_its_range(owner_client, org):
    response = owner_client.post(create_url(org), job_post_data(wage_max=""))
    assert response.status_code == 200
    assert "请填写最高工价" in response.context["form"].errors["wage_max"][0]
    assert Job.objects.count() == 0


def test_a_fixed_wage_is_the_same_number_at_both_ends(owner_client, org):
    owner_client.post(create_url(org), job_post_data(wage_min="25", wage_max="25"))
    job = Job.objects.get()
    assert (job.wage_min_fen, job.wage_max_fen) == (2500, 2500)


def test_requirements_and_duties_go_through_the_content_rules(owner_client, org):
    response = owner_client.post(
        create_url(org), job_post_data(requirements="入职交押金300元", duties="包装")
    )
    assert (
        "任职要求含有向求职者收取押金或保证金的内容"
        in (response.context["form"].errors["requirements"][0])
    )
    assert Job.objects.count() == 0


def test_a_company_posting_has_no_employer_fields(owner_client, org):
    response = owner_client.get(create_url(org))
    form = response.context["form"]
    assert "employer_name" not in form.fields
    assert "arrangement" not in form.fields


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("employer_name", "人力资源服务机构发布岗位须写明用工单位名称"),
        ("employer_uscc", "请填写用工单位的统一社会信用代码"),
        ("arrangement", "请选择用工方式"),
    ],
)
def test_an_agency_posting_must_name_the_employer_and_the_arrangement(
    owner_client, agency, missing, message
):
    # given an agency's posting with one of the employer's facts missing
    data = job_post_data(agency=True, **{missing: ""})
    # when it is saved
    response = owner_client.post(create_url(agency), data)
    # then that field says what is missing, and nothing is saved
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[missing])
    assert message in errors or "必填" in errors
    assert Job.objects.count() == 0


def test_an_agency_posting_with_a_bad_employer_code_is_refused_by_the_check_digit(
    owner_client, agency
):
    good = uscc_make()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = owner_client.post(create_url(agency), job_post_data(agency=True, employer_uscc=bad))
    assert response.status_code == 200
    assert response.context["form"].errors["employer_uscc"]
    assert Job.objects.count() == 0


def test_an_agency_posting_is_saved_with_its_employer(owner_client, agency):
    code = uscc_make()
    response = owner_client.post(
        create_url(agency),
        job_post_data(
            agency=True,
            employer_name="东莞示例电子有限公司",
            employer_uscc=code.lower(),
            arrangement=Arrangement.PLACEMENT,
        ),
    )
    assert response.status_code == 302
    job = Job.objects.get()
    assert (job.employer_name, job.employer_uscc, job.arrangement) == (
        "东莞示例电子有限公司",
        code,
        Arrangement.PLACEMENT,
    )


def test_the_service_refuses_a_company_naming_another_employer(org):
    with pytest.raises(ValidationError) as caught:
        job_create(organisation=org, by=None, draft=agency_draft_make())
    assert "只有人力资源服务机构" in caught.value.message_dict["employer_name"][0]


def test_a_job_saved_before_requirements_existed_cannot_be_published_until_completed(org):
    # given a draft from before the split: its old description became its duties
    job = job_make(organisation=org, status=Job.Status.DRAFT)
    Job.objects.filter(pk=job.pk).update(requirements="")
    # when it is published
    with pytest.raises(Refused) as caught:
        job_publish(job=Job.objects.get(pk=job.pk), by=None)
    # then it is refused, saying what to add
    assert caught.value.code == "incomplete"
    assert "请填写任职要求" in caught.value.message


def test_the_job_page_shows_requirements_duties_and_the_employer_of_a_dispatch_job(client, agency):
    job = job_make(
        organisation=agency,
        requirements="能适应两班倒。",
        duties="平板电脑组装。",
        employer_name="东莞示例电子有限公司",
        arrangement=Arrangement.DISPATCH,
    )
    body = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "能适应两班倒。" in body and "平板电脑组装。" in body
    assert "东莞示例电子有限公司" in body
    assert "劳务派遣" in body
    assert "人力资源服务机构" in body
    assert "招聘人数" in body and "有效期至" in body


def test_the_job_card_shows_the_labels_headcount_and_date(client, agency):
    job_make(organisation=agency, title="汽车配件厂操作工", headcount=25)
    body = client.get(reverse("jobs:organisation", args=[agency.pk])).content.decode()
    card = body[body.index("job-card") :]
    assert "人力资源服务机构" in card
    assert "劳务派遣" in card
    assert "用工单位：东莞示例电子有限公司" in card
    assert "招 25 人" in card


def test_an_agencys_page_shows_its_label_and_licence(client, agency):
    body = client.get(reverse("jobs:organisation", args=[agency.pk])).content.decode()
    assert "人力资源服务机构" in body
    assert agency.hr_licence_number in body
    assert agency.hr_licence_issuer in body


def test_a_company_job_has_no_agency_labels(client, org):
    job = job_make(organisation=org)
    body = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "劳务派遣" not in body
    assert "人力资源服务机构" not in body


def test_the_api_returns_requirements_duties_and_the_employer(client, agency):
    job = job_make(organisation=agency, arrangement=Arrangement.DISPATCH)
    data = client.get(f"/api/v1/jobs/{job.pk}").json()
    assert data["requirements"] == job.requirements
    assert data["duties"] == job.duties
    assert data["is_dispatch"] is True
    assert data["employer"] == {
        "name": "东莞示例电子有限公司",
        "uscc": job.employer_uscc,
        "arrangement": "dispatch",
        "arrangement_label": "劳务派遣",
    }
    assert data["organisation"]["is_hr_agency"] is True
    organisation = client.get(f"/api/v1/organisations/{agency.pk}").json()
    assert organisation["is_hr_agency"] is True
    assert organisation["hr_licence_number"] == agency.hr_licence_number


def test_the_openapi_document_describes_the_new_fields(client):
    schema = client.get("/api/v1/openapi.json").json()
    job = schema["components"]["schemas"]["JobOut"]["properties"]
    assert {"requirements", "duties", "employer", "is_dispatch"} <= set(job)
    employer = schema["components"]["schemas"]["EmployerOut"]["properties"]
    assert {"name", "uscc", "arrangement"} <= set(employer)
    organisation = schema["components"]["schemas"]["OrganisationPublicOut"]["properties"]
    assert {"is_hr_agency", "hr_licence_number", "hr_licence_expires_on"} <= set(organisation)


def test_a_job_of_an_agency_whose_licence_expired_cannot_be_published(owner):
    # given an agency, verified, whose licence has just expired
    agency = organisation_make(kind=Organisation.Kind.AGENCY, owner=owner)
    job = job_make(organisation=agency, status=Job.Status.DRAFT)
    Organisation.objects.filter(pk=agency.pk).update(
        hr_licence_expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    # when it publishes
    with pytest.raises(Refused) as caught:
        job_publish(job=Job.objects.select_related("organisation").get(pk=job.pk), by=user_make())
    # then it is refused because of the licence
    assert caught.value.code == "licence_expired"
    assert Job.objects.get(pk=job.pk).status == Job.Status.DRAFT


def test_editing_a_job_from_before_the_split_asks_for_its_requirements(owner_client, org):
    # given a job whose old description became its duties, with no requirements yet
    job = job_make(organisation=org, duties="旧的岗位描述。")
    Job.objects.filter(pk=job.pk).update(requirements="")
    url = reverse("jobs:edit", args=[org.pk, job.pk])
    # when the owner opens and saves it unchanged
    form = owner_client.get(url).context["form"]
    assert form.initial["duties"] == "旧的岗位描述。"
    data = job_post_data(duties="旧的岗位描述。", requirements="")
    response = owner_client.post(url, data)
    # then the requirements are asked for and nothing changes
    assert response.status_code == 200
    assert "requirements" in response.context["form"].errors
    assert Job.objects.get(pk=job.pk).requirements == ""


def test_the_employer_name_goes_through_the_content_rules(agency):
    with pytest.raises(ValidationError) as caught:
        job_create(
            organisation=agency, by=None, draft=agency_draft_make(employer_name="先交押金电子厂")
        )
    assert "押金" in caught.value.message_dict["employer_name"][0]
