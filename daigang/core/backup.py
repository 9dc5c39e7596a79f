"""Backups: the database and the uploaded files in one folder, taken while the site serves.

    manage.py backup var/backups      (make backup)

makes `var/backups/daigang-20261205-0300/` with

- `daigang.sqlite3`: SQLite's online backup API, a page-consistent copy taken in steps so
  writers wait at most one step; or `daigang.pgdump`: `pg_dump --format=custom`, one snapshot;
- `files.tar.gz`: uploaded files (`media/`: posters, public pictures; `private/`: licences,
  evidence, contract PDFs). Recordings made again on demand (听岗位 audio) are left out;
- `manifest.json`: when, which engine, each file's size and SHA-256, and how many rows the
  tables that matter had (users, organisations, jobs, applications, contracts), to check a
  restore against.

Restoring is in the README ("Backups"): copy the SQLite file into place, or `pg_restore` into a
fresh database; unpack the files into the var folder. tests/test_backup.py does exactly that.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

# Pages copied per step of SQLite's online backup: a writer waits at most one step (a few ms).
SQLITE_STEP_PAGES = 1024
# Tables whose row counts the manifest records, to check a restore against.
COUNTED_TABLES = {
    "users": "accounts_user",
    "organisations": "accounts_organisation",
    "jobs": "jobs_job",
    "applications": "hiring_application",
    "contracts": "contracts_contract",
}


class BackupError(Exception):
    """The backup could not be made; the message says why (nothing half-made is left)."""


def backup_make(*, into: Path, now: dt.datetime | None = None) -> Path:
    """Back up the database and uploaded files into a new folder under `into`; return it."""
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d-%H%M%S")
    folder = Path(into) / f"daigang-{stamp}"
    try:
        folder.mkdir(parents=True)
    except FileExistsError:
        raise BackupError(f"{folder} already exists") from None
    try:
        if connection.vendor == "sqlite":
            database = _sqlite_backup(folder / "daigang.sqlite3")
        elif connection.vendor == "postgresql":
            database = _postgres_dump(folder / "daigang.pgdump")
        else:
            raise BackupError(f"no backup for the {connection.vendor} engine")
        files = _files_archive(folder / "files.tar.gz")
        manifest = {
            "created_at": timezone.now().isoformat(),
            "engine": connection.vendor,
            "files": {path.name: _describe(path) for path in (database, files)},
            "rows": backup_row_counts(),
        }
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    except BaseException:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
        raise
    return folder


def backup_row_counts() -> dict[str, int]:
    """Rows in each table of COUNTED_TABLES, in the database Django is connected to."""
    with connection.cursor() as cursor:
        counts = {}
        for name, table in COUNTED_TABLES.items():
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[name] = cursor.fetchone()[0]
    return counts


def _sqlite_backup(target: Path) -> Path:
    # Its own read-only connection: Django's stays free, and WAL lets writers go on between
    # steps (a page changed mid-way restarts the copy, so the result is consistent).
    path = Path(settings.DATABASES["default"]["NAME"])
    if not path.is_file():
        raise BackupError(f"there is no database at {path} (run manage.py migrate first)")
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy, pages=SQLITE_STEP_PAGES)
    finally:
        copy.close()
        source.close()
    return target


def _postgres_dump(target: Path) -> Path:
    db = connection.settings_dict
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    command = ["pg_dump", "--format=custom", "--no-owner", f"--file={target}", db["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            command.insert(1, f"{flag}={db[key]}")
    try:
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(
            "pg_dump is not installed (Debian: apt-get install postgresql-client)"
        ) from None
    except subprocess.CalledProcessError as error:
        raise BackupError(f"pg_dump failed: {error.stderr.strip()}") from None
    return target


def _files_archive(target: Path) -> Path:
    with tarfile.open(target, "w:gz") as archive:
        for name, root in (
            ("media", settings.MEDIA_ROOT),
            ("private", settings.PRIVATE_MEDIA_ROOT),
        ):
            if Path(root).is_dir():
                archive.add(root, arcname=name)
    return target


def _describe(path: Path) -> dict[str, object]:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return {"bytes": path.stat().st_size, "sha256": digest.hexdigest()}
