"""为您推荐 on the site: the home page's section for a seeker, the matchmaker's case page, and
不感兴趣. The ranking itself is tested in test_recommend_scorer.py."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from daigang.accounts.models import SeekerProfile
from daigang.accounts.testing import organisation_make, user_make
from daigang.fairs.testing import bureau_make
from daigang.hiring.testing import application_make, seeker_make
from daigang.jobs.models import Board
from daigang.jobs.testing import job_make
from daigang.matchmaking import selectors
from daigang.matchmaking.models import Dismissal
from daigang.matchmaking.testing import case_make, matchmaker_make
from daigang.matchmaking.views import RECOMMENDED_ON_HOME

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
FRAGMENT = reverse("matchmaking:recommended")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _profile(user, **overrides) -> SeekerProfile:
    values = {
        "home_region_id": "441900",  # 东莞
        "work_kinds": ["普工"],
        "wage_wanted": 4000,
        "needs": ["board"],
    }
    values.update(overrides)
    return SeekerProfile.objects.create(user=user, **values)


@pytest.fixture
def org():
    return organisation_make(owner=user_make())


def test_anonymous_visitors_get_no_recommendations_section_and_no_query_more(
    client, org, django_assert_num_queries
):
    job_make(organisation=org)
    # count + page + cities + the live rooms strip + whether 刷岗位 has videos, as before
    # recommendations
    with django_assert_num_queries(5):
        page = client.get(reverse("jobs:home")).content.decode()
    assert FRAGMENT not in page
    assert "为您推荐" not in page


def test_a_logged_in_seekers_home_page_loads_the_section_after_itself(org):
    seeker = seeker_make()
    page = _client(seeker).get(reverse("jobs:home")).content.decode()
    assert f'hx-get="{FRAGMENT}" hx-trigger="load"' in page


def test_a_seeker_with_a_profile_sees_matching_jobs_with_why(org):
    # given a seeker from 东莞 wanting 普工 with board, and jobs near and far
    seeker = seeker_make()
    _profile(seeker)
    near = job_make(organisation=org, title="东莞普工", board=Board.ROOM_AND_BOARD)
    job_make(
        organisation=org,
        title="成都厨师",
        kind_of_work="厨师",
        region_id="510104",
        board=Board.NONE,
    )
    # when the home page loads the section
    response = _client(seeker).get(FRAGMENT, headers=HTMX)
    # then the job near home comes with its reasons, addressing the seeker as 您
    html = response.content.decode()
    assert "为您推荐" in html
    items = response.context["items"]
    assert items[0].job == near
    assert items[0].why.startswith("就在您家乡东莞市 · 包吃住")
    assert items[0].why in html
    assert "成都厨师" not in html  # neither near nor of a kind the seeker wants or applied to


def test_a_seeker_without_a_profile_or_applications_is_asked_to_fill_one_in(org):
    job_make(organisation=org)
    response = _client(seeker_make()).get(FRAGMENT, headers=HTMX)
    html = response.content.decode()
    assert response.context["items"] == []
    assert reverse("matchmaking:profile") in html
    assert "填写求职资料" in html


def test_without_a_profile_the_kinds_a_seeker_applied_to_bring_recommendations(org):
    seeker = seeker_make()
    applied = job_make(organisation=org, title="焊工A", kind_of_work="焊工")
    application_make(job=applied, seeker=seeker)
    other = job_make(organisation=org, title="焊工B", kind_of_work="焊工")
    items = selectors.jobs_recommended(user=seeker)
    assert [item.job for item in items] == [other]  # not the one applied to
    assert items[0].why == "和您报名过的岗位同类 · 新发布"


def test_only_open_jobs_of_verified_organisations_are_recommended(org):
    seeker = seeker_make()
    _profile(seeker)
    job_make(organisation=organisation_make(owner=user_make(), lapsed=True), title="失效单位")
    taken_down = job_make(organisation=org, title="已下架")
    taken_down.taken_down_at = timezone.now()
    taken_down.save(update_fields=["taken_down_at"])
    job_make(organisation=org, title="草稿", status="draft")
    job_make(organisation=org, title="已关闭", status="closed")
    good = job_make(organisation=org, title="在招")
    assert [item.job for item in selectors.jobs_recommended(user=seeker)] == [good]


def test_the_profiles_other_fields_change_nothing(org):
    # given two seekers alike in what the scorer reads, unlike in name, birth year, target
    # groups (妇女, 少数民族 would be there if it existed) and work history
    jobs = [
        job_make(organisation=org, title=f"岗位{n}", kind_of_work=kind, region_id=region)
        for n, (kind, region) in enumerate(
            [("普工", "441900"), ("厨师", "441900"), ("普工", "440306"), ("保安", "440106")]
        )
    ]
    one, two = seeker_make(), seeker_make()
    _profile(one, name="李芳", birth_year=1975, target_groups=["women", "disabled"])
    _profile(two, name="王强", birth_year=2001, target_groups=["veterans"], work_history="十年")
    # then they get the same jobs in the same order, for the same reasons
    first = selectors.jobs_recommended(user=one)
    second = selectors.jobs_recommended(user=two)
    assert len(first) == len(jobs)
    assert [(i.job, i.why) for i in first] == [(i.job, i.why) for i in second]


def test_dismissing_a_job_removes_it_for_good_and_a_repeat_changes_nothing(org):
    # given a recommended job
    seeker = seeker_make()
    _profile(seeker)
    job = job_make(organisation=org)
    client = _client(seeker)
    assert [i.job for i in client.get(FRAGMENT, headers=HTMX).context["items"]] == [job]
    url = reverse("matchmaking:dismiss", args=[job.pk])
    # when the seeker taps 不感兴趣 (htmx swaps the item for nothing), then again without JS
    first = client.post(url, headers=HTMX)
    second = client.post(url)
    # then one dismissal is kept and the job is not recommended any more
    assert first.status_code == 200 and first.content == b""
    assert second.status_code == 302 and second["Location"] == FRAGMENT
    assert Dismissal.objects.filter(seeker=seeker, job=job).count() == 1
    assert client.get(FRAGMENT, headers=HTMX).context["items"] == []
    # and another seeker still gets it
    other = seeker_make()
    _profile(other)
    assert [i.job for i in selectors.jobs_recommended(user=other)] == [job]


def test_a_draft_cannot_be_dismissed_by_a_stranger(org):
    draft = job_make(organisation=org, status="draft")
    response = _client(seeker_make()).post(reverse("matchmaking:dismiss", args=[draft.pk]))
    assert response.status_code == 404


def test_the_matchmaker_sees_recommendations_for_a_consenting_seeker_and_can_send_one():
    # given a bureau's matchmaker following a consenting seeker with a profile
    bureau = bureau_make(region="620100")
    matchmaker = matchmaker_make(organisation=bureau)
    seeker = seeker_make()
    _profile(seeker)
    case = case_make(membership=matchmaker, seeker=seeker)
    job = job_make(organisation=organisation_make(owner=user_make()), title="东莞普工")
    client = _client(matchmaker.user)
    # when the matchmaker opens the seeker's case page
    response = client.get(reverse("matchmaking:case", args=[bureau.pk, case.pk]))
    # then the job is there with why, about the seeker (not to the matchmaker)
    [item] = response.context["recommended"]
    assert item.job == job
    html = response.content.decode()
    assert "为TA推荐" in html
    assert item.why_for_matchmaker.startswith("就在求职者家乡东莞市")
    assert item.why_for_matchmaker in html
    # and one tap recommends it to the seeker, with the reasons in the seeker's words
    client.post(
        reverse("matchmaking:recommend", args=[bureau.pk, case.pk]),
        {"job": job.pk, "note": item.why},
    )
    assert case.recommendations.get().note == item.why


def test_the_matchmaker_sees_no_recommendations_before_the_seeker_consents():
    bureau = bureau_make(region="620100")
    matchmaker = matchmaker_make(organisation=bureau)
    seeker = seeker_make()
    _profile(seeker)
    case = case_make(membership=matchmaker, seeker=seeker, consented=False)
    job_make(organisation=organisation_make(owner=user_make()))
    response = _client(matchmaker.user).get(reverse("matchmaking:case", args=[bureau.pk, case.pk]))
    assert "recommended" not in response.context or response.context["recommended"] == []
    assert "为TA推荐" not in response.content.decode()


def test_the_page_of_its_own_works_without_javascript(org):
    seeker = seeker_make()
    _profile(seeker)
    job_make(organisation=org, title="东莞普工")
    page = _client(seeker).get(FRAGMENT).content.decode()
    assert "<h1" in page and "东莞普工" in page and "不感兴趣" in page


def test_the_section_costs_a_fixed_number_of_queries_however_many_jobs(
    org, django_assert_max_num_queries
):
    # given a seeker with a profile naming a current city, and a dozen jobs that fit
    seeker = seeker_make()
    _profile(seeker, current_city="深圳")
    for n in range(12):
        job_make(organisation=org, title=f"普工{n}")
    client = _client(seeker)
    # when / then: session + user, profile, applications, dismissals, the current city's
    # region by name (regions.selectors.region_for_filter: up to 6 for "深圳", tried as an
    # exact name, then province, city, county), the candidates, the jobs shown with their
    # organisations; and the suggested courses (daigang.courses): the profile, the course
    # certificates held, the published courses
    with django_assert_max_num_queries(16):
        response = client.get(FRAGMENT, headers=HTMX)
    assert len(response.context["items"]) == RECOMMENDED_ON_HOME
