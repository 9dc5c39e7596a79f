"""`make run`'s periodic jobs: manage.py periodic runs what the deployment's systemd timers run,
when they would run it, read from the timer files themselves."""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from daigang.core.periodic import Job, ScheduleError, jobs_due, jobs_from_timers, periodic_loop
from daigang.core.video import video_sample_make
from daigang.courses.models import Lesson
from daigang.courses.services import lesson_save
from daigang.courses.testing import course_make, course_owner
from daigang.fairs.testing import bureau_make

ROOT = Path(__file__).resolve().parents[1]


def local(hour: int, minute: int, second: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, 12, 7, hour, minute, second))


def test_every_deployment_timer_is_a_job_with_its_command_and_calendar():
    timers = sorted((ROOT / "deploy" / "systemd").glob("daigang-*.timer"))
    jobs = {job.command: job.calendar for job in jobs_from_timers()}

    assert len(jobs) == len(timers)
    assert jobs["transcode_lessons"] == "*:*:00"
    assert jobs["redact_replays"] == "*:*:00"
    assert jobs["send_due_checkins"] == "hourly"
    assert jobs["send_fair_reminders"] == "*:0/5"
    assert jobs["backup"] == "*-*-* 04:00"


def test_jobs_fall_due_in_the_minutes_their_timers_fire_each_once_per_look():
    jobs = jobs_from_timers()

    def due(since: dt.datetime, until: dt.datetime) -> set[str]:
        return {job.command for job in jobs_due(jobs=jobs, since=since, until=until)}

    every_minute = {"transcode_lessons", "transcode_videos", "redact_replays"}
    # a look a few seconds later in the same minute: nothing
    assert due(local(10, 1, 5), local(10, 1, 40)) == set()
    # into 10:01: the every-minute jobs
    assert due(local(10, 0, 30), local(10, 1, 5)) == every_minute
    # into 10:00: also every 5 and 10 minutes, and hourly
    assert due(local(9, 59, 30), local(10, 0, 5)) == every_minute | {
        "send_fair_reminders",
        "end_overdue_rooms",
        "send_due_checkins",
    }
    # a long transcode from 03:58 to 04:07 does not make the backup at 04:00 skip a night
    assert "backup" in due(local(3, 58, 10), local(4, 7, 0))
    assert "backup" not in due(local(4, 0, 10), local(4, 7, 0))


def test_a_timer_in_a_form_the_runner_cannot_read_fails_loudly(tmp_path):
    (tmp_path / "daigang-weekly.timer").write_text(
        "[Timer]\nOnCalendar=Mon *-*-* 00:00\nUnit=daigang-job@weekly.service\n"
    )
    with pytest.raises(ScheduleError, match="weekly"):
        jobs_from_timers(tmp_path)
    with pytest.raises(ScheduleError):
        Job(command="x", calendar="weekly").due_at(local(0, 0))


# transaction: the runner closes its connection around each job, as a long-lived process must
@pytest.mark.django_db(transaction=True)
def test_a_lesson_uploaded_under_make_run_is_transcoded_by_the_next_minutes_jobs(tmp_path, caplog):
    # given a lesson video just uploaded (处理中), as in `make run`
    course = course_make(bureau=bureau_make(), text_lessons=0, publish=False)
    clip = video_sample_make(path=tmp_path / "clip.mp4", seconds=1)
    lesson = lesson_save(
        course=course,
        by=course_owner(bureau=course.bureau),
        lesson=None,
        title="叉车安全",
        kind=Lesson.Kind.VIDEO,
        body="",
        video=SimpleUploadedFile("clip.mp4", clip.read_bytes()),
    )
    assert lesson.video_state == Lesson.VideoState.PROCESSING
    # when the periodic runner looks once, a minute later
    clock = iter([local(10, 0, 30), local(10, 1, 5)])
    with caplog.at_level(logging.DEBUG, logger="daigang.core.periodic"):
        periodic_loop(
            jobs=jobs_from_timers(), now=lambda: next(clock), sleep=lambda _: None, rounds=1
        )
    # then the lesson plays, and the log says so (a job with nothing to do only at DEBUG)
    lesson.refresh_from_db()
    assert lesson.video_state == Lesson.VideoState.READY
    said = {r.getMessage(): r.levelno for r in caplog.records}
    assert said["transcode_lessons: transcoded 1 lesson(s)"] == logging.INFO
    assert said["redact_replays: 0 replay(s) rewritten"] == logging.DEBUG


def test_manage_py_periodic_names_its_jobs_and_stops_on_ctrl_c():
    process = subprocess.Popen(
        [sys.executable, "manage.py", "periodic"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("periodic jobs: ") and "transcode_lessons (*:*:00)" in first
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
