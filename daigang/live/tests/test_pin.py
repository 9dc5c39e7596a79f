from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from daigang.accounts.models import Membership
from daigang.accounts.testing import member_make, organisation_make
from daigang.core.testing import RoomEvents, capture_events
from daigang.jobs.listen import job_listen_url
from daigang.jobs.testing import job_make
from daigang.live import services
from daigang.live.models import Room
from daigang.live.testing import room_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def events() -> Iterator[RoomEvents]:
    with capture_events() as captured:
        yield captured


@pytest.fixture
def live_room():
    organisation = organisation_make()
    anchor = member_make(organisation=organisation, name="主播小李", role=Membership.Role.ANCHOR)
    job = job_make(
        organisation=organisation,
        title="电子厂普工",
        wage_min_fen=2300,
        wage_max_fen=2600,
        province="江苏省",
        city="苏州市",
        district="吴中区",
        couple_rooms=True,
    )
    other_job = job_make(organisation=organisation, title="仓库分拣员", couple_rooms=False)
    room = room_make(
        organisation=organisation, anchors=[anchor], jobs=[job, other_job], state=Room.State.LIVE
    )
    return room, anchor, job


def test_anchor_pins_a_room_job_and_every_viewer_gets_the_card_after_commit(
    live_room, events, django_capture_on_commit_callbacks
):
    # given
    room, anchor, job = live_room
    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.room_pin(room=room, job=job, by=anchor)
        # then nothing reaches browsers before the write commits
        assert events == []
    for callback in callbacks:
        callback()
    # then
    room.refresh_from_db()
    assert room.pinned_job_id == job.pk
    [event] = events
    assert event.group == f"room.{room.pk}"
    assert event.kind == "pin"
    card = event.data["job"]
    assert card["id"] == job.pk
    assert card["title"] == "电子厂普工"
    assert card["wage"] == "23-26 元/小时"
    assert card["place"] == "苏州市 · 吴中区"
    assert "包吃住" in card["tags"] and "夫妻间" in card["tags"] and "月结" in card["tags"]
    assert card["apply_url"] == f"/jobs/{job.pk}/apply/?room={room.pk}"
    # and what its 听 button reads, and the server's recording of it (daigang.jobs.listen)
    assert card["listen_text"].startswith(
        "电子厂普工。工价每小时23到26元，月结。地点：苏州市吴中区。"
    )
    assert card["listen_url"] == job_listen_url(job)


def test_unpin_takes_the_card_down_with_a_pin_event_without_job(
    live_room, events, django_capture_on_commit_callbacks
):
    # given
    room, anchor, job = live_room
    services.room_pin(room=room, job=job, by=anchor)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.room_unpin(room=room, by=anchor)
    # then
    room.refresh_from_db()
    assert room.pinned_job_id is None
    assert events.of("pin")[-1].data == {"job": None}


def test_pinning_the_pinned_job_again_sends_nothing_new(
    live_room, events, django_capture_on_commit_callbacks
):
    room, anchor, job = live_room
    with django_capture_on_commit_callbacks(execute=True):
        services.room_pin(room=room, job=job, by=anchor)
        services.room_pin(room=room, job=job, by=anchor)
    assert len(events.of("pin")) == 1


def test_a_job_that_is_not_in_the_room_cannot_be_pinned(
    live_room, events, django_capture_on_commit_callbacks
):
    # given a published job of the same organisation that the room does not show
    room, anchor, _ = live_room
    stranger = job_make(organisation=room.organisation, title="不在本场的岗位")
    # when / then
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError, match="只能置顶本场直播的岗位"),
    ):
        services.room_pin(room=room, job=stranger, by=anchor)
    room.refresh_from_db()
    assert room.pinned_job_id is None
    assert events == []


def test_a_member_who_is_not_an_anchor_of_the_room_cannot_pin(live_room):
    room, _, job = live_room
    hr = member_make(organisation=room.organisation, role=Membership.Role.HR, name="HR")
    with pytest.raises(PermissionDenied):
        services.room_pin(room=room, job=job, by=hr)


def test_an_owner_may_pin_in_any_room_of_the_organisation(live_room, events):
    room, _, job = live_room
    owner = member_make(organisation=room.organisation, role=Membership.Role.OWNER, name="老板")
    services.room_pin(room=room, job=job, by=owner)
    room.refresh_from_db()
    assert room.pinned_job_id == job.pk


def test_pin_button_on_the_console_pins_and_returns_the_jobs_partial(
    client, live_room, events, django_capture_on_commit_callbacks
):
    # given
    room, anchor, job = live_room
    client.force_login(anchor)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("live:pin", args=[room.pk]), {"job": job.pk}, headers={"HX-Request": "true"}
        )
    # then
    assert response.status_code == 200
    assert 'id="console-jobs"' in response.content.decode()
    assert "取消置顶" in response.content.decode()
    assert events.of("pin")[0].data["job"]["id"] == job.pk


def test_pin_post_from_someone_outside_the_room_is_404(client, live_room):
    room, _, job = live_room
    outsider = member_make(
        organisation=organisation_make(name="别家公司"), name="外人", role=Membership.Role.ANCHOR
    )
    client.force_login(outsider)
    response = client.post(reverse("live:pin", args=[room.pk]), {"job": job.pk})
    assert response.status_code == 404
    room.refresh_from_db()
    assert room.pinned_job_id is None


def test_unpin_without_javascript_redirects_back_to_the_console(client, live_room, events):
    room, anchor, job = live_room
    services.room_pin(room=room, job=job, by=anchor)
    client.force_login(anchor)
    response = client.post(reverse("live:unpin", args=[room.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("live:console", args=[room.pk])
    room.refresh_from_db()
    assert room.pinned_job_id is None


def test_nothing_can_be_pinned_once_the_room_has_ended(live_room, events):
    room, anchor, job = live_room
    Room.objects.filter(pk=room.pk).update(state=Room.State.ENDED)
    room.refresh_from_db()

    with pytest.raises(ValidationError, match="直播已结束"):
        services.room_pin(room=room, job=job, by=anchor)
    assert events == []


def test_a_refused_pin_shows_why_in_the_console_list(client, live_room, events):
    # given a job of the organisation that this room does not show
    room, anchor, _ = live_room
    stranger = job_make(organisation=room.organisation, title="不在本场的岗位")
    client.force_login(anchor)
    # when the anchor's console posts it (htmx)
    response = client.post(
        reverse("live:pin", args=[room.pk]), {"job": stranger.pk}, headers={"HX-Request": "true"}
    )
    # then the list comes back with the reason, and nothing is pinned
    assert response.status_code == 200
    assert "只能置顶本场直播的岗位" in response.content.decode()
    room.refresh_from_db()
    assert room.pinned_job_id is None


def test_an_anchor_reading_english_still_pins_the_card_in_the_sites_language(
    live_room, events, django_capture_on_commit_callbacks
):
    # given an anchor whose pages are in English (every viewer gets the same card)
    room, anchor, job = live_room
    # when
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.room_pin(room=room, job=job, by=anchor)
    # then the card is in Chinese, as the room's page is for its viewers by default
    card = events.of("pin")[0].data["job"]
    assert "元/" in card["wage"] and "yuan" not in card["wage"]
