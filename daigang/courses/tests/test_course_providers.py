"""Training organisations (培训机构) a bureau approves: the request, the bureau's decisions
(approve, refuse with a reason, revoke), each recorded and told to the other side, repeats
changing nothing, only the bureau's course writers deciding; an approved organisation
publishing a course through the bureau's own pages, a seeker enrolling in it, and a
revocation unpublishing it while the seeker keeps their progress and certificate."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from openpyxl import load_workbook

from daigang.accounts.models import Membership, Organisation
from daigang.accounts.testing import member_make, organisation_make
from daigang.core.refused import Refused
from daigang.courses.fingerprint import certificate_fingerprint, certificate_record
from daigang.courses.models import Course, CourseProvider, CourseProviderChange
from daigang.courses.services import (
    course_enrol,
    course_publish,
    course_save,
    lesson_progress_record,
    provider_decide,
    provider_request,
)
from daigang.courses.testing import course_make, course_owner, training_make
from daigang.fairs.testing import LANZHOU, bureau_make
from daigang.hiring.models import Notification
from daigang.hiring.testing import seeker_make
from daigang.workspace.selectors import workspace_for

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _school_owner(provider: CourseProvider):  # type: ignore[no-untyped-def]
    return course_owner(bureau=provider.organisation)


def test_a_training_organisation_asks_a_bureau_and_the_bureau_is_told_once():
    # given a bureau with an operator, and a verified training organisation
    bureau = bureau_make(region=LANZHOU)
    operator = member_make(organisation=bureau, role=Membership.Role.OPERATOR, name="运营")
    # when the school asks, and asks again (a retried form)
    provider = training_make(bureau=bureau, approve=False)
    again = provider_request(
        organisation=provider.organisation, bureau=bureau, by=_school_owner(provider)
    )
    # then one request is waiting, recorded once, and the operator was told once
    assert again.pk == provider.pk and again.state == CourseProvider.State.REQUESTED
    assert list(provider.changes.values_list("to_state", flat=True)) == ["requested"]
    told = Notification.objects.filter(user=operator)
    assert told.count() == 1 and provider.organisation.name in told.get().text
    assert told.get().url == f"/manage/{bureau.pk}/course-providers/"


def test_only_a_verified_training_organisation_may_ask():
    bureau = bureau_make()
    company = organisation_make(kind=Organisation.Kind.COMPANY)
    owner = member_make(organisation=company, role=Membership.Role.OWNER)
    with pytest.raises(Refused) as refused:
        provider_request(organisation=company, bureau=bureau, by=owner)
    assert refused.value.status == 404
    pending = organisation_make(kind=Organisation.Kind.TRAINING, status=Organisation.Status.PENDING)
    owner = member_make(organisation=pending, role=Membership.Role.OWNER)
    with pytest.raises(Refused) as refused:
        provider_request(organisation=pending, bureau=bureau, by=owner)
    assert refused.value.code == "not_verified"
    assert not CourseProvider.objects.exists()


def test_the_bureau_approves_once_and_the_school_is_told_once():
    # given a request
    bureau = bureau_make()
    provider = training_make(bureau=bureau, approve=False)
    school_owner = _school_owner(provider)
    decider = course_owner(bureau=bureau)
    # when the bureau's owner approves twice (a double tap)
    first = provider_decide(provider=provider, by=decider, decision="approve")
    second = provider_decide(provider=provider, by=decider, decision="approve")
    # then it is approved, recorded with who and when, and the school was told once
    assert first.state == second.state == CourseProvider.State.APPROVED
    assert second.decided_by == decider and second.decided_at is not None
    change = provider.changes.get(to_state="approved")
    assert change.by == decider
    assert Notification.objects.filter(user=school_owner).count() == 1
    assert "已批准" in Notification.objects.get(user=school_owner).text


def test_a_refusal_needs_a_reason_which_the_school_reads():
    bureau = bureau_make()
    provider = training_make(bureau=bureau, approve=False)
    decider = course_owner(bureau=bureau)
    # when the bureau refuses without a reason, nothing changes
    with pytest.raises(ValidationError):
        provider_decide(provider=provider, by=decider, decision="refuse", reason="  ")
    provider.refresh_from_db()
    assert provider.state == CourseProvider.State.REQUESTED
    # with a reason: refused, recorded, told; refusing again changes nothing
    provider_decide(provider=provider, by=decider, decision="refuse", reason="缺少办学许可证")
    provider_decide(provider=provider, by=decider, decision="refuse", reason="缺少办学许可证")
    provider.refresh_from_db()
    assert provider.state == CourseProvider.State.REFUSED and provider.reason == "缺少办学许可证"
    assert CourseProviderChange.objects.filter(provider=provider, to_state="refused").count() == 1
    text = Notification.objects.get(user=_school_owner(provider)).text
    assert "缺少办学许可证" in text
    # and the school's page shows the reason
    page = _client(_school_owner(provider)).get(f"/manage/{provider.organisation_id}/training/")
    assert "缺少办学许可证" in page.content.decode()
    # and a refused school cannot publish
    with pytest.raises(Refused):
        course_make(bureau=bureau, publisher=provider.organisation)
    # and it may ask again: a new request
    provider_request(organisation=provider.organisation, bureau=bureau, by=_school_owner(provider))
    provider.refresh_from_db()
    assert provider.state == CourseProvider.State.REQUESTED


def test_only_the_bureaus_course_writers_decide():
    bureau = bureau_make()
    provider = training_make(bureau=bureau, approve=False)
    other_bureau = bureau_make(region=LANZHOU)
    outsiders = [
        member_make(organisation=bureau, role=Membership.Role.VIEWER),
        member_make(organisation=bureau, role=Membership.Role.MATCHMAKER),
        course_owner(bureau=other_bureau),
        _school_owner(provider),
        seeker_make(),
    ]
    for user in outsiders:
        with pytest.raises(Refused) as refused:
            provider_decide(provider=provider, by=user, decision="approve")
        assert refused.value.status == 404
        # nor through the page: the bureau's page is theirs only
        answer = _client(user).post(
            f"/manage/{bureau.pk}/course-providers/{provider.pk}/decide/",
            {"decision": "approve"},
        )
        assert answer.status_code == 404
    provider.refresh_from_db()
    assert provider.state == CourseProvider.State.REQUESTED
    # the operator may, through the page
    operator = member_make(organisation=bureau, role=Membership.Role.OPERATOR, name="运营")
    answer = _client(operator).post(
        f"/manage/{bureau.pk}/course-providers/{provider.pk}/decide/", {"decision": "approve"}
    )
    assert answer.status_code == 302
    provider.refresh_from_db()
    assert provider.state == CourseProvider.State.APPROVED


def test_a_schools_hr_member_neither_asks_nor_writes_courses():
    # given an approved school with an HR member (roles: ORGANISATION_MANAGE and
    # COURSES_WRITE are the owner's)
    provider = training_make(bureau=bureau_make())
    hr = member_make(organisation=provider.organisation, role=Membership.Role.HR)
    client = _client(hr)
    school = provider.organisation_id
    # then its pages are not theirs, and the services refuse them too
    assert client.get(f"/manage/{school}/training/").status_code == 404
    assert client.get(f"/manage/{school}/courses/").status_code == 404
    with pytest.raises(Refused):
        provider_request(organisation=provider.organisation, bureau=provider.bureau, by=hr)
    # while the owner opens both
    owner_client = _client(_school_owner(provider))
    assert owner_client.get(f"/manage/{school}/training/").status_code == 200
    assert owner_client.get(f"/manage/{school}/courses/").status_code == 200


def test_an_approved_school_publishes_through_the_same_pages_and_a_seeker_enrols():
    # given a school the 兰州 bureau approved
    bureau = bureau_make(region=LANZHOU)
    provider = training_make(bureau=bureau)
    owner = _school_owner(provider)
    client = _client(owner)
    school = provider.organisation.pk
    # when its owner creates a course and a text lesson on the course pages, and publishes
    answer = client.post(
        f"/manage/{school}/courses/new/",
        {"title": "育婴员基础", "category": "professional", "kind_of_work": "育婴"},
    )
    assert answer.status_code == 302
    course = Course.objects.get(title="育婴员基础")
    assert answer["Location"] == f"/manage/{school}/courses/{course.pk}/"
    answer = client.post(
        f"/manage/{school}/courses/{course.pk}/lessons/new/",
        {"title": "新生儿护理", "kind": "text", "body": "洗澡水温38℃左右。"},
    )
    assert answer.status_code == 302
    client.post(f"/manage/{school}/courses/{course.pk}/publish/")
    course.refresh_from_db()
    # then the course is published under the bureau (its region), provided by the school
    assert course.is_public() and course.bureau == bureau and course.provider == provider
    # and the public page names both
    page = Client().get(f"/courses/{course.pk}/").content.decode()
    assert f"由 {provider.organisation.name} 提供，{bureau.name} 审核" in page
    # and a seeker enrols and completes it
    seeker = seeker_make()
    course_enrol(course=course, user=seeker)
    result = lesson_progress_record(
        lesson=course.lessons.get(), user=seeker, position_s=0, ended=True
    )
    assert result.certificate is not None
    # and the bureau's own course list does not mix it with its own courses
    assert (
        course.title
        not in _client(course_owner(bureau=bureau))
        .get(f"/manage/{bureau.pk}/courses/")
        .content.decode()
    )


def test_a_fee_in_a_schools_course_is_refused_as_in_a_bureaus():
    provider = training_make(bureau=bureau_make())
    with pytest.raises(ValidationError) as refused:
        course_save(
            publisher=provider.organisation,
            by=_school_owner(provider),
            course=None,
            title="叉车证培训",
            category=Course.Category.PROFESSIONAL,
            kind_of_work="叉车",
            description="报名需交培训费800元，可办理分期贷款",
        )
    assert "description" in refused.value.message_dict
    assert not Course.objects.exists()


def test_revoking_unpublishes_the_schools_courses_and_keeps_the_seekers_certificate():
    # given an approved school's published course that a seeker completed
    bureau = bureau_make()
    provider = training_make(bureau=bureau)
    course = course_make(bureau=bureau, publisher=provider.organisation)
    own = course_make(bureau=bureau, title="电工入门")
    seeker = seeker_make()
    course_enrol(course=course, user=seeker)
    certificate = lesson_progress_record(
        lesson=course.lessons.get(), user=seeker, position_s=0, ended=True
    ).certificate
    assert certificate is not None
    # when the bureau revokes it (a reason is needed), twice
    decider = course_owner(bureau=bureau)
    with pytest.raises(ValidationError):
        provider_decide(provider=provider, by=decider, decision="revoke")
    provider_decide(provider=provider, by=decider, decision="revoke", reason="多次投诉")
    provider_decide(provider=provider, by=decider, decision="revoke", reason="多次投诉")
    # then its course is no longer public; the bureau's own is
    course.refresh_from_db()
    own.refresh_from_db()
    assert not course.is_public() and own.is_public()
    assert Client().get(f"/courses/{course.pk}/").status_code == 404
    # and the seeker keeps their enrolment, progress and a verifiable certificate
    seeker_client = _client(seeker)
    assert course.enrolments.get(user=seeker).completed_at is not None
    mine = seeker_client.get("/me/courses/").content.decode()
    assert course.title in mine and "课程已下架" in mine
    assert seeker_client.get(f"/me/certificates/{certificate.pk}/pdf/").status_code == 200
    verify = Client().get(f"/certificates/{certificate.number}/").content.decode()
    assert certificate.holder_name[0] in verify and "有效" in verify
    # naming the school that taught it, in its fingerprint too
    assert certificate.provider_name == provider.organisation.name
    assert provider.organisation.name in verify
    assert certificate.content_sha256 == certificate_fingerprint(certificate=certificate)
    assert certificate_record(certificate=certificate)["certificate"]["provider"]["name"] == (
        provider.organisation.name
    )
    # and the school can no longer publish or open its course pages
    with pytest.raises(Refused):
        course_publish(course=course, by=_school_owner(provider))
    school_client = _client(_school_owner(provider))
    assert school_client.get(f"/manage/{provider.organisation_id}/courses/").status_code == 404
    # and the school was told, with the reason; one step recorded
    assert "多次投诉" in Notification.objects.filter(user=_school_owner(provider)).first().text  # type: ignore[union-attr]
    assert provider.changes.filter(to_state="revoked").count() == 1


def test_the_workspace_shows_courses_to_an_approved_schools_owner_only():
    bureau = bureau_make()
    provider = training_make(bureau=bureau, approve=False)
    owner = _school_owner(provider)
    workspace = workspace_for(user=owner, organisation_id=provider.organisation_id)
    assert workspace is not None
    assert workspace.item("courses") is None and workspace.item("training") is not None
    provider_decide(provider=provider, by=course_owner(bureau=bureau), decision="approve")
    workspace = workspace_for(user=owner, organisation_id=provider.organisation_id)
    assert workspace is not None and workspace.item("courses") is not None


def test_the_numbers_name_the_provider_and_filter_by_it():
    # given a bureau's own course and a school's, each with one enrolment
    bureau = bureau_make()
    provider = training_make(bureau=bureau)
    school_course = course_make(bureau=bureau, publisher=provider.organisation, title="育婴员")
    own = course_make(bureau=bureau, title="电工入门")
    for course in (school_course, own):
        course_enrol(course=course, user=seeker_make())
    client = _client(course_owner(bureau=bureau))
    # when the bureau reads its numbers filtered by the school
    page = client.get(
        f"/manage/{bureau.pk}/courses/stats/?provider={provider.organisation_id}"
    ).content.decode()
    # then only the school's course shows, with the school named
    assert f'data-course="{school_course.pk}"' in page
    assert f'data-course="{own.pk}"' not in page
    assert provider.organisation.name in page
    # and the export has the provider column
    export = client.get(
        f"/manage/{bureau.pk}/courses/stats.xlsx?provider={provider.organisation_id}"
    )
    rows = list(load_workbook(io.BytesIO(b"".join(export.streaming_content))).worksheets[0].values)
    assert rows[0][2] == "培训机构"
    assert rows[1][:3] == ("育婴员", bureau.region.name, provider.organisation.name)  # type: ignore[union-attr]
    # unfiltered: both
    page = client.get(f"/manage/{bureau.pk}/courses/stats/").content.decode()
    assert f'data-course="{school_course.pk}"' in page and f'data-course="{own.pk}"' in page


def test_a_bureaus_own_certificate_keeps_the_fingerprint_record_it_always_had():
    # given a bureau's own course completed by a seeker
    course = course_make(bureau=bureau_make())
    seeker = seeker_make()
    course_enrol(course=course, user=seeker)
    certificate = lesson_progress_record(
        lesson=course.lessons.get(), user=seeker, position_s=0, ended=True
    ).certificate
    assert certificate is not None
    # then its record has no provider (certificates issued before providers still verify)
    record = certificate_record(certificate=certificate)
    assert set(record["certificate"]) == {"number", "issued_at", "holder", "course", "bureau"}
    assert certificate.provider_name == ""
