"""Remind seekers of their day-7 / day-30 check-ins once they are due.

Each check-in is sent once, however often this runs; run it from cron, e.g. hourly:

    0 * * * *  cd /srv/daigang && .venv/bin/python manage.py send_due_checkins

(Due check-ins also show on the seeker's pages by date, whether or not this has run.)
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from daigang.contracts.services import checkins_send_due


class Command(BaseCommand):
    help = "Send the day-7 / day-30 check-in reminders that are due (each only once)."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(f"sent {checkins_send_due()} check-in reminder(s)")
