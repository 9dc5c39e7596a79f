"""Several web processes behind one port, each listening on a socket of its own.

    python -m daigang.core.serve [--workers N] [--host 127.0.0.1] [--port 8000] [APP]

This is what `make serve WORKERS=N` and deploy/systemd/daigang-web.service run.

Why not `uvicorn --workers N`: its processes share ONE listening socket, and an asyncio server
woken by a connection accepts every connection waiting, up to the backlog. A burst of new
connections therefore lands in whichever process woke first and stays there, since
connections are kept alive. A burst is nginx filling its pool of keep-alive connections, or
32 clients starting together. bench/apply_burst.py counted all 33 connections in one of two
processes while the other idled, and two processes were then no faster than one.

Here each process has its own socket bound to the same port with SO_REUSEPORT. Linux hands
each new connection to one of those sockets by a hash of its addresses, so connections spread
evenly whatever their timing.

The parent holds the sockets and watches the processes:
- A process that dies is started again on the same socket, and connections waiting in that
  socket's queue go to its replacement.
- A process that ends before it served did not start (e.g. settings that fail loudly).
  Everything then stops with exit status 1 rather than restarting it forever.
- SIGTERM or SIGINT to the parent sends each process one SIGTERM: uvicorn stops accepting and
  finishes the requests in flight, and the parent exits 0 when all have.

The processes run in a process group of their own, so a Ctrl-C reaches only the parent and
each process is told once. They die with the parent even if it is killed
(PR_SET_PDEATHSIG).

Uvicorn is used through its public Config and Server: Server.run(sockets=...), and startup()
extended to say when the process serves. No Django
here: each process imports the app itself.
"""

from __future__ import annotations

import argparse
import ctypes
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.context import SpawnProcess
from typing import Any

APP = "config.asgi:application"
# Each process gets this long to finish its requests after SIGTERM, then it is killed.
STOP_SECONDS = 30.0
BACKLOG = 2048  # uvicorn's own default
_PR_SET_PDEATHSIG = 1

_spawn = multiprocessing.get_context("spawn")


def _say(message: str) -> None:
    print(f"serve: {message}", file=sys.stderr, flush=True)


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def port_in_use(host: str, port: int) -> bool:
    """True when something already listens on host:port.

    Another server that also used SO_REUSEPORT would otherwise share the port silently, for
    example a `make serve` left running.
    """
    probe = socket.socket(_family(host), socket.SOCK_STREAM)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
    except OSError:
        return True
    finally:
        probe.close()
    return False


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket listening on host:port that other processes may bind too (SO_REUSEPORT)."""
    sock = socket.socket(_family(host), socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(BACKLOG)
    sock.set_inheritable(True)
    return sock


def _worker(options: dict[str, Any], sock: socket.socket, parent: int, ready: Any) -> None:
    """One web process: uvicorn serving the app on its own socket; `ready` set once it serves."""
    os.setpgrp()  # a Ctrl-C at the terminal reaches only the parent, which tells us once
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the parent's SIGTERM is still sent
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        return
    import uvicorn

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if self.started:  # listening, the app's startup done
                ready.set()

    server = Server(uvicorn.Config(**options))
    server.run(sockets=[sock])


@dataclass
class _Slot:
    """One web process and the socket it serves (kept by the parent across restarts)."""

    sock: socket.socket
    process: SpawnProcess | None = None
    ready: Any = None  # a multiprocessing Event, set by the process once it serves


@dataclass
class Supervisor:
    options: dict[str, Any]
    sockets: list[socket.socket]
    slots: list[_Slot] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def _start(self, slot: _Slot) -> None:
        slot.ready = _spawn.Event()
        slot.process = _spawn.Process(
            target=_worker,
            args=(self.options, slot.sock, os.getpid(), slot.ready),
            name="daigang-web",
        )
        slot.process.start()

    def stop(self, *_args: object) -> None:
        self._stop.set()

    def run(self) -> int:
        """Start one process per socket and keep them running until stopped; exit status."""
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self.stop)
        self.slots = [_Slot(sock) for sock in self.sockets]
        for slot in self.slots:
            self._start(slot)
        status = 0
        while not self._stop.wait(0.5):
            for slot in self.slots:
                process = slot.process
                assert process is not None
                if process.is_alive():
                    continue
                if not slot.ready.is_set():
                    _say(
                        f"a web process ended {process.exitcode} while starting "
                        "(its error is above); stopping"
                    )
                    status = 1
                    self._stop.set()
                    break
                _say(f"web process {process.pid} ended {process.exitcode}; starting another")
                self._start(slot)
        self._stop_all()
        return status

    def _stop_all(self) -> None:
        running = [s.process for s in self.slots if s.process is not None and s.process.is_alive()]
        for process in running:
            assert process.pid is not None
            os.kill(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        for process in running:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                _say(f"web process {process.pid} did not stop in {STOP_SECONDS:g} s; killed")
                process.kill()
                process.join()
        for sock in self.sockets:
            sock.close()


def serve(*, app: str, host: str, port: int, workers: int, **uvicorn_options: Any) -> int:
    """Serve `app` with `workers` processes on host:port (see the module docstring)."""
    if workers < 1:
        _say("--workers must be 1 or more")
        return 2
    if port_in_use(host, port):
        _say(f"{host}:{port} is in use: another server is listening there")
        return 1
    # The settings check that several processes have what they must share (config/settings.py).
    os.environ["WEB_WORKERS"] = str(workers)
    sockets = [listening_socket(host, port) for _ in range(workers)]
    options = {"app": app, "host": host, "port": port, **uvicorn_options}
    _say(f"{workers} web process(es) on {host}:{port}, each on its own socket (SO_REUSEPORT)")
    return Supervisor(options, sockets).run()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m daigang.core.serve", description=__doc__.split("\n")[0]
    )
    parser.add_argument("app", nargs="?", default=APP, help=f"ASGI app to serve (default {APP})")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    # Chat frames are small and go to every viewer: compressing each per socket doubles the
    # CPU per frame (bench/chat_fanout --deflate); the sans-I/O websockets protocol is the
    # cheapest.
    parser.add_argument("--ws", default="websockets-sansio")
    parser.add_argument("--ws-per-message-deflate", choices=["true", "false"], default="false")
    parser.add_argument("--log-level", default="info")
    parser.add_argument("--no-access-log", action="store_true")
    args = parser.parse_args(argv)
    return serve(
        app=args.app,
        host=args.host,
        port=args.port,
        workers=args.workers,
        ws=args.ws,
        ws_per_message_deflate=args.ws_per_message_deflate == "true",
        log_level=args.log_level,
        access_log=not args.no_access_log,
    )


if __name__ == "__main__":
    sys.exit(main())
