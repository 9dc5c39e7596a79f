from __future__ import annotations

import pytest
from django.urls import reverse

from daigang.accounts.models import Membership
from daigang.accounts.testing import organisation_make, user_make
from daigang.jobs.models import Job
from daigang.jobs.testing import job_make, job_post_data


def member_urls(org, job):
    return [
        ("get", reverse("jobs:manage", args=[org.pk])),
        ("get", reverse("jobs:create", args=[org.pk])),
        ("post", reverse("jobs:create", args=[org.pk])),
        ("get", reverse("jobs:edit", args=[org.pk, job.pk])),
        ("post", reverse("jobs:edit", args=[org.pk, job.pk])),
        ("post", reverse("jobs:publish", args=[org.pk, job.pk])),
        ("post", reverse("jobs:close", args=[org.pk, job.pk])),
    ]


@pytest.mark.django_db
def test_outsiders_get_404_on_every_member_page(client, org, outsider):
    # given
    job = job_make(organisation=org, status=Job.Status.DRAFT)
    client.force_login(outsider)
    # when / then
    for method, url in member_urls(org, job):
        response = getattr(client, method)(url, job_post_data(title="篡改"))
        assert response.status_code == 404, (method, url)
    job.refresh_from_db()
    assert (job.title, job.status) == ("电子厂普工", Job.Status.DRAFT)


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in_from_every_member_page(client, org):
    # given
    job = job_make(organisation=org, status=Job.Status.DRAFT)
    # when / then
    for method, url in member_urls(org, job):
        response = getattr(client, method)(url, job_post_data(title="篡改"))
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith(reverse("accounts:login")), (method, url)
    job.refresh_from_db()
    assert (job.title, job.status) == ("电子厂普工", Job.Status.DRAFT)


@pytest.mark.django_db
def test_a_member_cannot_reach_another_organisations_job_through_their_own(owner_client, org):
    # given: a job of another organisation
    other = organisation_make(name="苏州别家物流有限公司", owner=user_make())
    theirs = job_make(organisation=other, title="叉车工")
    # when: addressed through the member's own organisation id
    urls = [
        ("get", reverse("jobs:edit", args=[org.pk, theirs.pk])),
        ("post", reverse("jobs:edit", args=[org.pk, theirs.pk])),
        ("post", reverse("jobs:publish", args=[org.pk, theirs.pk])),
        ("post", reverse("jobs:close", args=[org.pk, theirs.pk])),
    ]
    # then
    for method, url in urls:
        response = getattr(owner_client, method)(url, job_post_data(title="篡改"))
        assert response.status_code == 404, (method, url)
    theirs.refresh_from_db()
    assert (theirs.title, theirs.status) == ("叉车工", Job.Status.PUBLISHED)


@pytest.mark.django_db
def test_hr_members_can_edit_jobs(client, org, hr_of):
    client.force_login(hr_of(org))
    assert client.get(reverse("jobs:create", args=[org.pk])).status_code == 200


@pytest.mark.django_db
def test_anchors_cannot_write_jobs(client, org, hr_of):
    client.force_login(hr_of(org, role=Membership.Role.ANCHOR))
    assert client.get(reverse("jobs:create", args=[org.pk])).status_code == 404
