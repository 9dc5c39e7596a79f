"""The relay's one long-lived event loop, in its own thread.

aiortc peer connections belong to the event loop they were created on and must keep running
between HTTP requests. Rather than rely on the web server's loop (uvicorn keeps one; Django's
test client and `runserver` run each async view in a loop that dies with the request), every
relay object is created and driven on this dedicated loop. Views hand it coroutines with
`relay_await`; synchronous code (an `on_commit` hook) with `relay_call_soon`.

The thread also keeps media work (decoding, the one encode per room) off the loop that serves
HTTP and WebSockets.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Threads of the relay loop's default executor carry this prefix. aiortc runs per-sender
# encoding there when a track yields frames instead of packets; the encode-once test checks
# that no encoder ever runs in such a thread.
EXECUTOR_THREAD_PREFIX = "relay-executor"

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_thread: threading.Thread | None = None


def _run(loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
    asyncio.set_event_loop(loop)
    loop.set_default_executor(ThreadPoolExecutor(thread_name_prefix=EXECUTOR_THREAD_PREFIX))
    loop.call_soon(ready.set)
    loop.run_forever()


def _new_loop() -> asyncio.AbstractEventLoop:
    # uvloop (installed with uvicorn[standard]) makes each packet sent to each viewer cheaper:
    # the per-viewer cost of the relay is mostly event-loop and socket work.
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def relay_loop() -> asyncio.AbstractEventLoop:
    """The relay's event loop, started on first use (one per process)."""
    global _loop, _thread
    with _lock:
        if _loop is None or _thread is None or not _thread.is_alive():
            loop = _new_loop()
            ready = threading.Event()
            thread = threading.Thread(
                target=_run, args=(loop, ready), name="media-relay", daemon=True
            )
            thread.start()
            ready.wait()
            _loop, _thread = loop, thread
        return _loop


def relay_loop_running() -> bool:
    """True once this process has started the relay loop (it then may hold rooms)."""
    return _loop is not None and _thread is not None and _thread.is_alive()


async def relay_await(coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro` on the relay loop and wait for it from any other event loop."""
    loop = relay_loop()
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        return await coro
    return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, loop))


def relay_run_sync(coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
    """Run `coro` on the relay loop from synchronous code and wait for its result."""
    return asyncio.run_coroutine_threadsafe(coro, relay_loop()).result(timeout)


def relay_call_soon(callback: Callable[[], Any]) -> None:
    """Schedule `callback` on the relay loop if it runs; a process without one has no rooms."""
    if relay_loop_running():
        assert _loop is not None
        _loop.call_soon_threadsafe(callback)
