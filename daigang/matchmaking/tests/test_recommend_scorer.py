"""The recommendation scorer on its own (daigang.matchmaking.recommend): what ranks a job
higher, the reasons it gives in words, and what it never reads."""

from __future__ import annotations

import dataclasses
import time

import pytest
from django.utils import translation

from daigang.matchmaking import recommend
from daigang.matchmaking.recommend import JobFeatures, SeekerFeatures, jobs_rank, near_tier

NOW = time.time()
DAY = 86400


def _job(job_id: int, **overrides: object) -> JobFeatures:
    values: dict[str, object] = {
        "id": job_id,
        "region_code": "441900",
        "province": "广东省",
        "city": "东莞市",
        "district": "",
        "kind": "普工",
        "month_min_fen": 600000,
        "month_max_fen": 700000,
        "board": "room_and_board",
        "couple_rooms": False,
        "shift": "day_only",
        "pay_schedule": "monthly",
        "text": " 电子厂 普工 组装 ",
        "published_ts": NOW - 10 * DAY,
        "wage_unit": "month",
    }
    values.update(overrides)
    return JobFeatures(**values)  # type: ignore[arg-type]


SEEKER = SeekerFeatures(
    home_code="441900",
    work_kinds=("普工",),
    wage_wanted_fen=500000,
    needs=frozenset({"board"}),
)


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def _ids(seeker: SeekerFeatures, jobs: list[JobFeatures]) -> list[int]:
    return [r.job.id for r in jobs_rank(seeker=seeker, jobs=jobs, now_ts=NOW, limit=10)]


def test_a_job_near_home_of_the_wanted_kind_that_meets_the_needs_comes_first():
    # given the same job near home, far away, of another kind, without board, paying less
    near = _job(1)
    far = _job(2, region_code="510104", province="四川省", city="成都市", district="锦江区")
    other_kind = _job(3, kind="厨师")
    no_board = _job(4, board="none")
    low_pay = _job(5, month_min_fen=350000, month_max_fen=400000)
    # when ranked for a seeker from 东莞 who wants 普工, board and 5,000 a month
    ranked = _ids(SEEKER, [far, other_kind, no_board, low_pay, near])
    # then the one that fits on every count is first, and each shortfall ranks lower
    assert ranked[0] == 1
    assert set(ranked[1:]) == {2, 3, 4, 5}


def test_every_recommendation_says_why_in_words_addressing_the_seeker_as_nin():
    # given a job in the seeker's home city, with board, paying above what they want, fresh
    job = _job(1, month_min_fen=600000, published_ts=NOW - DAY)
    # when it is ranked
    [ranked] = jobs_rank(seeker=SEEKER, jobs=[job], now_ts=NOW)
    texts = [recommend.reason_text(r) for r in ranked.reasons]
    # then the reasons say where, what it gives and the pay, most telling first
    assert texts == ["就在您家乡东莞市", "包吃住", "工价高于您的期望", "是您想做的普工"]
    assert all("你" not in text for text in texts)
    # and to the seeker's matchmaker they speak of the seeker, not to them
    for_matchmaker = [recommend.reason_text(r, to_seeker=False) for r in ranked.reasons]
    assert for_matchmaker[0] == "就在求职者家乡东莞市"
    assert all("您" not in text and "你" not in text for text in for_matchmaker)


def test_a_job_with_nothing_particular_still_gives_a_reason():
    # given a seeker who said only their province, and a job far in it, stale
    seeker = SeekerFeatures(home_code="440100")
    job = _job(1, region_code="440500", city="汕头市", kind="厨师", published_ts=NOW - 60 * DAY)
    [ranked] = jobs_rank(seeker=seeker, jobs=[job], now_ts=NOW)
    assert [recommend.reason_text(r) for r in ranked.reasons] == ["在您家乡广东省"]


def test_nearness_is_by_tier_of_the_region_code():
    assert near_tier("440306", "440306") == 3  # the same county
    assert near_tier("440306", "440307") == 2  # the same city
    assert near_tier("441900", "441900") == 2  # a city with no county is a city
    assert near_tier("440306", "441900") == 1  # the same province
    assert near_tier("440306", "510104") == 0
    assert near_tier("", "510104") == 0


def test_the_current_city_counts_as_much_as_home_and_says_so():
    # given a seeker from 四川 now in 东莞
    seeker = SeekerFeatures(home_code="510104", current_code="441900", work_kinds=("普工",))
    [ranked] = jobs_rank(seeker=seeker, jobs=[_job(1)], now_ts=NOW)
    assert recommend.reason_text(ranked.reasons[0]) == "就在您现在所在的东莞市"


def test_an_hourly_wage_is_compared_over_a_legal_month_and_says_it_was_converted():
    # given 30 yuan an hour: 30 × 8 × 21.75 = 5,220 a month, above 4,500 × 1.1
    job = _job(
        1,
        month_min_fen=recommend.month_fen(fen=3000, unit="hour"),
        month_max_fen=recommend.month_fen(fen=3200, unit="hour"),
        wage_unit="hour",
    )
    seeker = dataclasses.replace(SEEKER, wage_wanted_fen=450000)
    [ranked] = jobs_rank(seeker=seeker, jobs=[job], now_ts=NOW)
    assert "工价折合月薪高于您的期望" in [recommend.reason_text(r) for r in ranked.reasons]
    # and a piece rate is not compared at all
    assert recommend.month_fen(fen=35, unit="piece") is None


def test_needs_met_are_named_and_needs_unmet_rank_lower():
    seeker = SeekerFeatures(
        home_code="441900", needs=frozenset({"couple_rooms", "day_shift", "weekly_pay"})
    )
    fits = _job(1, couple_rooms=True, shift="day_only", pay_schedule="daily")
    misses = _job(2, couple_rooms=False, shift="three_shifts", pay_schedule="monthly")
    ranked = jobs_rank(seeker=seeker, jobs=[misses, fits], now_ts=NOW)
    assert [r.job.id for r in ranked] == [1, 2]
    assert [recommend.reason_text(r) for r in ranked[0].reasons][1:] == ["夫妻间", "长白班", "日结"]


def test_a_certificate_the_job_asks_for_is_a_reason():
    seeker = SeekerFeatures(home_code="441900", certificates=("叉车证",))
    forklift = _job(1, kind="叉车工", text=" 仓库 叉车 司机 ")
    [ranked, _other] = jobs_rank(seeker=seeker, jobs=[_job(2), forklift], now_ts=NOW)
    assert ranked.job.id == 1
    assert "用得上您的叉车证" in [recommend.reason_text(r) for r in ranked.reasons]


def test_jobs_applied_to_or_dismissed_are_never_recommended_and_dismissals_weigh_on_the_kind():
    # given a seeker who applied to job 1 and dismissed job 2, a 厨师 job
    seeker = dataclasses.replace(
        SEEKER, excluded=frozenset({1, 2}), dismissed_kinds={"厨师": 3}, work_kinds=()
    )
    jobs = [_job(1), _job(2, kind="厨师"), _job(3, kind="厨师"), _job(4, kind="保安")]
    # when ranked, neither comes back, and the other 厨师 job falls below the 保安 one
    assert _ids(seeker, jobs) == [4, 3]


def test_the_kinds_a_seeker_applied_to_count_without_a_profile():
    seeker = SeekerFeatures(applied_kinds={"焊工": 2})
    [first, _second] = jobs_rank(seeker=seeker, jobs=[_job(1), _job(2, kind="焊工")], now_ts=NOW)
    assert first.job.id == 2
    assert [recommend.reason_text(r) for r in first.reasons] == ["和您报名过的岗位同类"]


def test_fresher_jobs_rank_higher_all_else_equal_and_say_so():
    # (at most REASONS_MAX reasons are said: this seeker has few)
    old = _job(1, published_ts=NOW - 30 * DAY)
    new = _job(2, published_ts=NOW - 3600)
    ranked = jobs_rank(seeker=SeekerFeatures(home_code="441900"), jobs=[old, new], now_ts=NOW)
    assert [r.job.id for r in ranked] == [2, 1]
    assert "新发布" in [recommend.reason_text(r) for r in ranked[0].reasons]


def test_the_scorer_reads_exactly_the_listed_inputs_and_nothing_about_gender_ethnicity_or_hukou():
    # The inputs: place, kinds, wage, needs, certificates, applications and dismissals. The
    # profile's target groups (人员类别, with 妇女), name, birth year and work history are not
    # among them, nor is anything about gender, ethnicity or household registration.
    assert {f.name for f in dataclasses.fields(SeekerFeatures)} == {
        "home_code",
        "current_code",
        "work_kinds",
        "wage_wanted_fen",
        "needs",
        "certificates",
        "applied_kinds",
        "applied_cities",
        "dismissed_kinds",
        "excluded",
    }
    assert {f.name for f in dataclasses.fields(JobFeatures)} == {
        "id",
        "region_code",
        "province",
        "city",
        "district",
        "kind",
        "month_min_fen",
        "month_max_fen",
        "board",
        "couple_rooms",
        "shift",
        "pay_schedule",
        "text",
        "published_ts",
        "wage_unit",
    }


def test_ranking_a_few_thousand_candidates_is_fast():
    # The home page's section scores up to CANDIDATES_MAX jobs per request.
    jobs = [_job(n, kind="普工" if n % 3 else "厨师", published_ts=NOW - n) for n in range(3000)]
    started = time.perf_counter()
    jobs_rank(seeker=SEEKER, jobs=jobs, now_ts=NOW, limit=10)
    assert time.perf_counter() - started < 0.5
