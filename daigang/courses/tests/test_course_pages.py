"""Course pages: video upload checked by content before anything is saved, the transcode job,
the video served by byte ranges, the beacon, the bureau's numbers and their export, the
certificate's verification page and attaching a certificate to an application."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from daigang.accounts.testing import organisation_make, png_bytes
from daigang.core.video import video_sample_make
from daigang.courses.models import Certificate, Course, Lesson
from daigang.courses.services import course_enrol, lesson_progress_record, lesson_save
from daigang.courses.testing import course_make, course_owner, video_lesson_add
from daigang.courses.transcode import lesson_transcode, lessons_transcode
from daigang.fairs.testing import bureau_make
from daigang.hiring.models import Stage, StageChange
from daigang.hiring.testing import application_make, seeker_make
from daigang.jobs.testing import job_make

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _lesson_url(course: Course, lesson: Lesson | None = None) -> str:
    base = f"/manage/{course.bureau_id}/courses/{course.pk}/lessons/"
    return base + (f"{lesson.pk}/" if lesson else "new/")


def test_a_picture_named_mp4_is_refused_and_the_course_keeps_its_lessons(tmp_path):
    # given a draft course with one lesson
    course = course_make(bureau=bureau_make(), publish=False)
    client = _client(course_owner(bureau=course.bureau))
    # when a PNG named .mp4 is uploaded as a video lesson
    response = client.post(
        _lesson_url(course),
        {
            "title": "演示",
            "kind": "video",
            "video": SimpleUploadedFile("clip.mp4", png_bytes(), content_type="video/mp4"),
        },
    )
    # then a clear error, nothing saved
    assert response.status_code == 400
    assert "MP4、MOV 或 WebM" in response.content.decode()
    assert course.lessons.count() == 1


def test_a_video_over_100_mb_is_refused_before_it_is_probed(settings, tmp_path):
    settings.VIDEO_UPLOAD_MAX_BYTES = 10_000
    course = course_make(bureau=bureau_make(), publish=False)
    clip = video_sample_make(path=tmp_path / "c.mp4", seconds=1)
    response = _client(course_owner(bureau=course.bureau)).post(
        _lesson_url(course),
        {"title": "演示", "kind": "video", "video": SimpleUploadedFile("c.mp4", clip.read_bytes())},
    )
    assert response.status_code == 400
    assert "视频太大" in response.content.decode()


def test_the_lesson_forms_take_a_video_sized_body_and_no_other_path_does():
    from config.asgi import application

    limit = application.application_mapping["http"]
    assert limit.limit_for("/manage/3/courses/4/lessons/new/") == settings.REQUEST_VIDEO_MAX_BYTES
    assert limit.limit_for("/manage/3/courses/4/lessons/5/") == settings.REQUEST_VIDEO_MAX_BYTES
    assert limit.limit_for("/manage/3/courses/4/") == settings.REQUEST_BODY_MAX_BYTES
    assert limit.limit_for("/certificates/DG20260101-ABCD2345/") == (
        settings.REQUEST_UPLOAD_MAX_BYTES
    )


def test_an_uploaded_video_is_processing_until_the_job_makes_a_480p_mp4_and_drops_the_original(
    tmp_path, django_capture_on_commit_callbacks
):
    # given a video uploaded through the page (1280×720)
    course = course_make(bureau=bureau_make(), publish=False)
    clip = video_sample_make(path=tmp_path / "hd.mp4", seconds=1, size=(1280, 720))
    response = _client(course_owner(bureau=course.bureau)).post(
        _lesson_url(course),
        {
            "title": "演示",
            "kind": "video",
            "video": SimpleUploadedFile("hd.mp4", clip.read_bytes()),
        },
    )
    assert response.status_code == 302
    lesson = course.lessons.get(kind="video")
    assert lesson.video_state == Lesson.VideoState.PROCESSING
    original = Path(lesson.original.path)
    assert original.exists()
    # when the job runs (twice: the second finds nothing to do)
    with django_capture_on_commit_callbacks(execute=True):
        assert lessons_transcode() == 1
    assert lessons_transcode() == 0
    # then 480p H.264 + AAC, a poster, its length, and the original is gone
    import av

    lesson.refresh_from_db()
    assert lesson.video_state == Lesson.VideoState.READY
    with av.open(lesson.video.path) as container:
        video = container.streams.video[0]
        assert video.codec_context.name == "h264"
        assert video.codec_context.height == 480
        assert container.streams.audio[0].codec_context.name == "aac"
    assert lesson.poster and lesson.duration_ms >= 900
    assert not lesson.original
    assert not original.exists()


def test_uploads_over_a_video_keep_the_newest_original_and_delete_every_older_file(
    tmp_path, django_capture_on_commit_callbacks
):
    # given a video lesson already transcoded (its MP4 and poster on disk)
    course = course_make(bureau=bureau_make(), text_lessons=0, video_lessons=1, publish=False)
    lesson = course.lessons.get()
    by = course_owner(bureau=course.bureau)
    old_files = [Path(lesson.video.path), Path(lesson.poster.path)]
    assert all(path.exists() for path in old_files)

    def upload(name: str, seconds: float) -> Lesson:
        clip = video_sample_make(path=tmp_path / name, seconds=seconds)
        with django_capture_on_commit_callbacks(execute=True):
            return lesson_save(
                course=course,
                by=by,
                lesson=Lesson.objects.get(pk=lesson.pk),
                title=lesson.title,
                kind=Lesson.Kind.VIDEO,
                body="",
                video=SimpleUploadedFile(name, clip.read_bytes()),
            )

    # when the bureau uploads another video, and a third before the job has run
    second = Path(upload("second.mp4", 1).original.path)
    lesson = upload("third.mp4", 2)
    # then only the newest original is kept, the old MP4 and poster are gone,
    # and the job turns it into a playable lesson
    assert lesson.video_state == Lesson.VideoState.PROCESSING
    assert Path(lesson.original.path).exists()
    assert not second.exists()
    assert not any(path.exists() for path in old_files)
    with django_capture_on_commit_callbacks(execute=True):
        assert lessons_transcode() == 1
    lesson.refresh_from_db()
    assert lesson.video_state == Lesson.VideoState.READY
    assert Path(lesson.video.path).exists()


def test_a_second_transcoder_that_finds_the_original_gone_leaves_a_ready_lesson_ready(
    django_capture_on_commit_callbacks,
):
    # given a lesson one job run took while another finished it and deleted the original
    course = course_make(bureau=bureau_make(), publish=False)
    lesson = Lesson.objects.create(
        course=course, title="两次", kind="video", video_state="processing", video_sha="x"
    )
    lesson.original.save("gone", io.BytesIO(b"not a video at all"), save=True)  # type: ignore[arg-type]
    taken = Lesson.objects.get(pk=lesson.pk)
    Lesson.objects.filter(pk=lesson.pk).update(video_state=Lesson.VideoState.READY)
    # when the slower run fails to read the file
    lesson_transcode(lesson=taken)
    # then the lesson stays 已就绪
    lesson.refresh_from_db()
    assert lesson.video_state == Lesson.VideoState.READY
    assert not lesson.video_error


def test_a_file_ffmpeg_cannot_decode_is_marked_failed_with_the_reason():
    course = course_make(bureau=bureau_make(), publish=False)
    lesson = Lesson.objects.create(
        course=course, title="坏文件", kind="video", video_state="processing", video_sha="x"
    )
    lesson.original.save("broken", io.BytesIO(b"not a video at all"), save=True)  # type: ignore[arg-type]
    lessons_transcode()
    lesson.refresh_from_db()
    assert lesson.video_state == Lesson.VideoState.FAILED
    assert lesson.video_error


def test_the_video_answers_a_byte_range_without_sending_the_whole_file():
    # given a published course with a video lesson
    course = course_make(bureau=bureau_make(), text_lessons=0, video_lessons=1)
    lesson = course.lessons.get()
    url = f"/courses/{course.pk}/lessons/{lesson.pk}/video/{lesson.video_sha}.mp4"
    size = Path(lesson.video.path).stat().st_size
    client = Client()
    # when a player asks for the first two bytes, then a range in the middle, then past the end
    first = client.get(url, HTTP_RANGE="bytes=0-1")
    middle = client.get(url, HTTP_RANGE="bytes=100-199")
    past = client.get(url, HTTP_RANGE=f"bytes={size}-")
    whole = client.get(url)
    # then 206 with just those bytes, 416 past the end, 200 whole without a range
    assert (
        first.status_code == 206
        and b"".join(first.streaming_content)
        and first["Content-Length"] == "2"
    )
    assert first["Content-Range"] == f"bytes 0-1/{size}"
    body = b"".join(middle.streaming_content)
    assert len(body) == 100 and body == Path(lesson.video.path).read_bytes()[100:200]
    assert past.status_code == 416
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    assert len(b"".join(whole.streaming_content)) == size
    # and a wrong version is not found
    assert client.get(url.replace(lesson.video_sha, "0" * 16)).status_code == 404


def test_a_draft_courses_video_is_only_for_the_bureaus_members():
    bureau = bureau_make()
    course = course_make(bureau=bureau, text_lessons=0, publish=False)
    lesson = video_lesson_add(course=course, by=course_owner(bureau=bureau))
    url = f"/courses/{course.pk}/lessons/{lesson.pk}/video/{lesson.video_sha}.mp4"
    assert Client().get(url).status_code == 404
    assert _client(course_owner(bureau=bureau)).get(url).status_code == 200


def test_the_beacon_records_progress_and_answers_the_certificate_when_the_course_is_done():
    course = course_make(bureau=bureau_make())
    lesson = course.lessons.get()
    seeker = seeker_make()
    client = _client(seeker)
    # given the seeker enrolled by one tap (twice: one enrolment)
    assert client.post(f"/courses/{course.pk}/enrol/").status_code == 302
    assert client.post(f"/courses/{course.pk}/enrol/").status_code == 302
    # when the text lesson is read to the end
    url = f"/courses/{course.pk}/lessons/{lesson.pk}/progress/"
    answer = client.post(url, {"position": "0", "ended": "on"}).json()
    # then the course is done and the certificate downloads
    assert answer["completed"] and answer["course_completed"]
    pdf = client.get(answer["certificate_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert client.post(url, {"position": "x"}).status_code == 400


def test_the_verification_page_says_valid_with_the_name_masked_and_checks_a_file():
    course = course_make(bureau=bureau_make())
    seeker = seeker_make(name="王小明")
    course_enrol(course=course, user=seeker)
    certificate = lesson_progress_record(
        lesson=course.lessons.get(), user=seeker, position_s=0, ended=True
    ).certificate
    assert certificate is not None
    client = Client()
    page = client.get(f"/certificates/{certificate.number}/").content.decode()
    assert 'data-valid="true"' in page and "王*明" in page and "王小明" not in page
    with certificate.pdf.open("rb") as handle:
        original = handle.read()
    good = client.post(
        f"/certificates/{certificate.number}/",
        {"file": SimpleUploadedFile("c.pdf", original)},
    )
    bad = client.post(
        f"/certificates/{certificate.number}/",
        {"file": SimpleUploadedFile("c.pdf", original + b"\n")},
    )
    assert 'data-verified="true"' in good.content.decode()
    assert 'data-verified="false"' in bad.content.decode()
    assert client.get("/certificates/DG20200101-NOSUCH00/").status_code == 404
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now())
    assert (
        'data-valid="false"' in client.get(f"/certificates/{certificate.number}/").content.decode()
    )


def test_a_certificate_attached_to_an_application_is_shown_to_the_organisation():
    # given a seeker with a certificate and an application
    course = course_make(bureau=bureau_make())
    seeker = seeker_make()
    course_enrol(course=course, user=seeker)
    certificate = lesson_progress_record(
        lesson=course.lessons.get(), user=seeker, position_s=0, ended=True
    ).certificate
    assert certificate is not None
    organisation = organisation_make()
    application = application_make(job=job_make(organisation=organisation), seeker=seeker)
    hr = course_owner(bureau=organisation)
    detail = f"/manage/{organisation.pk}/applications/{application.pk}/"
    assert certificate.course_title not in _client(hr).get(detail).content.decode()
    # when the seeker attaches it (twice)
    client = _client(seeker)
    for _ in range(2):
        client.post(f"/me/certificates/{certificate.pk}/attach/", {"application": application.pk})
    # then the organisation sees it on the application
    assert certificate.attachments.count() == 1
    assert certificate.course_title in _client(hr).get(detail).content.decode()


def test_the_numbers_count_enrolments_completions_and_hires_within_90_days():
    # given two seekers in a course: one completed and was hired 30 days later, one enrolled
    bureau = bureau_make()
    course = course_make(bureau=bureau)
    done, started = seeker_make(), seeker_make()
    course_enrol(course=course, user=started)
    course_enrol(course=course, user=done)
    lesson_progress_record(lesson=course.lessons.get(), user=done, position_s=0, ended=True)
    application = application_make(job=job_make(organisation=organisation_make()), seeker=done)
    StageChange.objects.create(
        application=application,
        from_stage=Stage.SIGNED,
        to_stage=Stage.ONBOARDED,
        at=timezone.now() + dt.timedelta(days=30),
    )
    client = _client(course_owner(bureau=bureau))
    # when the bureau opens its numbers
    page = client.get(f"/manage/{bureau.pk}/courses/stats/").content.decode()
    export = client.get(f"/manage/{bureau.pk}/courses/stats.xlsx")
    # then 2 enrolled, 1 completed (50.0%), 1 hired, on the page and in the export
    assert f'data-course="{course.pk}"><td>{course.title}</td>' in page
    assert "50.0%" in page
    rows = list(load_workbook(io.BytesIO(b"".join(export.streaming_content))).worksheets[0].values)
    assert rows[1][3:] == (2, 1, "50.0%", 1)  # after the provider column (none: own)


def test_a_hire_after_90_days_is_not_counted():
    bureau = bureau_make()
    course = course_make(bureau=bureau)
    seeker = seeker_make()
    course_enrol(course=course, user=seeker)
    lesson_progress_record(lesson=course.lessons.get(), user=seeker, position_s=0, ended=True)
    application = application_make(job=job_make(organisation=organisation_make()), seeker=seeker)
    StageChange.objects.create(
        application=application,
        from_stage=Stage.SIGNED,
        to_stage=Stage.ONBOARDED,
        at=timezone.now() + dt.timedelta(days=91),
    )
    from daigang.courses.stats import course_numbers

    by_course, _by_region = course_numbers(bureau=bureau)
    assert by_course[0].completions == 1 and by_course[0].hires == 0


def test_a_text_lesson_without_a_body_is_refused():
    course = course_make(bureau=bureau_make(), publish=False)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        lesson_save(
            course=course,
            by=course_owner(bureau=course.bureau),
            lesson=None,
            title="空",
            kind="text",
            body="",
        )


@pytest.mark.parametrize(
    ("role", "write", "numbers"),
    [("owner", 200, 200), ("operator", 200, 200), ("matchmaker", 404, 200), ("viewer", 404, 200)],
)
def test_a_bureaus_owner_and_operator_write_courses_and_every_bureau_role_sees_the_numbers(
    role, write, numbers
):
    from daigang.accounts.testing import member_make

    bureau = bureau_make()
    course = course_make(bureau=bureau)
    client = _client(member_make(organisation=bureau, role=role))
    assert client.get(f"/manage/{bureau.pk}/courses/").status_code == write
    assert client.get(f"/manage/{bureau.pk}/courses/{course.pk}/").status_code == write
    assert client.get(f"/manage/{bureau.pk}/courses/stats/").status_code == numbers


def test_the_player_resumes_where_the_seeker_stopped_on_another_device():
    # given a seeker who stopped a video lesson at 1.2 s on their phone
    course = course_make(bureau=bureau_make(), text_lessons=0, video_lessons=1, video_seconds=3)
    lesson = course.lessons.get()
    seeker = seeker_make()
    course_enrol(course=course, user=seeker)
    lesson_progress_record(lesson=lesson, user=seeker, position_s=1.2)
    # when they open the lesson in another browser
    page = _client(seeker).get(f"/courses/{course.pk}/lessons/{lesson.pk}/").content.decode()
    # then the player starts there
    assert 'data-resume="1.2"' in page


def test_a_seeker_not_enrolled_is_sent_to_the_course_page_to_enrol():
    course = course_make(bureau=bureau_make())
    lesson = course.lessons.get()
    response = _client(seeker_make()).get(f"/courses/{course.pk}/lessons/{lesson.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/courses/{course.pk}/"


def test_after_applying_a_seeker_may_attach_their_certificate_in_one_tap():
    # given a seeker with a course certificate
    course = course_make(bureau=bureau_make())
    seeker = seeker_make(name="张三")
    course_enrol(course=course, user=seeker)
    lesson_progress_record(lesson=course.lessons.get(), user=seeker, position_s=0, ended=True)
    job = job_make(organisation=organisation_make())
    client = _client(seeker)
    # when they apply
    page = client.post(
        f"/jobs/{job.pk}/apply/",
        {"name": "张三", "consent": "on", "idempotency_key": "certificate-attach-01"},
    ).content.decode()
    # then the success offers the certificate, and one tap attaches it and comes back
    assert "data-certificate-attach" in page and course.title in page
    certificate = Certificate.objects.get()
    application = job.applications.get()
    response = client.post(
        f"/me/certificates/{certificate.pk}/attach/",
        {"application": application.pk, "next": "/me/applications/"},
    )
    assert response.status_code == 302 and response["Location"] == "/me/applications/"
    assert certificate.attachments.get().application_id == application.pk
    # and a foreign next is not followed
    response = client.post(
        f"/me/certificates/{certificate.pk}/attach/",
        {"application": application.pk, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/me/courses/"
