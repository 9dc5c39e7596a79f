from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.http import Http404

from daigang.accounts.models import Membership, Organisation
from daigang.accounts.selectors import organisation_review_flags
from daigang.accounts.services.organisations import organisation_approve
from daigang.accounts.testing import (
    jpeg_bytes,
    member_make,
    moderator_make,
    organisation_make,
    organisation_registered_make,
    pdf_bytes,
    png_bytes,
    user_make,
)
from daigang.contracts.models import CheckIn
from daigang.contracts.testing import checkin_answered, hire_make, onboarded_make
from daigang.core.refused import Refused
from daigang.core.testing import RoomEvents, capture_events
from daigang.hiring.apply.services import application_check_open
from daigang.hiring.models import Notification
from daigang.hiring.testing import seeker_make
from daigang.jobs.models import Job
from daigang.jobs.selectors import job_for_public, jobs_open, organisation_public
from daigang.jobs.testing import job_make
from daigang.live.models import Room
from daigang.live.selectors import room_get_public, rooms_live_and_upcoming
from daigang.live.testing import room_make
from daigang.privacy.services import account_delete, seeker_export
from daigang.safety import selectors, services
from daigang.safety.models import Action, Case, Category, Decision, Report, SuspensionListing
from daigang.safety.targets import target_resolve
from daigang.safety.testing import case_of, report_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def events() -> Iterator[RoomEvents]:
    with capture_events() as captured:
        yield captured


@pytest.fixture
def org():
    organisation = organisation_make()
    member_make(organisation=organisation, role=Membership.Role.OWNER, name="老板")
    return organisation


def test_given_a_job_when_two_seekers_report_it_then_one_case_counts_two_reports(org):
    job = job_make(organisation=org, title="普工")
    first = report_make(reporter=seeker_make(), kind="job", target_id=job.pk)
    second = report_make(reporter=seeker_make(), kind="job", target_id=job.pk)
    assert first.case_id == second.case_id
    queue = list(selectors.cases_open(user=moderator_make()))
    assert [(case.pk, case.report_count) for case in queue] == [(first.case_id, 2)]


def test_given_a_report_when_the_same_person_reports_again_then_nothing_new_is_made(org):
    job = job_make(organisation=org)
    seeker = seeker_make()
    first = report_make(reporter=seeker, kind="job", target_id=job.pk)
    again = report_make(reporter=seeker, kind="job", target_id=job.pk, category=Category.OTHER)
    assert again.pk == first.pk and Report.objects.count() == 1


def test_given_an_idempotency_key_when_retried_then_the_first_report_comes_back(org):
    job = job_make(organisation=org)
    seeker = seeker_make()
    target = target_resolve(kind="job", target_id=job.pk, user=seeker)
    first, created = services.report_create(
        reporter=seeker, target=target, category="fees", idempotency_key="k1"
    )
    again, created_again = services.report_create(
        reporter=seeker, target=target, category="fees", idempotency_key="k1"
    )
    assert created and not created_again and again.pk == first.pk
    other = target_resolve(kind="organisation", target_id=org.pk, user=seeker)
    with pytest.raises(Refused) as refused:
        services.report_create(reporter=seeker, target=other, category="fees", idempotency_key="k1")
    assert refused.value.code == "idempotency_key_reused"


def test_given_a_job_when_reported_then_its_text_and_version_are_snapshotted(org):
    job = job_make(organisation=org, title="包装工", duties="装箱打包")
    report = report_make(reporter=seeker_make(), kind="job", target_id=job.pk)
    assert "包装工" in report.snapshot_text and "装箱打包" in report.snapshot_text
    assert len(report.snapshot_version) == 16
    Job.objects.filter(pk=job.pk).update(duties="别的内容")
    report.refresh_from_db()
    assert "装箱打包" in report.snapshot_text


def test_given_a_screenshot_when_reported_then_it_is_re_encoded_and_a_pdf_is_refused(org):
    job = job_make(organisation=org)
    target = target_resolve(kind="job", target_id=job.pk, user=seeker_make())
    report, _ = services.report_create(
        reporter=seeker_make(),
        target=target,
        category="fees",
        screenshot=SimpleUploadedFile("s.jpg", jpeg_bytes(), content_type="image/jpeg"),
    )
    assert report.screenshot_type == "image/jpeg" and report.screenshot
    with pytest.raises(Refused) as refused:
        services.report_create(
            reporter=seeker_make(),
            target=target,
            category="fees",
            screenshot=SimpleUploadedFile("s.pdf", pdf_bytes(), content_type="application/pdf"),
        )
    assert refused.value.code == "screenshot_not_image"


def test_given_a_draft_job_when_an_outsider_reports_it_then_404(org):
    draft = job_make(organisation=org, status=Job.Status.DRAFT)
    with pytest.raises(Http404):
        target_resolve(kind="job", target_id=draft.pk, user=seeker_make())


def test_given_a_job_case_when_taken_down_then_it_is_hidden_and_apply_says_why(org):
    job = job_make(organisation=org)
    case = case_of(report_make(reporter=seeker_make(), kind="job", target_id=job.pk))
    moderator = moderator_make()
    services.case_decide(case=case, by=moderator, action=Action.TAKE_DOWN_JOB, reason="收押金")
    job.refresh_from_db()
    assert job.taken_down_at is not None
    assert not jobs_open().filter(pk=job.pk).exists()
    with pytest.raises(Http404):
        job_for_public(job_id=job.pk, user=None)
    with pytest.raises(Exception) as refused:
        application_check_open(job=job)
    assert refused.value.code == "job_taken_down"  # type: ignore[attr-defined]
    decision = Decision.objects.get(case=case)
    assert (decision.by, decision.reason, decision.outcome) == (
        moderator,
        "收押金",
        "take_down_job",
    )


def test_given_a_live_room_case_when_ended_then_viewers_get_taken_down_and_ended(
    org, events, django_capture_on_commit_callbacks
):
    room = room_make(organisation=org, state=Room.State.LIVE)
    case = case_of(report_make(reporter=seeker_make(), kind="room", target_id=room.pk))
    with django_capture_on_commit_callbacks(execute=True):
        services.case_decide(case=case, by=moderator_make(), action=Action.END_ROOM, reason="引流")
    room.refresh_from_db()
    assert room.state == Room.State.ENDED and room.taken_down_at is not None
    kinds = [event.kind for event in events if event.room_id == room.pk]
    assert kinds[:2] == ["taken_down", "state"]
    with pytest.raises(Http404):
        room_get_public(room_id=room.pk)


def test_given_an_organisation_when_suspended_then_everything_of_it_is_hidden_and_members_told(
    org, events, django_capture_on_commit_callbacks
):
    job = job_make(organisation=org)
    live = room_make(organisation=org, state=Room.State.LIVE)
    upcoming = room_make(organisation=org)
    anchor = member_make(organisation=org, role=Membership.Role.ANCHOR)
    case = case_of(report_make(reporter=seeker_make(), kind="organisation", target_id=org.pk))
    with django_capture_on_commit_callbacks(execute=True):
        services.case_decide(case=case, by=moderator_make(), action=Action.SUSPEND, reason="诈骗")
    org.refresh_from_db()
    assert org.is_suspended and not org.is_verified()
    assert not jobs_open().filter(pk=job.pk).exists()
    assert rooms_live_and_upcoming() == []
    for room in (live, upcoming):
        room.refresh_from_db()
        assert room.state == Room.State.ENDED
    assert "taken_down" in [event.kind for event in events if event.room_id == live.pk]
    with pytest.raises(Http404):
        organisation_public(organisation_id=org.pk)
    assert Notification.objects.filter(user=anchor, text__contains="诈骗").exists()
    listing = SuspensionListing.objects.get()
    assert listing.uscc == org.uscc and listing.lifted_at is None


def test_given_a_decided_case_when_the_organisation_appeals_twice_then_the_second_is_refused(org):
    owner = org.memberships.get().user
    case = case_of(report_make(reporter=seeker_make(), kind="organisation", target_id=org.pk))
    services.case_decide(case=case, by=moderator_make(), action=Action.WARN, reason="注意")
    services.appeal_submit(case=case, by=owner, text="我们没有收费")
    with pytest.raises(Refused) as refused:
        services.appeal_submit(case=case, by=owner, text="再申诉")
    assert refused.value.code == "appeal_once"


def test_given_an_appeal_when_the_deciding_moderator_decides_it_then_refused(org):
    owner = org.memberships.get().user
    moderator = moderator_make()
    case = case_of(report_make(reporter=seeker_make(), kind="organisation", target_id=org.pk))
    services.case_decide(case=case, by=moderator, action=Action.SUSPEND, reason="诈骗")
    services.appeal_submit(case=case, by=owner, text="误会")
    with pytest.raises(Refused) as refused:
        services.appeal_decide(case=case, by=moderator, upheld=True, reason="好")
    assert refused.value.code == "second_moderator_required"


def test_given_a_suspension_when_a_second_moderator_upholds_the_appeal_then_it_is_public_again(
    org,
):
    owner = org.memberships.get().user
    job = job_make(organisation=org)
    case = case_of(report_make(reporter=seeker_make(), kind="organisation", target_id=org.pk))
    services.case_decide(case=case, by=moderator_make(), action=Action.SUSPEND, reason="诈骗")
    services.appeal_submit(case=case, by=owner, text="误会，证照齐全")
    services.appeal_decide(case=case, by=moderator_make(), upheld=True, reason="核实无误")
    org.refresh_from_db()
    assert not org.is_suspended and org.is_verified()
    assert organisation_public(organisation_id=org.pk) == org
    assert jobs_open().filter(pk=job.pk).exists()
    assert SuspensionListing.objects.get().lifted_at is not None
    assert [d.step for d in Decision.objects.filter(case=case)] == [
        "decision",
        "appeal",
        "appeal_decision",
    ]


def test_given_a_takedown_when_the_appeal_is_rejected_then_it_stays(org):
    owner = org.memberships.get().user
    job = job_make(organisation=org)
    case = case_of(report_make(reporter=seeker_make(), kind="job", target_id=job.pk))
    services.case_decide(case=case, by=moderator_make(), action=Action.TAKE_DOWN_JOB, reason="x")
    services.appeal_submit(case=case, by=owner, text="y")
    services.appeal_decide(case=case, by=moderator_make(), upheld=False, reason="证据确凿")
    job.refresh_from_db()
    assert job.taken_down_at is not None


def test_given_a_decision_when_made_then_the_reporter_sees_the_outcome(org):
    seeker = seeker_make()
    job = job_make(organisation=org)
    report = report_make(reporter=seeker, kind="job", target_id=job.pk)
    services.case_decide(case=case_of(report), by=moderator_make(), action="dismiss", reason="正常")
    mine = list(selectors.reports_of_reporter(user=seeker))
    assert mine[0].case.get_action_display() == "驳回举报"
    assert Notification.objects.filter(user=seeker, text__contains="驳回举报").exists()


def test_given_a_suspended_uscc_when_an_organisation_carries_it_then_the_review_page_flags_it(org):
    case = case_of(report_make(reporter=seeker_make(), kind="organisation", target_id=org.pk))
    services.case_decide(case=case, by=moderator_make(), action=Action.SUSPEND, reason="诈骗")
    listed_uscc = org.uscc
    Organisation.objects.filter(pk=org.pk).update(uscc="91320583MA1XXXXX0X"[:18])
    other = organisation_make(status=Organisation.Status.PENDING)
    Organisation.objects.filter(pk=other.pk).update(uscc=listed_uscc)
    other.refresh_from_db()
    flags = organisation_review_flags(organisation=other)
    assert len(flags) == 1 and listed_uscc in flags[0]


def test_given_a_suspended_agency_when_its_licence_number_comes_back_then_it_is_flagged():
    agency = organisation_make(kind=Organisation.Kind.AGENCY)
    case = case_of(report_make(reporter=seeker_make(), kind="organisation", target_id=agency.pk))
    services.case_decide(case=case, by=moderator_make(), action=Action.SUSPEND, reason="诈骗")
    again = organisation_make(kind=Organisation.Kind.AGENCY, status=Organisation.Status.PENDING)
    Organisation.objects.filter(pk=again.pk).update(hr_licence_number=agency.hr_licence_number)
    again.refresh_from_db()
    assert any(
        agency.hr_licence_number in flag for flag in organisation_review_flags(organisation=again)
    )


def test_given_the_suspended_list_then_moderators_and_bureau_viewers_see_it_and_others_not(org):
    bureau = organisation_make(kind=Organisation.Kind.BUREAU)
    viewer = member_make(organisation=bureau, role=Membership.Role.VIEWER)
    operator_less = member_make(organisation=org, role=Membership.Role.HR)
    assert selectors.suspension_list_may_see(user=moderator_make())
    assert selectors.suspension_list_may_see(user=viewer)
    assert not selectors.suspension_list_may_see(user=operator_less)
    assert not selectors.suspension_list_may_see(user=user_make())


def test_given_a_checkin_answering_not_as_described_then_it_is_a_report_against_the_organisation(
    django_capture_on_commit_callbacks,
):
    hire = hire_make()
    onboarding = onboarded_make(hire)
    checkin = onboarding.checkins.order_by("day").first()
    CheckIn.objects.filter(pk=checkin.pk).update(due_on=checkin.due_on.replace(year=2000))
    checkin.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        checkin_answered(checkin, wage="no", board="yes", work="yes")
    report = Report.objects.get()
    assert report.source == Report.Source.CHECKIN and report.reporter == hire.seeker
    assert report.case.kind == "organisation" and report.case.organisation == hire.organisation
    assert report.category == Category.DIFFERS


def test_given_a_checkin_answering_yes_then_no_report(django_capture_on_commit_callbacks):
    hire = hire_make()
    checkin = onboarded_make(hire).checkins.order_by("day").first()
    CheckIn.objects.filter(pk=checkin.pk).update(due_on=checkin.due_on.replace(year=2000))
    checkin.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        checkin_answered(checkin, wage="yes", board="partly", work="yes")
    assert not Report.objects.exists()


def test_given_a_seekers_reports_then_they_are_exported_and_anonymised_on_deletion(org):
    seeker = seeker_make()
    job = job_make(organisation=org)
    report_make(reporter=seeker, kind="job", target_id=job.pk, text="要交300押金")
    exported = seeker_export(user=seeker)
    assert exported["reports"][0]["text"] == "要交300押金"
    account_delete(user=seeker)
    report = Report.objects.get()
    assert report.text == "" and report.snapshot_text  # the case keeps what was reported


def test_given_a_clause_when_its_seeker_reports_it_then_the_clause_is_the_snapshot():
    from daigang.contracts.testing import contract_make

    hire = hire_make()
    contract = contract_make(hire)
    target = target_resolve(kind="clause", target_id=contract.pk, user=hire.seeker, clause=1)
    assert target.text.startswith("1. ")
    with pytest.raises(Http404):
        target_resolve(kind="clause", target_id=contract.pk, user=seeker_make())


def test_given_a_job_taken_down_then_its_rooms_no_longer_show_it(org):
    from daigang.live.selectors import jobs_schedulable, room_jobs

    job = job_make(organisation=org, title="普工")
    kept = job_make(organisation=org, title="仓管")
    room = room_make(organisation=org, jobs=[job, kept])
    case = case_of(report_make(reporter=seeker_make(), kind="job", target_id=job.pk))
    services.case_decide(case=case, by=moderator_make(), action=Action.TAKE_DOWN_JOB, reason="x")
    assert room_jobs(room=room) == [kept]
    assert list(jobs_schedulable(organisation=org)) == [kept]


def test_given_a_job_taken_down_when_the_appeal_is_upheld_then_seekers_can_apply_again(org):
    owner = org.memberships.get().user
    job = job_make(organisation=org)
    case = case_of(report_make(reporter=seeker_make(), kind="job", target_id=job.pk))
    services.case_decide(case=case, by=moderator_make(), action=Action.TAKE_DOWN_JOB, reason="x")
    services.appeal_submit(case=case, by=owner, text="已改正")
    services.appeal_decide(case=case, by=moderator_make(), upheld=True, reason="核实")
    job.refresh_from_db()
    application_check_open(job=job)  # no refusal
    assert job_for_public(job_id=job.pk, user=None) == job


def test_given_a_decided_case_when_reported_again_then_a_new_case_opens(org):
    job = job_make(organisation=org)
    seeker = seeker_make()
    first = report_make(reporter=seeker, kind="job", target_id=job.pk)
    services.case_decide(case=case_of(first), by=moderator_make(), action="dismiss", reason="正常")
    second = report_make(reporter=seeker, kind="job", target_id=job.pk)
    assert second.case_id != first.case_id
    assert Case.objects.filter(status=Case.Status.OPEN).count() == 1


def test_given_a_suspended_organisation_deleted_when_its_uscc_registers_again_then_flagged(org):
    from daigang.accounts.testing import organisation_registered_make

    uscc = org.uscc
    case = case_of(report_make(reporter=seeker_make(), kind="organisation", target_id=org.pk))
    services.case_decide(case=case, by=moderator_make(), action=Action.SUSPEND, reason="诈骗")
    Organisation.objects.filter(pk=org.pk).delete()
    again = organisation_registered_make(uscc=uscc)
    flags = organisation_review_flags(organisation=again)
    assert len(flags) == 1 and uscc in flags[0] and "诈骗" in flags[0]


def test_given_a_chat_message_when_reported_then_its_room_can_be_ended_from_the_case(org):
    from daigang.live.models import ChatMessage

    room = room_make(organisation=org, state=Room.State.LIVE)
    message = ChatMessage.objects.create(room=room, user=seeker_make(), text="加我vx123456")
    report = report_make(reporter=seeker_make(), kind="message", target_id=message.pk)
    case = case_of(report)
    assert report.snapshot_text == "加我vx123456"
    assert (case.organisation_id, case.room_id) == (org.pk, room.pk)
    services.case_decide(case=case, by=moderator_make(), action=Action.END_ROOM, reason="引流")
    room.refresh_from_db()
    assert room.taken_down_at is not None


def test_given_a_room_case_when_a_job_takedown_is_asked_then_refused(org):
    room = room_make(organisation=org)
    case = case_of(report_make(reporter=seeker_make(), kind="room", target_id=room.pk))
    with pytest.raises(Refused) as refused:
        services.case_decide(case=case, by=moderator_make(), action="take_down_job", reason="x")
    assert refused.value.code == "no_job"


def test_given_a_seeker_when_they_decide_a_case_then_refused(org):
    case = case_of(report_make(reporter=seeker_make(), kind="organisation", target_id=org.pk))
    with pytest.raises(Refused):
        services.case_decide(case=case, by=seeker_make(), action="dismiss", reason="x")


def test_given_two_suspensions_when_one_appeal_is_upheld_then_the_other_keeps_it_suspended(org):
    owner = org.memberships.get().user
    first = case_of(report_make(reporter=seeker_make(), kind="organisation", target_id=org.pk))
    services.case_decide(case=first, by=moderator_make(), action=Action.SUSPEND, reason="押金")
    # (a suspended organisation's page is hidden, so the second case comes from a check-in)
    second = Case.objects.create(kind="organisation", target_id=org.pk, organisation=org, label="x")
    services.case_decide(case=second, by=moderator_make(), action=Action.SUSPEND, reason="诈骗")
    services.appeal_submit(case=first, by=owner, text="误会")
    services.appeal_decide(case=first, by=moderator_make(), upheld=True, reason="核实")
    org.refresh_from_db()
    assert org.is_suspended


def _registered_and_verified() -> Organisation:
    organisation = organisation_registered_make()
    return organisation_approve(organisation=organisation, by=moderator_make())


def test_given_a_suspended_organisation_when_its_licence_file_is_uploaded_again_under_another_name_then_flagged():
    # Given a company suspended for fraud, which had uploaded its business licence
    banned = _registered_and_verified()
    case = case_of(report_make(reporter=seeker_make(), kind="organisation", target_id=banned.pk))
    services.case_decide(case=case, by=moderator_make(), action=Action.SUSPEND, reason="诈骗")
    # When a new organisation with a new name and USCC uploads the very same licence file
    again = organisation_registered_make(name="福州另一家电子有限公司")
    # Then the review page flags it, naming the listed organisation and why it was listed
    flags = organisation_review_flags(organisation=again)
    assert len(flags) == 1 and banned.uscc in flags[0] and "诈骗" in flags[0]
    # And the suspended organisation itself is flagged by its USCC only, not by its own files
    assert len(organisation_review_flags(organisation=banned)) == 1


def test_given_an_appeal_upheld_when_the_same_licence_file_comes_back_then_it_is_not_flagged():
    banned = _registered_and_verified()
    case = case_of(report_make(reporter=seeker_make(), kind="organisation", target_id=banned.pk))
    services.case_decide(case=case, by=moderator_make(), action=Action.SUSPEND, reason="诈骗")
    owner = banned.memberships.get().user
    services.appeal_submit(case=case, by=owner, text="误会，证照齐全")
    services.appeal_decide(case=case, by=moderator_make(), upheld=True, reason="核实无误")
    again = organisation_registered_make(name="福州另一家电子有限公司")
    assert organisation_review_flags(organisation=again) == []


def _private_files() -> list[Path]:
    return [path for path in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if path.is_file()]


def test_given_a_screenshot_when_the_case_is_decided_while_it_uploads_then_409_and_no_file(org):
    # given a report read while its case was open, then decided (a moderator was quicker)
    job = job_make(organisation=org)
    reporter = seeker_make()
    report = Report.objects.select_related("case").get(
        pk=report_make(reporter=reporter, kind="job", target_id=job.pk).pk
    )
    services.case_decide(case=case_of(report), by=moderator_make(), action="warn", reason="押金")

    # when the upload reaches the locked case
    with pytest.raises(Refused) as refused:
        services.report_screenshot_attach(
            report=report,
            by=reporter,
            screenshot=SimpleUploadedFile("s.jpg", jpeg_bytes(), content_type="image/jpeg"),
        )

    # then it is refused, and the file written before the lock is gone again
    assert (refused.value.code, refused.value.status) == ("case_decided", 409)
    assert _private_files() == []


def test_given_a_screenshot_when_its_transaction_rolls_back_then_no_file_is_left(org, monkeypatch):
    # given a report, and a database that fails as the screenshot is saved
    job = job_make(organisation=org)
    reporter = seeker_make()
    report = report_make(reporter=reporter, kind="job", target_id=job.pk)

    def failing_save(self, *args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(Report, "save", failing_save)

    # when
    with pytest.raises(DatabaseError):
        services.report_screenshot_attach(
            report=report,
            by=reporter,
            screenshot=SimpleUploadedFile("s.jpg", jpeg_bytes(), content_type="image/jpeg"),
        )

    # then
    assert _private_files() == []


def test_given_appeal_evidence_when_its_transaction_rolls_back_then_the_first_stays(
    org, monkeypatch
):
    # given an appeal with its evidence
    owner = org.memberships.get(role="owner").user
    report = report_make(reporter=seeker_make(), kind="organisation", target_id=org.pk)
    case = services.case_decide(
        case=case_of(report), by=moderator_make(), action="warn", reason="x"
    )
    case = services.appeal_submit(
        case=case,
        by=owner,
        text="已改正",
        evidence=SimpleUploadedFile("e.png", png_bytes(), content_type="image/png"),
    )
    before = _private_files()

    def failing_save(self, *args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(Case, "save", failing_save)

    # when another file is sent and the database fails
    with pytest.raises(DatabaseError):
        services.appeal_evidence_attach(
            case=case,
            by=owner,
            evidence=SimpleUploadedFile("e.jpg", jpeg_bytes(), content_type="image/jpeg"),
        )

    # then the appeal keeps its file, and the new one is not left behind
    case.refresh_from_db()
    assert case.appeal_evidence_type == "image/png" and _private_files() == before
