"""听岗位: the text a job is read aloud with, and the server's recording of it (espeak-ng,
MP3), made once per version of the job, cached for a year, gone with the job."""

from __future__ import annotations

import dataclasses

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from daigang.accounts.testing import organisation_make, user_make
from daigang.jobs.listen import job_listen_url, listen_version
from daigang.jobs.models import Board, Job, PaySchedule, Shift, WageUnit
from daigang.jobs.presenters import job_listen_text
from daigang.jobs.services import job_update
from daigang.jobs.testing import draft_make, job_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(db):
    return organisation_make(name="东莞市华兴实业有限公司", owner=user_make(name="李经理"))


def _job(org, **overrides):
    values = {
        "title": "电子厂普工",
        "wage_min_fen": 550000,
        "wage_max_fen": 700000,
        "wage_unit": WageUnit.MONTH,
        "pay_schedule": PaySchedule.MONTHLY,
        "shift": Shift.DAY_ONLY,
        "board": Board.ROOM_AND_BOARD,
        "couple_rooms": True,
        "benefits": ["五险一金"],
        **overrides,
    }
    return job_make(organisation=org, **values)


def _audio(client, job):
    return client.get(job_listen_url(job))


# --- the text ---------------------------------------------------------------------------------


def test_the_spoken_text_says_title_wage_place_hours_and_benefits_in_that_order(org):
    job = _job(org)
    job.district = "长安镇"
    assert job_listen_text(job) == (
        "电子厂普工。工价每月5500到7000元，月结。地点：东莞市长安镇。班次：长白班。"
        "福利：包吃住、夫妻间、五险一金。"
    )


def test_a_piece_rate_with_fen_is_said_in_jiao_and_fen_not_with_a_decimal_point(org):
    # espeak-ng reads "0.35" as "零 三十五": an amount is said as people say it
    job = _job(org, wage_min_fen=35, wage_max_fen=35, wage_unit=WageUnit.PIECE, benefits=[])
    assert "工价每件3角5分，月结。" in job_listen_text(job)
    job.wage_min_fen, job.wage_max_fen = 2550, 3000
    assert "每件25元5角到30元" in job_listen_text(job)


def test_the_spoken_text_is_mandarin_on_an_english_page_too(org):
    job = _job(org)
    with translation.override("en"):
        text = job_listen_text(job)
    assert "长白班" in text and "包吃住" in text and "Day shift" not in text


def test_a_job_without_benefits_ends_with_its_shift(org):
    job = _job(org, board=Board.NONE, couple_rooms=False, benefits=[])
    assert job_listen_text(job).endswith("班次：长白班。")


# --- the recording ----------------------------------------------------------------------------


def test_the_recording_is_a_small_mp3_cached_for_a_year(client, org):
    # given
    job = _job(org)
    # when
    response = _audio(client, job)
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/mpeg"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["Accept-Ranges"] == "bytes"
    body = response.content
    assert body[:3] == b"ID3" or (body[0] == 0xFF and body[1] & 0xE0 == 0xE0)
    assert 5_000 < len(body) < 120_000  # ~15 s of speech at 24 kbit/s mono


def test_a_player_asking_for_a_range_gets_that_range(client, org):
    # Safari will not play audio from a server that answers Range with the whole file
    job = _job(org)
    whole = _audio(client, job).content
    response = client.get(job_listen_url(job), HTTP_RANGE="bytes=0-1")
    assert response.status_code == 206
    assert response.content == whole[:2]
    assert response["Content-Range"] == f"bytes 0-1/{len(whole)}"
    past = client.get(job_listen_url(job), HTTP_RANGE=f"bytes={len(whole)}-")
    assert past.status_code == 416


def test_the_same_text_is_spoken_once_and_the_same_file_served_again(client, org, settings):
    # given a job read aloud once
    job = _job(org)
    first = _audio(client, job).content
    files = list(settings.LISTEN_AUDIO_DIR.iterdir())
    made_at = files[0].stat().st_mtime_ns
    # when it is asked for again
    second = _audio(client, job).content
    # then the same file answers, not a new recording
    assert second == first
    assert list(settings.LISTEN_AUDIO_DIR.iterdir()) == files
    assert files[0].stat().st_mtime_ns == made_at


def test_a_changed_job_gets_a_new_recording_and_the_old_url_leads_to_it(client, org, settings):
    # given a job read aloud, and its URL as an open page still has it
    job = _job(org)
    old_url = job_listen_url(job)
    old = client.get(old_url).content
    # when its wage changes
    job = job_update(
        job=job,
        by=None,
        draft=dataclasses.replace(
            draft_make(
                title="电子厂普工",
                board=Board.ROOM_AND_BOARD,
                couple_rooms=True,
                benefits=["五险一金"],
                wage_unit=WageUnit.MONTH,
            ),
            wage_min_fen=600000,
            wage_max_fen=750000,
        ),
    )
    # then the page links a new recording of the new text
    new_url = job_listen_url(job)
    assert new_url != old_url
    assert "6000到7500元" in job_listen_text(job)
    new = client.get(new_url)
    assert new.status_code == 200 and new.content != old
    # and the old URL is sent on to it, not cached for a year
    moved = client.get(old_url)
    assert moved.status_code == 302 and moved["Location"] == new_url
    assert moved["Cache-Control"] == "no-cache"
    # and only the new version is kept on disk
    assert [path.name for path in settings.LISTEN_AUDIO_DIR.iterdir()] == [
        f"{job.pk}-{listen_version(text=job_listen_text(job))}.mp3"
    ]


@pytest.mark.parametrize("hidden", ["taken down", "draft", "suspended organisation"])
def test_a_job_the_public_cannot_see_has_no_recording(client, org, hidden):
    # given
    job = _job(org)
    url = job_listen_url(job)
    if hidden == "taken down":
        Job.objects.filter(pk=job.pk).update(taken_down_at=timezone.now())
    elif hidden == "draft":
        Job.objects.filter(pk=job.pk).update(status=Job.Status.DRAFT)
    else:
        type(org).objects.filter(pk=org.pk).update(suspended_at=timezone.now())
    # when its members and strangers alike ask
    client.force_login(org.memberships.first().user)
    # then
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404


def test_without_espeak_ng_the_server_says_so_with_503(client, org, settings):
    # given a server where espeak-ng is not installed
    settings.LISTEN_ESPEAK = "espeak-ng-not-installed"
    job = _job(org)
    # when
    response = _audio(client, job)
    # then the browser is told plainly, and not to keep the answer
    assert response.status_code == 503
    assert "espeak-ng" in response.content.decode()
    assert response["Cache-Control"] == "no-store"


def test_an_unknown_job_has_no_recording(client):
    assert client.get(reverse("jobs:listen", args=[999_999, "0" * 16])).status_code == 404


# --- the buttons ------------------------------------------------------------------------------


def test_the_job_page_and_the_home_list_carry_the_same_text_and_recording(client, org):
    # given
    job = _job(org)
    text = job_listen_text(job)
    # when
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    home = client.get(reverse("jobs:home")).content.decode()
    # then both have a 听 button speaking the presenter's text, with the server's recording
    for html in (page, home):
        assert f'data-listen-text="{text}"' in html
        assert f'data-listen-audio="{job_listen_url(job)}"' in html
        assert 'aria-label="听岗位：电子厂普工"' in html


def test_a_draft_preview_has_no_listen_button(client, org):
    job = _job(org, status=Job.Status.DRAFT)
    client.force_login(org.memberships.first().user)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "listen-btn" not in page


def test_the_job_page_keeps_apply_and_report_in_its_bottom_bar(client, org):
    job = _job(org)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    bar = page[page.index('id="job-actions"') :]
    bar = bar[: bar.index("</div>")]
    assert 'id="apply-link"' in bar and 'data-report="job"' in bar
