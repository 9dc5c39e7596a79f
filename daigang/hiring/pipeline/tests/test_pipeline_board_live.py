"""The open board follows colleagues' moves and new applications: its version token changes
when the board would, and its poll answers 204 while nothing changed, the board again when
something did (same filters, phones recorded as seen), 404 to anyone without the applications
power. Dragging uses the API's advance endpoint: a repeated move is a no-op, a refused one says
why."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from daigang.hiring.models import PhoneView, StageChange
from daigang.hiring.pipeline.consent import organisation_consent_withdraw
from daigang.hiring.pipeline.selectors import TableFilters, pipeline_board_version
from daigang.hiring.pipeline.services import application_advance
from daigang.hiring.testing import application_make, seeker_make
from daigang.hiring.tests.pipeline_world import world_make
from daigang.jobs.testing import job_make

pytestmark = pytest.mark.django_db


def _version_on(html: str) -> str:
    match = re.search(r'data-version="([^"]+)"', html)
    assert match, "the board carries no version"
    return match.group(1)


def _changes(world) -> str:
    return f"/manage/{world.organisation.pk}/pipeline/changes/"


def test_the_board_version_changes_when_an_application_arrives_or_moves_and_only_then():
    # given
    world = world_make()
    first = pipeline_board_version(organisation=world.organisation)
    # when nothing happens / then it stays
    assert pipeline_board_version(organisation=world.organisation) == first
    # when an application arrives
    application_make(job=world.job, seeker=seeker_make(), name="王五")
    arrived = pipeline_board_version(organisation=world.organisation)
    # when one moves
    application_advance(application=world.application, to_stage="contacted", by=world.hr)
    moved = pipeline_board_version(organisation=world.organisation)
    # then each changed it
    assert len({first, arrived, moved}) == 3


def test_the_board_version_changes_when_a_seeker_withdraws_consent():
    # given the board as it is
    world = world_make()
    before = pipeline_board_version(organisation=world.organisation)
    # when 张三 withdraws consent (their full phone must leave every open board)
    organisation_consent_withdraw(application=world.application, seeker=world.seeker)
    # then
    assert pipeline_board_version(organisation=world.organisation) != before


def test_the_board_version_follows_the_boards_filters():
    # given a board filtered to another job of the same organisation
    world = world_make()
    other_job = job_make(organisation=world.organisation, title="叉车工")
    filtered = TableFilters(job_id=other_job.pk)
    before = pipeline_board_version(organisation=world.organisation, filters=filtered)
    # when an application to the first job moves
    application_advance(application=world.application, to_stage="contacted", by=world.hr)
    # then the filtered board has not changed
    assert pipeline_board_version(organisation=world.organisation, filters=filtered) == before


def test_the_board_version_is_one_query(django_assert_num_queries):
    world = world_make()
    with django_assert_num_queries(1):
        pipeline_board_version(organisation=world.organisation)


def test_the_poll_answers_204_while_the_board_is_unchanged_in_a_few_queries():
    # given the board as HR opened it
    world = world_make()
    client = Client()
    client.force_login(world.hr)
    version = _version_on(client.get(f"/manage/{world.organisation.pk}/pipeline/").content.decode())
    # when the open board asks
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_changes(world), {"version": version})
    # then: the session, the user, the membership, the stages and the version; no more
    assert response.status_code == 204
    assert response.content == b""
    assert len(queries.captured_queries) <= 5, [q["sql"] for q in queries.captured_queries]


def test_the_poll_answers_the_redrawn_board_after_a_colleague_moves_a_card():
    # given HR's open board
    world = world_make()
    client = Client()
    client.force_login(world.hr)
    version = _version_on(client.get(f"/manage/{world.organisation.pk}/pipeline/").content.decode())
    seen_before = PhoneView.objects.count()
    # when the owner moves 张三 to 已联系
    application_advance(application=world.application, to_stage="contacted", by=world.owner)
    response = client.get(_changes(world), {"version": version})
    # then the poll answers the board alone (no page around it) with 张三 in 已联系
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div class="pipeline-board"')
    assert "<html" not in html
    contacted = html[html.index('data-stage="contacted"') : html.index('data-stage="intention"')]
    assert f'data-application-id="{world.application.pk}"' in contacted
    assert _version_on(html) != version
    # and the phones it shows are recorded as seen on the board, as a reload would
    assert PhoneView.objects.count() == seen_before + 1
    assert PhoneView.objects.latest("pk").source == "pipeline_board"
    # and the cards' forms come back to the board, not to the poll
    assert f'name="next" value="/manage/{world.organisation.pk}/pipeline/"' in html


def test_the_poll_keeps_the_boards_filters():
    # given a board filtered to another job
    world = world_make()
    other_job = job_make(organisation=world.organisation, title="叉车工")
    client = Client()
    client.force_login(world.hr)
    # when a new application to the first job arrives
    application_make(job=world.job, seeker=seeker_make(), name="王五")
    response = client.get(_changes(world), {"job": other_job.pk, "version": "stale"})
    # then the filtered board shows none of them, and its links keep the filter
    html = response.content.decode()
    assert "pipeline-card" not in html
    assert f"?job={other_job.pk}" in html


def test_the_poll_is_404_for_anonymous_visitors_without_a_login_redirect():
    world = world_make()
    response = Client().get(_changes(world), {"version": "0.0.0"})
    assert response.status_code == 404


def test_the_board_page_loads_the_drag_script_from_the_project():
    world = world_make()
    client = Client()
    client.force_login(world.hr)
    html = client.get(f"/manage/{world.organisation.pk}/pipeline/").content.decode()
    assert re.search(r'<script src="/static/vendor/sortable[^"]*\.js" defer>', html)
    assert re.search(r'<script src="/static/js/pipeline_board[^"]*\.js" defer>', html)
    assert "cdn" not in html.lower()
    # and the cards that can move are marked for dragging (a closed one is not)
    assert re.search(
        rf'data-application-id="{world.application.pk}" data-name="张三" data-movable', html
    )


def test_a_dragged_move_repeated_is_a_no_op_and_a_refused_one_says_why():
    # given
    world = world_make()
    client = Client()
    client.force_login(world.hr)
    url = f"/api/v1/applications/{world.application.pk}/advance"
    # when the same drop is posted twice
    for _ in range(2):
        response = client.post(url, {"to_stage": "contacted"}, content_type="application/json")
        assert response.status_code == 200
    # then one move is recorded
    assert StageChange.objects.filter(application=world.application).count() == 1
    # when it is dropped back on 已报名
    response = client.post(url, {"to_stage": "applied"}, content_type="application/json")
    # then the answer says why, for the board to show
    assert response.status_code == 400
    assert "阶段只能向前推进" in response.json()["message"]
