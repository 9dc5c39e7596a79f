"""The policy pages: the public list and page, and the bureau's own pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from daigang.accounts.models import Membership, SeekerProfile
from daigang.accounts.testing import member_make, user_make
from daigang.fairs.testing import CHENGGUAN, LANZHOU, TIANSHUI, bureau_make
from daigang.policies.models import Policy
from daigang.policies.testing import policy_make
from daigang.regions.testing import region

pytestmark = pytest.mark.django_db


def _form(**overrides):
    return {
        "title": "灵活就业人员社保补贴",
        "kind": "social_insurance",
        "region": "兰州",
        "summary": "自己交了养老保险的就业困难人员，可申请补回三分之二。",
        "eligibility": "登记为就业困难人员。",
        "how_to_apply": "到街道公共就业服务窗口申请。",
        "valid_from": timezone.localdate().isoformat(),
        "valid_until": "",
        **overrides,
    }


def test_a_logged_in_seeker_sees_the_policies_of_their_home_region_first(client):
    # given
    owner = user_make()
    lanzhou = policy_make(bureau=bureau_make(region=LANZHOU, owner=owner), title="兰州的补贴")
    policy_make(bureau=bureau_make(region=TIANSHUI, owner=owner), title="天水的补贴")
    seeker = user_make()
    SeekerProfile.objects.create(user=seeker, home_region=region(CHENGGUAN))
    client.force_login(seeker)
    # when
    page = client.get(reverse("policies:list")).content.decode()
    everywhere = client.get(reverse("policies:list"), {"region": "all"}).content.decode()
    # then
    assert lanzhou.title in page and "天水的补贴" not in page
    assert "天水的补贴" in everywhere


def test_a_visitor_picks_a_region_by_name_and_searches_by_keyword(client):
    owner = user_make()
    policy_make(bureau=bureau_make(region=LANZHOU, owner=owner), title="兰州的求职补贴")
    policy_make(bureau=bureau_make(region=TIANSHUI, owner=owner), title="天水的求职补贴")
    page = client.get(reverse("policies:list"), {"region": "兰州", "q": "补贴"}).content.decode()
    assert "兰州的求职补贴" in page and "天水的求职补贴" not in page
    unknown = client.get(reverse("policies:list"), {"region": "不存在的地方"}).content.decode()
    assert "没有找到这个地区" in unknown


def test_an_expired_policy_page_says_so_and_a_draft_is_not_found(client):
    bureau = bureau_make(region=LANZHOU, owner=user_make())
    today = timezone.localdate()
    expired = policy_make(
        bureau=bureau,
        valid_from=today - dt.timedelta(days=90),
        valid_until=today - dt.timedelta(days=1),
    )
    draft = policy_make(bureau=bureau, title="草稿", published=False)
    page = client.get(reverse("policies:policy", args=[expired.pk]))
    assert page.status_code == 200
    assert "已过期" in page.content.decode()
    assert client.get(reverse("policies:policy", args=[draft.pk])).status_code == 404


def test_an_operator_writes_and_publishes_a_policy_through_the_pages(client):
    # given
    bureau = bureau_make(region=LANZHOU, owner=user_make())
    operator = member_make(organisation=bureau, role=Membership.Role.OPERATOR)
    client.force_login(operator)
    # when
    created = client.post(reverse("policies:new", args=[bureau.pk]), _form())
    policy = Policy.objects.get()
    published = client.post(
        reverse("policies:publish", args=[bureau.pk, policy.pk]), {"publish": "1"}
    )
    # then
    assert created.status_code == 302
    assert published.status_code == 302
    policy.refresh_from_db()
    assert policy.state == Policy.State.PUBLISHED
    assert policy.region_id == LANZHOU
    listed = client.get(reverse("policies:manage", args=[bureau.pk])).content.decode()
    assert "灵活就业人员社保补贴" in listed


def test_a_refused_form_keeps_what_was_typed_and_saves_nothing(client):
    bureau = bureau_make(region=LANZHOU, owner=user_make())
    operator = member_make(organisation=bureau, role=Membership.Role.OPERATOR)
    client.force_login(operator)
    response = client.post(
        reverse("policies:new", args=[bureau.pk]), _form(how_to_apply="先交300元报名费")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "先交300元报名费" in html and "报名费" in html
    assert not Policy.objects.exists()


def test_a_viewer_reads_the_bureaus_policies_but_may_not_write(client):
    bureau = bureau_make(region=LANZHOU, owner=user_make())
    policy = policy_make(bureau=bureau, published=False)
    viewer = member_make(organisation=bureau, role=Membership.Role.VIEWER)
    client.force_login(viewer)
    page = client.get(reverse("policies:manage", args=[bureau.pk]))
    assert page.status_code == 200
    assert policy.title in page.content.decode()
    assert "新建政策" not in page.content.decode()
    assert client.get(reverse("policies:new", args=[bureau.pk])).status_code == 404
    assert client.post(reverse("policies:publish", args=[bureau.pk, policy.pk])).status_code == 404


def test_the_bureaus_workspace_links_to_its_policies(client):
    bureau = bureau_make(region=LANZHOU, owner=user_make())
    viewer = member_make(organisation=bureau, role=Membership.Role.VIEWER)
    client.force_login(viewer)
    page = client.get(reverse("policies:manage", args=[bureau.pk])).content.decode()
    assert f'href="{reverse("policies:manage", args=[bureau.pk])}"' in page


def test_home_and_the_bureaus_public_page_link_to_policies(client):
    bureau = bureau_make(region=LANZHOU, owner=user_make())
    assert reverse("policies:list") in client.get("/").content.decode()
    page = client.get(reverse("jobs:organisation", args=[bureau.pk])).content.decode()
    assert f"{reverse('policies:list')}?bureau={bureau.pk}" in page


def test_the_public_list_costs_the_same_few_queries_for_many_policies(
    client, django_assert_max_num_queries
):
    bureau = bureau_make(region=LANZHOU, owner=user_make())
    for n in range(15):
        policy_make(bureau=bureau, title=f"补贴{n}")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("policies:list"), {"region": "all"})
    assert response.content.decode().count('class="card policy-row"') == 15
