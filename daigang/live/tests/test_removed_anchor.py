"""An anchor removed from the organisation loses the rooms at once: console, pin, key, chat."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from daigang.accounts.models import Membership
from daigang.accounts.services import membership_remove
from daigang.accounts.testing import member_make, organisation_make
from daigang.jobs.testing import job_make
from daigang.live import chat, services
from daigang.live.models import Room
from daigang.live.testing import room_make
from daigang.live.tests import chat_fixtures


def _world(state: str = Room.State.LIVE):
    organisation = organisation_make()
    owner = member_make(organisation=organisation, role=Membership.Role.OWNER, name="王经理")
    anchor = member_make(organisation=organisation, name="主播小李")
    job = job_make(organisation=organisation, title="电子厂普工")
    room = room_make(organisation=organisation, anchors=[anchor, owner], jobs=[job], state=state)
    return organisation, owner, anchor, job, room


def _membership(organisation, user) -> Membership:
    return Membership.objects.get(organisation=organisation, user=user)


@pytest.mark.django_db
def test_a_removed_anchor_gets_404_on_the_console_and_cannot_rotate_the_key(client):
    # given an anchor of a live room, removed by the owner through the members page
    organisation, owner, anchor, _job, room = _world()
    key_seen = room.stream_key
    client.force_login(owner)
    removal = client.post(
        reverse(
            "accounts:member_remove", args=[organisation.pk, _membership(organisation, anchor).pk]
        )
    )
    assert removal.status_code == 302
    client.force_login(anchor)

    # when the former anchor opens the console and asks for a new key
    console = client.get(reverse("live:console", args=[room.pk]))
    rotate = client.post(reverse("live:stream_key_rotate", args=[room.pk]))

    # then both are 404, and the key they saw no longer works
    assert console.status_code == 404
    assert rotate.status_code == 404
    room.refresh_from_db()
    assert room.stream_key != key_seen
    assert not room.anchors.filter(pk=anchor.pk).exists()
    assert room.anchors.filter(pk=owner.pk).exists()


@pytest.mark.django_db
def test_a_removed_anchor_cannot_pin(client):
    # given
    organisation, owner, anchor, job, room = _world()
    membership_remove(membership=_membership(organisation, anchor), by=owner)
    client.force_login(anchor)

    # when
    response = client.post(reverse("live:pin", args=[room.pk]), {"job": job.pk})

    # then the view refuses, and so does the service if called directly
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        services.room_pin(room=room, job=job, by=anchor)
    room.refresh_from_db()
    assert room.pinned_job_id is None


@pytest.mark.django_db
def test_an_anchor_who_is_no_longer_a_member_does_not_run_the_room():
    # given an anchor still on the room's list (say, from before this fix) but no member
    organisation, _owner, anchor, job, room = _world()
    Membership.objects.filter(organisation=organisation, user=anchor).delete()

    # when / then: being on the list is not enough without a membership now
    with pytest.raises(PermissionDenied):
        services.room_pin(room=room, job=job, by=anchor)
    assert chat.chat_role_of(room=room, user=anchor) == "viewer"


@pytest.mark.django_db
def test_removal_rotates_only_the_keys_of_the_rooms_the_member_anchored():
    # given a second room of the same organisation the anchor was not on
    organisation, owner, anchor, _job, room = _world()
    other = room_make(organisation=organisation, anchors=[owner])
    keys = {room.pk: room.stream_key, other.pk: other.stream_key}

    # when
    membership_remove(membership=_membership(organisation, anchor), by=owner)

    # then
    room.refresh_from_db()
    other.refresh_from_db()
    assert room.stream_key != keys[room.pk]
    assert other.stream_key == keys[other.pk]


@pytest.mark.django_db(transaction=True)
def test_a_removed_anchors_chat_is_no_longer_marked_anchor():
    # given
    organisation, owner, anchor, _job, room = _world()
    before = chat.chat_message_send(room_id=room.pk, user=anchor, text="欢迎大家")

    # when
    membership_remove(membership=_membership(organisation, anchor), by=owner)
    after = chat.chat_message_send(
        room_id=room.pk,
        user=anchor,
        text="我还在",
        now=before.created_at + chat.CHAT_INTERVAL,
    )

    # then
    assert before.role == "anchor"
    assert after.role == "viewer"


@pytest.mark.django_db(transaction=True)
def test_removal_closes_the_members_room_sockets_and_leaves_everyone_elses_open():
    # given the anchor and a viewer connected to the room
    organisation, owner, anchor, _job, room = _world()
    anchor_cookie = chat_fixtures.session_cookie(anchor)
    removal = sync_to_async(membership_remove)

    async def scenario():
        theirs = chat_fixtures.communicator(room.pk, cookie=anchor_cookie)
        viewer = chat_fixtures.communicator(room.pk)
        await chat_fixtures.joined(theirs)
        await chat_fixtures.joined(viewer)
        # when the owner removes the anchor
        await removal(membership=await sync_to_async(_membership)(organisation, anchor), by=owner)
        closed = await theirs.receive_output(timeout=3)
        while closed["type"] != "websocket.close":
            closed = await theirs.receive_output(timeout=3)
        # the viewer's socket still gets the room's events
        await sync_to_async(chat.chat_message_send)(room_id=room.pk, user=owner, text="继续")
        still = await chat_fixtures.events_until(viewer, "chat")
        await viewer.disconnect()
        await theirs.wait()
        return closed, still

    closed, still = chat_fixtures.run(scenario)

    # then
    assert closed["code"] == 4403
    assert any(e["kind"] == "chat" and e["data"]["text"] == "继续" for e in still)
