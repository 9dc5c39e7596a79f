"""`make run` on a fresh clone: static files collected into a folder that does not exist yet,
migrate and load the demo into a var/ that does not exist yet."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_collectstatic_migrate_and_load_demo_work_on_a_fresh_checkout_with_no_var_folder(
    tmp_path,
):
    # given: the embedded defaults, and var/ and staticfiles/ folders that do not exist
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["DAIGANG_VAR_DIR"] = str(tmp_path / "fresh" / "var")
    env["STATIC_ROOT"] = str(tmp_path / "fresh" / "staticfiles")
    env.pop("SQLITE_PATH", None)

    def manage(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    # when: make run's steps (its collectstatic, with DEBUG on as there)
    collected = manage("collectstatic", "--noinput", "--clear", "-v0")
    migrated = manage("migrate", "--noinput", "-v0")
    demo = manage("load_demo")
    # then
    assert collected.returncode == 0, collected.stderr
    manifest = json.loads((tmp_path / "fresh" / "staticfiles" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["vendor/htmx.min.js"]
    for suffix in ("", ".br", ".gz"):
        assert (tmp_path / "fresh" / "staticfiles" / f"{hashed}{suffix}").exists(), suffix
    assert migrated.returncode == 0, migrated.stderr
    assert demo.returncode == 0, demo.stderr
    assert "Demo logins" in demo.stdout and "13800000000" in demo.stdout
    assert (tmp_path / "fresh" / "var" / "daigang.sqlite3").exists()
