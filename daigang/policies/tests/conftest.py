from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _hooks_at_once(monkeypatch):
    """Hooks that run on commit (live's room_pin_hooks) run at once: a test's transaction never
    commits."""
    from daigang.core import hooks

    monkeypatch.setattr(hooks, "_defer", lambda call: call())
