"""Writing, publishing and finding policies: powers, content rules, regions, expiry, search."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from daigang.accounts.models import Membership, SeekerProfile
from daigang.accounts.testing import member_make, user_make
from daigang.core.refused import Refused
from daigang.fairs.testing import CHENGGUAN, GANSU, LANZHOU, QILIHE, TIANSHUI, bureau_make
from daigang.policies import selectors, services
from daigang.policies.models import Policy
from daigang.policies.testing import bureau_owner, policy_make
from daigang.regions.testing import region

pytestmark = pytest.mark.django_db


def _fields(**overrides):
    fields = {
        "region": region(LANZHOU),
        "kind": Policy.Kind.SOCIAL_INSURANCE,
        "title": "灵活就业人员社保补贴",
        "summary": "自己交了养老保险的就业困难人员，可申请补回三分之二。",
        "eligibility": "登记为就业困难人员，以灵活就业身份缴费。",
        "how_to_apply": "每年1月到街道公共就业服务窗口申请。",
        "valid_from": timezone.localdate(),
        "valid_until": None,
    }
    return {**fields, **overrides}


def test_an_operator_creates_a_draft_and_publishes_it_once():
    # given
    bureau = bureau_make(region=LANZHOU, owner=user_make())
    operator = member_make(organisation=bureau, role=Membership.Role.OPERATOR)
    # when
    policy = services.policy_create(bureau=bureau, by=operator, **_fields())
    first = services.policy_publish(policy=policy, by=operator)
    again = services.policy_publish(policy=policy, by=operator)
    # then
    assert policy.state == Policy.State.DRAFT
    assert first.state == again.state == Policy.State.PUBLISHED
    assert again.published_at == first.published_at


def test_a_viewer_or_matchmaker_of_the_bureau_may_not_write_policies():
    bureau = bureau_make(region=LANZHOU, owner=user_make())
    for role in (Membership.Role.VIEWER, Membership.Role.MATCHMAKER):
        member = member_make(organisation=bureau, role=role)
        with pytest.raises(Refused):
            services.policy_create(bureau=bureau, by=member, **_fields())
    assert not Policy.objects.exists()


def test_a_policy_may_not_ask_for_money_nor_offer_a_loan():
    bureau = bureau_make(region=LANZHOU, owner=user_make())
    with pytest.raises(ValidationError) as refused:
        services.policy_create(
            bureau=bureau,
            by=bureau_owner(bureau),
            **_fields(how_to_apply="先交200元服务费，可办理培训贷"),
        )
    assert "how_to_apply" in refused.value.message_dict
    assert not Policy.objects.exists()


def test_a_policy_may_explain_a_public_loan_programme_but_no_other_loan():
    # given
    bureau = bureau_make(region=LANZHOU, owner=user_make())
    owner = bureau_owner(bureau)
    # when a bureau explains 创业担保贷款
    policy = services.policy_create(
        bureau=bureau,
        by=owner,
        **_fields(
            kind=Policy.Kind.STARTUP,
            title="创业担保贷款",
            summary="个人创业可申请最高30万元创业担保贷款，财政贴息。",
        ),
    )
    # then it is saved; a loan of any other kind is still refused
    assert policy.pk
    with pytest.raises(ValidationError) as refused:
        services.policy_create(
            bureau=bureau, by=owner, **_fields(summary="创业担保贷款办不下来的，可申请网贷")
        )
    assert "summary" in refused.value.message_dict


def test_a_policy_must_be_for_the_bureaus_region_or_one_below_it():
    bureau = bureau_make(region=LANZHOU, owner=user_make())
    with pytest.raises(ValidationError) as refused:
        services.policy_create(
            bureau=bureau, by=bureau_owner(bureau), **_fields(region=region(TIANSHUI))
        )
    assert "region" in refused.value.message_dict


def test_every_missing_field_is_reported_at_once():
    bureau = bureau_make(region=LANZHOU, owner=user_make())
    with pytest.raises(ValidationError) as refused:
        services.policy_create(
            bureau=bureau,
            by=bureau_owner(bureau),
            **_fields(title=" ", summary="", valid_from=None),
        )
    assert {"title", "summary", "valid_from"} <= set(refused.value.message_dict)


def test_unpublish_takes_it_off_the_public_list_and_repeats_do_nothing():
    bureau = bureau_make(region=LANZHOU, owner=user_make())
    policy = policy_make(bureau=bureau)
    services.policy_unpublish(policy=policy, by=bureau_owner(bureau))
    services.policy_unpublish(policy=policy, by=bureau_owner(bureau))
    assert list(selectors.policies_public()) == []
    with pytest.raises(Http404):
        selectors.policy_public_get(policy_id=policy.pk)


def test_a_seeker_sees_the_policies_of_their_county_city_and_province_not_a_neighbours():
    # given policies of the province, the city, a county of it, another county, another city
    owner = user_make()
    province = policy_make(bureau=bureau_make(region=GANSU, owner=owner), title="省级")
    city = policy_make(bureau=bureau_make(region=LANZHOU, owner=owner), title="市级")
    county = policy_make(bureau=bureau_make(region=CHENGGUAN, owner=owner), title="城关区")
    neighbour = policy_make(bureau=bureau_make(region=QILIHE, owner=owner), title="七里河区")
    other_city = policy_make(bureau=bureau_make(region=TIANSHUI, owner=owner), title="天水")
    # when / then
    in_county = set(selectors.policies_public(region=region(CHENGGUAN)))
    assert in_county == {province, city, county}
    # a seeker who picks the city sees its counties' too
    in_city = set(selectors.policies_public(region=region(LANZHOU)))
    assert in_city == {province, city, county, neighbour}
    assert other_city not in in_city


def test_an_expired_policy_leaves_the_list_but_its_page_still_answers():
    bureau = bureau_make(region=LANZHOU, owner=user_make())
    today = timezone.localdate()
    expired = policy_make(
        bureau=bureau,
        valid_from=today - dt.timedelta(days=60),
        valid_until=today - dt.timedelta(days=1),
    )
    last_day = policy_make(bureau=bureau, title="今天到期", valid_until=today)
    assert list(selectors.policies_public()) == [last_day]
    assert selectors.policy_public_get(policy_id=expired.pk).is_expired()


def test_search_finds_by_words_of_the_texts_and_kind_narrows():
    bureau = bureau_make(region=LANZHOU, owner=user_make())
    subsidy = policy_make(bureau=bureau)
    insurance = policy_make(
        bureau=bureau,
        kind=Policy.Kind.SOCIAL_INSURANCE,
        title="灵活就业人员社保补贴",
        summary="自己交了养老保险的，可申请补回三分之二。",
    )
    assert list(selectors.policies_public(query="社保")) == [insurance]
    assert list(selectors.policies_public(query="毕业生 补贴")) == [subsidy]
    assert set(selectors.policies_public(query="补贴")) == {subsidy, insurance}
    assert list(selectors.policies_public(kind=Policy.Kind.SUBSIDY)) == [subsidy]
    assert list(selectors.policies_public(query="兰州")) != []  # the region's name answers
    assert list(selectors.policies_public(query="电焊")) == []


def test_the_seekers_region_is_their_home_else_the_city_they_are_in():
    seeker = user_make()
    assert selectors.seeker_region(user=seeker) is None
    profile = SeekerProfile.objects.create(user=seeker, current_city="兰州")
    assert selectors.seeker_region(user=seeker).code == LANZHOU
    profile.home_region = region(CHENGGUAN)
    profile.save()
    assert selectors.seeker_region(user=seeker).code == CHENGGUAN


def test_an_unverified_bureau_may_save_drafts_but_not_publish():
    bureau = bureau_make(region=LANZHOU, owner=user_make())
    policy = policy_make(bureau=bureau, published=False)
    bureau.status = bureau.Status.PENDING
    bureau.save(update_fields=["status"])
    with pytest.raises(Refused):
        services.policy_publish(policy=policy, by=bureau_owner(bureau))
    policy.refresh_from_db()
    assert policy.state == Policy.State.DRAFT
