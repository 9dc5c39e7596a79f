from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

from daigang.accounts.models import Membership, Organisation
from daigang.accounts.testing import member_make, organisation_make, user_make
from daigang.hiring.apply.services import application_apply, application_consent_text
from daigang.hiring.models import referral_membership_id, referral_source
from daigang.hiring.pipeline.services import application_advance, application_withdraw
from daigang.hiring.pipeline.settings import rejection_reasons_seed
from daigang.hiring.pipeline.stats import pipeline_stats
from daigang.hiring.testing import application_make, seeker_make
from daigang.jobs.testing import job_make
from daigang.live.testing import room_make

pytestmark = pytest.mark.django_db

START = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


@pytest.fixture
def organisation_with_history():
    """Seven applications to jobs A (4) and B (3), three of them from room R.

    a1 A/R  applied → … → onboarded on day 6 (each stage one day)
    a2 A/R  contacted, intention, then rejected 已招满
    a3 B    contacted, then onboarded on day 10
    a4 B    rejected 年龄不符 straight away
    a5 B/R  contacted, then withdrawn by the seeker
    a6 A    applied only
    a7 A    straight to interview, then rejected 已招满
    """
    with time_machine.travel(START, tick=False) as clock:
        organisation = organisation_make()
        hr = member_make(organisation=organisation)
        job_a = job_make(organisation=organisation, title="A岗")
        job_b = job_make(organisation=organisation, title="B岗")
        room = room_make(organisation=organisation, title="R直播间")
        reasons = {r.name: r for r in rejection_reasons_seed(organisation=organisation)}
        seekers = [seeker_make(phone=f"1360000000{i}") for i in range(1, 8)]
        a1, a2, a3, a4, a5, _a6, a7 = [
            application_make(job=job, seeker=seeker, room=r)
            for job, seeker, r in zip(
                [job_a, job_a, job_b, job_b, job_b, job_a, job_a],
                seekers,
                [room, room, None, None, room, None, None],
                strict=True,
            )
        ]

        def move(application, stage, **kwargs):
            application_advance(application=application, to_stage=stage, by=hr, **kwargs)

        for stage in ["contacted", "intention", "interview", "offer", "signed", "onboarded"]:
            clock.shift(DAY)
            move(a1, stage)
        move(a2, "contacted")
        move(a2, "intention")
        move(a2, "rejected", rejection_reason=reasons["已招满"])
        move(a3, "contacted")
        move(a4, "rejected", rejection_reason=reasons["年龄不符"])
        move(a5, "contacted")
        application_withdraw(application=a5, seeker=seekers[4])
        move(a7, "interview")
        move(a7, "rejected", rejection_reason=reasons["已招满"])
        clock.shift(4 * DAY)  # day 10
        move(a3, "onboarded")
    return organisation, job_a, job_b, room


def test_the_numbers_are_exact(organisation_with_history, django_assert_num_queries):
    organisation, job_a, job_b, room = organisation_with_history

    with django_assert_num_queries(6):  # no referrals: their referrers are not looked up
        stats = pipeline_stats(organisation=organisation)

    assert stats.total == 7
    assert [(r.id, r.label, r.count) for r in stats.per_job] == [
        (job_a.pk, "A岗", 4),
        (job_b.pk, "B岗", 3),
    ]
    assert [(r.id, r.count) for r in stats.per_room] == [(None, 4), (room.pk, 3)]
    assert [(r.stage, r.reached) for r in stats.conversion] == [
        ("applied", 7),
        ("contacted", 5),
        ("intention", 4),
        ("interview", 3),
        ("offer", 2),
        ("signed", 2),
        ("onboarded", 2),
    ]
    assert stats.conversion[1].percent_of_all == "71.4%"
    assert stats.conversion[2].percent_of_previous == "80.0%"
    assert stats.conversion[0].share_of_previous is None
    assert stats.hires == 2
    assert stats.median_time_to_hire == 8 * DAY  # median of 6 and 10 days
    assert [(r.label, r.count) for r in stats.rejection_reasons] == [("已招满", 2), ("年龄不符", 1)]
    assert stats.now_in_stage["rejected"] == 3
    assert stats.now_in_stage["withdrawn"] == 1
    assert stats.now_in_stage["applied"] == 1


def test_an_organisation_without_applications_has_zeroes_and_no_median():
    stats = pipeline_stats(organisation=organisation_make())

    assert stats.total == 0
    assert stats.median_time_to_hire is None
    assert all(row.share_of_all == 0.0 for row in stats.conversion)


def test_the_stats_page_shows_the_figures(client, organisation_with_history):
    organisation, *_ = organisation_with_history
    member = organisation.members.first()
    client.force_login(member)

    html = client.get(f"/manage/{organisation.pk}/pipeline/stats/").content.decode()

    assert "<dd data-total>7</dd>" in html
    assert "<dd data-median>8天0小时</dd>" in html
    assert "71.4%" in html and "已招满" in html and "R直播间" in html
    # and the charts beside the tables draw the same numbers
    charts = json.loads(
        html.split('id="pipeline-chart-data" type="application/json">')[1].split("<")[0]
    )
    assert charts["conversion"][0] == ["已报名", 7] and charts["jobs"] == [["A岗", 4], ["B岗", 3]]
    assert charts["reasons"] == [["已招满", 2], ["年龄不符", 1]]


def test_referred_applications_count_for_the_matchmaker_or_broker_who_referred_them(
    django_assert_num_queries,
):
    # given an employer, and a broker of a labour agency and a matchmaker of a bureau
    organisation = organisation_make()
    hr = member_make(organisation=organisation)
    job = job_make(organisation=organisation, title="普工")
    broker = Membership.objects.create(
        organisation=organisation_make(kind=Organisation.Kind.AGENCY, name="顺达劳务"),
        user=user_make(name="老王"),
        role=Membership.Role.MATCHMAKER,
    )
    matchmaker = Membership.objects.create(
        organisation=organisation_make(kind=Organisation.Kind.BUREAU, name="七里河区人社局"),
        user=user_make(name="周专员"),
        role=Membership.Role.MATCHMAKER,
    )

    # when the broker refers two seekers (one is hired), the matchmaker one, and one comes alone
    def apply(seeker, source=""):
        application, _created = application_apply(
            job=job,
            seeker=seeker,
            name="张三",
            idempotency_key=f"referral-{seeker.pk}",
            consent_text=application_consent_text(organisation=organisation),
            source=source,
        )
        return application

    hired = apply(seeker_make(), referral_source(membership_id=broker.pk))
    apply(seeker_make(), referral_source(membership_id=broker.pk))
    apply(seeker_make(), referral_source(membership_id=matchmaker.pk))
    apply(seeker_make())
    for stage in ["contacted", "intention", "interview", "offer", "signed", "onboarded"]:
        application_advance(application=hired, to_stage=stage, by=hr)
    # then the employer's numbers count each referrer's applications and hires
    with django_assert_num_queries(7):
        stats = pipeline_stats(organisation=organisation)
    assert [(row.label, row.count, row.hires) for row in stats.per_referrer] == [
        ("老王 · 顺达劳务", 2, 1),
        ("周专员 · 七里河区人社局", 1, 0),
    ]


def test_a_source_that_is_not_a_referral_names_no_one():
    assert referral_membership_id("ref:12") == 12
    assert referral_membership_id("fair:3:1") is None
    assert referral_membership_id("ref:") is None
    assert referral_membership_id("ref:x1") is None
