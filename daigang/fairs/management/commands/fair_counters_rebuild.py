"""Recount the fair dashboard's counters from the raw rows (applications and their stages,
the rooms' viewers, card opens), e.g. after a crash lost a second of buffered counts, or after
a room joined a fair once people had applied in it:

    .venv/bin/python manage.py fair_counters_rebuild
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from daigang.fairs.counters import counters_rebuild


class Command(BaseCommand):
    help = "Recount the fair counters (applications, stages, unique applicants and viewers)."

    def handle(self, *args: object, **options: object) -> None:
        read = counters_rebuild()
        self.stdout.write(
            f"counted {read['applications']} application(s) and "
            f"{read['room_viewers']} room viewer(s)"
        )
