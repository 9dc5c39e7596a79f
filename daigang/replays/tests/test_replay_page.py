"""The replay page: the recording by byte range, chapters by job with their cards, apply
with source replay:<id>, views counted once per person per day, and what the organisation
may do (hide, delete) that the public may not."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from daigang.accounts.models import Membership
from daigang.accounts.testing import member_make, organisation_make
from daigang.hiring.models import Application
from daigang.hiring.testing import seeker_make
from daigang.jobs.testing import job_make
from daigang.live.models import Replay, Room, RoomAudience, RoomPinEvent
from daigang.live.replays import replay_path
from daigang.live.testing import room_make
from daigang.replays.testing import replay_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended():
    organisation = organisation_make(name="昆山精密电子")
    owner = member_make(organisation=organisation, role=Membership.Role.OWNER)
    first = job_make(organisation=organisation, title="电子厂普工")
    second = job_make(organisation=organisation, title="仓库分拣员")
    room = room_make(organisation=organisation, jobs=[first, second], state=Room.State.ENDED)
    replay = replay_make(room=room, seconds=6)
    t0 = replay.started_at
    RoomPinEvent.objects.create(room=room, job=first, at=t0 + dt.timedelta(seconds=1))
    RoomPinEvent.objects.create(room=room, job=second, at=t0 + dt.timedelta(seconds=4))
    return replay, owner, first, second


def test_the_page_plays_the_recording_with_a_chapter_and_a_card_per_pinned_job(client, ended):
    # given
    replay = ended[0]
    # when
    page = client.get(reverse("replays:replay", args=[replay.pk]))
    # then
    html = page.content.decode()
    assert page.status_code == 200
    assert f'src="{reverse("replays:video", args=[replay.pk])}"' in html
    assert 'data-start="1.00"' in html and 'data-start="4.00"' in html
    assert html.index("电子厂普工") < html.index("仓库分拣员")
    # the cards apply with the replay as source, to the room
    assert f'data-apply-source="replay:{replay.pk}"' in html
    assert f"src=replay%3A{replay.pk}" in html
    assert f'data-apply-room="{replay.room_id}"' in html


def test_the_video_is_answered_by_byte_range_so_a_seek_fetches_only_what_it_needs(client, ended):
    # given
    replay = ended[0]
    size = replay_path(replay).stat().st_size
    url = reverse("replays:video", args=[replay.pk])
    # when
    head = client.get(url, HTTP_RANGE="bytes=0-1")
    middle = client.get(url, HTTP_RANGE=f"bytes={size // 2}-")
    past = client.get(url, HTTP_RANGE=f"bytes={size}-")
    # then
    assert head.status_code == 206 and head["Content-Type"] == "video/webm"
    assert head["Content-Range"] == f"bytes 0-1/{size}" and b"".join(head) == b"\x1a\x45"
    assert middle.status_code == 206 and int(middle["Content-Length"]) == size - size // 2
    assert past.status_code == 416
    assert head["Accept-Ranges"] == "bytes"


def test_an_apply_from_the_replays_card_has_the_replay_as_source_and_the_room(ended):
    # given a seeker on the replay page who consented to the organisation before
    replay, _, _, second = ended
    seeker = seeker_make(name="李四")
    client = Client(enforce_csrf_checks=False)
    client.force_login(seeker)
    # when the card's 一键报名 posts what apply.js posts
    answer = client.post(
        "/api/v1/applications",
        data=json.dumps(
            {
                "job_id": second.pk,
                "room_id": replay.room_id,
                "consent": True,
                "source": f"replay:{replay.pk}",
            }
        ),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="replay-apply-0001",
    )
    # then
    assert answer.status_code == 201, answer.content
    application = Application.objects.get(job=second, seeker=seeker)
    assert application.source == f"replay:{replay.pk}"
    assert application.room_id == replay.room_id


def test_a_view_counts_once_per_person_per_day_in_the_rooms_views(client, ended):
    # given a browser that got its viewer id on a first visit
    replay = ended[0]
    url = reverse("replays:replay", args=[replay.pk])
    client.get(url)
    # when it comes back twice
    client.get(url)
    client.get(url)
    # then one view
    assert replay.views.count() == 1
    assert RoomAudience.objects.get(room=replay.room).views == 1


def test_a_hidden_replay_is_not_found_by_the_public_but_its_members_still_see_it(client, ended):
    # given
    replay, owner, _, _ = ended
    owner_client = Client()
    owner_client.force_login(owner)
    # when the owner hides it from the organisation's replays
    hid = owner_client.post(
        reverse("replays:hide", args=[replay.room.organisation_id, replay.pk]), {"hidden": "1"}
    )
    # then
    assert hid.status_code == 302
    assert client.get(reverse("replays:replay", args=[replay.pk])).status_code == 404
    assert client.get(reverse("replays:video", args=[replay.pk])).status_code == 404
    assert owner_client.get(reverse("replays:replay", args=[replay.pk])).status_code == 200
    assert "看回放" not in client.get(reverse("live:room", args=[replay.room_id])).content.decode()
    # and showing it again puts it back
    owner_client.post(
        reverse("replays:hide", args=[replay.room.organisation_id, replay.pk]), {"hidden": "0"}
    )
    assert client.get(reverse("replays:replay", args=[replay.pk])).status_code == 200


def test_a_deleted_replay_loses_its_file_and_row_and_deleting_again_is_a_404(
    client, ended, django_capture_on_commit_callbacks
):
    # given
    replay, owner, _, _ = ended
    owner_client = Client()
    owner_client.force_login(owner)
    url = reverse("replays:delete", args=[replay.room.organisation_id, replay.pk])
    path = replay_path(replay)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        first = owner_client.post(url)
    again = owner_client.post(url)
    # then
    assert first.status_code == 302 and again.status_code == 404
    assert not path.exists() and not Replay.objects.filter(pk=replay.pk).exists()


def test_a_member_of_another_organisation_can_neither_hide_nor_delete(ended):
    # given
    replay, _, _, _ = ended
    outsider = member_make(organisation=organisation_make(), role=Membership.Role.OWNER)
    client = Client()
    client.force_login(outsider)
    organisation_id = replay.room.organisation_id
    # when
    hide = client.post(reverse("replays:hide", args=[organisation_id, replay.pk]))
    delete = client.post(reverse("replays:delete", args=[organisation_id, replay.pk]))
    # then
    assert hide.status_code == delete.status_code == 404
    assert Replay.objects.get(pk=replay.pk).state == Replay.State.READY


def test_replays_are_listed_on_the_ended_room_the_organisation_and_the_fair(client, ended):
    # given
    replay = ended[0]
    link = reverse("replays:replay", args=[replay.pk])
    # then
    assert link in client.get(reverse("live:room", args=[replay.room_id])).content.decode()
    organisation_page = client.get(reverse("jobs:organisation", args=[replay.room.organisation_id]))
    assert link in organisation_page.content.decode()


def test_expired_replays_are_deleted_and_a_second_run_deletes_nothing(
    ended, settings, django_capture_on_commit_callbacks
):
    # given one replay past the retention and one within it
    replay = ended[0]
    settings.REPLAY_RETENTION_DAYS = 30
    old = replay_make(room=replay.room, started_at=timezone.now() - dt.timedelta(days=31))
    # when
    with django_capture_on_commit_callbacks(execute=True):
        call_command("replays_expire")
    call_command("replays_expire")
    # then
    assert list(Replay.objects.values_list("pk", flat=True)) == [replay.pk]
    assert not replay_path(old).exists() and replay_path(replay).exists()


def test_a_fairs_page_links_its_ended_rooms_replays_and_their_views_and_applies_count(
    client, django_capture_on_commit_callbacks
):
    # given a fair whose room ended and was recorded
    from daigang.fairs.stats import fair_numbers, fair_numbers_raw
    from daigang.fairs.testing import fair_with_employer_make

    fair, job, room, _, _ = fair_with_employer_make(region="620100")
    Room.objects.filter(pk=room.pk).update(state=Room.State.ENDED)
    replay = replay_make(room=room)
    before, shown_before = fair_numbers_raw(fair=fair), fair_numbers(fair=fair)
    # when a seeker watches the replay (a first visit gives the browser its id) and applies
    seeker = seeker_make(name="王五")
    viewer = Client()
    viewer.force_login(seeker)
    viewer.get(reverse("replays:replay", args=[replay.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        applied = viewer.post(
            "/api/v1/applications",
            data=json.dumps(
                {
                    "job_id": job.pk,
                    "room_id": room.pk,
                    "consent": True,
                    "source": f"replay:{replay.pk}",
                }
            ),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="replay-apply-0002",
        )
    # then the fair's page links the replay, and its numbers count the view and the apply
    assert applied.status_code == 201, applied.content
    page = client.get(reverse("fairs:fair", args=[fair.pk])).content.decode()
    assert reverse("replays:replay", args=[replay.pk]) in page
    after, shown = fair_numbers_raw(fair=fair), fair_numbers(fair=fair)
    for figure in ("views", "viewers", "applications"):
        assert after[figure] == before[figure] + 1, figure
        # the dashboard's counters too
        assert shown[figure] == shown_before[figure] + 1, figure


def test_the_replay_of_a_room_a_moderator_took_down_is_not_found(client, ended):
    # given
    replay = ended[0]
    # when
    Room.objects.filter(pk=replay.room_id).update(taken_down_at=timezone.now())
    # then
    assert client.get(reverse("replays:replay", args=[replay.pk])).status_code == 404
    assert client.get(reverse("replays:video", args=[replay.pk])).status_code == 404
    organisation_page = client.get(reverse("jobs:organisation", args=[replay.room.organisation_id]))
    assert reverse("replays:replay", args=[replay.pk]) not in organisation_page.content.decode()
