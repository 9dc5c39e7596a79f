"""jobs_regions_match: what the migration jobs/0002 runs over jobs saved before regions."""

from __future__ import annotations

import pytest

from daigang.jobs.models import Job
from daigang.jobs.places import jobs_regions_match
from daigang.jobs.testing import job_make
from daigang.regions.models import Region


def legacy(org, *, province, city, district="", address="振安中路1号"):
    """A job as it was stored before regions: free-text names, no region."""
    job = job_make(organisation=org)
    Job.objects.filter(pk=job.pk).update(
        region=None, province=province, city=city, district=district, address=address
    )
    return job.pk


@pytest.mark.django_db
def test_short_and_full_names_both_match_and_are_written_the_official_way(org):
    # given
    short = legacy(org, province="广东", city="东莞")
    full = legacy(org, province="广东省", city="东莞市")
    # when
    unmatched = jobs_regions_match(job_model=Job, region_model=Region)
    # then
    assert unmatched == []
    for pk in (short, full):
        job = Job.objects.get(pk=pk)
        assert (job.region_id, job.province, job.city) == ("441900", "广东省", "东莞市")


@pytest.mark.django_db
def test_a_town_under_a_city_without_districts_moves_to_the_address_and_is_reported(org):
    # given
    pk = legacy(org, province="广东", city="东莞", district="长安镇", address="振安中路1号")
    # when
    unmatched = jobs_regions_match(job_model=Job, region_model=Region)
    # then
    job = Job.objects.get(pk=pk)
    assert (job.region_id, job.district, job.address) == ("441900", "", "长安镇振安中路1号")
    assert [(row.job_id, row.names) for row in unmatched] == [(pk, "广东 / 东莞 / 长安镇")]
    assert "长安镇" in unmatched[0].reason


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("names", "region"),
    [
        (("北京", "北京", "朝阳区"), "110105"),  # not 辽宁's 朝阳市
        (("北京市", "", "朝阳"), "110105"),
        (("湖北", "仙桃", ""), "429004"),
        (("广西", "南宁", "青秀区"), "450103"),
        (("", "苏州", "昆山"), "320583"),
        (("广东", "苏州市", ""), "320500"),  # a unique city outweighs the wrong province
    ],
)
def test_names_are_matched_within_their_province_and_city(org, names, region):
    # given
    province, city, district = names
    pk = legacy(org, province=province, city=city, district=district)
    # when
    jobs_regions_match(job_model=Job, region_model=Region)
    # then
    assert Job.objects.get(pk=pk).region_id == region


@pytest.mark.django_db
def test_a_job_whose_names_match_nothing_keeps_them_and_is_reported(org):
    # given
    pk = legacy(org, province="火星", city="奥林帕斯")
    # when
    unmatched = jobs_regions_match(job_model=Job, region_model=Region)
    # then
    job = Job.objects.get(pk=pk)
    assert (job.region_id, job.province, job.city) == (None, "火星", "奥林帕斯")
    assert [row.job_id for row in unmatched] == [pk]


@pytest.mark.django_db
def test_matching_twice_changes_nothing(org):
    # given
    legacy(org, province="广东", city="东莞", district="长安镇")
    jobs_regions_match(job_model=Job, region_model=Region)
    before = list(Job.objects.values())
    # when
    unmatched = jobs_regions_match(job_model=Job, region_model=Region)
    # then
    assert unmatched == [] and list(Job.objects.values()) == before
