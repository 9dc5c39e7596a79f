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
    # when / then: count + page (with organisations joined) + cities + the live rooms strip +
    # whether 刷岗位 has videos (then kept a minute in the cache), however many jobs
    with django_assert_num_queries(5):
        response = client.get(reverse("jobs:home"))
    assert len(response.context["page"]) == 12
    with django_assert_num_queries(4):
        client.get(reverse("jobs:home"))
    with django_assert_num_queries(2):
        client.get(reverse("jobs:home"), {"q": "岗位"}, headers={"HX-Request": "true"})


@pytest.mark.django_db
def test_the_filter_chips_show_what_the_query_string_chose(client, org):
    # given: jobs in 深圳 (so the city sheet offers it)
    job_make(organisation=org, city="深圳市")
    # when: the home page is opened with 深圳, 包吃住 and a minimum monthly wage
    response = client.get(
        reverse("jobs:home"),
        {"city": "440300", "room_and_board": "on", "wage_min": "5000", "wage_unit": "month"},
    )
    body = response.content.decode()
    # then: those chips are on and say what was chosen; the others are off; 清除 is offered
    assert 'class="chip on" data-chip-label="城市">深圳市</summary>' in body
    assert (
        '<label class="chip on"><input type="checkbox" name="room_and_board" value="on" checked>'
        in body
    )
    assert '<label class="chip"><input type="checkbox" name="couple_rooms" value="on">' in body
    assert 'data-chip-label="工价">≥ 5000 元/月</summary>' in body
    assert '<input type="radio" name="city" value="440300" checked>' in body
    assert '<a class="chip clear" id="chip-clear" href="/">' in body


@pytest.mark.django_db
def test_without_filters_every_chip_is_off_and_clear_keeps_the_keyword(client, org):
    job_make(organisation=org)
    body = client.get(reverse("jobs:home")).content.decode()
    assert "chip on" not in body
    assert 'id="chip-clear" href="/" hidden' in body
    searched = client.get(reverse("jobs:home"), {"q": "普工", "couple_rooms": "on"})
    assert 'id="chip-clear" href="/?q=%E6%99%AE%E5%B7%A5">' in searched.content.decode()


@pytest.mark.django_db
def test_an_htmx_history_restore_gets_the_whole_page(client, org):
    # htmx asks again for a page it no longer holds; a bare list would replace the whole body.
    job_make(organisation=org)
    response = client.get(
        reverse("jobs:home"),
        {"room_and_board": "on"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in response.content.decode()
