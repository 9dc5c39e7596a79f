"""The dashboard's precomputed counters say what counting the raw rows says: after applies,
stage moves, withdrawals, viewers entering rooms, pins and card opens; over a 2 × 2 region
fixture (a province is the sum of its cities, a city of its counties, a person counts once);
and again after the rebuild command recounts them."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from daigang.fairs import stats
from daigang.fairs.counters import counters_rebuild
from daigang.fairs.models import FairCounter, FairSeen
from daigang.fairs.services import (
    fair_invite_create,
    fair_room_add,
)
from daigang.fairs.testing import (
    CHENGGUAN,
    GANSU,
    LANZHOU,
    MAIJI,
    QILIHE,
    QINZHOU,
    TIANSHUI,
    fair_with_employer_make,
)
from daigang.hiring.models import Stage
from daigang.hiring.pipeline.services import application_advance, application_withdraw
from daigang.hiring.testing import application_make, seeker_make
from daigang.live.audience import room_viewers_seen
from daigang.live.models import Room
from daigang.live.services import room_card_opened, room_pin, room_unpin
from daigang.live.testing import room_make

pytestmark = pytest.mark.django_db


def _everything(fair) -> tuple:
    return (
        stats.fair_numbers(fair=fair),
        stats.fair_numbers_by_organisation(fair=fair),
        stats.fair_applications_by_day(fair=fair),
        stats.fair_numbers_by_invite(fair=fair),
        stats.fair_applicants_by_group(fair=fair),
    )


def _everything_raw(fair) -> tuple:
    return (
        stats.fair_numbers_raw(fair=fair),
        stats.fair_numbers_by_organisation_raw(fair=fair),
        stats.fair_applications_by_day_raw(fair=fair),
        stats.fair_numbers_by_invite_raw(fair=fair),
        stats.fair_applicants_by_group_raw(fair=fair),
    )


def test_the_counters_say_what_counting_the_raw_rows_says_after_a_mixed_day_and_a_rebuild():
    # given a running fair with one employer room and a campus invite link
    fair, job, room, hr, operator = fair_with_employer_make(region=LANZHOU)
    invite = fair_invite_create(fair=fair, by=operator, label="兰州大学")
    # when seekers apply in the room and through the invite, and the employer moves them on
    first = application_make(job=job, seeker=seeker_make(), room=room)
    second = application_make(job=job, seeker=seeker_make(), room=room)
    from daigang.hiring.apply.services import application_apply, application_consent_text

    third_seeker = seeker_make()
    application_apply(
        job=job,
        seeker=third_seeker,
        name="李四",
        idempotency_key="invite-1",
        consent_text=application_consent_text(organisation=job.organisation),
        source=f"fair:{fair.pk}:{invite.pk}",
    )
    application_make(job=job, seeker=third_seeker, room=room)  # the same job again: a replay
    for stage in (Stage.CONTACTED, Stage.INTENTION, Stage.INTERVIEW):
        application_advance(application=first, to_stage=stage, by=hr)
    application_advance(application=second, to_stage=Stage.CONTACTED, by=hr)
    application_advance(application=second, to_stage=Stage.INTENTION, by=hr)
    application_withdraw(application=second, seeker=second.seeker)
    # and people enter the room (one of them twice, from two processes)
    room_viewers_seen(seen={room.pk: ["u1", "cabc", "a10.0.0.1"]})
    room_viewers_seen(seen={room.pk: ["cabc", "u2"]})
    # then every figure the dashboard shows is what the raw rows say
    counted = _everything(fair)
    assert counted == _everything_raw(fair)
    numbers = counted[0]
    assert numbers["applications"] == 3 and numbers["applicants"] == 3
    assert numbers["intentions"] == 2 and numbers["interviews"] == 1
    assert numbers["viewers"] == 4
    assert counted[3] == [{"invite": "兰州大学", "applications": 1}]
    assert counted[4] == [{"group": "农民工", "applicants": 3}]

    # when the counters are lost and rebuilt from the raw rows
    FairCounter.objects.filter(figure="applications").delete()
    FairSeen.objects.filter(scope="f").delete()
    call_command("fair_counters_rebuild", stdout=open("/dev/null", "w"))
    # then they say the same again
    assert _everything(fair) == counted


def test_a_province_is_the_sum_of_its_cities_and_a_city_of_its_counties_people_counted_once():
    # given the 2 × 2 fixture: 甘肃 → 兰州 → (城关, 七里河), 天水 → (秦州, 麦积)
    province, *_ = fair_with_employer_make(region=GANSU)
    cities = {
        code: fair_with_employer_make(region=code, parent=province) for code in (LANZHOU, TIANSHUI)
    }
    counties = {
        code: fair_with_employer_make(region=code, parent=cities[city][0])
        for city, codes in ((LANZHOU, (CHENGGUAN, QILIHE)), (TIANSHUI, (QINZHOU, MAIJI)))
        for code in codes
    }
    # and one seeker who applied in both of 兰州's counties, and one in each county
    both = seeker_make()
    for code in (CHENGGUAN, QILIHE):
        _fair, job, room, _hr, _op = counties[code]
        application_make(job=job, seeker=both, room=room)
    for code in counties:
        _fair, job, room, _hr, _op = counties[code]
        application_make(job=job, seeker=seeker_make(), room=room)
    # and one viewer who watched two counties' rooms, and one more in 麦积
    room_viewers_seen(seen={counties[CHENGGUAN][2].pk: ["u77"], counties[QINZHOU][2].pk: ["u77"]})
    room_viewers_seen(seen={counties[MAIJI][2].pk: ["cxyz"]})
    # when
    number = {code: stats.fair_numbers(fair=fair) for code, (fair, *_r) in counties.items()}
    city = {code: stats.fair_numbers(fair=fair) for code, (fair, *_r) in cities.items()}
    whole = stats.fair_numbers(fair=province)
    # then a city's applications are its counties' sum, and a province's its cities'
    for code, counties_of in ((LANZHOU, (CHENGGUAN, QILIHE)), (TIANSHUI, (QINZHOU, MAIJI))):
        assert city[code]["applications"] == sum(number[c]["applications"] for c in counties_of)
    assert whole["applications"] == city[LANZHOU]["applications"] + city[TIANSHUI]["applications"]
    assert whole["applications"] == 6
    # and a person counts once in the unique figures wherever they applied or watched
    assert city[LANZHOU]["applicants"] == 3  # both, and one more in each county
    assert whole["applicants"] == 5
    assert city[LANZHOU]["viewers"] == 1 and city[TIANSHUI]["viewers"] == 2
    assert whole["viewers"] == 2
    # and each of them is what counting the raw rows says
    for fair in [province, *(c[0] for c in cities.values()), *(c[0] for c in counties.values())]:
        assert _everything(fair) == _everything_raw(fair)
    # and a rebuild changes nothing
    counters_rebuild()
    assert stats.fair_numbers(fair=province) == whole


def test_a_pinned_job_funnel_counts_viewers_present_card_opens_once_per_pin_and_applies(client):
    # given a fair room watched by two people, where the anchor pins the job
    fair, job, room, hr, operator = fair_with_employer_make(region=LANZHOU)
    room_pin(room=room, job=job, by=hr)
    # when one viewer opens the card twice and another once, and then applies from the room
    seeker = seeker_make()
    room_card_opened(room=room, job_id=job.pk, viewer="cviewer-1")
    room_card_opened(room=room, job_id=job.pk, viewer="cviewer-1")
    room_card_opened(room=room, job_id=job.pk, viewer=f"u{seeker.pk}")
    application = application_make(job=job, seeker=seeker, room=room)
    application_advance(application=application, to_stage=Stage.CONTACTED, by=hr)
    application_advance(application=application, to_stage=Stage.INTENTION, by=hr)
    # and the anchor pins the job again later, when the first viewer opens it once more
    room_unpin(room=room, by=hr)
    room.refresh_from_db()
    room_card_opened(room=room, job_id=job.pk, viewer="cviewer-1")  # not pinned: not counted
    room_pin(room=room, job=job, by=hr)
    room.refresh_from_db()
    room_card_opened(room=room, job_id=job.pk, viewer="cviewer-1")
    # then the room's funnel for the job says so
    [numbers] = stats.fair_rooms_numbers(fair=fair)
    [row] = numbers["funnel"]
    assert (row["pins"], row["card_opens"], row["applied"], row["intentions"], row["hires"]) == (
        2,
        3,
        1,
        1,
        0,
    )
    # and the dashboard shows it in its table, beside the chart's data
    member = operator
    client.force_login(member)
    page = client.get(reverse("fairs:stats", args=[fair.pk])).content.decode()
    assert '<td data-funnel="card_opens">3</td>' in page
    assert "fair-pinned-chart" in page


def test_the_room_page_beacon_counts_a_card_open_once_per_viewer(client):
    # given a live fair room with its job pinned, and an anonymous viewer who opened the page
    fair, job, room, hr, _operator = fair_with_employer_make(region=LANZHOU)
    room_pin(room=room, job=job, by=hr)
    assert client.get(reverse("live:room", args=[room.pk])).status_code == 200
    url = reverse("live:card_open", args=[room.pk, job.pk])
    # when the page sends the beacon twice (a double tap)
    answers = [client.post(url).status_code, client.post(url).status_code]
    # then both are answered 204 and the card open counted once
    assert answers == [204, 204]
    [numbers] = stats.fair_rooms_numbers(fair=fair)
    assert numbers["funnel"][0]["card_opens"] == 1


def test_a_room_put_in_the_schedule_late_brings_its_applications_and_viewers_to_the_fair():
    # given an employer's room where people already watched and applied, outside any fair
    fair, _job, _room, hr, operator = fair_with_employer_make(region=LANZHOU)
    from daigang.jobs.testing import job_make

    job = job_make(organisation=hr.memberships.first().organisation, title="装配工")
    late = room_make(organisation=job.organisation, jobs=[job], state=Room.State.LIVE)
    application_make(job=job, seeker=seeker_make(), room=late)
    room_viewers_seen(seen={late.pk: ["u5", "u6"]})
    before = stats.fair_numbers(fair=fair)
    # when the bureau puts the room in the fair's schedule
    fair_room_add(fair=fair, room=late, by=operator)
    # then the fair counts them, as counting the raw rows does
    after = stats.fair_numbers(fair=fair)
    assert after["applications"] == before["applications"] + 1
    assert after["viewers"] == before["viewers"] + 2
    assert _everything(fair) == _everything_raw(fair)
