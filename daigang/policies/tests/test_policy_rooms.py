"""宣策 rooms: a bureau's room pins policy cards; viewers get them as room events."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from daigang.accounts.models import Membership
from daigang.accounts.testing import member_make, organisation_make, user_make
from daigang.core.refused import Refused
from daigang.core.testing import RoomEvents, capture_events
from daigang.fairs.services import fair_room_add
from daigang.fairs.testing import LANZHOU, bureau_make, fair_make
from daigang.jobs.testing import job_make
from daigang.live import services as live_services
from daigang.live.models import Room
from daigang.live.testing import room_make
from daigang.policies import rooms, services
from daigang.policies.models import PolicySession
from daigang.policies.testing import bureau_owner, policy_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def events() -> Iterator[RoomEvents]:
    with capture_events() as captured:
        yield captured


@pytest.fixture
def bureau_room():
    bureau = bureau_make(region=LANZHOU, owner=user_make())
    anchor = member_make(organisation=bureau, role=Membership.Role.OPERATOR, name="宣讲员小王")
    room = room_make(organisation=bureau, anchors=[anchor], state=Room.State.LIVE)
    return bureau, anchor, room


def test_pinning_a_policy_sends_its_card_once_and_marks_the_room_a_policy_session(
    bureau_room, events, django_capture_on_commit_callbacks
):
    # given
    bureau, anchor, room = bureau_room
    policy = policy_make(bureau=bureau)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        rooms.room_policy_pin(room=room, policy=policy, by=anchor)
        rooms.room_policy_pin(room=room, policy=policy, by=anchor)
    # then
    [event] = events.of("policy_pin")
    assert event.data["policy"]["id"] == policy.pk
    assert event.data["policy"]["title"] == "一次性求职创业补贴"
    assert event.data["policy"]["url"] == reverse("policies:policy", args=[policy.pk])
    assert PolicySession.objects.get(room=room).pinned == policy
    assert rooms.room_pinned_policy(room=room) == policy


def test_a_policy_pin_takes_the_job_card_down_and_a_job_pin_the_policy_card(
    bureau_room, events, django_capture_on_commit_callbacks
):
    bureau, anchor, room = bureau_room
    job = job_make(organisation=bureau, title="社区公益岗")
    room.jobs.add(job)
    policy = policy_make(bureau=bureau)
    with django_capture_on_commit_callbacks(execute=True):
        live_services.room_pin(room=room, job=job, by=anchor)
        rooms.room_policy_pin(room=room, policy=policy, by=anchor)
    room.refresh_from_db()
    assert room.pinned_job is None
    assert [e.data["job"] for e in events.of("pin")][-1] is None
    with django_capture_on_commit_callbacks(execute=True):
        live_services.room_pin(room=room, job=job, by=anchor)
    assert rooms.room_pinned_policy(room=room) is None
    assert events.of("policy_pin")[-1].data == {"policy": None}


def test_only_those_who_run_the_room_pin_and_only_the_bureaus_public_policies(bureau_room):
    bureau, anchor, room = bureau_room
    policy = policy_make(bureau=bureau)
    draft = policy_make(bureau=bureau, title="草稿政策", published=False)
    other_bureau = bureau_make(region="620500", owner=user_make())
    others = policy_make(bureau=other_bureau, title="别处的政策")
    viewer = member_make(organisation=bureau, role=Membership.Role.VIEWER)
    with pytest.raises(PermissionDenied):
        rooms.room_policy_pin(room=room, policy=policy, by=viewer)
    for wrong in (draft, others):
        with pytest.raises(Refused):
            rooms.room_policy_pin(room=room, policy=wrong, by=anchor)
    assert not PolicySession.objects.filter(room=room, pinned__isnull=False).exists()


def test_a_companys_room_cannot_pin_policies():
    company = organisation_make()
    owner = member_make(organisation=company, role=Membership.Role.OWNER)
    room = room_make(organisation=company, state=Room.State.LIVE)
    policy = policy_make(bureau=bureau_make(region=LANZHOU, owner=user_make()))
    with pytest.raises(Refused):
        rooms.room_policy_pin(room=room, policy=policy, by=owner)
    with pytest.raises(Refused):
        rooms.room_policy_session_mark(room=room, by=owner)


def test_unpublishing_a_pinned_policy_takes_its_card_down(
    bureau_room, events, django_capture_on_commit_callbacks
):
    bureau, anchor, room = bureau_room
    policy = policy_make(bureau=bureau)
    with django_capture_on_commit_callbacks(execute=True):
        rooms.room_policy_pin(room=room, policy=policy, by=anchor)
        services.policy_unpublish(policy=policy, by=bureau_owner(bureau))
    assert rooms.room_pinned_policy(room=room) is None
    assert events.of("policy_pin")[-1].data == {"policy": None}


def test_the_room_page_shows_the_pinned_policy_and_a_returning_viewer_reads_it(client, bureau_room):
    bureau, anchor, room = bureau_room
    policy = policy_make(bureau=bureau)
    rooms.room_policy_pin(room=room, policy=policy, by=anchor)
    page = client.get(reverse("live:room", args=[room.pk])).content.decode()
    assert 'class="policy-slot shown"' in page
    assert "一次性求职创业补贴" in page
    pinned = client.get(reverse("policies:pinned", args=[room.pk])).json()
    assert pinned["policy"]["id"] == policy.pk


def test_a_companys_room_page_has_no_policy_slot(client):
    room = room_make(state=Room.State.LIVE)
    page = client.get(reverse("live:room", args=[room.pk])).content.decode()
    assert "policy-slot" not in page


def test_the_console_of_a_bureau_room_lists_its_policies_to_pin(client, bureau_room):
    bureau, anchor, room = bureau_room
    policy_make(bureau=bureau)
    client.force_login(anchor)
    page = client.get(reverse("live:console", args=[room.pk])).content.decode()
    assert 'id="console-policies"' in page
    assert "一次性求职创业补贴" in page
    response = client.post(
        reverse("policies:pin", args=[room.pk]),
        {"policy": bureau.policies.get().pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "讲解中" in response.content.decode()


def test_a_fair_page_lists_its_policy_sessions(client, bureau_room):
    bureau, anchor, room = bureau_room
    room.title = "政策宣讲：求职补贴怎么领"
    room.save(update_fields=["title"])
    fair = fair_make(bureau=bureau)
    fair_room_add(fair=fair, room=room, by=bureau_owner(bureau))
    page = client.get(reverse("fairs:fair", args=[fair.pk])).content.decode()
    assert "fair-policy-sessions" not in page
    rooms.room_policy_session_mark(room=room, by=anchor)
    page = client.get(reverse("fairs:fair", args=[fair.pk])).content.decode()
    assert "fair-policy-sessions" in page
    assert "政策宣讲：求职补贴怎么领" in page
