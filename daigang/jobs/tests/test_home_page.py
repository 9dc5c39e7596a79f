from __future__ import annotations

import pytest
from django.urls import reverse

from daigang.accounts.testing import organisation_make, user_make
from daigang.jobs.models import Job
from daigang.jobs.selectors import JOBS_PER_PAGE
from daigang.jobs.testing import job_make


@pytest.mark.django_db
def test_cards_show_wage_place_and_tags_without_an_account(client, org):
    job_make(
        organisation=org,
        title="电子厂普工",
        wage_min_fen=2500,
        wage_max_fen=2800,
        couple_rooms=True,
        benefits=["五险一金", "免费班车"],
        city="深圳市",
        district="宝安区",
    )
    body = client.get(reverse("jobs:home")).content.decode()
    assert "电子厂普工" in body
    assert "25-28 元/小时" in body
    assert "深圳市 · 宝安区" in body
    for tag in ("包吃住", "夫妻间", "长白班", "五险一金", "免费班车"):
        assert f'<li class="tag">{tag}</li>' in body


@pytest.mark.django_db
def test_newest_jobs_come_first(client, org):
    job_make(organisation=org, title="先发布")
    job_make(organisation=org, title="后发布")
    titles = [job.title for job in client.get(reverse("jobs:home")).context["page"]]
    assert titles == ["后发布", "先发布"]


@pytest.mark.django_db
def test_drafts_and_closed_jobs_are_not_listed(client, org):
    from daigang.jobs.services import job_close

    job_make(organisation=org, title="草稿", status=Job.Status.DRAFT)
    job_close(job=job_make(organisation=org, title="已关闭"), by=None)
    job_make(organisation=org, title="在招")
    titles = [job.title for job in client.get(reverse("jobs:home")).context["page"]]
    assert titles == ["在招"]


@pytest.mark.django_db
def test_htmx_requests_get_only_the_list_partial(client, org):
    job_make(organisation=org)
    full = client.get(reverse("jobs:home"), {"q": "普工"})
    partial = client.get(reverse("jobs:home"), {"q": "普工"}, headers={"HX-Request": "true"})
    assert "<html" in full.content.decode()
    assert "<html" not in partial.content.decode()
    assert partial.content.decode().lstrip().startswith('<section id="job-list"')
    assert "电子厂普工" in partial.content.decode()


@pytest.mark.django_db
def test_the_filter_form_works_with_and_without_javascript(client):
    body = client.get(reverse("jobs:home")).content.decode()
    assert 'method="get" action="/"' in body
    assert 'hx-get="/"' in body
    assert 'hx-target="#job-list"' in body


@pytest.mark.django_db
def test_pages_of_twenty_with_links_that_keep_the_filters(client, org):
    for n in range(JOBS_PER_PAGE + 5):
        job_make(organisation=org, title=f"普工{n:02d}")
    first = client.get(reverse("jobs:home"), {"q": "普工"})
    second = client.get(reverse("jobs:home"), {"q": "普工", "page": "2"})
    assert len(first.context["page"]) == JOBS_PER_PAGE
    assert len(second.context["page"]) == 5
    assert 'href="/?q=%E6%99%AE%E5%B7%A5&amp;page=2"' in first.content.decode()


@pytest.mark.django_db
def test_the_list_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    # given: jobs of several organisations
    for n in range(3):
        org = organisation_make(name=f"第{n}家单位", owner=user_make())
        for m in range(4):
            job_make(organisation=org, title=f"岗位{n}-{m}")
    # when / then: count + page (with organisations joined) + cities + the live rooms strip,
    # however many jobs
    with django_assert_num_queries(4):
        response = client.get(reverse("jobs:home"))
    assert len(response.context["page"]) == 12
    with django_assert_num_queries(2):
        client.get(reverse("jobs:home"), {"q": "岗位"}, headers={"HX-Request": "true"})
