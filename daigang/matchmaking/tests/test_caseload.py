"""Matchmakers' caseloads: assignment and invite links, the seeker's consent and leaving,
follow-ups, recommendations that refer an application, and the numbers per matchmaker."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from daigang.accounts.models import Membership, Organisation
from daigang.accounts.testing import member_make, organisation_make, user_make
from daigang.contracts.testing import checkin_answered, hire_make, onboarded_make
from daigang.core.qr import qr_svg
from daigang.core.refused import Refused
from daigang.fairs.testing import bureau_make
from daigang.hiring.apply.services import application_apply, application_consent_text
from daigang.hiring.models import Application, Notification, PhoneView, Stage, referral_source
from daigang.hiring.pipeline.services import application_advance
from daigang.hiring.testing import application_make, seeker_make
from daigang.jobs.testing import job_make
from daigang.matchmaking import selectors, services
from daigang.matchmaking.models import Case, FollowUp, Recommendation
from daigang.matchmaking.testing import case_make, matchmaker_make

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def bureau():
    return bureau_make(region="620100")


@pytest.fixture
def matchmaker(bureau):
    return matchmaker_make(organisation=bureau)


def test_an_assigned_seeker_is_told_and_the_matchmaker_sees_only_a_masked_phone_until_they_agree(
    bureau, matchmaker
):
    # given the bureau's operator assigns a seeker by phone
    operator = member_make(organisation=bureau, role=Membership.Role.OPERATOR)
    seeker = seeker_make(name="马小军")
    case = services.case_assign(
        organisation=bureau, matchmaker=matchmaker, phone=seeker.phone, by=operator
    )
    # then the seeker is told, and the matchmaker sees a masked phone, no name, no progress
    assert Notification.objects.filter(user=seeker, url=reverse("matchmaking:mine")).count() == 1
    page = _client(matchmaker.user).get(reverse("matchmaking:caseload", args=[bureau.pk]))
    assert seeker.masked_phone in page.content.decode()
    assert "马小军" not in page.content.decode()
    assert (
        _client(matchmaker.user)
        .get(reverse("matchmaking:case", args=[bureau.pk, case.pk]))
        .content.decode()
        .count(seeker.phone)
        == 0
    )
    # when the seeker agrees on 谁在跟进我
    response = _client(seeker).post(reverse("matchmaking:consent", args=[case.pk]))
    assert response.status_code == 302
    # then the matchmaker sees the name and the full phone, and the view is audited
    page = _client(matchmaker.user).get(reverse("matchmaking:case", args=[bureau.pk, case.pk]))
    assert seeker.phone in page.content.decode()
    view = PhoneView.objects.get(seeker=seeker)
    assert (view.organisation_id, view.viewer_id, view.source) == (
        bureau.pk,
        matchmaker.user_id,
        "caseload",
    )


def test_assigning_the_same_seeker_twice_changes_nothing_and_tells_them_once(bureau, matchmaker):
    owner = member_make(organisation=bureau, role=Membership.Role.OWNER)
    seeker = seeker_make()
    first = services.case_assign(
        organisation=bureau, matchmaker=matchmaker, phone=seeker.phone, by=owner
    )
    second = services.case_assign(
        organisation=bureau, matchmaker=matchmaker, phone=seeker.phone, by=owner
    )
    assert first.pk == second.pk
    assert Notification.objects.filter(user=seeker).count() == 1


def test_an_hr_member_may_not_assign_and_a_company_has_no_caseload(bureau, matchmaker):
    hr = member_make(organisation=bureau, role=Membership.Role.HR)
    with pytest.raises(Refused):
        services.case_assign(organisation=bureau, matchmaker=matchmaker, phone="13800138000", by=hr)
    company = organisation_make()
    owner = member_make(organisation=company, role=Membership.Role.OWNER)
    assert _client(owner).get(reverse("matchmaking:caseload", args=[company.pk])).status_code == 404


def test_a_labour_agency_may_have_matchmakers_too():
    agency = organisation_make(kind=Organisation.Kind.AGENCY)
    matchmaker = matchmaker_make(organisation=agency)
    response = _client(matchmaker.user).get(reverse("matchmaking:caseload", args=[agency.pk]))
    assert response.status_code == 200


def test_a_seeker_joins_by_the_invite_link_with_consent_and_can_leave(bureau, matchmaker):
    # given the matchmaker's invite link
    link = services.invite_link_for(membership=matchmaker)
    seeker = seeker_make()
    client = _client(seeker)
    # when the seeker opens it they read who will see what
    page = client.get(reverse("matchmaking:invite", args=[link.token]))
    assert "手机号" in page.content.decode() and bureau.name in page.content.decode()
    # and when they agree they are in the caseload with consent recorded
    client.post(reverse("matchmaking:invite", args=[link.token]))
    case = Case.objects.get(membership=matchmaker, seeker=seeker)
    assert case.consent_active and bureau.name in case.consent_text
    # when they leave at /me/matchmakers/
    client.post(reverse("matchmaking:leave", args=[case.pk]))
    # then the matchmaker can no longer open their page, and the caseload no longer lists them
    assert (
        _client(matchmaker.user)
        .get(reverse("matchmaking:case", args=[bureau.pk, case.pk]))
        .status_code
        == 404
    )
    assert selectors.caseload_rows(membership=matchmaker) == []
    # and joining again by the link asks for, and records, consent again
    client.post(reverse("matchmaking:invite", args=[link.token]))
    case.refresh_from_db()
    assert case.consent_active


def test_another_matchmaker_cannot_open_a_case_that_is_not_theirs(bureau, matchmaker):
    case = case_make(membership=matchmaker, seeker=seeker_make())
    other = matchmaker_make(organisation=bureau, name="专员小吴")
    response = _client(other.user).get(reverse("matchmaking:case", args=[bureau.pk, case.pk]))
    assert response.status_code == 404


def test_a_follow_up_with_the_same_client_key_is_logged_once_and_sets_the_next_date(matchmaker):
    case = case_make(membership=matchmaker, seeker=seeker_make())
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for _ in range(2):
        services.follow_up_log(
            case=case,
            by=matchmaker.user,
            kind="call",
            note="打过电话",
            next_on=tomorrow,
            client_key="k1",
        )
    assert FollowUp.objects.filter(case=case).count() == 1
    case.refresh_from_db()
    assert case.next_follow_up_on == tomorrow and case.last_contact_at is not None


def test_the_caseload_lists_overdue_follow_ups_first(matchmaker):
    today = timezone.localdate()
    later = case_make(membership=matchmaker, seeker=seeker_make(name="甲"))
    overdue = case_make(membership=matchmaker, seeker=seeker_make(name="乙"))
    Case.objects.filter(pk=later.pk).update(next_follow_up_on=today + dt.timedelta(days=3))
    Case.objects.filter(pk=overdue.pk).update(next_follow_up_on=today - dt.timedelta(days=1))
    rows = selectors.caseload_rows(membership=matchmaker)
    assert [row.case.pk for row in rows] == [overdue.pk, later.pk]
    assert rows[0].overdue and not rows[1].overdue


def test_a_recommendation_sends_an_apply_link_that_records_the_matchmaker_as_referrer(matchmaker):
    # given a consenting seeker and an open job
    seeker = seeker_make()
    case = case_make(membership=matchmaker, seeker=seeker)
    employer = organisation_make(name="兰州佳友电子有限公司")
    job = job_make(organisation=employer, title="电子厂普工")
    # when the matchmaker recommends it (twice)
    services.job_recommend(case=case, job=job, by=matchmaker.user, note="离家近")
    services.job_recommend(case=case, job=job, by=matchmaker.user, note="离家近")
    # then the seeker has one notice whose link applies with the referral
    notice = Notification.objects.get(user=seeker)
    assert Recommendation.objects.filter(case=case).count() == 1
    assert f"src=ref:{matchmaker.pk}" in notice.url
    client = _client(seeker)
    form = client.get(notice.url).content.decode()
    assert f'value="ref:{matchmaker.pk}"' in form


def test_a_recommendation_note_asking_for_a_deposit_is_refused(matchmaker):
    case = case_make(membership=matchmaker, seeker=seeker_make())
    job = job_make(organisation=organisation_make())
    with pytest.raises(Refused) as refused:
        services.job_recommend(case=case, job=job, by=matchmaker.user, note="先交押金500元")
    assert refused.value.field == "note"


def test_nothing_can_be_recommended_or_logged_without_consent(matchmaker):
    case = case_make(membership=matchmaker, seeker=seeker_make(), consented=False)
    job = job_make(organisation=organisation_make())
    with pytest.raises(Refused):
        services.job_recommend(case=case, job=job, by=matchmaker.user)
    with pytest.raises(Refused):
        services.follow_up_log(
            case=case, by=matchmaker.user, kind="call", note="", next_on=None, client_key="x"
        )


def test_the_numbers_count_a_placement_and_the_caseload_shows_the_furthest_stage(
    bureau, matchmaker
):
    # given a seeker in the caseload who is then signed by an employer
    seeker = seeker_make()
    case_make(membership=matchmaker, seeker=seeker)
    case_make(membership=matchmaker, seeker=seeker_make())
    employer = organisation_make()
    hr = member_make(organisation=employer, role=Membership.Role.HR)
    application = application_make(job=job_make(organisation=employer), seeker=seeker)
    application_advance(application=application, to_stage=Stage.SIGNED, by=hr)
    # then the caseload shows 已签约 and the bureau's numbers one placement of two
    rows = {row.case.seeker_id: row for row in selectors.caseload_rows(membership=matchmaker)}
    assert rows[seeker.pk].furthest_stage == "已签约" and rows[seeker.pk].placed
    numbers = selectors.matchmaker_numbers(organisation=bureau)
    assert [(n.caseload, n.placements) for n in numbers] == [(2, 1)]
    assert numbers[0].median_days_to_hire == 0.0
    viewer = member_make(organisation=bureau, role=Membership.Role.VIEWER)
    page = _client(viewer).get(reverse("matchmaking:numbers", args=[bureau.pk]))
    assert page.status_code == 200 and "专员小周" in page.content.decode()


def test_applications_of_a_seeker_are_counted_across_employers(matchmaker):
    seeker = seeker_make()
    case_make(membership=matchmaker, seeker=seeker)
    for name in ("甲厂", "乙厂"):
        application_make(job=job_make(organisation=organisation_make(name=name)), seeker=seeker)
    [row] = selectors.caseload_rows(membership=matchmaker)
    assert row.applications == 2 and row.furthest_stage == "已报名"
    assert Application.objects.filter(seeker=seeker).count() == 2


def test_a_user_who_is_not_the_seeker_cannot_consent_for_them(matchmaker):
    case = case_make(membership=matchmaker, seeker=seeker_make(), consented=False)
    stranger = user_make()
    assert _client(stranger).post(reverse("matchmaking:consent", args=[case.pk])).status_code == 404


def test_a_bureau_owner_adds_a_matchmaker_on_the_organisation_page_and_an_agency_may_too(bureau):
    owner = member_make(organisation=bureau, role=Membership.Role.OWNER)
    client = _client(owner)
    page = client.get(reverse("accounts:organisation_detail", args=[bureau.pk])).content.decode()
    assert 'value="matchmaker"' in page and 'value="operator"' in page
    client.post(
        reverse("accounts:member_add", args=[bureau.pk]),
        {"phone": "13800138001", "role": "matchmaker"},
    )
    assert Membership.objects.filter(
        organisation=bureau, user__phone="13800138001", role="matchmaker"
    ).exists()
    agency = organisation_make(kind=Organisation.Kind.AGENCY)
    agency_owner = member_make(organisation=agency, role=Membership.Role.OWNER)
    page = _client(agency_owner).get(reverse("accounts:organisation_detail", args=[agency.pk]))
    assert 'value="matchmaker"' in page.content.decode()
    assert 'value="operator"' not in page.content.decode()


def test_the_case_page_shows_offers_contracts_and_whether_check_ins_were_answered(matchmaker):
    # given a consenting seeker who was hired and onboarded
    from daigang.contracts.testing import hire_make, onboarded_make

    hire = hire_make()
    onboarded_make(hire)
    case = case_make(membership=matchmaker, seeker=hire.seeker)
    # when the matchmaker opens their page
    page = _client(matchmaker.user).get(
        reverse("matchmaking:case", args=[matchmaker.organisation_id, case.pk])
    )
    # then the contract and the check-ins are there, the answers are not
    text = page.content.decode()
    assert page.status_code == 200
    assert "入职回访" in text and "合同" in text


def test_a_recommendation_notice_is_a_card_with_a_one_tap_apply_button(matchmaker):
    from daigang.hiring.notifications import notification_card

    seeker = seeker_make()
    case = case_make(membership=matchmaker, seeker=seeker)
    job = job_make(organisation=organisation_make())
    services.job_recommend(case=case, job=job, by=matchmaker.user)
    card = notification_card(Notification.objects.get(user=seeker))
    assert card.actions == [("一键报名", f"/jobs/{job.pk}/apply/?src=ref:{matchmaker.pk}")]


def test_the_caseload_shows_the_invite_link_as_a_qr_code_that_carries_exactly_that_link(
    bureau, matchmaker
):
    # given the matchmaker on their caseload page
    client = _client(matchmaker.user)
    page = client.get(reverse("matchmaking:caseload", args=[bureau.pk])).content.decode()
    qr_url = reverse("matchmaking:invite_qr", args=[bureau.pk])
    assert qr_url in page
    # when the phone asks for the QR code
    response = client.get(qr_url)
    # then it is an SVG of their own invite link, absolute, as a seeker's camera will open it
    link = services.invite_link_for(membership=matchmaker)
    invite = "http://testserver" + reverse("matchmaking:invite", args=[link.token])
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content == qr_svg(invite, title="就业服务专员邀请")
    # and an HR member of the bureau, who has no invite link, gets nothing
    hr = member_make(organisation=bureau, role=Membership.Role.OPERATOR)
    assert _client(hr).get(qr_url).status_code == 404


def test_the_bureau_sees_each_matchmakers_referrals_and_the_retention_of_those_they_placed(
    bureau, matchmaker
):
    # given a seeker in the caseload, hired by an employer 40 days ago
    hire = hire_make()
    case_make(membership=matchmaker, seeker=hire.seeker)
    onboarding = onboarded_make(hire, started_on=timezone.localdate() - dt.timedelta(days=40))
    # who answered the day-7 check-in and not the day-30 one
    day7 = onboarding.checkins.get(day=7)
    checkin_answered(day7, wage="yes", board="yes", work="yes")
    # and another seeker who applied from the matchmaker's recommendation
    referred = seeker_make()
    application_apply(
        job=hire.job,
        seeker=referred,
        name="李四",
        idempotency_key="referred-once",
        consent_text=application_consent_text(organisation=hire.organisation),
        source=referral_source(membership_id=matchmaker.pk),
    )
    # then the matchmaker's numbers count the referral and the retention
    (row,) = selectors.matchmaker_numbers(organisation=bureau)
    assert (row.referrals, row.referral_hires) == (1, 0)
    assert row.retention == {7: 100, 30: 0}
    viewer = member_make(organisation=bureau, role=Membership.Role.VIEWER)
    html = _client(viewer).get(reverse("matchmaking:numbers", args=[bureau.pk])).content.decode()
    assert 'data-retention="7">100%' in html and "data-referrals>1<" in html
