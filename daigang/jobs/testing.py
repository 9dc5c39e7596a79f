"""Builders for job tests of every layer: a job's content, a saved job, what the job form posts.

Functions, not fixtures, so a test's `# given` block says what it builds. Imports only
accounts below it (tests/test_architecture.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from django.core.files import File
from django.utils import timezone

from daigang.accounts.models import Organisation, User
from daigang.accounts.testing import uscc_make
from daigang.core.video import video_sample_make
from daigang.jobs.models import Arrangement, Board, Job, PaySchedule, Shift, Video, WageUnit
from daigang.jobs.services import JobDraft, job_create
from daigang.jobs.videos import video_transcode_one, video_upload


def draft_make(**overrides: object) -> JobDraft:
    values: dict[str, object] = {
        "title": "电子厂普工",
        "kind_of_work": "普工",
        "headcount": 20,
        "wage_min_fen": 2200,
        "wage_max_fen": 2600,
        "wage_unit": WageUnit.HOUR,
        "pay_schedule": PaySchedule.MONTHLY,
        "shift": Shift.DAY_ONLY,
        "board": Board.ROOM_AND_BOARD,
        "couple_rooms": False,
        "assembly_line": True,
        "province": "广东省",
        "city": "东莞市",
        "district": "",
        "address": "长安镇振安中路1号",
        "benefits": ["五险一金"],
        "requirements": "18-45岁，视力良好，能适应流水线。",
        "duties": "手机配件组装，坐着上班。",
        "valid_until": timezone.localdate() + dt.timedelta(days=30),
    }
    values.update(overrides)
    return JobDraft(**values)  # type: ignore[arg-type]


def agency_draft_make(**overrides: object) -> JobDraft:
    """A labour agency's job: it names the employer it recruits for, and dispatch or placement."""
    values: dict[str, object] = {
        "employer_name": "东莞示例电子有限公司",
        "employer_uscc": uscc_make(),
        "arrangement": Arrangement.DISPATCH,
    }
    values.update(overrides)
    return draft_make(**values)


def job_make(
    *,
    organisation: Organisation,
    status: str = Job.Status.PUBLISHED,
    by: User | None = None,
    **overrides: object,
) -> Job:
    """A job saved through job_create (checked, with its search text), in `status`.

    The status is then set on the row as job_publish / job_close would set it, without their
    checks, so a test can build the published job of an organisation whose verification has
    since lapsed, or one past its date. `overrides` are JobDraft fields.
    """
    if organisation.kind == Organisation.Kind.AGENCY:
        draft = agency_draft_make(**overrides)
    else:
        draft = draft_make(**overrides)
    job = job_create(organisation=organisation, by=by, draft=draft)
    if status != Job.Status.DRAFT:
        now = timezone.now()
        job.status = status
        job.published_at = now
        job.closed_at = now if status == Job.Status.CLOSED else None
        job.save(update_fields=["status", "published_at", "closed_at"])
    return job


def job_post_data(*, agency: bool = False, **overrides: str) -> dict[str, object]:
    """What the job form posts, with yuan as text (with the employer's fields for an agency)."""
    draft = agency_draft_make() if agency else draft_make()
    data: dict[str, object] = {
        field.name: getattr(draft, field.name) for field in dataclasses.fields(draft)
    }
    # The form picks the place from lists of region codes: 广东省 / 东莞市 by default.
    data.pop("region_id")
    data.update(province="440000", city="441900", district="")
    data.pop("wage_min_fen")
    data.pop("wage_max_fen")
    data.pop("benefits")
    data.update(
        wage_min="22",
        wage_max="26",
        benefits_common=["五险一金"],
        benefits_other="",
        valid_until=draft.valid_until.isoformat(),
        age_min="18",
        age_max="45",
    )
    if not agency:
        for name in ("employer_name", "employer_uscc", "arrangement"):
            data.pop(name)
    for flag in ("couple_rooms", "assembly_line", "is_flexible"):
        if not data.get(flag):
            data.pop(flag, None)
    data.update(overrides)
    return data


def job_video_make(
    *, job: Job, folder: Path, seconds: float = 2.0, size: tuple[int, int] = (360, 640)
) -> Video:
    """A real clip (PyAV) uploaded as the job's video through jobs.videos and transcoded, as
    the job timer would: 已就绪 with its 480p MP4 and poster."""
    clip = video_sample_make(path=folder / f"job-{job.pk}.mp4", seconds=seconds, size=size)
    with clip.open("rb") as handle:
        video = video_upload(
            organisation=job.organisation,
            job=job,
            title=f"{job.title}实拍",
            description="车间、宿舍、食堂",
            file=File(handle, name=clip.name),
        )
    return video_transcode_one(video=video)
