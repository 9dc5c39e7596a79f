"""A bureau runs a fair: creates and publishes it, employers register with their jobs, the
bureau approves them and builds the schedule; seekers see it and apply from it."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from daigang.accounts.models import Membership
from daigang.accounts.testing import member_make, organisation_make
from daigang.core.refused import Refused
from daigang.fairs.models import Fair, FairEntry
from daigang.fairs.services import (
    fair_entry_decide,
    fair_entry_register,
    fair_room_add,
    fair_save,
)
from daigang.fairs.testing import (
    CHENGGUAN,
    LANZHOU,
    TIANSHUI,
    bureau_make,
    fair_make,
    operator_make,
)
from daigang.hiring.models import Application
from daigang.jobs.testing import job_make
from daigang.live.testing import room_make
from daigang.regions.models import Region

pytestmark = pytest.mark.django_db


def _employer_with_job():
    employer = organisation_make(name="兰州佳友电子有限公司")
    hr = member_make(organisation=employer, role=Membership.Role.HR)
    job = job_make(organisation=employer, title="普工")
    return employer, hr, job


def test_a_bureau_holds_fairs_only_in_its_own_region_or_below():
    # given the city bureau of 兰州
    bureau = bureau_make(region=LANZHOU)
    operator = operator_make(bureau=bureau)
    # when it plans a fair in 城关区 (inside) and one in 天水 (outside)
    inside = fair_make(bureau=bureau, by=operator, region=CHENGGUAN)
    with pytest.raises(ValidationError) as error:
        fair_make(bureau=bureau, by=operator, region=TIANSHUI)
    # then only the first exists
    assert inside.region_id == CHENGGUAN
    assert "所辖地区" in str(error.value)
    assert Fair.objects.count() == 1


def test_only_operators_and_owners_of_a_verified_bureau_run_fairs():
    bureau = bureau_make()
    viewer = operator_make(bureau=bureau, role=Membership.Role.VIEWER)
    with pytest.raises(Refused):
        fair_make(bureau=bureau, by=viewer)
    company = organisation_make()
    owner = member_make(organisation=company, role=Membership.Role.OWNER)
    company.region = Region.objects.get(code=LANZHOU)
    company.save()
    with pytest.raises(Refused, match="公共就业服务机构"):
        fair_save(
            bureau=company,
            by=owner,
            title="x",
            target_group="general",
            region=company.region,
            starts_at=dt.datetime(2027, 1, 1, tzinfo=dt.UTC),
            ends_at=dt.datetime(2027, 1, 2, tzinfo=dt.UTC),
        )


def test_a_fee_in_a_fair_title_is_refused_with_the_reason():
    bureau = bureau_make()
    with pytest.raises(ValidationError) as error:
        fair_make(bureau=bureau, title="招聘会 报名费50元")
    assert "title" in error.value.error_dict


def test_registering_twice_keeps_one_registration_with_the_latest_jobs():
    # given
    fair = fair_make(bureau=bureau_make())
    employer, hr, job = _employer_with_job()
    other = job_make(organisation=employer, title="叉车工")
    # when
    first = fair_entry_register(fair=fair, organisation=employer, by=hr, jobs=[(job, 30)])
    again = fair_entry_register(
        fair=fair, organisation=employer, by=hr, jobs=[(job, 20), (other, 5)]
    )
    # then
    assert first.pk == again.pk
    assert FairEntry.objects.count() == 1
    assert sorted(again.jobs.values_list("headcount", flat=True)) == [5, 20]


def test_an_employer_cannot_bring_another_organisations_job():
    fair = fair_make(bureau=bureau_make())
    employer, hr, _job = _employer_with_job()
    stranger_job = job_make(organisation=organisation_make(name="别家"))
    with pytest.raises(Refused, match="本单位"):
        fair_entry_register(fair=fair, organisation=employer, by=hr, jobs=[(stranger_job, 3)])


def test_only_an_approved_employers_room_joins_the_schedule():
    # given
    bureau = bureau_make()
    operator = operator_make(bureau=bureau)
    fair = fair_make(bureau=bureau, by=operator)
    employer, hr, job = _employer_with_job()
    entry = fair_entry_register(fair=fair, organisation=employer, by=hr, jobs=[(job, 10)])
    room = room_make(organisation=employer, jobs=[job])
    # when not yet approved
    with pytest.raises(Refused, match="已通过审核"):
        fair_room_add(fair=fair, room=room, by=operator)
    # then approved (twice: a no-op) it can, and adding it again returns the same row
    fair_entry_decide(entry=entry, by=operator, approve=True)
    decided = fair_entry_decide(entry=entry, by=operator, approve=True)
    assert decided.status == FairEntry.Status.APPROVED
    assert fair_room_add(fair=fair, room=room, by=operator).pk == (
        fair_room_add(fair=fair, room=room, by=operator).pk
    )


def test_the_fair_page_lists_approved_jobs_and_an_apply_from_it_records_the_fair(
    client, sms_outbox
):
    # given an approved employer with a job in a published fair
    bureau = bureau_make()
    operator = operator_make(bureau=bureau)
    fair = fair_make(bureau=bureau, by=operator)
    employer, hr, job = _employer_with_job()
    entry = fair_entry_register(fair=fair, organisation=employer, by=hr, jobs=[(job, 12)])
    pending_employer, pending_hr, pending_job = _employer_with_job()
    fair_entry_register(
        fair=fair, organisation=pending_employer, by=pending_hr, jobs=[(pending_job, 1)]
    )
    fair_entry_decide(entry=entry, by=operator, approve=True)
    # when a seeker opens the fair page
    page = client.get(reverse("fairs:fair", args=[fair.pk])).content.decode()
    # then only the approved job shows, with its headcount and an apply link tagged by the fair
    assert page.count("一键报名") == 1
    assert "招12人" in page
    apply_url = reverse("hiring:apply", args=[job.pk]) + f"?src=fair%3A{fair.pk}"
    assert apply_url in page
    # and an apply from that link is counted for the fair
    from daigang.hiring.testing import seeker_make

    seeker = seeker_make()
    client.force_login(seeker)
    form = client.get(apply_url).content.decode()
    assert f'value="fair:{fair.pk}"' in form
    key = form.split('name="idempotency_key" value="')[1].split('"')[0]
    client.post(
        reverse("hiring:apply", args=[job.pk]),
        {"name": "王五", "consent": "on", "idempotency_key": key, "source": f"fair:{fair.pk}"},
    )
    assert Application.objects.get().source == f"fair:{fair.pk}"


def test_a_malformed_source_is_dropped_not_refused(client):
    from daigang.hiring.testing import seeker_make

    job = job_make(organisation=organisation_make())
    client.force_login(seeker_make())
    client.post(
        reverse("hiring:apply", args=[job.pk]),
        {
            "name": "王五",
            "consent": "on",
            "idempotency_key": str(uuid.uuid4()),
            "source": "<script>",
        },
    )
    assert Application.objects.get().source == ""


def test_an_unpublished_fair_is_not_shown_to_seekers(client):
    fair = fair_make(bureau=bureau_make(), publish=False)
    assert client.get(reverse("fairs:fair", args=[fair.pk])).status_code == 404
    assert fair.title not in client.get(reverse("fairs:list")).content.decode()


def test_the_bureaus_own_room_pins_an_employers_job_and_the_apply_goes_to_the_employer():
    # given a bureau room in the fair and an approved employer
    bureau = bureau_make()
    operator = operator_make(bureau=bureau)
    fair = fair_make(bureau=bureau, by=operator)
    employer, hr, job = _employer_with_job()
    entry = fair_entry_register(fair=fair, organisation=employer, by=hr, jobs=[(job, 8)])
    anchor = member_make(organisation=bureau, role=Membership.Role.OWNER, name="局主播")
    bureau_room = room_make(organisation=bureau, anchors=[anchor], state="live")
    fair_room_add(fair=fair, room=bureau_room, by=operator)
    assert not bureau_room.jobs.exists()
    # when the employer is approved
    fair_entry_decide(entry=entry, by=operator, approve=True)
    # then the bureau's anchor can pin its job, and an apply from that room goes to the employer
    from daigang.hiring.testing import application_make, seeker_make
    from daigang.live.services import room_pin

    room_pin(room=bureau_room, job=job, by=anchor)
    application = application_make(job=job, seeker=seeker_make(), room=bureau_room)
    assert (application.organisation_id, application.room_id) == (employer.pk, bureau_room.pk)
    # and a rejected employer's job comes off the bureau's room
    fair_entry_decide(entry=entry, by=operator, approve=False)
    assert not bureau_room.jobs.filter(pk=job.pk).exists()
