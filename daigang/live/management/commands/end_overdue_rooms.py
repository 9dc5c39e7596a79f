"""End rooms still interrupted long after their planned start (LIVE_ROOM_END_AFTER_HOURS), and
mic-link turns past their limit that the relay did not end. Safe to run as often as you like
(cron)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from daigang.live.lifecycle import rooms_overdue_end
from daigang.live.mic import mic_turns_expire


class Command(BaseCommand):
    help = "End rooms whose publisher went away and that are now long past their planned start."

    def handle(self, *args: object, **options: object) -> None:
        ended = rooms_overdue_end()
        self.stdout.write(f"ended {ended} overdue room(s)")
        turns = mic_turns_expire()
        self.stdout.write(f"ended {turns} mic-link turn(s) past their limit")
