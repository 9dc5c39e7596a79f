from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from daigang.jobs.videos import videos_transcode


class Command(BaseCommand):
    help = (
        "Transcode uploaded company and job videos to 480p H.264 + AAC MP4 with a poster frame "
        "(the job timer runs it every minute; a second run does nothing more)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--limit", type=int, default=20)

    def handle(self, *args: Any, **options: Any) -> None:
        done = videos_transcode(limit=options["limit"])
        self.stdout.write(f"transcoded {done} video(s)")
