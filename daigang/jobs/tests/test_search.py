from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from daigang.accounts.testing import organisation_make
from daigang.jobs import search
from daigang.jobs.models import Board, WageUnit
from daigang.jobs.search import organisation_name_for_search, search_query_tokens
from daigang.jobs.selectors import JobFilters, jobs_search
from daigang.jobs.testing import job_make

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def jobs(org):
    return {
        "factory": job_make(
            organisation=org,
            title="电子厂普工",
            kind_of_work="普工",
            city="深圳市",
            district="龙华区",
            board=Board.ROOM_AND_BOARD,
            couple_rooms=True,
        ),
        "forklift": job_make(
            organisation=org,
            title="叉车工",
            kind_of_work="叉车工",
            city="苏州市",
            district="昆山市",
            board=Board.MEAL_ALLOWANCE,
            requirements="持叉车证。",
            duties="仓库装卸。",
            wage_min_fen=650000,
            wage_max_fen=800000,
            wage_unit=WageUnit.MONTH,
        ),
        "sorter": job_make(
            organisation=org,
            title="快递分拣员",
            kind_of_work="分拣员",
            city="深圳市",
            district="宝安区",
            board=Board.LODGING,
            duties="包裹分拣、扫码。",
        ),
    }


def titles(q):
    return {job.title for job in jobs_search(filters=JobFilters(q=q))}


@pytest.mark.django_db
def test_searching_a_kind_of_work_finds_it(jobs):
    assert titles("普工") == {"电子厂普工"}


@pytest.mark.django_db
def test_searching_a_word_inside_the_title_finds_it(jobs):
    assert titles("电子厂") == {"电子厂普工"}
    assert titles("电子") == {"电子厂普工"}
    assert titles("叉车") == {"叉车工"}


@pytest.mark.django_db
def test_every_word_of_the_query_must_match(jobs):
    assert titles("深圳 包吃住") == {"电子厂普工"}
    assert titles("深圳包吃住") == {"电子厂普工"}
    assert titles("深圳") == {"电子厂普工", "快递分拣员"}
    assert titles("苏州 包吃住") == set()


@pytest.mark.django_db
def test_place_tags_duties_and_requirements_are_searchable(jobs):
    assert titles("昆山") == {"叉车工"}
    assert titles("夫妻间") == {"电子厂普工"}
    assert titles("扫码") == {"快递分拣员"}
    assert titles("分拣员") == {"快递分拣员"}


@pytest.mark.django_db
def test_an_empty_or_punctuation_only_query_matches_everything(jobs):
    assert len(titles("")) == 3
    assert len(titles(" ，。 ")) == 3


@pytest.mark.django_db
def test_query_syntax_characters_are_plain_text(jobs):
    assert len(titles("%")) == 3
    assert titles("普工_") == titles("普工") == {"电子厂普工"}


@pytest.mark.django_db
def test_a_place_in_the_organisation_name_does_not_match_jobs_elsewhere(owner):
    # given: a Shenzhen agency recruiting for a factory in Huizhou
    agency = organisation_make(name="深圳市安心人力资源服务有限公司", owner=owner)
    job_make(organisation=agency, title="汽车配件厂操作工", city="惠州市", district="惠阳区")
    # then
    assert titles("深圳") == set()
    assert titles("惠州") == {"汽车配件厂操作工"}
    assert titles("安心 操作工") == {"汽车配件厂操作工"}


@pytest.mark.parametrize(
    ("name", "stripped"),
    [
        ("深圳市安心人力资源服务有限公司", "安心人力资源服务有限公司"),
        ("佛山市南海区恒通五金制品有限公司", "恒通五金制品有限公司"),
        ("广东省深圳市华为技术有限公司", "华为技术有限公司"),
        ("昆山顺达物流有限公司", "昆山顺达物流有限公司"),
        ("华润万家超市有限公司", "华润万家超市有限公司"),
    ],
)
def test_organisation_names_lose_their_registration_place_for_search(name, stripped):
    assert organisation_name_for_search(name) == stripped


def test_query_tokens_are_whole_words_in_accurate_mode():
    assert search_query_tokens("电子厂普工") == ["电子厂", "普工"]
    assert search_query_tokens("深圳  包吃住") == ["深圳", "包吃住"]
    assert search_query_tokens("ABC") == ["abc"]


def test_jieba_loads_once(monkeypatch):
    monkeypatch.setattr(search, "_tokenizer", None)
    first = search._jieba()
    search_query_tokens("电子厂")
    assert search._jieba() is first


def test_jieba_loads_quietly_in_a_fresh_process():
    # A fresh interpreter: jieba's loader would print "Building prefix dict…" to stderr.
    code = (
        "import django; django.setup()\n"
        "from daigang.jobs.search import organisation_name_for_search, search_query_tokens\n"
        "print(search_query_tokens('电子厂普工'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "['电子厂', '普工']\n"
    assert result.stderr == ""


@pytest.mark.django_db
def test_refreshing_search_text_repairs_stale_rows(jobs):
    from daigang.jobs.models import Job
    from daigang.jobs.search_index import search_index_put
    from daigang.jobs.services import jobs_search_text_refresh

    # given: a row whose search text is stale, and its keyword index with it (as an older
    # tokenizer would have left both)
    job = Job.objects.get(title="叉车工")
    Job.objects.filter(pk=job.pk).update(search_text="")
    search_index_put(jobs=[(job.pk, "", job.region_id)])
    assert titles("叉车") == set()
    # when
    refreshed = jobs_search_text_refresh()
    # then
    assert refreshed == 1
    assert titles("叉车") == {"叉车工"}
    assert jobs_search_text_refresh() == 0
