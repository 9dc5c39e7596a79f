from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from daigang.accounts.models import Membership, Organisation, OrganisationDocument, User
from daigang.accounts.uscc import uscc_is_valid
from daigang.demo.load import MODERATOR_PHONE, SEEKER_PHONE, demo_load
from daigang.jobs.models import Job
from daigang.jobs.selectors import jobs_open
from daigang.jobs.services import job_content_check


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (User, Organisation, Membership, OrganisationDocument, Job)
    }


@pytest.mark.django_db
def test_demo_load_twice_creates_nothing_new():
    # given
    demo_load()
    first = counts()
    jobs_before = list(Job.objects.values_list("id", "status", "published_at"))
    # when
    demo_load()
    # then
    assert counts() == first
    assert list(Job.objects.values_list("id", "status", "published_at")) == jobs_before


@pytest.mark.django_db
def test_demo_has_three_verified_organisations_with_valid_codes_and_one_pending():
    demo_load()
    employers = Organisation.objects.exclude(kind__in=["bureau", "training"])
    verified = [org for org in employers if org.is_verified()]
    pending = Organisation.objects.filter(status=Organisation.Status.PENDING)
    assert len(verified) == 3
    assert pending.count() == 1
    assert {org.kind for org in verified} == {"company", "agency"}
    moderator = User.objects.get(phone=MODERATOR_PHONE)
    for org in Organisation.objects.all():
        assert uscc_is_valid(org.uscc), org.uscc
        assert org.memberships.filter(role=Membership.Role.OWNER).count() == 1
    for org in verified:
        assert org.reviewed_by == moderator
    assert pending.get().documents.filter(content_type="image/png").exists()
    agency = Organisation.objects.get(kind="agency")
    assert agency.documents.filter(kind="hr_service_licence").exists()
    assert agency.hr_licence_number and agency.hr_licence_issuer
    assert not agency.licence_expired()


@pytest.mark.django_db
def test_every_demo_job_is_a_complete_posting_and_the_agencys_name_their_employer():
    demo_load()
    jobs = list(Job.objects.select_related("organisation"))
    assert jobs and all(job.requirements and job.duties for job in jobs)
    agency_jobs = [job for job in jobs if job.organisation.kind == "agency"]
    assert agency_jobs
    for job in agency_jobs:
        assert job.employer_name and uscc_is_valid(job.employer_uscc) and job.arrangement
    assert {job.arrangement for job in agency_jobs} == {"dispatch", "placement"}
    assert all(not job.employer_name for job in jobs if job.organisation.kind == "company")


@pytest.mark.django_db
def test_demo_has_a_dozen_open_jobs_in_several_cities_and_units():
    demo_load()
    jobs = list(jobs_open())
    assert len(jobs) >= 12
    assert len({job.city for job in jobs}) >= 4
    assert {job.wage_unit for job in jobs} == {"hour", "day", "month", "piece"}
    assert any(job.is_flexible for job in jobs)
    assert any(job.couple_rooms for job in jobs)
    for job in jobs:
        assert job.search_text
        job_content_check(values=vars(job))


@pytest.mark.django_db
def test_demo_keeps_the_moderator_and_adds_a_seeker():
    demo_load()
    moderator = User.objects.get(phone=MODERATOR_PHONE)
    assert moderator.is_staff and moderator.is_superuser
    seeker = User.objects.get(phone=SEEKER_PHONE)
    assert not seeker.memberships.exists() and not seeker.is_staff


@pytest.mark.django_db
def test_load_demo_prints_the_logins():
    out = StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert "Demo logins (phone + the SMS code printed on this console):" in text
    for phone in (MODERATOR_PHONE, SEEKER_PHONE, "13900000001", "13900000002", "13900000003"):
        assert phone in text


@pytest.mark.django_db
def test_demo_load_on_an_old_database_reopens_the_demo_without_adding_rows():
    # given: the demo loaded seven months ago; verifications lapsed, jobs past their date
    with time_machine.travel(dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        demo_load()
    before = counts()
    with time_machine.travel(dt.datetime(2026, 8, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        assert list(jobs_open()) == []
        # when
        demo_load()
        # then
        assert len(list(jobs_open())) >= 12
    assert counts() == before


@pytest.mark.django_db
def test_each_verified_demo_organisation_has_one_upcoming_room_even_after_a_second_run():
    from daigang.live.models import Room

    # given / when
    demo_load()
    demo_load()
    # then
    rooms = Room.objects.filter(state=Room.State.SCHEDULED)
    assert rooms.exclude(organisation__kind="bureau").count() == 3
    # and the province bureau's room in the running fair carries the fair's employers' jobs
    assert rooms.filter(organisation__kind="bureau").count() == 1
    assert all(room.jobs.exists() and room.anchors.exists() for room in rooms)


@pytest.mark.django_db
def test_every_demo_job_and_organisation_has_a_region_and_the_names_it_gives():
    # given
    demo_load()
    # when
    jobs = list(Job.objects.select_related("region"))
    # then
    assert jobs and all(job.region_id for job in jobs)
    dongguan = [job for job in jobs if job.region_id == "441900"]
    assert dongguan and {(j.province, j.city, j.district) for j in dongguan} == {
        ("广东省", "东莞市", "")
    }
    kunshan = Job.objects.filter(region_id="320583").first()
    assert (kunshan.province, kunshan.city, kunshan.district) == ("江苏省", "苏州市", "昆山市")
    assert not Organisation.objects.filter(region__isnull=True).exists()


@pytest.mark.django_db
def test_demo_has_bureaus_at_three_levels_and_a_running_an_upcoming_and_an_ended_fair():
    from daigang.fairs.models import Fair
    from daigang.fairs.stats import fair_numbers

    demo_load()
    bureaus = Organisation.objects.filter(kind="bureau")
    assert sorted(bureau.region.level for bureau in bureaus) == [
        "city",
        "city",
        "county",
        "county",
        "province",
    ]
    assert all(bureau.is_verified() for bureau in bureaus)
    phases = sorted(fair.phase() for fair in Fair.objects.filter(status="published"))
    assert phases == ["ended", "running", "upcoming"]
    running = next(fair for fair in Fair.objects.all() if fair.phase() == "running")
    numbers = fair_numbers(fair=running)
    assert numbers["organisations"] == 3 and numbers["sessions"] == 4
    assert Fair.objects.get(target_group="graduates").invites.count() == 2
    assert Fair.objects.get(target_group="veterans").report_frozen_at is not None


@pytest.mark.django_db
def test_the_demo_has_a_published_course_with_a_text_and_a_ready_video_lesson():
    from daigang.courses.models import Course

    demo_load()
    demo_load()  # loading again adds nothing
    course = Course.objects.get(title="叉车司机安全操作入门")
    assert course.is_public()
    assert [lesson.kind for lesson in course.lessons.all()] == ["text", "video"]
    assert all(lesson.is_watchable() for lesson in course.lessons.all())


@pytest.mark.django_db
def test_demo_has_a_training_school_the_lanzhou_bureau_approved_with_a_published_course():
    from daigang.courses.models import Course, CourseProvider

    demo_load()
    demo_load()
    provider = CourseProvider.objects.get(organisation__kind="training")
    assert provider.state == CourseProvider.State.APPROVED
    assert provider.bureau.name == "兰州市公共就业服务中心" and provider.organisation.is_verified()
    course = Course.objects.get(provider=provider)
    assert course.is_public() and course.bureau == provider.bureau


@pytest.mark.django_db
def test_demo_has_job_videos_ready_for_the_feed():
    from django.test import Client

    from daigang.jobs.models import Video

    demo_load()
    ready = Video.objects.filter(state=Video.State.READY, job__isnull=False)
    assert ready.count() == 3
    page = Client().get("/jobs/feed/").content.decode()
    assert all(f"/videos/{video.pk}/{video.sha}.mp4" in page for video in ready)
