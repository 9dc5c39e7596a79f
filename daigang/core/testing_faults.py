"""Private servers for fault tests: a Redis the test may kill, pause and restart.

Fault tests never touch the shared servers (6379, 5432): each starts its own redis-server on a
free loopback port, with no persistence, and stops it at the end whatever happened.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_wait(port: int, *, up: bool, timeout: float = 10) -> None:
    """Wait until something accepts connections on the port (or nothing does)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                if up:
                    return
        except OSError:
            if not up:
                return
        time.sleep(0.05)
    raise RuntimeError(f"port {port} did not come {'up' if up else 'down'}")


class PrivateRedis:
    """A redis-server of the test's own, on 127.0.0.1:<port>."""

    def __init__(self, port: int, folder: Path) -> None:
        self.port = port
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind", "127.0.0.1",
                "--port", str(self.port),
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        port_wait(self.port, up=True)

    def kill(self) -> None:
        """Gone at once, like a crash: open connections are reset."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None
        port_wait(self.port, up=False)

    def pause(self) -> None:
        """SIGSTOP: the kernel still accepts and acknowledges, nobody answers."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        if self.process is not None:
            os.kill(self.process.pid, signal.SIGCONT)
            self.process.kill()
            self.process.wait(10)
            self.process = None


@contextmanager
def private_redis(folder: Path) -> Iterator[PrivateRedis]:
    """A started PrivateRedis, stopped when the block ends."""
    if shutil.which("redis-server") is None:
        import pytest

        pytest.skip("redis-server is not installed")
    server = PrivateRedis(free_port(), folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own (initdb in a fresh folder), on 127.0.0.1:<port>.

    PostgreSQL refuses to run as root: when the tests run as root it runs as `postgres`.
    """

    def __init__(self, bin_dir: Path, port: int, folder: Path, user: str | None) -> None:
        self.bin_dir = bin_dir
        self.port = port
        self.folder = folder
        self.user = user
        self.process: subprocess.Popen[bytes] | None = None

    def _as_owner(self, args: list[str]) -> list[str]:
        return ["runuser", "-u", self.user, "--", *args] if self.user else args

    def start(self) -> None:
        data = self.folder / "data"
        if not data.exists():
            subprocess.run(
                self._as_owner(
                    [str(self.bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]
                ),
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        self.process = subprocess.Popen(
            self._as_owner(
                [
                    str(self.bin_dir / "postgres"),
                    "-D", str(data),
                    "-h", "127.0.0.1",
                    "-p", str(self.port),
                    "-k", str(self.folder),
                    "-c", "fsync=off",
                ]
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        port_wait(self.port, up=True, timeout=30)

    def _pid(self) -> int:
        # Under runuser the server is runuser's child; signal the postmaster itself.
        pid_file = self.folder / "data" / "postmaster.pid"
        return int(pid_file.read_text().split()[0])

    def pause(self) -> None:
        os.kill(self._pid(), signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self._pid(), signal.SIGCONT)

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            pid = self._pid()
            os.kill(pid, signal.SIGCONT)
            os.kill(pid, signal.SIGQUIT)  # immediate shutdown
        except (OSError, ValueError):
            self.process.kill()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        self.process = None


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """A started PrivatePostgres in a fresh temporary folder, stopped and removed after."""
    import tempfile

    import pytest

    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not bins:
        pytest.skip("PostgreSQL's initdb is not installed")
    user = None
    if os.geteuid() == 0:
        import pwd

        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no postgres user to run PostgreSQL as")
        user = "postgres"
    folder = Path(tempfile.mkdtemp(prefix="daigang-pg-"))
    if user:
        shutil.chown(folder, user=user)
    server = PrivatePostgres(bins[-1].parent, free_port(), folder, user)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
