"""Every contracts endpoint × role: the organisation's owner (or the seeker, on the seeker's
pages) gets through; another organisation's member, another seeker and the other side get
404 and change nothing; anonymous visitors are sent to log in (files: 404)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from daigang.accounts.models import Membership
from daigang.accounts.testing import member_make, organisation_make
from daigang.contracts.models import CheckIn, ContractTemplate, Offer, Onboarding, Signature
from daigang.contracts.services import onboarding_mark
from daigang.contracts.testing import contract_make, hire_make, offer_make, signed_contract_make
from daigang.hiring.testing import seeker_make
from daigang.jobs.testing import job_make

pytestmark = pytest.mark.django_db


@dataclass
class World:
    users: dict
    organisation_id: int
    other_org_id: int
    new_application_id: int
    offer_id: int
    contract_id: int
    signed_contract_id: int
    checkin_id: int


def _world() -> World:
    first = hire_make()  # an application with an open offer
    offer = offer_make(first)
    organisation, owner = first.organisation, first.owner
    # The same seeker, in several applications of this organisation.
    seeker = first.seeker
    from daigang.hiring.testing import application_make

    def hire_of(title: str):  # type: ignore[no-untyped-def]
        from daigang.contracts.testing import Hire

        job = job_make(organisation=organisation, title=title)
        return Hire(
            organisation, owner, job, seeker, application_make(job=job, seeker=seeker, name="张三")
        )

    awaiting = contract_make(hire_of("质检员"))
    signed_hire = hire_of("叉车工")
    signed = signed_contract_make(signed_hire)
    onboarding, _ = onboarding_mark(
        application=signed_hire.application,
        by=owner,
        started_on=timezone.localdate() - dt.timedelta(days=10),
    )
    new = hire_of("仓管员")
    other_organisation = organisation_make(name="别家劳务公司")
    users = {
        "owner": owner,
        "other_org_member": member_make(
            organisation=other_organisation, role=Membership.Role.OWNER
        ),
        "anchor": member_make(organisation=organisation, role=Membership.Role.ANCHOR),
        "seeker": seeker,
        "other_seeker": seeker_make(name="李四"),
        "anonymous": None,
    }
    return World(
        users=users,
        organisation_id=organisation.pk,
        other_org_id=other_organisation.pk,
        new_application_id=new.application.pk,
        offer_id=offer.pk,
        contract_id=awaiting.pk,
        signed_contract_id=signed.pk,
        checkin_id=onboarding.checkins.get(day=7).pk,
    )


def _state() -> tuple:
    """Everything a forbidden request could have changed."""
    return (
        Offer.objects.count(),
        tuple(Offer.objects.order_by("pk").values_list("status", flat=True)),
        Signature.objects.count(),
        ContractTemplate.objects.count(),
        Onboarding.objects.count(),
        CheckIn.objects.filter(answered_at__isnull=False).count(),
    )


OFFER_FORM = {
    "job_title": "仓管员",
    "wage_min": "6000",
    "wage_unit": "month",
    "pay_schedule": "monthly",
    "shift": "day_only",
    "board": "room_and_board",
    "province": "江苏省",
    "city": "苏州市",
    "term_months": "12",
}


@dataclass(frozen=True)
class Endpoint:
    name: str
    side: str  # "organisation" (the owner may) or "seeker" (the seeker may)
    method: str
    url: Callable[[World], str]
    data: Callable[[World], dict] = lambda w: {}
    is_file: bool = False


ENDPOINTS = [
    Endpoint(
        "offer page",
        "organisation",
        "get",
        lambda w: reverse("contracts:manage_offer", args=[w.organisation_id, w.new_application_id]),
    ),
    Endpoint(
        "send offer",
        "organisation",
        "post",
        lambda w: reverse("contracts:manage_offer", args=[w.organisation_id, w.new_application_id]),
        lambda w: {**OFFER_FORM, "start_date": timezone.localdate().isoformat()},
    ),
    Endpoint(
        "mark onboarded",
        "organisation",
        "post",
        lambda w: reverse(
            "contracts:manage_onboard", args=[w.organisation_id, w.new_application_id]
        ),
        lambda w: {"started_on": timezone.localdate().isoformat()},
    ),
    Endpoint(
        "contract list",
        "organisation",
        "get",
        lambda w: reverse("contracts:manage_contracts", args=[w.organisation_id]),
    ),
    Endpoint(
        "contract page",
        "organisation",
        "get",
        lambda w: reverse("contracts:manage_contract", args=[w.organisation_id, w.contract_id]),
    ),
    Endpoint(
        "organisation signs",
        "organisation",
        "post",
        lambda w: reverse("contracts:manage_contract", args=[w.organisation_id, w.contract_id]),
        lambda w: {"typed_name": "王经理", "method": "tapped", "agree": "on"},
    ),
    Endpoint(
        "organisation downloads",
        "organisation",
        "get",
        lambda w: reverse(
            "contracts:manage_contract_pdf", args=[w.organisation_id, w.signed_contract_id]
        ),
        is_file=True,
    ),
    Endpoint(
        "template page",
        "organisation",
        "get",
        lambda w: reverse("contracts:manage_templates", args=[w.organisation_id]),
    ),
    Endpoint(
        "save template",
        "organisation",
        "post",
        lambda w: reverse("contracts:manage_templates", args=[w.organisation_id]),
        lambda w: {"kind": "employment", "title": "合同", "body": "{{ 单位名称 }}"},
    ),
    Endpoint(
        "seeker's offer",
        "seeker",
        "get",
        lambda w: reverse("contracts:seeker_offer", args=[w.offer_id]),
    ),
    Endpoint(
        "accept offer",
        "seeker",
        "post",
        lambda w: reverse("contracts:seeker_offer", args=[w.offer_id]),
        lambda w: {"action": "accept"},
    ),
    Endpoint(
        "decline offer",
        "seeker",
        "post",
        lambda w: reverse("contracts:seeker_offer", args=[w.offer_id]),
        lambda w: {"action": "decline"},
    ),
    Endpoint(
        "seeker's contract",
        "seeker",
        "get",
        lambda w: reverse("contracts:seeker_contract", args=[w.contract_id]),
    ),
    Endpoint(
        "seeker signs",
        "seeker",
        "post",
        lambda w: reverse("contracts:seeker_contract", args=[w.contract_id]),
        lambda w: {"typed_name": "张三", "method": "tapped", "agree": "on"},
    ),
    Endpoint(
        "seeker downloads",
        "seeker",
        "get",
        lambda w: reverse("contracts:seeker_contract_pdf", args=[w.signed_contract_id]),
        is_file=True,
    ),
    Endpoint(
        "check-in page",
        "seeker",
        "get",
        lambda w: reverse("contracts:seeker_checkin", args=[w.checkin_id]),
    ),
    Endpoint(
        "answer check-in",
        "seeker",
        "post",
        lambda w: reverse("contracts:seeker_checkin", args=[w.checkin_id]),
        lambda w: {"wage": "yes", "board": "yes", "work": "partly"},
    ),
]
ROLES = ["owner", "other_org_member", "anchor", "seeker", "other_seeker", "anonymous"]


def _expected(endpoint: Endpoint, role: str) -> int:
    allowed = "owner" if endpoint.side == "organisation" else "seeker"
    if role == allowed:
        return 200 if endpoint.method == "get" else 302
    if role == "anonymous" and not endpoint.is_file:
        return 302  # to the login page
    return 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_endpoint_by_role(client, endpoint: Endpoint, role: str):
    # given
    world = _world()
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    before = _state()
    # when
    call = getattr(client, endpoint.method)
    response = call(endpoint.url(world), endpoint.data(world))
    # then
    expected = _expected(endpoint, role)
    assert response.status_code == expected, response.content[:500]
    if expected == 302 and role == "anonymous":
        assert "/accounts/login/" in response["Location"]
    if expected != 302 or role == "anonymous":
        if endpoint.method == "post":
            assert _state() == before
    elif endpoint.method == "post":
        assert _state() != before  # the allowed request did its work


@pytest.mark.parametrize(
    "url",
    [
        lambda w: reverse("contracts:manage_offer", args=[w.other_org_id, w.new_application_id]),
        lambda w: reverse("contracts:manage_contract", args=[w.other_org_id, w.contract_id]),
        lambda w: reverse(
            "contracts:manage_contract_pdf", args=[w.other_org_id, w.signed_contract_id]
        ),
    ],
)
def test_another_organisations_member_gets_404_for_our_rows_under_their_own_id(client, url):
    world = _world()
    client.force_login(world.users["other_org_member"])
    assert client.get(url(world)).status_code == 404


def test_the_verification_page_is_open_to_everyone(client):
    assert client.get(reverse("contracts:verify")).status_code == 200
