"""SQLite under concurrent writers: one busy timeout, writers served in turn, a 503 with
Retry-After (never a 500) when the wait runs out, and honest texts when nothing can be saved.
(PostgreSQL has row locks and needs none of this: these run on the SQLite default only.)"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from daigang.accounts.testing import organisation_make
from daigang.core.sqlite.base import DatabaseWrapper
from daigang.hiring.apply.tests.test_fastpath_group_commit import _pending
from daigang.hiring.apply.writer import batch_apply
from daigang.hiring.models import Application, Note, Notification
from daigang.hiring.testing import seeker_make
from daigang.hiring.tests.pipeline_world import world_make
from daigang.jobs.testing import job_make

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's single writer only"),
]


def _note_url(world) -> str:
    return f"/manage/{world.organisation.pk}/applications/{world.application.pk}/notes/"


def test_hr_writes_all_go_through_while_another_thread_commits_in_a_tight_loop():
    # given: a thread committing small write transactions back to back, as the apply
    # writer does during a burst
    world = world_make()
    stop = threading.Event()
    hammered = [0]

    def hammer() -> None:
        try:
            while not stop.is_set():
                with transaction.atomic():
                    Notification.objects.create(user=world.seeker, text="burst")
                hammered[0] += 1
        finally:
            connection.close()

    failures: list[BaseException] = []

    def hr(n: int) -> None:
        try:
            for i in range(5):
                with transaction.atomic():
                    Note.objects.create(
                        application=world.application, author=world.owner, text=f"{n}-{i}"
                    )
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    hammer_thread = threading.Thread(target=hammer)
    hammer_thread.start()
    time.sleep(0.2)
    # when: six HR requests' threads write meanwhile
    threads = [threading.Thread(target=hr, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    stop.set()
    hammer_thread.join(10)

    # then: every HR write got its turn; the hammer kept going too
    assert failures == []
    assert Note.objects.count() == 30
    assert hammered[0] > 30


def test_a_write_that_waits_past_the_busy_timeout_answers_503_with_retry_after_and_saves_nothing(
    client,
):
    # given: another thread holds the write lock longer than this request will wait
    world = world_make()
    client.force_login(world.owner)
    holding, done = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                Notification.objects.create(user=world.seeker, text="long")
                holding.set()
                done.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(5)
    connection.ensure_connection()
    connection.busy_timeout = 0.3
    try:
        # when: HR adds a note
        response = client.post(_note_url(world), {"text": "已电话联系"})
    finally:
        done.set()
        holder.join(10)
    # then
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert "使用的人太多，请稍后再试" in response.content.decode()
    assert not Note.objects.filter(text="已电话联系").exists()


def test_a_read_only_database_answers_the_truth_not_too_many_applicants(client):
    # given: writes are refused by SQLite itself (as on a read-only data folder)
    job = job_make(organisation=organisation_make())
    batch = [_pending(job, seeker_make())]
    connection.ensure_connection()
    connection.connection.execute("PRAGMA query_only=ON")
    try:
        # when: a batch of one-tap applies tries to commit
        results = batch_apply(batch)
    finally:
        connection.connection.execute("PRAGMA query_only=OFF")
    # then
    [(status, payload)] = results
    assert status == 503
    assert payload["code"] == "unavailable"
    assert payload["detail"] == "系统暂时无法保存，请稍后重试"
    assert Application.objects.count() == 0


def test_a_read_only_database_still_serves_pages_and_refuses_writes_with_a_503(client):
    world = world_make()
    client.force_login(world.owner)
    connection.ensure_connection()
    connection.connection.execute("PRAGMA query_only=ON")
    try:
        page = client.get(f"/jobs/{world.job.pk}/")
        write = client.post(_note_url(world), {"text": "写不进去"})
    finally:
        connection.connection.execute("PRAGMA query_only=OFF")
    assert page.status_code == 200
    assert write.status_code == 503
    assert "系统暂时无法保存，请稍后重试" in write.content.decode()


def test_a_busy_timeout_pragma_in_init_command_is_refused_as_it_would_override_the_timeout():
    wrapper = DatabaseWrapper(
        {
            **connection.settings_dict,
            "OPTIONS": {"init_command": "PRAGMA busy_timeout=5000;", "timeout": 20},
        }
    )
    with pytest.raises(ImproperlyConfigured, match="busy timeout"):
        wrapper.get_connection_params()


PROBE = """
import os
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
import django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
print(client.get("/").status_code, client.post("/accounts/login/", {"phone": "13700000001"}).status_code)
"""


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("unshare") is None,
    reason="needs root to bind-mount the data folder read-only in a private mount namespace",
)
def test_a_read_only_data_folder_still_serves_pages_and_answers_writes_with_503(tmp_path):
    # given: a migrated database in a data folder that is then mounted read-only
    var = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.pop("SQLITE_PATH", None)
    env["DAIGANG_VAR_DIR"] = str(var)
    root = Path(settings.BASE_DIR)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=root,
        env=env,
        check=True,
        timeout=300,
    )
    # when: a fresh process reads a page and tries a write
    done = subprocess.run(
        [
            "unshare",
            "-m",
            "sh",
            "-c",
            f'mount --bind -o ro "{var}" "{var}" && exec "{sys.executable}" -c "$PROBE"',
        ],
        cwd=root,
        env={**env, "PROBE": PROBE},
        capture_output=True,
        text=True,
        timeout=120,
    )
    # then: the page is served, the write is a 503 (never a 500)
    assert done.stdout.split() == ["200", "503"], done.stderr[-2000:]
