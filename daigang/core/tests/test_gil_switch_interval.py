from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _switch_interval_after_loading_asgi(value: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "GIL_SWITCH_INTERVAL_US"}
    if value is not None:
        env["GIL_SWITCH_INTERVAL_US"] = value
    return subprocess.run(
        [sys.executable, "-c", "import sys, config.asgi; print(sys.getswitchinterval())"],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_loading_the_asgi_application_hands_the_gil_over_every_millisecond():
    result = _switch_interval_after_loading_asgi(None)
    assert result.returncode == 0, result.stderr
    assert float(result.stdout) == 0.001


def test_the_gil_switch_interval_comes_from_the_environment_and_must_be_positive():
    assert float(_switch_interval_after_loading_asgi("2500").stdout) == 0.0025
    refused = _switch_interval_after_loading_asgi("0")
    assert refused.returncode != 0
    assert "GIL_SWITCH_INTERVAL_US" in refused.stderr
