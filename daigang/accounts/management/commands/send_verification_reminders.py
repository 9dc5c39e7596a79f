"""Remind organisation owners 30 and 7 days before their verification, or their agency's HR
service licence, ends: an SMS to each owner and a notice on the organisation's page.

Each reminder is sent once, however often this runs; run it daily from cron, e.g.:

    30 9 * * *  cd /srv/daigang && .venv/bin/python manage.py send_verification_reminders
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from daigang.accounts.services.reminders import verification_reminders_send


class Command(BaseCommand):
    help = "Send the 30- and 7-day verification and licence reminders that are due (each once)."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(f"sent {verification_reminders_send()} verification reminder(s)")
