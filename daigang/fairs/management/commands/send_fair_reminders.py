"""Tell seekers who opted in that a job fair is about to start: a notice on 我的报名 and an
SMS, FAIR_REMINDER_LEAD_MINUTES before it starts. Each reminder is sent once, however often
this runs; run it every few minutes from cron, e.g.:

    */5 * * * *  cd /srv/daigang && .venv/bin/python manage.py send_fair_reminders
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from daigang.fairs.reminders import fair_reminders_send


class Command(BaseCommand):
    help = "Send the job-fair start reminders that are due (each once)."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(f"sent {fair_reminders_send()} fair reminder(s)")
