from __future__ import annotations

import pytest
from django.urls import reverse

from daigang.jobs.models import Job
from daigang.jobs.selectors import job_cities
from daigang.jobs.testing import job_make


@pytest.fixture
def jobs(org):
    """A job in 东莞 (no districts), one in 深圳宝安区, one in 苏州昆山市, one in 北京朝阳区."""
    return {
        "东莞": job_make(organisation=org, title="东莞普工", city="东莞市"),
        "宝安": job_make(organisation=org, title="宝安普工", city="深圳市", district="宝安区"),
        "昆山": job_make(
            organisation=org, title="昆山普工", province="江苏省", city="苏州市", district="昆山市"
        ),
        "朝阳": job_make(
            organisation=org, title="朝阳普工", province="北京市", city="北京市", district="朝阳区"
        ),
    }


def titles(client, **params):
    return sorted(job.title for job in client.get(reverse("jobs:home"), params).context["page"])


@pytest.mark.django_db
def test_a_province_code_finds_the_jobs_of_all_its_cities_and_districts(client, jobs):
    # when / then
    assert titles(client, city="440000") == ["东莞普工", "宝安普工"]
    assert titles(client, city="广东") == ["东莞普工", "宝安普工"]


@pytest.mark.django_db
def test_a_city_finds_the_jobs_of_its_districts(client, jobs):
    # when / then
    assert titles(client, city="440300") == ["宝安普工"]
    assert titles(client, city="320500") == ["昆山普工"]
    assert titles(client, city="北京") == ["朝阳普工"]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["东莞", "东莞市", "441900"])
def test_dongguan_with_or_without_its_kind_word_or_by_code_reaches_the_same_jobs(
    client, jobs, value
):
    # when / then
    assert titles(client, city=value) == ["东莞普工"]


@pytest.mark.django_db
def test_a_place_that_names_no_region_finds_nothing(client, jobs):
    # when / then
    assert titles(client, city="火星") == []


@pytest.mark.django_db
def test_a_job_saved_before_regions_that_matched_none_is_found_by_its_city_name(client, org):
    # given a job the migration could not match (no region, names as entered)
    job = job_make(organisation=org, title="老岗位")
    Job.objects.filter(pk=job.pk).update(region=None, city="东莞")
    # when / then
    assert titles(client, city="东莞市") == ["老岗位"]


@pytest.mark.django_db
def test_the_city_filter_lists_cities_with_jobs_a_municipality_for_its_districts(jobs):
    # when
    cities = [region.name for region in job_cities()]
    # then
    assert cities == ["北京市", "苏州市", "深圳市", "东莞市"]  # by code


@pytest.mark.django_db
def test_the_api_filters_by_region_code_including_everything_below(client, jobs):
    # when
    province = client.get("/api/v1/jobs", {"region": "440000"}).json()
    city = client.get("/api/v1/jobs", {"city": "东莞"}).json()
    # then
    assert sorted(item["title"] for item in province["items"]) == ["东莞普工", "宝安普工"]
    assert [item["title"] for item in city["items"]] == ["东莞普工"]
    assert city["items"][0]["location"]["region"] == "441900"


@pytest.mark.django_db
def test_the_api_documents_the_region_filter(client):
    # when
    schema = client.get("/api/v1/openapi.json").json()
    # then
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/jobs"]["get"]["parameters"]}
    assert "GB/T 2260" in parameters["region"]["description"]


@pytest.mark.django_db
def test_a_keyword_search_by_a_province_or_a_short_name_finds_the_jobs_below_it(client, org):
    # given a job in 黔南布依族苗族自治州's 都匀市 and one in 东莞
    job_make(organisation=org, title="都匀普工", province="贵州省", city="黔南", district="都匀市")
    job_make(organisation=org, title="东莞普工")
    # when / then
    assert titles(client, q="黔南") == ["都匀普工"]
    assert titles(client, q="贵州") == ["都匀普工"]
    assert titles(client, q="广东") == ["东莞普工"]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["东莞", "东莞市", "441900"])
def test_the_city_sheet_shows_the_city_chosen_however_it_was_typed(client, jobs, value):
    # when
    body = client.get(reverse("jobs:home"), {"city": value}).content.decode()
    # then
    assert '<input type="radio" name="city" value="441900" checked>东莞市</label>' in body
