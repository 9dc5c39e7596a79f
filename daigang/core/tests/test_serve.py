"""python -m daigang.core.serve: several web processes behind one port, connections spread
over them by the kernel, a dead process replaced, a clean stop.

The processes serve `pid_app` below (each answers its own pid), so a test can see which
process took which connection without Django.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from daigang.core.serve import port_in_use

ROOT = Path(__file__).resolve().parents[3]
APP = "daigang.core.tests.test_serve:pid_app"


async def pid_app(scope, receive, send):  # type: ignore[no-untyped-def]
    if scope["type"] != "http":
        return
    body = str(os.getpid()).encode()
    headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pid_of(sock: socket.socket) -> int:
    """Ask on an open keep-alive connection which process serves it."""
    sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data or not data.split(b"\r\n\r\n", 1)[1]:
        chunk = sock.recv(4096)
        assert chunk, "the server closed the connection"
        data += chunk
    return int(data.split(b"\r\n\r\n", 1)[1])


def _connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def _served_by(port: int, count: int) -> Counter[int]:
    """Open `count` connections together, then ask each which process took it."""
    connections = [_connect(port) for _ in range(count)]
    try:
        return Counter(_pid_of(sock) for sock in connections)
    finally:
        for sock in connections:
            sock.close()


def _dead(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")


def _wait_serving(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        try:
            with _connect(port) as sock:
                _pid_of(sock)
                return
        except OSError:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)


@contextmanager
def _serving(*args: str) -> Iterator[tuple[subprocess.Popen, int]]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "daigang.core.serve", APP, "--port", str(port), *args],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield process, port
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stderr:
            process.stderr.close()


def _listeners(port: int) -> dict[int, set[int]]:
    """{socket inode: pids holding it} of the sockets listening on 127.0.0.1:port."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == f"0100007F:{port:04X}" and fields[3] == "0A":  # LISTEN
            inodes.add(int(fields[9]))
    holders: dict[int, set[int]] = {inode: set() for inode in inodes}
    for fd_dir in Path("/proc").glob("[0-9]*/fd"):
        try:
            links = [os.readlink(fd) for fd in fd_dir.iterdir()]
        except OSError:  # gone, or not ours
            continue
        for link in links:
            if link.startswith("socket:[") and int(link[8:-1]) in holders:
                holders[int(link[8:-1])].add(int(fd_dir.parent.name))
    return holders


def test_each_web_process_listens_on_a_socket_of_its_own():
    # given two web processes behind one port
    with _serving("--workers", "2") as (process, port):
        _wait_serving(port, process)
        pids = set(_served_by(port, 16))
        # then the port has two listening sockets, each served by one of them (the parent
        # keeps them for restarts); uvicorn --workers has one socket for every process
        listeners = _listeners(port)
    assert len(listeners) == 2, listeners
    served = [holders - {process.pid} for holders in listeners.values()]
    assert sorted(len(pids_) for pids_ in served) == [1, 1], listeners
    assert set().union(*served) == pids


def test_connections_opened_together_spread_over_the_web_processes():
    # given two web processes behind one port
    with _serving("--workers", "2") as (process, port):
        _wait_serving(port, process)
        # when 64 keep-alive connections open at once (nginx filling its pool, a crowd)
        served = _served_by(port, 64)
    # then both processes took a fair share (by the kernel's hash: 16 or fewer of 64 happens
    # about once in 30,000 runs), where uvicorn --workers often gives one process nearly all
    assert len(served) == 2, served
    assert min(served.values()) > 16, served


def test_a_web_process_that_dies_is_replaced_on_the_same_port_and_the_port_keeps_answering():
    # given two web processes serving
    with _serving("--workers", "2") as (process, port):
        _wait_serving(port, process)
        pids = set(_served_by(port, 16))
        assert len(pids) == 2
        # when one of them is killed
        victim = min(pids)
        os.kill(victim, signal.SIGKILL)
        while not _dead(victim):  # a connection it accepted before dying would be reset
            time.sleep(0.01)
        # then a new process takes its place, and every new connection is answered
        deadline = time.monotonic() + 30
        seen: set[int] = set()
        while not (seen - pids) and time.monotonic() < deadline:
            with _connect(port) as sock:
                seen.add(_pid_of(sock))
        assert seen - pids, f"no replacement for {victim}: answered by {seen}"
        assert victim not in seen
        assert process.poll() is None


def test_sigterm_stops_every_web_process_and_frees_the_port():
    # given two web processes serving
    with _serving("--workers", "2") as (process, port):
        _wait_serving(port, process)
        pids = set(_served_by(port, 16))
        # when the parent is told to stop
        process.send_signal(signal.SIGTERM)
        # then it exits cleanly, its processes are gone and the port is free again
        assert process.wait(40) == 0
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert not port_in_use("127.0.0.1", port)


def test_a_port_already_in_use_is_refused_with_a_clear_error():
    # given a port something else listens on
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        # when the web processes are started on it
        result = subprocess.run(
            [sys.executable, "-m", "daigang.core.serve", APP, "--port", str(port)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    # then nothing shares the port silently: a clear error and exit status 1
    assert result.returncode == 1
    assert f"127.0.0.1:{port} is in use" in result.stderr


def test_an_app_that_cannot_start_stops_the_server_instead_of_restarting_it_forever():
    # given an app that fails to import
    port = _free_port()
    result = subprocess.run(
        [sys.executable, "-m", "daigang.core.serve", "no_such_module:app", "--port", str(port)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    # then the server stops with an error, once
    assert result.returncode == 1
    assert "while starting" in result.stderr
    assert result.stderr.count("no_such_module") >= 1
    assert not port_in_use("127.0.0.1", port)
