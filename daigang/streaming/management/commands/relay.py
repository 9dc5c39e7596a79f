"""`manage.py relay`: the built-in relay in its own process (STREAM_RELAY=process).

Serves every room placed on it (room id modulo STREAM_RELAYS == --index) until SIGTERM or
SIGINT, then drains: it takes no more requests, finishes those under way, interrupts its live
rooms (not ended: their publishers come back) and closes every peer connection.
"""

from __future__ import annotations

import asyncio
import signal
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Run the WHIP/WHEP relay in its own process (STREAM_RELAY=process) until SIGTERM."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--index",
            type=int,
            default=0,
            help="which relay this is: it serves the rooms whose id %% STREAM_RELAYS is this",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from daigang.streaming import relay_control, services
        from daigang.streaming.loop import relay_loop
        from daigang.streaming.startup import host_addresses_startup_note

        index = int(options["index"])
        if not settings.REDIS_URL:
            raise CommandError("manage.py relay needs REDIS_URL: web processes reach it there")
        if not 0 <= index < settings.STREAM_RELAYS:
            raise CommandError(f"--index must be 0 to {settings.STREAM_RELAYS - 1}")
        host_addresses_startup_note()
        interrupted = services.relay_rooms_orphaned_interrupt(
            index=index, relays=settings.STREAM_RELAYS
        )
        if interrupted:
            self.stdout.write(f"relay {index}: {interrupted} room(s) left live are interrupted")
        server = relay_control.RelayServer(index=index, handle=services.relay_request_handle)
        running = asyncio.run_coroutine_threadsafe(
            server.serve(drain=services.relay_drain), relay_loop()
        )

        def stop(signum: int, frame: object) -> None:
            server.stop_soon()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"relay {index} of {settings.STREAM_RELAYS}: serving", ending="\n")
        self.stdout.flush()
        while True:
            try:
                running.result(timeout=0.5)  # short waits: signals are handled in between
                break
            except FutureTimeout:
                continue
        self.stdout.write(f"relay {index}: stopped")
