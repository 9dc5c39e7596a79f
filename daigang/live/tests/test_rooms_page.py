from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from daigang.accounts.models import Membership, Organisation
from daigang.accounts.testing import member_make, organisation_make
from daigang.jobs.testing import job_make
from daigang.live import selectors
from daigang.live.models import Room
from daigang.live.testing import room_make

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def test_an_upcoming_room_page_says_coming_soon_with_the_start_time(client):
    # given a room planned for 3 May 19:30 Beijing time
    with time_machine.travel(dt.datetime(2026, 5, 1, 9, 0, tzinfo=SHANGHAI), tick=False):
        organisation = organisation_make()
        anchor = member_make(organisation=organisation, name="小李", role=Membership.Role.ANCHOR)
        job = job_make(organisation=organisation, title="电子厂普工")
        room = room_make(
            organisation=organisation,
            anchors=[anchor],
            jobs=[job],
            planned_start=dt.datetime(2026, 5, 3, 19, 30, tzinfo=SHANGHAI),
        )
        # when anyone, not logged in, opens the shareable link
        response = client.get(reverse("live:room", args=[room.pk]))
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-state="scheduled"' in page
    assert "即将开播" in page
    assert "5月3日 19:30" in page
    assert "电子厂普工" in page
    assert "一键报名" in page


def test_an_ended_room_page_says_so_and_still_lists_its_jobs(client):
    organisation = organisation_make()
    anchor = member_make(organisation=organisation, name="小李", role=Membership.Role.ANCHOR)
    job = job_make(organisation=organisation, title="仓库分拣员")
    room = room_make(organisation=organisation, anchors=[anchor], jobs=[job], state="ended")

    page = client.get(reverse("live:room", args=[room.pk])).content.decode()

    assert 'data-state="ended"' in page
    assert "直播已结束" in page
    assert "仓库分拣员" in page


def test_a_viewer_who_joins_late_sees_the_pinned_card_in_the_page(client):
    # given a live room with a pinned job
    organisation = organisation_make()
    anchor = member_make(organisation=organisation, name="小李", role=Membership.Role.ANCHOR)
    job = job_make(
        organisation=organisation,
        title="注塑操作工",
        wage_min_fen=2300,
        wage_max_fen=2600,
        couple_rooms=True,
    )
    room = room_make(organisation=organisation, anchors=[anchor], jobs=[job], state="live")
    room.pinned_job = job
    room.save()
    # when
    page = client.get(reverse("live:room", args=[room.pk])).content.decode()
    # then the card is rendered shown, with wage, place, tags and the apply button
    slot = page[page.index('id="pin-slot"') - 40 : page.index('<template id="pin-card-tpl"')]
    assert "pin-slot shown" in slot
    assert "注塑操作工" in slot
    assert "23-26 元/小时" in slot
    assert "包吃住" in slot and "夫妻间" in slot
    assert f"/jobs/{job.pk}/apply/?room={room.pk}" in slot


def test_an_unknown_room_is_404(client):
    assert client.get(reverse("live:room", args=[999])).status_code == 404


def test_live_and_upcoming_rooms_list_live_first_then_by_start_and_skip_the_rest(
    django_assert_num_queries,
):
    # given
    now = timezone.now()
    verified = organisation_make()
    anchor = member_make(organisation=verified, name="小李", role=Membership.Role.ANCHOR)
    later = room_make(
        organisation=verified, anchors=[anchor], title="后天", planned_start=now + dt.timedelta(2)
    )
    live = room_make(organisation=verified, anchors=[anchor], title="直播中", state="live")
    soon = room_make(
        organisation=verified, anchors=[anchor], title="明天", planned_start=now + dt.timedelta(1)
    )
    room_make(organisation=verified, anchors=[anchor], title="已结束", state="ended")
    room_make(
        organisation=verified,
        anchors=[anchor],
        title="过期未开播",
        planned_start=now - dt.timedelta(days=1),
    )
    pending = organisation_make(name="未认证单位", status=Organisation.Status.PENDING)
    room_make(
        organisation=pending,
        anchors=[member_make(organisation=pending, name="小李", role=Membership.Role.ANCHOR)],
        title="未认证",
    )
    # when
    with django_assert_num_queries(1):
        rooms = selectors.rooms_live_and_upcoming()
        names = [(room.title, room.organisation.name) for room in rooms]
    # then
    assert [room.pk for room in rooms] == [live.pk, soon.pk, later.pk]
    assert names[0] == ("直播中", verified.name)


def test_the_rooms_strip_shows_state_badges_start_times_and_links():
    organisation = organisation_make(name="昆山精密")
    anchor = member_make(organisation=organisation, name="小李", role=Membership.Role.ANCHOR)
    live = room_make(organisation=organisation, anchors=[anchor], title="正在招", state="live")
    upcoming = room_make(organisation=organisation, anchors=[anchor], title="晚上招")

    html = Template("{% load live_tags %}{% rooms_strip %}").render(Context({}))

    assert "直播中" in html and "即将开播" in html
    assert "正在招" in html and "晚上招" in html and "昆山精密" in html
    assert reverse("live:room", args=[live.pk]) in html
    assert reverse("live:room", args=[upcoming.pk]) in html
    start = timezone.localtime(upcoming.planned_start)
    assert f"{start.month}月{start.day}日 {start:%H:%M}" in html


def test_the_rooms_strip_is_empty_when_nothing_is_live_or_coming():
    html = Template("{% load live_tags %}{% rooms_strip %}").render(Context({}))
    assert html.strip() == ""
    assert not Room.objects.exists()


def test_a_logged_in_viewer_gets_the_chat_form_and_a_visitor_a_login_link(client):
    organisation = organisation_make()
    anchor = member_make(organisation=organisation, name="小李", role=Membership.Role.ANCHOR)
    room = room_make(organisation=organisation, anchors=[anchor], state="live")
    url = reverse("live:room", args=[room.pk])

    visitor_page = client.get(url).content.decode()
    client.force_login(
        member_make(
            organisation=organisation_make(name="别家"), name="小李", role=Membership.Role.ANCHOR
        )
    )
    viewer_page = client.get(url).content.decode()

    assert f'data-room-chat data-room-id="{room.pk}"' in visitor_page
    # the visitor's form stays hidden until they log in over the room (the apply sheet)
    assert "data-chat-form hidden" in visitor_page
    assert f"/accounts/login/?next=/live/{room.pk}/" in visitor_page
    assert "data-chat-form>" in viewer_page and "data-chat-login" not in viewer_page


def test_the_page_hands_the_player_its_whep_url_and_ice_servers(client, settings):
    settings.WEBRTC_ICE_SERVERS = ["stun:stun.example.cn:3478"]
    organisation = organisation_make()
    room = room_make(
        organisation=organisation,
        anchors=[member_make(organisation=organisation, name="小李", role=Membership.Role.ANCHOR)],
    )

    response = client.get(reverse("live:room", args=[room.pk]))

    player = response.context["player"]
    assert player["hls_js"].startswith("/static/vendor/hls.light.")
    assert player == {
        "whep_url": f"/stream/rooms/{room.pk}/whep",
        # beyond the room's WebRTC seats: its HLS playlist, played by hls.js loaded then
        "hls_url": f"/stream/rooms/{room.pk}/hls/index.m3u8",
        "hls_js": player["hls_js"],
        "ice_servers": [{"urls": "stun:stun.example.cn:3478"}],
        "state": "scheduled",
    }
    assert 'id="player-config"' in response.content.decode()
