"""The keyword index (FTS5 on SQLite, GIN on PostgreSQL): used by the search, kept in step by
the write services, rebuilt by a command, and answering exactly what the LIKE answers."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from daigang.accounts.models import Organisation
from daigang.accounts.services.organisations import organisation_update
from daigang.accounts.testing import organisation_make, user_make
from daigang.jobs import search_index
from daigang.jobs.models import Board, Job
from daigang.jobs.search import search_query_tokens
from daigang.jobs.search_index import search_index_put, search_index_q
from daigang.jobs.selectors import JobFilters, jobs_search
from daigang.jobs.services import job_close, job_update
from daigang.jobs.testing import draft_make, job_make

QUERIES = [
    "普工",
    "电子厂普工",
    "电子",
    "深圳 包吃住",
    "东莞",
    "夫妻间",
    "c++",
    "C++ 3.5",
    "3.5",
    "50%",
    "a_b",
    "o'neil",
    'say "hi"',
    "café",
    "cafe",
    "叉车 昆山",
    "%",
    "普工_",
    "不存在的词",
    "AND",
    "OR NOT",
    "tokens:普工",
    "*",
]


@pytest.fixture
def jobs(org):
    return [
        job_make(organisation=org, title="电子厂普工", city="深圳市", district="龙华区"),
        job_make(
            organisation=org,
            title="叉车工",
            kind_of_work="叉车工",
            city="苏州市",
            district="昆山市",
            board=Board.MEAL_ALLOWANCE,
        ),
        job_make(
            organisation=org,
            title="C++ 程序员",
            kind_of_work="程序员",
            duties="维护3.5版本的设备软件，50%外勤。",
        ),
        job_make(
            organisation=org,
            title="café 店员",
            kind_of_work="店员",
            duties="a_b 班组，O'Neil 带班。",
        ),
        job_make(
            organisation=org,
            title="装配工",
            kind_of_work="装配工",
            duties='说 "hi" 就上岗。',
            couple_rooms=True,
        ),
    ]


def ids(q: str) -> list[int]:
    return [job.pk for job in jobs_search(filters=JobFilters(q=q))]


def ids_by_like(q: str, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    with monkeypatch.context() as patch:
        patch.setattr("daigang.jobs.selectors.search_index_engine", lambda: "")
        return ids(q)


@pytest.mark.django_db
def test_a_keyword_search_reads_the_index_not_a_like(jobs):
    # when
    with CaptureQueriesContext(connection) as queries:
        found = ids("普工")
    # then
    assert found == [jobs[0].pk]
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert ("MATCH" if connection.vendor == "sqlite" else "@@") in sql
    assert not re.search(r"search_text.{0,10} LIKE", sql)


@pytest.mark.django_db
def test_the_database_plans_the_keyword_through_its_index(jobs):
    # given the keyword part of a search for 普工 in 深圳 (on five rows PostgreSQL prefers
    # any other index: the part alone, with scans made dear, shows the expression is the
    # index's; bench/search shows the plan at a million jobs)
    if connection.vendor == "sqlite":
        query = jobs_search(filters=JobFilters(q="普工", city="深圳")).query
    else:
        hit = search_index_q(tokens=["普工"], place_prefix="4403")
        query = Job.objects.filter(hit).order_by().values("id").query
    sql, params = query.sql_with_params()
    # when the database plans it
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    # then
    index = (
        "jobs_job_search VIRTUAL TABLE" if connection.vendor == "sqlite" else "jobs_job_search_gin"
    )
    assert index in plan, plan


@pytest.mark.django_db
def test_the_index_finds_exactly_what_the_like_finds(jobs, monkeypatch):
    for q in QUERIES:
        assert ids(q) == ids_by_like(q, monkeypatch), q


@pytest.mark.django_db
def test_the_index_and_the_like_agree_with_places_too(jobs, monkeypatch):
    for city in ("深圳", "440300", "广东", "苏州", "昆山", "不存在", "深圳市"):
        for q in ("普工", "工", "叉车", "c++ 3.5", "包吃住"):
            with_index = [job.pk for job in jobs_search(filters=JobFilters(q=q, city=city))]
            with monkeypatch.context() as patch:
                patch.setattr("daigang.jobs.selectors.search_index_engine", lambda: "")
                by_like = [job.pk for job in jobs_search(filters=JobFilters(q=q, city=city))]
            assert with_index == by_like, (q, city)


@pytest.mark.django_db
def test_tokens_with_punctuation_inside_are_found_whole(jobs):
    assert ids("c++") == [jobs[2].pk]
    assert ids("3.5") == [jobs[2].pk]
    assert ids("a_b") == [jobs[3].pk]
    assert ids("cafe") == []


@pytest.mark.django_db
def test_an_edit_replaces_the_jobs_words_in_the_index(jobs, owner):
    # given
    factory = jobs[0]
    # when
    job_update(
        job=factory,
        by=owner,
        draft=draft_make(title="注塑厂学徒", kind_of_work="学徒", city="深圳市", district="龙华区"),
    )
    # then
    assert ids("注塑") == [factory.pk]
    assert ids("电子厂") == []


@pytest.mark.django_db
def test_a_closed_job_leaves_the_keyword_results(jobs, owner):
    # when
    job_close(job=jobs[1], by=owner)
    # then
    assert ids("叉车") == []


@pytest.mark.django_db
def test_the_keyword_combines_with_place_board_and_couple_rooms(jobs):
    assert [j.pk for j in jobs_search(filters=JobFilters(q="普工", city="深圳"))] == [jobs[0].pk]
    assert [j.pk for j in jobs_search(filters=JobFilters(q="普工", city="苏州"))] == []
    assert [j.pk for j in jobs_search(filters=JobFilters(q="叉车", room_and_board=True))] == []
    assert [j.pk for j in jobs_search(filters=JobFilters(q="装配工", couple_rooms=True))] == [
        jobs[4].pk
    ]


# Committed, as the command runs: PostgreSQL will not reindex a table with writes pending
# (deferred foreign-key checks) in the same transaction.
@pytest.mark.django_db(transaction=True)
def test_the_rebuild_command_indexes_jobs_written_around_the_services(jobs):
    # given: a job inserted by a bulk load, and a job whose index entry went missing
    template = jobs[0]
    fields = [f for f in Job._meta.concrete_fields if not f.primary_key]
    loaded = Job(**{f.attname: getattr(template, f.attname) for f in fields})
    loaded.title = "焊工"
    loaded.search_text = " 焊工 "
    Job.objects.bulk_create([loaded])
    search_index_put(jobs=[(jobs[1].pk, "", jobs[1].region_id)])
    if connection.vendor == "sqlite":  # PostgreSQL's index is on the column: nothing missed
        assert ids("焊工") == []
    # when
    out = io.StringIO()
    call_command("search_rebuild", stdout=out)
    # then
    assert f"indexed {Job.objects.count()} job(s)" in out.getvalue()
    assert ids("焊工") == [loaded.pk]
    assert ids("叉车") == [jobs[1].pk]


def test_the_migration_creates_the_index_the_module_describes():
    from importlib import import_module

    migration = import_module("daigang.jobs.migrations.0005_job_search_index")
    assert migration.FTS_CREATE == search_index.FTS_CREATE
    assert migration.FTS_PLACES_SQL == search_index.FTS_PLACES_SQL
    assert migration.PG_CREATE == search_index.PG_CREATE


@pytest.mark.django_db
def test_a_job_without_a_region_is_still_found_by_keyword_and_city_name(jobs):
    # given: a job saved before regions, its city matching no region's code
    legacy = jobs[0]
    Job.objects.filter(pk=legacy.pk).update(region=None, city="深圳市")
    search_index_put(jobs=[(legacy.pk, legacy.search_text, None)])
    # when
    found = jobs_search(filters=JobFilters(q="普工", city="深圳"))
    # then
    assert [job.pk for job in found] == [legacy.pk]
    assert list(jobs_search(filters=JobFilters(q="普工", city="苏州"))) == []


@pytest.mark.django_db
def test_a_place_code_never_answers_a_keyword(jobs):
    code = jobs[0].region_id
    assert ids(code) == ids(code[:4]) == ids(code[:2]) == []


def indexed(word: str) -> list[int]:
    """Jobs, of any state, whose index entry has `word` (the public search only shows open
    jobs of verified organisations)."""
    tokens = search_query_tokens(word)
    return list(Job.objects.filter(search_index_q(tokens=tokens)).values_list("pk", flat=True))


@pytest.mark.django_db
def test_renaming_an_organisation_puts_its_new_name_in_its_jobs_search():
    # given an organisation under review (a verified one can't be renamed) with a draft job
    owner = user_make(phone="13800000077")
    org = organisation_make(
        name="宏达电子有限公司", status=Organisation.Status.PENDING, owner=owner
    )
    job = job_make(organisation=org, title="普工")
    assert indexed("宏达") == [job.pk]
    # when its owner corrects the name
    organisation_update(organisation=org, by=owner, name="金辉精密制造有限公司")
    # then the job is found by the new name, and no longer by the old
    job.refresh_from_db()
    assert indexed("金辉") == [job.pk]
    assert indexed("宏达") == []
    assert " 金辉 " in job.search_text
