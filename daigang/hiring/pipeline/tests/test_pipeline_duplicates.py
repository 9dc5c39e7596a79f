from __future__ import annotations

import pytest

from daigang.hiring.testing import application_make, seeker_make
from daigang.hiring.tests.pipeline_world import world_make
from daigang.jobs.testing import job_make

pytestmark = pytest.mark.django_db


def _same_phone_elsewhere(world):
    """The world's seeker also applies to a second job here and to a job of another org."""
    forklift = job_make(organisation=world.organisation, title="叉车工")
    second = application_make(job=forklift, seeker=world.seeker)
    application_make(
        job=job_make(organisation=world.outsider.organisations.get(), title="外单位岗位"),
        seeker=world.seeker,
    )
    return second


def test_the_application_page_lists_the_same_phones_other_applications_here(client):
    world = world_make()
    second = _same_phone_elsewhere(world)
    client.force_login(world.owner)

    html = client.get(
        f"/manage/{world.organisation.pk}/applications/{world.application.pk}/"
    ).content.decode()

    assert "该求职者还报名了：" in html
    assert "叉车工" in html
    assert f"/applications/{second.pk}/" in html
    assert "外单位岗位" not in html  # another organisation's business


def test_an_application_without_others_shows_no_such_section(client):
    world = world_make()
    client.force_login(world.owner)

    html = client.get(
        f"/manage/{world.organisation.pk}/applications/{world.application.pk}/"
    ).content.decode()

    assert "该求职者还报名了" not in html


def test_the_table_and_the_board_badge_applications_of_a_phone_seen_on_other_jobs(client):
    world = world_make()
    _same_phone_elsewhere(world)
    loner = application_make(job=world.job, seeker=seeker_make(phone="13700009999"), name="王五")
    client.force_login(world.owner)

    table = client.get(f"/manage/{world.organisation.pk}/pipeline/table/").content.decode()
    board = client.get(f"/manage/{world.organisation.pk}/pipeline/").content.decode()

    assert table.count('data-duplicates="1"') == 2  # both of 张三's applications
    assert "另报1个" in table
    assert board.count('data-duplicates="1"') == 2
    assert "还报名了1个岗位" in board
    row = table[table.index(f'data-application-id="{loner.pk}"') :]
    assert "data-duplicates" not in row[: row.index("</tr>")]


def test_board_column_counts_are_not_split_by_the_duplicate_badge():
    from daigang.hiring.pipeline.selectors import pipeline_board

    world = world_make()
    _same_phone_elsewhere(world)  # 张三 twice (badge 1)
    application_make(job=world.job, seeker=seeker_make(phone="13700009999"), name="王五")  # badge 0

    columns = {c.option.key: c for c in pipeline_board(organisation=world.organisation)}

    assert columns["applied"].total == 3
