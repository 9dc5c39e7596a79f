"""Backups: `manage.py backup`, then the README's restore steps into a fresh database.

Runs on the engine the suite runs on (SQLite by default, PostgreSQL in CI's second pass)."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import subprocess
import tarfile
import uuid
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from daigang.accounts.testing import organisation_make
from daigang.core.backup import backup_row_counts
from daigang.hiring.models import Application
from daigang.hiring.testing import application_make, seeker_make
from daigang.jobs.testing import job_make

EXTENSION = {"sqlite": "sqlite3", "postgresql": "pgdump"}


def _restored_applications(folder: Path, tmp_path: Path) -> set[tuple[int, str]]:
    """Restore the backup as the README says and read (id, phone) of every application."""
    query = "SELECT id, phone FROM hiring_application"
    if connection.vendor == "sqlite":
        # README: stop the site, copy daigang.sqlite3 to SQLITE_PATH, start it.
        restored = tmp_path / "restored.sqlite3"
        shutil.copy(folder / "daigang.sqlite3", restored)
        with sqlite3.connect(restored) as db:
            return {(row[0], row[1]) for row in db.execute(query)}
    # README: createdb NEW; pg_restore --no-owner --dbname=NEW daigang.pgdump
    db = connection.settings_dict
    name = f"restore_{uuid.uuid4().hex[:8]}"
    where = [f"--host={db['HOST']}", f"--port={db['PORT'] or 5432}", f"--username={db['USER']}"]
    subprocess.run(["createdb", *where, name], check=True)
    try:
        subprocess.run(
            [
                "pg_restore",
                *where,
                "--no-owner",
                f"--dbname={name}",
                str(folder / "daigang.pgdump"),
            ],
            check=True,
        )
        out = subprocess.run(
            [
                "psql",
                *where,
                "--no-align",
                "--tuples-only",
                "--field-separator=,",
                name,
                "-c",
                query,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return {(int(i), phone) for i, phone in (line.split(",") for line in out.split())}
    finally:
        subprocess.run(["dropdb", *where, name], check=True)


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_a_fresh_database_has_every_application_and_file(tmp_path, settings):
    # given: applications, and an uploaded private file
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "var" / "private"
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    org = organisation_make()
    job = job_make(organisation=org)
    for n in range(5):
        application_make(job=job, seeker=seeker_make(phone=f"1380000{n:04d}"))
    private = Path(settings.PRIVATE_MEDIA_ROOT) / "licences" / "a.pdf"
    private.parent.mkdir(parents=True)
    private.write_bytes(b"%PDF-1.4 licence")
    expected = {(a.pk, a.phone) for a in Application.objects.all()}

    # when
    call_command("backup", str(tmp_path / "backups"), stdout=io.StringIO())

    # then: one folder with the database, the files and a manifest that counts the rows
    (folder,) = (tmp_path / "backups").iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["engine"] == connection.vendor
    assert manifest["rows"]["applications"] == 5 == backup_row_counts()["applications"]
    # and: restored into a fresh database, every application is there with its phone
    assert _restored_applications(folder, tmp_path) == expected
    # and: the files unpack into a var folder as they were
    with tarfile.open(folder / "files.tar.gz") as archive:
        archive.extractall(tmp_path / "restored-var", filter="data")
    assert (
        tmp_path / "restored-var" / "private" / "licences" / "a.pdf"
    ).read_bytes() == b"%PDF-1.4 licence"


@pytest.mark.django_db(transaction=True)
def test_a_second_backup_in_the_same_second_is_refused_and_leaves_the_first_whole(tmp_path):
    # given: a backup just made
    frozen = timezone.now()
    with mock.patch("daigang.core.backup.timezone.now", return_value=frozen):
        call_command("backup", str(tmp_path), stdout=io.StringIO())
        (folder,) = tmp_path.iterdir()
        before = {p.name: p.stat().st_size for p in folder.iterdir()}
        # when: another one at the same time (its folder's name is taken)
        with pytest.raises(CommandError, match="already exists"):
            call_command("backup", str(tmp_path), stdout=io.StringIO())
    # then: the first is untouched
    assert {p.name: p.stat().st_size for p in folder.iterdir()} == before
    assert set(before) == {
        "daigang." + EXTENSION[connection.vendor],
        "files.tar.gz",
        "manifest.json",
    }
