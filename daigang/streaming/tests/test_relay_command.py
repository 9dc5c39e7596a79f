"""`manage.py relay` as deploy/systemd/daigang-relay.service and `make serve` run it: it
serves until SIGTERM, then drains and exits cleanly; a relay index outside STREAM_RELAYS is
refused before it serves anything."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from daigang.core.testing import subprocess_environment

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db(transaction=True)
def test_the_relay_serves_until_sigterm_then_drains_and_exits_cleanly(relay_redis, tmp_path):
    # given the relay started as its unit starts it
    env = subprocess_environment(REDIS_URL=relay_redis.url, STREAM_RELAY="process")
    log = tmp_path / "relay.log"
    with log.open("w") as out:
        relay = subprocess.Popen(
            [sys.executable, "manage.py", "relay"], cwd=ROOT, env=env, stdout=out, stderr=out
        )
        try:
            deadline = time.monotonic() + 30
            while "serving" not in log.read_text():
                assert relay.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
            # when systemd stops it
            relay.send_signal(signal.SIGTERM)
            code = relay.wait(30)
        finally:
            if relay.poll() is None:
                relay.kill()
                relay.wait(10)

    # then it said so and exited 0 (systemd does not count it as failed)
    assert code == 0, log.read_text()
    assert "relay 0: stopped" in log.read_text()


@pytest.mark.django_db(transaction=True)
def test_a_relay_index_outside_stream_relays_is_refused(relay_redis):
    env = subprocess_environment(
        REDIS_URL=relay_redis.url, STREAM_RELAY="process", STREAM_RELAYS="2"
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "relay", "--index", "2"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "--index must be 0 to 1" in result.stderr
