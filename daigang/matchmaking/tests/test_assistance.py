"""A bureau's assistance list (帮扶): who is listed and why, the thresholds, assigning to a
matchmaker (the seeker still consents), who was hired afterwards, and who may do what."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from daigang.accounts.models import Membership, Organisation, SeekerProfile, User
from daigang.accounts.testing import member_make, organisation_make
from daigang.core.refused import Refused
from daigang.fairs.testing import LANZHOU, TIANSHUI, bureau_make
from daigang.hiring.models import Application, Notification, Stage
from daigang.hiring.pipeline.services import application_advance
from daigang.hiring.testing import application_make, seeker_make
from daigang.interviews.models import Interview, InterviewParticipant
from daigang.jobs.testing import job_make
from daigang.matchmaking import assistance
from daigang.matchmaking.models import Assistance, Case
from daigang.matchmaking.testing import case_make, matchmaker_make
from daigang.regions.models import Region

pytestmark = pytest.mark.django_db

_keys = itertools.count()


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _company(region: str = "620102") -> Organisation:
    company = organisation_make(name=f"兰州示例厂{next(_keys)}")
    company.region = Region.objects.get(code=region)
    company.save(update_fields=["region"])
    return company


def _apply(seeker: User, times: int, *, company: Organisation | None = None) -> list[Application]:
    company = company or _company()
    return [
        application_make(job=job_make(organisation=company), seeker=seeker, name=seeker.name)
        for _ in range(times)
    ]


def _interview(application: Application, *, days_ago: int = 1) -> Interview:
    interview = Interview.objects.create(
        organisation_id=application.organisation_id,
        title="普工群面",
        starts_at=timezone.now() - dt.timedelta(days=days_ago),
        length_minutes=30,
        idempotency_key=f"k{next(_keys)}",
    )
    InterviewParticipant.objects.create(
        interview=interview,
        role=InterviewParticipant.Role.CANDIDATE,
        user=application.seeker,
        application=application,
    )
    return interview


def _listed_ids(bureau: Organisation) -> list[int]:
    return [row.seeker_id for row in assistance.assistance_list(bureau=bureau).rows]


@pytest.fixture
def bureau() -> Organisation:
    return bureau_make(region=LANZHOU)


@pytest.fixture
def operator(bureau) -> User:
    return member_make(organisation=bureau, role=Membership.Role.OPERATOR)


@pytest.fixture
def matchmaker(bureau) -> Membership:
    return matchmaker_make(organisation=bureau)


def test_a_seeker_is_listed_after_the_fifth_unsuccessful_application_with_the_reason_in_words(
    bureau,
):
    # given a seeker who applied four times to organisations in 兰州
    seeker = seeker_make(name="马小军")
    company = _company()
    _apply(seeker, 4, company=company)
    # then they are not on the list yet
    assert _listed_ids(bureau) == []
    # when they apply a fifth time
    _apply(seeker, 1, company=company)
    # then they are, with why, and masked
    (row,) = assistance.assistance_list(bureau=bureau).rows
    assert row.seeker_id == seeker.pk
    assert row.reason == "30 天内报名 5 次，面试 0 次，没有录用"
    assert (row.name, row.masked_phone) == ("马**", seeker.masked_phone)


def test_an_offer_takes_the_seeker_off_the_list(bureau):
    # given a listed seeker
    seeker = seeker_make()
    applications = _apply(seeker, 5)
    assert _listed_ids(bureau) == [seeker.pk]
    # when one employer moves them to 录用
    application_advance(application=applications[0], to_stage=Stage.OFFER, by=None)
    # then they are off the list
    assert _listed_ids(bureau) == []


def test_two_interviews_without_an_offer_list_a_seeker_who_applied_only_twice(bureau):
    seeker = seeker_make()
    first, second = _apply(seeker, 2)
    _interview(first)
    _interview(second)
    (row,) = assistance.assistance_list(bureau=bureau).rows
    assert row.reason == "30 天内报名 2 次，面试 2 次，没有录用"


def test_applications_before_the_window_and_seekers_of_other_regions_are_not_counted(bureau):
    # given a seeker whose five applications are 40 days old
    old = seeker_make()
    for application in _apply(old, 5):
        Application.objects.filter(pk=application.pk).update(
            created_at=timezone.now() - dt.timedelta(days=40)
        )
    # and a seeker who applied five times in 天水, with no home region in 兰州
    _apply(seeker_make(), 5, company=_company("620502"))
    # then neither is on 兰州's list, but 天水's bureau has the second
    assert _listed_ids(bureau) == []
    assert len(_listed_ids(bureau_make(region=TIANSHUI))) == 1


def test_a_seeker_whose_home_region_is_inside_the_bureau_is_its_wherever_they_applied(bureau):
    seeker = seeker_make()
    SeekerProfile.objects.create(user=seeker, home_region_id="620103")
    _apply(seeker, 5, company=_company("620502"))  # 天水
    assert _listed_ids(bureau) == [seeker.pk]


def test_the_bureau_s_thresholds_change_the_list(bureau, operator):
    # given a seeker with three applications (under the default five)
    seeker = seeker_make()
    _apply(seeker, 3)
    assert _listed_ids(bureau) == []
    # when the operator lowers the threshold to three, on the page
    response = _client(operator).post(
        reverse("matchmaking:assistance_settings", args=[bureau.pk]),
        {"applications_min": 3, "interviews_min": 2, "window_days": 14},
    )
    assert response.status_code == 302
    # then the seeker is listed, the reason saying the new window
    (row,) = assistance.assistance_list(bureau=bureau).rows
    assert row.reason.startswith("14 天内报名 3 次")
    # and an out-of-range window is refused with the field named
    with pytest.raises(Refused) as refused:
        assistance.assistance_settings_save(
            organisation=bureau, by=operator, applications_min=3, interviews_min=2, window_days=0
        )
    assert refused.value.field == "window_days"


def test_assigning_makes_an_assigned_case_awaiting_consent_and_twice_changes_nothing(
    bureau, operator, matchmaker
):
    # given a listed seeker
    seeker = seeker_make(name="杨红梅")
    _apply(seeker, 5)
    # when the operator assigns them on the page, twice
    for _ in range(2):
        response = _client(operator).post(
            reverse("matchmaking:assistance_assign", args=[bureau.pk]),
            {"seeker": seeker.pk, "matchmaker": matchmaker.pk},
        )
        assert response.status_code == 302
    # then one assistance and one case wait for the seeker's consent, told once
    helped = Assistance.objects.get(organisation=bureau)
    assert helped.seeker_id == seeker.pk and helped.reason.startswith("30 天内报名 5 次")
    case = Case.objects.get(seeker=seeker)
    assert (helped.case_id, case.membership_id, case.awaiting_consent) == (
        case.pk,
        matchmaker.pk,
        True,
    )
    assert Notification.objects.filter(user=seeker).filter(text__contains="专员").count() == 1
    # and the list no longer offers them; the helped part shows them masked until consent
    assert _listed_ids(bureau) == []
    page = _client(operator).get(reverse("matchmaking:assistance", args=[bureau.pk]))
    html = page.content.decode()
    assert "杨**" in html and "杨红梅" not in html and seeker.phone not in html
    assert "等待求职者同意" in html
    # and when the seeker agrees, the bureau sees the name, still not the full phone
    _client(seeker).post(reverse("matchmaking:consent", args=[case.pk]))
    html = _client(operator).get(reverse("matchmaking:assistance", args=[bureau.pk])).content
    assert "杨红梅" in html.decode() and seeker.phone not in html.decode()


def test_a_seeker_a_matchmaker_already_follows_is_listed_and_marked(bureau, matchmaker):
    # given a listed seeker who joined the matchmaker's caseload by the invite link
    seeker = seeker_make()
    _apply(seeker, 5)
    case_make(membership=matchmaker, seeker=seeker)
    # then the list marks them
    (row,) = assistance.assistance_list(bureau=bureau).rows
    assert row.followed


def test_a_seeker_not_on_the_list_cannot_be_assigned_from_it(bureau, operator, matchmaker):
    seeker = seeker_make()
    _apply(seeker, 2)
    with pytest.raises(Refused) as refused:
        assistance.assistance_assign(
            organisation=bureau, seeker_id=seeker.pk, matchmaker=matchmaker, by=operator
        )
    assert refused.value.code == "not_listed"
    assert not Case.objects.exists()


def test_a_hire_after_the_assignment_counts_as_hired_after_help_and_one_before_does_not(
    bureau, operator, matchmaker
):
    # given two listed seekers, both assigned
    helped, other = seeker_make(), seeker_make()
    helped_apps = _apply(helped, 5)
    other_apps = _apply(other, 5)
    for seeker in (helped, other):
        assistance.assistance_assign(
            organisation=bureau, seeker_id=seeker.pk, matchmaker=matchmaker, by=operator
        )
    # and the second's signing is back-dated to before the assignment
    application_advance(
        application=other_apps[0],
        to_stage=Stage.SIGNED,
        by=None,
        now=timezone.now() - dt.timedelta(days=1),
    )
    # when the first signs a contract after it
    application_advance(application=helped_apps[0], to_stage=Stage.SIGNED, by=None)
    # then the bureau's numbers say two helped, one hired after help
    numbers = assistance.assistance_numbers(bureau=bureau)
    assert (numbers.assisted, numbers.hired_after) == (2, 1)
    page = _client(operator).get(reverse("matchmaking:numbers", args=[bureau.pk]))
    html = page.content.decode()
    assert "帮扶人数" in html and "帮扶后就业" in html
    assert "<dd data-assisted>2</dd>" in html and "<dd data-hired-after>1</dd>" in html


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Membership.Role.OWNER, 200),
        (Membership.Role.OPERATOR, 200),
        (Membership.Role.MATCHMAKER, 404),
        (Membership.Role.VIEWER, 404),
    ],
)
def test_only_the_bureau_s_owner_and_operator_see_the_list_and_its_api(bureau, role, status):
    member = member_make(organisation=bureau, role=role)
    client = _client(member)
    assert client.get(reverse("matchmaking:assistance", args=[bureau.pk])).status_code == status
    assert (
        client.get(reverse("api:assistance", kwargs={"organisation_id": bureau.pk})).status_code
        == status
    )


def test_a_matchmaker_cannot_assign_and_a_company_has_no_list(bureau, matchmaker):
    seeker = seeker_make()
    _apply(seeker, 5)
    response = _client(matchmaker.user).post(
        reverse("matchmaking:assistance_assign", args=[bureau.pk]),
        {"seeker": seeker.pk, "matchmaker": matchmaker.pk},
    )
    assert response.status_code == 404
    assert not Assistance.objects.exists()
    company = organisation_make()
    owner = member_make(organisation=company, role=Membership.Role.OWNER)
    assert (
        _client(owner).get(reverse("matchmaking:assistance", args=[company.pk])).status_code == 404
    )


def test_the_api_lists_masked_seekers_with_the_reason(bureau, operator):
    seeker = seeker_make(name="王小明")
    _apply(seeker, 5)
    body = (
        _client(operator)
        .get(reverse("api:assistance", kwargs={"organisation_id": bureau.pk}))
        .json()
    )
    assert body["total"] == 1 and body["assisted"] == 0
    (row,) = body["listed"]
    assert (row["name"], row["masked_phone"]) == ("王**", seeker.masked_phone)
    assert row["reason"] == "30 天内报名 5 次，面试 0 次，没有录用"


def test_the_list_is_a_few_aggregate_queries_whatever_its_length(
    bureau, operator, django_assert_max_num_queries
):
    for _ in range(6):
        _apply(seeker_make(), 5)
    # settings, applications, interviews, homes, assigned, offers ×2, users, profiles, cases
    with django_assert_max_num_queries(10):
        listing = assistance.assistance_list(bureau=bureau)
    assert listing.total == 6


def test_a_seeker_who_deletes_their_account_leaves_the_bureau_s_assistance_rows(
    bureau, operator, matchmaker
):
    from daigang.privacy.services.deletion import account_delete

    # given an assisted seeker
    seeker = seeker_make()
    _apply(seeker, 5)
    assistance.assistance_assign(
        organisation=bureau, seeker_id=seeker.pk, matchmaker=matchmaker, by=operator
    )
    # when they delete their account
    account_delete(user=seeker)
    # then the assistance row (with its reason) is gone, and they are not listed again
    assert not Assistance.objects.exists()
    assert _listed_ids(bureau) == []


def test_the_seeker_s_export_says_why_the_bureau_assigned_them(bureau, operator, matchmaker):
    from daigang.privacy.services.export import seeker_export

    seeker = seeker_make()
    _apply(seeker, 5)
    assistance.assistance_assign(
        organisation=bureau, seeker_id=seeker.pk, matchmaker=matchmaker, by=operator
    )
    (case,) = seeker_export(user=seeker)["matchmakers"]
    assert case["assistance_reason"] == "30 天内报名 5 次，面试 0 次，没有录用"
