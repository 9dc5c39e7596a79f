"""Silence the 连麦 guests' voices that deleted accounts left in replays (every minute from
the job timer; a run with nothing to do costs one query)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from daigang.replays.redaction import replays_redact


class Command(BaseCommand):
    help = "Make silent the stretches of replays in which a deleted account was heard on mic."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--limit", type=int, default=20)

    def handle(self, *args: Any, **options: Any) -> None:
        done = replays_redact(limit=options["limit"])
        self.stdout.write(f"{done} replay(s) rewritten")
