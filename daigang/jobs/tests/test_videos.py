"""Company and job introduction videos (#17): upload checks, the background transcode and its
states, where the videos play, the 刷岗位 feed, the card counts and the click-through figures.

Real components: clips made with PyAV, transcoded by the real command, served by byte range.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import av
import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from daigang.accounts.testing import organisation_make, png_bytes, user_make
from daigang.core.tests.test_body_limit import Client as AsgiClient
from daigang.core.tests.test_body_limit import call as asgi_call
from daigang.core.video import video_sample_make
from daigang.jobs.counts import card_click_through, card_counts_add
from daigang.jobs.models import CardCount, Job, Video
from daigang.jobs.testing import job_make, job_video_make
from daigang.jobs.videos import videos_transcode

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _video_url(job: Job) -> str:
    return f"/manage/{job.organisation_id}/jobs/{job.pk}/video/"


# --- upload checks ------------------------------------------------------------------------


def test_a_picture_named_mp4_is_refused_by_its_content_and_the_job_keeps_its_video(
    org, owner, tmp_path
):
    # given a job whose video is ready
    job = job_make(organisation=org)
    before = job_video_make(job=job, folder=tmp_path)
    assert before.state == Video.State.READY
    # when a PNG named .mp4 is uploaded in its place
    response = _client(owner).post(
        _video_url(job),
        {
            "title": "新视频",
            "file": SimpleUploadedFile("clip.mp4", png_bytes(), content_type="video/mp4"),
        },
    )
    # then a clear error, and the video shown before is untouched
    assert response.status_code == 400
    assert "请上传 MP4、MOV 或 WebM 格式的视频" in response.content.decode()
    after = Video.objects.get(job=job)
    assert (after.sha, after.state, after.title) == (before.sha, Video.State.READY, before.title)
    assert Path(after.mp4.path).exists()


def test_a_video_longer_than_60_seconds_is_refused_with_the_limit_named(org, owner, tmp_path):
    # given a 61-second clip
    job = job_make(organisation=org)
    clip = video_sample_make(path=tmp_path / "long.mp4", seconds=61, size=(64, 64))
    # when it is uploaded as the job's video
    response = _client(owner).post(
        _video_url(job),
        {"title": "很长", "file": SimpleUploadedFile("long.mp4", clip.read_bytes())},
    )
    # then it is refused and nothing is saved
    assert response.status_code == 400
    assert "视频太长：最长 60 秒" in response.content.decode()
    assert not Video.objects.exists()


def test_a_video_over_the_size_limit_is_refused_with_the_limit_named(
    org, owner, tmp_path, settings
):
    settings.VIDEO_UPLOAD_MAX_BYTES = 10_000
    job = job_make(organisation=org)
    clip = video_sample_make(path=tmp_path / "c.mp4", seconds=1)
    response = _client(owner).post(
        _video_url(job), {"title": "演示", "file": SimpleUploadedFile("c.mp4", clip.read_bytes())}
    )
    assert response.status_code == 400
    assert "视频太大" in response.content.decode()
    assert not Video.objects.exists()


def test_the_video_forms_take_a_video_sized_body_and_a_bigger_one_is_refused_unread():
    from config.asgi import application

    limit = application.application_mapping["http"]
    assert limit.limit_for("/manage/3/video/") == settings.REQUEST_VIDEO_MAX_BYTES
    assert limit.limit_for("/manage/3/jobs/4/video/") == settings.REQUEST_VIDEO_MAX_BYTES
    assert limit.limit_for("/manage/3/jobs/4/edit/") == settings.REQUEST_BODY_MAX_BYTES
    # given a POST declaring 200 MB to a job's video form
    client = AsgiClient(chunks=1000)
    # when it reaches the application
    asgi_call("/manage/3/jobs/4/video/", client, content_length=200 * 1024 * 1024)
    # then 413, and not one chunk of the body was read
    assert client.status == 413
    assert client.reads == 0


def test_a_title_asking_seekers_for_a_deposit_is_refused_like_a_job_text(org, owner, tmp_path):
    job = job_make(organisation=org)
    clip = video_sample_make(path=tmp_path / "c.mp4", seconds=1)
    response = _client(owner).post(
        _video_url(job),
        {"title": "入职先交押金300元", "file": SimpleUploadedFile("c.mp4", clip.read_bytes())},
    )
    assert response.status_code == 400
    assert "押金" in response.content.decode()
    assert not Video.objects.exists()


# --- transcode and states -----------------------------------------------------------------


def test_an_upload_is_processing_until_the_command_makes_a_480p_mp4_and_poster_and_drops_the_original(
    org, owner, tmp_path, django_capture_on_commit_callbacks
):
    # given a 2-second 1280×720 clip uploaded through the job's video page
    job = job_make(organisation=org)
    clip = video_sample_make(path=tmp_path / "hd.mp4", seconds=2, size=(1280, 720))
    client = _client(owner)
    response = client.post(
        _video_url(job),
        {"title": "车间实拍", "file": SimpleUploadedFile("hd.mov", clip.read_bytes())},
    )
    assert response.status_code == 302
    video = Video.objects.get(job=job)
    assert video.state == Video.State.PROCESSING
    original = Path(video.original.path)
    assert original.exists()
    assert "处理中" in client.get(_video_url(job)).content.decode()
    # the public cannot see it yet
    assert "<video" not in Client().get(f"/jobs/{job.pk}/").content.decode()

    # when the job timer's command runs (twice: the second finds nothing to do)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("transcode_videos", stdout=io.StringIO())
    assert videos_transcode() == 0

    # then H.264 480p + AAC with its index first, a poster, the length; the original is gone
    video.refresh_from_db()
    assert video.state == Video.State.READY
    with av.open(video.mp4.path) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.height == 480
        assert container.streams.audio[0].codec_context.name == "aac"
    head = Path(video.mp4.path).read_bytes()[:4096]
    assert head.find(b"moov") < head.find(b"mdat") or b"mdat" not in head  # faststart
    assert Path(video.poster.path).read_bytes()[:2] == b"\xff\xd8"
    assert 1800 <= video.duration_ms <= 2200
    assert not video.original and not original.exists()
    assert "已就绪" in client.get(_video_url(job)).content.decode()


def test_a_file_ffmpeg_cannot_decode_is_marked_failed_and_the_uploader_sees_why(org, owner):
    # given a video whose stored original is not decodable (it passed no check: written here)
    job = job_make(organisation=org)
    video = Video.objects.create(organisation=org, job=job, title="坏文件", sha="bad")
    video.original.save("broken", io.BytesIO(b"not a video at all"), save=True)  # type: ignore[arg-type]
    # when the command runs
    videos_transcode()
    # then 失败 with the reason, on the uploader's page
    video.refresh_from_db()
    assert video.state == Video.State.FAILED
    page = _client(owner).get(_video_url(job)).content.decode()
    assert "失败" in page and "视频无法转码" in page


def test_a_new_upload_while_one_is_transcoding_wins(org, tmp_path):
    from daigang.jobs.videos import video_transcode_one, video_upload

    job = job_make(organisation=org)
    first = video_sample_make(path=tmp_path / "a.mp4", seconds=1)
    second = video_sample_make(path=tmp_path / "b.mp4", seconds=1, size=(320, 240))
    with first.open("rb") as handle:
        from django.core.files import File

        old = video_upload(organisation=org, job=job, title="一", file=File(handle, name="a"))
    with second.open("rb") as handle:
        video_upload(organisation=org, job=job, title="二", file=File(handle, name="b"))
    # the command picked up the first version; the second arrived meanwhile
    video_transcode_one(video=old)
    video = Video.objects.get(job=job)
    assert video.title == "二" and video.state == Video.State.PROCESSING


# --- where videos play --------------------------------------------------------------------


def test_a_ready_job_video_plays_inline_on_the_job_page_the_list_and_the_organisation_page(
    org, tmp_path
):
    job = job_make(organisation=org, title="电子厂普工")
    other = job_make(organisation=org, title="仓库分拣")
    video = job_video_make(job=job, folder=tmp_path)
    client = Client()
    for url in (f"/jobs/{job.pk}/", "/", f"/org/{org.pk}/"):
        page = client.get(url).content.decode()
        assert f"/videos/{video.pk}/{video.sha}.mp4" in page, url
        assert 'muted playsinline preload="none"' in page, url
        assert f"/videos/{video.pk}/{video.sha}.jpg" in page, url
    # the job without a video shows none on its page
    assert "<video" not in client.get(f"/jobs/{other.pk}/").content.decode()


def test_the_home_page_links_to_the_feed_only_when_it_has_videos_and_a_list_card_loads_no_poster(
    org, tmp_path
):
    # given open jobs without a video
    job = job_make(organisation=org, title="电子厂普工")
    client = Client()
    # then the home page offers no empty 刷岗位
    assert "/jobs/feed/" not in client.get("/").content.decode()
    # when one gets a ready video (and the minute's cache has passed)
    video = job_video_make(job=job, folder=tmp_path)
    cache.clear()
    page = client.get("/").content.decode()
    # then 刷岗位 is linked, and the card's player waits in a <template> (no poster fetched)
    assert "/jobs/feed/" in page
    assert "data-video-open" in page
    template = page[page.index("<template>") : page.index("</template>")]
    assert f"/videos/{video.pk}/{video.sha}.jpg" in template


def test_the_company_video_plays_on_the_organisation_page(org, owner, tmp_path):
    clip = video_sample_make(path=tmp_path / "co.mp4", seconds=1)
    response = _client(owner).post(
        f"/manage/{org.pk}/video/",
        {"title": "走进华兴", "file": SimpleUploadedFile("co.webm", clip.read_bytes())},
    )
    assert response.status_code == 302
    videos_transcode()
    video = Video.objects.get(organisation=org, job__isnull=True)
    page = Client().get(f"/org/{org.pk}/").content.decode()
    assert f"/videos/{video.pk}/{video.sha}.mp4" in page and "走进华兴" in page


def test_the_video_is_served_by_byte_range_and_a_draft_jobs_only_to_its_members(
    org, owner, tmp_path
):
    job = job_make(organisation=org)
    video = job_video_make(job=job, folder=tmp_path)
    url = f"/videos/{video.pk}/{video.sha}.mp4"
    response = Client().get(url, HTTP_RANGE="bytes=0-99")
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == Path(video.mp4.path).read_bytes()[:100]  # type: ignore[attr-defined]
    assert "immutable" in response["Cache-Control"]
    assert Client().get(f"/videos/{video.pk}/{'0' * 16}.mp4").status_code == 404
    # a draft job's video: its members only, never cached
    draft = job_make(organisation=org, status=Job.Status.DRAFT)
    hidden = job_video_make(job=draft, folder=tmp_path)
    hidden_url = f"/videos/{hidden.pk}/{hidden.sha}.jpg"
    assert Client().get(hidden_url).status_code == 404
    response = _client(owner).get(hidden_url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"


# --- the feed -----------------------------------------------------------------------------


def test_the_feed_shows_open_jobs_with_a_ready_video_each_with_one_tap_apply(org, tmp_path):
    # given an open job with a video, one without, and a closed one with a video
    with_video = job_make(organisation=org, title="电子厂普工")
    job_make(organisation=org, title="没有视频的岗位")
    closed = job_make(organisation=org, title="已关闭岗位", status=Job.Status.CLOSED)
    video = job_video_make(job=with_video, folder=tmp_path)
    job_video_make(job=closed, folder=tmp_path)
    # when a seeker opens 刷岗位
    page = Client().get("/jobs/feed/").content.decode()
    # then only the open job with a video, playable inline, with 一键报名 (source: feed)
    assert "电子厂普工" in page
    assert "没有视频的岗位" not in page and "已关闭岗位" not in page
    assert f"/videos/{video.pk}/{video.sha}.mp4" in page
    assert f'data-apply-job="{with_video.pk}"' in page
    assert f"/jobs/{with_video.pk}/apply/?src=feed:{with_video.pk}" in page
    assert 'id="apply-sheet"' in page
    # and the home page links to it
    assert 'href="/jobs/feed/"' in Client().get("/").content.decode()


# --- counts and click-through -------------------------------------------------------------


def test_a_beacon_adds_impressions_plays_and_opens_per_job_and_day_and_ignores_junk(org, tmp_path):
    job = job_make(organisation=org)
    plain = job_make(organisation=org)
    draft = job_make(organisation=org, status=Job.Status.DRAFT)
    job_video_make(job=job, folder=tmp_path)
    client = Client()
    events = f"i:{job.pk},p:{job.pk},o:{job.pk},i:{plain.pk},i:{draft.pk},x:1,i:abc,i:999999"
    assert client.post("/jobs/counts/", {"e": events}).status_code == 204
    assert client.post("/jobs/counts/", {"e": f"i:{job.pk},i:{plain.pk}"}).status_code == 204
    rows = {row.job_id: row for row in CardCount.objects.all()}
    assert set(rows) == {job.pk, plain.pk}
    assert (rows[job.pk].impressions, rows[job.pk].plays, rows[job.pk].opens) == (2, 1, 1)
    assert rows[job.pk].with_video and not rows[plain.pk].with_video
    assert (rows[plain.pk].impressions, rows[plain.pk].opens) == (2, 0)
    assert rows[job.pk].day == timezone.localdate()


def test_a_beacon_the_browser_sends_again_is_counted_once(org):
    # given a beacon with its batch id, already counted
    job = job_make(organisation=org)
    client = Client()
    beacon = {"e": f"i:{job.pk},o:{job.pk}", "b": "k2x9abcd1234"}
    assert client.post("/jobs/counts/", beacon).status_code == 204
    # when the browser sends the same beacon again, then another one
    assert client.post("/jobs/counts/", beacon).status_code == 204
    assert client.post("/jobs/counts/", {**beacon, "b": "k2x9abcd9999"}).status_code == 204
    # then the repeat added nothing and the new one counted
    row = CardCount.objects.get(job=job)
    assert (row.impressions, row.opens) == (2, 2)


def test_the_statistics_page_shows_click_through_with_video_against_without(org, owner, tmp_path):
    # given 200 impressions of each kind of card: 30 opens with a video, 20 without
    job = job_make(organisation=org)
    plain = job_make(organisation=org)
    job_video_make(job=job, folder=tmp_path)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    card_counts_add(events=[("i", job.pk)] * 100 + [("o", job.pk)] * 15, day=yesterday)
    card_counts_add(events=[("i", job.pk)] * 100 + [("o", job.pk)] * 15 + [("p", job.pk)] * 40)
    # (a beacon carries at most 200 events: a page sends several)
    card_counts_add(events=[("i", plain.pk)] * 200)
    card_counts_add(events=[("o", plain.pk)] * 20)
    # and another organisation's cards, which do not count here
    elsewhere = job_make(organisation=organisation_make(name="别家", owner=user_make()))
    card_counts_add(events=[("i", elsewhere.pk)] * 50)
    # when the numbers are read
    ctr = card_click_through(organisation=org)
    # then 15.0% with a video, 10.0% without: +50%
    assert (ctr.with_video.impressions, ctr.with_video.opens, ctr.with_video.plays) == (200, 30, 40)
    assert (ctr.without_video.impressions, ctr.without_video.opens) == (200, 20)
    assert (ctr.with_video.percent, ctr.without_video.percent, ctr.lift) == (
        "15.0%",
        "10.0%",
        "+50%",
    )
    page = _client(owner).get(f"/manage/{org.pk}/pipeline/stats/").content.decode()
    assert "15.0%" in page and "10.0%" in page and "+50%" in page


def test_an_organisation_with_no_counts_yet_sees_dashes_not_a_division_by_zero(org):
    ctr = card_click_through(organisation=org)
    assert (ctr.with_video.percent, ctr.without_video.percent, ctr.lift) == ("—", "—", "—")


# --- reporting ----------------------------------------------------------------------------


def test_a_report_of_the_job_carries_its_video_and_a_takedown_hides_the_video_everywhere(
    org, tmp_path
):
    from daigang.safety.targets import target_resolve

    # given a job with a ready video
    job = job_make(organisation=org, title="电子厂普工")
    video = job_video_make(job=job, folder=tmp_path)
    # when a seeker reports the job (the 举报 on the feed card and the job page)
    target = target_resolve(kind="job", target_id=job.pk, user=user_make())
    # then what the moderator reads includes the video's title, and a new upload is a new version
    assert video.title in target.text and video.sha in target.text
    # when a moderator takes the job down, then its video is gone from the feed and its files
    Job.objects.filter(pk=job.pk).update(taken_down_at=timezone.now())
    assert f"/videos/{video.pk}/" not in Client().get("/jobs/feed/").content.decode()
    assert Client().get(f"/videos/{video.pk}/{video.sha}.mp4").status_code == 404
