"""Hooks a lower app calls once its write commits, so that an app above it can react without
being imported (tests/test_architecture.py): e.g. hiring's application_created_hooks, which
daigang.fairs fills from its AppConfig.ready() to keep its counters in step."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import transaction

# How a call is put off until the commit; tests that want the hooks inside their own
# transaction replace it (daigang/fairs/tests/conftest.py).
_defer: Callable[[Callable[[], None]], None] = transaction.on_commit


def hooks_on_commit(hooks: list[Callable[..., None]], *args: Any) -> None:
    """Call each of `hooks` with `args` once the current transaction commits (at once outside
    one). Nothing is queued when no app hooked in."""
    if hooks:
        _defer(partial(hooks_call, hooks, *args))


def hooks_call(hooks: list[Callable[..., None]], *args: Any) -> None:
    for hook in list(hooks):
        hook(*args)
