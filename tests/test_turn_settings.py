"""The TURN settings fail loudly at start-up (a fresh `manage.py check`, as a deployment starts)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _check(**env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("WEBRTC_")}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_turn_secret_shorter_than_32_characters_refuses_to_start():
    result = _check(WEBRTC_TURN_SECRET="s" * 31)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "WEBRTC_TURN_SECRET has 31 characters" in result.stderr


def test_a_turn_secret_beside_a_static_username_refuses_to_start():
    result = _check(WEBRTC_TURN_SECRET="s" * 32, WEBRTC_TURN_USERNAME="daigang")

    assert result.returncode != 0
    assert "not both" in result.stderr


def test_a_turn_secret_of_32_characters_starts():
    result = _check(WEBRTC_TURN_SECRET="s" * 32, WEBRTC_TURN_TTL_S="600")

    assert result.returncode == 0, result.stdout + result.stderr
