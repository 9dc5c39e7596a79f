from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from daigang.accounts.testing import organisation_make
from daigang.core.refused import Refused
from daigang.jobs.models import Job
from daigang.jobs.services import job_close, job_publish
from daigang.jobs.testing import job_make, job_post_data

UNVERIFIED = "单位尚未通过认证，不能发布岗位"


@pytest.mark.django_db
def test_an_unverified_organisation_cannot_publish_a_job(pending_org):
    # given
    draft = job_make(organisation=pending_org, status=Job.Status.DRAFT)
    # when / then
    with pytest.raises(match=UNVERIFIED):
        job_publish(job=draft, by=None)
    draft.refresh_from_db()
    assert draft.status == Job.Status.DRAFT


@pytest.mark.django_db
def test_a_lapsed_verification_cannot_publish_either(owner):
    lapsed = organisation_make(owner=owner, verified_until=timezone.now() - dt.timedelta(days=1))
    draft = job_make(organisation=lapsed, status=Job.Status.DRAFT)
    with pytest.raises(Refused, match=UNVERIFIED):
        job_publish(job=draft, by=owner)


@pytest.mark.django_db
def test_publish_view_of_an_unverified_organisation_shows_the_reason(client, pending_org):
    # given
    owner = pending_org.memberships.get().user
    client.force_login(owner)
    draft = job_make(organisation=pending_org, status=Job.Status.DRAFT)
    # when
    response = client.post(reverse("jobs:publish", args=[pending_org.pk, draft.pk]), follow=True)
    # then
    assert UNVERIFIED in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Job.Status.DRAFT


@pytest.mark.django_db
def test_save_and_publish_by_an_unverified_organisation_keeps_the_draft_and_says_why(
    client, pending_org
):
    owner = pending_org.memberships.get().user
    client.force_login(owner)
    response = client.post(
        reverse("jobs:create", args=[pending_org.pk]),
        job_post_data(title="五金打磨工", action="publish"),
        follow=True,
    )
    assert UNVERIFIED in response.content.decode()
    job = Job.objects.get()
    assert (job.title, job.status) == ("五金打磨工", Job.Status.DRAFT)


@pytest.mark.django_db
def test_the_manage_page_tells_an_unverified_organisation_it_cannot_publish(client, pending_org):
    client.force_login(pending_org.memberships.get().user)
    response = client.get(reverse("jobs:manage", args=[pending_org.pk]))
    assert UNVERIFIED in response.content.decode()


@pytest.mark.django_db
def test_publishing_twice_is_a_no_op(org):
    job = job_make(organisation=org)
    first_published_at = job.published_at
    again = job_publish(job=job, by=None)
    assert again.published_at == first_published_at


@pytest.mark.django_db
def test_a_job_past_its_date_cannot_be_republished_until_the_date_changes(org):
    job = job_make(
        organisation=org,
        status=Job.Status.DRAFT,
        valid_until=timezone.localdate() - dt.timedelta(days=1),
    )
    with pytest.raises(Refused, match="有效期已过"):
        job_publish(job=job, by=None)


@pytest.mark.django_db
def test_publish_and_close_through_the_manage_page(owner_client, org):
    # given
    job = job_make(organisation=org, status=Job.Status.DRAFT)
    # when
    owner_client.post(reverse("jobs:publish", args=[org.pk, job.pk]))
    job.refresh_from_db()
    published = job.status
    owner_client.post(reverse("jobs:close", args=[org.pk, job.pk]))
    job.refresh_from_db()
    # then
    assert published == Job.Status.PUBLISHED
    assert job.status == Job.Status.CLOSED
    assert job.closed_at is not None


@pytest.mark.django_db
def test_closing_twice_is_a_no_op_and_drafts_cannot_be_closed(org):
    job = job_make(organisation=org)
    closed = job_close(job=job, by=None)
    assert job_close(job=job, by=None).closed_at == closed.closed_at
    with pytest.raises(Refused):
        job_close(
            job=job_make(organisation=org, status=Job.Status.DRAFT, title="草稿岗位"), by=None
        )


@pytest.mark.django_db
def test_publish_and_close_only_accept_post(owner_client, org):
    job = job_make(organisation=org, status=Job.Status.DRAFT)
    assert owner_client.get(reverse("jobs:publish", args=[org.pk, job.pk])).status_code == 405
