"""The periodic jobs, for `make run`: what the deployment's systemd timers do, in one process.

A deployment runs each job from its own timer (deploy/systemd/daigang-*.timer, each starting
`manage.py <command>` through daigang-job@.service). `make run` has no timers, so
`manage.py periodic` reads those same files and runs each command when its timer would: the
timers stay the one list of jobs and when they run. Only the calendar forms the timers use are
read (every minute `*:*:00`, every N minutes `*:0/N`, `hourly`, daily `*-*-* HH:MM`); another
form fails loudly, at start and in the tests.

Jobs run one after another in this process (call_command), each in the minute it falls due in
the project's time zone; a minute passed while another job ran still counts, so a daily job is
not skipped because a transcode was running at its time. A job that raises is logged and the
others go on; what a job printed is logged too, unless it did nothing. Every job is safe to run again and to run late (README "Configuration").
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import close_old_connections
from django.utils import timezone

logger = logging.getLogger(__name__)

TIMERS = Path(settings.BASE_DIR) / "deploy" / "systemd"
_EVERY_MINUTES = re.compile(r"\*:0/(\d+)")
_DAILY = re.compile(r"\*-\*-\* (\d{1,2}):(\d{2})(?::00)?")
_UNIT = re.compile(r"daigang-job@(\w+)\.service")
_SOMETHING = re.compile(r"\b0*[1-9]\d*\b")


class ScheduleError(ValueError):
    """A timer this runner cannot read."""


@dataclass(frozen=True)
class Job:
    command: str
    calendar: str  # the timer's OnCalendar, one of the forms above

    def due_at(self, minute: dt.datetime) -> bool:
        """Whether the timer fires in this minute (local time, seconds dropped)."""
        if self.calendar == "*:*:00":
            return True
        if self.calendar == "hourly":
            return minute.minute == 0
        if every := _EVERY_MINUTES.fullmatch(self.calendar):
            return minute.minute % int(every.group(1)) == 0
        if daily := _DAILY.fullmatch(self.calendar):
            return (minute.hour, minute.minute) == (int(daily.group(1)), int(daily.group(2)))
        raise ScheduleError(f"{self.command}: OnCalendar={self.calendar} is not a form we read")


def jobs_from_timers(folder: Path = TIMERS) -> list[Job]:
    """One Job per daigang-*.timer: its Unit's command and its OnCalendar."""
    jobs = []
    for timer in sorted(folder.glob("daigang-*.timer")):
        fields = dict(line.split("=", 1) for line in timer.read_text().splitlines() if "=" in line)
        unit = _UNIT.fullmatch(fields.get("Unit", ""))
        if unit is None or "OnCalendar" not in fields:
            raise ScheduleError(f"{timer.name}: no daigang-job@<command>.service or no OnCalendar")
        job = Job(command=unit.group(1), calendar=fields["OnCalendar"].strip())
        job.due_at(timezone.localtime().replace(second=0, microsecond=0))  # fails if unread
        jobs.append(job)
    return jobs


def _minute(at: dt.datetime) -> dt.datetime:
    return timezone.localtime(at).replace(second=0, microsecond=0)


def jobs_due(*, jobs: list[Job], since: dt.datetime, until: dt.datetime) -> list[Job]:
    """The jobs whose timer fired in a minute after `since`'s, up to `until`'s, in order;
    each once however many of its minutes passed."""
    due: list[Job] = []
    minute, last = _minute(since) + dt.timedelta(minutes=1), _minute(until)
    while minute <= last and len(due) < len(jobs):
        due += [job for job in jobs if job not in due and job.due_at(minute)]
        minute += dt.timedelta(minutes=1)
    return [job for job in jobs if job in due]


def job_run(job: Job) -> bool:
    """Run one job's command here; False (logged) if it raised. What it printed is logged,
    at DEBUG when every number in it is 0 (a minute with nothing to do is not news)."""
    close_old_connections()
    out = io.StringIO()
    try:
        call_command(job.command, stdout=out)
    except Exception:
        logger.exception("periodic job %s failed", job.command)
        return False
    finally:
        close_old_connections()
    said = " ".join(out.getvalue().split())
    level = logging.INFO if _SOMETHING.search(said) else logging.DEBUG
    logger.log(level, "%s: %s", job.command, said)
    return True


def periodic_loop(
    *,
    jobs: list[Job],
    now: Callable[[], dt.datetime] = timezone.now,
    sleep: Callable[[float], None] = time.sleep,
    rounds: int | None = None,
) -> None:
    """Every few seconds, run the jobs due since the last look (forever, or `rounds` times)."""
    since = now()
    done = 0
    while rounds is None or done < rounds:
        sleep(5)
        until = now()
        for job in jobs_due(jobs=jobs, since=since, until=until):
            job_run(job)
        since = until
        done += 1
