"""Run the periodic jobs as the deployment's timers would (daigang.core.periodic): `make run`
starts it beside the web server. A deployment uses the timers instead."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from daigang.core.periodic import jobs_from_timers, periodic_loop


class Command(BaseCommand):
    help = "Run the periodic jobs of deploy/systemd/daigang-*.timer on their schedule, forever."

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = jobs_from_timers()
        try:
            self.stdout.write(
                "periodic jobs: " + ", ".join(f"{job.command} ({job.calendar})" for job in jobs)
            )
            periodic_loop(jobs=jobs)
        except KeyboardInterrupt:  # Ctrl-C at `make run`: a job cut short runs again later
            pass
