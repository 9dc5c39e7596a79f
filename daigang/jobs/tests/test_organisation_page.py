from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from daigang.accounts.models import Organisation, OrganisationDocument
from daigang.accounts.testing import organisation_make, user_make
from daigang.jobs.models import Job
from daigang.jobs.testing import job_make


@pytest.mark.django_db
def test_a_verified_organisation_shows_its_licence_facts_and_open_jobs(client, org):
    # given
    job_make(organisation=org, title="电子厂普工")
    job_make(organisation=org, title="草稿岗位", status=Job.Status.DRAFT)
    OrganisationDocument.objects.create(
        organisation=org,
        kind=OrganisationDocument.Kind.BUSINESS_LICENCE,
        file=ContentFile(b"%PDF-1.4 licence", name="licence.pdf"),
        content_type="application/pdf",
        size=16,
        sha256="a" * 64,
    )
    # when
    response = client.get(reverse("jobs:organisation", args=[org.pk]))
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert org.name in body
    assert "已认证" in body
    assert org.uscc in body
    assert "企业" in body
    assert timezone.localtime(org.verified_until).strftime("%Y-%m-%d") in body
    assert "电子厂普工" in body
    assert "草稿岗位" not in body
    # never the uploaded licence, nor a link to it
    assert "licence" not in body and "/documents/" not in body and "org-docs" not in body


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Organisation.Status.PENDING, Organisation.Status.REJECTED])
def test_organisations_never_verified_have_no_public_page(client, status):
    org = organisation_make(status=status, owner=user_make())
    assert client.get(reverse("jobs:organisation", args=[org.pk])).status_code == 404


@pytest.mark.django_db
def test_a_lapsed_verification_keeps_the_page_but_lists_no_open_jobs(client, owner):
    # given: a job published while verified, then the verification lapsed
    org = organisation_make(owner=owner)
    job = job_make(organisation=org, title="电子厂普工")
    org.verified_until = timezone.now() - dt.timedelta(days=1)
    org.save()
    # when
    page = client.get(reverse("jobs:organisation", args=[org.pk])).content.decode()
    home = client.get(reverse("jobs:home")).content.decode()
    # then
    assert "认证已过期" in page
    assert "电子厂普工" not in page
    assert "电子厂普工" not in home
    detail = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "暂停招聘" in detail
