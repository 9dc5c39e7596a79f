"""manage.py backup [FOLDER]: the database and uploaded files, online (daigang.core.backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from daigang.core.backup import BackupError, backup_make


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into a new folder (the site keeps serving)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "into",
            nargs="?",
            default=str(settings.VAR_DIR / "backups"),
            help="default: var/backups",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            folder = backup_make(into=Path(options["into"]))
        except BackupError as error:
            raise CommandError(str(error)) from None
        manifest = (folder / "manifest.json").read_text()
        self.stdout.write(f"backed up into {folder}\n{manifest}")
