from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from daigang.hiring.models import Application, Note, RejectionReason
from daigang.hiring.pipeline.notes import application_tag_add
from daigang.hiring.pipeline.services import application_advance
from daigang.hiring.testing import application_make, seeker_make
from daigang.hiring.tests.pipeline_world import world_make
from daigang.jobs.testing import job_make
from daigang.live.testing import room_make

pytestmark = pytest.mark.django_db


def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-application-id="(\d+)"', html)]


def test_the_board_has_a_column_per_stage_with_counts_and_move_buttons(client):
    world = world_make()
    second = application_make(job=world.job, seeker=seeker_make(), name="王五")
    application_advance(application=second, to_stage="interview", by=world.owner)
    client.force_login(world.owner)

    html = client.get(f"/manage/{world.organisation.pk}/pipeline/").content.decode()

    for label in [
        "已报名",
        "已联系",
        "达成意向",
        "面试",
        "录用",
        "已签约",
        "已入职",
        "不合适",
        "已撤回",
    ]:
        assert re.search(rf"<h2[^>]*>{label} <span", html), label
    applied_column = html[html.index('data-stage="applied"') : html.index('data-stage="contacted"')]
    assert _ids(applied_column) == [world.application.pk]
    interview_column = html[html.index('data-stage="interview"') : html.index('data-stage="offer"')]
    assert _ids(interview_column) == [second.pk]
    # Only forward moves are offered: from 面试 the menu starts at 录用.
    card = interview_column[interview_column.index("<select") :]
    assert 'value="offer"' in card and 'value="contacted"' not in card[: card.index("</select>")]


def test_the_board_costs_the_same_queries_for_one_or_many_applications(client):
    # given the board with one application (visited once, so both counts are warm)
    world = world_make()
    client.force_login(world.owner)
    url = f"/manage/{world.organisation.pk}/pipeline/"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    # when twelve more arrive, tagged, half of them moved on
    for i in range(12):
        application = application_make(job=world.job, seeker=seeker_make(), name=f"工人{i}")
        application_tag_add(application=application, name="有经验")
        if i % 2:
            application_advance(application=application, to_stage="contacted", by=world.owner)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    # then
    assert len(_ids(response.content.decode())) == 13
    assert len(many.captured_queries) == len(one.captured_queries)


def test_a_move_button_moves_the_card_and_comes_back_to_the_board(client):
    world = world_make()
    client.force_login(world.owner)
    board = f"/manage/{world.organisation.pk}/pipeline/"

    response = client.post(
        f"/manage/{world.organisation.pk}/applications/{world.application.pk}/move/",
        {"to_stage": "contacted", "next": board},
    )

    assert response.status_code == 302 and response["Location"] == board
    assert Application.objects.get(pk=world.application.pk).stage == "contacted"


def test_an_outside_next_url_is_ignored(client):
    world = world_make()
    client.force_login(world.owner)

    response = client.post(
        f"/manage/{world.organisation.pk}/applications/{world.application.pk}/move/",
        {"to_stage": "contacted", "next": "https://evil.example/"},
    )

    assert response["Location"] == (
        f"/manage/{world.organisation.pk}/applications/{world.application.pk}/"
    )


def test_the_table_filters_by_job_room_stage_tag_and_date(client):
    # given
    with time_machine.travel(dt.datetime(2025, 5, 1, 10, tzinfo=dt.UTC), tick=False) as clock:
        world = world_make()  # 张三, job 普工, no room, 5月1日
        welder = job_make(organisation=world.organisation, title="焊工")
        room = room_make(organisation=world.organisation)
        clock.shift(dt.timedelta(days=3))
        in_room = application_make(
            job=welder, seeker=seeker_make(), room=room, name="王五"
        )  # 5月4日
        tagged = application_make(job=world.job, seeker=seeker_make(), name="赵六")
        application_tag_add(application=tagged, name="夫妻工")
        application_advance(application=tagged, to_stage="contacted", by=world.owner)
    client.force_login(world.owner)
    url = f"/manage/{world.organisation.pk}/pipeline/table/"
    tag_id = tagged.tags.get().pk

    def ids(**params):
        return _ids(client.get(url, params).content.decode())

    # then
    assert ids() == [tagged.pk, in_room.pk, world.application.pk]
    assert ids(job=welder.pk) == [in_room.pk]
    assert ids(room=room.pk) == [in_room.pk]
    assert ids(stage="contacted") == [tagged.pk]
    assert ids(tag=tag_id) == [tagged.pk]
    assert ids(**{"from": "2025-05-02"}) == [tagged.pk, in_room.pk]
    assert ids(to="2025-05-01") == [world.application.pk]
    assert ids(job="abc", **{"from": "not-a-date"}) == [tagged.pk, in_room.pk, world.application.pk]


@pytest.mark.parametrize(
    "params",
    [
        {"room": "9" * 30},
        {"job": "-1"},
        {"tag": "1.5"},
        {"stage": "custom:" + "9" * 30},
        {"stage": "nonsense"},
        {"from": "2025-13-45", "to": "0001-01-01T00:00"},
    ],
)
def test_a_filter_that_does_not_parse_is_ignored_not_a_server_error(client, params):
    # given
    world = world_make()
    client.force_login(world.owner)
    url = f"/manage/{world.organisation.pk}/pipeline/table/"
    # when
    response = client.get(url, {**params, "job": params.get("job", world.job.pk)})
    # then the bad filter is dropped, the good one still applies
    assert response.status_code == 200
    assert _ids(response.content.decode()) == [world.application.pk]


def test_notes_and_tags_on_the_application_page(client):
    world = world_make()
    client.force_login(world.owner)
    base = f"/manage/{world.organisation.pk}/applications/{world.application.pk}/"

    client.post(base + "notes/", {"text": "下午三点后方便接电话"})
    client.post(base + "tags/", {"name": "有经验"})
    client.post(base + "tags/", {"name": "有经验"})
    empty_note = client.post(base + "notes/", {"text": "  "}, follow=True)

    html = client.get(base).content.decode()
    assert "下午三点后方便接电话" in html
    assert html.count('class="tag plain">有经验') == 1
    assert "备注不能为空" in empty_note.content.decode()
    assert Note.objects.get().author == world.owner
    tag = world.application.tags.get()
    client.post(base + "tags/", {"remove": tag.pk})
    assert not world.application.tags.exists()


def test_the_settings_page_edits_and_removes_rejection_reasons(client):
    world = world_make()
    client.force_login(world.owner)
    url = f"/manage/{world.organisation.pk}/pipeline/settings/"
    html = client.get(url).content.decode()
    assert "年龄不符" in html and "面试未通过" in html
    full = RejectionReason.objects.get(organisation=world.organisation, name="已招满")

    client.post(
        url,
        {
            "action": "reason_edit",
            "reason_id": full.pk,
            "name": "名额已满",
            "message_template": "{name}您好，{job}名额已满。",
        },
    )
    bad = client.post(
        url,
        {
            "action": "reason_edit",
            "reason_id": full.pk,
            "name": "名额已满",
            "message_template": "{电话}",
        },
        follow=True,
    )
    client.post(url, {"action": "reason_archive", "reason_id": full.pk})

    full.refresh_from_db()
    assert (full.name, full.message_template, full.is_active) == (
        "名额已满",
        "{name}您好，{job}名额已满。",
        False,
    )
    assert "不认识" in bad.content.decode()
    assert "名额已满" not in client.get(url).content.decode()


def test_the_back_office_list_links_to_the_board_and_each_application(client):
    world = world_make()
    client.force_login(world.owner)

    html = client.get(f"/manage/{world.organisation.pk}/applications/").content.decode()

    assert f"/manage/{world.organisation.pk}/pipeline/" in html
    assert f"/manage/{world.organisation.pk}/applications/{world.application.pk}/" in html
