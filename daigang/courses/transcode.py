"""The background job that turns uploaded lesson videos into what phones play.

`manage.py transcode_lessons` (the job timer runs it every minute) takes each lesson still
处理中, transcodes its original outside any transaction (seconds to minutes), then stores the
MP4 and poster only if the lesson still holds that same upload (a newer upload, or a deleted
lesson, wins), marks it 已就绪 and deletes the original. A file FFmpeg cannot read marks the
lesson 失败 with the reason, which the bureau sees. Running it again does nothing more.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from daigang.core.video import VIDEO_TRANSCODE_ERRORS, video_stored_transcode
from daigang.courses.models import Lesson

logger = logging.getLogger(__name__)


def lesson_transcode(*, lesson: Lesson) -> Lesson:
    """Transcode one lesson's original (see the module docstring)."""
    version = lesson.video_sha
    with tempfile.TemporaryDirectory(prefix="daigang-lesson-") as folder:
        try:
            result = video_stored_transcode(stored=lesson.original, folder=Path(folder))
        except VIDEO_TRANSCODE_ERRORS as exc:
            logger.warning("lesson %s: transcoding failed: %s", lesson.pk, exc)
            Lesson.objects.filter(
                pk=lesson.pk, video_sha=version, video_state=Lesson.VideoState.PROCESSING
            ).update(
                video_state=Lesson.VideoState.FAILED,
                video_error=_("视频无法转码，请换一个文件重新上传"),
            )
            return Lesson.objects.filter(pk=lesson.pk).first() or lesson
        with transaction.atomic():
            current = Lesson.objects.select_for_update().filter(pk=lesson.pk).first()
            if (
                current is None
                or current.video_sha != version
                or current.video_state != Lesson.VideoState.PROCESSING
            ):
                return current or lesson
            original = current.original.name
            with result.mp4.open("rb") as mp4:
                current.video.save(f"lesson-{version}.mp4", ContentFile(mp4.read()), save=False)
            current.poster.save(
                f"poster-{version}.jpg", ContentFile(result.poster_jpeg), save=False
            )
            current.duration_ms = result.duration_ms
            current.video_state = Lesson.VideoState.READY
            current.video_error = ""
            current.original = ""  # type: ignore[assignment]
            current.save()
            storage = current.original.storage
            transaction.on_commit(lambda: storage.delete(original))
    return current


def lessons_transcode(*, limit: int = 20) -> int:
    """Transcode the lessons waiting (oldest first), at most `limit`; how many were done."""
    waiting = list(
        Lesson.objects.filter(video_state=Lesson.VideoState.PROCESSING)
        .exclude(original="")
        .order_by("created_at", "pk")[:limit]
    )
    for lesson in waiting:
        lesson_transcode(lesson=lesson)
    return len(waiting)
