"""Company and job introduction videos (#17): upload, background transcode, who may watch.

An upload is checked before anything is saved: the title and description by the content rules
every job text passes (daigang.rules, PUBLIC_RULES, as jobs.services.job_content_check), the
file by what it contains (daigang.core.video: MP4/MOV/WebM, ≤ 60 s, ≤ VIDEO_UPLOAD_MAX_BYTES;
the request body itself is capped before it is read, config REQUEST_VIDEO_PATHS). A refused
upload changes nothing: the video shown before stays. An accepted one is stored as the
original and shows 处理中 until `manage.py transcode_videos` (the job timer, every minute)
has made the 480p MP4 and poster (已就绪) or says why it could not (失败 with the reason).

Reporting: a job's video is part of the job — the 举报 on a job card, the feed and the job
page reports the job (daigang.safety Kind.JOB, whose evidence text includes the video's title
and description), and a takedown of the job hides its video with it. A company video is
reported with the organisation (Kind.ORGANISATION).
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from pathlib import Path

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from daigang.accounts.models import Organisation
from daigang.core.video import VIDEO_TRANSCODE_ERRORS, video_stored_transcode, video_upload_check
from daigang.jobs.models import Job, Video
from daigang.jobs.selectors import jobs_open
from daigang.rules.refusals import fields_refusals
from daigang.rules.terms import PUBLIC_RULES

logger = logging.getLogger(__name__)

# An introduction is short: a seeker scrolling the feed watches seconds, not minutes.
VIDEO_DURATION_MAX_S = 60
FEED_AVAILABLE_SECONDS = 60


def video_of(*, organisation: Organisation, job: Job | None) -> Video | None:
    """The organisation's company video (job None) or the job's, in whatever state."""
    if job is not None:
        return Video.objects.filter(job=job).first()
    return Video.objects.filter(organisation=organisation, job__isnull=True).first()


def video_texts_check(*, title: str, description: str) -> dict[str, list[ValidationError]]:
    """The title and description against the content rules for what seekers read."""
    refusals = fields_refusals(
        fields={
            "title": (str(_("视频标题")), title),
            "description": (str(_("视频简介")), description),
        },
        rules=PUBLIC_RULES,
    )
    return {
        field: [ValidationError(message, code="content_rule") for message in messages]
        for field, messages in refusals.items()
    }


def video_upload(
    *,
    organisation: Organisation,
    job: Job | None,
    title: str,
    description: str = "",
    file: File | None = None,
) -> Video:
    """Save a new video (or new texts for the one there): checked first, ValidationError by
    field when refused, and then nothing changes. A new file replaces the old video once it is
    stored (the old files are deleted after the commit) and shows 处理中."""
    if job is not None and job.organisation_id != organisation.pk:
        raise ValidationError(_("岗位不属于该单位"))
    title, description = " ".join(title.split()), description.strip()
    errors = video_texts_check(title=title, description=description)
    if not title:
        errors.setdefault("title", []).append(ValidationError(_("请填写视频标题")))
    current = video_of(organisation=organisation, job=job)
    if file is None and current is None:
        errors.setdefault("file", []).append(ValidationError(_("请选择要上传的视频")))
    if file is not None:
        try:
            video_upload_check(
                file=file,
                duration_max_s=VIDEO_DURATION_MAX_S,
                too_long=_("视频太长：最长 %(s)d 秒") % {"s": VIDEO_DURATION_MAX_S},
            )
        except ValidationError as exc:
            errors.setdefault("file", []).append(exc)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        video = (
            Video.objects.select_for_update().filter(pk=current.pk).first() if current else None
        ) or Video(organisation=organisation, job=job)
        video.title, video.description = title, description
        if file is not None:
            old = [f.name for f in (video.original, video.mp4, video.poster) if f]
            digest = hashlib.sha256()
            file.seek(0)
            for chunk in iter(lambda: file.read(1024 * 1024), b""):
                digest.update(chunk)
            file.seek(0)
            video.sha = digest.hexdigest()[:16]
            video.original.save(f"original-{video.sha}", file, save=False)
            video.mp4 = video.poster = ""  # type: ignore[assignment]
            video.state, video.error, video.duration_ms = Video.State.PROCESSING, "", 0
            storage = video.original.storage
            transaction.on_commit(lambda: [storage.delete(name) for name in old])
        video.save()
    return video


def video_delete(*, video: Video) -> None:
    """Remove a video and its files."""
    names = [f.name for f in (video.original, video.mp4, video.poster) if f]
    storage = video.original.storage
    video.delete()
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


def video_transcode_one(*, video: Video) -> Video:
    """Transcode one video's original outside any transaction; store the result only if the
    video still holds that upload (a newer upload or a deletion wins); 失败 with the reason
    for a file FFmpeg cannot read. Running it again on a finished video does nothing."""
    version = video.sha
    with tempfile.TemporaryDirectory(prefix="daigang-video-") as folder:
        try:
            result = video_stored_transcode(stored=video.original, folder=Path(folder))
        except VIDEO_TRANSCODE_ERRORS as exc:
            logger.warning("video %s: transcoding failed: %s", video.pk, exc)
            Video.objects.filter(pk=video.pk, sha=version, state=Video.State.PROCESSING).update(
                state=Video.State.FAILED,
                error=_("视频无法转码（文件损坏或编码不受支持），请换一个文件重新上传"),
            )
            return Video.objects.filter(pk=video.pk).first() or video
        with transaction.atomic():
            current = Video.objects.select_for_update().filter(pk=video.pk).first()
            if current is None or current.sha != version or current.state != video.State.PROCESSING:
                return current or video
            original = current.original.name
            with result.mp4.open("rb") as mp4:
                current.mp4.save(f"video-{version}.mp4", ContentFile(mp4.read()), save=False)
            current.poster.save(
                f"poster-{version}.jpg", ContentFile(result.poster_jpeg), save=False
            )
            current.duration_ms = result.duration_ms
            current.state, current.error = Video.State.READY, ""
            current.original = ""  # type: ignore[assignment]
            current.save()
            storage = current.original.storage
            transaction.on_commit(lambda: storage.delete(original))
    return current


def videos_transcode(*, limit: int = 20) -> int:
    """Transcode the videos waiting (oldest first), at most `limit`; how many were taken."""
    waiting = list(
        Video.objects.filter(state=Video.State.PROCESSING)
        .exclude(original="")
        .order_by("created_at", "pk")[:limit]
    )
    for video in waiting:
        video_transcode_one(video=video)
    return len(waiting)


def video_for_viewer(*, video_id: int, sha: str, may_see_drafts: bool) -> Video | None:
    """A ready video by id and version, if its page is public (or the viewer is a member of
    its organisation, `may_see_drafts`): the organisation verified and not suspended, the job
    (if any) not a draft nor taken down."""
    video = (
        Video.objects.select_related("organisation", "job")
        .filter(pk=video_id, sha=sha, state=Video.State.READY)
        .first()
    )
    if video is None:
        return None
    if may_see_drafts:
        return video
    org = video.organisation
    if org.status != Organisation.Status.VERIFIED or org.suspended_at is not None:
        return None
    job = video.job
    if job is not None and (job.status == Job.Status.DRAFT or job.taken_down_at is not None):
        return None
    return video


def video_is_public(*, video: Video) -> bool:
    return video_for_viewer(video_id=video.pk, sha=video.sha, may_see_drafts=False) is not None


def feed_jobs(*, before_id: int | None = None, limit: int = 20) -> list[Job]:
    """刷岗位: open jobs with a ready video, newest video first (then by id, for the next
    page: `before_id` is the last video id shown)."""
    jobs = jobs_open().filter(video__state=Video.State.READY).select_related("video")
    if before_id is not None:
        jobs = jobs.filter(video__id__lt=before_id)
    return list(jobs.order_by("-video__id")[:limit])


def feed_available() -> bool:
    """Whether 刷岗位 has anything to show (the home page links to it only then); kept a minute
    in the cache, as the home page asks on every visit."""
    return bool(
        cache.get_or_set(
            "jobs:feed_available",
            lambda: jobs_open().filter(video__state=Video.State.READY).exists(),
            FEED_AVAILABLE_SECONDS,
        )
    )


def ready_videos(*, jobs: list[Job]) -> dict[int, Video]:
    """Job id → its ready video, for a list of cards (one query)."""
    ids = [job.pk for job in jobs]
    return {v.job_id: v for v in Video.objects.filter(job_id__in=ids, state=Video.State.READY)}  # type: ignore[misc]


def company_video(*, organisation: Organisation) -> Video | None:
    return Video.objects.filter(
        organisation=organisation, job__isnull=True, state=Video.State.READY
    ).first()


def videos_of_organisation(*, organisation: Organisation) -> QuerySet[Video]:
    return Video.objects.filter(organisation=organisation).select_related("job")
