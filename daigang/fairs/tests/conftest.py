from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _hooks_at_once(monkeypatch):
    """A test runs inside one transaction that never commits: the hooks that keep the fair
    counters in step (daigang.core.hooks) run at once instead of on commit, so the counters
    move as they would in production."""
    from daigang.core import hooks

    monkeypatch.setattr(hooks, "_defer", lambda call: call())
