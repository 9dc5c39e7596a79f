from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from daigang.jobs.models import Job, WageUnit
from daigang.jobs.testing import job_make

JSONLD_RE = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def jsonld_of(response):
    scripts = JSONLD_RE.findall(response.content.decode())
    assert len(scripts) == 1
    return json.loads(scripts[0])


@pytest.mark.django_db
def test_a_published_job_page_is_public(client, org):
    job = job_make(organisation=org, title="电子厂普工")
    response = client.get(reverse("jobs:detail", args=[job.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "电子厂普工" in body and "22-26 元/小时" in body and "已认证" in body
    assert "已截止" not in body


@pytest.mark.django_db
def test_drafts_are_404_for_outsiders_and_a_preview_for_members(client, org, owner, outsider):
    job = job_make(organisation=org, status=Job.Status.DRAFT)
    url = reverse("jobs:detail", args=[job.pk])
    assert client.get(url).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(owner)
    response = client.get(url)
    assert response.status_code == 200
    assert "草稿预览" in response.content.decode()
    assert not JSONLD_RE.search(response.content.decode())


@pytest.mark.django_db
def test_a_closed_job_page_says_closing_date_passed(client, org):
    from daigang.jobs.services import job_close

    job = job_close(job=job_make(organisation=org), by=None)
    assert "已截止" in client.get(reverse("jobs:detail", args=[job.pk])).content.decode()


@pytest.mark.django_db
def test_the_page_embeds_a_schema_org_job_posting(client, org):
    # given
    job = job_make(
        organisation=org,
        title="SMT操作工",
        requirements="能适应两班倒。",
        duties="看贴片机、上料。",
        wage_min_fen=550050,
        wage_max_fen=750000,
        wage_unit=WageUnit.MONTH,
        headcount=30,
        benefits=["五险一金", "免费班车"],
        valid_until=dt.date(2030, 6, 30),
    )
    # when
    data = jsonld_of(client.get(reverse("jobs:detail", args=[job.pk])))
    # then
    assert data["@context"] == "https://schema.org/"
    assert data["@type"] == "JobPosting"
    assert data["title"] == "SMT操作工"
    assert data["description"] == "看贴片机、上料。\n\n任职要求：能适应两班倒。"
    assert data["responsibilities"] == "看贴片机、上料。"
    assert data["qualifications"] == "能适应两班倒。"
    assert data["datePosted"] == timezone.localdate(job.published_at).isoformat()
    assert data["validThrough"] == "2030-06-30T23:59:59+08:00"
    assert data["hiringOrganization"]["@type"] == "Organization"
    assert data["hiringOrganization"]["name"] == org.name
    assert data["hiringOrganization"]["identifier"]["value"] == org.uscc
    assert data["hiringOrganization"]["sameAs"] == f"http://testserver/org/{org.pk}/"
    assert data["jobLocation"] == {
        "@type": "Place",
        "name": "东莞市",
        "address": {
            "@type": "PostalAddress",
            "addressRegion": "广东省",
            "addressLocality": "东莞市",
            "streetAddress": "长安镇振安中路1号",
            "addressCountry": "CN",
        },
    }
    assert data["baseSalary"] == {
        "@type": "MonetaryAmount",
        "description": "5500.50-7500 元/月",
        "currency": "CNY",
        "value": {
            "@type": "QuantitativeValue",
            "minValue": 5500.5,
            "maxValue": 7500,
            "unitText": "MONTH",
        },
    }
    assert data["employmentType"] == "FULL_TIME"
    assert "五险一金" in data["jobBenefits"] and "包吃住" in data["jobBenefits"]
    assert data["totalJobOpenings"] == 30
    assert data["directApply"] is True


@pytest.mark.django_db
def test_day_work_is_temporary_part_time_and_piece_rates_say_piece(client, org):
    job = job_make(
        organisation=org,
        is_flexible=True,
        wage_min_fen=35,
        wage_max_fen=35,
        wage_unit=WageUnit.PIECE,
    )
    data = jsonld_of(client.get(reverse("jobs:detail", args=[job.pk])))
    assert data["employmentType"] == ["TEMPORARY", "PART_TIME"]
    assert data["baseSalary"]["value"]["minValue"] == 0.35
    assert data["baseSalary"]["value"]["unitText"] == "PIECE"


@pytest.mark.django_db
def test_text_cannot_break_out_of_the_json_ld_script(client, org):
    nasty = '</script><script>alert("x")</script> & <b>'
    job = job_make(organisation=org, duties=nasty, requirements=nasty)
    response = client.get(reverse("jobs:detail", args=[job.pk]))
    body = response.content.decode()
    assert "<script>alert" not in body
    data = jsonld_of(response)
    assert (data["responsibilities"], data["qualifications"]) == (nasty, nasty)
    assert data["description"].startswith(nasty)
