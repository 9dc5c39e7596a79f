from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from daigang.courses.transcode import lessons_transcode


class Command(BaseCommand):
    help = "Transcode uploaded lesson videos to 480p H.264 + AAC MP4 with a poster frame."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--limit", type=int, default=20)

    def handle(self, *args: Any, **options: Any) -> None:
        done = lessons_transcode(limit=options["limit"])
        self.stdout.write(f"transcoded {done} lesson(s)")
