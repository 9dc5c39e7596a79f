from __future__ import annotations

import pytest
from django.urls import reverse

from daigang.accounts.models import Membership
from daigang.accounts.testing import member_make, organisation_make
from daigang.jobs.testing import job_make
from daigang.live.testing import room_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def room():
    organisation = organisation_make()
    anchor = member_make(organisation=organisation, name="主播小李", role=Membership.Role.ANCHOR)
    job = job_make(organisation=organisation, title="电子厂普工")
    return room_make(organisation=organisation, anchors=[anchor], jobs=[job])


def test_the_anchor_sees_the_console_with_whip_url_key_and_pin_buttons(client, room):
    # given
    anchor = room.anchors.get()
    client.force_login(anchor)
    # when
    response = client.get(reverse("live:console", args=[room.pk]))
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "开始直播" in page
    assert f"http://testserver/stream/rooms/{room.pk}/whip" in page
    # the key is in the page (the browser publishes with it) but folded away until revealed
    assert "<details" in page and room.stream_key in page
    assert 'data-pin="' in page and "电子厂普工" in page
    assert 'id="publisher-config"' in page


def test_an_owner_of_the_organisation_may_open_the_console(client, room):
    owner = member_make(organisation=room.organisation, role=Membership.Role.OWNER, name="小李")
    client.force_login(owner)
    assert client.get(reverse("live:console", args=[room.pk])).status_code == 200


@pytest.mark.parametrize("who", ["hr_of_same_organisation", "member_elsewhere", "seeker"])
def test_everyone_else_gets_404_on_the_console(client, room, who):
    if who == "hr_of_same_organisation":
        user = member_make(organisation=room.organisation, role=Membership.Role.HR, name="小李")
    elif who == "member_elsewhere":
        user = member_make(organisation=organisation_make(name="别家"), role="owner", name="小李")
    else:
        from daigang.accounts.testing import user_make

        user = user_make()
    client.force_login(user)

    assert client.get(reverse("live:console", args=[room.pk])).status_code == 404
    assert client.post(reverse("live:stream_key_rotate", args=[room.pk])).status_code == 404


def test_rotating_the_stream_key_invalidates_the_old_one(client, room):
    # given
    old_key = room.stream_key
    client.force_login(room.anchors.get())
    # when
    response = client.post(reverse("live:stream_key_rotate", args=[room.pk]))
    # then
    assert response.status_code == 302
    room.refresh_from_db()
    assert room.stream_key != old_key
    assert room.stream_key in client.get(reverse("live:console", args=[room.pk])).content.decode()


def test_ending_without_the_dialogs_confirmation_is_refused_and_the_room_stays_on(client, room):
    # given a live room
    from daigang.live.models import Room

    Room.objects.filter(pk=room.pk).update(state=Room.State.LIVE)
    client.force_login(room.anchors.get())
    # when 结束直播 is posted without the confirmation
    response = client.post(reverse("live:end", args=[room.pk]))
    # then
    assert response.status_code == 400
    room.refresh_from_db()
    assert room.state == Room.State.LIVE


def test_ending_confirmed_in_the_dialog_ends_the_room(client, room):
    from daigang.live.models import Room

    Room.objects.filter(pk=room.pk).update(state=Room.State.INTERRUPTED)
    client.force_login(room.anchors.get())

    response = client.post(
        reverse("live:end", args=[room.pk]), {"confirm": "yes"}, HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 200
    assert response.json() == {"state": "ended"}
    room.refresh_from_db()
    assert room.state == Room.State.ENDED


def test_someone_who_does_not_run_the_room_cannot_end_it(client, room):
    from daigang.live.models import Room

    hr = member_make(organisation=room.organisation, role=Membership.Role.HR, name="小王")
    client.force_login(hr)

    response = client.post(reverse("live:end", args=[room.pk]), {"confirm": "yes"})

    assert response.status_code == 404
    room.refresh_from_db()
    assert room.state == Room.State.SCHEDULED


def test_after_the_end_the_consoles_pin_buttons_are_disabled(client, room):
    # given an ended room
    from daigang.live.models import Room

    Room.objects.filter(pk=room.pk).update(state=Room.State.ENDED)
    client.force_login(room.anchors.get())
    # when
    page = client.get(reverse("live:console", args=[room.pk])).content.decode()
    # then
    job = room.jobs.get()
    assert f'data-pin="{job.pk}" disabled' in page


def test_an_interrupted_room_offers_to_resume_in_the_console(client, room):
    from daigang.live.models import Room

    Room.objects.filter(pk=room.pk).update(state=Room.State.INTERRUPTED)
    client.force_login(room.anchors.get())

    page = client.get(reverse("live:console", args=[room.pk])).content.decode()

    assert "继续直播" in page
    assert 'data-state="interrupted"' in page
